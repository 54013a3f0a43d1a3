"""What AliExpress asks of a listing: shared attributes, the account's own values, category attributes."""

from __future__ import annotations

from typing import Any

from feedbridge.channels.aliexpress.client.account import FreightTemplate, ProductGroup, ServiceTemplate
from feedbridge.channels.aliexpress.client.categories import CategoryAttribute as AccountAttribute
from feedbridge.channels.aliexpress.schema import (
    MAX_IMAGES,
    SHARED,
    SHARED_KEYS,
    account_choices,
    category_requirements,
    shared_attributes,
)
from feedbridge.listings.requirements import Choice, Kind, Level, Tab, all_choices
from support.requirements import FREIGHT, GROUPS, SERVICE, requirements


def attribute(**data: Any) -> AccountAttribute:
    return AccountAttribute.model_validate(data)


def values(*named: tuple[int, str]) -> list[dict[str, Any]]:
    return [{"id": value_id, "names": {"en": name}} for value_id, name in named]


# ── shared attributes ──────────────────────────────────────────────────────────────────────────


def test_the_shared_attributes_and_their_levels() -> None:
    levels = {spec.key: spec.level for spec in SHARED}
    mandatory = {key for key, level in levels.items() if level is Level.MANDATORY}
    assert mandatory == {
        "title", "main_image", "price", "stock", "product_unit", "inventory_deduction", "product_group",
        "weight", "length", "width", "height", "dispatch_time", "freight_template", "service_policy",
    }  # fmt: skip
    assert {key for key, level in levels.items() if level is Level.RECOMMENDED} == {
        "description",
        "extra_images",
        "ean",
    }
    assert len(SHARED_KEYS) == len(set(SHARED_KEYS)) == len(SHARED)


def test_shared_limits_follow_aliexpress() -> None:
    spec = {s.key: s for s in SHARED}
    assert spec["title"].max_length == 218
    assert spec["extra_images"].max_length == MAX_IMAGES - 1 == 5
    assert (spec["price"].minimum, spec["price"].maximum) == (0.01, 999_999)
    assert (spec["stock"].minimum, spec["stock"].maximum, spec["stock"].rounds_down) == (1, 999_999, True)
    assert (spec["weight"].minimum, spec["weight"].maximum, spec["weight"].unit) == (0.001, 500, "kg")
    for side in ("length", "width", "height"):
        assert (spec[side].kind, spec[side].minimum, spec[side].maximum, spec[side].unit) == (
            Kind.INTEGER,
            1,
            700,
            "cm",
        )
        assert spec[side].tab is Tab.SHIPPING
    assert (spec["dispatch_time"].minimum, spec["dispatch_time"].maximum, spec["dispatch_time"].unit) == (
        1,
        60,
        "days",
    )
    assert spec["product_unit"].choice("100000015") == Choice("100000015", {"en": "piece/pieces"})
    assert {c.id for c in spec["inventory_deduction"].choices} == {
        "payment_success_deduct",
        "place_order_withhold",
    }


def test_the_accounts_templates_and_groups_are_the_allowed_values() -> None:
    found = account_choices(FREIGHT, SERVICE, GROUPS)
    # The platform's template 1000 is not for overseas sellers.
    assert found["freight_template"] == (Choice("5001", {"en": "Standard shipping"}),)
    assert found["service_policy"] == (
        Choice("0", {"en": "Default service policy"}),
        Choice("7001", {"en": "Returns in 15 days"}),
    )
    # Only groups without children hold products; they are named with their parents.
    assert found["product_group"] == (
        Choice("301", {"en": "Clothes > Dresses"}),
        Choice("302", {"en": "Shoes"}),
    )


def test_nested_groups_are_named_by_their_whole_path() -> None:
    groups = [
        ProductGroup.model_validate(
            {
                "group_id": 1,
                "group_name": "A",
                "child_group_list": [
                    {
                        "group_id": 2,
                        "group_name": "B",
                        "child_group_list": [{"group_id": 3, "group_name": "C"}],
                    },
                    {"group_id": 4, "group_name": "D"},
                ],
            }
        )
    ]
    found = account_choices([], [], groups)
    assert found["product_group"] == (Choice("3", {"en": "A > B > C"}), Choice("4", {"en": "A > D"}))
    assert found["freight_template"] == ()
    assert found["service_policy"] == (Choice("0", {"en": "Default service policy"}),)


def test_shared_attributes_get_the_accounts_values() -> None:
    shared = {spec.key: spec for spec in shared_attributes(account_choices(FREIGHT, SERVICE, GROUPS))}
    assert [c.id for c in shared["freight_template"].choices] == ["5001"]
    assert [c.id for c in shared["product_group"].choices] == ["301", "302"]
    assert shared["title"] == next(s for s in SHARED if s.key == "title")
    assert list(shared) == list(SHARED_KEYS)
    assert FreightTemplate.model_validate({"template_id": 1, "template_name": "x"}).is_default is False
    assert ServiceTemplate.model_validate({"id": 1, "name": "x"}).name == "x"


# ── category attributes ────────────────────────────────────────────────────────────────────────


