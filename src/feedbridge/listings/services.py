"""An API's build, and its listings as built: quality, preview, payloads and value maps.

The build is stored per API (`builds`); before the merchant saves one, a build suggested from the items'
field names stands in. Computing the listings reads the API's items after the rules, categorizes them,
reads what the seller's account asks of the categories used (account data cache), then runs the
pipeline; the result is kept on disk (store.py) and reused while nothing it was built from changed.
Like the account data services these work in their own short transactions (reading the account may
refresh tokens, which commits), so they take a session factory rather than a session.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.apis.folders import api_folder
from feedbridge.apis.items import api_fields, api_items, api_layers
from feedbridge.apis.models import AliExpressApi, Language
from feedbridge.apis.services import activate_api, deactivate_api, get_api
from feedbridge.categories.assignments import ACCEPTED, assignments_path, read_assignments
from feedbridge.categories.categorize import CATEGORY_ID, categorize
from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.services import category_tree, list_lines
from feedbridge.channels.aliexpress.payloads import ITEM_IDS, PAYLOAD, PayloadFormat, listing_payloads
from feedbridge.channels.aliexpress.schema import (
    SHIP_TO_COUNTRIES,
    account_choices,
    load_requirements,
    shared_attributes,
)
from feedbridge.config import Settings
from feedbridge.connections import account_data
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.models import AccountData
from feedbridge.errors import FeedbridgeError, InvalidInput, NotFound
from feedbridge.listings import columns as c
from feedbridge.listings.build import chosen
from feedbridge.listings.pipeline import Excluded, make_listings
from feedbridge.listings.preview import PreviewPage, preview_page
from feedbridge.listings.quality import QualitySummary
from feedbridge.listings.records import BuildRecord
from feedbridge.listings.requirements import AttributeSpec, Choice, Level, Requirements, Tab, all_choices
from feedbridge.listings.spec import Build, Value, build_data
from feedbridge.listings.store import Labels, StoredListings, find_listings, writing_listings
from feedbridge.listings.suggest import suggested_build
from feedbridge.listings.validation import Known, build_from_data, checked_build
from feedbridge.rules.files import rule_set_data

# Bump when what the pipeline writes changes, so that stored results of an older version are rebuilt.
PIPELINE_VERSION = 3

Progress = Callable[[str, int, int], None]  # (step, done, total)


def _no_progress(step: str, done: int, total: int) -> None:
    return None


# --- the build ----------------------------------------------------------------------------------------


def get_build(session: Session, company_id: int, api_id: int) -> Build:
    """The API's build; before one is saved, the build suggested by the items' field names."""
    api = get_api(session, company_id, api_id)
    record = session.scalar(select(BuildRecord).where(BuildRecord.api_id == api.id))
    if record is not None:
        return build_from_data(record.definition, source=f"the build of API '{api.name}'")
    return suggested_build(api_fields(session, company_id, api) or {})


def has_saved_build(session: Session, company_id: int, api_id: int) -> bool:
    api = get_api(session, company_id, api_id)
    return session.scalar(select(BuildRecord.id).where(BuildRecord.api_id == api.id)) is not None


def account_shared(
    sessions: sessionmaker[Session], ctx: ConnectionContext, connection_id: int
) -> tuple[AttributeSpec, ...]:
    """The shared attributes with the seller account's templates and groups as their allowed values."""
    return shared_attributes(
        account_choices(
            account_data.freight_templates(sessions, ctx, connection_id),
            account_data.service_templates(sessions, ctx, connection_id),
            account_data.product_groups(sessions, ctx, connection_id),
        )
    )


