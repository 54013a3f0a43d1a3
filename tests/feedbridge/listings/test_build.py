"""The SKU build: one row per item with every attribute, read, mapped and cut as AliExpress wants it."""

from __future__ import annotations

from typing import Any

from feedbridge.channels.aliexpress.client.categories import CategoryAttribute as AccountAttribute
from feedbridge.channels.aliexpress.schema import category_requirements
from feedbridge.listings import columns as c
from feedbridge.listings.requirements import Requirements
from support.requirements import (
    ACME,
    BLACK,
    BLUE,
    COOKWARE,
    COTTON,
    DRESSES,
    FREIGHT_ID,
    GREY,
    LINEN,
    NAVY,
    NO_BRAND,
    PINK,
    POLYESTER,
    SHIRTS,
    WHITE,
    WOMEN,
    M,
    S,
    full_build,
    items,
    requirements,
    skus,
)


def column(rows: list[dict[str, Any]], name: str, **build: Any) -> list[Any]:
    return skus(items(rows), full_build(**build))[name].to_list()


# ── identity ───────────────────────────────────────────────────────────────────────────────────


def test_one_row_per_item_in_item_order_with_its_listing() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "B-2", "group": "G1"},
        {"id": " A-1 ", "group": None},
        {"id": "B-1", "group": " G1 "},
        {"id": "C-1", "group": "  "},
    ]
    built = skus(items(rows), full_build())
    assert built[c.POSITION].to_list() == [0, 1, 2, 3]
    assert built[c.ITEM_ID].to_list() == ["B-2", " A-1 ", "B-1", "C-1"]
    assert built[c.SKU_CODE].to_list() == ["B-2", "A-1", "B-1", "C-1"]
    assert built[c.GROUP].to_list() == ["G1", None, "G1", None]
    # A single item is a listing of its own, keyed by its unique ID as it is.
    assert built[c.LISTING].to_list() == ["g:G1", "i: A-1 ", "g:G1", "i:C-1"]


def test_without_a_group_field_every_item_is_a_listing_of_its_own() -> None:
    rows: list[dict[str, Any]] = [{"id": "A", "group": "G"}, {"id": "B", "group": "G"}]
    built = skus(items(rows), full_build(variants={"attributes": {"14": {"field": "colour"}}}))
    assert built[c.LISTING].to_list() == ["i:A", "i:B"]


def test_the_category_columns_come_from_categorize() -> None:
    rows: list[dict[str, Any]] = [{"id": "C-1", "category": COOKWARE}, {"id": "U-1", "category": None}]
    built = skus(items(rows), full_build())
    assert built[c.CATEGORY].to_list() == [COOKWARE, None]
    assert built[c.ITEM_CATEGORY].to_list() == [COOKWARE, None]
    assert built[c.CATEGORY_SOURCE].to_list() == ["line", None]
    assert built[c.CATEGORY_LINE].to_list() == [1, None]


def test_a_listing_is_in_its_first_items_category() -> None:
    rows = [
        {"id": "G-1", "group": "G", "category": COOKWARE},
        {"id": "G-2", "group": "G", "category": DRESSES, "size": "M"},
        {"id": "S-1", "category": DRESSES, "size": "M"},
    ]
    built = skus(items(rows), full_build())
    assert built[c.CATEGORY].to_list() == [COOKWARE, COOKWARE, DRESSES]
    assert built[c.ITEM_CATEGORY].to_list() == [COOKWARE, DRESSES, DRESSES]
    # So the variant's attributes are those of cookware, which has no Size.
    assert built["sku_attribute.5"].to_list() == [None, None, M]


# ── shared attributes ──────────────────────────────────────────────────────────────────────────


def test_text_attributes_are_trimmed_fields() -> None:
    rows: list[dict[str, Any]] = [
        {"title": "  Summer dress  ", "description": "<p>Hi</p>"},
        {"title": "", "description": None},
    ]
    built = skus(items(rows), full_build())
    assert built["title"].to_list() == ["Summer dress", None]
    assert built["description"].to_list() == ["<p>Hi</p>", None]


