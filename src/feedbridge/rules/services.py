"""A project's rule sets: saving (validated against the project's fields), finding, renaming, deleting,
and running them on the project's current items for statistics and per-item explanations.

Every lookup is scoped by company through the rule set's project. Services add and flush; the caller
owns the transaction and commits. Import rules run when an import runs (`import_rules_for`); the
project's items are stored after them, so statistics and explanations of the project and API layers
start from the project's current snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from feedbridge.apis.errors import RuleSetInUse
from feedbridge.apis.models import AliExpressApi
from feedbridge.catalog.imports import get_import
from feedbridge.catalog.items import current_items
from feedbridge.catalog.model import FieldType
from feedbridge.catalog.models import Import, Snapshot
from feedbridge.catalog.snapshot_rows import current_snapshot
from feedbridge.catalog.snapshots import read_snapshot
from feedbridge.errors import Conflict, InvalidInput, NotFound
from feedbridge.projects.services import get_project
from feedbridge.rules.engine import (
    EvaluationContext,
    Explanation,
    RuleStats,
    explain_item,
    run_layers,
    run_rules,
)
from feedbridge.rules.files import rule_set_data
from feedbridge.rules.flow import action_reads, condition_reads
from feedbridge.rules.model import Layer, Rule, RuleSet, walk_conditions
from feedbridge.rules.records import RuleSetRecord
from feedbridge.rules.validation import (
    InvalidRules,
    check_rule_set,
    fields_after,
    parse_rule_set,
    validate_rule_set,
)
from feedbridge.validation import clean_name

DEFAULT_DISTINCT_VALUES = 1000
_COUNT = "\0count"  # a name no field has
_LAYER_ORDER = case({layer.value: i for i, layer in enumerate(Layer)}, value=RuleSetRecord.layer)


class RuleSetNotFound(NotFound):
    def __init__(self, name: str | int) -> None:
        which = f"rule set {name}" if isinstance(name, int) else f"rule set '{name}'"
        super().__init__(f"{which} does not exist in this project; `feedbridge rules list` shows them.")


# --- storing -----------------------------------------------------------------------------------------


def rule_set_of(record: RuleSetRecord) -> RuleSet:
    """The stored rules as the model (named as the record is)."""
    rule_set = parse_rule_set(record.definition, source=f"rule set '{record.name}'")
    return rule_set if rule_set.name == record.name else rule_set.model_copy(update={"name": record.name})


def save_rule_set(
    session: Session,
    company_id: int,
    project_id: int,
    rule_set: RuleSet,
    *,
    layer: Layer,
    import_id: int | None = None,
) -> RuleSetRecord:
    """Create the rule set, or replace the project's rule set of that name (in the same layer).

    Checked first against the fields the layer sees (unknown fields, wrong kinds, bad regexes…).
    """
    project = get_project(session, company_id, project_id)
    name = clean_name(rule_set.name, field="rule set name")
    rule_set = rule_set.model_copy(update={"name": name})
    if (layer is Layer.IMPORT) != (import_id is not None):
        raise InvalidInput("import", "import rules need their import, and only import rules have one.")
    if import_id is not None and get_import(session, company_id, import_id).project_id != project.id:
        raise InvalidInput("import", f"import {import_id} belongs to another project.")
    record = _by_name(session, project.id, name)
    if record is not None and (record.layer != layer or record.import_id != import_id):
        raise Conflict(
            f"rule set '{name}' already holds {describe_rule_set(session, record)}; choose another name or delete it first."
        )
    _ensure_one_per_owner(session, project.id, name, layer, import_id)
    snapshot = current_snapshot(session, project.id, import_id)
    if snapshot is None:  # no items yet (an import's rules come before its first run)
        check_rule_set_assuming_fields(rule_set, {}, source=f"rule set {name!r}")
    else:
        check_rule_set(rule_set, _fields_for(session, snapshot, layer), id_field=snapshot.id_field)
    if record is None:
        record = RuleSetRecord(project_id=project.id, name=name, layer=layer.value, import_id=import_id)
        session.add(record)
    record.definition = rule_set_data(rule_set)
    session.flush()
    return record


def describe_rule_set(session: Session, record: RuleSetRecord) -> str:
    """Whose rules these are, for people: "project rules", "import rules of import 'main'"."""
    imp = session.get(Import, record.import_id) if record.import_id is not None else None
    return f"{record.layer} rules" + (f" of import '{imp.name}'" if imp is not None else "")


def _ensure_one_per_owner(
    session: Session, project_id: int, name: str, layer: Layer, import_id: int | None
) -> None:
    if layer is Layer.API:
        return
    owner = RuleSetRecord.import_id == import_id if import_id is not None else RuleSetRecord.layer == layer
    other = session.scalar(
        select(RuleSetRecord).where(RuleSetRecord.project_id == project_id, owner, RuleSetRecord.name != name)
    )
    if other is not None:
        whose = "the import" if layer is Layer.IMPORT else "the project"
        raise Conflict(
            f"{whose} already has {layer.value} rules in rule set '{other.name}'; replace that one "
            f"(save under the name '{other.name}') or delete it first."
        )


def _fields_for(session: Session, snapshot: Snapshot, layer: Layer) -> dict[str, FieldType]:
    """The fields (and types) a layer's rules see: the API layer sees what the project rules leave."""
    fields = {name: FieldType(value) for name, value in snapshot.field_types.items()}
    if layer is Layer.API and (project := _project_record(session, snapshot.project_id)) is not None:
        fields = fields_after(rule_set_of(project), fields)
    return fields


