"""The attribute catalogue (package data `data/attributes.json`): which attributes a category has.

Attributes come in sets: the common set every category has, one set per family of top-level categories
(apparel, shoes, electronics, …) and a generic set for categories outside every family.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from typing import Any

import orjson

from .model import Attribute, AttributeValue


@dataclass(frozen=True)
class AttributeCatalogue:
    common: tuple[Attribute, ...]
    generic: tuple[Attribute, ...]
    families: dict[str, tuple[Attribute, ...]]
    family_of_root: dict[int, str]

    def for_root(self, root_id: int) -> tuple[Attribute, ...]:
        """Common attributes first, then the family's (or the generic) ones."""
        family = self.family_of_root.get(root_id)
        return self.common + (self.families[family] if family else self.generic)


def _attribute(attribute_id: str, raw: dict[str, Any]) -> Attribute:
    return Attribute(
        id=int(attribute_id),
        names=raw["names"],
        required=False,
        sku=raw.get("sku", False),
        input_type=raw["input_type"],
        values=tuple(AttributeValue(v["id"], v["names"]) for v in raw.get("values", ())),
        customized_name=raw.get("customized_name", False),
        customized_pic=raw.get("customized_pic", False),
        units=tuple(raw.get("units", ())),
    )


@cache
def attribute_catalogue() -> AttributeCatalogue:
    raw = orjson.loads(files("aliexpress_sandbox").joinpath("data/attributes.json").read_bytes())
    known = {int(i): _attribute(i, a) for i, a in raw["attributes"].items()}

    def uses(entries: list[dict[str, Any]]) -> tuple[Attribute, ...]:
        return tuple(replace(known[e["id"]], required=e["required"]) for e in entries)

    families = raw["families"]
    return AttributeCatalogue(
        common=uses(raw["common"]),
        generic=uses(raw["generic"]),
        families={name: uses(f["attributes"]) for name, f in families.items()},
        family_of_root={int(root): name for name, f in families.items() for root in f["roots"]},
    )
