"""Category lines as YAML: written without defaults, read back exactly, bad files named line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedbridge.categories.files import dump_lines, lines_from_data, lines_text, load_lines
from feedbridge.categories.lines import CategoryLine
from feedbridge.errors import InvalidInput

TEXT = """\
lines:
  - label: product_type = Shoes
    if:
      all:
        - op: equals
          field: product_type
          value: Shoes
    category_id: 200000345
  - if:
      any:
        - op: contains
          field: title
          value: '0012'
          case_sensitive: true
        - all:
            - op: greater_than
              field: price
              value: 9.90
            - op: today
              part: weekday
              values:
                - 6
  - label: everything else
    if:
      all: []
    category_id: 3
"""


def test_a_lines_file_round_trips_exactly(tmp_path: Path) -> None:
    source = tmp_path / "lines.yaml"
    source.write_text(TEXT)
    lines = load_lines(source)

    assert [line.category_id for line in lines] == [200000345, None, 3]
    assert lines[1].when.any is not None and lines[0].label == "product_type = Shoes"
    assert lines_text(lines) == TEXT.replace("9.90", "9.9")  # numbers are read as numbers
    copy = tmp_path / "copy.yaml"
    dump_lines(lines, copy)
    assert load_lines(copy) == lines
    assert copy.read_text() == lines_text(load_lines(copy))
    as_json = tmp_path / "lines.json"
    dump_lines(lines, as_json)
    assert load_lines(as_json) == lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "must hold 'lines:' and a list of lines"),
        ("- if: {all: []}\n", "must hold 'lines:' and a list of lines"),
        ("lines: {a: 1}\n", "'lines' must be a list of lines"),
        ("lines:\n  - just text\n", "category line 1: a line is a mapping with 'label', 'if', 'category_id'"),
        (
            "lines:\n  - {if: {all: []}}\n  - {iff: {all: []}}\n",
            "category line 2: unknown key 'iff' — did you mean 'if'?",
        ),
        ("lines:\n  - {label: x}\n", "category line 1: 'if' is missing"),
        (
            "lines:\n  - if: {all: [{op: equal, field: a, value: b}]}\n",
            r"category line 1: if › condition 1 \(equal\): unknown condition 'equal' — did you mean 'equals'\?",
        ),
        (
            "lines:\n  - if: {all: [{op: equals, field: a}]}\n",
            r"category line 1: if › condition 1 \(equals\): give exactly one of 'value' and 'other_field'",
        ),
        (
            "lines:\n  - {if: {all: []}, category_id: shoes}\n",
            "'category_id' must be a category id .*, not 'shoes'",
        ),
        ("lines:\n  - {if: {all: []}, category_id: 0}\n", "'category_id' must be a category id"),
        (
            f"lines:\n  - {{if: {{all: []}}, label: {'x' * 201}}}\n",
            "'label' must be text of at most 200 characters",
        ),
        ("lines:\n  - {if: {all: []}, if: {any: []}}\n", "line 2, column 21: the key 'if' appears twice"),
        ("lines:\n  - if: [\n", "line 3, column 1: .*check the indentation and quoting"),
    ],
)
def test_bad_files_say_which_line_and_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "lines.yaml"
    path.write_text(text)
    with pytest.raises(InvalidInput, match=f"^{path}: .*{message}"):
        load_lines(path)


def test_files_must_be_yaml_or_json(tmp_path: Path) -> None:
    (tmp_path / "lines.txt").write_text(TEXT)
    with pytest.raises(InvalidInput, match=r"end in \.yaml, \.yml or \.json"):
        load_lines(tmp_path / "lines.txt")
    assert lines_from_data({"lines": None}, source="x") == []
    assert lines_from_data({"lines": [{"if": {"all": []}}]}, source="x") == [
        CategoryLine.model_validate({"if": {"all": []}})
    ]
