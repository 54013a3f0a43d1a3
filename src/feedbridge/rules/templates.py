"""Rule templates: ready-made rules for the common AliExpress jobs, filled in with a few parameters.

Each template builds an ordinary rule (labelled `template:<key>`) that the merchant can then edit;
`docs/rules.md` lists them with their parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from feedbridge.errors import InvalidInput
from feedbridge.rules.model import Rule
from feedbridge.rules.validation import parse_rule_set

# AliExpress's subject (title) holds at most 218 characters per language (REFERENCE.md, product post).
ALIEXPRESS_TITLE_LIMIT = 218

# Colour words of feeds in English, German, French, Spanish and Dutch → the English value names of
# AliExpress's Color SKU attribute (attribute 14). Beige (value 771) and Pink (1052) are confirmed by
# the real aliexpress.ds.product.get sample in shared/data, Blue by the sku.attribute.query sample in
# REFERENCE.md; the others are the platform's standard English colour names ("Gray", not "Grey").
# Categories can offer other values: check a category's Color values before relying on this table.
ALIEXPRESS_COLOURS: dict[str, tuple[str, ...]] = {
    "Black": ("black", "schwarz", "noir", "noire", "negro", "negra", "zwart"),
    "White": ("white", "weiß", "weiss", "blanc", "blanche", "blanco", "blanca", "wit"),
    "Red": ("red", "rot", "rouge", "rojo", "roja", "rood"),
    "Blue": ("blue", "blau", "bleu", "azul", "blauw"),
    "Green": ("green", "grün", "gruen", "vert", "verte", "verde", "groen"),
    "Yellow": ("yellow", "gelb", "jaune", "amarillo", "amarilla", "geel"),
    "Orange": ("orange", "naranja", "oranje"),
    "Pink": ("pink", "rosa", "rose", "roze"),
    "Purple": ("purple", "lila", "violett", "violet", "violeta", "morado", "morada", "paars"),
    "Brown": ("brown", "braun", "marron", "marrón", "bruin"),
    "Gray": ("gray", "grey", "grau", "gris", "grijs"),
    "Beige": ("beige",),
    "Gold": ("gold", "golden", "doré", "dorée", "dorado", "dorada", "goud"),
    "Silver": ("silver", "silber", "argenté", "argentée", "plateado", "plateada", "plata", "zilver"),
    "Khaki": ("khaki", "kaki"),
    "Navy Blue": ("navy", "navy blue", "marineblau", "bleu marine", "azul marino", "marineblauw"),
    "Sky Blue": ("sky blue", "himmelblau", "bleu ciel", "azul cielo", "hemelsblauw"),
}

_AMOUNT = re.compile(r"^\d+(\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class TemplateParam:
    name: str
    description: str
    default: str | None  # None: the parameter must be given


@dataclass(frozen=True)
class RuleTemplate:
    key: str
    title: str
    description: str
    params: dict[str, TemplateParam]
    make: Callable[[Mapping[str, str]], dict[str, Any]]  # parameters → the rule as data

    def build(self, **params: str) -> Rule:
        """The rule with `params` (missing ones take their defaults); InvalidInput for unknown or
        missing parameters and for values the rule cannot take."""
        where = f"template {self.key!r}"
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            raise InvalidInput(
                where, f"unknown parameter {', '.join(map(repr, unknown))}: it takes {', '.join(self.params)}"
            )
        values = {name: param.default for name, param in self.params.items()} | dict(params)
        missing = [
            name
            for name, value in values.items()
            if value is None or (not value.strip() and self.params[name].default is None)
        ]
        if missing:
            raise InvalidInput(
                where,
                "give " + ", ".join(f"{name!r} ({self.params[name].description})" for name in missing),
            )
        data = self.make({name: value for name, value in values.items() if value is not None})
        data["labels"] = [f"template:{self.key}"]
        return parse_rule_set({"name": self.title, "rules": [data]}, source=where).rules[0]


def _checked(value: str, pattern: re.Pattern[str], name: str, example: str) -> str:
    if not pattern.match(value):
        raise InvalidInput(f"template parameter {name!r}", f"write a number such as {example}, not {value!r}")
    return value


def _exclude_without_stock_or_price(p: Mapping[str, str]) -> dict[str, Any]:
    stock, price = p["stock_field"], p["price_field"]
    return {
        "name": "Exclude items without stock or price",
        "if": {
            "any": [
                {"op": "is_empty", "field": stock},
                {"op": "at_most", "field": stock, "value": 0},
                {"op": "is_empty", "field": price},
                {"op": "at_most", "field": price, "value": 0},
            ]
        },
        "then": [{"action": "exclude"}],
    }


def _cap_title(p: Mapping[str, str]) -> dict[str, Any]:
    length = _checked(p["length"], re.compile(r"^[1-9]\d*$"), "length", str(ALIEXPRESS_TITLE_LIMIT))
    return {
        "name": f"Cap {p['field']} at {length} characters",
        "if": {"all": [{"op": "length_exceeds", "field": p["field"], "n": int(length)}]},
        "then": [
            {
                "action": "max_length",
                "field": p["field"],
                "length": int(length),
                "on_word": True,
                "ellipsis": p.get("ellipsis", ""),
            }
        ],
    }


def _free_shipping_above(p: Mapping[str, str]) -> dict[str, Any]:
    amount = _checked(p["amount"], _AMOUNT, "amount", "50 or 49.99")
    return {
        "name": f"Free shipping from {amount}",
        "if": {"all": [{"op": "at_least", "field": p["price_field"], "value": float(amount)}]},
        "then": [{"action": "set", "field": p["shipping_field"], "value": "0"}],
    }


def _brand_in_title(p: Mapping[str, str]) -> dict[str, Any]:
    title, brand = p["title_field"], p["brand_field"]
    return {
        "name": f"Put the {brand} in front of the {title}",
        "if": {
            "all": [
                {"op": "not_empty", "field": brand},
                {"op": "not_empty", "field": title},
                {"op": "not_contains", "field": title, "other_field": brand},
            ]
        },
        "then": [{"action": "prepend", "field": title, "source": brand, "separator": " "}],
    }


def _markup_and_round(p: Mapping[str, str]) -> dict[str, Any]:
    percent = _checked(p["percent"], _PERCENT, "percent", "20 or 12.5")
    field = p["field"]
    return {
        "name": f"Mark {field} up {percent} % and round to {p['ending']}",
        "then": [
            {"action": "calculate", "field": field, "expression": f"{{{field}}} * (1 + {percent} / 100)"},
            {"action": "round", "field": field, "ending": p["ending"], "direction": p["direction"]},
        ],
    }


def _map_colours(p: Mapping[str, str]) -> dict[str, Any]:
    table = [
        {"find": word, "replace_with": name} for name, words in ALIEXPRESS_COLOURS.items() for word in words
    ]
    return {
        "name": f"Map {p['field']} to AliExpress colours",
        "then": [{"action": "lookup", "field": p["field"], "table": table}],
    }


def _params(*params: TemplateParam) -> dict[str, TemplateParam]:
    return {param.name: param for param in params}


TEMPLATES: dict[str, RuleTemplate] = {
    template.key: template
    for template in (
        RuleTemplate(
            "exclude_without_stock_or_price",
            "Exclude items without stock or price",
            "Items whose stock or price is empty, zero or negative leave the feed (AliExpress needs both).",
            _params(
                TemplateParam("stock_field", "the field with the stock quantity", "quantity"),
                TemplateParam("price_field", "the field with the price", "price"),
            ),
            _exclude_without_stock_or_price,
        ),
        RuleTemplate(
            "cap_title",
            "Cap the title at AliExpress's limit",
            f"Titles longer than AliExpress's {ALIEXPRESS_TITLE_LIMIT} characters are cut on a word boundary.",
            _params(
                TemplateParam("field", "the title field", "title"),
                TemplateParam("length", "the most characters to keep", str(ALIEXPRESS_TITLE_LIMIT)),
                TemplateParam("ellipsis", "text to end a cut title with, such as …", ""),
            ),
            _cap_title,
        ),
        RuleTemplate(
            "free_shipping_above",
            "Free shipping above an amount",
            "The shipping field becomes 0 where the price is at least the amount.",
            _params(
                TemplateParam("amount", "the lowest price that ships free", None),
                TemplateParam("price_field", "the field with the price", "price"),
                TemplateParam("shipping_field", "the field with the shipping cost", "shipping"),
            ),
            _free_shipping_above,
        ),
        RuleTemplate(
            "brand_in_title",
            "Add the brand in front of the title",
            "Where a title does not contain the brand (ignoring case), the brand and a space are put in front of it.",
            _params(
                TemplateParam("title_field", "the title field", "title"),
                TemplateParam("brand_field", "the brand field", "brand"),
            ),
            _brand_in_title,
        ),
        RuleTemplate(
            "markup_and_round",
            "Mark prices up and round them",
            "The price becomes price × (1 + percent / 100), then rounded to a price ending such as .99.",
            _params(
                TemplateParam("percent", "the markup in percent (negative for a discount)", None),
                TemplateParam("field", "the price field", "price"),
                TemplateParam("ending", "the price ending: .99, .95, 9.99, 5 …", ".99"),
                TemplateParam("direction", "round up, down or nearest", "up"),
            ),
            _markup_and_round,
        ),
        RuleTemplate(
            "map_colours",
            "Map colours to AliExpress colour names",
            "Colour words in English, German, French, Spanish and Dutch become AliExpress's colour names "
            "(whole values, ignoring case); other values stay as they are.",
            _params(TemplateParam("field", "the colour field", "color")),
            _map_colours,
        ),
    )
}
