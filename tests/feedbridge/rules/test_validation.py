"""Save-time validation: rule sets as data in plain-word problems, and rule sets against project fields."""

from __future__ import annotations

from typing import Any

import pytest

from feedbridge.catalog.model import FieldType
from feedbridge.errors import InvalidInput
from feedbridge.rules.model import RuleSet
from feedbridge.rules.validation import (
    InvalidRules,
    RuleProblem,
    check_rule_set,
    parse_rule_set,
    validate_rule_set,
)

T = FieldType
FIELDS = {
    "id": T.TEXT,
    "title": T.TEXT,
    "brand": T.TEXT,
    "colour": T.TEXT,
    "price": T.NUMBER,
    "sizes": T.LIST,
    "images": T.LIST,
    "updated": T.DATE,
    "link": T.URL,
    "gtin": T.GTIN,
    "group": T.TEXT,
}


def rules(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"name": "shop", "rules": list(rules)}


def rule(
    name: str = "R", *, when: list[Any] | None = None, then: list[Any] | None = None, **more: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "then": then or [{"action": "nothing"}], **more}
    if when is not None:
        data["if"] = {"all": when}
    return data


def parse_problems(data: Any) -> list[str]:
    with pytest.raises(InvalidRules) as raised:
        parse_rule_set(data)
    return [str(problem) for problem in raised.value.problems]


def problems(
    *rule_data: dict[str, Any], fields: dict[str, FieldType] = FIELDS, id_field: str = "id"
) -> list[str]:
    return [str(p) for p in validate_rule_set(parse_rule_set(rules(*rule_data)), fields, id_field=id_field)]


def only(found: list[str]) -> str:
    assert len(found) == 1, found
    return found[0]


# ── parsing: pydantic's errors in plain words ──────────────────────────────────────────────────


def test_a_valid_rule_set_parses_with_nested_groups_and_aliases() -> None:
    data = rules(
        {
            "name": "Cheap red",
            "if": {"all": [{"op": "less_than", "field": "price", "value": 10}, {"any": [{"op": "all"}]}]},
            "then": [{"action": "set", "field": "label", "value": "cheap"}],
            "else": [{"action": "exclude"}],
        }
    )

    parsed = parse_rule_set(data)

    assert isinstance(parsed, RuleSet)
    assert parsed.rules[0].otherwise[0].action == "exclude"
    assert parse_rule_set(parsed.model_dump(by_alias=True)) == parsed


def test_an_unknown_condition_names_the_rule_the_part_and_the_choices() -> None:
    found = only(
        parse_problems(rules(rule("Cap title", when=[{"op": "contians", "field": "title", "value": "x"}])))
    )

    assert found.startswith("rule \"Cap title\", if › condition 1 (contians): unknown condition 'contians'")
    assert "did you mean 'contains'?" in found
    assert "one of: all, contains, not_contains" in found


def test_an_unknown_action_names_the_rule_the_part_and_the_choices() -> None:
    found = only(
        parse_problems(rules(rule("Cap title", then=[{"action": "nothing"}, {"action": "max_lenght"}])))
    )

    assert found.startswith("rule \"Cap title\", then › action 2 (max_lenght): unknown action 'max_lenght'")
    assert "did you mean 'max_length'?" in found


def test_errors_deep_in_nested_groups_keep_their_whole_path() -> None:
    data = rules(
        rule(
            "Deep",
            when=[
                {"op": "equals", "field": "brand", "value": "x"},
                {"any": [{"op": "all"}, {"all": [{"op": "contains", "field": "title"}]}]},
            ],
        )
    )

    found = only(parse_problems(data))

    assert found == (
        'rule "Deep", if › group 2 (any) › group 2 (all) › condition 1 (contains): '
        "give exactly one of 'value' and 'other_field'"
    )


