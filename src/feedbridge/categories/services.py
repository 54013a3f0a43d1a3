"""An API's categories: its manual category lines (listed, added, edited, moved, deleted, generated,
counted), its items with their categories (uncategorized items and the share categorized), and the
connection's category tree.

Every lookup is scoped by company through the API's project (an API of another company is NotFound).
Services add and flush; the caller owns the transaction and commits. Lines are numbered by position,
1 for the first, kept dense. A target is checked against the connection's tree when one is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.apis.folders import api_folder
from feedbridge.apis.items import ApiItems, api_fields, api_items
from feedbridge.apis.models import AliExpressApi
from feedbridge.apis.services import get_api
from feedbridge.catalog.items import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ItemPage, shown_fields
from feedbridge.catalog.model import FieldType
from feedbridge.categories.assignments import read_assignments
from feedbridge.categories.categorize import AI, CATEGORY_ID, CATEGORY_SOURCE, LINE, categorize, line_counts
from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.models import CategoryLineRecord
from feedbridge.categories.tree import DEFAULT_SEARCH_LIMIT, CategoryNode, CategoryTree, SearchHit
from feedbridge.categories.validation import check_line, check_target, line_name, parse_line
from feedbridge.categories.values import values_by_frequency
from feedbridge.config import Settings
from feedbridge.connections import account_data
from feedbridge.connections.account_data import TreeProgress
from feedbridge.connections.context import ConnectionContext
from feedbridge.errors import InvalidInput, NotFound
from feedbridge.rules.columns import is_helper
from feedbridge.rules.files import plain_data
from feedbridge.rules.model import Group, TextCondition
from feedbridge.validation import MAX_NAME_LENGTH

# "Generate lines" is for fields that name categories: a field with more values is something else.
MAX_GENERATED_LINES = 1000


@dataclass(frozen=True)
class LineWithCount:
    position: int
    line: CategoryLine
    matched: int  # items whose condition holds
    categorized: int  # items this line categorized (the first matching line with a target)


@dataclass(frozen=True)
class Overview:
    items: int  # the API's items after the rules
    by_lines: int
    by_ai: int  # accepted AI assignments, for items no line categorized
    uncategorized: int
    excluded: int  # items the rules excluded (not among `items`)

    @property
    def categorized(self) -> int:
        return self.by_lines + self.by_ai

    @property
    def share(self) -> float:
        """The share of the items categorized, 0 … 1 (0 without items)."""
        return self.categorized / self.items if self.items else 0.0


@dataclass(frozen=True)
class Uncategorized:
    page: ItemPage  # the items no line and no accepted AI assignment categorized
    overview: Overview


@dataclass(frozen=True)
class CategorizedItems:
    items: ApiItems  # the API's items after the rules
    frame: pl.LazyFrame  # the same items with `categorize.CATEGORY_ID`, CATEGORY_SOURCE, CATEGORY_LINE


# --- lines ---------------------------------------------------------------------------------------------


def list_lines(session: Session, company_id: int, api_id: int) -> list[CategoryLine]:
    """The API's lines in order (the first is position 1)."""
    return [_line_of(record) for record in _records(session, get_api(session, company_id, api_id).id)]


def add_line(
    session: Session,
    company_id: int,
    api_id: int,
    line: CategoryLine,
    *,
    position: int | None = None,
    tree: CategoryTree | None = None,
) -> int:
    """Insert the line at `position` (default: last); returns its position."""
    api = _locked_api(session, company_id, api_id)
    records = _records(session, api.id)
    position = len(records) + 1 if position is None else position
    if not 1 <= position <= len(records) + 1:
        raise InvalidInput(
            "position",
            f"API '{api.name}' has {_count(records)}: give a position from 1 to {len(records) + 1}.",
        )
    _check(session, company_id, api, [(position, line)], tree)
    record = _stored(CategoryLineRecord(api_id=api.id, position=position), line)
    session.add(record)
    records.insert(position - 1, record)
    _renumber(session, records)
    return position


def edit_line(
    session: Session,
    company_id: int,
    api_id: int,
    position: int,
    line: CategoryLine,
    *,
    tree: CategoryTree | None = None,
) -> CategoryLine:
    """Replace line `position` by `line` (same place)."""
    api = _locked_api(session, company_id, api_id)
    record = _at(api, _records(session, api.id), position)
    _check(session, company_id, api, [(position, line)], tree)
    _stored(record, line)
    session.flush()
    return _line_of(record)


def set_line_category(
    session: Session,
    company_id: int,
    api_id: int,
    position: int,
    category_id: int | None,
    *,
    tree: CategoryTree | None = None,
) -> CategoryLine:
    """Pick line `position`'s target (None: no target, the line categorizes nothing)."""
    api = _locked_api(session, company_id, api_id)
    record = _at(api, _records(session, api.id), position)
    line = parse_line({**plain_data(_line_of(record)), "category_id": category_id}, position)
    check_target(category_id, tree, line_name(position), api.language)
    record.category_id = category_id
    session.flush()
    return line


