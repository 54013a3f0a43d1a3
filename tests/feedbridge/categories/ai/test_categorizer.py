"""The categorizer without a database: zero-shot on a small tree, learning, counts, calibration."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from feedbridge.categories.ai.calibration import UNMEASURED_CAP, Calibration
from feedbridge.categories.ai.categorizer import SELF_SMOOTHING, SELF_WEIGHT, Categorizer, _sure
from feedbridge.categories.ai.features import feature_matrix
from feedbridge.categories.ai.model import Counts, softmax
from feedbridge.categories.ai.zeroshot import TreeIndex
from feedbridge.categories.tree import CategoryNode, CategoryTree

# A small taxonomy of another marketplace: the categorizer knows nothing of AliExpress.
TREE = CategoryTree.from_nodes(
    [
        CategoryNode(1, 0, 1, False, {"en": "Shoes", "de": "Schuhe"}),
        CategoryNode(11, 1, 2, True, {"en": "Sneakers"}),
        CategoryNode(12, 1, 2, True, {"en": "Boots", "de": "Stiefel"}),
        CategoryNode(2, 0, 1, False, {"en": "Clothing"}),
        CategoryNode(21, 2, 2, True, {"en": "Dresses", "de": "Kleider"}),
        CategoryNode(22, 2, 2, True, {"en": "Scarves"}),
        CategoryNode(3, 0, 1, False, {"en": "Phones & Telecommunications"}),
        CategoryNode(31, 3, 2, True, {"en": "Mobile Phones"}),
        CategoryNode(32, 3, 2, True, {"en": "Phone Cases"}),
    ]
)
TITLES = [
    "Red summer dress",
    "Leather boots for men",
    "Samsung mobile phone 64GB",
    "Damen Kleider rot",
    "Wool scarf",
]


def best(found: pl.DataFrame) -> list[int]:
    return found.filter(pl.col("rank") == 1).sort("row")["category_id"].to_list()


def test_zero_shot_reads_the_tree_names_in_every_language() -> None:
    found = Categorizer(Counts.empty(), Calibration.unmeasured(), TreeIndex.of(TREE)).suggest(
        pl.Series(TITLES)
    )
    assert best(found) == [21, 12, 31, 21, 22]
    assert found.filter(pl.col("rank") == 1)["confidence"].max() <= UNMEASURED_CAP  # nothing measured yet
    assert set(found["rank"]) == {1, 2, 3}
    assert (
        found.filter(pl.col("rank") == 2)["category_id"].is_in([11, 12, 21, 22, 31, 32]).all()
    )  # leaves only


def test_learning_moves_the_suggestions_of_similar_texts() -> None:
    texts = pl.Series(["Zorblax runner 3000", "Zorblax runner 4000"])
    tree = TreeIndex.of(TREE)
    before = Categorizer(Counts.empty(), Calibration.unmeasured(), tree).suggest(texts)
    assert before.is_empty()  # no word matches a name: nothing to suggest rather than a guess
    counts = Counts.empty().added(feature_matrix(pl.Series(["Zorblax runner 2000"])), np.array([22]))
    after = Categorizer(counts, Calibration.unmeasured(), tree).suggest(texts)
    assert best(after) == [22, 22]


def test_examples_of_some_categories_do_not_take_over_texts_of_the_others() -> None:
    # The merchant taught dresses only; boots and phones are words the tree's names know.
    taught = pl.Series([f"Summer dress floral {size}" for size in ("XS", "S", "M", "L", "XL")] * 4)
    counts = Counts.empty().added(feature_matrix(taught), np.full(len(taught), 21))
    found = Categorizer(counts, Calibration.unmeasured(), TreeIndex.of(TREE)).suggest(pl.Series(TITLES))
    assert best(found) == [21, 12, 31, 21, 22]


def test_the_tree_teaches_where_the_examples_confirm_it_and_not_where_they_contradict_it() -> None:
    # Texts 0–3 the learned model leads (its best is their first-pass best), 4–7 the tree leads.
    order = np.array([[0, 1], [1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [0, 1], [1, 0]])
    best = np.full((8, 2), 0.5)
    speaks = np.array([0.9] * 4 + [0.1] * 4)
    lead = np.array([0.6, 0.7, 0.75, 0.65, 0.9, 0.1, 0.8, 0.2])
    agreeing, contradicting = order[:, 0].copy(), 1 - order[:, 0]
    assert _sure(order, best, speaks, (agreeing, lead)).tolist() == [False] * 4 + [True, False, True, False]
    assert not _sure(order, best, speaks, (contradicting, lead)).any()
    nothing_to_check = np.zeros(8)  # no examples: the better half by the tree's lead
    assert _sure(order, best, nothing_to_check, (contradicting, lead)).sum() == 4
    assert _sure(order, np.full((8, 2), 0.95), speaks, (contradicting, lead)).all()  # sure enough alone


def test_a_word_a_few_guesses_share_decides_less_than_one_a_few_examples_share() -> None:
    # The merchant's examples are smoothed little (a model number seen once decides); the first pass's
    # guesses more, so a word seen in a handful of them does not outweigh one seen in a hundred.
    texts = pl.Series(["larder fridge water dispenser"] * 3 + ["fridge"] * 100)
    counts = Counts.empty().added(feature_matrix(texts), np.array([1] * 3 + [2] * 100), SELF_WEIGHT)
    query = feature_matrix(pl.Series(["Bosch larder fridge"]))
    as_examples = softmax(counts.scorer().read(query).log_scores)[0]
    as_guesses = softmax(counts.scorer(np.full(2, SELF_SMOOTHING)).read(query).log_scores)[0]
    assert as_examples[0] > 0.99
    assert as_guesses[0] < 0.6


def test_duplicate_texts_get_the_same_suggestions_and_every_row_is_answered() -> None:
    found = Categorizer(Counts.empty(), Calibration.unmeasured(), TreeIndex.of(TREE)).suggest(
        pl.Series(["Wool scarf", None, "Wool scarf"]), top=1
    )
    assert found["row"].to_list() == [0, 1, 2]
    assert found["category_id"][0] == found["category_id"][2] == 22


labelled = st.lists(
    st.tuples(st.sampled_from([*TITLES, "Boots", "Phone case"]), st.sampled_from([11, 12, 21])),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(first=labelled, second=labelled)
def test_learning_and_forgetting_equal_learning_the_rest(
    first: list[tuple[str, int]], second: list[tuple[str, int]]
) -> None:
    def learned(examples: list[tuple[str, int]], counts: Counts, weight: float) -> Counts:
        texts, labels = zip(*examples, strict=True)
        return counts.added(feature_matrix(pl.Series(texts)), np.array(labels), weight)

    both = learned(first, learned(second, Counts.empty(), 1.0), 1.0)
    only_second = learned(first, both, -1.0)
    direct = learned(second, Counts.empty(), 1.0)
    assert only_second.classes.tolist() == direct.classes.tolist()
    assert np.allclose(only_second.examples, direct.examples)
    assert abs(only_second.counts - direct.counts).max() < 1e-4


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=30, max_size=200))
def test_calibration_is_a_non_decreasing_share_correct(pairs: list[tuple[float, bool]]) -> None:
    raw = np.array([p for p, _ in pairs])
    correct = np.array([c for _, c in pairs])
    calibration = Calibration.fit(raw, correct)
    mapped = calibration(np.sort(raw))
    assert (np.diff(mapped) >= -1e-12).all()
    assert ((mapped >= 0) & (mapped <= 1)).all()
    # Pooling keeps the total: the mapped values of the examples add up to the examples right.
    assert abs(calibration(raw).sum() - correct.sum()) < 1e-6 * len(raw) + 1e-9


def test_too_few_examples_leave_confidence_unmeasured_and_capped() -> None:
    calibration = Calibration.fit(np.array([0.99] * 10), np.array([True] * 10))
    assert not calibration.measured
    assert calibration(np.array([0.99, 0.5])).tolist() == [UNMEASURED_CAP, 0.5]