def save_build(
    sessions: sessionmaker[Session], ctx: ConnectionContext, company_id: int, api_id: int, build: Build
) -> Build:
    """Check the build against the items' fields and what the account allows (in the categories the
    API's lines and accepted AI assignments use), then store it. Static values and value-map targets
    given by name are stored as ids. InvalidBuild lists every problem."""
    with sessions() as session:
        api = get_api(session, company_id, api_id)
        connection_id, fields = api.connection_id, api_fields(session, company_id, api)
        language = build.language or api.language
        used = _categories_in_use(session, company_id, api, ctx.settings)
    shared = account_shared(sessions, ctx, connection_id)
    category = variants = None
    if used:
        requirements = load_requirements(
            sessions, ctx, connection_id, used, language=language, permitted_leaves=frozenset(used)
        )
        category, variants = (
            {i: Known(uses[0].kind, all_choices(uses)) for i, uses in requirements.category_attributes(variant=v).items()}
            for v in (False, True)
        )  # fmt: skip
    checked = checked_build(
        build, shared, fields=fields, countries=SHIP_TO_COUNTRIES, languages=[lang.value for lang in Language],
        category=category, variants=variants,
    )  # fmt: skip
    with sessions.begin() as session:
        api = get_api(session, company_id, api_id)
        record = session.scalar(select(BuildRecord).where(BuildRecord.api_id == api.id))
        if record is None:
            record = BuildRecord(api_id=api.id, definition={})
            session.add(record)
        record.definition = build_data(checked)
    return checked


def _categories_in_use(
    session: Session, company_id: int, api: AliExpressApi, settings: Settings
) -> list[int]:
    """The categories the API's lines put items in, and those of its accepted AI assignments."""
    found = {line.category_id for line in list_lines(session, company_id, api.id) if line.category_id}
    assignments = read_assignments(api_folder(settings, api))
    if assignments is not None:
        accepted = assignments.filter(pl.col("status") == ACCEPTED).select(pl.col("category_id").unique())
        found |= set(accepted.collect().to_series().to_list())
    return sorted(found)


# Another way to name category and variant attributes (`build set category.10`, `variant.14`).
_KEY_ALIASES = {"category": "attribute", "variant": "sku_attribute"}


def value_key(key: str) -> str:
    """The key of `Build.values()` for a key as people type it: `category.10` is `attribute.10`,
    `variant.14` is `sku_attribute.14`; other keys are as they are."""
    section, dot, name = key.partition(".")
    return f"{_KEY_ALIASES[section]}.{name}" if dot and section in _KEY_ALIASES else key


def set_value(build: Build, key: str, value: Value | None) -> Build:
    """The build with one attribute's value replaced (None: removed). Keys: shared keys, `attribute.<id>`
    (or `category.<id>`), `sku_attribute.<id>` (or `variant.<id>`), `group_field` (a Value with a
    field) and `language` (a Value with a static)."""
    data = build_data(build)
    plain = None if value is None else value.model_dump(mode="json", exclude_defaults=True)
    section, _, name = value_key(key).partition(".")
    if key == "group_field":
        data.setdefault("variants", {})["group_field"] = value.field if value is not None else None
    elif key == "language":
        data["language"] = value.static if value is not None else None
    elif section == "attribute" and name.isdigit():
        _put(data.setdefault("category", {}), name, plain)
    elif section == "sku_attribute" and name.isdigit():
        _put(data.setdefault("variants", {}).setdefault("attributes", {}), name, plain)
    else:
        _put(data.setdefault("shared", {}), key, plain)
    return build_from_data(data)


def _put(target: dict[str, object], key: str, value: object) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


# --- computing the listings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    stored: StoredListings
    api: str  # the API's name
    language: str


def computed_listings(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    api_id: int,
    *,
    refresh: bool = False,
    progress: Progress = _no_progress,
) -> Computed:
    """The API's listings as built now: the stored result when nothing it was built from changed (or
    `refresh` asks to build again), else a new one. Raises NoItems before the first import."""
    now = ctx.now()
    with sessions() as session:
        api = get_api(session, company_id, api_id)
        progress("rules", 0, 1)
        items = api_items(session, company_id, api, now=now)
        lines = list_lines(session, company_id, api_id)
        build = get_build(session, company_id, api_id)
        key = _inputs_key(session, api, items.snapshot.id, lines, build, ctx, now)
        signature = _account_signature(session, api.connection_id)
        name, language, connection_id = api.name, build.language or api.language, api.connection_id
        unique_id_field, folder = api.unique_id_field, api_folder(ctx.settings, api)
    stored = None if refresh else find_listings(folder, key)
    if stored is not None and stored.account_signature == signature:
        return Computed(stored, name, language)
    progress("categories", 0, 1)
    tree = category_tree(sessions, ctx, connection_id)
    categorized = categorize(
        items.items, lines, read_assignments(folder), id_field=items.id_field, now=now
    ).collect()
    used = categorized.get_column(CATEGORY_ID).drop_nulls().unique().to_list()
    requirements = load_requirements(
        sessions, ctx, connection_id, used, language=language, permitted_leaves=tree.leaf_ids(),
        progress=lambda done, total: progress("account data", done, total),
    )  # fmt: skip
    with sessions() as session:
        signature = _account_signature(session, connection_id)
    progress("listings", 0, 1)
    with writing_listings(folder, key) as writer:
        found = make_listings(
            categorized.lazy(),
            build,
            requirements,
            id_field=items.id_field,
            unique_id_field=unique_id_field,
            decimal_marks={name: items.decimal_mark(name) for name in items.snapshot.formats},
            excluded=Excluded(items.excluded, items.before_rules if items.excluded else None),
            sink=writer.sink,
        )
        writer.finish(found, labels_of(requirements, language), signature, key)
    progress("listings", 1, 1)
    stored = find_listings(folder, key)
    assert stored is not None  # just written
    return Computed(stored, name, language)


