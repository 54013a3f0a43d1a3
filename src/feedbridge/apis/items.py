"""An API's items: the project's current items after the project rules and the API's own rules.

This is what every later stage of an API reads (categories, build, quality, preview, runs). The items
before the rules stay at hand, so that the quality summary can report which listings the rules excluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedbridge.apis.models import AliExpressApi
from feedbridge.catalog.errors import NoItems
from feedbridge.catalog.items import current_items
from feedbridge.catalog.model import FieldType
from feedbridge.catalog.snapshots import SnapshotRef, read_snapshot
from feedbridge.projects.models import Project
from feedbridge.rules.engine import EvaluationContext, run_layers
from feedbridge.rules.model import Exclude, Layer, RuleSet
from feedbridge.rules.records import RuleSetRecord
from feedbridge.rules.services import rule_set_of
from feedbridge.rules.validation import fields_after


@dataclass(frozen=True)
class ApiItems:
    items: pl.LazyFrame  # text and list-of-text columns, one row per item, in feed order
    snapshot: SnapshotRef  # the project's merged snapshot the items come from
    layers: tuple[tuple[Layer, RuleSet], ...]  # the rule layers that ran, in order
    excluded: int  # items the rules' exclude actions removed

    @property
    def before_rules(self) -> pl.LazyFrame:
        return read_snapshot(self.snapshot)

    @property
    def id_field(self) -> str:
        return self.snapshot.id_field

    @property
    def field_types(self) -> dict[str, FieldType]:
        return self.snapshot.field_types

    def decimal_mark(self, field: str) -> str:
        """How numbers are written in `field` ("." or ","), as the import found; "." for fields the rules made."""
        mark = self.snapshot.formats.get(field, ".")
        return mark if mark in (".", ",") else "."


def api_layers(session: Session, api: AliExpressApi) -> tuple[tuple[Layer, RuleSet], ...]:
    """The project rules, then the API's rules (either may be absent)."""
    project_rules = session.scalar(
        select(RuleSetRecord).where(
            RuleSetRecord.project_id == api.project_id, RuleSetRecord.layer == Layer.PROJECT.value
        )
    )
    records = [project_rules]
    if api.rule_set_id is not None:
        records.append(session.get_one(RuleSetRecord, api.rule_set_id))
    return tuple((Layer(record.layer), rule_set_of(record)) for record in records if record is not None)


def api_fields(session: Session, company_id: int, api: AliExpressApi) -> dict[str, FieldType] | None:
    """The fields (and types) of the API's items after the project and API rules, from the rules alone
    (no item is read); None before the project's first import run."""
    try:
        fields: dict[str, FieldType] = dict(current_items(session, company_id, api.project_id).field_types)
    except NoItems:
        return None
    for _, rule_set in api_layers(session, api):
        fields = fields_after(rule_set, fields)
    return fields


def api_items(
    session: Session, company_id: int, api: AliExpressApi, *, now: datetime | None = None
) -> ApiItems:
    """The API's items after the rules; raises NoItems before the project's first import run."""
    project = session.get_one(Project, api.project_id)
    ref = current_items(session, company_id, project.id)
    layers = api_layers(session, api)
    snapshot = read_snapshot(ref)
    if not layers:
        return ApiItems(snapshot, ref, layers, 0)
    context = EvaluationContext(id_field=ref.id_field, now=now or datetime.now(UTC))
    frame, stats = run_layers(snapshot, layers, context)
    excluding = {
        (layer, position)
        for layer, rules in layers
        for position, rule in enumerate(rules.rules)
        if any(isinstance(action, Exclude) for action in [*rule.then, *rule.otherwise])
    }
    excluded = sum(
        s.before - s.after
        for layer, found in stats.items()
        for s in found
        if (layer, s.position) in excluding
    )
    return ApiItems(frame.lazy(), ref, layers, excluded)
