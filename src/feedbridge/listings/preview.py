"""The preview: a page of items as they will be listed (every mapped attribute, shown by name), filtered
by issue and by category, read from a stored result. Only the rows of the page are collected."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from feedbridge.errors import InvalidInput
from feedbridge.listings import columns as c
from feedbridge.listings.quality import Issue
from feedbridge.listings.store import StoredListings

ANY_ISSUE = "any"
MANDATORY = "mandatory"  # items whose listing a mandatory issue blocks
MAX_PAGE_SIZE = 500
# Columns shown under the label of what they go with (the attributes themselves are in the labels).
_SHOWN_PREFIXES = ("attribute.", "sku_attribute.", "sku_alias.", "sku_image.", "price.", "discount_price.")


@dataclass(frozen=True)
class PreviewItem:
    item_id: str
    sku_code: str | None
    listing: str  # the item group, or the SKU code of a listing of its own
    variants: int
    category_id: int | None
    category_path: str | None
    blocked: bool  # the listing has a mandatory issue and is not sent
    issues: list[tuple[Issue, bool]]  # the listing's issues; True where this item has it itself
    values: list[tuple[str, str]]  # (attribute, value as shown), in build order
    raw: dict[str, str]  # attribute -> the merchant's value, where it was read or mapped


@dataclass(frozen=True)
class PreviewPage:
    items: list[PreviewItem]
    total: int  # items matching the filters
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def preview_page(
    stored: StoredListings,
    *,
    issue: str | None = None,
    category: int | None = None,
    page: int = 1,
    page_size: int = 20,
    category_path: Callable[[int], str] | None = None,
) -> PreviewPage:
    """Items of the stored result; `issue` is None (all items), "any" (items whose listing has an
    issue), "mandatory" (items whose listing is blocked) or an issue code (items whose listing has it:
    every variant shows a variant's issue)."""
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput("page", f"pages start at 1 and hold 1 to {MAX_PAGE_SIZE} items.")
    rows = stored.skus()
    if issue == ANY_ISSUE:
        rows = rows.filter(stored.issues.any_issue())
    elif issue == MANDATORY:
        rows = rows.filter(pl.col(c.BLOCKED))
    elif issue is not None:
        if issue not in stored.issues.codes:
            known = ", ".join(i.code for i in stored.summary.issues) or "none: the items have no issues"
            raise InvalidInput("issue", f"no check has the code {issue!r}; the issues found are: {known}.")
        rows = rows.filter(stored.issues.has(issue))
    if category is not None:
        rows = rows.filter(pl.col(c.CATEGORY) == category)
    total = int(rows.select(pl.len()).collect().item())
    found = rows.slice((page - 1) * page_size, page_size).collect()
    issues = {i.code: i for i in stored.summary.issues}
    items = [_item(row, stored, issues, category_path) for row in found.iter_rows(named=True)]
    return PreviewPage(items, total, page, page_size)


def _item(
    row: dict[str, Any],
    stored: StoredListings,
    known: dict[str, Issue],
    category_path: Callable[[int], str] | None,
) -> PreviewItem:
    index = stored.issues
    words = [row[c.issue_word(w, own=False)] for w in range(index.words)]
    own = set(index.codes_of([row[c.issue_word(w, own=True)] for w in range(index.words)]))
    issues = [(known[code], code in own) for code in index.codes_of(words) if code in known]
    category = row[c.CATEGORY]
    return PreviewItem(
        item_id=row[c.ITEM_ID],
        sku_code=row[c.SKU_CODE],
        listing=row[c.GROUP] or row[c.SKU_CODE] or "",
        variants=row[c.VARIANTS],
        category_id=category,
        category_path=category_path(category) if category is not None and category_path else None,
        blocked=bool(row[c.BLOCKED]),
        issues=issues,
        values=_values(row, stored),
        raw={
            key.removeprefix("raw:"): _shown(value)
            for key, value in row.items()
            if key.startswith("raw:") and value not in (None, [])
        },
    )


def _values(row: dict[str, Any], stored: StoredListings) -> list[tuple[str, str]]:
    labels, names = stored.labels.attributes, stored.labels.names
    shown: list[tuple[str, str]] = []
    for key, label in labels.items():
        column = c.IMAGES if key == "main_image" else key
        if key == "extra_images":
            continue
        if row.get(column) in (None, []):
            raw = row.get(c.raw(key))
            if raw not in (None, []):  # the merchant's value, which did not read or map to an allowed one
                shown.append((label, f"{_shown(raw)} (not sent: see the issues)"))
            continue
        shown.append((label if key != "main_image" else "Images", _shown(row[column], names.get(key, {}))))
    for key, value in row.items():
        if key.startswith(_SHOWN_PREFIXES[2:]) and value is not None and _sent_with(key, row):
            shown.append((_derived_label(key, labels), _shown(value)))
    return shown


def _sent_with(key: str, row: dict[str, Any]) -> bool:
    """A variant value's own name and image go only with the value itself."""
    kind, _, which = key.partition(".")
    return kind not in ("sku_alias", "sku_image") or row.get(f"sku_attribute.{which}") is not None


def _derived_label(key: str, labels: dict[str, str]) -> str:
    """Labels of the columns that go with an attribute: a variant value's own name and image, and the
    localized prices ("Color: your name", "Price FR")."""
    kind, _, which = key.partition(".")
    attribute = labels.get(f"sku_attribute.{which}", which)
    return {
        "sku_alias": f"{attribute}: your name",
        "sku_image": f"{attribute}: image",
        "price": f"Price {which}",
        "discount_price": f"Discount price {which}",
    }[kind]


def _shown(value: Any, names: dict[str, str] | None = None) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(element, names) for element in value)
    if names and isinstance(value, str) and value in names:
        return f"{names[value]} ({value})"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
