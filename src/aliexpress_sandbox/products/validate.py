"""The product rules of REFERENCE §4, applied to a whole Draft; the first broken rule is the error.

Reporting one error at a time is what the platform does (every documented failure is a single code), and
a client can fix and resend. Validation also resolves what instances give by name (attributes, SKU
attributes) into ids, so the Draft it returns is what gets stored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..categories import catalog, permissions
from ..categories.model import Attribute
from ..errors import ApiError
from ..store import Store
from . import repository
from .codes import fail
from .coerce import decimal, integer
from .images import owns_image
from .model import LANGUAGES, PRODUCT_UNITS, Draft, ProductAttribute, Sku, SkuAttribute
from .pricing import check_country_prices, check_inventory, check_price

BRAND_ATTRIBUTE_ID = 2
MAX_TITLE = 218
MAX_IMAGES = 6
MAX_GROUPS = 3
# SKUs per product: the batch price and inventory APIs take at most 200 per product (REFERENCE §3.6),
# so a product with more could never be updated; the sandbox refuses it when it is posted.
MAX_SKUS = 200
MAX_LEAD_TIME_DAYS = 60
CUSTOM_VALUE_FORBIDDEN = set("{#:=,")
DEDUCTION_STRATEGIES = ("place_order_withhold", "payment_success_deduct")


@dataclass(frozen=True)
class Context:
    store: Store
    seller_id: int
    # The product being changed: its own SKU codes do not count as used by another product.
    product_id: int | None = None
    # Admin-made listings stand for products created outside the API, so their images may be any URL.
    photobank_only: bool = True


def validate(draft: Draft, ctx: Context) -> Draft:
    if draft.language not in LANGUAGES:
        raise fail("language_invalid", language=draft.language)
    _check_category(draft.category_id, ctx)
    _check_titles(draft)
    _check_images(draft.images, ctx)
    attributes = catalog.category_attributes(draft.category_id)
    product_attributes = [a for a in attributes if not a.sku]
    draft.attributes = [
        _resolve_attribute(a, product_attributes, draft.category_id) for a in draft.attributes
    ]
    _check_required_attributes(draft, product_attributes)
    _check_skus(draft.skus, [a for a in attributes if a.sku], ctx)
    _check_logistics(draft, ctx)
    check_country_prices(
        draft.country_prices, {s.sku_code: s.price for s in draft.skus}, where="a SKU of this product"
    )
    return draft


def _check_category(category_id: int, ctx: Context) -> None:
    if catalog.get_category(category_id) is None:
        raise fail("category_unknown", category_id=category_id)
    if not catalog.is_leaf(category_id):
        raise fail("category_not_leaf", category_id=category_id)
    if not permissions.is_permitted(ctx.seller_id, category_id):
        raise fail("category_not_permitted", category_id=category_id)


def _check_titles(draft: Draft) -> None:
    if not draft.subjects.get(draft.language):
        raise fail("title_main_language", language=draft.language)
    for language, subject in draft.subjects.items():
        if language not in LANGUAGES:
            raise fail("language_invalid", language=language)
        if not 1 <= len(subject.strip()) <= MAX_TITLE:
            raise fail("title_length", language=language)
        if "<" in subject or ">" in subject:
            raise fail("title_characters")


def _check_images(images: list[str], ctx: Context) -> None:
    if not 1 <= len(images) <= MAX_IMAGES:
        raise fail("image_count", count=len(images))
    for url in images:
        _check_image(url, ctx)


def _check_image(url: str, ctx: Context) -> None:
    if ctx.photobank_only and not owns_image(ctx.store, ctx.seller_id, url):
        raise fail("image_not_in_photobank", url=url)


def _by_name(attributes: list[Attribute], name: str) -> Attribute | None:
    wanted = name.strip().casefold()
    return next((a for a in attributes if wanted in {n.casefold() for n in a.names.values()}), None)


def _resolve_attribute(given: ProductAttribute, known: list[Attribute], category_id: int) -> ProductAttribute:
    if given.attr_id is None and not given.by_name:
        # A fully custom attribute (pattern 4 of attribute_list): any name, any text.
        if not given.name or not given.value:
            raise fail(
                "field_invalid", field="attribute_list", why="a custom attribute needs a name and a value"
            )
        return given
    if given.by_name:
        attribute = _by_name(known, given.name or "")
    else:
        attribute = next((a for a in known if a.id == given.attr_id), None)
    if attribute is None:
        raise fail("attribute_unknown", attr=given.name or given.attr_id, category_id=category_id)
    shown = given.value if given.value_id is None else given.value_id
    if attribute.input_type == "text":
        if not given.value:
            raise fail("attribute_value_invalid", name=attribute.name, attr_id=attribute.id, value=shown)
        return ProductAttribute(attr_id=attribute.id, value=given.value)
    value_id = given.value_id
    if given.by_name:  # instances give select values as id strings
        value_id = int(given.value) if given.value and given.value.isdigit() else None
    if value_id is None or attribute.value(value_id) is None:
        raise fail("attribute_value_invalid", name=attribute.name, attr_id=attribute.id, value=shown)
    # The text that accompanies the "Other" value (pattern 3) is kept; instances carry none.
    return ProductAttribute(
        attr_id=attribute.id, value_id=value_id, value=None if given.by_name else given.value
    )


def _check_required_attributes(draft: Draft, known: list[Attribute]) -> None:
    counts = Counter(a.attr_id for a in draft.attributes if a.attr_id is not None)
    for attribute in known:
        if attribute.input_type != "multi" and counts[attribute.id] > 1:
            raise fail(
                "attribute_value_invalid", name=attribute.name, attr_id=attribute.id, value="several values"
            )
        if counts[attribute.id]:
            continue
        if attribute.id == BRAND_ATTRIBUTE_ID and draft.brand_name:
            # Brand is mandatory since 2021-10-15 unless brand_name names a permitted brand (§3.1).
            if not any(draft.brand_name.casefold() == v.name.casefold() for v in attribute.values):
                raise fail(
                    "attribute_value_invalid",
                    name=attribute.name,
                    attr_id=attribute.id,
                    value=draft.brand_name,
                )
        elif attribute.required or attribute.id == BRAND_ATTRIBUTE_ID:
            raise fail("attribute_required", name=attribute.name, attr_id=attribute.id)


def _check_skus(skus: list[Sku], known: list[Attribute], ctx: Context) -> None:
    if not skus:
        raise fail("sku_list_empty")
    if len(skus) > MAX_SKUS:
        raise fail("too_many_skus", count=len(skus), most=MAX_SKUS)
    seen: set[str] = set()
    for sku in skus:
        if not sku.sku_code:
            raise fail("sku_code_empty")
        if sku.sku_code in seen:
            raise fail("sku_code_duplicate")
        seen.add(sku.sku_code)
    combinations: dict[tuple[tuple[int, int | None], ...], str] = {}
    for sku in skus:
        check_price(sku.sku_code, sku.price, sku.discount_price)
        check_inventory(sku.sku_code, sku.inventory, minimum=1)
        sku.attributes = [_resolve_sku_attribute(sku.sku_code, a, known, ctx) for a in sku.attributes]
        given = {a.attr_id for a in sku.attributes}
        missing = next((a for a in known if a.required and a.id not in given), None)
        if missing is not None:
            raise fail("sku_attribute_required", sku_code=sku.sku_code, name=missing.name)
        if len(skus) > 1:
            if not sku.attributes:
                raise fail("sku_attributes_required", sku_code=sku.sku_code)
            combination = tuple(sorted((a.attr_id or 0, a.value_id) for a in sku.attributes))
            if combination in combinations:
                raise fail("sku_attributes_duplicate", sku_code=sku.sku_code, other=combinations[combination])
            combinations[combination] = sku.sku_code
    for sku in skus:
        # A sandbox rule: feedbridge finds products by SKU code, so a code names one product per seller.
        owner = repository.sku_owner(ctx.store, ctx.seller_id, sku.sku_code)
        if owner is not None and owner != ctx.product_id:
            raise fail("sku_code_in_use", sku_code=sku.sku_code, product_id=owner)


def _resolve_sku_attribute(
    sku_code: str, given: SkuAttribute, known: list[Attribute], ctx: Context
) -> SkuAttribute:
    if given.attr_id is not None:
        attribute = next((a for a in known if a.id == given.attr_id), None)
    else:
        attribute = _by_name(known, given.name or "")
    if attribute is None:
        raise fail("sku_attribute_unknown")
    if given.value_id is None or attribute.value(given.value_id) is None:
        raise fail("sku_value_invalid", sku_code=sku_code, name=attribute.name, value_id=given.value_id)
    if given.custom_value is not None:
        if not attribute.customized_name:
            raise fail("sku_custom_value_not_allowed", sku_code=sku_code, name=attribute.name)
        if len(given.custom_value) > 70 or CUSTOM_VALUE_FORBIDDEN & set(given.custom_value):
            raise fail("sku_custom_value_invalid", sku_code=sku_code)
    if given.image is not None:
        if not attribute.customized_pic:
            raise fail("sku_image_not_allowed", sku_code=sku_code, name=attribute.name)
        _check_image(given.image, ctx)
    return SkuAttribute(
        attr_id=attribute.id, value_id=given.value_id, custom_value=given.custom_value, image=given.image
    )


def _check_logistics(draft: Draft, ctx: Context) -> None:
    weight = decimal(draft.weight, "weight", places=3)
    if not 0.001 <= weight <= 500:
        raise fail("weight_range")
    draft.weight = f"{weight:.3f}"
    for name in ("package_length", "package_width", "package_height"):
        value = getattr(draft, name)
        try:
            size = integer(value, name)
        except ApiError:
            raise fail("package_size_range", field=name) from None
        if not 1 <= size <= 700:
            raise fail("package_size_range", field=name)
        setattr(draft, name, size)
    if not 1 <= draft.shipping_lead_time <= MAX_LEAD_TIME_DAYS:
        raise fail("lead_time_range")
    if draft.inventory_deduction_strategy not in DEDUCTION_STRATEGIES:
        raise fail("deduction_strategy_invalid")
    store, seller = ctx.store, ctx.seller_id
    # The platform default template 1000 is not usable by overseas sellers, and it is no seller's own.
    if (
        store.one(
            "SELECT 1 FROM freight_templates WHERE template_id = ? AND seller_id = ?",
            (draft.freight_template_id, seller),
        )
        is None
    ):
        raise fail("freight_template_invalid", template_id=draft.freight_template_id)
    service_template = store.one(
        "SELECT 1 FROM service_templates WHERE template_id = ? AND seller_id = ?",
        (draft.service_policy_id, seller),
    )
    if draft.service_policy_id != 0 and service_template is None:
        raise fail("service_template_invalid", template_id=draft.service_policy_id)
    check_groups(store, seller, draft.group_ids)
    if draft.product_unit is not None and draft.product_unit not in PRODUCT_UNITS:
        raise fail("product_unit_invalid", unit=draft.product_unit)


def check_groups(store: Store, seller_id: int, group_ids: list[int]) -> None:
    # Imported here: the apis package imports this one, and feed code may import products first.
    from ..apis.account import usable_group_ids

    if len(group_ids) > MAX_GROUPS:
        raise fail("too_many_groups", count=len(group_ids))
    usable = usable_group_ids(store, seller_id)
    for group_id in group_ids:
        if group_id not in usable:
            raise fail("group_invalid", group_id=group_id)
