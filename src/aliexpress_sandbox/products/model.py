"""The internal product: one shape for both input vocabularies (post_product_request and schema instances).

Prices stay decimal strings as on the wire; a stored product is `Draft.to_json()` in products.data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LANGUAGES = ("en", "ru", "es", "fr", "it", "tr", "pt", "de", "nl", "in", "ar", "ja", "ko", "th", "vi", "iw")
# Response locales for each language (REFERENCE §3.3 shows `es_ES`; the others by analogy).
LOCALES = {
    "en": "en_US",
    "ru": "ru_RU",
    "es": "es_ES",
    "fr": "fr_FR",
    "it": "it_IT",
    "tr": "tr_TR",
    "pt": "pt_BR",
    "de": "de_DE",
    "nl": "nl_NL",
    "in": "in_ID",
    "ar": "ar_MA",
    "ja": "ja_JP",
    "ko": "ko_KR",
    "th": "th_TH",
    "vi": "vi_VN",
    "iw": "iw_IL",
}

STATUSES = ("onSelling", "offline", "auditing", "editingRequired")


def language_of(locale: str) -> str:
    """`es_ES` -> `es`; a bare language code passes through."""
    return locale.split("_", 1)[0].lower()


@dataclass
class SkuAttribute:
    # Schema instances and the deprecated sku_attribute_name name the attribute instead of giving its id;
    # validation resolves `name` against the category and fills `attr_id`.
    attr_id: int | None = None
    name: str | None = None
    value_id: int | None = None
    custom_value: str | None = None  # sku_attribute_value / instance `alias`
    image: str | None = None


@dataclass
class Sku:
    sku_code: str
    price: str
    inventory: int
    discount_price: str | None = None
    attributes: list[SkuAttribute] = field(default_factory=list)
    ean_code: str | None = None
    bar_code: str | None = None

    @property
    def property_id(self) -> str:
        """The SKU `id` of info.get: `attr:value` pairs joined by `;` (e.g. `14:771;5:100014064`)."""
        return ";".join(f"{a.attr_id}:{a.value_id if a.value_id is not None else 0}" for a in self.attributes)


@dataclass
class ProductAttribute:
    attr_id: int | None = None  # None: a fully custom attribute (attribute_name + attribute_value)
    value_id: int | None = None
    name: str | None = None
    value: str | None = None
    # Set by schema instances, which key attributes by name: validation resolves `name` to `attr_id`
    # and, for select attributes, `value` to `value_id`.
    by_name: bool = False


@dataclass
class CountryPrice:
    country: str
    sku_code: str
    price: str
    discount_price: str | None = None


@dataclass
class Draft:
    category_id: int
    language: str
    subjects: dict[str, str]  # language -> title
    descriptions: dict[str, dict[str, str]]  # language -> {web_detail, mobile_detail}
    images: list[str]
    attributes: list[ProductAttribute]
    skus: list[Sku]
    weight: str
    package_length: int
    package_width: int
    package_height: int
    inventory_deduction_strategy: str
    freight_template_id: int
    shipping_lead_time: int
    service_policy_id: int
    brand_name: str | None = None
    product_unit: int | None = None
    group_ids: list[int] = field(default_factory=list)
    size_chart_id: int | None = None
    country_prices: list[CountryPrice] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        skus = [
            Sku(**{**s, "attributes": [SkuAttribute(**a) for a in s["attributes"]]}) for s in data["skus"]
        ]
        return cls(
            **{
                **data,
                "skus": skus,
                "attributes": [ProductAttribute(**a) for a in data["attributes"]],
                "country_prices": [CountryPrice(**c) for c in data["country_prices"]],
            }
        )

    def sku(self, sku_code: str) -> Sku | None:
        return next((s for s in self.skus if s.sku_code == sku_code), None)


# Product unit ids, REFERENCE §4.6 (100000015 = piece/pieces).
PRODUCT_UNITS = (
    100000015,
    100000000,
    100000001,
    100000002,
    100078580,
    100078581,
    100000003,
    100000004,
    100078584,
    100000005,
    100000006,
    100078587,
    100000007,
    100078589,
    100000008,
    100078559,
    100000009,
    100000010,
    100000011,
    100078560,
    100078596,
    100078597,
    100000012,
    100000014,
    100000013,
    100000016,
    100078603,
    100000017,
    100000018,
    100078606,
    100078607,
    100000019,
    100078609,
    100000020,
    100078558,
)