def test_plain_words_for_the_common_mistakes() -> None:
    data = rules(
        rule(
            "A",
            when=[
                {"op": "contains", "field": "title", "vlaue": "x"},
                {"field": "title"},
                {"op": "less_than", "field": "price", "value": "cheap"},
                {"op": "date_before", "field": "updated", "date": "2024-13-01"},
            ],
            then=[
                {"action": "max_length", "field": "title", "length": 0},
                {"action": "round", "field": "price", "ending": "x.9"},
                {"field": "title"},
                {"action": "split_items"},
            ],
            enabled="maybe",
        )
    )

    found = parse_problems(data)

    assert found == [
        "rule \"A\": 'enabled' must be true or false, not 'maybe'",
        "rule \"A\", if › condition 1 (contains): unknown key 'vlaue' — did you mean 'value'? "
        "(keys here: field, value, other_field, case_sensitive)",
        "rule \"A\", if › condition 2: a condition needs 'op' (one of: " + found[2].split("(one of: ")[1],
        "rule \"A\", if › condition 3 (less_than): 'value' must be a number, not 'cheap'",
        "rule \"A\", if › condition 4 (date_before): 'date' must be a date written YYYY-MM-DD, not '2024-13-01'",
        "rule \"A\", then › action 1 (max_length): 'length' must be at least 1, not 0",
        "rule \"A\", then › action 2 (round): 'ending' must be a price ending such as .99, 9.99 or 5, not 'x.9'",
        "rule \"A\", then › action 3: an action needs 'action' — " + found[7].split(" — ")[1],
        "rule \"A\", then › action 4 (split_items): 'field' is missing: add it",
    ]
    assert "a group needs 'all' or 'any'" in found[2]
    assert not any("pydantic" in text or "Input should" in text or "tagged-union" in text for text in found)


def test_a_rule_without_a_readable_name_is_named_by_its_number() -> None:
    found = parse_problems(
        rules(rule("First"), {"then": [{"action": "nothing"}]}, "not a rule", {"name": "", "then": []})
    )

    assert found == [
        "rule 2: 'name' is missing: add it",
        "rule 3: a rule is a mapping with 'name', 'if', 'then' and 'else', not 'not a rule'",
        "rule 4: 'name' is empty: fill it in",
        "rule 4: a rule needs at least one THEN action (use 'nothing' to act only in ELSE)",
    ]


def test_model_rules_come_through_in_their_own_words() -> None:
    data = rules(
        rule("Calc", then=[{"action": "calculate", "field": "price", "expression": "{price} *"}]),
        rule("Both", when=[{"op": "equals", "field": "title", "value": "a", "other_field": "brand"}]),
        rule("Empty", when=[{"op": "contains", "field": "title", "value": ""}]),
    )

    assert parse_problems(data) == [
        "rule \"Calc\", then › action 1 (calculate): calculation '{price} *' ends too early",
        "rule \"Both\", if › condition 1 (equals): give exactly one of 'value' and 'other_field'",
        "rule \"Empty\", if › condition 1 (contains): 'value' is empty: use is_empty / not_empty to test for empty values",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("rules: []", "rule set: a rule set is a mapping with 'name' and 'rules', not 'rules: []'"),
        (None, "rule set: a rule set is a mapping with 'name' and 'rules', not None"),
        ({"rules": {}}, "rule set: 'name' is missing: add it"),
        ({"name": "x", "rules": [rule("A", **{"if": []})]}, 'rule "A", if: an IF is a group'),
    ],
)
def test_a_rule_set_of_the_wrong_shape_is_explained(data: Any, expected: str) -> None:
    assert parse_problems(data)[0].startswith(expected)


def test_the_error_lists_every_problem_one_per_line_and_is_invalid_input() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_rule_set(
            rules(rule("A", then=[{"action": "bogus"}]), rule("B", then=[{"action": "set"}])),
            source="shop.yaml",
        )

    lines = str(raised.value).splitlines()
    assert isinstance(raised.value, InvalidRules)
    assert lines[0] == "shop.yaml: 3 problems to fix"
    assert lines[1].startswith('rule "A", then › action 1 (bogus): unknown action')
    assert lines[2:] == [
        "rule \"B\", then › action 1 (set): 'field' is missing: add it",
        "rule \"B\", then › action 1 (set): 'value' is missing: add it",
    ]