def test_an_attribute_the_build_leaves_out_is_empty() -> None:
    built = skus(items([{}]), full_build(shared={"description": None, "weight": None}))
    assert built["description"].to_list() == [None]
    assert built["weight"].to_list() == [None]
    assert built[c.raw("weight")].to_list() == [None]


def test_numbers_are_read_in_the_attributes_unit_and_whole_numbers_rounded() -> None:
    rows: list[dict[str, Any]] = [
        {"weight": "1.2 lb", "length": "300 mm", "width": "20.2", "quantity": "5.9", "days": "2.5"},
        {"weight": "750", "length": "1 m", "width": "12 in", "quantity": "7", "days": "1 week"},
    ]
    built = skus(items(rows), full_build())
    assert built["weight"].to_list() == [0.544, 750.0]  # as sent: whole grams
    assert built["length"].to_list() == [30, 100]
    assert built["width"].to_list() == [21, 31]  # package sizes round up
    assert built["stock"].to_list() == [5, 7]  # stock rounds down
    assert built["dispatch_time"].to_list() == [3, None]  # "week" is no unit of days
    assert built[c.raw("dispatch_time")].to_list() == ["2.5", "1 week"]


def test_a_unit_on_the_value_applies_to_numbers_without_one() -> None:
    built = skus(
        items([{"weight": "500"}, {"weight": "2 kg"}]),
        full_build(shared={"weight": {"field": "weight", "unit": "g"}}),
    )
    assert built["weight"].to_list() == [0.5, 2.0]


def test_numbers_use_the_fields_decimal_mark() -> None:
    rows: list[dict[str, Any]] = [{"price": "19,99", "sale_price": "1.234,50"}]
    built = skus(items(rows), full_build(), decimal_marks={"price": ",", "sale_price": ","})
    assert built["price"].to_list() == [19.99]
    assert built["discount_price"].to_list() == [1234.5]
    assert built[c.raw("price")].to_list() == ["19,99"]


def test_a_formula_price_with_a_price_ending() -> None:
    build = {"price": {"formula": "{price} * 1.2", "round": {"ending": ".99"}}}
    built = skus(
        items([{"price": "10"}, {"price": "19,5"}]), full_build(shared=build), decimal_marks={"price": ","}
    )
    assert built["price"].to_list() == [12.99, 23.99]


def test_statics_are_picked_by_id_or_by_name() -> None:
    shared = {
        "product_unit": {"static": "Piece/Pieces"},
        "freight_template": {"static": "standard shipping"},
        "inventory_deduction": {"static": "place_order_withhold"},
        "service_policy": {"static": "default service policy"},
        "product_group": {"static": "Clothes > Dresses"},
    }
    built = skus(items([{}]), full_build(shared=shared)).row(0, named=True)
    assert built["product_unit"] == "100000015"
    assert built["freight_template"] == FREIGHT_ID
    assert built["inventory_deduction"] == "place_order_withhold"
    assert built["service_policy"] == "0"
    assert built["product_group"] == "301"


def test_a_static_that_names_no_allowed_value_is_not_mapped() -> None:
    # The platform's own freight template is no choice for the seller.
    built = skus(items([{}]), full_build(shared={"freight_template": {"static": "1000"}})).row(0, named=True)
    assert built["freight_template"] is None
    assert built[c.raw("freight_template")] == "1000"


def test_a_choice_fed_by_a_field_is_mapped_then_matched_by_name() -> None:
    shared = {"product_unit": {"field": "unit", "map": {"Stk": "100000015", "Paar": "100000013"}}}
    rows: list[dict[str, Any]] = [{"unit": "Stk"}, {"unit": "Paar"}, {"unit": "dozen"}, {"unit": "Kiste"}]
    built = skus(items(rows), full_build(shared=shared))
    assert built["product_unit"].to_list() == ["100000015", "100000013", "100000004", None]
    assert built[c.raw("product_unit")].to_list() == ["Stk", "Paar", "dozen", "Kiste"]


# ── images ─────────────────────────────────────────────────────────────────────────────────────


def url(n: int) -> str:
    return f"https://img.example.com/{n}.jpg"