def check_rule_set_assuming_fields(
    rule_set: RuleSet, fields: Mapping[str, FieldType], *, id_field: str | None = None, source: str
) -> None:
    """`check_rule_set` for when the fields are not all known (no items yet, or a rule test's few items):
    fields the rules name that `fields` lacks are taken to exist, with whatever type the rules need —
    only problems that hold whether such a field is text or a list are reported."""
    named = {name for rule in rule_set.rules for name in _reads(rule)} - set(fields)
    problems = [
        validate_rule_set(rule_set, {**fields, **dict.fromkeys(named, assumed)}, id_field=id_field)
        for assumed in (FieldType.TEXT, FieldType.LIST)
    ]
    found = [problem for problem in problems[0] if problem in problems[1]]
    if found:
        raise InvalidRules(found, source)


def _reads(rule: Rule) -> list[str]:
    conditions = [name for condition in walk_conditions(rule.when) for name in condition_reads(condition)]
    return conditions + [name for action in [*rule.then, *rule.otherwise] for name in action_reads(action)]


def _by_name(session: Session, project_id: int, name: str) -> RuleSetRecord | None:
    query = select(RuleSetRecord).where(
        RuleSetRecord.project_id == project_id, RuleSetRecord.name == " ".join(name.split())
    )
    return session.scalar(query)


def _project_record(session: Session, project_id: int) -> RuleSetRecord | None:
    query = select(RuleSetRecord).where(
        RuleSetRecord.project_id == project_id, RuleSetRecord.layer == Layer.PROJECT.value
    )
    return session.scalar(query)


def get_rule_set(session: Session, company_id: int, rule_set_id: int) -> RuleSetRecord:
    record = session.get(RuleSetRecord, rule_set_id)
    if record is None:
        raise RuleSetNotFound(rule_set_id)
    get_project(session, company_id, record.project_id)  # raises for another company's project
    return record


def find_rule_set(session: Session, company_id: int, project_id: int, name: str) -> RuleSetRecord:
    """The project's rule set called `name` (as the CLI names rule sets)."""
    record = _by_name(session, get_project(session, company_id, project_id).id, name)
    if record is None:
        raise RuleSetNotFound(name)
    return record


def project_rule_set(session: Session, company_id: int, project_id: int) -> RuleSetRecord | None:
    return _project_record(session, get_project(session, company_id, project_id).id)


def import_rule_set(session: Session, company_id: int, import_id: int) -> RuleSetRecord | None:
    imp = get_import(session, company_id, import_id)
    return session.scalar(select(RuleSetRecord).where(RuleSetRecord.import_id == imp.id))


def list_rule_sets(session: Session, company_id: int, project_id: int) -> list[RuleSetRecord]:
    """The project's rule sets: import rules, project rules, API rules; by name within a layer."""
    project = get_project(session, company_id, project_id)
    query = (
        select(RuleSetRecord)
        .where(RuleSetRecord.project_id == project.id)
        .order_by(_LAYER_ORDER, RuleSetRecord.name)
    )
    return list(session.scalars(query))


def rename_rule_set(session: Session, company_id: int, rule_set_id: int, name: str) -> RuleSetRecord:
    record = get_rule_set(session, company_id, rule_set_id)
    name = clean_name(name, field="rule set name")
    if name != record.name:
        if _by_name(session, record.project_id, name) is not None:
            raise Conflict(f"a rule set named '{name}' already exists in this project; choose another name.")
        record.name = name
        record.definition = rule_set_data(rule_set_of(record))
        session.flush()
    return record


def delete_rule_set(session: Session, company_id: int, rule_set_id: int) -> None:
    """Forget the rule set (an import whose rules these were simply runs without rules).

    API rule sets still chosen by an API are kept: the API would silently run without its rules.
    """
    record = get_rule_set(session, company_id, rule_set_id)
    using = (
        select(AliExpressApi.name).where(AliExpressApi.rule_set_id == record.id).order_by(AliExpressApi.name)
    )
    if apis := list(session.scalars(using)):
        raise RuleSetInUse(record.name, apis)
    session.delete(record)
    session.flush()


def import_rules_for(session: Session, import_id: int) -> RuleSet | None:
    """The import's rules for the import runner (None: it has none); the runner checked the company."""
    record = session.scalar(select(RuleSetRecord).where(RuleSetRecord.import_id == import_id))
    return rule_set_of(record) if record is not None else None


