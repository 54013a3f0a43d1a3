"""The taxonomy-neutral category tree: names, paths, leaves and search, on a small tree of its own."""

from __future__ import annotations

import polars as pl
import pytest

from feedbridge.categories.tree import CategoryNode, CategoryTree, Match

NODES = [
    CategoryNode(1, 0, 1, False, {"en": "Apparel & Accessories", "fr": "Vêtements et accessoires"}),
    CategoryNode(2, 1, 2, False, {"en": "Women", "de": "Damen"}),
    CategoryNode(
        3, 2, 3, True, {"en": "Dresses", "fr": "Robes", "de": "Kleider", "ja": "ワンピース・ドレス"}
    ),
    CategoryNode(4, 2, 3, True, {"en": "Wedding Dresses"}),
    CategoryNode(5, 1, 2, True, {"en": "Dresses for Girls"}),
    CategoryNode(6, 0, 1, False, {"de": "Heim & Garten"}),
    CategoryNode(7, 6, 2, True, {"en": "Café Tables", "de": "Cafétische"}),
    CategoryNode(8, 0, 1, True, {"en": "Women's Shoes"}),
]
TREE = CategoryTree.from_nodes(NODES)


def test_names_fall_back_to_english_then_any_language() -> None:
    assert TREE.name(3, "fr") == "Robes"
    assert TREE.name(2, "fr") == "Women"
    assert TREE.name(6, "fr") == "Heim & Garten"
    assert TREE.name(99, "en") == ""


def test_paths_children_and_leaves() -> None:
    assert [node.id for node in TREE.path(3)] == [1, 2, 3]
    assert TREE.path_text(3, "fr") == "Vêtements et accessoires > Women > Robes"
    assert TREE.path_text(3, "de", separator="/") == "Apparel & Accessories/Damen/Kleider"
    assert TREE.path(99) == []
    assert [node.id for node in TREE.children()] == [1, 6, 8]
    assert [node.id for node in TREE.children(2)] == [3, 4]
    assert TREE.children(3) == []
    assert TREE.leaf_ids() == frozenset({3, 4, 5, 7, 8})
    assert TREE.is_leaf(3) and not TREE.is_leaf(2) and not TREE.is_leaf(99)
    assert TREE.get(7) == NODES[6] and TREE.get(99) is None and len(TREE) == 8


def test_a_cycle_in_a_malformed_tree_ends_the_path() -> None:
    looped = CategoryTree.from_nodes(
        [CategoryNode(1, 2, 1, False, {"en": "A"}), CategoryNode(2, 1, 2, True, {"en": "B"})]
    )
    assert looped.path_text(2, "en") == "A > B"


def test_paths_as_a_frame_for_later_use() -> None:
    frame = TREE.paths("de")
    assert frame.schema == pl.Schema({"id": pl.Int64, "is_leaf": pl.Boolean, "path": pl.String})
    assert frame.filter(pl.col("id") == 7).row(0) == (7, True, "Heim & Garten > Cafétische")
    assert frame.height == 8


def _hits(text: str, language: str = "en", *, leaves_only: bool = True) -> list[tuple[int, Match, str]]:
    return [(hit.id, hit.match, hit.language) for hit in TREE.search(text, language, leaves_only=leaves_only)]


def test_search_ranks_exact_then_starts_with_then_name_then_path() -> None:
    assert _hits("dresses") == [
        (3, Match.EXACT, "en"),
        (5, Match.STARTS_WITH, "en"),
        (4, Match.NAME, "en"),
    ]
    # "women" is only in the path of Dresses and Wedding Dresses; both words are in the shoes' name.
    assert _hits("women dress") == [(3, Match.PATH, "en"), (4, Match.PATH, "en")]
    assert _hits("wom shoe") == [(8, Match.NAME, "en")]
    assert _hits("women") == [(8, Match.STARTS_WITH, "en"), (3, Match.PATH, "en"), (4, Match.PATH, "en")]


def test_search_ignores_case_accents_and_punctuation_and_matches_word_starts() -> None:
    assert _hits("CAFE-tables") == [(7, Match.EXACT, "en")]
    assert _hits("vetements robes", "fr") == [(3, Match.PATH, "fr")]
    assert _hits("men") == []  # not inside "women"
    assert _hits("womens shoes") == []  # "women's" is the words women and s


def test_search_finds_names_in_every_language_and_shows_the_requested_one() -> None:
    (hit,) = TREE.search("Kleider", "en")
    assert (hit.id, hit.name, hit.path, hit.language, hit.match) == (
        3, "Dresses", "Apparel & Accessories > Women > Dresses", "de", Match.EXACT,
    )  # fmt: skip
    assert _hits("ドレス") == [(3, Match.NAME, "ja")]  # no spaces between Japanese words: found inside one
    # A hit in the requested language ranks before one in another language with the same match.
    assert _hits("robes", "fr") == [(3, Match.EXACT, "fr")]
    assert TREE.search("robes", "fr")[0].path == "Vêtements et accessoires > Women > Robes"


def test_search_offers_leaves_unless_asked_and_stops_at_the_limit() -> None:
    assert _hits("apparel") == [(5, Match.PATH, "en"), (3, Match.PATH, "en"), (4, Match.PATH, "en")]
    assert _hits("apparel", leaves_only=False)[0] == (1, Match.STARTS_WITH, "en")
    assert len(TREE.search("apparel", "en", leaves_only=False)) == 5
    assert len(TREE.search("dresses", "en", limit=2)) == 2
    assert TREE.search("  &  ", "en") == []


@pytest.mark.parametrize("text", ["tables", "garten", "cafétische"])
def test_search_by_path_or_name_in_another_language(text: str) -> None:
    assert [hit.id for hit in TREE.search(text, "en")] == [7]
