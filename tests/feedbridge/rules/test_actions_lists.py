"""split, join, sort_list, slice_list and search_list."""

from __future__ import annotations

import pytest

from feedbridge.rules.model import JoinList, SearchInList, SliceList, SortList, SplitText
from support.rules.actions_support import column, run

# ── split, join ────────────────────────────────────────────────────────────────────────────────


def test_split_trims_elements_and_drops_empty_ones() -> None:
    action = SplitText(action="split", field="t")
    result = column(action, "t", t=["red, green ,blue", "a,,b, ,", "", "  ", None, "one", "\u00a0x\u3000,y"])
    assert result == [["red", "green", "blue"], ["a", "b"], [], [], None, ["one"], ["x", "y"]]


def test_split_separator_is_literal_text() -> None:
    assert column(SplitText(action="split", field="t", separator=" | "), "t", t=["a | b|c"]) == [["a", "b|c"]]
    assert column(SplitText(action="split", field="t", separator="."), "t", t=["a.b"]) == [["a", "b"]]


def test_split_does_nothing_on_a_list() -> None:
    assert column(SplitText(action="split", field="l"), "l", l=[["a, b"], [], None]) == [["a, b"], [], None]


def test_join_with_separator() -> None:
    action = JoinList(action="join", field="l", separator=" / ")
    assert column(action, "l", l=[["a", "b"], ["x"], [], None]) == ["a / b", "x", "", None]
    assert column(JoinList(action="join", field="l"), "l", l=[["a", "b"]]) == ["a, b"]


def test_join_does_nothing_on_text() -> None:
    assert column(JoinList(action="join", field="t"), "t", t=["a, b", None]) == ["a, b", None]


# ── sort_list, slice_list ──────────────────────────────────────────────────────────────────────


def test_sort_list_in_code_point_order() -> None:
    values = [["b", "é", "B", "a", "z", "10", "9"], [], None]
    assert column(SortList(action="sort_list", field="l"), "l", l=values) == [
        ["10", "9", "B", "a", "b", "z", "é"],
        [],
        None,
    ]
    descending = SortList(action="sort_list", field="l", descending=True)
    assert column(descending, "l", l=values)[0] == ["é", "z", "b", "a", "B", "9", "10"]


def test_sort_list_leaves_text() -> None:
    assert column(SortList(action="sort_list", field="t"), "t", t=["b, a"]) == ["b, a"]


@pytest.mark.parametrize(
    ("start", "length", "expected"),
    [
        (0, None, ["a", "b", "c", "d"]),
        (1, 2, ["b", "c"]),
        (2, None, ["c", "d"]),
        (-1, None, ["d"]),
        (-3, 2, ["b", "c"]),
        (-10, 2, ["a", "b"]),
        (-10, None, ["a", "b", "c", "d"]),
        (10, None, []),
        (1, 0, []),
        (3, 5, ["d"]),
    ],
)
def test_slice_list(start: int, length: int | None, expected: list[str]) -> None:
    action = SliceList(action="slice_list", field="l", start=start, length=length)
    assert column(action, "l", l=[["a", "b", "c", "d"], [], None]) == [expected, [], None]


def test_slice_list_leaves_text() -> None:
    assert column(SliceList(action="slice_list", field="t", start=1), "t", t=["abc"]) == ["abc"]


# ── search_list ────────────────────────────────────────────────────────────────────────────────

IMAGES = [["front.JPG", "back.png", "Detail.jpg"], ["x.gif"], [], None]


def test_delete_elements_containing_a_term_ignoring_case() -> None:
    action = SearchInList(action="search_list", field="l", mode="delete", terms=[".jpg"])
    assert column(action, "l", l=IMAGES) == [["back.png"], ["x.gif"], [], None]


def test_keep_elements_containing_a_term_case_sensitive() -> None:
    action = SearchInList(
        action="search_list", field="l", mode="keep", terms=[".jpg", ".gif"], case_sensitive=True
    )
    assert column(action, "l", l=IMAGES) == [["Detail.jpg"], ["x.gif"], [], None]


def test_whole_compares_whole_elements() -> None:
    action = SearchInList(action="search_list", field="l", mode="delete", terms=["RED", "Grün"], whole=True)
    assert column(action, "l", l=[["red", "dark red", "GRÜN", "grüne"]]) == [["dark red", "grüne"]]
    sensitive = SearchInList(
        action="search_list", field="l", mode="keep", terms=["Red"], whole=True, case_sensitive=True
    )
    assert column(sensitive, "l", l=[["Red", "red", "Red "]]) == [["Red"]]


def test_count_writes_the_number_of_matching_elements_as_text() -> None:
    action = SearchInList(action="search_list", field="l", mode="count", terms=["jpg", "png"], target="n")
    result = run(action, l=IMAGES)
    assert result["n"] == ["3", "0", "0", "0"]
    assert result["l"] == IMAGES


def test_count_into_a_list_field_makes_it_text() -> None:
    action = SearchInList(action="search_list", field="l", mode="count", terms=["a"], target="m")
    assert column(action, "m", l=[["a", "b"]], m=[["x"]]) == ["1"]


def test_text_counts_as_one_element() -> None:
    values = ["Red shirt", "Blue", "", None]
    delete = SearchInList(action="search_list", field="t", mode="delete", terms=["red"])
    keep = SearchInList(action="search_list", field="t", mode="keep", terms=["red"])
    count = SearchInList(action="search_list", field="t", mode="count", terms=["red"], target="n")
    assert column(delete, "t", t=values) == ["", "Blue", "", None]
    assert column(keep, "t", t=values) == ["Red shirt", "", "", None]
    assert column(count, "n", t=values) == ["1", "0", "0", "0"]
