"""lookup (whole values from a table) and search_value (the first listed term found in a field)."""

from __future__ import annotations

import pytest

from feedbridge.rules.actions.lookup import FEW_TERMS
from feedbridge.rules.model import Lookup, Pair, SearchValue, Term
from support.rules.actions_support import column, run

COLOURS = [
    Pair(find="Rouge", replace_with="Red"),
    Pair(find="BLEU", replace_with="Blue"),
    Pair(find="ÉCRU", replace_with=""),
]

# ── lookup ─────────────────────────────────────────────────────────────────────────────────────


def test_lookup_replaces_whole_values_ignoring_case() -> None:
    action = Lookup(action="lookup", field="colour", table=COLOURS)
    result = column(
        action, "colour", colour=["rouge", "Bleu", "bleu clair", " rouge", "écru", "Vert", "", None]
    )
    assert result == ["Red", "Blue", "bleu clair", " rouge", "", "Vert", "", None]


def test_lookup_case_sensitive() -> None:
    action = Lookup(action="lookup", field="colour", table=COLOURS, case_sensitive=True)
    assert column(action, "colour", colour=["Rouge", "rouge", "BLEU", "Bleu"]) == [
        "Red",
        "rouge",
        "Blue",
        "Bleu",
    ]


def test_lookup_on_each_element_of_a_list() -> None:
    action = Lookup(action="lookup", field="colours", table=COLOURS)
    result = column(action, "colours", colours=[["ROUGE", "vert", "bleu"], [], None])
    assert result == [["Red", "vert", "Blue"], [], None]


def test_lookup_replacement_can_itself_be_a_key_without_chaining() -> None:
    table = [Pair(find="a", replace_with="b"), Pair(find="b", replace_with="c")]
    assert column(Lookup(action="lookup", field="t", table=table), "t", t=["a", "b", "c"]) == ["b", "c", "c"]


def test_lookup_keys_that_differ_only_by_case_take_the_first() -> None:
    # Validation refuses such a table; the compiled action still does something defined with it.
    table = [Pair(find="Red", replace_with="1"), Pair(find="RED", replace_with="2")]
    assert column(Lookup(action="lookup", field="t", table=table), "t", t=["red"]) == ["1"]
    sensitive = Lookup(action="lookup", field="t", table=table, case_sensitive=True)
    assert column(sensitive, "t", t=["Red", "RED", "red"]) == ["1", "2", "red"]


def test_lookup_with_a_thousand_entries() -> None:
    table = [Pair(find=f"Key {number}", replace_with=f"value {number}") for number in range(1000)]
    values = ["key 0", "KEY 999", "key 1000", None, "key 500"]
    result = column(Lookup(action="lookup", field="t", table=table), "t", t=values)
    assert result == ["value 0", "value 999", "key 1000", None, "value 500"]


# ── search_value ───────────────────────────────────────────────────────────────────────────────
# A few terms are searched one by one, many all at once: every case runs both ways, padded with
# terms that match nothing up to more than FEW_TERMS.

MATERIALS = [Term(term="Wool"), Term(term="cotton", alias="Cotton"), Term(term="silk")]
BOTH_WAYS = pytest.mark.parametrize("padding", [0, FEW_TERMS], ids=["few terms", "many terms"])


def search(
    field: str, source: str, terms: list[Term], padding: int, case_sensitive: bool = False
) -> SearchValue:
    unmatched = [Term(term=f"\x1fnothing {number}") for number in range(padding)]
    return SearchValue(
        action="search_value",
        field=field,
        source=source,
        terms=terms + unmatched,
        case_sensitive=case_sensitive,
    )


@BOTH_WAYS
def test_search_value_writes_the_first_term_in_list_order_or_its_alias(padding: int) -> None:
    result = run(
        search("material", "title", MATERIALS, padding),
        title=["Silk and COTTON shirt", "wool cotton", "Polyester", None, "", "Cottonwood silky"],
        material=["old", "old", "old", "old", None, None],
    )
    # Terms are written as listed (not as found), aliases instead where given.
    assert result["material"] == ["Cotton", "Wool", "old", "old", None, "Cotton"]


@BOTH_WAYS
def test_search_value_case_sensitive(padding: int) -> None:
    action = search("m", "t", MATERIALS, padding, case_sensitive=True)
    assert column(action, "m", t=["wool silk", "WOOL", "Wool"], m=[None, None, None]) == [
        "silk",
        None,
        "Wool",
    ]


@BOTH_WAYS
def test_a_term_inside_another_found_term_still_counts(padding: int) -> None:
    terms = [Term(term="red"), Term(term="dark red", alias="maroon")]
    assert column(search("c", "t", terms, padding), "c", t=["dark red", "dark"], c=[None, None]) == [
        "red",
        None,
    ]
    reversed_terms = search("c", "t", terms[::-1], padding)
    assert column(reversed_terms, "c", t=["dark red", "red"], c=[None, None]) == ["maroon", "red"]


@BOTH_WAYS
def test_unicode_terms_ignore_case_fully(padding: int) -> None:
    terms = [Term(term="ÄPFEL", alias="apple"), Term(term="Σ.")]
    result = column(
        search("c", "t", terms, padding), "c", t=["Grüne äpfel", "APFEL", "xσ.y"], c=["x", "y", "z"]
    )
    assert result == ["apple", "y", "Σ."]


@BOTH_WAYS
def test_a_term_written_twice_counts_once(padding: int) -> None:
    terms = [Term(term="Red", alias="first"), Term(term="RED", alias="second"), Term(term="blue")]
    assert column(search("c", "t", terms, padding), "c", t=["blue red"], c=[None]) == ["first"]


@BOTH_WAYS
def test_a_list_source_contains_a_term_where_an_element_does(padding: int) -> None:
    action = search("c", "tags", [Term(term="b, c"), Term(term="d")], padding)
    result = column(action, "c", tags=[["a", "b", "c"], ["a", "b, c"], ["xd"], [], None], c=[None] * 5)
    # "b, c" never matches across two elements
    assert result == [None, "b, c", "d", None, None]


def test_search_value_into_a_list_field_makes_it_text() -> None:
    action = SearchValue(action="search_value", field="tags", source="t", terms=[Term(term="x")])
    assert column(action, "tags", t=["x", "y", None], tags=[["a"], ["b", "c"], None]) == ["x", "b, c", None]


def test_search_value_with_two_hundred_terms() -> None:
    terms = [Term(term=f"brand{number:03}", alias=f"B{number}") for number in range(200)]
    action = SearchValue(action="search_value", field="b", source="t", terms=terms)
    result = column(action, "b", t=["by BRAND150 and brand020", "brand2", "brand199"], b=[None, None, None])
    assert result == ["B20", None, "B199"]


@BOTH_WAYS
def test_ascii_terms_match_as_lowercase_forms_do(padding: int) -> None:
    # The lowercase forms of the Kelvin sign and of "İ" hold ASCII letters ("k", "i" + a dot); the
    # long s "ſ" is lowercase already, so "s" does not match it (as Unicode case folding would).
    terms = [Term(term="kg"), Term(term="i", alias="dotted"), Term(term="s.")]
    action = search("c", "t", terms, padding)
    result = column(action, "c", t=["5 \u212ag", "\u0130", "KG", "ı", "ſ.", "S."], c=[None] * 6)
    assert result == ["kg", "dotted", "kg", None, None, "s."]