def test_a_problem_reads_as_rule_part_and_message() -> None:
    assert str(RuleProblem("Cap title", "then › action 2 (max_length)", "too long")) == (
        'rule "Cap title", then › action 2 (max_length): too long'
    )
    assert str(RuleProblem(None, "", "no name", 3)) == "rule 3: no name"
    assert str(RuleProblem(None, "name", "blank")) == "name: blank"


# ── fields: unknown, created by earlier rules, disabled rules ──────────────────────────────────


def test_an_unknown_field_is_named_with_a_suggestion() -> None:
    found = problems(rule("Cap title", when=[{"op": "contains", "field": "titel", "value": "x"}]))

    assert found == [
        "rule \"Cap title\", if › condition 1 (contains): unknown field 'titel' — did you mean 'title'?"
    ]


def test_an_unknown_field_without_a_close_match_lists_the_known_ones() -> None:
    found = only(problems(rule("A", then=[{"action": "combine", "field": "x", "template": "{zzz} {title}"}])))

    assert (
        "unknown field 'zzz': use a field of the project or one an earlier rule creates (id, title," in found
    )


def test_a_field_differing_only_in_case_is_suggested() -> None:
    assert "did you mean 'brand'?" in only(problems(rule("A", when=[{"op": "is_empty", "field": "BRAND"}])))


def test_a_field_written_by_an_earlier_rule_or_action_is_known_to_later_ones() -> None:
    found = problems(
        rule(
            "Make",
            then=[{"action": "set", "field": "label", "value": "x"}, {"action": "trim", "field": "label"}],
        ),
        rule(
            "Use",
            when=[{"op": "equals", "field": "label", "value": "x"}],
            then=[{"action": "uppercase", "field": "label"}],
        ),
        rule(
            "Count",
            then=[
                {"action": "search_list", "field": "sizes", "mode": "count", "terms": ["XL"], "target": "n"}
            ],
        ),
        rule("Use count", when=[{"op": "greater_than", "field": "n", "value": 1}]),
    )

    assert found == []


def test_a_field_read_before_the_rule_that_creates_it_is_unknown() -> None:
    found = problems(
        rule("Use", when=[{"op": "equals", "field": "label", "value": "x"}]),
        rule("Make", then=[{"action": "set", "field": "label", "value": "x"}]),
    )

    assert found == [
        "rule \"Use\", if › condition 1 (equals): unknown field 'label': " + found[0].split(": ", 2)[2]
    ]


def test_a_field_only_a_disabled_rule_creates_is_reported_with_that_rule() -> None:
    found = problems(
        rule("Make", enabled=False, then=[{"action": "set", "field": "label", "value": "x"}]),
        rule("Use", when=[{"op": "equals", "field": "label", "value": "x"}]),
    )

    assert found == [
        "rule \"Use\", if › condition 1 (equals): field 'label' is only created by rule 'Make', which is "
        "disabled: enable that rule or use another field"
    ]


def test_a_disabled_rule_is_checked_as_if_it_ran() -> None:
    off = rule(
        "Off",
        enabled=False,
        then=[{"action": "set", "field": "label", "value": "x"}, {"action": "trim", "field": "label"}],
    )

    assert problems(off) == []
    assert "only created by rule 'Off'" in only(
        problems(off, rule("Use", when=[{"op": "is_empty", "field": "label"}]))
    )


def test_disabled_rules_are_checked_too() -> None:
    found = problems(rule("Off", enabled=False, when=[{"op": "contains", "field": "nope", "value": "x"}]))

    assert only(found).startswith("rule \"Off\", if › condition 1 (contains): unknown field 'nope'")


