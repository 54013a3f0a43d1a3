"""What a marketplace asks of a listing, in a channel-neutral shape: attributes, their kinds, levels and limits.

A channel (channels/aliexpress/schema.py) describes its shared attributes (every listing has them) and,
per category, its category-specific attributes; the build turns item fields into these attributes and
the quality checks hold the values against them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    MANDATORY = "mandatory"  # a listing without it is not sent
    RECOMMENDED = "recommended"  # missing is an optional issue: the listing is sent, but sells worse
    OPTIONAL = "optional"


class Kind(StrEnum):
    """What an attribute's value is, and so how the build reads it from text."""

    TEXT = "text"  # plain text (a list is joined with ", ")
    HTML = "html"  # text that may hold HTML
    NUMBER = "number"  # a decimal number, possibly with a unit
    INTEGER = "integer"  # a whole number, possibly with a unit
    URL = "url"  # one absolute http(s) URL
    URLS = "urls"  # several URLs: a list, or text separated by commas
    CHOICE = "choice"  # one of the allowed values (by id)
    CHOICES = "choices"  # several of the allowed values (by id)

    @property
    def numeric(self) -> bool:
        return self in (Kind.NUMBER, Kind.INTEGER)

    @property
    def chosen(self) -> bool:
        return self in (Kind.CHOICE, Kind.CHOICES)


class Tab(StrEnum):
    """Where an attribute is set (the seed's AliExpress tabs, plus the general and category ones)."""

    GENERAL = "general"
    TITLE_DESCRIPTION = "title_description"
    IMAGES = "images"
    SHIPPING = "shipping"
    VARIANTS = "variants"
    CATEGORY = "category"


@dataclass(frozen=True)
class Choice:
    id: str
    names: Mapping[str, str]  # language code -> name
    aliases: tuple[str, ...] = ()  # other words merchants use for it, for matching their values

    def name(self, language: str = "en") -> str:
        return self.names.get(language) or self.names.get("en") or next(iter(self.names.values()), self.id)


@dataclass(frozen=True)
class AttributeSpec:
    key: str  # stable key of the build: "title", "attribute.10", "sku_attribute.14"
    label: str  # for people
    kind: Kind
    level: Level
    tab: Tab
    help: str = ""
    choices: tuple[Choice, ...] = ()  # for CHOICE / CHOICES; empty when they depend on the category
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None  # characters of text, or elements of a list
    unit: str | None = None  # the unit the channel wants numbers in ("kg", "cm", "days")
    # Whole numbers are rounded up (a package size, a number of days) unless this says down (stock).
    rounds_down: bool = False
    decimals: int | None = None  # numbers are sent with this many decimals (half up), and checked so

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class CategoryAttribute:
    """One attribute as a category uses it: its level and the values allowed there."""

    id: int
    category_id: int
    name: str  # the channel's own name for it (the key of the listing's payload)
    names: Mapping[str, str]
    kind: Kind
    level: Level
    variant: bool  # a variant (SKU) attribute such as colour or size
    choices: tuple[Choice, ...] = ()
    custom_names: bool = False  # variants: the seller may name a value in their own words
    custom_images: bool = False  # variants: the seller may attach an image per value

    @property
    def key(self) -> str:
        return variant_key(self.id) if self.variant else attribute_key(self.id)


def attribute_key(attribute_id: int) -> str:
    return f"attribute.{attribute_id}"


def variant_key(attribute_id: int) -> str:
    return f"sku_attribute.{attribute_id}"


@dataclass(frozen=True)
class CategoryRequirements:
    category_id: int
    attributes: tuple[CategoryAttribute, ...]

    @property
    def variant_attributes(self) -> tuple[CategoryAttribute, ...]:
        return tuple(a for a in self.attributes if a.variant)

    @property
    def product_attributes(self) -> tuple[CategoryAttribute, ...]:
        return tuple(a for a in self.attributes if not a.variant)


@dataclass(frozen=True)
class Requirements:
    """Everything the build and the checks need to know of the channel for one set of items."""

    shared: tuple[AttributeSpec, ...]
    categories: Mapping[int, CategoryRequirements]  # the categories the items use
    permitted_leaves: frozenset[int]  # categories a listing may be in
    max_variants: int  # SKUs per listing
    language: str  # of titles and descriptions
    extra: Mapping[str, object] = field(default_factory=dict)  # channel-specific facts for its checks

    def spec(self, key: str) -> AttributeSpec:
        return next(s for s in self.shared if s.key == key)

    def category_attributes(self, *, variant: bool) -> dict[int, list[CategoryAttribute]]:
        """Each attribute id of the used categories with every use of it."""
        found: dict[int, list[CategoryAttribute]] = {}
        for requirements in self.categories.values():
            for attribute in requirements.attributes:
                if attribute.variant == variant:
                    found.setdefault(attribute.id, []).append(attribute)
        return found


def all_choices(uses: Iterable[CategoryAttribute]) -> tuple[Choice, ...]:
    """The values any of the uses allows, each id once (names and aliases merged)."""
    names: dict[str, dict[str, str]] = {}
    aliases: dict[str, dict[str, None]] = {}
    for use in uses:
        for choice in use.choices:
            names.setdefault(choice.id, {}).update(choice.names)
            aliases.setdefault(choice.id, {}).update(dict.fromkeys(choice.aliases))
    return tuple(Choice(choice_id, names[choice_id], tuple(aliases[choice_id])) for choice_id in names)
