"""What AliExpress asks of a listing: the shared attributes (REFERENCE §3.1, §3.9, §4) and, per category,
the category-specific attributes read from the seller's account (attributes and instance schema, §3.8,
§3.11), with the account's own options (freight and service templates, product groups, §3.12–§3.14).

Levels: what the platform requires is mandatory; attributes AliExpress shows as filters (attributes with
allowed values) and variant attributes are recommended; free-text category attributes are optional.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from feedbridge.channels.aliexpress.client.account import FreightTemplate, ProductGroup, ServiceTemplate
from feedbridge.channels.aliexpress.client.categories import CategoryAttribute as AccountAttribute
from feedbridge.connections import account_data
from feedbridge.connections.context import ConnectionContext
from feedbridge.listings.requirements import (
    AttributeSpec,
    CategoryAttribute,
    CategoryRequirements,
    Choice,
    Kind,
    Level,
    Requirements,
    Tab,
)
from feedbridge.rules.templates import ALIEXPRESS_COLOURS

MAX_TITLE = 218
MAX_IMAGES = 6  # the main image and five more
MAX_VARIANTS = 200  # SKUs per product: the batch price and inventory APIs' limit (REFERENCE §3.6)
MIN_PRICE, MAX_PRICE = 0.01, 999_999
MAX_STOCK = 999_999
BRAND_ATTRIBUTE_ID = 2  # mandatory unless brand_name names a permitted brand (REFERENCE §3.1)
COLOR_ATTRIBUTE_ID = 14  # the Color SKU attribute (REFERENCE §3.1 sample)
PLATFORM_FREIGHT_TEMPLATE = "1000"  # not usable by overseas sellers (§3.12)
DEFAULT_SERVICE_POLICY = "0"
SHIP_TO_COUNTRIES = [
    "RU",
    "US",
    "CA",
    "ES",
    "FR",
    "UK",
    "NL",
    "IL",
    "BR",
    "CL",
    "AU",
    "UA",
    "BY",
    "JP",
    "TH",
    "SG",
    "KR",
    "ID",
    "MY",
    "PH",
    "VN",
    "IT",
    "DE",
    "SA",
    "AE",
    "PL",
    "TR",
]  # §6.3
# REFERENCE §4.6.
PRODUCT_UNITS = {
    "100000015": "piece/pieces", "100000000": "bag/bags", "100000001": "barrel/barrels",
    "100000002": "bushel/bushels", "100078580": "carton", "100078581": "centimeter",
    "100000003": "cubic meter", "100000004": "dozen", "100078584": "feet", "100000005": "gallon",
    "100000006": "gram", "100078587": "inch", "100000007": "kilogram", "100078589": "kiloliter",
    "100000008": "kilometer", "100078559": "liter/liters", "100000009": "long ton", "100000010": "meter",
    "100000011": "metric ton", "100078560": "milligram", "100078596": "milliliter",
    "100078597": "millimeter", "100000012": "ounce", "100000014": "pack/packs", "100000013": "pair",
    "100000016": "pound", "100078603": "quart", "100000017": "set/sets", "100000018": "short ton",
    "100078606": "square feet", "100078607": "square inch", "100000019": "square meter",
    "100078609": "square yard", "100000020": "ton", "100078558": "yard/yards",
}  # fmt: skip
DEDUCTION_STRATEGIES = {
    "payment_success_deduct": "deduct stock when the order is paid",
    "place_order_withhold": "deduct stock when the order is placed",
}


def _choices(named: Mapping[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(choice_id, {"en": name}) for choice_id, name in named.items())


def _size(key: str, label: str) -> AttributeSpec:
    return AttributeSpec(
        key, label, Kind.INTEGER, Level.MANDATORY, Tab.SHIPPING, f"{label} of the package, whole cm (1-700).",
        minimum=1, maximum=700, unit="cm",
    )  # fmt: skip


# fmt: off
SHARED: tuple[AttributeSpec, ...] = (
    AttributeSpec("title", "Title", Kind.TEXT, Level.MANDATORY, Tab.TITLE_DESCRIPTION,
                  "Plain text, at most 218 characters, without < or >.", max_length=MAX_TITLE),
    AttributeSpec("description", "Description", Kind.HTML, Level.RECOMMENDED, Tab.TITLE_DESCRIPTION,
                  "HTML is allowed."),
    AttributeSpec("main_image", "Main image", Kind.URL, Level.MANDATORY, Tab.IMAGES,
                  "The first image of the listing (an http(s) URL)."),
    AttributeSpec("extra_images", "Extra images", Kind.URLS, Level.RECOMMENDED, Tab.IMAGES,
                  "Up to 5 more images; a list field or URLs separated by commas.", max_length=MAX_IMAGES - 1),
    AttributeSpec("variant_image", "Variant image", Kind.URL, Level.OPTIONAL, Tab.IMAGES,
                  "The image of each variant, shown with the variant attribute that allows images (colour)."),
    AttributeSpec("price", "Price", Kind.NUMBER, Level.MANDATORY, Tab.GENERAL,
                  "The store-currency price, 0.01-999999.", minimum=MIN_PRICE, maximum=MAX_PRICE, decimals=2),
    AttributeSpec("discount_price", "Discount price", Kind.NUMBER, Level.OPTIONAL, Tab.GENERAL,
                  "A sale price below the price.", minimum=MIN_PRICE, maximum=MAX_PRICE, decimals=2),
    AttributeSpec("stock", "Stock", Kind.INTEGER, Level.MANDATORY, Tab.GENERAL,
                  "Units for sale, 1-999999.", minimum=1, maximum=MAX_STOCK, rounds_down=True),
    AttributeSpec("ean", "EAN / GTIN", Kind.TEXT, Level.RECOMMENDED, Tab.GENERAL, "The barcode number."),
    AttributeSpec("brand_name", "Brand", Kind.TEXT, Level.OPTIONAL, Tab.GENERAL,
                  "A brand you have brand permission for; otherwise set the Brand Name attribute."),
    AttributeSpec("product_unit", "Product unit", Kind.CHOICE, Level.MANDATORY, Tab.GENERAL,
                  "What one unit of stock is.", choices=_choices(PRODUCT_UNITS)),
    AttributeSpec("inventory_deduction", "Inventory deduction strategy", Kind.CHOICE, Level.MANDATORY,
                  Tab.GENERAL, "When stock is deducted.", choices=_choices(DEDUCTION_STRATEGIES)),
    AttributeSpec("product_group", "Product group", Kind.CHOICE, Level.MANDATORY, Tab.GENERAL,
                  "One of your AliExpress product groups that can hold products."),
    AttributeSpec("weight", "Package weight", Kind.NUMBER, Level.MANDATORY, Tab.SHIPPING,
                  "Weight with the package, 0.001-500 kg.", minimum=0.001, maximum=500, unit="kg", decimals=3),
    _size("length", "Package length"),
    _size("width", "Package width"),
    _size("height", "Package height"),
    AttributeSpec("dispatch_time", "Dispatch time", Kind.INTEGER, Level.MANDATORY, Tab.SHIPPING,
                  "Days to prepare an order for shipping, 1-60.", minimum=1, maximum=60, unit="days"),
    AttributeSpec("freight_template", "Freight template", Kind.CHOICE, Level.MANDATORY, Tab.SHIPPING,
                  "Your AliExpress shipping template (shipping costs and methods)."),
    AttributeSpec("service_policy", "Service policy", Kind.CHOICE, Level.MANDATORY, Tab.SHIPPING,
                  "Your AliExpress service (promise) template; 0 is the default policy."),
)
# fmt: on
SHARED_KEYS = tuple(spec.key for spec in SHARED)


def _colour_words(names: Mapping[str, str]) -> tuple[str, ...]:
    """Colour words of feeds in several languages for a Color value (rules.templates' table), found by
    any of the value's names: "Grey" gets grau, gris, grijs … as "Gray" does."""
    spelled = {name.casefold() for name in names.values()}
    return next(
        (words for name, words in ALIEXPRESS_COLOURS.items() if spelled & {name.casefold(), *words}), ()
    )


def _levels(attribute: AccountAttribute, required: bool, kind: Kind) -> Level:
    if required:
        return Level.MANDATORY
    return Level.RECOMMENDED if attribute.sku or kind.chosen else Level.OPTIONAL


def _kind(attribute: AccountAttribute) -> Kind:
    if attribute.show_type == "check_box":
        return Kind.CHOICES
    if attribute.values and attribute.show_type != "input":
        return Kind.CHOICE
    return Kind.TEXT


def category_requirements(
    category_id: int, attributes: Iterable[AccountAttribute], schema: Mapping[str, Any]
) -> CategoryRequirements:
    """A category's attributes: names, values and flags from the attributes API, what is required (and
    which values are allowed) from the category's instance schema, which the platform checks against."""
    properties = schema.get("properties", {})
    product = properties.get("category_attributes", {})
    sku = properties.get("sku_info_list", {}).get("items", {}).get("properties", {}).get("sku_attributes", {})
    found = []
    for attribute in attributes:
        name = attribute.names.get("en") or next(iter(attribute.names.values()), str(attribute.id))
        part = sku if attribute.sku else product
        required = name in part.get("required", []) or attribute.required
        kind = _kind(attribute)
        allowed = _allowed_ids(part.get("properties", {}).get(name, {}))
        choices = tuple(
            Choice(str(v.id), v.names, _colour_words(v.names) if attribute.id == COLOR_ATTRIBUTE_ID else ())
            for v in attribute.values
            if allowed is None or str(v.id) in allowed
        )
        found.append(
            CategoryAttribute(
                id=attribute.id,
                category_id=category_id,
                name=name,
                names=attribute.names,
                kind=kind,
                level=_levels(attribute, required, kind),
                variant=attribute.sku,
                choices=choices,
                custom_names=attribute.customized_name,
                custom_images=attribute.customized_pic,
            )
        )
    return CategoryRequirements(category_id, tuple(found))


def _allowed_ids(prop: Mapping[str, Any]) -> set[str] | None:
    """The value ids an attribute's schema property allows (None: the schema does not restrict them)."""
    value = prop.get("properties", {}).get("value", {})
    enum = value.get("enum") or value.get("items", {}).get("enum")
    return {str(v) for v in enum} if enum else None


def account_choices(
    freight: Iterable[FreightTemplate], service: Iterable[ServiceTemplate], groups: Iterable[ProductGroup]
) -> dict[str, tuple[Choice, ...]]:
    """The account's templates and groups as the allowed values of the shared attributes that name them."""
    service_names = {DEFAULT_SERVICE_POLICY: "Default service policy"}
    service_names.update({str(t.id): t.name for t in service})
    return {
        "freight_template": tuple(
            Choice(str(t.template_id), {"en": t.template_name})
            for t in freight
            if str(t.template_id) != PLATFORM_FREIGHT_TEMPLATE
        ),
        "service_policy": _choices(service_names),
        "product_group": tuple(_usable_groups(groups, "")),
    }


def _usable_groups(groups: Iterable[ProductGroup], parent: str) -> Iterable[Choice]:
    """Groups that can hold products: groups without children, named with their parent (§3.14)."""
    for group in groups:
        name = f"{parent} > {group.group_name}" if parent else group.group_name
        if group.children:
            yield from _usable_groups(group.children, name)
        else:
            yield Choice(str(group.group_id), {"en": name})


def shared_attributes(choices: Mapping[str, tuple[Choice, ...]]) -> tuple[AttributeSpec, ...]:
    """SHARED with the account's own allowed values filled in."""
    return tuple(replace(spec, choices=choices[spec.key]) if spec.key in choices else spec for spec in SHARED)


Progress = Callable[[int, int], None]


def load_requirements(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    category_ids: Iterable[int],
    *,
    language: str,
    permitted_leaves: frozenset[int],
    refresh: bool = False,
    progress: Progress | None = None,
) -> Requirements:
    """The requirements for listings in `category_ids` (only permitted leaves are read), from the
    account data cache (read from AliExpress when missing or old)."""
    wanted = sorted({c for c in category_ids if c in permitted_leaves})
    choices = account_choices(
        account_data.freight_templates(sessions, ctx, connection_id, refresh=refresh),
        account_data.service_templates(sessions, ctx, connection_id, refresh=refresh),
        account_data.product_groups(sessions, ctx, connection_id, refresh=refresh),
    )
    categories = {}
    for done, category_id in enumerate(wanted, 1):
        attributes = account_data.category_attributes(
            sessions, ctx, connection_id, category_id, language=language, refresh=refresh
        )
        schema = account_data.product_schema(sessions, ctx, connection_id, category_id, refresh=refresh)
        categories[category_id] = category_requirements(category_id, attributes, schema)
        if progress is not None:
            progress(done, len(wanted))
    return Requirements(
        shared=shared_attributes(choices),
        categories=categories,
        permitted_leaves=permitted_leaves,
        max_variants=MAX_VARIANTS,
        language=language,
    )
