"""Categorizing items: manual lines (first match wins), then accepted AI assignments; counts per line.

The property test compares `categorize` and `line_counts` with a plain-Python first-match oracle.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedbridge.categories.categorize import (
    CATEGORY_ID,
    CATEGORY_LINE,
    CATEGORY_SOURCE,
    LineCount,
    categorize,
    line_counts,
)
from feedbridge.categories.lines import CategoryLine
from feedbridge.errors import InvalidInput

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
ITEMS = pl.LazyFrame(
    {
        "id": ["a", "b", "c", "d", "e"],
        "type": ["Shoes", "shoes", "Shirt", None, "Boots"],
        "tags": [["sale", "red"], [], None, ["RED"], ["blue"]],
        "price": ["10", "25", "5", "40", "x"],
    }
)


def line(*conditions: dict[str, Any], category: int | None = None, any_of: bool = False) -> CategoryLine:
    return CategoryLine.model_validate(
        {"if": {"any" if any_of else "all": list(conditions)}, "category_id": category}
    )


def equals(field: str, value: str, **options: Any) -> dict[str, Any]:
    return {"op": "equals", "field": field, "value": value, **options}


def contains(field: str, value: str, **options: Any) -> dict[str, Any]:
    return {"op": "contains", "field": field, "value": value, **options}


def assignments(*rows: tuple[str, int, float, str]) -> pl.LazyFrame:
    return pl.LazyFrame(
        rows, schema={"item_id": pl.String, "category_id": pl.Int64, "confidence": pl.Float64, "status": pl.String},
        orient="row",
    )  # fmt: skip


def columns(frame: pl.LazyFrame) -> list[tuple[Any, ...]]:
    return list(frame.select("id", CATEGORY_ID, CATEGORY_SOURCE, CATEGORY_LINE).collect().iter_rows())


def test_the_first_matching_line_with_a_target_wins_and_lines_without_one_only_count() -> None:
    lines = [
        line(equals("type", "shoes")),  # no target yet: matches a and b, categorizes nothing
        line(contains("tags", "red"), category=200),
        line(equals("type", "SHOES"), category=100),
        line({"op": "greater_than", "field": "price", "value": 20}, category=300),
    ]
    result = categorize(ITEMS, lines, None, id_field="id", now=NOW)

    assert columns(result) == [
        ("a", 200, "line", 2),
        ("b", 100, "line", 3),
        ("c", None, None, None),
        ("d", 200, "line", 2),
        ("e", None, None, None),
    ]
    assert line_counts(ITEMS, lines, now=NOW) == [
        LineCount(1, 2, 0),
        LineCount(2, 2, 2),
        LineCount(3, 2, 1),
        LineCount(4, 2, 0),
    ]


def test_the_items_keep_their_rows_columns_and_order() -> None:
    result = categorize(ITEMS, [line(equals("type", "boots"), category=7)], None, id_field="id", now=NOW)
    collected = result.collect()
    assert collected.columns == ["id", "type", "tags", "price", CATEGORY_ID, CATEGORY_SOURCE, CATEGORY_LINE]
    assert collected.drop(CATEGORY_ID, CATEGORY_SOURCE, CATEGORY_LINE).equals(ITEMS.collect())
    assert collected.schema[CATEGORY_ID] == pl.Int64 and collected.schema[CATEGORY_LINE] == pl.Int32
    assert collected.schema[CATEGORY_SOURCE] == pl.String


def test_accepted_ai_assignments_come_after_manual_lines_which_always_win() -> None:
    lines = [line(equals("type", "shoes"), category=100)]
    ai = assignments(
        ("a", 900, 0.99, "accepted"),  # a line categorizes a: the line wins
        ("c", 901, 0.80, "accepted"),
        ("d", 902, 0.95, "suggested"),  # only suggested: not used
        ("zz", 903, 0.50, "accepted"),  # no such item
    )
    result = categorize(ITEMS, lines, ai, id_field="id", now=NOW)
    assert columns(result) == [
        ("a", 100, "line", 1),
        ("b", 100, "line", 1),
        ("c", 901, "ai", None),
        ("d", None, None, None),
        ("e", None, None, None),
    ]


def test_without_lines_only_ai_categorizes_and_counts_are_empty() -> None:
    result = categorize(ITEMS, [], assignments(("e", 5, 1.0, "accepted")), id_field="id", now=NOW)
    assert [row[1:] for row in columns(result)] == [(None, None, None)] * 4 + [(5, "ai", None)]
    assert line_counts(ITEMS, [], now=NOW) == []


def test_fields_the_items_lack_read_as_null_and_feed_fields_named_like_assignment_columns_stay() -> None:
    items = ITEMS.with_columns(pl.lit("x").alias("category_id"), pl.lit("y").alias("item_id"))
    lines = [line({"op": "is_empty", "field": "gone"}, category=1)]
    result = categorize(
        items, lines, assignments(("b", 9, 1.0, "accepted")), id_field="id", now=NOW
    ).collect()
    assert result[CATEGORY_ID].to_list() == [1] * 5
    assert result["category_id"].to_list() == ["x"] * 5 and result["item_id"].to_list() == ["y"] * 5


def test_every_kind_of_condition_compiles_as_in_the_rules() -> None:
    lines = [
        line({"op": "top_n", "field": "price", "n": 1}, category=1),
        line({"op": "today", "part": "month", "values": [12]}, contains("type", "sh"), category=2),
        line(
            {"any": [equals("type", "boots")]},
            {"op": "matches", "field": "price", "pattern": "^x$"},
            category=3,
        ),
    ]
    result = categorize(ITEMS, lines, None, id_field="id", now=NOW)
    assert [row[1] for row in columns(result)] == [2, 2, 2, 1, 3]


def test_an_unknown_id_field_and_a_regex_polars_cannot_run_are_clear_errors() -> None:
    with pytest.raises(InvalidInput, match="the items have no field 'sku'"):
        categorize(ITEMS, [], None, id_field="sku", now=NOW)
    bad = line({"op": "matches", "field": "type", "pattern": "(?=x)"}, category=1)
    with pytest.raises(InvalidInput, match="category line 1: the regular expression"):
        categorize(ITEMS, [bad], None, id_field="id", now=NOW)


# ── the property: categorize equals a plain-Python first-match oracle ─────────────────────────────

WORDS = ["red", "Red", "blue", "shoe", "Shoes", "a b", " red"]
TEXT_FIELDS, LIST_FIELDS = ["type", "brand"], ["tags"]


def _holds(item: dict[str, Any], condition: dict[str, Any]) -> bool:
    value, wanted = item.get(condition["field"]), condition["value"]
    fold = (lambda text: text) if condition["case_sensitive"] else str.lower
    test = (lambda text: fold(text) == fold(wanted)) if condition["op"] == "equals" else (
        lambda text: fold(wanted) in fold(text)
    )  # fmt: skip
    if value is None:
        return False
    return any(test(element) for element in value) if isinstance(value, list) else test(value)


def _oracle(
    items: list[dict[str, Any]],
    lines: list[tuple[list[dict[str, Any]], bool, int | None]],
    ai: dict[str, int],
) -> tuple[list[tuple[Any, ...]], list[LineCount]]:
    rows: list[tuple[Any, ...]] = []
    matched, categorized = [0] * len(lines), [0] * len(lines)
    for item in items:
        first = None
        for position, (conditions, any_of, target) in enumerate(lines, start=1):
            results = [_holds(item, condition) for condition in conditions]
            if any(results) if any_of else all(results):
                matched[position - 1] += 1
                if first is None and target is not None:
                    first = position
        if first is not None:
            categorized[first - 1] += 1
            rows.append((item["id"], lines[first - 1][2], "line", first))
        elif item["id"] in ai:
            rows.append((item["id"], ai[item["id"]], "ai", None))
        else:
            rows.append((item["id"], None, None, None))
    return rows, [LineCount(n, matched[n - 1], categorized[n - 1]) for n in range(1, len(lines) + 1)]


@st.composite
def _items(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 12))
    text = st.none() | st.sampled_from(WORDS)
    return [
        {"id": f"i{n}", **{name: draw(text) for name in TEXT_FIELDS}, "tags": draw(st.none() | st.lists(st.sampled_from(WORDS), max_size=3))}
        for n in range(count)
    ]  # fmt: skip


_CONDITION = st.fixed_dictionaries(
    {
        "op": st.sampled_from(["equals", "contains"]),
        "field": st.sampled_from([*TEXT_FIELDS, *LIST_FIELDS, "missing"]),
        "value": st.sampled_from(WORDS),
        "case_sensitive": st.booleans(),
    }
)
_LINES = st.lists(
    st.tuples(st.lists(_CONDITION, min_size=0, max_size=3), st.booleans(), st.none() | st.integers(1, 5)),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(
    items=_items(),
    lines=_LINES,
    ai=st.dictionaries(st.sampled_from([f"i{n}" for n in range(14)]), st.integers(10, 12)),
)
def test_categorize_matches_a_first_match_oracle(
    items: list[dict[str, Any]], lines: list[tuple[list[dict[str, Any]], bool, int | None]], ai: dict[str, int]
) -> None:  # fmt: skip
    frame = pl.LazyFrame(
        items, schema={"id": pl.String, "type": pl.String, "brand": pl.String, "tags": pl.List(pl.String)}
    )
    models = [line(*conditions, category=target, any_of=any_of) for conditions, any_of, target in lines]
    accepted = assignments(*((item_id, category, 0.5, "accepted") for item_id, category in ai.items()))

    expected_rows, expected_counts = _oracle(items, lines, ai)
    assert columns(categorize(frame, models, accepted, id_field="id", now=NOW)) == expected_rows
    assert line_counts(frame, models, now=NOW) == expected_counts
