"""Paging through the project's current items with a filter, and one item with typed values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedbridge.catalog.errors import ItemNotFound, NoItems
from feedbridge.catalog.items import ItemFilter, Match, get_item, list_items
from feedbridge.errors import InvalidInput

from .conftest import Catalog, csv

ROWS = [
    {"id": f"SKU{i:03}", "title": "Red shirt" if i % 3 == 0 else "Blue jeans", "price": f"{i}.50",
     "link": f"https://shop.example/p/{i}", "added": "2026-01-15"}
    for i in range(1, 26)
]  # fmt: skip


@pytest.fixture
def shop(catalog: Catalog) -> Catalog:
    catalog.run(catalog.add("main", catalog.write("feed.csv", csv(ROWS))))
    return catalog


def test_pages(shop: Catalog) -> None:
    with shop.sessions() as session:
        first = list_items(session, shop.company_id, shop.project_id, page_size=10)
        last = list_items(session, shop.company_id, shop.project_id, page=3, page_size=10)
    assert first.total == 25 and first.pages == 3 and len(first.items) == 10
    assert first.items[0]["id"] == "SKU001" and [i["id"] for i in last.items] == [
        f"SKU0{i}" for i in range(21, 26)
    ]
    assert first.field_types["price"] == "number" and first.id_field == "id"


def test_filter_contains_and_equals(shop: Catalog) -> None:
    with shop.sessions() as session:
        red = list_items(session, shop.company_id, shop.project_id, where=ItemFilter.parse("title~RED"))
        one = list_items(
            session, shop.company_id, shop.project_id, where=ItemFilter.parse("id=sku007"), fields=["title"]
        )
    assert red.total == 8 and all(item["title"] == "Red shirt" for item in red.items)
    assert one.total == 1 and one.items == [{"id": "SKU007", "title": "Blue jeans"}]


def test_filter_parsing_and_errors(shop: Catalog) -> None:
    assert ItemFilter.parse("a=b~c") == ItemFilter("a", "b~c", Match.EQUALS)
    assert ItemFilter.parse("g:title~x") == ItemFilter("g:title", "x", Match.CONTAINS)
    with pytest.raises(InvalidInput, match="FIELD~TEXT"):
        ItemFilter.parse("title")
    with shop.sessions() as session, pytest.raises(InvalidInput, match="no field 'colour'"):
        list_items(session, shop.company_id, shop.project_id, where=ItemFilter.parse("colour~red"))


def test_show_one_item_with_typed_values(shop: Catalog) -> None:
    with shop.sessions() as session:
        item = get_item(session, shop.company_id, shop.project_id, "SKU004")
        with pytest.raises(ItemNotFound, match="SKU999"):
            get_item(session, shop.company_id, shop.project_id, "SKU999")
    assert item.values["price"] == "4.50" and item.typed["price"] == 4.5
    assert item.typed["added"] == datetime(2026, 1, 15, tzinfo=UTC)
    assert item.typed["link"] == "https://shop.example/p/4"


def test_one_item_reads_with_the_decimal_mark_of_its_snapshot(catalog: Catalog) -> None:
    rows = ["id;preis"] + [f"A{i};{i},99" for i in range(20)] + ["THOUSAND;1.234"]
    catalog.run(catalog.add("de", catalog.write("feed.csv", "\n".join(rows) + "\n")))
    with catalog.sessions() as session:
        item = get_item(session, catalog.company_id, catalog.project_id, "THOUSAND")
        other = get_item(session, catalog.company_id, catalog.project_id, "A3")
    assert item.values["preis"] == "1.234" and item.typed["preis"] == 1234.0
    assert other.typed["preis"] == 3.99


def test_list_filter_on_list_fields(catalog: Catalog) -> None:
    xml = (
        '<?xml version="1.0"?><rss xmlns:g="http://base.google.com/ns/1.0"><channel>'
        "<item><g:id>1</g:id><g:tag>summer</g:tag><g:tag>sale</g:tag></item>"
        "<item><g:id>2</g:id><g:tag>winter</g:tag></item></channel></rss>"
    )
    catalog.run(catalog.add("xml", catalog.write("feed.xml", xml)))
    with catalog.sessions() as session:
        page = list_items(session, catalog.company_id, catalog.project_id, where=ItemFilter.parse("tag=sale"))
    assert [item["id"] for item in page.items] == ["1"]


def test_no_items_before_the_first_run(catalog: Catalog) -> None:
    with catalog.sessions() as session, pytest.raises(NoItems, match="no items yet"):
        list_items(session, catalog.company_id, catalog.project_id)
