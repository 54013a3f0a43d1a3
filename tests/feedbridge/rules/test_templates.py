"""Rule templates: each one built and run through the engine on a few items, expected values by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from feedbridge.catalog.model import FieldType
from feedbridge.errors import InvalidInput
from feedbridge.rules.engine import EvaluationContext, run_rules
from feedbridge.rules.model import Lookup, MaxLength, Rule, RuleSet
from feedbridge.rules.templates import ALIEXPRESS_TITLE_LIMIT, TEMPLATES
from feedbridge.rules.validation import validate_rule_set

CONTEXT = EvaluationContext(id_field="id", now=dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))


def run(rule: Rule, **columns: list[Any]) -> dict[str, list[Any]]:
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    return run_rules(frame, RuleSet(name="templates", rules=[rule]), CONTEXT).frame.to_dict(as_series=False)


def test_exclude_items_without_stock_or_price() -> None:
    rule = TEMPLATES["exclude_without_stock_or_price"].build()

    after = run(
        rule,
        id=["ok", "no-stock", "blank-stock", "no-price", "free", "negative", "stock-text", "missing"],
        quantity=["3", "0", " ", "5", "5", "-1", "in stock", None],
        price=["9.99", "9.99", "9.99", None, "0.00", "9.99", "9.99 EUR", "9.99"],
    )

    # "in stock" has no number, so it is neither empty nor at most 0: the item stays.
    assert after["id"] == ["ok", "stock-text"]


def test_exclude_without_stock_or_price_takes_other_field_names() -> None:
    rule = TEMPLATES["exclude_without_stock_or_price"].build(stock_field="stock", price_field="sale_price")

    after = run(rule, id=["a", "b", "c"], stock=["1", "0", "2"], sale_price=["5", "5", ""])

    assert after["id"] == ["a"]


def test_cap_title_at_the_aliexpress_limit_on_a_word_boundary() -> None:
    rule = TEMPLATES["cap_title"].build()
    long_title = "Organic cotton shirts " * 10  # 220 characters, 22 per repeat
    short = "Organic cotton shirts"

    after = run(rule, id=["long", "short", "empty"], title=[long_title, short, None])

    # The first 218 characters end inside the 10th "shirts" (characters 213-218): the cut moves back
    # to the space before it, which is then dropped.
    assert ALIEXPRESS_TITLE_LIMIT == 218
    assert after["title"] == ["Organic cotton shirts " * 9 + "Organic cotton", short, None]
    assert isinstance(rule.then[0], MaxLength) and rule.then[0].on_word


def test_cap_title_with_a_shorter_length_and_an_ellipsis() -> None:
    rule = TEMPLATES["cap_title"].build(length="16", ellipsis="…")

    after = run(
        rule,
        id=["1", "2", "3"],
        title=["Wool scarf in forest green", "Wool scarf", "Superlongsinglewordtitle"],
    )

    assert after["title"] == ["Wool scarf in…", "Wool scarf", "Superlongsingle…"]


def test_free_shipping_above_an_amount() -> None:
    rule = TEMPLATES["free_shipping_above"].build(amount="50")

    after = run(
        rule,
        id=["below", "at", "above", "text", "none"],
        price=["49.99", "50.00", "120 EUR", "EUR 75", None],
        shipping=["4.95", "4.95", "4.95", None, "4.95"],
    )

    assert after["shipping"] == ["4.95", "0", "0", "0", "4.95"]


def test_free_shipping_creates_the_shipping_field_when_the_feed_has_none() -> None:
    rule = TEMPLATES["free_shipping_above"].build(amount="19.5", shipping_field="shipping_cost")

    after = run(rule, id=["1", "2"], price=["19.49", "19.50"])

    assert after["shipping_cost"] == [None, "0"]


def test_brand_in_front_of_the_title_when_missing() -> None:
    rule = TEMPLATES["brand_in_title"].build()

    after = run(
        rule,
        id=["has", "other-case", "missing", "no-brand", "no-title"],
        title=["Acme Red Shirt", "red shirt by ACME", "Red Shirt", "Red Shirt", None],
        brand=["Acme", "acme", "Björk & Sons", " ", "Acme"],
    )

    assert after["title"] == [
        "Acme Red Shirt",
        "red shirt by ACME",
        "Björk & Sons Red Shirt",
        "Red Shirt",
        None,
    ]


def test_markup_and_round_to_a_price_ending() -> None:
    rule = TEMPLATES["markup_and_round"].build(percent="20")

    after = run(
        rule,
        id=["1", "2", "3", "4", "5"],
        price=["10.00", "49.99", "0.50", "100 EUR", "on request"],
    )

    # 12.00 → 12.99; 59.988 → 59.99 (to the cent first); 0.60 → 0.99; 120 → 120.99; no number: unchanged.
    assert after["price"] == ["12.99", "59.99", "0.99", "120.99", "on request"]


def test_markup_as_a_discount_rounding_down_to_nine_ninety_nine() -> None:
    rule = TEMPLATES["markup_and_round"].build(
        percent="-10", ending="9.99", direction="down", field="sale_price"
    )

    after = run(rule, id=["1", "2"], sale_price=["100", "25.00"])

    # 90.00 → 89.99; 22.50 → 19.99
    assert after["sale_price"] == ["89.99", "19.99"]


def test_map_colours_to_aliexpress_names() -> None:
    rule = TEMPLATES["map_colours"].build()

    after = run(
        rule,
        id=[str(n) for n in range(10)],
        color=[
            "Schwarz",
            "rouge",
            "AZUL",
            "grijs",
            "Navy",
            "bleu marine",
            "Weiß",
            "Teal",
            "Red / Blue",
            None,
        ],
    )

    assert after["color"] == [
        "Black",
        "Red",
        "Blue",
        "Gray",
        "Navy Blue",
        "Navy Blue",
        "White",
        "Teal",
        "Red / Blue",
        None,
    ]


def test_map_colours_works_on_each_element_of_a_list() -> None:
    frame = pl.DataFrame({"id": ["1"], "colours": [["groen", "Rosa", "Sand"]]})
    rule = TEMPLATES["map_colours"].build(field="colours")

    after = run_rules(frame, RuleSet(name="t", rules=[rule]), CONTEXT).frame

    assert after["colours"].to_list() == [["Green", "Pink", "Sand"]]


def test_the_colour_table_has_unique_keys_and_every_template_passes_validation() -> None:
    fields = {
        name: FieldType.TEXT
        for name in ("id", "title", "brand", "price", "quantity", "shipping", "color", "stock", "sale_price")
    }
    built = [
        TEMPLATES["exclude_without_stock_or_price"].build(),
        TEMPLATES["cap_title"].build(),
        TEMPLATES["free_shipping_above"].build(amount="50"),
        TEMPLATES["brand_in_title"].build(),
        TEMPLATES["markup_and_round"].build(percent="15"),
        TEMPLATES["map_colours"].build(),
    ]
    lookup = built[-1].then[0]

    assert validate_rule_set(RuleSet(name="all", rules=built), fields, id_field="id") == []
    assert isinstance(lookup, Lookup) and not lookup.case_sensitive and len(lookup.table) > 80
    assert {rule.labels[0] for rule in built} == {f"template:{key}" for key in TEMPLATES}


def test_templates_describe_themselves() -> None:
    for key, template in TEMPLATES.items():
        assert template.key == key and template.title and template.description
        assert all(param.name == name and param.description for name, param in template.params.items())
    assert TEMPLATES["free_shipping_above"].params["amount"].default is None
    assert TEMPLATES["cap_title"].params["length"].default == "218"


@pytest.mark.parametrize(
    ("key", "params", "message"),
    [
        (
            "free_shipping_above",
            {},
            "template 'free_shipping_above': give 'amount' (the lowest price that ships free)",
        ),
        ("markup_and_round", {"percent": " "}, "template 'markup_and_round': give 'percent'"),
        (
            "cap_title",
            {"size": "10"},
            "template 'cap_title': unknown parameter 'size': it takes field, length, ellipsis",
        ),
        (
            "markup_and_round",
            {"percent": "20%"},
            "template parameter 'percent': write a number such as 20 or 12.5, not '20%'",
        ),
        (
            "free_shipping_above",
            {"amount": "-5"},
            "template parameter 'amount': write a number such as 50 or 49.99",
        ),
        ("cap_title", {"length": "0"}, "template parameter 'length': write a number such as 218, not '0'"),
        ("markup_and_round", {"percent": "5", "ending": "x"}, "'ending' must be a price ending such as .99"),
        (
            "markup_and_round",
            {"percent": "5", "direction": "sideways"},
            "'direction' must be one of 'up', 'down'",
        ),
    ],
)
def test_bad_parameters_are_invalid_input(key: str, params: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        TEMPLATES[key].build(**params)

    assert message in str(raised.value)
