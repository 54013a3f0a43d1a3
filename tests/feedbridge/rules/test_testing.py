"""Rule tests: sample items and the items expected after the rules, run without a database."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedbridge.errors import InvalidInput
from feedbridge.rules.testing import Difference, run_rule_tests
from feedbridge.rules.validation import InvalidRules

RULES = """\
name: Shop rules
rules:
  - name: No stock
    if: {all: [{op: at_most, field: stock, value: 0}]}
    then: [{action: exclude}]
  - name: Cap title
    then: [{action: max_length, field: title, length: 12, on_word: true, ellipsis: "…"}]
  - name: Split sizes
    if: {all: [{op: not_empty, field: sizes}]}
    then: [{action: split_items, field: sizes}]
  - name: Expired
    if: {all: [{op: date_before, field: expires, days: 0}]}
    then: [{action: set, field: label, value: expired}]
    else: [{action: set, field: label, value: fresh}]
"""


def _write(tmp_path: Path, tests: str, rules: str = RULES) -> Path:
    (tmp_path / "rules.yaml").write_text(rules, encoding="utf-8")
    path = tmp_path / "rules.test.yaml"
    path.write_text(tests, encoding="utf-8")
    return path


def test_passing_tests_with_a_rule_set_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
rule_set: rules.yaml
id_field: sku
now: 2026-03-02T09:00:00+01:00
tests:
  - name: cut, split and dated
    items:
      - {sku: A1, title: A very long title, stock: 5, sizes: [S, M], expires: 2026-03-01}
      - {sku: B2, title: Short, stock: 0}
      - {sku: C3, title: Jumper 0012, stock: 9.90, expires: 2026-03-02}
    expect:
      - {sku: A1-1, title: A very long…, sizes: S, label: expired}
      - {sku: A1-2, sizes: M, stock: "5"}
      - {sku: C3, title: Jumper 0012, stock: 9.90, sizes: null, label: fresh}
    excluded: [B2]
  - name: lists stay lists
    items:
      - {sku: D4, tags: [wool, red], sizes: []}
    expect:
      - {sku: D4, tags: [wool, red], sizes: ""}  # not split: the empty list joined
""",
    )
    report = run_rule_tests(path)
    assert report.passed and report.failed == 0
    assert report.rule_set == "Shop rules"
    assert [(result.name, result.passed) for result in report.results] == [
        ("cut, split and dated", True),
        ("lists stay lists", True),
    ]


def test_failures_say_which_item_which_field_expected_and_got(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
rule_set: rules.yaml
now: 2026-03-02T09:00:00Z
tests:
  - name: wrong expectations
    items:
      - {id: A1, title: A very long title, stock: 5}
      - {id: B2, title: Short, stock: 0}
      - {id: C3, title: Kept, stock: 1}
    expect:
      - {id: A1, title: A very long, colour: red}
      - {id: B2}
    excluded: [C3]
""",
    )
    report = run_rule_tests(path)
    assert not report.passed and report.failed == 1
    result = report.results[0]
    assert [str(difference) for difference in result.differences] == [
        "item 1 (A1) › title: expected 'A very long', got 'A very long…'",
        "item 1 (A1) › colour: expected 'red', got (no such field)",
        "item 2 (C3) › id: expected 'B2', got 'C3'",
        "item 'C3': expected excluded, got kept",
    ]
    assert result.differences[0] == Difference(1, "A1", "title", "A very long", "A very long…")
    assert result.notes == ["item 'B2' was excluded by rule 'No stock'"]


def test_a_different_number_of_items_is_reported_with_their_ids(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
rule_set: rules.yaml
tests:
  - name: split not expected
    items: [{id: A1, sizes: [S, M, L]}]
    expect: [{id: A1}]
""",
    )
    differences = run_rule_tests(path).results[0].differences
    assert str(differences[0]) == "number of items: expected 1, got 3 — the rules returned A1-1, A1-2, A1-3"
    assert str(differences[1]) == "item 1 (A1-1) › id: expected 'A1', got 'A1-1'"