def test_every_field_an_action_reads_is_checked() -> None:
    found = problems(
        rule(
            "Reads",
            then=[
                {"action": "copy", "field": "x", "source": "nope1"},
                {"action": "append", "field": "title", "source": "nope2"},
                {"action": "calculate", "field": "p", "expression": "{price} * {nope3}"},
                {"action": "search_value", "field": "m", "source": "nope4", "terms": [{"term": "a"}]},
                {"action": "build_group", "field": "g", "source": "nope5", "group_field": "nope6"},
                {"action": "lowercase", "field": "nope7"},
            ],
        )
    )

    assert [text.split("unknown field ")[1].split(":")[0].split(" ")[0] for text in found] == [
        f"'nope{n}'" for n in range(1, 8)
    ]


# ── kinds and types ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (
            {"action": "join", "field": "title"},
            "field 'title' holds text: join works on a list (split the text first)",
        ),
        ({"action": "sort_list", "field": "title"}, "field 'title' holds text: sort_list works on a list"),
        (
            {"action": "slice_list", "field": "title", "length": 2},
            "field 'title' holds text: slice_list works on a list",
        ),
        (
            {"action": "split_items", "field": "title"},
            "field 'title' holds text: split_items works on a list",
        ),
        (
            {"action": "split", "field": "sizes"},
            "field 'sizes' is a list: it is split already; split works on text",
        ),
        (
            {"action": "calculate", "field": "sizes", "expression": "1"},
            "field 'sizes' is a list: calculate writes one number",
        ),
        (
            {"action": "calculate", "field": "p", "expression": "{images} * 2"},
            "field 'images' is a list: a calculation needs",
        ),
        (
            {"action": "calculate", "field": "p", "expression": "{updated} + 1"},
            "field 'updated' is a date field: a calculation",
        ),
        (
            {"action": "round", "field": "sizes", "decimals": 0},
            "field 'sizes' is a list: round a field that holds a number",
        ),
        ({"action": "round", "field": "link", "ending": ".99"}, "field 'link' is a url field: round a field"),
        (
            {"action": "build_group", "field": "all", "source": "sizes", "group_field": "images"},
            "field 'images' is a list: group by a text field",
        ),
        (
            {
                "action": "calculate_group",
                "field": "s",
                "source": "link",
                "group_field": "group",
                "function": "sum",
            },
            "field 'link' is a url field: sum needs one number per item",
        ),
        (
            {"action": "split_items", "field": "id"},
            "'id' is the unique ID field: split items on the list field",
        ),
    ],
)
def test_actions_on_fields_of_the_wrong_kind(action: dict[str, Any], expected: str) -> None:
    found = only(problems(rule("Kinds", then=[action])))

    assert found.startswith(f'rule "Kinds", then › action 1 ({action["action"]}): {expected}')


@pytest.mark.parametrize(
    "action",
    [
        {"action": "join", "field": "sizes"},
        {"action": "sort_list", "field": "images", "descending": True},
        {"action": "split_items", "field": "sizes"},
        {"action": "split", "field": "title"},
        {"action": "round", "field": "price", "ending": ".99"},
        {"action": "uppercase", "field": "sizes"},  # text actions work on each element
        {
            "action": "calculate_group",
            "field": "n",
            "source": "images",
            "group_field": "group",
            "function": "count",
        },
        {"action": "build_group", "field": "all", "source": "sizes", "group_field": "group"},
        {"action": "copy", "field": "more", "source": "images"},
        {"action": "append", "field": "title", "source": "sizes"},  # a list source reads joined
        {"action": "search_value", "field": "m", "source": "images", "terms": [{"term": "a"}]},
    ],
)
def test_actions_on_fields_of_the_right_kind_pass(action: dict[str, Any]) -> None:
    assert problems(rule("Kinds", then=[action])) == []