def delete_line(session: Session, company_id: int, api_id: int, position: int) -> None:
    api = _locked_api(session, company_id, api_id)
    records = _records(session, api.id)
    session.delete(_at(api, records, position))
    del records[position - 1]
    _renumber(session, records)


def move_line(session: Session, company_id: int, api_id: int, position: int, to: int) -> None:
    """Move line `position` to position `to`; the lines between shift by one."""
    api = _locked_api(session, company_id, api_id)
    records = _records(session, api.id)
    record = _at(api, records, position)
    if not 1 <= to <= len(records):
        raise InvalidInput(
            "position", f"API '{api.name}' has {_count(records)}: move it to 1 … {len(records)}."
        )
    records.remove(record)
    records.insert(to - 1, record)
    _renumber(session, records)


def replace_lines(
    session: Session,
    company_id: int,
    api_id: int,
    lines: Sequence[CategoryLine],
    *,
    tree: CategoryTree | None = None,
) -> None:
    """Make `lines` the API's lines (as a lines file is imported): all are checked first, and every
    problem is reported at once; nothing changes unless all are good."""
    api = _locked_api(session, company_id, api_id)
    _check(session, company_id, api, list(enumerate(lines, start=1)), tree)
    for record in _records(session, api.id):
        session.delete(record)
    session.flush()
    for position, line in enumerate(lines, start=1):
        session.add(_stored(CategoryLineRecord(api_id=api.id, position=position), line))
    session.flush()


def lines_with_counts(
    session: Session, company_id: int, api_id: int, *, now: datetime | None = None
) -> list[LineWithCount]:
    """Each line with the API's items it matches and categorizes (NoItems before the first import)."""
    api = get_api(session, company_id, api_id)
    lines = list_lines(session, company_id, api.id)
    items = api_items(session, company_id, api, now=now)
    return _with_counts(items.items, lines, now)


def generate_lines(
    session: Session,
    company_id: int,
    api_id: int,
    field: str,
    *,
    limit: int = MAX_GENERATED_LINES,
    now: datetime | None = None,
) -> list[LineWithCount]:
    """One line without a target per distinct non-empty value of `field` (list fields contribute their
    elements; values that differ only in case are one value, as `equals` compares them), most items
    first, appended after the existing lines. Values that already have such a line are skipped, so
    running it again only adds the new values. Returns the new lines with their counts."""
    api = _locked_api(session, company_id, api_id)
    items = api_items(session, company_id, api, now=now)
    schema = items.items.collect_schema()
    if field not in schema:
        shown = ", ".join(name for name in schema if not is_helper(name))
        raise InvalidInput(
            "field", f"the API's items have no field {field!r} after the rules; fields: {shown}."
        )
    lines = list_lines(session, company_id, api.id)
    existing = [value for line in lines if (value := _generated_value(line, field)) is not None]
    values = values_by_frequency(items.items, field, skip=existing)
    if len(values) > limit:
        raise InvalidInput(
            "field",
            f"{field!r} has {len(values)} distinct values without a line, more than {limit}: generate lines "
            "from a field that names categories (a product type or category path), or add lines by hand.",
        )
    new = [CategoryLine(when=_equals(field, value), label=_label(f"{field} = {value}")) for value in values]
    for position, line in enumerate(new, start=len(lines) + 1):
        session.add(_stored(CategoryLineRecord(api_id=api.id, position=position), line))
    session.flush()
    return _with_counts(items.items, [*lines, *new], now)[len(lines) :]


def _with_counts(items: pl.LazyFrame, lines: list[CategoryLine], now: datetime | None) -> list[LineWithCount]:
    counts = line_counts(items, lines, now=now or datetime.now(UTC))
    return [
        LineWithCount(c.position, line, c.matched, c.categorized)
        for line, c in zip(lines, counts, strict=True)
    ]


def _equals(field: str, value: str) -> Group:
    return Group(all=[TextCondition(op="equals", field=field, value=value)])


def _generated_value(line: CategoryLine, field: str) -> str | None:
    """The value of a line `field equals value` (as generated), else None."""
    members = line.when.members
    first = members[0] if len(members) == 1 else None
    if (
        isinstance(first, TextCondition)
        and first.value is not None
        and line.when == _equals(field, first.value)
    ):
        return first.value
    return None


def _label(text: str) -> str:
    return text if len(text) <= MAX_NAME_LENGTH else text[: MAX_NAME_LENGTH - 1] + "…"


# --- items and their categories -------------------------------------------------------------------------


def categorized_items(
    session: Session, company_id: int, api_id: int, settings: Settings, *, now: datetime | None = None
) -> CategorizedItems:
    """The API's items after the rules with their categories: manual lines, then accepted AI assignments."""
    api = get_api(session, company_id, api_id)
    now = now or datetime.now(UTC)
    items = api_items(session, company_id, api, now=now)
    lines = list_lines(session, company_id, api.id)
    frame = categorize(
        items.items, lines, read_assignments(api_folder(settings, api)), id_field=api.unique_id_field, now=now
    )
    return CategorizedItems(items, frame)


def overview(
    session: Session, company_id: int, api_id: int, settings: Settings, *, now: datetime | None = None
) -> Overview:
    found = categorized_items(session, company_id, api_id, settings, now=now)
    return _overview(found, found.frame.select(_counts()).collect())


