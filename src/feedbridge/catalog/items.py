"""Paging through a project's current items with a simple filter, and showing one item with typed values.

Items are read lazily from the project's merged snapshot: the filter and the page run in Polars, and only
the rows of the page are collected. The filter is one field that contains or equals a text (case-
insensitive); the rules engine will bring full conditions later.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from feedbridge.catalog.errors import ItemNotFound, NoItems
from feedbridge.catalog.fields import typed_view
from feedbridge.catalog.model import FieldType
from feedbridge.catalog.snapshot_rows import current_snapshot, snapshot_ref
from feedbridge.catalog.snapshots import SnapshotRef, read_snapshot
from feedbridge.errors import InvalidInput
from feedbridge.projects.services import get_project

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


class Match(StrEnum):
    CONTAINS = "contains"
    EQUALS = "equals"


@dataclass(frozen=True)
class ItemFilter:
    field: str
    text: str
    match: Match = Match.CONTAINS

    @classmethod
    def parse(cls, where: str) -> ItemFilter:
        """`FIELD~TEXT` (contains) or `FIELD=TEXT` (equals), split at the first `~` or `=`."""
        positions = [(where.find(mark), mark) for mark in "~=" if mark in where]
        if not positions:
            raise InvalidInput("where", f"{where!r} needs FIELD~TEXT (contains) or FIELD=TEXT (equals).")
        at, mark = min(positions)
        name = where[:at].strip()
        if not name:
            raise InvalidInput("where", f"{where!r} names no field before {mark!r}.")
        return cls(name, where[at + 1 :], Match.CONTAINS if mark == "~" else Match.EQUALS)

    def expression(self, schema: pl.Schema) -> pl.Expr:
        if self.field not in schema:
            shown = ", ".join(list(schema)[:20])
            raise InvalidInput("where", f"the items have no field {self.field!r}; fields: {shown}")
        text = self.text.strip().lower()
        value = pl.element() if isinstance(schema[self.field], pl.List) else pl.col(self.field)
        value = value.str.strip_chars().str.to_lowercase()
        test = value.str.contains(text, literal=True) if self.match is Match.CONTAINS else value == text
        if isinstance(schema[self.field], pl.List):  # a list matches when any of its values does
            return pl.col(self.field).list.eval(test).list.any().fill_null(False)
        return test.fill_null(False)


@dataclass(frozen=True)
class ItemPage:
    id_field: str
    fields: list[str]
    field_types: dict[str, FieldType]
    items: list[dict[str, Any]]  # values as stored: text, or lists of text
    total: int  # items matching the filter
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class Item:
    id: str
    id_field: str
    values: dict[str, Any]  # as imported
    typed: dict[str, Any]  # numbers as floats, dates as UTC datetimes; None where a value does not read
    field_types: dict[str, FieldType]


def current_items(session: Session, company_id: int, project_id: int) -> SnapshotRef:
    """The project's merged snapshot that every later stage reads."""
    project = get_project(session, company_id, project_id)
    row = current_snapshot(session, project.id, None)
    if row is None:
        raise NoItems(project.name)
    return snapshot_ref(row)


def list_items(
    session: Session,
    company_id: int,
    project_id: int,
    *,
    where: ItemFilter | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    fields: list[str] | None = None,
) -> ItemPage:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput("page", f"pages start at 1 and hold 1 to {MAX_PAGE_SIZE} items.")
    ref = current_items(session, company_id, project_id)
    items = read_snapshot(ref)
    schema = items.collect_schema()
    shown = shown_fields(fields, schema, ref.id_field)
    if where is not None:
        items = items.filter(where.expression(schema))
    total = int(items.select(pl.len()).collect().item())
    rows = items.select(shown).slice((page - 1) * page_size, page_size).collect().to_dicts()
    types = {name: ref.field_types.get(name, FieldType.TEXT) for name in shown}
    return ItemPage(ref.id_field, shown, types, rows, total, page, page_size)


def shown_fields(wanted: list[str] | None, schema: pl.Schema, id_field: str) -> list[str]:
    """The fields a page shows: `wanted` (the ID field first), or every field."""
    if not wanted:
        return list(schema)
    missing = [name for name in wanted if name not in schema]
    if missing:
        raise InvalidInput("fields", f"the items have no field {', '.join(map(repr, missing))}.")
    return [id_field, *[name for name in wanted if name != id_field]]


def get_item(session: Session, company_id: int, project_id: int, item_id: str) -> Item:
    ref = current_items(session, company_id, project_id)
    found = read_snapshot(ref).filter(pl.col(ref.id_field) == item_id).collect()
    if found.height == 0:
        raise ItemNotFound(item_id, ref.id_field)
    # The snapshot's own date formats and decimal marks, so the one row reads exactly as the whole
    # snapshot does ("1.234" is 1234 in a snapshot that writes 1.234,50).
    typed = typed_view(found, ref.field_types, formats=ref.formats)
    return Item(
        item_id, ref.id_field, found.row(0, named=True), typed.row(0, named=True), dict(ref.field_types)
    )