def test_kinds_follow_the_actions_in_order() -> None:
    found = problems(
        rule(
            "Split",
            then=[
                {"action": "split", "field": "title", "separator": " "},
                {"action": "sort_list", "field": "title"},
            ],
        ),
        rule("Join", then=[{"action": "join", "field": "title"}, {"action": "slice_list", "field": "title"}]),
        rule(
            "Copy",
            then=[
                {"action": "copy", "field": "more", "source": "sizes"},
                {"action": "split_items", "field": "more"},
            ],
        ),
        rule("Later", then=[{"action": "join", "field": "more"}]),
    )

    assert found == [
        "rule \"Join\", then › action 2 (slice_list): field 'title' holds text: slice_list works on a list "
        "(split the text first)",
        "rule \"Later\", then › action 1 (join): field 'more' holds text: join works on a list (split the text first)",
    ]


def test_an_unknown_field_is_not_also_reported_for_its_kind() -> None:
    assert len(problems(rule("A", then=[{"action": "join", "field": "nope"}]))) == 1


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (
            {"op": "less_than", "field": "sizes", "value": 3},
            "field 'sizes' is a list: number conditions compare one number",
        ),
        (
            {"op": "at_least", "field": "price", "other_field": "updated"},
            "field 'updated' is a date field: number conditions",
        ),
        ({"op": "top_n", "field": "link", "n": 5}, "field 'link' is a url field: number conditions"),
        ({"op": "gtin_valid", "field": "images"}, "field 'images' is a list: check a field that holds GTINs"),
        (
            {"op": "date_before", "field": "price", "days": 0},
            "field 'price' is a number field: date conditions need",
        ),
        ({"op": "date_equals", "field": "sizes", "days": 0}, "field 'sizes' is a list: date conditions need"),
        ({"op": "today", "part": "hour", "values": [0, 24, -1]}, "hour runs from 0 to 23, not 24, -1"),
        ({"op": "today", "part": "weekday", "values": [0]}, "weekday runs from 1 to 7, not 0"),
    ],
)
def test_conditions_on_fields_of_the_wrong_kind(condition: dict[str, Any], expected: str) -> None:
    found = only(problems(rule("Kinds", when=[condition])))

    assert found.startswith(f'rule "Kinds", if › condition 1 ({condition["op"]}): {expected}')


@pytest.mark.parametrize(
    "condition",
    [
        {"op": "contains", "field": "sizes", "value": "XL"},  # any element
        {"op": "equals", "field": "title", "other_field": "sizes"},  # the list reads joined
        {"op": "length_exceeds", "field": "images", "n": 3},
        {"op": "is_empty", "field": "images"},
        {"op": "greater_than", "field": "gtin", "value": 0},
        {"op": "date_before", "field": "title", "days": 3},
        {"op": "date_on_or_after", "field": "updated", "date": "2024-01-01"},
        {"op": "date_equals", "field": "price", "days": 0, "format": "%Y%m%d"},
        {"op": "gtin_valid", "field": "gtin"},
        {"op": "today", "part": "month", "values": [1, 12]},
    ],
)
def test_conditions_on_fields_of_the_right_kind_pass(condition: dict[str, Any]) -> None:
    assert problems(rule("Kinds", when=[condition])) == []


# ── regexes, replacements, date formats ────────────────────────────────────────────────────────


@pytest.mark.parametrize("pattern", ["colou?r(?= red)", "(?<!no )stock", r"(\w+) \1"])
def test_look_around_and_back_references_are_named_as_the_cause(pattern: str) -> None:
    found = only(problems(rule("Regex", when=[{"op": "matches", "field": "title", "pattern": pattern}])))

    assert found == (
        f'rule "Regex", if › condition 1 (matches): pattern {pattern!r}: look-around and back-references are '
        r"not supported — Polars runs the Rust regex dialect: rewrite the pattern without (?=…), (?!…), "
        r"(?<=…), (?<!…) and \1"
    )


def test_a_broken_regex_says_what_polars_found() -> None:
    found = only(
        problems(rule("Regex", when=[{"any": [{"op": "not_matches", "field": "title", "pattern": "[a-z"}]}]))
    )

    assert found == (
        "rule \"Regex\", if › group 1 (any) › condition 1 (not_matches): pattern '[a-z': not a regular "
        "expression Polars can run (unclosed character class): check brackets, repetitions and escapes"
    )