def test_images_are_the_main_image_first_then_the_others_without_repeats() -> None:
    rows: list[dict[str, Any]] = [{"image": url(1), "images": [url(2), url(1), url(3), url(2)]}]
    built = skus(items(rows), full_build())
    assert built[c.IMAGES].to_list() == [[url(1), url(2), url(3)]]
    assert built[c.IMAGE_COUNT].to_list() == [3]


def test_images_are_capped_at_six_and_counted_before() -> None:
    rows: list[dict[str, Any]] = [{"image": url(0), "images": [url(n) for n in range(1, 9)]}]
    built = skus(items(rows), full_build())
    assert built[c.IMAGES].to_list() == [[url(n) for n in range(6)]]
    assert built[c.IMAGE_COUNT].to_list() == [9]


def test_images_in_comma_separated_text() -> None:
    rows: list[dict[str, Any]] = [{"image": f"{url(1)}, {url(9)}", "images": f" {url(2)},{url(3)} "}]
    built = skus(items(rows), full_build())
    # The main image is the first of its field's images.
    assert built[c.IMAGES].to_list() == [[url(1), url(2), url(3)]]


def test_without_image_fields_there_are_no_images() -> None:
    built = skus(items([{}]), full_build(shared={"main_image": None, "extra_images": None}))
    assert built[c.IMAGES].to_list() == [[]]
    assert built[c.IMAGE_COUNT].to_list() == [0]


def test_without_a_main_image_the_extra_images_are_the_images() -> None:
    built = skus(items([{"image": None, "images": [url(2)]}]), full_build())
    assert built[c.IMAGES].to_list() == [[url(2)]]


# ── category attributes ────────────────────────────────────────────────────────────────────────


def test_category_attributes_only_where_the_items_category_has_them() -> None:
    category = {
        "2": {"field": "brand"},  # every category
        "3": {"template": "M-{id}"},  # Model Number: dresses and cookware
        "284": {"static": "Mulheres"},  # Gender: dresses and shirts, named in Portuguese
        "999": {"field": "title"},  # no category has it
    }
    rows: list[dict[str, Any]] = [
        {"id": "D-1"},
        {"id": "C-1", "category": COOKWARE},
        {"id": "S-1", "category": SHIRTS},
        {"id": "U-1", "category": None},
    ]
    built = skus(items(rows), full_build(category=category))
    assert built["attribute.2"].to_list() == [ACME, ACME, ACME, None]
    assert built["attribute.3"].to_list() == ["M-D-1", "M-C-1", None, None]
    assert built["attribute.284"].to_list() == [WOMEN, None, WOMEN, None]
    assert "attribute.999" not in built.columns


def test_a_list_field_feeds_a_number_or_a_single_choice_as_its_joined_text() -> None:
    rows: list[dict[str, Any]] = [
        {"brand": ["Acme"], "weight": ["500 g"], "unit": ["dozen"]},
        {"brand": [], "weight": [], "unit": []},
    ]
    build = full_build(shared={"product_unit": {"field": "unit"}}, category={"2": {"field": "brand"}})
    built = skus(items(rows), build)
    assert built["attribute.2"].to_list() == [ACME, None]
    assert built["weight"].to_list() == [0.5, None]
    assert built["product_unit"].to_list() == ["100000004", None]


def test_several_values_from_a_list_field() -> None:
    rows: list[dict[str, Any]] = [
        {"material": ["Cotton", "Polyester", "Teflon"]},
        {"material": []},
        {"material": None},
    ]
    built = skus(items(rows), full_build())
    assert built["attribute.10"].to_list() == [[COTTON, POLYESTER], [], []]
    assert built[c.raw("attribute.10")].to_list() == [["Cotton", "Polyester", "Teflon"], [], []]


def test_several_values_from_comma_separated_text_in_any_language() -> None:
    built = skus(items([{"material": "Baumwolle, Lin"}, {"material": None}]), full_build())
    assert built["attribute.10"].to_list() == [[COTTON, LINEN], []]
    assert built[c.raw("attribute.10")].to_list() == [["Baumwolle", "Lin"], []]