@pytest.mark.parametrize(
    "rules",
    [
        "rules:\n  name: Inline\n  rules:\n    - {name: Up, then: [{action: uppercase, field: title}]}\n",
        "rules:\n  - {name: Up, then: [{action: uppercase, field: title}]}\n",
    ],
)
def test_inline_rules(tmp_path: Path, rules: str) -> None:
    path = _write(
        tmp_path,
        rules
        + "tests:\n  - name: up\n    items: [{id: '1', title: ä b}]\n    expect: [{id: '1', title: Ä B}]\n",
    )
    report = run_rule_tests(path)
    assert report.passed
    assert report.rule_set == ("Inline" if "Inline" in rules else "rules.test")


@pytest.mark.parametrize(
    ("tests", "message"),
    [
        ("rule_set: rules.yaml\n", r"tests: Field required"),
        ("rule_set: rules.yaml\nrules: []\ntests: [{name: x, items: [{id: '1'}], expect: []}]\n", r"exactly one of 'rules' \(inline\) and 'rule_set'"),
        ("rule_set: rules.yaml\ntests:\n  - {name: x, items: [{id: '1'}], expected: []}\n", r"tests › #1 › expected"),
        ("rule_set: rules.yaml\ntests:\n  - {name: x, items: [{title: t}], expect: []}\n", r"every item needs its own 'id'"),
        ("rule_set: rules.yaml\ntests:\n  - {name: x, items: [{id: '1'}, {id: '1'}], expect: []}\n", r"its own 'id'"),
        ("rule_set: rules.yaml\ntests:\n  - {name: x, items: [{id: '1', tags: [a]}, {id: '2', tags: b}], expect: []}\n",
         r"'tags' is a list in some items and text in others"),
        ("rule_set: rules.yaml\ntests:\n  - {name: x, items: [{id: '1'}], expect: [], excluded: ['2']}\n",
         r"test 'x': 'excluded' names \['2'\] that are not among"),
        ("rule_set: rules.yaml\ntests:\n  - {name: x, items: [{id: '1', price: {a: b}}], expect: []}\n",
         r"test 'x' › items › #1 › price: a value is text, a list of text or null \(~\), not \{'a': 'b'\}"),
        ("rule_set: missing.yaml\ntests:\n  - {name: x, items: [{id: '1'}], expect: []}\n", r"missing\.yaml: does not exist"),
        ("rule_set: rules.yaml\ntests:\n  - {name: x, items: [{id: '1'}]\n", r"line 4, column 1: expected ',' or '}'"),
    ],
)  # fmt: skip
def test_invalid_test_files_are_clear_errors(tmp_path: Path, tests: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        run_rule_tests(_write(tmp_path, tests))


def test_fields_the_items_lack_are_fine_but_real_rule_problems_are_not(tmp_path: Path) -> None:
    lists_rule = "name: R\nrules:\n  - {name: Join, then: [{action: join, field: tags}]}\n"
    tests = (
        "rule_set: rules.yaml\ntests:\n  - {name: x, items: [{id: '1'}], expect: [{id: '1', tags: null}]}\n"
    )
    assert run_rule_tests(_write(tmp_path, tests, lists_rule)).passed  # 'tags' is in no item: read as null

    bad_regex = "name: R\nrules:\n  - {name: Look, if: {all: [{op: matches, field: title, pattern: 'a(?=b)'}]}, then: [{action: exclude}]}\n"
    with pytest.raises(InvalidRules, match="look-around"):
        run_rule_tests(_write(tmp_path, tests, bad_regex))

    on_text = "name: R\nrules:\n  - {name: Join, then: [{action: join, field: title}]}\n"
    tests_with_title = (
        "rule_set: rules.yaml\ntests:\n  - {name: x, items: [{id: '1', title: t}], expect: []}\n"
    )
    with pytest.raises(InvalidRules, match="holds text: join works on a list"):
        run_rule_tests(_write(tmp_path, tests_with_title, on_text))
