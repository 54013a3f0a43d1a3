"""Listings test support: a feed of generated items with planted defects, an API set up on it (category
lines and a build), and posting payloads to the sandbox the way a run will (images uploaded to the
photobank first), with the sandbox's refusals read back as quality issue codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import polars as pl
from bench.rules import catalog_items

from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.services import add_line, category_tree
from feedbridge.channels.aliexpress.client import AliExpressClient, AliExpressError, photobank, products
from feedbridge.connections.models import Connection
from feedbridge.connections.tokens import access_token_for
from feedbridge.listings.services import account_shared, save_build
from feedbridge.listings.spec import parse_build
from support.products import png
from support.shop import ConnectedShop

# Leaf categories of the sandbox tree (tests/sandbox checks the tree itself).
WOMEN_DRESSES = 200003482  # apparel: Material, Color and Size required
MEN_SHIRTS = 200000669  # apparel (Casual Shirts)
SNEAKERS = 200002136  # shoes: Outsole Material, Gender, Color, Shoe Size required
COOKWARE = 200002721  # home (BBQ pans): nothing but Brand Name and Origin required
BEDDING = 40601  # home
BACKPACKS = 152401  # generic: only Brand Name and Origin required
NO_BRAND = "201512802"  # the sandbox's no-brand value
# The generator's colours that AliExpress names otherwise; Terracotta is left out on purpose.
COLOUR_MAP = {
    "Navy": "900001404", "Sky Blue": "900001404", "Olive": "900001405", "Sage": "900001405",
    "Forest Green": "900001405", "Sand": "771", "Mustard": "771", "Charcoal": "900001406",
    "Ivory": "900001402", "Burgundy": "900001403", "Rosé": "1052",
}  # fmt: skip
LINDQVIST = "Lindqvist"  # a generated brand the test's value map leaves out

CATEGORY_OF = {
    "Apparel > Women > Dresses": WOMEN_DRESSES,
    "Apparel > Men > Shirts": MEN_SHIRTS,
    "Apparel > Shoes > Sneakers": SNEAKERS,
    "Home > Kitchen > Cookware": COOKWARE,
    "Home > Bedroom > Bedding": BEDDING,
    "Home > Living Room > Lighting": COOKWARE,
    "Accessories > Bags > Backpacks": BACKPACKS,
}  # headphones stay uncategorized


def _crafted(template: dict[str, Any], item_id: str, **changes: Any) -> dict[str, Any]:
    return {**template, "id": item_id, "item_group_id": None, **changes}


def feed_with_defects(directory: Path, items: int = 400) -> Path:
    """Generated items (NDJSON) with the fields the build maps, then one item or group per defect."""
    frame = catalog_items(items).with_columns(
        price_es=pl.col("price"),
        length_cm=pl.lit("30"),
        dispatch_days=pl.lit("3"),
    )
    dress = frame.filter(pl.col("product_type") == "Apparel > Women > Dresses").row(0, named=True)
    good = {**dress, "color": "Black", "size": "M", "material": "Cotton", "brand": "Acme", "quantity": "5"}
    cookware = {**good, "product_type": "Home > Kitchen > Cookware", "size": "20 cm"}
    rows = [
        _crafted(good, "D-LONG", title="Long " + "x" * 230),
        _crafted(good, "D-HTML", title="Dress <b>sale</b>"),
        _crafted(good, "D-NOIMAGE", image_link="", additional_image_link=[]),
        _crafted(good, "D-BADIMAGE", image_link="img/dress.jpg"),
        _crafted(good, "D-NOPRICE", price="", price_es=""),
        _crafted(good, "D-ZEROPRICE", price="0.00", price_es="0.00"),
        _crafted(good, "D-NOSTOCK", quantity="0"),
        _crafted(good, "D-HEAVY", shipping_weight="600 kg"),
        _crafted(good, "D-WEIGHTLESS", shipping_weight="heavy"),
        _crafted(good, "D-NOCATEGORY", product_type="Garden > Gnomes"),
        _crafted(good, "D-TERRACOTTA", color="Terracotta"),
        _crafted(good, "D-CHEAPES", price="100.00", price_es="1.00"),
        _crafted(good, "D-SLOW", dispatch_days="90"),
        _crafted(good, "D-LONGBOX", length_cm="800"),
        _crafted(good, "D-FINE"),
        _crafted(good, "DUP-1", item_group_id="DUP"),
        _crafted(good, "DUP-2", item_group_id="DUP"),
        _crafted(cookware, "NOVAR-1", item_group_id="NOVAR", color=""),
        _crafted(cookware, "NOVAR-2", item_group_id="NOVAR", color=""),
        *[_crafted(cookware, f"BIG-{n:03d}", item_group_id="BIG") for n in range(201)],
    ]
    path = directory / "feed.ndjson"
    pl.concat([frame, pl.DataFrame(rows, schema=frame.schema)]).write_ndjson(path)
    return path


def build_for(shop: ConnectedShop, *, brand_map: dict[str, str]) -> dict[str, Any]:
    """A build of every mandatory attribute, colours partly mapped by hand, localized prices."""
    shared = {spec.key: spec for spec in account_shared(shop.sessions, shop.ctx, shop.connection_id)}
    return {
        "shared": {
            "title": {"field": "title"},
            "description": {"field": "description"},
            "main_image": {"field": "image_link"},
            "extra_images": {"field": "additional_image_link"},
            "variant_image": {"field": "image_link"},
            "price": {"field": "price"},
            "discount_price": {"field": "sale_price"},
            "stock": {"field": "quantity"},
            "ean": {"field": "gtin"},
            "brand_name": {"field": "brand"},
            "product_unit": {"static": "piece/pieces"},
            "inventory_deduction": {"static": "payment_success_deduct"},
            "product_group": {"static": shared["product_group"].choices[0].id},
            "weight": {"field": "shipping_weight"},
            "length": {"field": "length_cm"},
            "width": {"static": "20"},
            "height": {"static": "10"},
            "dispatch_time": {"field": "dispatch_days"},
            "freight_template": {"static": shared["freight_template"].choices[0].id},
            "service_policy": {"static": "0"},
        },
        "category": {
            "2": {"field": "brand", "map": brand_map},
            "219": {"static": "CN(Origin)"},
            "10": {"field": "material"},
            "284": {
                "field": "gender",
                "map": {"female": "100006040", "male": "900028401", "unisex": "900028402"},
            },
            "200001154": {"static": "RUBBER"},
        },
        "variants": {
            "group_field": "item_group_id",
            "attributes": {
                "14": {"field": "color", "map": COLOUR_MAP},
                "5": {"field": "size"},
                "200000124": {"field": "size"},
            },
        },
        "localized_prices": [
            {"country": "FR", "price": {"formula": "{price} * 1.05", "round": {"ending": ".99"}}},
            {"country": "ES", "price": {"field": "price_es"}},
        ],
    }


def set_up_api(shop: ConnectedShop, feed: Path, name: str = "AE") -> int:
    """A project with the feed, an API with one category line per product type, and the build saved."""
    project = shop.new_project()
    shop.import_feed(project, feed)
    api = shop.new_api(project, name)
    tree = category_tree(shop.sessions, shop.ctx, shop.connection_id)
    with shop.sessions.begin() as session:
        for product_type, category in CATEGORY_OF.items():
            condition = {"all": [{"op": "equals", "field": "product_type", "value": product_type}]}
            line = CategoryLine.model_validate({"if": condition, "category_id": category})
            add_line(session, shop.company_id, api, line, tree=tree)
    brands = pl.read_ndjson(feed).get_column("brand").unique().to_list()
    brand_map = {brand: NO_BRAND for brand in brands if brand not in (LINDQVIST, "Acme")}
    save_build(
        shop.sessions, shop.ctx, shop.company_id, api, parse_build(build_for(shop, brand_map=brand_map))
    )
    return api


IMG = "https://img.example.com"
BLUE = "900001404"
# Five items whose every listing's fate is known: a dress group blocked by one variant (no stock, a colour
# that maps to nothing), a lamp that is ready (decimal commas, a weight in kg), a gadget no line categorizes.
SMALL_FEED = f"""\
id,item_group_id,title,description,image_link,additional_image_link,price,sale_price,quantity,brand,color,size,material,product_type,weight
D1,G1,Summer dress S,<p>Light cotton</p>,{IMG}/d1.jpg,"{IMG}/d1b.jpg,{IMG}/d1.jpg","20,00","15,00",5,Acme,Rot,S,Cotton,Dresses,300 g
D2,G1,Summer dress M,<p>Light cotton</p>,{IMG}/d2.jpg,,"20,00",,3,Acme,Rot,M,Cotton,Dresses,300 g
D3,G1,Summer dress navy M,<p>Light cotton</p>,{IMG}/d3.jpg,,"20,00",,0,Acme,Navy,M,Cotton,Dresses,300 g
S1,,Table lamp,<p>Brass</p>,{IMG}/s1.jpg,,"35,50",,2,Nordvik,,,,Lighting,"1,2 kg"
S2,,Gadget,<p>Odd</p>,{IMG}/s2.jpg,,"10,00",,1,Acme,,,,Gadgets,100 g
"""


def small_build(shop: ConnectedShop, connection_id: int | None = None) -> dict[str, Any]:
    """The build of SMALL_FEED's fields, with the account choices of the connection (the shop's own)."""
    connection_id = connection_id or shop.connection_id
    shared = {spec.key: spec for spec in account_shared(shop.sessions, shop.ctx, connection_id)}
    return {
        "shared": {
            "title": {"field": "title"}, "description": {"field": "description"},
            "main_image": {"field": "image_link"}, "extra_images": {"field": "additional_image_link"},
            "price": {"field": "price"}, "discount_price": {"field": "sale_price"}, "stock": {"field": "quantity"},
            "brand_name": {"field": "brand"}, "product_unit": {"static": "piece/pieces"},
            "inventory_deduction": {"static": "payment_success_deduct"},
            "product_group": {"static": shared["product_group"].choices[0].name()},
            "weight": {"field": "weight"}, "length": {"static": "30"}, "width": {"static": "20"},
            "height": {"static": "5"}, "dispatch_time": {"static": "2"},
            "freight_template": {"static": shared["freight_template"].choices[0].id}, "service_policy": {"static": "0"},
        },
        "category": {"2": {"field": "brand"}, "219": {"static": "CN(Origin)"}, "10": {"field": "material"}},
        "variants": {"group_field": "item_group_id", "attributes": {"14": {"field": "color"}, "5": {"field": "size"}}},
        "localized_prices": [{"country": "FR", "price": {"formula": "{price} * 1.1", "round": {"ending": ".99"}}}],
    }  # fmt: skip


def small_api(shop: ConnectedShop, project_name: str | None = None) -> int:
    """API 'AE' on a new project with SMALL_FEED: lines for dresses and lighting, small_build saved."""
    project = shop.new_project(project_name)
    shop.import_feed(project, SMALL_FEED)
    api_id = shop.new_api(project)
    tree = category_tree(shop.sessions, shop.ctx, shop.connection_id)
    with shop.sessions.begin() as session:
        for product_type, category in (("Dresses", WOMEN_DRESSES), ("Lighting", COOKWARE)):
            when = {"all": [{"op": "equals", "field": "product_type", "value": product_type}]}
            line = CategoryLine.model_validate({"if": when, "category_id": category})
            add_line(session, shop.company_id, api_id, line, tree=tree)
    save_build(shop.sessions, shop.ctx, shop.company_id, api_id, parse_build(small_build(shop)))
    return api_id


@dataclass
class Poster:
    """Posts payloads as a run will: each image URL uploaded to the photobank once, then the product."""

    client: AliExpressClient
    token: str
    uploaded: dict[str, str] = field(default_factory=dict)

    def photobank_url(self, url: str) -> str:
        """The photobank URL of an http(s) image; anything else stays as it is (a run cannot fetch it)."""
        if not re.match(r"(?i)^https?://\S+$", url):
            return url
        if url not in self.uploaded:
            image = photobank.upload_image(self.client, self.token, png(seed=len(self.uploaded)), "image.png")
            self.uploaded[url] = image.url
        return self.uploaded[url]

    def with_photobank_images(self, payload: str) -> dict[str, Any]:
        data: dict[str, Any] = orjson.loads(payload)
        for key in ("image_url_list", "main_image_urls_list"):
            if key in data:
                data[key] = [self.photobank_url(url) for url in data[key]]
        for sku in data.get("sku_info_list", []):
            attributes = sku.get("sku_attributes", {}).values() if "sku_attributes" in sku else []
            for attribute in [*attributes, *sku.get("sku_attributes_list", [])]:
                if "sku_image_url" in attribute:
                    attribute["sku_image_url"] = self.photobank_url(attribute["sku_image_url"])
        return data

    def post_instance(self, payload: str) -> int:
        return products.post_instance(self.client, self.token, self.with_photobank_images(payload))

    def post_product(self, payload: str) -> int:
        from feedbridge.channels.aliexpress.client.product_requests import PostProductRequest

        request = PostProductRequest.model_validate(self.with_photobank_images(payload))
        return products.post_product(self.client, self.token, request)


@contextmanager
def poster(shop: ConnectedShop) -> Iterator[Poster]:
    token = access_token_for(shop.sessions, shop.ctx, shop.connection_id)
    with shop.sessions() as session:
        connection = session.get_one(Connection, shop.connection_id)
        context = shop.ctx.client_for(connection)
    with context as client:
        yield Poster(client, token)


# The sandbox's refusals (its error table, src/aliexpress_sandbox/products/codes.py) as the quality issue
# codes that stand for the same broken rule.
_BY_SUB_CODE: dict[str, set[str]] = {
    "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY": {"category_not_allowed"},
    "SBX.CATEGORY_UNKNOWN": {"category_not_allowed"},
    "SBX.CATEGORY_NOT_PERMITTED": {"category_not_allowed"},
    "SBX.TITLE_LENGTH": {"missing:title", "too_long:title"},
    "SBX.TITLE_MAIN_LANGUAGE_MISSING": {"missing:title"},
    "SBX.IMAGE_COUNT": {"missing:main_image"},
    "SBX.IMAGE_NOT_IN_PHOTOBANK": {"image_url_invalid"},
    "SBX.SKU_ATTRIBUTES_REQUIRED": {"variant_attributes_missing"},
    "SBX.SKU_ATTRIBUTES_DUPLICATE": {"variant_duplicate"},
    "SBX.TOO_MANY_SKUS": {"too_many_variants"},
    "F00-00-10007-009": {"missing:sku_code"},
    "F00-00-10007-007": {"sku_code_duplicate"},
    "SBX.SKU_CODE_IN_USE": {"sku_code_duplicate"},
    "SBX.PRICE_RANGE": {"missing:price", "range:price"},
    "SBX.INVENTORY_RANGE": {"missing:stock", "range:stock"},
    "SBX.WEIGHT_RANGE": {"missing:weight", "range:weight"},
    "SBX.LEAD_TIME_RANGE": {"missing:dispatch_time", "range:dispatch_time"},
    "SBX.FREIGHT_TEMPLATE_INVALID": {"missing:freight_template"},
    "SBX.SERVICE_TEMPLATE_INVALID": {"missing:service_policy"},
    "SBX.GROUP_INVALID": {"missing:product_group"},
    "SBX.PRODUCT_UNIT_INVALID": {"missing:product_unit"},
    "SBX.DEDUCTION_STRATEGY_INVALID": {"missing:inventory_deduction"},
    "SBX.COUNTRY_PRICE_TOO_LOW": {"country_price_low"},
    "SBX.COUNTRY_DISCOUNT_INVALID": {"country_discount_invalid"},
}
# 040003:<field>_requiredValidator: the instance field left out, by the attribute that fills it.
_REQUIRED_FIELD = {
    "categoryId": "missing:category", "titleMultiLanguageList": "missing:title",
    "imageUrlList": "missing:main_image", "productUnitsType": "missing:product_unit",
    "inventoryDeductionStrategy": "missing:inventory_deduction", "packageWeight": "missing:weight",
    "packageLength": "missing:length", "packageWidth": "missing:width", "packageHeight": "missing:height",
    "shippingPreparationTime": "missing:dispatch_time", "shippingTemplateId": "missing:freight_template",
    "serviceTemplateId": "missing:service_policy", "productGroupId": "missing:product_group",
    "price": "missing:price", "inventory": "missing:stock",
}  # fmt: skip
SIZES = {"Size": "5", "Shoe Size": "200000124", "Color": "14"}


def issue_codes_of(error: AliExpressError) -> set[str]:
    """The issue codes that mean the rule the sandbox's error names."""
    code, message = error.sub_code or "", error.message
    if code == "040003":
        wanted = re.search(r"040003:(\w+)_requiredValidator", message)
        return {_REQUIRED_FIELD.get(wanted.group(1), "?")} if wanted else set()
    if code == "SBX.PACKAGE_SIZE_RANGE":
        side = re.search(r"package_(length|width|height)", message)
        return {f"missing:{side.group(1)}", f"range:{side.group(1)}"} if side else set()
    if code == "S00-10-10000-001" and "090001" in message:
        return {"title_characters"}
    if code in ("SBX.ATTRIBUTE_REQUIRED", "SBX.ATTRIBUTE_VALUE_INVALID"):
        attribute = re.search(r"\(id (\d+)\)", message)
        return (
            {f"missing:attribute.{attribute.group(1)}", f"not_allowed:attribute.{attribute.group(1)}"}
            if attribute
            else set()
        )
    if code in ("SBX.SKU_ATTRIBUTE_REQUIRED", "SBX.SKU_VALUE_INVALID"):
        name = re.search(r"(?:attribute|SKU attribute) (.+?) (?:is missing|does not accept)", message)
        found = SIZES.get(name.group(1), "?") if name else "?"
        return {f"missing:sku_attribute.{found}", f"not_allowed:sku_attribute.{found}"}
    return _BY_SUB_CODE.get(code, set())