def uncategorized(
    session: Session,
    company_id: int,
    api_id: int,
    settings: Settings,
    *,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    fields: list[str] | None = None,
    now: datetime | None = None,
) -> Uncategorized:
    """A page of the items no line and no accepted AI assignment categorized, with the overview."""
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput("page", f"pages start at 1 and hold 1 to {MAX_PAGE_SIZE} items.")
    found = categorized_items(session, company_id, api_id, settings, now=now)
    schema = pl.Schema(
        {name: dtype for name, dtype in found.frame.collect_schema().items() if not is_helper(name)}
    )
    shown = shown_fields(fields, schema, found.items.id_field)
    rows = (
        found.frame.filter(pl.col(CATEGORY_ID).is_null())
        .select(shown)
        .slice((page - 1) * page_size, page_size)
    )
    # One evaluation for both: Polars computes the plan the two queries share once.
    counts, collected = pl.collect_all([found.frame.select(_counts()), rows])
    summary = _overview(found, counts)
    types = {name: found.items.field_types.get(name, FieldType.TEXT) for name in shown}
    items_page = ItemPage(
        found.items.id_field, shown, types, collected.to_dicts(), summary.uncategorized, page, page_size
    )
    return Uncategorized(items_page, summary)


def _counts() -> list[pl.Expr]:
    source = pl.col(CATEGORY_SOURCE)
    return [pl.len().alias("items"), (source == LINE).sum().alias(LINE), (source == AI).sum().alias(AI)]


def _overview(found: CategorizedItems, counts: pl.DataFrame) -> Overview:
    items, by_lines, by_ai = (int(counts[name][0]) for name in ("items", LINE, AI))
    return Overview(items, by_lines, by_ai, items - by_lines - by_ai, found.items.excluded)


# --- the category tree ---------------------------------------------------------------------------------


def category_tree(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    *,
    refresh: bool = False,
    progress: TreeProgress | None = None,
) -> CategoryTree:
    """The connection's category tree (cached; read from AliExpress when stale or when asked to)."""
    nodes = account_data.category_tree(sessions, ctx, connection_id, refresh=refresh, progress=progress)
    return CategoryTree.from_nodes(CategoryNode(**node) for node in nodes)


def search_categories(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    text: str,
    language: str,
    *,
    leaves_only: bool = True,
    limit: int = DEFAULT_SEARCH_LIMIT,
) -> list[SearchHit]:
    """Categories of the connection's tree by name or path, in `language` and every other language."""
    tree = category_tree(sessions, ctx, connection_id)
    return tree.search(text, language, leaves_only=leaves_only, limit=limit)


# --- storage --------------------------------------------------------------------------------------------


def _locked_api(session: Session, company_id: int, api_id: int) -> AliExpressApi:
    """The API, its row locked until the transaction ends (PostgreSQL), so that two sessions changing
    its lines at once cannot both number a new line n + 1."""
    api = get_api(session, company_id, api_id)
    session.execute(select(AliExpressApi.id).where(AliExpressApi.id == api.id).with_for_update())
    return api


def _records(session: Session, api_id: int) -> list[CategoryLineRecord]:
    query = select(CategoryLineRecord).where(CategoryLineRecord.api_id == api_id)
    return list(session.scalars(query.order_by(CategoryLineRecord.position, CategoryLineRecord.id)))


def _at(api: AliExpressApi, records: list[CategoryLineRecord], position: int) -> CategoryLineRecord:
    if not 1 <= position <= len(records):
        raise NotFound(
            f"API '{api.name}' has no line {position}; it has {_count(records)} "
            "(`feedbridge categories lines API -p PROJECT` lists them)."
        )
    return records[position - 1]


def _count(records: list[CategoryLineRecord]) -> str:
    return f"{len(records)} line{'' if len(records) == 1 else 's'}"


def _renumber(session: Session, records: list[CategoryLineRecord]) -> None:
    for position, record in enumerate(records, start=1):
        record.position = position
    session.flush()


def _stored(record: CategoryLineRecord, line: CategoryLine) -> CategoryLineRecord:
    record.condition = plain_data(line.when)
    record.category_id = line.category_id
    record.label = " ".join((line.label or "").split()) or None
    return record


def _line_of(record: CategoryLineRecord) -> CategoryLine:
    return CategoryLine(
        when=Group.model_validate(record.condition), category_id=record.category_id, label=record.label
    )


def _check(
    session: Session,
    company_id: int,
    api: AliExpressApi,
    lines: list[tuple[int, CategoryLine]],
    tree: CategoryTree | None,
) -> None:
    """Every line's condition against the API's fields and its target against the tree; all problems
    are reported together."""
    fields = api_fields(session, company_id, api)
    problems: list[InvalidInput] = []
    for position, line in lines:
        try:
            check_line(line, position, fields)
            check_target(line.category_id, tree, line_name(position), api.language)
        except InvalidInput as error:
            problems.append(error)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        listed = [f"{len(problems)} category lines to fix", *map(str, problems)]
        raise InvalidInput(f"API '{api.name}'", "\n".join(listed))
