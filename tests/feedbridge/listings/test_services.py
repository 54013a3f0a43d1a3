"""An API's build, quality, preview, payloads and value maps through the services, on a small feed whose
every listing's fate is known, against the sandbox (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from feedbridge.apis.folders import api_folder
from feedbridge.apis.models import AliExpressApi
from feedbridge.apis.services import set_rule_set
from feedbridge.errors import InvalidInput, NotFound
from feedbridge.listings import services
from feedbridge.listings.spec import Value, parse_build
from feedbridge.listings.validation import InvalidBuild
from feedbridge.rules.model import Layer
from feedbridge.rules.services import save_rule_set
from feedbridge.rules.validation import parse_rule_set
from support.listings import BLUE, COOKWARE, IMG, SMALL_FEED, WOMEN_DRESSES, small_api
from support.shop import ConnectedShop


@pytest.fixture
def api(connected_shop: ConnectedShop) -> int:
    return small_api(connected_shop)


def _computed(shop: ConnectedShop, api_id: int, **options: Any) -> services.Computed:
    return services.computed_listings(shop.sessions, shop.ctx, shop.company_id, api_id, **options)


def test_a_new_api_starts_with_a_build_suggested_by_the_field_names(connected_shop: ConnectedShop) -> None:
    shop = connected_shop
    project = shop.new_project()
    shop.import_feed(project, SMALL_FEED)
    api_id = shop.new_api(project)
    with shop.sessions() as session:
        build = services.get_build(session, shop.company_id, api_id)
        assert not services.has_saved_build(session, shop.company_id, api_id)
    fields = {key: value.field for key, value in build.shared.items()}
    assert (
        fields["title"] == "title" and fields["main_image"] == "image_link" and fields["stock"] == "quantity"
    )
    assert fields["extra_images"] == "additional_image_link" and fields["discount_price"] == "sale_price"
    assert build.shared["product_unit"].static == "100000015"
    assert build.variants.group_field == "item_group_id"


def test_saving_resolves_names_to_ids_and_lists_every_problem(
    connected_shop: ConnectedShop, api: int
) -> None:
    shop = connected_shop
    with shop.sessions() as session:
        build = services.get_build(session, shop.company_id, api)
    assert build.shared["product_unit"].static == "100000015"  # saved as "piece/pieces"
    wrong = parse_build({
        "shared": {"titel": {"field": "title"}, "price": {"field": "prise"}, "title": {"formula": "{price} * 2"},
                   "product_unit": {"static": "bucket"}, "weight": {"field": "weight", "unit": "litre"}},
        "localized_prices": [{"country": "XX", "price": {"field": "price"}}],
    })  # fmt: skip
    with pytest.raises(InvalidBuild) as refused:
        services.save_build(shop.sessions, shop.ctx, shop.company_id, api, wrong)
    problems = "\n".join(refused.value.problems)
    assert "shared › titel: unknown attribute — did you mean 'title'?" in problems
    assert "shared › price: the items have no field 'prise' — did you mean 'price'?" in problems
    assert "shared › title: a formula gives a number" in problems
    assert "shared › product_unit: 'bucket' is not one of the allowed values" in problems
    assert "shared › weight: unit 'litre' does not convert to kg" in problems
    assert "localized_prices › 1 (XX): AliExpress takes localized prices for" in problems
    with shop.sessions() as session:  # nothing was saved
        assert services.get_build(session, shop.company_id, api).shared["title"].field == "title"


def test_quality_blocks_a_whole_listing_for_one_variant_and_counts_every_variant(
    connected_shop: ConnectedShop, api: int
) -> None:
    summary = _computed(connected_shop, api).stored.summary
    assert (summary.items, summary.listings, summary.ready, summary.blocked) == (5, 3, 1, 2)
    issues = {issue.code: issue for issue in summary.issues}
    # D3 has no stock and an unmapped colour: the group's three variants show both, D3 owns them.
    assert (issues["range:stock"].items, issues["range:stock"].listings, issues["range:stock"].own_items) == (
        3,
        1,
        1,
    )
    assert issues["missing:sku_attribute.14"].own_items == 1
    assert issues["missing:category"].items == 1  # S2
    assert issues["not_mapped:sku_attribute.14"].severity.value == "optional"
    assert [issue.severity.value for issue in summary.issues] == sorted(
        (issue.severity.value for issue in summary.issues), key=lambda s: s != "mandatory"
    )


def test_the_preview_filters_by_issue_and_category_and_shows_values_by_name(
    connected_shop: ConnectedShop, api: int
) -> None:
    shop = connected_shop

    def page(**filters: Any) -> services.PreviewPage:
        return services.preview(shop.sessions, shop.ctx, shop.company_id, api, **filters)

    assert page().total == 5
    stock = page(issue="range:stock")
    assert [item.item_id for item in stock.items] == ["D1", "D2", "D3"]
    own = {
        item.item_id: dict((i.code, mine) for i, mine in item.issues)["range:stock"] for item in stock.items
    }
    assert own == {"D1": False, "D2": False, "D3": True}
    assert page(issue="any").total == 5  # the lamp only misses recommended attributes
    assert [item.item_id for item in page(issue="mandatory").items] == ["D1", "D2", "D3", "S2"]
    assert [item.item_id for item in page(category=COOKWARE).items] == ["S1"]
    second = page(page=2, page_size=2)
    assert [item.item_id for item in second.items] == ["D3", "S1"] and second.pages == 3
    lamp = page(category=COOKWARE).items[0]
    values = dict(lamp.values)
    assert values["Price"] == "35.5" and values["Package weight"] == "1.2"  # decimal commas read
    assert values["Brand Name"] == "Nordvik (900000202)" and lamp.category_path.endswith("Pans")
    assert lamp.blocked is False
    with pytest.raises(InvalidInput, match="no check has the code 'nope'"):
        page(issue="nope")


def test_the_payload_of_an_items_listing_in_both_formats(connected_shop: ConnectedShop, api: int) -> None:
    shop = connected_shop
    found = services.listing_payload(shop.sessions, shop.ctx, shop.company_id, api, "D2")
    assert found.listing == "g:G1" and found.item_ids == ["D1", "D2", "D3"] and found.blocked
    payload = orjson.loads(found.payload)
    assert payload["category_id"] == WOMEN_DRESSES and payload["locale"] == "en_US"
    assert payload["image_url_list"] == [f"{IMG}/d1.jpg", f"{IMG}/d1b.jpg"]  # the first item's, de-duplicated
    assert [sku["sku_code"] for sku in payload["sku_info_list"]] == ["D1", "D2", "D3"]
    first = payload["sku_info_list"][0]
    assert (first["price"], first["discount_price"], first["inventory"]) == ("20.00", "15.00", 5)
    assert first["sku_attributes"] == {
        "Color": {"value": "900001403", "alias": "Rot"},
        "Size": {"value": "900000502", "alias": "S"},
    }
    assert "Color" not in payload["sku_info_list"][2].get("sku_attributes", {})  # Navy maps to nothing
    france = payload["multi_country_price_configuration"]["country_price_list"][0]
    assert france["ship_to_country"] == "FR" and france["sku_price_by_country_list"][0]["price"] == "22.99"
    posted = orjson.loads(services.listing_payload(shop.sessions, shop.ctx, shop.company_id, api, "S1",
                                                   fmt=services.PayloadFormat.POST).payload)  # fmt: skip
    assert posted["aliexpress_category_id"] == COOKWARE and posted["weight"] == "1.200"
    assert posted["sku_info_list"][0]["price"] == "35.50"
    assert {"aliexpress_attribute_name_id": 2, "aliexpress_attribute_value_id": 900000202} in posted[
        "attribute_list"
    ]
    with pytest.raises(NotFound, match="'NOPE' is not among the API's items"):
        services.listing_payload(shop.sessions, shop.ctx, shop.company_id, api, "NOPE")


def test_value_maps_list_what_maps_and_how_and_a_map_entry_changes_the_listings(
    connected_shop: ConnectedShop, api: int
) -> None:
    shop = connected_shop
    colours = services.value_map(shop.sessions, shop.ctx, shop.company_id, api, "sku_attribute.14")
    assert [(v.value, v.items, v.choice_name, v.how) for v in colours] == [
        ("Rot", 2, "Red", "name"),
        ("Navy", 1, None, "none"),
    ]
    before = _computed(shop, api).stored
    with shop.sessions() as session:
        build = services.get_build(session, shop.company_id, api)
    colour = build.variants.attributes[14].model_copy(update={"map": {"Navy": BLUE}})
    services.save_build(
        shop.sessions, shop.ctx, shop.company_id, api, services.set_value(build, "variant.14", colour)
    )
    after = _computed(shop, api).stored
    assert after.key != before.key and not before.path.exists()  # the older result is gone
    assert "missing:sku_attribute.14" not in {issue.code for issue in after.summary.issues}
    mapped = services.value_map(shop.sessions, shop.ctx, shop.company_id, api, "sku_attribute.14")
    assert ("Navy", "Blue", "map") in [(v.value, v.choice_name, v.how) for v in mapped]
    with pytest.raises(InvalidInput, match="'title' is not an attribute with allowed values"):
        services.value_map(shop.sessions, shop.ctx, shop.company_id, api, "title")


def test_a_result_is_reused_until_an_input_changes(connected_shop: ConnectedShop, api: int) -> None:
    shop = connected_shop
    first = _computed(shop, api).stored
    written = (first.path / "result.json").stat().st_mtime_ns
    again = _computed(shop, api).stored
    assert again.path == first.path and (again.path / "result.json").stat().st_mtime_ns == written
    rebuilt = _computed(shop, api, refresh=True).stored
    assert rebuilt.key == first.key and (rebuilt.path / "result.json").stat().st_mtime_ns != written
    with shop.sessions() as session:
        folder = api_folder(shop.settings, session.get_one(AliExpressApi, api))
    assert rebuilt.path.parent == folder / "listings" and len(list(rebuilt.path.parent.iterdir())) == 1


def test_excluded_listings_are_counted(connected_shop: ConnectedShop, api: int) -> None:
    shop = connected_shop
    with shop.sessions() as session:
        project_id = session.get_one(AliExpressApi, api).project_id
    rules = parse_rule_set({
        "name": "AE rules",
        "rules": [{"name": "No gadgets", "if": {"all": [{"op": "equals", "field": "product_type", "value": "Gadgets"}]},
                   "then": [{"action": "exclude"}]}],
    })  # fmt: skip
    record = shop.call(save_rule_set, project_id, rules, layer=Layer.API)
    shop.call(set_rule_set, api, record.id)
    summary = _computed(shop, api).stored.summary
    assert (summary.items, summary.excluded_items, summary.excluded_listings, summary.blocked) == (4, 1, 1, 1)


def test_the_attributes_of_the_build_with_their_levels(connected_shop: ConnectedShop, api: int) -> None:
    shop = connected_shop
    rows = {row.key: row for row in services.build_attributes(shop.sessions, shop.ctx, shop.company_id, api)}
    assert rows["title"].level == "mandatory" and rows["title"].value == Value(field="title")
    assert rows["description"].level == "recommended"
    assert (rows["attribute.10"].label, rows["attribute.10"].level, rows["attribute.10"].categories) == (
        "Material",
        "mandatory",
        2,  # mandatory for dresses, optional for home
    )
    assert rows["sku_attribute.14"].tab == "variants" and rows["attribute.2"].categories == 2


def test_activating_reports_the_listings_runs_will_skip(connected_shop: ConnectedShop, api: int) -> None:
    shop = connected_shop
    report = services.activation_report(shop.sessions, shop.ctx, shop.company_id, api, active=True)
    assert report.runnable and report.summary is not None and report.summary.blocked == 2
    off = services.activation_report(shop.sessions, shop.ctx, shop.company_id, api, active=False)
    assert off.summary is None and not off.runnable


def test_the_build_of_an_api_without_items_is_a_clear_error(
    connected_shop: ConnectedShop, tmp_path: Path
) -> None:
    shop = connected_shop
    api_id = shop.new_api(shop.new_project(), unique_id_field="sku")
    with pytest.raises(NotFound, match="has no items yet"):
        _computed(shop, api_id)
