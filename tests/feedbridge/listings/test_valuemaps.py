"""Value maps: the merchant's map first, then a match by normalised name in any language or alias."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedbridge.listings.requirements import Choice
from feedbridge.listings.valuemaps import mapped, normalised, normalised_text, spellings

NAVY = Choice("900001410", {"en": "Navy Blue"}, ("navy", "marineblau", "bleu marine"))
BLUE = Choice("900001404", {"en": "Blue", "de": "Blau"}, ("bleu", "azul"))
PINK = Choice("1052", {"en": "Pink", "pt": "Rosa"}, ("rosa", "rose"))
RED = Choice("900001403", {"en": "Red", "fr": "Rouge-Foncé"})
COLOURS = (NAVY, BLUE, PINK, RED)


def map_values(
    texts: list[str | None], explicit: Mapping[str, str] = {}, choices: tuple[Choice, ...] = COLOURS
) -> list[str | None]:
    data = pl.DataFrame({"v": texts}, schema={"v": pl.String})
    return data.select(mapped(pl.col("v"), explicit, spellings(choices))).to_series().to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rouge-Foncé", "rougefonce"),
        ("  NAVY blue ", "navyblue"),
        ("Größe XL", "großexl"),
        ("Ça_va!", "cava"),
        ("36 ½", "3612"),
        ("---", ""),
    ],
)
def test_normalised_spelling(text: str, expected: str) -> None:
    assert normalised_text(text) == expected
    assert pl.select(normalised(pl.lit(text))).item() == expected


def test_names_in_every_language_and_aliases_are_spellings() -> None:
    found = spellings(COLOURS)
    assert found["navyblue"] == found["navy"] == found["marineblau"] == found["bleumarine"] == NAVY.id
    assert found["blue"] == found["blau"] == found["azul"] == BLUE.id
    assert found["rosa"] == found["pink"] == PINK.id
    assert found["rougefonce"] == RED.id


def test_a_spelling_that_names_several_values_names_none() -> None:
    # "bleu" is Blue's alias and a French name of Navy here: ambiguous, so it maps nothing.
    navy = Choice(NAVY.id, {"en": "Navy Blue", "fr": "Bleu"})
    found = spellings((navy, BLUE))
    assert "bleu" not in found
    assert found["blue"] == BLUE.id
    assert map_values(["bleu", "Bleu", "navy blue"], choices=(navy, BLUE)) == [None, None, NAVY.id]


def test_spellings_of_no_values() -> None:
    assert spellings(()) == {}
    assert spellings((Choice("1", {"en": "!!"}),)) == {}


def test_merchant_values_match_names_in_other_languages_and_spellings() -> None:
    assert map_values(["Navy", "MARINEBLAU", "navy-blue", "Blau", " pink ", "rouge foncé", "teal", None]) == [
        NAVY.id,
        NAVY.id,
        NAVY.id,
        BLUE.id,
        PINK.id,
        RED.id,
        None,
        None,
    ]


def test_the_merchants_map_wins_over_names() -> None:
    # "Blue" would match Blue by name; the merchant maps it to Navy Blue.
    explicit = {"Blue": NAVY.id, "Sky": BLUE.id}
    assert map_values(["Blue", " Sky ", "blue", "Blau"], explicit) == [NAVY.id, BLUE.id, BLUE.id, BLUE.id]


def test_the_merchants_map_is_exact() -> None:
    # Only the trimmed value as written: other spellings fall back to names.
    assert map_values(["Sky", "sky", "SKY"], {"Sky": BLUE.id}) == [BLUE.id, None, None]


def test_without_maps_nothing_is_mapped() -> None:
    assert map_values(["Navy"], choices=()) == [None]


@given(
    st.lists(st.sampled_from([*COLOURS]), min_size=1), st.sampled_from(["upper", "lower", "title", "dash"])
)
def test_any_case_and_punctuation_of_a_name_maps_to_its_value(picked: list[Choice], style: str) -> None:
    names = [choice.name("en") for choice in picked]
    written = {
        "upper": [n.upper() for n in names],
        "lower": [n.lower() for n in names],
        "title": [n.title() for n in names],
        "dash": [n.replace(" ", "-") for n in names],
    }[style]
    assert map_values(list(written)) == [choice.id for choice in picked]
