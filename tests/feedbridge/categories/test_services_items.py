"""An API's items and their categories: counts per line, generated lines, uncategorized items and the
share categorized, AI assignments after manual lines; on a feed written here and on a real one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from feedbridge.apis.folders import api_folder
from feedbridge.apis.models import AliExpressApi
from feedbridge.categories import services
from feedbridge.categories.assignments import write_assignments
from feedbridge.categories.categorize import CATEGORY_ID, CATEGORY_SOURCE
from feedbridge.categories.lines import CategoryLine
from feedbridge.errors import InvalidInput
from support.shop import ConnectedShop

from .conftest import API_RULES, DRESSES, SNEAKERS, api_with_items

REAL_FEED = (
    Path(__file__).resolve().parents[3]
    / ".."
    / "shared"
    / "data"
    / "feeds"
    / "google-merchant-xml"
    / "marsupiu_ro_merchant_feed.xml"
)


def counts(found: list[services.LineWithCount]) -> list[tuple[int, str | None, int, int]]:
    return [(entry.position, entry.line.label, entry.matched, entry.categorized) for entry in found]


def test_generated_lines_one_per_value_most_items_first_and_never_twice(
    connected_shop: ConnectedShop,
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)

    created = shop.call(services.generate_lines, api_id, "product_type")
    # "Dresses" and "dresses" are one value, as `equals` compares them; blank values make no line.
    assert counts(created) == [
        (1, "product_type = Dresses", 2, 0),
        (2, "product_type = Shoes", 1, 0),
        (3, "product_type = Shoes > Boots", 1, 0),
    ]
    assert created[0].line == CategoryLine.model_validate(
        {
            "label": "product_type = Dresses",
            "if": {"all": [{"op": "equals", "field": "product_type", "value": "Dresses"}]},
        }
    )
    assert shop.call(services.generate_lines, api_id, "product_type") == []

    # A list field (split by the API rules) contributes its elements; an item counts once per value.
    assert counts(shop.call(services.generate_lines, api_id, "tags")) == [
        (4, "tags = sale", 3, 0),
        (5, "tags = red", 2, 0),
        (6, "tags = blue", 1, 0),
        (7, "tags = winter", 1, 0),
    ]
    assert len(shop.call(services.list_lines, api_id)) == 7


def test_generating_from_an_unknown_field_or_one_with_too_many_values_is_refused(
    connected_shop: ConnectedShop,
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    with pytest.raises(
        InvalidInput,
        match=r"^field: the API's items have no field 'colour' after the rules; fields: id, title, product_type, tags, price, channel\.$",
    ):
        shop.call(services.generate_lines, api_id, "colour")
    with pytest.raises(
        InvalidInput,
        match=r"'title' has 5 distinct values without a line, more than 4: generate lines from a field that names categories",
    ):
        shop.call(services.generate_lines, api_id, "title", limit=4)
    assert shop.call(services.list_lines, api_id) == []


def test_counts_uncategorized_items_and_the_share_categorized(connected_shop: ConnectedShop) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    shop.call(services.generate_lines, api_id, "product_type")
    shop.call(services.set_line_category, api_id, 1, DRESSES)
    sale = CategoryLine.model_validate(
        {"if": {"all": [{"op": "contains", "field": "tags", "value": "sale"}]}, "category_id": SNEAKERS}
    )
    shop.call(services.add_line, api_id, sale)

    # The first matching line with a target wins: A1 is on sale but a dress.
    assert counts(shop.call(services.lines_with_counts, api_id)) == [
        (1, "product_type = Dresses", 2, 2),
        (2, "product_type = Shoes", 1, 0),
        (3, "product_type = Shoes > Boots", 1, 0),
        (4, None, 3, 2),
    ]
    found = shop.call(services.uncategorized, api_id, shop.settings, fields=["title", "price"])
    assert (found.page.total, found.page.fields, found.page.items) == (
        1, ["id", "title", "price"], [{"id": "A4", "title": "Leather boots", "price": "90"}]
    )  # fmt: skip
    overview = found.overview
    assert (overview.items, overview.by_lines, overview.by_ai, overview.uncategorized, overview.excluded) == (
        5,
        4,
        0,
        1,
        0,
    )
    assert overview.share == pytest.approx(0.8)


def test_accepted_ai_assignments_categorize_what_no_line_does_and_never_override_a_line(
    connected_shop: ConnectedShop,
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    dresses = CategoryLine.model_validate(
        {
            "if": {"all": [{"op": "equals", "field": "product_type", "value": "dresses"}]},
            "category_id": DRESSES,
        }
    )
    shop.call(services.add_line, api_id, dresses)
    assignments = pl.DataFrame(
        {
            "item_id": ["A1", "A3", "A4", "A5"],
            "category_id": [111, 333, 444, 555],
            "confidence": [0.99, 0.9, 0.4, 0.95],
            "status": ["accepted", "accepted", "suggested", "accepted"],
        }
    )
    with shop.sessions() as session:
        folder = api_folder(shop.settings, session.get_one(AliExpressApi, api_id))
    write_assignments(folder, assignments)

    with shop.sessions() as session:
        found = services.categorized_items(session, shop.company_id, api_id, shop.settings)
        rows = found.frame.select("id", CATEGORY_ID, CATEGORY_SOURCE).collect().rows()
    assert rows == [
        ("A1", DRESSES, "line"),
        ("A2", DRESSES, "line"),
        ("A3", 333, "ai"),
        ("A4", None, None),
        ("A5", 555, "ai"),
    ]
    overview = shop.call(services.overview, api_id, shop.settings)
    assert (overview.by_lines, overview.by_ai, overview.uncategorized, overview.share) == (2, 2, 1, 0.8)
    page = shop.call(services.uncategorized, api_id, shop.settings, page_size=1)
    assert [item["id"] for item in page.page.items] == ["A4"]


def test_items_the_rules_exclude_are_reported_apart_and_pages_are_checked(
    connected_shop: ConnectedShop,
) -> None:
    shop = connected_shop
    rules: dict[str, Any] = {
        **API_RULES,
        "rules": [
            *API_RULES["rules"],
            {
                "name": "No boots",
                "if": {"all": [{"op": "contains", "field": "title", "value": "boots"}]},
                "then": [{"action": "exclude"}],
            },
        ],
    }
    api_id = api_with_items(shop, rules=rules)
    found = shop.call(services.uncategorized, api_id, shop.settings, page=2, page_size=3)
    assert (found.overview.items, found.overview.excluded, found.overview.uncategorized) == (4, 1, 4)
    assert [item["id"] for item in found.page.items] == ["A5"] and found.page.pages == 2
    assert "channel" in found.page.fields and "tags" in found.page.fields
    with pytest.raises(InvalidInput, match="pages start at 1"):
        shop.call(services.uncategorized, api_id, shop.settings, page=0)
    with pytest.raises(InvalidInput, match="the items have no field 'colour'"):
        shop.call(services.uncategorized, api_id, shop.settings, fields=["colour"])


@pytest.mark.skipif(not REAL_FEED.is_file(), reason=f"the shared real feeds are not at {REAL_FEED.parent}")
def test_lines_generated_from_a_real_merchant_feed(connected_shop: ConnectedShop) -> None:
    shop = connected_shop
    api_id = api_with_items(shop, REAL_FEED, rules=None)
    created = shop.call(services.generate_lines, api_id, "google_product_category")
    with shop.sessions() as session:
        found = services.categorized_items(session, shop.company_id, api_id, shop.settings)
        values = found.items.items.select("google_product_category").collect()["google_product_category"]
    # Each item with a category is matched by exactly one generated line, most items first.
    assert sum(entry.matched for entry in created) == values.drop_nulls().len() > 0
    assert [entry.matched for entry in created] == sorted((entry.matched for entry in created), reverse=True)
    assert len(created) == values.drop_nulls().str.to_lowercase().n_unique()

    shop.call(services.set_line_category, api_id, 1, DRESSES)
    overview = shop.call(services.overview, api_id, shop.settings)
    assert (
        overview.by_lines == created[0].matched
        and overview.uncategorized == values.len() - created[0].matched
    )