def test_kinds_follow_how_aliexpress_shows_the_attribute() -> None:
    found = category_requirements(
        1,
        [
            attribute(
                id=10,
                names={"en": "Material"},
                attributeShowTypeValue="check_box",
                values=values((47, "Cotton")),
            ),
            attribute(
                id=2, names={"en": "Brand Name"}, attributeShowTypeValue="list_box", values=values((1, "OEM"))
            ),
            attribute(id=3, names={"en": "Model Number"}, attributeShowTypeValue="input"),
            attribute(id=4, names={"en": "Other"}, attributeShowTypeValue="input", values=values((5, "x"))),
            attribute(id=6, names={"en": "Plain"}),
        ],
        {},
    )
    assert [(a.id, a.kind) for a in found.attributes] == [
        (10, Kind.CHOICES),
        (2, Kind.CHOICE),
        (3, Kind.TEXT),
        (4, Kind.TEXT),
        (6, Kind.TEXT),
    ]


def test_levels_come_from_the_schema_and_the_attribute() -> None:
    schema = {
        "properties": {
            "category_attributes": {"required": ["Brand Name"]},
            "sku_info_list": {"items": {"properties": {"sku_attributes": {"required": ["Size"]}}}},
        }
    }
    found = category_requirements(
        7,
        [
            attribute(id=2, names={"en": "Brand Name"}, values=values((1, "OEM"))),
            attribute(id=219, names={"en": "Origin"}, required=True, values=values((9, "CN"))),
            attribute(id=284, names={"en": "Gender"}, values=values((1, "Women"))),
            attribute(id=3, names={"en": "Model Number"}),
            attribute(id=5, names={"en": "Size"}, sku=True, values=values((1, "S"))),
            attribute(id=14, names={"en": "Color"}, sku=True, values=values((1, "Black"))),
        ],
        schema,
    )
    levels = {a.id: a.level for a in found.attributes}
    assert levels == {
        2: Level.MANDATORY,  # the schema requires it
        219: Level.MANDATORY,  # the attribute says so
        284: Level.RECOMMENDED,  # a filter with values
        3: Level.OPTIONAL,  # free text
        5: Level.MANDATORY,
        14: Level.RECOMMENDED,  # variant attributes tell variants apart
    }
    assert [a.id for a in found.variant_attributes] == [5, 14]
    assert [a.id for a in found.product_attributes] == [2, 219, 284, 3]
    assert all(a.category_id == 7 for a in found.attributes)
    assert found.attributes[4].key == "sku_attribute.5" and found.attributes[0].key == "attribute.2"


def test_the_schema_limits_the_allowed_values() -> None:
    schema = {
        "properties": {
            "category_attributes": {
                "properties": {"Material": {"properties": {"value": {"items": {"enum": [47, "49"]}}}}}
            },
            "sku_info_list": {
                "items": {
                    "properties": {
                        "sku_attributes": {"properties": {"Size": {"properties": {"value": {"enum": ["2"]}}}}}
                    }
                }
            },
        }
    }
    found = category_requirements(
        1,
        [
            attribute(
                id=10,
                names={"en": "Material"},
                attributeShowTypeValue="check_box",
                values=values((47, "Cotton"), (49, "Polyester"), (50, "Silk")),
            ),
            attribute(id=5, names={"en": "Size"}, sku=True, values=values((1, "S"), (2, "M"))),
            attribute(id=2, names={"en": "Brand Name"}, values=values((1, "OEM"), (2, "Acme"))),
        ],
        schema,
    )
    allowed = {a.id: [c.id for c in a.choices] for a in found.attributes}
    assert allowed == {10: ["47", "49"], 5: ["2"], 2: ["1", "2"]}


def test_colour_values_know_the_colour_words_of_other_languages() -> None:
    found = category_requirements(
        1,
        [
            attribute(
                id=14,
                names={"en": "Color"},
                sku=True,
                customizedName=True,
                customizedPic=True,
                values=[
                    {"id": 1, "names": {"en": "Grey"}},
                    {"id": 2, "names": {"en": "Navy Blue"}},
                    {"id": 3, "names": {"en": "Beige", "pt": "Bege"}},
                    {"id": 4, "names": {"en": "Terracotta"}},
                ],
            ),
            attribute(id=5, names={"en": "Size"}, sku=True, values=[{"id": 9, "names": {"en": "Black"}}]),
        ],
        {},
    )
    colour, size = found.attributes
    aliases = {choice.id: choice.aliases for choice in colour.choices}
    # "Grey" gets the words of AliExpress's Gray.
    assert {"grau", "gris", "grijs"} <= set(aliases["1"])
    assert {"navy", "marineblau", "bleu marine"} <= set(aliases["2"])
    assert aliases["3"] == ("beige",)
    assert aliases["4"] == ()
    assert size.choices[0].aliases == ()  # only colours get colour words
    assert (colour.custom_names, colour.custom_images, size.custom_names, size.custom_images) == (
        True,
        True,
        False,
        False,
    )


def test_the_name_falls_back_to_another_language_then_the_id() -> None:
    found = category_requirements(1, [attribute(id=8, names={"pt": "Estilo"}), attribute(id=9, names={})], {})
    assert [a.name for a in found.attributes] == ["Estilo", "9"]


def test_requirements_merge_the_uses_of_an_attribute() -> None:
    required = requirements()
    uses = required.category_attributes(variant=False)[10]
    assert len(uses) == 3  # Material in dresses, shirts and cookware
    merged = all_choices(uses)
    assert [c.id for c in merged] == ["47", "49", "900001001", "900001005", "900001007"]
    colours = all_choices(required.category_attributes(variant=True)[14])
    grey = next(c for c in colours if c.name() == "Grey")
    assert "grau" in grey.aliases
    assert required.spec("title").max_length == 218
