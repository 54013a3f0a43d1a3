"""Rule sets as YAML and JSON files: exact round trips, a readable export, clear errors for bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from feedbridge.errors import InvalidInput
from feedbridge.rules.files import (
    FileFormat,
    dump_rule_set,
    load_rule_set,
    parse_text,
    rule_set_data,
    rule_set_from_data,
    rule_set_text,
)
from feedbridge.rules.model import Rule, RuleSet
from feedbridge.rules.validation import InvalidRules, parse_rule_set
from support.rules.strategies import feeds, pools, rule_sets

random_rule_sets = pools.flatmap(lambda pool: feeds(pool).flatmap(lambda feed: rule_sets(feed[0], pool)))

RICH = {
    "name": "Größen & Preise",
    "rules": [
        {
            "name": "Exclude without stock",
            "labels": ["stock", "🚚"],
            "if": {
                "any": [{"op": "is_empty", "field": "stock"}, {"op": "at_most", "field": "stock", "value": 0}]
            },
            "then": [{"action": "exclude"}],
        },
        {
            "name": "Brand in front",
            "enabled": False,
            "if": {
                "all": [
                    {"op": "not_empty", "field": "brand"},
                    {
                        "any": [
                            {"op": "not_contains", "field": "title", "other_field": "brand"},
                            {"op": "all"},
                        ]
                    },
                    {
                        "op": "matches",
                        "field": "title",
                        "pattern": r"^\s*[a-z]+\d{2,}$",
                        "case_sensitive": True,
                    },
                    {"op": "date_before", "field": "expires", "date": "2026-12-31"},
                    {"op": "date_equals", "field": "launch", "days": -7, "format": "%d.%m.%Y"},
                    {"op": "today", "part": "weekday", "values": [6, 7]},
                    {"op": "equals_any", "field": "colour", "values": ["yes", "no", "null", "9.90", "0012"]},
                ]
            },
            "then": [
                {
                    "action": "prepend",
                    "field": "title",
                    "source": "brand",
                    "separator": " – ",
                    "max_length": 128,
                },
                {
                    "action": "combine",
                    "field": "description",
                    "template": "{brand}\n{title}\n\n  indented: {colour}",
                },
                {"action": "round", "field": "price", "ending": ".99", "direction": "nearest"},
                {"action": "calculate", "field": "sale", "expression": "{price} * 0.9 - 1", "decimals": 0},
            ],
            "else": [
                {
                    "action": "lookup",
                    "field": "colour",
                    "table": [{"find": "Rot", "replace_with": "Red"}, {"find": "ß", "replace_with": ""}],
                },
                {
                    "action": "search_replace",
                    "field": "title",
                    "pairs": [{"find": "(\\d+) ?cm", "replace_with": "$1 cm"}],
                    "regex": True,
                },
                {"action": "max_length", "field": "title", "length": 128, "on_word": True, "ellipsis": "…"},
                {
                    "action": "search_list",
                    "field": "tags",
                    "mode": "count",
                    "terms": ["sale"],
                    "target": "sale_tags",
                },
                {"action": "set", "field": "note", "value": ""},
                {"action": "set", "field": "quoted", "value": "  leading and trailing  "},
                {"action": "set", "field": "tricky", "value": "a: b # c\t'\"\\ - [x] {y} *z &w !v %u @t `s"},
                {"action": "set", "field": "number", "value": "1e5"},
                {"action": "set", "field": "breaks", "value": "0\x85 a\u2028b\u2029c\r\nd\re\n"},
            ],
        },
        {"name": "Nothing at all", "then": [{"action": "nothing"}]},
    ],
}


def _rich() -> RuleSet:
    return parse_rule_set(RICH)


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_a_rich_rule_set_round_trips_exactly(tmp_path: Path, suffix: str) -> None:
    rule_set = _rich()
    path = tmp_path / f"rules{suffix}"
    dump_rule_set(rule_set, path)
    assert load_rule_set(path) == rule_set
    assert parse_rule_set(rule_set_data(rule_set)) == rule_set


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_set=random_rule_sets)
def test_random_rule_sets_round_trip_exactly(rule_set: RuleSet) -> None:
    for fmt in FileFormat:
        data = parse_text(rule_set_text(rule_set, fmt), fmt, source="random")
        assert rule_set_from_data(data, source="random") == rule_set


def test_the_yaml_export_is_readable() -> None:
    text = rule_set_text(_rich())
    assert text.startswith("name: Größen & Preise\nrules:\n  - name: Exclude without stock\n")
    assert "\n    if:\n      any:\n        - op: is_empty\n" in text  # if/then/else keys, lists indented
    assert "    then:\n      - action: exclude\n" in text and "    else:\n" in text
    assert "🚚" in text and "–" in text  # unicode as it is, not escaped
    assert "enabled: true" not in text and "case_sensitive: false" not in text  # no defaults clutter
    assert "enabled: false" in text and "case_sensitive: true" in text
    assert "- op: all\n" in text  # a discriminator is written even where it has a default
    assert "value: 0\n" in text  # a whole number without ".0"
    assert "template: |" in text  # multi-line text as a block
    # Key order follows the model: the rule's name first, the action's kind first.
    rule = text[text.index("  - name: Brand in front") :]
    assert rule.index("enabled:") < rule.index("if:") < rule.index("then:") < rule.index("else:")
    assert "- action: prepend\n        field: title\n" in rule


def test_hand_written_yaml_keeps_values_as_written(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "name: Shop\n"
        "rules:\n"
        "  - name: Values\n"
        "    enabled: yes\n"
        "    if:\n"
        "      all:\n"
        "        - {op: equals, field: stock, value: no, case_sensitive: on}\n"
        "        - {op: greater_than, field: price, value: 10}\n"
        "        - {op: date_before, field: expires, date: 2026-01-31}\n"
        "        - {op: top_n, field: price, n: 5}\n"
        "    then:\n"
        "      - {action: set, field: price, value: 9.90}\n"
        "      - {action: set, field: gtin, value: 0012345678905}\n"
        "      - {action: set, field: empty, value: ''}\n",
        encoding="utf-8",
    )
    rule = load_rule_set(path).rules[0]
    text, number, date, rank = rule.when.members
    assert rule.enabled is True
    assert (text.value, text.case_sensitive) == ("no", True)  # type: ignore[union-attr]
    assert number.value == 10.0  # type: ignore[union-attr]
    assert date.date == dt.date(2026, 1, 31)  # type: ignore[union-attr]
    assert rank.n == 5  # type: ignore[union-attr]
    assert [action.value for action in rule.then] == ["9.90", "0012345678905", ""]  # type: ignore[union-attr]


def test_yaml_anchors_and_merge_keys_work(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "name: Shop\n"
        "rules:\n"
        "  - name: One\n"
        "    then:\n"
        "      - &cut {action: max_length, field: title, length: 50}\n"
        "  - name: Two\n"
        "    then:\n"
        "      - {<<: *cut, field: description}\n"
    )
    rules = load_rule_set(path).rules
    assert rules[1].then[0].model_dump() == {**rules[0].then[0].model_dump(), "field": "description"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "r.yaml",
            "name: Shop\nrules:\n  - name: x\n   then: []\n",
            r"r\.yaml: line 4, column 4: .*indentation",
        ),
        ("r.yaml", "name: Shop\nrules: [\n", r"r\.yaml: line 3, column 1: "),
        ("r.yaml", "name: Shop\nname: Other\nrules: []\n", r"line 2, column 1: the key 'name' appears twice"),
        ("r.json", '{"name": "Shop",\n "rules": [}', r"r\.json: line 2, column 12: .*fix the JSON there"),
        ("r.yaml", "", r"r\.yaml: is empty"),
        ("r.yaml", "- name: Shop\n", r"must hold a mapping with 'name' and 'rules'"),
        ("r.toml", "name = 'x'", r"r\.toml: rule files end in \.yaml, \.yml or \.json"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InvalidInput, match=message):
        load_rule_set(path)


def test_unreadable_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"missing\.yaml: does not exist"):
        load_rule_set(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Größe\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="is not UTF-8 text"):
        load_rule_set(latin)
    with pytest.raises(InvalidInput, match="cannot be written"):
        dump_rule_set(_rich(), tmp_path / "no" / "such" / "dir.yaml")


def test_wrong_shapes_name_the_rule_and_the_part(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "name: Shop\nrules:\n  - name: Cap title\n    then:\n      - {action: max_lenght, field: title}\n"
    )
    with pytest.raises(InvalidRules) as raised:
        load_rule_set(path)
    assert raised.value.problems[0].rule == "Cap title"
    assert "then › action 1" in str(raised.value) and "max_lenght" in str(raised.value)
    assert str(path) in str(raised.value)


def test_defaults_are_left_out_of_the_stored_data() -> None:
    rule_set = RuleSet(
        name="Shop", rules=[Rule.model_validate({"name": "All", "then": [{"action": "exclude"}]})]
    )
    assert rule_set_data(rule_set) == {
        "name": "Shop",
        "rules": [{"name": "All", "then": [{"action": "exclude"}]}],
    }