def test_a_static_list_by_id_and_name() -> None:
    built = skus(items([{}]), full_build(category={"10": {"static": [COTTON, "polyester"]}}))
    assert built["attribute.10"].to_list() == [[COTTON, POLYESTER]]


def test_the_merchants_map_wins_and_unknown_values_stay_unmapped() -> None:
    category = {"2": {"field": "brand", "map": {"Acme": NO_BRAND, "Lindqvist": NO_BRAND}}}
    rows: list[dict[str, Any]] = [
        {"brand": "Acme"},
        {"brand": "Lindqvist"},
        {"brand": "oem"},
        {"brand": "Nordvik"},
    ]
    built = skus(items(rows), full_build(category=category))
    assert built["attribute.2"].to_list() == [NO_BRAND, NO_BRAND, "200010868", None]
    assert built[c.raw("attribute.2")].to_list() == ["Acme", "Lindqvist", "oem", "Nordvik"]


def test_a_map_to_an_id_that_is_not_allowed_maps_nothing() -> None:
    category = {
        "2": {"field": "brand", "map": {"Acme": "123456"}},
        "10": {"field": "material", "map": {"Cotton": "1"}},
    }
    built = skus(items([{}]), full_build(category=category)).row(0, named=True)
    assert built["attribute.2"] is None
    assert built["attribute.10"] == []


def test_a_map_target_may_name_the_value() -> None:
    variants = {
        "group_field": "group",
        "attributes": {"14": {"field": "colour", "map": {"Marine": "navy blue", "Ink": "Blau"}}},
    }
    built = skus(items([{"colour": "Marine"}, {"colour": "Ink"}]), full_build(variants=variants))
    assert built["sku_attribute.14"].to_list() == [NAVY, BLUE]


def test_repeated_values_map_alike_on_every_item() -> None:
    brands = ["Acme", None, "oem", "Nordvik", "Acme", ""] * 20
    rows: list[dict[str, Any]] = [
        {"id": f"D-{n}", "brand": brand, "weight": ["500 g", "1 kg", None][n % 3]}
        for n, brand in enumerate(brands)
    ]
    built = skus(items(rows), full_build())
    expected = {"Acme": ACME, "oem": "200010868", "Nordvik": None, "": None, None: None}
    assert built["attribute.2"].to_list() == [expected[brand] for brand in brands]
    assert built["weight"].to_list() == [[0.5, 1.0, None][n % 3] for n in range(len(brands))]


def test_a_template_feeds_a_choice_by_name() -> None:
    category = {"2": {"template": "{brand} {title}"}, "284": {"template": "{gender}"}}
    built = skus(
        items([{"brand": "No", "title": "En Name Null"}, {"brand": None, "title": "OEM"}]),
        full_build(category=category),
    )
    assert built["attribute.2"].to_list() == [NO_BRAND, "200010868"]
    assert built["attribute.284"].to_list() == [WOMEN, WOMEN]


# ── variants ───────────────────────────────────────────────────────────────────────────────────


def test_variants_get_their_sku_attributes_mapped_by_name() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "D-1", "group": "G", "colour": "Black", "size": "S"},
        {"id": "D-2", "group": "G", "colour": "white", "size": "m"},
        {"id": "D-3", "group": "G", "colour": "Teal", "size": "XXXL"},
    ]
    built = skus(items(rows), full_build())
    assert built["sku_attribute.14"].to_list() == [BLACK, WHITE, None]
    assert built["sku_attribute.5"].to_list() == [S, M, None]
    assert built[c.raw("sku_attribute.14")].to_list() == ["Black", "white", "Teal"]


def test_colour_words_of_other_languages_match_through_aliases() -> None:
    rows: list[dict[str, Any]] = [
        {"colour": word}
        for word in ("Navy", "marineblau", "grau", "Grey", "gris", "Rosa", "blauw", "Schwarz")
    ]
    built = skus(items(rows), full_build())
    assert built["sku_attribute.14"].to_list() == [NAVY, NAVY, GREY, GREY, GREY, PINK, BLUE, BLACK]