def _inputs_key(
    session: Session,
    api: AliExpressApi,
    snapshot_id: str,
    lines: Sequence[CategoryLine],
    build: Build,
    ctx: ConnectionContext,
    now: datetime,
) -> str:
    """A digest of everything a result is built from but the account data (checked separately)."""
    assignments = assignments_path(api_folder(ctx.settings, api))
    stat = assignments.stat() if assignments.exists() else None
    inputs = {
        "version": PIPELINE_VERSION,
        "snapshot": snapshot_id,
        "rules": [rule_set_data(rules) for _, rules in api_layers(session, api)],
        "lines": [line.model_dump(mode="json", by_alias=True) for line in lines],
        "assignments": [stat.st_mtime_ns, stat.st_size] if stat else None,
        "build": build_data(build),
        "api": [api.language, api.unique_id_field],
        # Rules may look at today's date and hour.
        "hour": now.strftime("%Y-%m-%dT%H"),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _account_signature(session: Session, connection_id: int) -> str:
    count, latest = session.execute(
        select(func.count(AccountData.id), func.max(AccountData.fetched_at)).where(
            AccountData.connection_id == connection_id
        )
    ).one()
    return f"{count}:{latest.isoformat() if latest else ''}"


def labels_of(requirements: Requirements, language: str) -> Labels:
    """Attribute labels in display order (shared, then category, then variant attributes), and the
    names of the value ids they may hold."""
    attributes = {spec.key: spec.label for spec in requirements.shared}
    names: dict[str, dict[str, str]] = {
        spec.key: {choice.id: choice.name(language) for choice in spec.choices}
        for spec in requirements.shared
        if spec.choices
    }
    for variant in (False, True):
        for uses in requirements.category_attributes(variant=variant).values():
            key = uses[0].key
            attributes[key] = uses[0].names.get(language) or uses[0].name
            names[key] = {choice.id: choice.name(language) for use in uses for choice in use.choices}
    return Labels(attributes, names)


# --- reading the listings --------------------------------------------------------------------------------


def quality(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    api_id: int,
    *,
    refresh: bool = False,
    progress: Progress = _no_progress,
) -> QualitySummary:
    return computed_listings(
        sessions, ctx, company_id, api_id, refresh=refresh, progress=progress
    ).stored.summary


def preview(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    api_id: int,
    *,
    issue: str | None = None,
    category: int | None = None,
    page: int = 1,
    page_size: int = 20,
    progress: Progress = _no_progress,
) -> PreviewPage:
    computed = computed_listings(sessions, ctx, company_id, api_id, progress=progress)
    with sessions() as session:
        connection_id = get_api(session, company_id, api_id).connection_id
    tree = category_tree(sessions, ctx, connection_id)
    return preview_page(
        computed.stored,
        issue=issue,
        category=category,
        page=page,
        page_size=page_size,
        category_path=lambda category_id: tree.path_text(category_id, computed.language),
    )


@dataclass(frozen=True)
class ListingPayload:
    listing: str  # the listing's key
    item_ids: list[str]
    blocked: bool
    payload: str  # JSON text, exactly as sent


def listing_payload(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    api_id: int,
    item_id: str,
    *,
    fmt: PayloadFormat = PayloadFormat.INSTANCE,
) -> ListingPayload:
    """The payload of the listing that holds the item (the format runs send, or the product.post one)."""
    computed = computed_listings(sessions, ctx, company_id, api_id)
    stored = computed.stored
    found = stored.listings().filter(pl.col(ITEM_IDS).list.contains(item_id)).collect()
    if found.height == 0:
        raise NotFound(
            f"item {item_id!r} is not among the API's items (excluded by a rule, or not imported)."
        )
    row = found.row(0, named=True)
    payload = row[PAYLOAD]
    if fmt is not PayloadFormat.INSTANCE:
        skus = stored.skus().filter(pl.col(c.LISTING) == row[c.LISTING])
        with sessions() as session:
            connection_id = get_api(session, company_id, api_id).connection_id
        category = row[c.CATEGORY]
        requirements = load_requirements(
            sessions, ctx, connection_id, [category] if category is not None else [],
            language=computed.language, permitted_leaves=frozenset([category] if category is not None else []),
        )  # fmt: skip
        payload = listing_payloads(skus, requirements, fmt).collect().item(0, PAYLOAD)
    return ListingPayload(row[c.LISTING], list(row[ITEM_IDS]), bool(row[c.BLOCKED]), payload)


@dataclass(frozen=True)
class MappedValue:
    value: str  # the merchant's value
    items: int
    choice_id: str | None  # the allowed value it maps to, None: not mapped
    choice_name: str | None
    how: str  # "map" (the build's value map), "name" (matched by name), "none"


def value_map(
    sessions: sessionmaker[Session], ctx: ConnectionContext, company_id: int, api_id: int, key: str
) -> list[MappedValue]:
    """The items' values of an attribute with allowed values, most frequent first, each with the value it
    maps to and how; unmapped values are listed too (with `choice_id` None)."""
    computed = computed_listings(sessions, ctx, company_id, api_id)
    stored = computed.stored
    with sessions() as session:
        build = get_build(session, company_id, api_id)
        connection_id = get_api(session, company_id, api_id).connection_id
    key = value_key(key)
    value = build.values().get(key)
    raw = c.raw(key)
    if value is None or value.static is not None or raw not in stored.skus().collect_schema():
        raise InvalidInput(
            "attribute", f"{key!r} is not an attribute with allowed values that the build fills from a field."
        )
    categories = (
        stored.items().select(pl.col(c.CATEGORY).drop_nulls().unique()).collect().to_series().to_list()
    )
    requirements = load_requirements(
        sessions, ctx, connection_id, categories, language=computed.language,
        permitted_leaves=frozenset(categories),
    )  # fmt: skip
    choices = _choices_of(requirements, key) or _shared_choices(requirements, key)
    if not choices:
        raise InvalidInput("attribute", f"{key!r} takes no allowed values: its values are read as they are.")
    values = stored.skus().select(pl.col(raw).alias("value"))
    if isinstance(values.collect_schema()["value"], pl.List):
        values = values.explode("value")
    counted = (
        values.drop_nulls()
        .group_by("value")
        .agg(pl.len().alias("items"))
        .with_columns(chosen(pl.col("value"), value, choices).alias("id"))
        .sort(["items", "value"], descending=[True, False])
        .collect()
    )
    names = {choice.id: choice.name(computed.language) for choice in choices}
    explicit = {k.strip() for k in value.map}
    return [
        MappedValue(
            row["value"],
            row["items"],
            row["id"],
            names.get(row["id"]) if row["id"] else None,
            "none" if row["id"] is None else "map" if row["value"].strip() in explicit else "name",
        )
        for row in counted.iter_rows(named=True)
    ]


@dataclass(frozen=True)
class AllowedValue:
    id: str
    name: str  # in the language of the build
    other_names: list[str]  # in other languages, and the words matched to it


def attribute_choices(
    sessions: sessionmaker[Session], ctx: ConnectionContext, company_id: int, api_id: int, key: str
) -> list[AllowedValue]:
    """The values an attribute allows (shared attributes: the account's; category and variant attributes:
    any of the categories in use), for picking static values and value-map targets."""
    key = value_key(key)
    with sessions() as session:
        api = get_api(session, company_id, api_id)
        connection_id, language = (
            api.connection_id,
            get_build(session, company_id, api_id).language or api.language,
        )
        used = _categories_in_use(session, company_id, api, ctx.settings)
    requirements = load_requirements(
        sessions, ctx, connection_id, used, language=language, permitted_leaves=frozenset(used)
    )
    shared = {spec.key: spec for spec in account_shared(sessions, ctx, connection_id)}
    choices = shared[key].choices if key in shared else _choices_of(requirements, key)
    if not choices:
        raise InvalidInput(
            "attribute",
            f"{key!r} has no allowed values in the categories in use; `build show` lists the attributes.",
        )
    rows = []
    for choice in choices:
        name = choice.name(language)
        rows.append(AllowedValue(choice.id, name, sorted({*choice.names.values(), *choice.aliases} - {name})))
    return rows


def _shared_choices(requirements: Requirements, key: str) -> tuple[Choice, ...]:
    return next((spec.choices for spec in requirements.shared if spec.key == key), ())


def _choices_of(requirements: Requirements, key: str) -> tuple[Choice, ...]:
    """The allowed values of a category or variant attribute in any of the categories in use."""
    for variant in (False, True):
        for uses in requirements.category_attributes(variant=variant).values():
            if uses[0].key == key:
                return all_choices(uses)
    return ()


@dataclass(frozen=True)
class AttributeRow:
    key: str
    label: str
    tab: str
    kind: str
    level: str  # mandatory / recommended / optional (for category attributes: the strictest use)
    categories: int  # used categories that have it (0 for shared attributes)
    value: Value | None  # what the build gives it


def build_attributes(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    api_id: int,
    *,
    progress: Progress = _no_progress,
) -> list[AttributeRow]:
    """Every attribute the API's listings have: the shared ones, then the category-specific and variant
    attributes of the categories its items use, each with its level and the build's value."""
    computed = computed_listings(sessions, ctx, company_id, api_id, progress=progress)
    with sessions() as session:
        build = get_build(session, company_id, api_id)
        connection_id = get_api(session, company_id, api_id).connection_id
    categories = (
        computed.stored.items()
        .select(pl.col(c.CATEGORY).drop_nulls().unique())
        .collect()
        .to_series()
        .to_list()
    )
    requirements = load_requirements(
        sessions, ctx, connection_id, categories, language=computed.language,
        permitted_leaves=frozenset(categories),
    )  # fmt: skip
    values = build.values()
    rows = [
        AttributeRow(
            spec.key, spec.label, spec.tab.value, spec.kind.value, spec.level.value, 0, values.get(spec.key)
        )
        for spec in requirements.shared
    ]
    order = [Level.MANDATORY, Level.RECOMMENDED, Level.OPTIONAL]
    for variant in (False, True):
        for uses in requirements.category_attributes(variant=variant).values():
            first = uses[0]
            level = min((use.level for use in uses), key=order.index)
            tab = Tab.VARIANTS if variant else Tab.CATEGORY
            rows.append(
                AttributeRow(first.key, first.names.get(computed.language) or first.name, tab.value,
                             first.kind.value, level.value, len(uses), values.get(first.key))
            )  # fmt: skip
    return rows


@dataclass(frozen=True)
class ActivationReport:
    runnable: bool
    project_active: bool
    summary: QualitySummary | None  # None when the quality could not be checked
    unchecked: str | None = None  # why the quality could not be checked (no items, connection expired …)


def activation_report(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    api_id: int,
    *,
    active: bool,
    progress: Progress = _no_progress,
) -> ActivationReport:
    """(De)activate the API; activating with open mandatory issues is allowed, and the report says how
    many listings a run will skip because of them."""
    with sessions.begin() as session:
        activation = (activate_api if active else deactivate_api)(session, company_id, api_id)
        runnable, project_active = activation.runnable, activation.project_active
    if not active:
        return ActivationReport(runnable, project_active, None)
    try:
        summary = quality(sessions, ctx, company_id, api_id, progress=progress)
    except FeedbridgeError as error:  # activating stays done: the check only informs
        return ActivationReport(runnable, project_active, None, str(error))
    return ActivationReport(runnable, project_active, summary)
