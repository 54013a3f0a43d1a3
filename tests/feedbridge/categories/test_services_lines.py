"""An API's category lines: added, listed, edited, moved and deleted with dense positions; conditions
checked against the fields after the rules; targets against the connection's tree; company scoping."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from feedbridge.accounts.services import create_company
from feedbridge.apis.services import delete_api
from feedbridge.categories import services
from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.models import CategoryLineRecord
from feedbridge.errors import InvalidInput, NotFound
from support.shop import ConnectedShop

from .conftest import ALCOHOL, BOOTS, DRESSES, SNEAKERS, WOMEN, api_with_items, tree_of


def line(*conditions: dict[str, Any], category: int | None = None, label: str | None = None) -> CategoryLine:
    return CategoryLine.model_validate(
        {"if": {"all": list(conditions)}, "category_id": category, "label": label}
    )


def equals(field: str, value: str) -> dict[str, Any]:
    return {"op": "equals", "field": field, "value": value}


def labels(shop: ConnectedShop, api_id: int) -> list[str | None]:
    return [found.label for found in shop.call(services.list_lines, api_id)]


def test_positions_stay_dense_as_lines_are_added_moved_edited_and_deleted(
    connected_shop: ConnectedShop,
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    assert shop.call(services.list_lines, api_id) == []
    for position, name in enumerate("abc", start=1):
        assert (
            shop.call(services.add_line, api_id, line(equals("product_type", name), label=name)) == position
        )
    assert shop.call(services.add_line, api_id, line(equals("title", "x"), label="first"), position=1) == 1
    assert labels(shop, api_id) == ["first", "a", "b", "c"]

    shop.call(services.move_line, api_id, 1, 4)
    assert labels(shop, api_id) == ["a", "b", "c", "first"]
    shop.call(services.move_line, api_id, 3, 1)
    assert labels(shop, api_id) == ["c", "a", "b", "first"]
    shop.call(services.delete_line, api_id, 2)
    assert labels(shop, api_id) == ["c", "b", "first"]

    edited = shop.call(
        services.edit_line,
        api_id,
        2,
        line(equals("product_type", "Shoes"), category=SNEAKERS, label="  shoes  "),
    )
    assert edited == line(equals("product_type", "Shoes"), category=SNEAKERS, label="shoes")
    assert shop.call(services.set_line_category, api_id, 2, None).category_id is None
    assert shop.call(services.list_lines, api_id)[1] == line(equals("product_type", "Shoes"), label="shoes")
    with shop.sessions() as session:
        positions = session.scalars(
            select(CategoryLineRecord.position)
            .where(CategoryLineRecord.api_id == api_id)
            .order_by(CategoryLineRecord.position)
        )
        assert list(positions) == [1, 2, 3]


def test_positions_out_of_range_are_refused(connected_shop: ConnectedShop) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    shop.call(services.add_line, api_id, line(equals("title", "x")))
    with pytest.raises(InvalidInput, match=r"^position: API 'AE' has 1 line: give a position from 1 to 2\.$"):
        shop.call(services.add_line, api_id, line(equals("title", "y")), position=3)
    with pytest.raises(
        NotFound, match=r"API 'AE' has no line 2; it has 1 line \(`feedbridge categories lines"
    ):
        shop.call(services.delete_line, api_id, 2)
    with pytest.raises(NotFound, match="has no line 0"):
        shop.call(services.set_line_category, api_id, 0, DRESSES)
    with pytest.raises(InvalidInput, match=r"move it to 1 … 1"):
        shop.call(services.move_line, api_id, 1, 2)


def test_conditions_are_checked_against_the_fields_after_the_rules(connected_shop: ConnectedShop) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    # `channel` is made by the API rules; `tags` is a list after them.
    shop.call(
        services.add_line,
        api_id,
        line(equals("channel", "aliexpress"), {"op": "contains", "field": "tags", "value": "sale"}),
    )

    with pytest.raises(
        InvalidInput,
        match=r"^category line 2: if › condition 1 \(equals\): unknown field 'product_typ' — did you mean 'product_type'\?$",
    ):
        shop.call(services.add_line, api_id, line(equals("product_typ", "Shoes")))
    with pytest.raises(
        InvalidInput,
        match=r"^category line 1: if › condition 1 \(greater_than\): field 'tags' is a list: number conditions",
    ):
        shop.call(services.edit_line, api_id, 1, line({"op": "greater_than", "field": "tags", "value": 3}))
    with pytest.raises(
        InvalidInput, match=r"category line 2: if › condition 1 \(matches\): pattern '\(\?=x\)': look-around"
    ):
        shop.call(services.add_line, api_id, line({"op": "matches", "field": "title", "pattern": "(?=x)"}))
    assert len(shop.call(services.list_lines, api_id)) == 1


def test_before_the_first_import_only_problems_whatever_the_fields_are_refused(
    connected_shop: ConnectedShop,
) -> None:
    shop = connected_shop
    api_id = shop.new_api(shop.new_project(), unique_id_field="sku")
    assert shop.call(services.add_line, api_id, line(equals("anything", "x"))) == 1
    with pytest.raises(InvalidInput, match=r"category line 2: .*look-around"):
        shop.call(services.add_line, api_id, line({"op": "matches", "field": "title", "pattern": "(?=x)"}))


def test_a_target_must_be_a_leaf_the_seller_may_use_when_the_tree_is_given(
    connected_shop: ConnectedShop,
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    tree = tree_of(shop)
    shop.call(services.add_line, api_id, line(equals("title", "x"), category=DRESSES), tree=tree)

    with pytest.raises(
        InvalidInput,
        match=rf"^category line 2: category {WOMEN} \(Apparel & Accessories > Women\) has sub-categories; pick one of them \(`feedbridge categories tree API --parent {WOMEN}`\)$",
    ):
        shop.call(services.add_line, api_id, line(equals("title", "y"), category=WOMEN), tree=tree)
    for unusable in (ALCOHOL, 999):
        with pytest.raises(
            InvalidInput,
            match=f"category {unusable} is not in the connection's category tree .*--search TEXT",
        ):
            shop.call(services.set_line_category, api_id, 1, unusable, tree=tree)
    assert shop.call(services.set_line_category, api_id, 1, BOOTS, tree=tree).category_id == BOOTS
    # Without a tree nothing is looked up (the quality checks report such targets later).
    assert shop.call(services.set_line_category, api_id, 1, WOMEN).category_id == WOMEN
    with pytest.raises(InvalidInput, match="'category_id' must be a category id"):
        shop.call(services.set_line_category, api_id, 1, -5)


def test_replacing_all_lines_reports_every_problem_and_changes_nothing_then(
    connected_shop: ConnectedShop,
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    shop.call(services.add_line, api_id, line(equals("title", "keep")))
    bad = [
        line(equals("colour", "red")),
        line(equals("title", "ok")),
        line(equals("title", "x"), category=WOMEN),
    ]
    with pytest.raises(InvalidInput) as caught:
        shop.call(services.replace_lines, api_id, bad, tree=tree_of(shop))
    assert str(caught.value).splitlines() == [
        "API 'AE': 2 category lines to fix",
        "category line 1: if › condition 1 (equals): unknown field 'colour': use a field of the project or one "
        "an earlier rule creates (id, title, product_type, tags, price, channel)",
        f"category line 3: category {WOMEN} (Apparel & Accessories > Women) has sub-categories; pick one of them "
        f"(`feedbridge categories tree API --parent {WOMEN}`)",
    ]
    assert shop.call(services.list_lines, api_id) == [line(equals("title", "keep"))]

    shop.call(services.replace_lines, api_id, bad[1:2])
    assert shop.call(services.list_lines, api_id) == bad[1:2]


def test_deleting_the_api_deletes_its_lines(connected_shop: ConnectedShop) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    shop.call(services.add_line, api_id, line(equals("title", "x")))
    shop.call(services.add_line, api_id, line(equals("title", "y")))
    shop.call(delete_api, api_id)
    with shop.sessions() as session:
        count = (
            select(func.count()).select_from(CategoryLineRecord).where(CategoryLineRecord.api_id == api_id)
        )
        assert session.scalar(count) == 0


def test_an_api_of_another_company_is_not_found(connected_shop: ConnectedShop) -> None:
    shop = connected_shop
    api_id = api_with_items(shop)
    with shop.sessions.begin() as session:
        other = create_company(session, "Other shop").id
    with shop.sessions() as session:
        with pytest.raises(NotFound, match=f"API {api_id} does not exist"):
            services.list_lines(session, other, api_id)
        with pytest.raises(NotFound, match=f"API {api_id} does not exist"):
            services.add_line(session, other, api_id, line(equals("title", "x")))