def test_rust_regex_features_pass() -> None:
    conditions = [
        {"op": "matches", "field": "title", "pattern": p}
        for p in [r"\p{Lu}\w+", r"^(?i)red\b", r"(?P<n>\d+)"]
    ]

    assert problems(rule("Regex", when=conditions)) == []


def test_search_replace_regexes_and_their_group_references_are_checked() -> None:
    action = {
        "action": "search_replace",
        "field": "title",
        "regex": True,
        "pairs": [
            {"find": r"(\d+) ?cm", "replace_with": "$1 cm"},
            {"find": r"(\w+)-(\w+)", "replace_with": "$2 $1 $3 costs $$9"},
            {"find": "x", "replace_with": "$1"},
            {"find": "(?=x)", "replace_with": ""},
        ],
    }

    found = problems(rule("Replace", then=[action]))

    prefix = 'rule "Replace", then › action 1 (search_replace): '
    assert found == [
        prefix
        + "pair 2: 'replace_with' uses $3 but the pattern has only 2 groups: groups are numbered from $1 "
        "by their '(' (write $$ for a dollar sign)",
        prefix + "pair 3: 'replace_with' uses $1 but the pattern has no groups: groups are numbered from $1 "
        "by their '(' (write $$ for a dollar sign)",
        prefix
        + "pair 4: pattern '(?=x)': look-around and back-references are not supported — "
        + found[2].split(" — ")[1],
    ]


def test_literal_search_replace_is_not_read_as_a_regex() -> None:
    action = {"action": "search_replace", "field": "title", "pairs": [{"find": "(", "replace_with": "$1"}]}

    assert problems(rule("Literal", then=[action])) == []


@pytest.mark.parametrize(
    ("date_format", "reason"),
    [
        ("%d/%m", "it does not read a whole date: it needs the year, month and day"),
        ("%H:%M", "it does not read a whole date"),
        ("%d.%m.%Q", "it has a code that is not a strftime code"),
        ("%", "it has a code that is not a strftime code"),
    ],
)
def test_a_date_format_must_read_a_whole_date(date_format: str, reason: str) -> None:
    condition = {"op": "date_before", "field": "updated", "days": 0, "format": date_format}

    assert only(problems(rule("Dates", when=[condition]))).startswith(
        f'rule "Dates", if › condition 1 (date_before): format {date_format!r}: {reason}'
    )


@pytest.mark.parametrize(
    "date_format", ["%d.%m.%Y", "%Y%m%d", "%d %B %Y", "%Y-%m-%dT%H:%M:%S%z", "%m/%d/%y %H:%M"]
)
def test_date_formats_that_read_dates_pass(date_format: str) -> None:
    condition = {"op": "date_equals", "field": "updated", "days": 0, "format": date_format}

    assert problems(rule("Dates", when=[condition])) == []


# ── duplicates and names ───────────────────────────────────────────────────────────────────────


def test_lookup_keys_must_be_unique_ignoring_case_and_are_named() -> None:
    table = [
        {"find": "Rot", "replace_with": "Red"},
        {"find": "blau", "replace_with": "Blue"},
        {"find": "ROT", "replace_with": "Red"},
        {"find": "Blau", "replace_with": "Blue"},
        {"find": "grün", "replace_with": "Green"},
    ]

    found = only(problems(rule("Colours", then=[{"action": "lookup", "field": "colour", "table": table}])))

    assert found == (
        'rule "Colours", then › action 1 (lookup): table keys must be unique (compared ignoring case): '
        "'Rot' 2 times (as 'Rot', 'ROT'); 'blau' 2 times (as 'blau', 'Blau') — keep one of each"
    )