def compare_rule_sets(before: RuleSet, after: RuleSet) -> list[str]:
    """What replacing `before` by `after` changes, rule by rule (rules are matched by name)."""
    old = {rule.name: rule for rule in before.rules}
    new = {rule.name: rule for rule in after.rules}
    lines = [f"added rule '{name}'" for name in new if name not in old]
    lines += [f"removed rule '{name}'" for name in old if name not in new]
    for name in (name for name in new if name in old and new[name] != old[name]):
        toggled = new[name] == old[name].model_copy(update={"enabled": new[name].enabled})
        verb = ("enabled" if new[name].enabled else "disabled") if toggled else "changed"
        lines.append(f"{verb} rule '{name}'")
    if [name for name in old if name in new] != [name for name in new if name in old]:
        lines.append("changed the order of the rules")
    return lines or ["no rule changed"]


# --- reading the items -------------------------------------------------------------------------------


def distinct_values(
    session: Session, company_id: int, project_id: int, field: str, *, limit: int = DEFAULT_DISTINCT_VALUES
) -> list[str]:
    """A field's distinct non-empty values in the project's items, the most frequent first (list
    fields contribute their elements): "fill from data" starts a lookup table with them."""
    items = read_snapshot(current_items(session, company_id, project_id))
    schema = items.collect_schema()
    if field not in schema:
        raise InvalidInput("field", f"the items have no field {field!r}; fields: {', '.join(schema)}.")
    value = pl.col(field).explode() if isinstance(schema[field], pl.List) else pl.col(field)
    counted = (
        items.select(value)
        .filter(pl.col(field).str.contains(r"\S"))
        .group_by(field)
        .agg(pl.len().alias(_COUNT))
        .sort([_COUNT, field], descending=[True, False])
        .head(limit)
    )
    return counted.collect()[field].to_list()


@dataclass(frozen=True)
class LayerStats:
    layer: Layer
    rule_set: str
    stats: list[RuleStats]


@dataclass(frozen=True)
class LayerExplanation:
    layer: Layer
    rule_set: str
    explanation: Explanation


def rule_stats(
    session: Session,
    company_id: int,
    project_id: int,
    *,
    rule_set_id: int | None = None,
    now: datetime | None = None,
) -> list[LayerStats]:
    """Per-rule statistics on the current items: the project rules, then the API rules if `rule_set_id`
    is an API rule set (default: the project rules)."""
    layers, frame, context = _prepare(session, company_id, project_id, rule_set_id, now)
    _, stats = run_layers(frame, layers, context)
    return [LayerStats(layer, rules.name, stats[layer]) for layer, rules in layers]


def explain(
    session: Session,
    company_id: int,
    project_id: int,
    item_id: str,
    *,
    rule_set_id: int | None = None,
    now: datetime | None = None,
) -> list[LayerExplanation]:
    """What each rule did to one item, layer by layer; stops at the layer that excluded it. After a
    layer that split the item, the next layer explains its first part."""
    layers, items, context = _prepare(session, company_id, project_id, rule_set_id, now)
    explained: list[LayerExplanation] = []
    frame: pl.DataFrame | pl.LazyFrame = items
    for index, (layer, rules) in enumerate(layers):
        explanation = explain_item(frame, rules, context, item_id)
        explained.append(LayerExplanation(layer, rules.name, explanation))
        if not explanation.result or index == len(layers) - 1:
            break
        frame = run_rules(frame, rules, context, with_stats=False).frame
        item_id = str(explanation.result[0][context.id_field])
    return explained


def _prepare(
    session: Session, company_id: int, project_id: int, rule_set_id: int | None, now: datetime | None
) -> tuple[list[tuple[Layer, RuleSet]], pl.LazyFrame, EvaluationContext]:
    project = get_project(session, company_id, project_id)
    chosen = get_rule_set(session, company_id, rule_set_id) if rule_set_id is not None else None
    if chosen is not None and chosen.project_id != project.id:
        raise RuleSetNotFound(chosen.id)
    if chosen is not None and chosen.layer == Layer.IMPORT:
        raise InvalidInput(
            "rule set",
            f"'{chosen.name}' holds import rules: they run when the import runs, on the feed as read, and "
            "the items are stored after them. Run the import to apply changed import rules.",
        )
    base = _project_record(session, project.id)
    if chosen is None and base is None:
        raise NotFound(
            f"project '{project.name}' has no project rules; add them with "
            "`feedbridge rules import FILE --project NAME` or choose an API rule set with --rule-set."
        )
    # API rules see what the project rules leave.
    records = [base, chosen] if chosen is not None and chosen.layer == Layer.API else [chosen or base]
    layers = [(Layer(r.layer), rule_set_of(r)) for r in records if r is not None]
    ref = current_items(session, company_id, project.id)
    context = EvaluationContext(id_field=ref.id_field, now=now or datetime.now(UTC))
    return layers, read_snapshot(ref), context  # lazy: the first stage streams from the snapshot
