"""The shapes of the category catalogue: categories, their attributes and attribute values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# How an attribute is filled: one value id, several value ids, or free text.
InputType = Literal["single", "multi", "text"]


@dataclass(frozen=True)
class AttributeValue:
    id: int
    names: dict[str, str]  # language code (en, es, de, …) -> name

    @property
    def name(self) -> str:
        return self.names.get("en") or next(iter(self.names.values()))


@dataclass(frozen=True)
class Attribute:
    id: int
    names: dict[str, str]
    required: bool
    sku: bool  # a SKU attribute (colour, size, …) rather than a product attribute
    input_type: InputType
    values: tuple[AttributeValue, ...] = ()
    customized_name: bool = False  # SKU attributes: seller may rename a value (alias)
    customized_pic: bool = False  # SKU attributes: seller may attach an image per value
    units: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.names.get("en") or next(iter(self.names.values()))

    def value(self, value_id: int) -> AttributeValue | None:
        return next((v for v in self.values if v.id == value_id), None)


@dataclass(frozen=True)
class Category:
    id: int
    parent_id: int  # 0 for roots
    level: int  # roots are level 1
    is_leaf: bool
    names: dict[str, str]
    children: tuple[int, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.names.get("en") or next(iter(self.names.values()))