def test_variant_display_names_are_the_merchants_words_cleaned_and_cut() -> None:
    rows: list[dict[str, Any]] = [
        {"colour": "Black"},
        {"colour": "Black {#1}: deep=dark, night"},
        {"colour": "Black " + "x" * 100},
    ]
    built = skus(items(rows), full_build())
    aliases = built["sku_alias.14"].to_list()
    assert aliases[0] == "Black"
    assert aliases[1] == "Black 1} deep dark night"
    assert aliases[2] == ("Black " + "x" * 100)[:70]
    for alias in aliases:
        assert len(alias) <= 70 and not set(alias) & set("{#:=,")


def test_no_display_name_without_custom_names_or_for_a_static_value() -> None:
    variants = {"group_field": "group", "custom_names": False, "attributes": {"14": {"field": "colour"}}}
    built = skus(items([{}]), full_build(variants=variants))
    assert built["sku_alias.14"].to_list() == [None]
    variants = {"group_field": "group", "attributes": {"14": {"static": "Black"}}}
    built = skus(items([{}]), full_build(variants=variants))
    assert built["sku_attribute.14"].to_list() == [BLACK]
    assert built["sku_alias.14"].to_list() == [None]


def test_display_names_only_where_the_category_takes_them() -> None:
    required = requirements()
    fixed_size = AccountAttribute.model_validate(
        {"id": 5, "names": {"en": "Size"}, "sku": True, "values": [{"id": int(S), "names": {"en": "S"}}]}
    )
    cookware = category_requirements(COOKWARE, [fixed_size], {})
    mixed = Requirements(
        required.shared,
        {**required.categories, COOKWARE: cookware},
        required.permitted_leaves,
        required.max_variants,
        required.language,
    )
    rows: list[dict[str, Any]] = [
        {"id": "D-1", "size": "S"},
        {"id": "C-1", "size": "S", "category": COOKWARE},
    ]
    built = skus(items(rows), full_build(), mixed)
    assert built["sku_attribute.5"].to_list() == [S, S]
    assert built["sku_alias.5"].to_list() == ["S", None]


def test_variant_attributes_only_where_the_category_has_them() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "D-1", "size": "M"},
        {"id": "C-1", "size": "M", "category": COOKWARE},
    ]
    built = skus(items(rows), full_build())
    assert built["sku_attribute.5"].to_list() == [M, None]
    assert built["sku_alias.5"].to_list() == ["M", None]


def test_variant_images_only_where_the_category_allows_them() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "D-1", "image": url(1)},
        {"id": "S-1", "image": url(2), "category": SHIRTS},
        {"id": "C-1", "image": url(3), "category": COOKWARE},
    ]
    built = skus(items(rows), full_build())
    assert built["sku_image.14"].to_list() == [url(1), None, None]
    assert built["sku_image.5"].to_list() == [None, None, None]  # sizes take no images


def test_no_variant_images_without_the_variant_image_attribute() -> None:
    built = skus(items([{}]), full_build(shared={"variant_image": None}))
    assert built["sku_image.14"].to_list() == [None]


# ── localized prices ───────────────────────────────────────────────────────────────────────────


def test_localized_prices_per_country() -> None:
    prices = [
        {"country": "FR", "price": {"formula": "{price} * 1.1", "round": {"ending": ".99"}}},
        {"country": "ES", "price": {"field": "price_es"}, "discount_price": {"field": "sale_es"}},
    ]
    rows: list[dict[str, Any]] = [
        {"price": "20", "price_es": "21,50", "sale_es": "19"},
        {"price": "x", "price_es": None, "sale_es": None},
    ]
    built = skus(items(rows), full_build(localized_prices=prices), decimal_marks={"price_es": ","})
    assert built["price.FR"].to_list() == [22.99, None]
    assert built["discount_price.FR"].to_list() == [None, None]
    assert built["price.ES"].to_list() == [21.5, None]
    assert built["discount_price.ES"].to_list() == [19.0, None]


def test_every_shared_attribute_is_a_column() -> None:
    built = skus(items([{}]), full_build())
    for spec in requirements().shared:
        if spec.key in ("main_image", "extra_images"):
            continue
        assert spec.key in built.columns
    assert {DRESSES} == set(built[c.CATEGORY].to_list())
