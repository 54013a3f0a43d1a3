"""The build: where each attribute of a listing comes from (pydantic; stored as JSON, shared as YAML).

Every attribute's value is one of: a `static` value (for attributes with allowed values: the id of one
of them, or a list of ids), a `field` of the items, a `template` combining fields and text (the rules'
combine syntax, `{brand} {title}`), or — for numbers — a `formula` on fields (the rules' calculate
syntax, `{price} * 1.1 + 0.5`) with an optional rounding. Attributes with allowed values that are fed
by a field or template translate the merchant's values with `map` (merchant value → allowed value id);
values the map lacks are matched by name automatically (see valuemaps.py).

Shared attributes are keyed by name (`title`, `price`, …), category attributes and variant attributes
by the marketplace's attribute id. This module knows nothing of a particular marketplace: which keys
exist and what they accept is the channel's requirements (requirements.py).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from feedbridge.listings.requirements import attribute_key, variant_key
from feedbridge.rules.calculation import calculation_fields, parse_calculation
from feedbridge.rules.model import template_fields

Direction = Literal["up", "down", "nearest"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rounding(_Part):
    """To `decimals` decimals (half up), or to a price `ending` such as ".99" (as the rules' round)."""

    decimals: int | None = Field(default=None, ge=0, le=6)
    ending: str | None = Field(default=None, pattern=r"^(\d{1,9}(\.\d{1,2})?|\.\d{1,2})$")
    direction: Direction = "up"

    @model_validator(mode="after")
    def _one_mode(self) -> Rounding:
        if (self.decimals is None) == (self.ending is None):
            raise ValueError("give exactly one of 'decimals' and 'ending'")
        return self


class Value(_Part):
    """Where one attribute's value comes from: exactly one of static, field, template and formula."""

    static: str | list[str] | None = None
    field: str | None = None
    template: str | None = None
    formula: str | None = None
    # Numbers: how to round the result; the unit of values that do not name one ("500" with unit g).
    round: Rounding | None = None
    unit: str | None = None
    # Attributes with allowed values: the merchant's value (as it is, trimmed) → the allowed value's id.
    map: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> Value:
        given = [
            name for name in ("static", "field", "template", "formula") if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of 'static', 'field', 'template' and 'formula'")
        if isinstance(self.static, str) and not self.static.strip():
            raise ValueError("'static' is empty: leave the attribute out to send nothing")
        if self.field is not None and not self.field.strip():
            raise ValueError("'field' is empty: name one of the items' fields")
        if self.template is not None and not template_fields(self.template):
            raise ValueError("the template names no field: write fields as {name}, or use 'static'")
        if self.formula is not None:
            parse_calculation(self.formula)
        return self

    @property
    def fields(self) -> list[str]:
        """The item fields the value reads."""
        if self.field is not None:
            return [self.field]
        if self.template is not None:
            return template_fields(self.template)
        if self.formula is not None:
            return calculation_fields(parse_calculation(self.formula))
        return []


class Variants(_Part):
    """Grouped variants: items with the same `group_field` value are one listing, told apart by the
    variant attributes (marketplace attribute id → value)."""

    group_field: str | None = None  # None: every item is a listing of its own
    attributes: dict[int, Value] = Field(default_factory=dict)
    # Send the merchant's own value as the variant value's display name where the marketplace allows it.
    custom_names: bool = True


class CountryPrice(_Part):
    """A localized price: the price (and discount price) for buyers in one ship-to country."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    price: Value
    discount_price: Value | None = None


class Build(_Part):
    language: str | None = None  # of the title and description; None: the API's language
    shared: dict[str, Value] = Field(default_factory=dict)
    category: dict[int, Value] = Field(default_factory=dict)
    variants: Variants = Field(default_factory=Variants)
    localized_prices: list[CountryPrice] = Field(default_factory=list)

    @model_validator(mode="after")
    def _countries_once(self) -> Build:
        countries = [price.country for price in self.localized_prices]
        if len(countries) != len(set(countries)):
            twice = sorted({c for c in countries if countries.count(c) > 1})
            raise ValueError(f"localized prices: {', '.join(twice)} given more than once")
        return self

    def values(self) -> dict[str, Value]:
        """Every configured value by attribute key (shared keys, attribute.<id>, sku_attribute.<id>)."""
        found = dict(self.shared)
        found.update({attribute_key(i): v for i, v in self.category.items()})
        found.update({variant_key(i): v for i, v in self.variants.attributes.items()})
        return found

    def fields(self) -> set[str]:
        """Every item field the build reads."""
        found = {name for value in self.values().values() for name in value.fields}
        for price in self.localized_prices:
            found |= {*price.price.fields, *(price.discount_price.fields if price.discount_price else [])}
        if self.variants.group_field:
            found.add(self.variants.group_field)
        return found


def build_data(build: Build) -> dict[str, Any]:
    """The build as plain data without defaults, as stored and exported (round-trips exactly)."""
    return build.model_dump(mode="json", exclude_defaults=True)


def parse_build(data: Any) -> Build:
    """A Build from stored or imported data; raises pydantic's ValidationError."""
    return Build.model_validate(data if data is not None else {})