def test_case_sensitive_lookup_keys_may_differ_in_case_only() -> None:
    table = [{"find": "Rot", "replace_with": "Red"}, {"find": "ROT", "replace_with": "RED"}]
    same = [*table, {"find": "Rot", "replace_with": "Red"}]

    assert (
        problems(
            rule("C", then=[{"action": "lookup", "field": "colour", "table": table, "case_sensitive": True}])
        )
        == []
    )
    assert "'Rot' 2 times" in only(
        problems(
            rule("C", then=[{"action": "lookup", "field": "colour", "table": same, "case_sensitive": True}])
        )
    )


def test_duplicate_terms_are_problems_everywhere_terms_are_listed() -> None:
    found = problems(
        rule(
            "Terms",
            when=[{"op": "contains_any", "field": "title", "values": ["Red", "", "red", " "]}],
            then=[
                {
                    "action": "search_value",
                    "field": "m",
                    "source": "title",
                    "terms": [{"term": "Wool"}, {"term": "wool", "alias": "W"}],
                },
                {"action": "search_list", "field": "sizes", "mode": "delete", "terms": ["XL", "xl"]},
            ],
        )
    )

    assert [text.split(": ", 1)[1] for text in found] == [
        "values must be unique (compared ignoring case): 'Red' 2 times (as 'Red', 'red') — keep one of each",
        "terms must be unique (compared ignoring case): 'Wool' 2 times (as 'Wool', 'wool') — keep one of each",
        "terms must be unique (compared ignoring case): 'XL' 2 times (as 'XL', 'xl') — keep one of each",
    ]


def test_rule_names_must_be_given_and_unique() -> None:
    found = problems(rule("Cap title"), rule(" "), rule("cap title "))

    assert found == [
        "rule 2, name: the rule's name is blank: give every rule a name",
        'rule "cap title", name: rule 1 has the same name: give every rule its own name',
    ]


def test_check_rule_set_raises_with_every_problem_and_passes_a_clean_set() -> None:
    clean = parse_rule_set(rules(rule("A", when=[{"op": "contains", "field": "title", "value": "x"}])))
    broken = parse_rule_set(
        rules(rule("A", when=[{"op": "contains", "field": "nope", "value": "x"}]), rule("a"))
    )

    check_rule_set(clean, FIELDS, id_field="id")
    with pytest.raises(InvalidRules) as raised:
        check_rule_set(broken, FIELDS, id_field="id")

    assert len(raised.value.problems) == 2
    assert str(raised.value).splitlines()[0] == "rule set 'shop': 2 problems to fix"


def test_types_follow_copies_and_calculations() -> None:
    found = problems(
        rule(
            "Copy",
            then=[
                {"action": "copy", "field": "site", "source": "link"},
                {"action": "round", "field": "site", "decimals": 0},
            ],
        ),
        rule("Calc", then=[{"action": "calculate", "field": "total", "expression": "{price} * 2"}]),
        rule("Use", when=[{"op": "date_before", "field": "total", "days": 0}]),
        rule("Append", then=[{"action": "append", "field": "updated", "source": "title"}]),
        rule("Still a date", when=[{"op": "date_before", "field": "updated", "days": 0}]),
    )

    assert found == [
        "rule \"Copy\", then › action 2 (round): field 'site' is a url field: round a field that holds a number",
        "rule \"Use\", if › condition 1 (date_before): field 'total' is a number field: date conditions need a "
        "date or text field (or a number field with a 'format' such as %Y%m%d)",
    ]


def test_unknown_keys_are_named_where_they_are() -> None:
    data = rules(
        rule(
            "A",
            then=[{"action": "lookup", "field": "colour", "table": [{"find": "a", "replace": "b"}]}],
            iff={},
        )
    )

    assert sorted(parse_problems({**data, "owner": "me"})) == [
        "rule \"A\", then › action 1 (lookup): unknown key 'replace' in 'table › #1': remove it",
        "rule \"A\": unknown key 'iff' — did you mean 'if'? (keys here: name, enabled, labels, if, then, else)",
        "rule set: unknown key 'owner': remove it",
    ]
