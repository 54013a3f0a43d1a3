"""Every business error the product APIs answer with, in one table (REFERENCE §5.3).

`REFERENCE` codes and messages are the platform's own (D-ERRN, D-ERRS, D-API:30167); `SANDBOX` codes are
invented where the reference names a rule but not its code. Invented codes all start with `SBX.` so that
nobody mistakes them for platform codes; a client should key on the rule, not on these exact strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import ApiError, business

Source = Literal["reference", "sandbox"]

# The platform's generic posting-failure wrapper; the real reason sits in the message (§5.3).
POSTING_WRAPPER = "S00-10-10000-001"


@dataclass(frozen=True)
class Code:
    sub_code: str
    message: str  # str.format template
    source: Source


CODES: dict[str, Code] = {
    # From the reference.
    "sku_code_empty": Code(
        "F00-00-10007-009", "Field:sku_code is empty, please check your input", "reference"
    ),
    "sku_code_duplicate": Code(
        "F00-00-10007-007", "duplicate sku_code, please check your input", "reference"
    ),
    "sku_attribute_unknown": Code(
        "F00-00-10007-015",
        "The sku_attribute_name you input does not exist under this category, and this category does not "
        "support user-defined sku_attribute_name.",
        "reference",
    ),
    "too_many_products": Code(
        POSTING_WRAPPER,
        "7150008:150008:You've reached the maximum number of products you can publish!",
        "reference",
    ),
    "title_characters": Code(
        POSTING_WRAPPER,
        "7090001:Title:090001:Sorry, the subject information you filled in is not in English or security "
        "information.",
        "reference",
    ),
    "category_not_leaf": Code(
        "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY", "category {category_id} is not a leaf category", "reference"
    ),
    "posting_forbidden": Code(
        "000003",
        "000003:Your operation rights have been suspended. Please contact customer service",
        "reference",
    ),
    "image_not_in_photobank": Code(
        "SBX.IMAGE_NOT_IN_PHOTOBANK",
        "None of your image url in main_image_urls_list existed in the seller's server, please check. "
        "({url})",
        "reference",  # the message is the platform's; its code is not documented
    ),
    "field_required": Code("040003", "040003:{field}_requiredValidator@post_tip", "reference"),
    # Messages without the id: online/offline group failing ids under one message (error_details).
    "product_not_found": Code("090014", "The product does not exist", "reference"),
    "product_not_offline": Code("090015", "The product is not in the offline state", "reference"),
    # Sandbox inventions: the rule is documented (REFERENCE §4), its code is not.
    "field_invalid": Code("SBX.FIELD_INVALID", "{field}: {why}", "sandbox"),
    "language_invalid": Code("SBX.LANGUAGE_INVALID", "language {language!r} is not supported", "sandbox"),
    "category_unknown": Code("SBX.CATEGORY_UNKNOWN", "category {category_id} does not exist", "sandbox"),
    "category_not_permitted": Code(
        "SBX.CATEGORY_NOT_PERMITTED", "the seller may not publish in category {category_id}", "sandbox"
    ),
    "attribute_required": Code(
        "SBX.ATTRIBUTE_REQUIRED", "required attribute {name} (id {attr_id}) is missing", "sandbox"
    ),
    "attribute_unknown": Code(
        "SBX.ATTRIBUTE_UNKNOWN",
        "attribute {attr} does not exist under category {category_id}",
        "sandbox",
    ),
    "attribute_value_invalid": Code(
        "SBX.ATTRIBUTE_VALUE_INVALID", "attribute {name} (id {attr_id}) does not accept {value!r}", "sandbox"
    ),
    "title_length": Code("SBX.TITLE_LENGTH", "the {language} title must be 1-218 characters", "sandbox"),
    "title_main_language": Code(
        "SBX.TITLE_MAIN_LANGUAGE_MISSING", "no title in the main language {language}", "sandbox"
    ),
    "image_count": Code("SBX.IMAGE_COUNT", "main images: 1 to 6 required, got {count}", "sandbox"),
    "sku_list_empty": Code("SBX.SKU_LIST_EMPTY", "sku_info_list must contain at least one SKU", "sandbox"),
    "too_many_skus": Code("SBX.TOO_MANY_SKUS", "a product holds at most {most} SKUs, got {count}", "sandbox"),
    "sku_code_in_use": Code(
        "SBX.SKU_CODE_IN_USE", "sku_code {sku_code!r} is already used by product {product_id}", "sandbox"
    ),
    "price_range": Code("SBX.PRICE_RANGE", "sku {sku_code!r}: price must be 0.01-999999", "sandbox"),
    "discount_not_below_price": Code(
        "SBX.DISCOUNT_NOT_BELOW_PRICE", "sku {sku_code!r}: discount_price must be lower than price", "sandbox"
    ),
    "inventory_range": Code(
        "SBX.INVENTORY_RANGE", "sku {sku_code!r}: inventory must be {low}-999999", "sandbox"
    ),
    "sku_not_in_product": Code(
        "SBX.SKU_NOT_IN_PRODUCT", "sku_code {sku_code!r} does not belong to product {product_id}", "sandbox"
    ),
    "sku_attributes_required": Code(
        "SBX.SKU_ATTRIBUTES_REQUIRED",
        "sku {sku_code!r}: SKU attributes are required when there are several SKUs",
        "sandbox",
    ),
    "sku_attribute_required": Code(
        "SBX.SKU_ATTRIBUTE_REQUIRED", "sku {sku_code!r}: required SKU attribute {name} is missing", "sandbox"
    ),
    "sku_attributes_duplicate": Code(
        "SBX.SKU_ATTRIBUTES_DUPLICATE",
        "sku {sku_code!r} repeats the attribute combination of {other!r}",
        "sandbox",
    ),
    "sku_value_invalid": Code(
        "SBX.SKU_VALUE_INVALID",
        "sku {sku_code!r}: attribute {name} does not accept value id {value_id}",
        "sandbox",
    ),
    "sku_custom_value_invalid": Code(
        "SBX.SKU_CUSTOM_VALUE_INVALID",
        "sku {sku_code!r}: sku_attribute_value must be at most 70 characters without {{ # : = ,",
        "sandbox",
    ),
    "sku_custom_value_not_allowed": Code(
        "SBX.SKU_CUSTOM_VALUE_NOT_ALLOWED",
        "sku {sku_code!r}: attribute {name} does not allow custom values",
        "sandbox",
    ),
    "sku_image_not_allowed": Code(
        "SBX.SKU_IMAGE_NOT_ALLOWED", "sku {sku_code!r}: attribute {name} does not allow SKU images", "sandbox"
    ),
    "weight_range": Code("SBX.WEIGHT_RANGE", "weight must be 0.001-500 kg", "sandbox"),
    "package_size_range": Code("SBX.PACKAGE_SIZE_RANGE", "{field} must be an integer 1-700 (cm)", "sandbox"),
    "lead_time_range": Code("SBX.LEAD_TIME_RANGE", "shipping_lead_time must be 1-60 days", "sandbox"),
    "freight_template_invalid": Code(
        "SBX.FREIGHT_TEMPLATE_INVALID", "freight template {template_id} is not one of the seller's", "sandbox"
    ),
    "service_template_invalid": Code(
        "SBX.SERVICE_TEMPLATE_INVALID", "service template {template_id} is not one of the seller's", "sandbox"
    ),
    "group_invalid": Code(
        "SBX.GROUP_INVALID", "product group {group_id} does not exist or cannot hold products", "sandbox"
    ),
    "deduction_strategy_invalid": Code(
        "SBX.DEDUCTION_STRATEGY_INVALID",
        "inventory_deduction_strategy must be place_order_withhold or payment_success_deduct",
        "sandbox",
    ),
    "product_unit_invalid": Code(
        "SBX.PRODUCT_UNIT_INVALID", "product unit {unit} is not a known unit", "sandbox"
    ),
    "product_auditing": Code(
        "SBX.PRODUCT_AUDITING",
        "product {product_id} is under review and cannot be changed until it ends",
        "sandbox",
    ),
    "country_price_type": Code(
        "SBX.COUNTRY_PRICE_TYPE", "multi_country_price_configuration.price_type must be {allowed}", "sandbox"
    ),
    "country_invalid": Code("SBX.COUNTRY_INVALID", "ship_to_country {country!r} is not supported", "sandbox"),
    "country_price_sku": Code(
        "SBX.COUNTRY_PRICE_SKU",
        "country price for {country}: sku_code {sku_code!r} is not {where}",
        "sandbox",
    ),
    "country_price_low": Code(
        "SBX.COUNTRY_PRICE_TOO_LOW",
        "country price for {country}, sku {sku_code!r}: {price} is below 70% of the base price {base}",
        "sandbox",
    ),
    "country_discount_invalid": Code(
        "SBX.COUNTRY_DISCOUNT_INVALID",
        "country price for {country}, sku {sku_code!r}: discount {discount} must be below {price} "
        "and at least 10% of it",
        "sandbox",
    ),
    "too_many_groups": Code("SBX.TOO_MANY_GROUPS", "at most 3 product groups, got {count}", "sandbox"),
}


def fail(rule: str, /, **values: object) -> ApiError:
    """The business error for `rule`, its message filled in with `values`."""
    code = CODES[rule]
    return business(code.sub_code, code.message.format(**values))
