"""Small, hand-made AliExpress requirements and item frames for the pure listings tests (no database, no
network): the account's templates and groups, two apparel categories and a home category with attributes
named as the sandbox names them (Brand Name 2, Material 10, Color 14, Size 5, …), a build that maps every
mandatory shared attribute to item fields, and helpers that build, check and list items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from feedbridge.categories.categorize import CATEGORY_ID, CATEGORY_LINE, CATEGORY_SOURCE
from feedbridge.channels.aliexpress.checks import checks, repeated_sku_codes
from feedbridge.channels.aliexpress.client.account import FreightTemplate, ProductGroup, ServiceTemplate
from feedbridge.channels.aliexpress.client.categories import CategoryAttribute as AccountAttribute
from feedbridge.channels.aliexpress.payloads import PayloadFormat
from feedbridge.channels.aliexpress.schema import (
    MAX_VARIANTS,
    account_choices,
    category_requirements,
    shared_attributes,
)
from feedbridge.listings.build import build_skus
from feedbridge.listings.pipeline import Excluded, ListingSet, make_listings
from feedbridge.listings.quality import Check, apply_checks
from feedbridge.listings.requirements import CategoryRequirements, Requirements
from feedbridge.listings.spec import Build, parse_build

DRESSES = 200003482  # apparel: Brand Name, Material, Color and Size required; Color takes images
# Apparel too: Gender required, Material and Size allow fewer values, Color and Size only recommended,
# and Color takes no images.
SHIRTS = 200000669
COOKWARE = (
    200002721  # home: Brand Name and Model Number required, Material (wood, metal) and Color recommended
)
NOT_PERMITTED = 5090301  # a category the seller may not post in
NO_BRAND, ACME, OEM = "201512802", "900000201", "200010868"
COTTON, POLYESTER, LINEN, WOOD, METAL = "47", "49", "900001001", "900001005", "900001007"
BLACK, WHITE, RED, BLUE, NAVY, GREY, PINK = (
    "900001401",
    "900001402",
    "900001403",
    "900001404",
    "900001410",
    "900001406",
    "1052",
)
S, M, L = "900000502", "200000989", "900000503"
WOMEN, MEN = "100006040", "900028401"
FREIGHT_ID, SERVICE_ID = "5001", "7001"
GROUP_DRESSES, GROUP_SHOES = "301", "302"


def _attribute(data: Mapping[str, Any]) -> AccountAttribute:
    return AccountAttribute.model_validate(data)


def _values(named: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
    return [{"id": int(value_id), "names": dict(names)} for value_id, names in named.items()]


BRAND = _attribute(
    {
        "id": 2,
        "names": {"en": "Brand Name", "pt": "Nome da marca"},
        "attributeShowTypeValue": "list_box",
        "values": _values({NO_BRAND: {"en": "NoEnName_Null"}, ACME: {"en": "Acme"}, OEM: {"en": "OEM"}}),
    }
)
MATERIAL = _attribute(
    {
        "id": 10,
        "names": {"en": "Material"},
        "attributeShowTypeValue": "check_box",
        "values": _values(
            {
                COTTON: {"en": "Cotton", "de": "Baumwolle"},
                POLYESTER: {"en": "Polyester"},
                LINEN: {"en": "Linen", "fr": "Lin"},
                WOOD: {"en": "Wood"},
                METAL: {"en": "Metal"},
            }
        ),
    }
)
GENDER = _attribute(
    {
        "id": 284,
        "names": {"en": "Gender", "pt": "Sexo"},
        "attributeShowTypeValue": "list_box",
        "values": _values({WOMEN: {"en": "Women", "pt": "Mulheres"}, MEN: {"en": "Men"}}),
    }
)
MODEL_NUMBER = _attribute(
    {"id": 3, "names": {"en": "Model Number"}, "attributeShowTypeValue": "input", "inputType": "STRING"}
)


def _colour(*, pictures: bool) -> AccountAttribute:
    return _attribute(
        {
            "id": 14,
            "names": {"en": "Color", "pt": "cor"},
            "sku": True,
            "customizedName": True,
            "customizedPic": pictures,
            "attributeShowTypeValue": "list_box",
            "values": _values(
                {
                    BLACK: {"en": "Black"},
                    WHITE: {"en": "White"},
                    RED: {"en": "Red"},
                    BLUE: {"en": "Blue"},
                    NAVY: {"en": "Navy Blue"},
                    GREY: {"en": "Grey"},
                    PINK: {"en": "Pink", "pt": "Rosa"},
                }
            ),
        }
    )


SIZE = _attribute(
    {
        "id": 5,
        "names": {"en": "Size"},
        "sku": True,
        "customizedName": True,
        "attributeShowTypeValue": "list_box",
        "values": _values({S: {"en": "S"}, M: {"en": "M"}, L: {"en": "L"}}),
    }
)


def _schema(
    required: Sequence[str] = (),
    sku_required: Sequence[str] = (),
    allowed: Mapping[str, Sequence[str]] | None = None,
    sku_allowed: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """A category's instance schema: the required product and SKU attributes, and allowed value ids
    (product attributes as arrays of ids, SKU attributes as single ids, as the platform writes them)."""
    properties = {
        name: {"properties": {"value": {"items": {"enum": [int(i) for i in ids]}}}}
        for name, ids in (allowed or {}).items()
    }
    sku_properties = {
        name: {"properties": {"value": {"enum": list(ids)}}} for name, ids in (sku_allowed or {}).items()
    }
    sku = {"required": list(sku_required), "properties": sku_properties}
    return {
        "properties": {
            "category_attributes": {"required": list(required), "properties": properties},
            "sku_info_list": {"items": {"properties": {"sku_attributes": sku}}},
        }
    }


def categories() -> dict[int, CategoryRequirements]:
    return {
        DRESSES: category_requirements(
            DRESSES,
            [BRAND, MATERIAL, GENDER, MODEL_NUMBER, _colour(pictures=True), SIZE],
            _schema(["Brand Name", "Material"], ["Color", "Size"]),
        ),
        SHIRTS: category_requirements(
            SHIRTS,
            [BRAND, MATERIAL, GENDER, _colour(pictures=False), SIZE],
            _schema(
                ["Brand Name", "Material", "Gender"],
                [],
                {"Material": [COTTON, POLYESTER]},
                {"Size": [S, M]},
            ),
        ),
        COOKWARE: category_requirements(
            COOKWARE,
            [BRAND, MATERIAL, MODEL_NUMBER, _colour(pictures=False)],
            _schema(["Brand Name", "Model Number"], [], {"Material": [WOOD, METAL]}),
        ),
    }


FREIGHT = [
    FreightTemplate.model_validate({"template_id": 1000, "template_name": "Platform template"}),
    FreightTemplate.model_validate({"template_id": int(FREIGHT_ID), "template_name": "Standard shipping"}),
]
SERVICE = [ServiceTemplate.model_validate({"id": int(SERVICE_ID), "name": "Returns in 15 days"})]
GROUPS = [
    ProductGroup.model_validate(
        {
            "group_id": 300,
            "group_name": "Clothes",
            "child_group_list": [{"group_id": int(GROUP_DRESSES), "group_name": "Dresses"}],
        }
    ),
    ProductGroup.model_validate({"group_id": int(GROUP_SHOES), "group_name": "Shoes"}),
]


def requirements(*, max_variants: int = MAX_VARIANTS, language: str = "en") -> Requirements:
    return Requirements(
        shared=shared_attributes(account_choices(FREIGHT, SERVICE, GROUPS)),
        categories=categories(),
        permitted_leaves=frozenset({DRESSES, SHIRTS, COOKWARE}),
        max_variants=max_variants,
        language=language,
    )


# Every field a full build reads, with a good value: one item that is ready to send.
GOOD_ITEM: dict[str, Any] = {
    "id": "D-1",
    "title": "Summer dress",
    "description": "<p>Light cotton dress</p>",
    "image": "https://img.example.com/d1.jpg",
    "images": ["https://img.example.com/d1-back.jpg"],
    "price": "20.00",
    "sale_price": "15.00",
    "quantity": "5",
    "gtin": "4006381333931",
    "brand": "Acme",
    "weight": "500 g",
    "length": "30",
    "width": "20",
    "height": "5",
    "days": "3",
    "group": None,
    "colour": "Black",
    "size": "M",
    "material": "Cotton",
    "gender": "Women",
    "model": "X-1",
}

FULL_BUILD: dict[str, Any] = {
    "shared": {
        "title": {"field": "title"},
        "description": {"field": "description"},
        "main_image": {"field": "image"},
        "extra_images": {"field": "images"},
        "variant_image": {"field": "image"},
        "price": {"field": "price"},
        "discount_price": {"field": "sale_price"},
        "stock": {"field": "quantity"},
        "ean": {"field": "gtin"},
        "brand_name": {"field": "brand"},
        "product_unit": {"static": "100000015"},
        "inventory_deduction": {"static": "payment_success_deduct"},
        "product_group": {"static": GROUP_DRESSES},
        "weight": {"field": "weight"},
        "length": {"field": "length"},
        "width": {"field": "width"},
        "height": {"field": "height"},
        "dispatch_time": {"field": "days"},
        "freight_template": {"static": FREIGHT_ID},
        "service_policy": {"static": "0"},
    },
    "category": {"2": {"field": "brand"}, "10": {"field": "material"}},
    "variants": {"group_field": "group", "attributes": {"14": {"field": "colour"}, "5": {"field": "size"}}},
}


def full_build(**changes: Any) -> Build:
    """FULL_BUILD with top-level parts replaced (`shared` entries are merged; None removes one)."""
    data = {**FULL_BUILD, **{k: v for k, v in changes.items() if k != "shared"}}
    shared = {**FULL_BUILD["shared"], **changes.get("shared", {})}
    data["shared"] = {key: value for key, value in shared.items() if value is not None}
    return parse_build(data)


def items(
    rows: Sequence[Mapping[str, Any]],
    *,
    category: int | None = DRESSES,
    base: Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """Items (text, or lists of text where a value is a list), categorized: each row's `category`
    (default `category`) by a manual line, or uncategorized where it is None."""
    template = dict(GOOD_ITEM if base is None else base)
    full = [{**template, **row} for row in rows]
    names = list(dict.fromkeys(name for row in full for name in row if name != "category"))
    schema = {
        name: pl.List(pl.String) if any(isinstance(row.get(name), list) for row in full) else pl.String
        for name in names
    }
    frame = pl.DataFrame([{n: row.get(n) for n in names} for row in full], schema=schema, orient="row")
    found = [row.get("category", category) for row in full]
    return frame.with_columns(
        pl.Series(CATEGORY_ID, found, dtype=pl.Int64),
        pl.Series(CATEGORY_SOURCE, ["line" if f is not None else None for f in found], dtype=pl.String),
        pl.Series(CATEGORY_LINE, [1 if f is not None else None for f in found], dtype=pl.Int32),
    )


def skus(
    frame: pl.DataFrame,
    build: Build,
    required: Requirements | None = None,
    decimal_marks: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """The built SKU frame (one row per item)."""
    return build_skus(
        frame.lazy(),
        build,
        required or requirements(),
        id_field="id",
        unique_id_field="id",
        decimal_marks=decimal_marks or {},
    ).collect()


def checked(
    frame: pl.DataFrame, build: Build, required: Requirements | None = None
) -> tuple[pl.DataFrame, list[Check]]:
    """The SKU frame after the AliExpress checks, and the checks."""
    required = required or requirements()
    built = skus(frame, build, required)
    found = checks(required, built.schema, repeated_sku_codes(built.lazy()))
    return apply_checks(built.lazy(), found).collect(), found


def listings(
    frame: pl.DataFrame,
    build: Build,
    required: Requirements | None = None,
    *,
    fmt: PayloadFormat = PayloadFormat.INSTANCE,
    chunk_items: int = 250_000,
    decimal_marks: Mapping[str, str] | None = None,
    excluded: Excluded | None = None,
) -> ListingSet:
    return make_listings(
        frame.lazy(),
        build,
        required or requirements(),
        id_field="id",
        unique_id_field="id",
        decimal_marks=decimal_marks or {},
        excluded=excluded or Excluded(0),
        fmt=fmt,
        chunk_items=chunk_items,
    )
