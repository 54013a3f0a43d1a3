"""Suggest leaf categories for texts: the learned model, the tree's names and outside hints, combined.

Taxonomy-neutral: a tree in (or none: then the categories are whatever the examples name), leaf ids out.

1. Every distinct text is scored by the signals it has: the naive Bayes model learned from the
   merchant's examples, the zero-shot match with the leaves' names and paths, and hints (the
   marketplace's own category suggestion for a text, where it was asked). The signals are mixed by how
   much each can be trusted: the more examples per category, the more the learned model speaks (with two
   examples a category, the tree's names still say most), and it speaks fully for a text as close to
   its examples as they are to each other. Beside a tree, it speaks only as far as a text is of a
   category it learned at all (against a category with no examples): a merchant who taught fridges and
   TVs does not get fridges and TVs suggested for cameras, whose words the tree's names know.
2. Self-training: the texts the first pass is sure of (see `_sure`: the surest, and the better half of
   those the tree leads) are added to the model at a fraction of an example's weight, and everything is
   scored again, so a brand or model number seen next to a category word carries that category to titles
   without one.
   A category the merchant taught keeps the model's small smoothing (one model number decides); a
   category known only from these guesses gets a larger one, so that a word seen in a handful of them
   (a "larder" fridge taken for a water dispenser) does not outweigh the words seen in hundreds.
3. The top probability is mapped to a confidence by the calibration measured on the examples.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import sparse

from feedbridge.categories.ai.calibration import Calibration
from feedbridge.categories.ai.features import feature_matrix
from feedbridge.categories.ai.model import SMOOTHING, Counts, softmax
from feedbridge.categories.ai.zeroshot import TreeIndex

BLOCK = 10_000  # texts scored at once: bounds the dense texts × categories blocks
TREE_THREADS = 4  # at most: the machine's cores are the other bound
TREE_SHARPNESS = 40.0  # cosine → probability: a 0.1 lead in cosine is a factor e^4
TREE_REACH = 0.15  # leaves further below a text's best cosine weigh e^-6 of it or less: left out
HINT_WEIGHT = 0.5  # a marketplace suggestion counts as much as half of all other signals
HINT_DECAY = 0.5  # each later suggestion of a hint weighs half the one before
EXAMPLES_FOR_TRUST = 10.0  # with n examples per category, the learned model speaks for n / (n + this)
SURE = 0.9  # first-pass probability from which a text teaches the second pass
# the share of the tree's surer guesses the examples must confirm before such guesses teach: PriceRunner
# agreed 0.79–0.95 wherever labelled, the Amazon sample's paths 0.32–0.56 (docs/performance.md)
TREE_AGREEMENT = 0.7
MIN_GUESS_SHARE = 0.01  # PriceRunner zero-shot alike at 0, 0.001 and 0.01; 1,000,000 items 474 → 27 leaves
SELF_WEIGHT = 0.3  # what such a text weighs against a merchant's example
# α for a category with no merchant example: its examples are the first pass's guesses, so a word must
# recur in them before it counts (PriceRunner zero-shot: 0.1 and 0.3 alike, 1 lower; docs/performance.md)
SELF_SMOOTHING = 0.3


TreeGuesses = tuple[np.ndarray, np.ndarray]  # per text: the tree's best leaf, its lead over the runner-up


@dataclass(frozen=True)
class TreePart:
    """The tree's signal for a block of texts (see `_tree_part`)."""

    above: sparse.csr_matrix  # texts × leaves: each matched leaf's probability above the base
    base: np.ndarray  # per text: the probability of a leaf no word matched
    guess: np.ndarray  # per text: the best leaf's column (-1 where none matched)
    lead: np.ndarray  # per text: its probability's lead over the runner-up


@dataclass(frozen=True)
class Categorizer:
    counts: Counts  # the merchant's examples
    calibration: Calibration
    tree: TreeIndex | None = None

    def suggest(self, texts: pl.Series, *, hints: pl.DataFrame | None = None, top: int = 3) -> pl.DataFrame:
        """Per text (by position `row`), the `top` categories best first: row, rank, category_id,
        confidence and raw (the uncalibrated probability). `hints` has columns text, category_id, rank."""
        # Each distinct text once; `rows` lists where it occurs.
        grouped = (
            pl.DataFrame({"text": texts.cast(pl.String).fill_null("")})
            .with_row_index("row")
            .group_by("text", maintain_order=True)
            .agg("row")
        )
        distinct = grouped["text"]
        features = feature_matrix(distinct)
        classes = self._classes()
        if len(classes) == 0:
            return _empty()
        hint_matrix = _hints(distinct, hints, classes)
        counts = self.counts.restricted(classes) if self.tree is not None else self.counts
        keep = min(max(top, 2), len(classes))
        tree_parts = self._tree_parts(features)
        order, raw, speaks = self._best(features, counts, classes, hint_matrix, keep, tree_parts)
        sure = _sure(order, raw, speaks, _tree_guesses(tree_parts))
        if sure.any():
            learned = counts.added(sparse.csr_matrix(features[sure]), classes[order[sure, 0]], SELF_WEIGHT)
            smoothing = np.where(np.isin(learned.classes, counts.classes), SMOOTHING, SELF_SMOOTHING)
            order, raw, _ = self._best(features, learned, classes, hint_matrix, keep, tree_parts, smoothing)
        order, raw = order[:, :top], raw[:, :top]
        found = order.ravel() >= 0  # a text matching nothing has no suggestion
        by_text = pl.DataFrame(
            {
                "text": np.repeat(np.arange(len(distinct), dtype=np.uint32), order.shape[1])[found],
                "rank": np.tile(np.arange(1, order.shape[1] + 1, dtype=np.int32), len(distinct))[found],
                "category_id": classes[order.ravel()[found]],
                "raw": raw.ravel()[found],
                "confidence": self.calibration(raw.ravel()[found]),
            }
        )
        rows = grouped.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("text"), "row")
        return rows.join(by_text, on="text").explode("row").drop("text").sort("row", "rank")

    def _classes(self) -> np.ndarray:
        if self.tree is not None:
            return self.tree.leaves
        return self.counts.classes

    def _tree_parts(self, features: sparse.csr_matrix) -> dict[int, TreePart]:
        """The tree's part of every block, by its first row: worked out once for both passes, on threads
        (SciPy's sparse products release the GIL, and they are most of the time)."""
        if self.tree is None:
            return {}
        tree = self.tree
        starts = range(0, features.shape[0], BLOCK)
        with ThreadPoolExecutor(min(TREE_THREADS, os.cpu_count() or 1)) as pool:
            parts = pool.map(lambda start: _tree_part(tree.scores(features[start : start + BLOCK])), starts)
            return dict(zip(starts, parts, strict=True))

    def _best(
        self,
        features: sparse.csr_matrix,
        counts: Counts,
        classes: np.ndarray,
        hints: sparse.csr_matrix | None,
        keep: int,
        tree_parts: dict[int, TreePart],
        smoothing: float | np.ndarray = SMOOTHING,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per text, the positions in `classes` of its `keep` most probable categories, best first (-1
        where a text has fewer candidates), their mixed probabilities, and how much the learned model
        spoke (0 to 1); block by block.

        Every leaf has a base probability (the tree's softmax gives a leaf no word matched e^0 / Z);
        only the candidates (leaves matching words, the learned model's best, the hints) are held, as
        their probability above that base, so memory and time follow the matches, not texts × leaves."""
        per_class = counts.size / max(len(counts.classes), 1)
        trust = per_class / (per_class + EXAMPLES_FOR_TRUST) if self.tree is not None else 1.0
        scorer = counts.scorer(smoothing) if counts.size else None
        columns = np.searchsorted(classes, counts.classes)
        order = np.full((features.shape[0], keep), -1, np.int64)
        best = np.zeros((features.shape[0], keep), np.float64)
        spoke = np.zeros(features.shape[0])
        for start in range(0, features.shape[0], BLOCK):
            block = features[start : start + BLOCK]
            rows = block.shape[0]
            # The learned model speaks by how much it has learned, and fully for texts like its examples;
            # beside a tree, only as far as a text is of a category it learned at all.
            speaks = np.full(rows, trust)
            parts: list[sparse.csr_matrix] = []
            if scorer is not None:
                reading = scorer.read(block)
                np.maximum(speaks, reading.closeness, out=speaks)
                if self.tree is not None:
                    speaks *= reading.recognised
                parts.append(_learned_part(reading.log_scores, speaks, columns, len(classes), keep))
                spoke[start : start + rows] = speaks
            base = np.zeros(rows)
            if self.tree is not None:
                above, base = tree_parts[start].above, tree_parts[start].base
                parts.append(sparse.csr_matrix(sparse.diags(1 - speaks) @ above))
                base = (1 - speaks) * base
            total = np.ones(rows)
            if hints is not None:
                given = hints[start : start + BLOCK]
                parts.append(sparse.csr_matrix(given * HINT_WEIGHT))
                total += HINT_WEIGHT * (np.diff(given.indptr) > 0)
            above_base = (
                sum(parts[1:], parts[0]).tocsr() if parts else sparse.csr_matrix((rows, len(classes)))
            )
            top, top_p = _top_per_row(above_base, keep)
            order[start : start + rows] = top
            best[start : start + rows] = (top_p + base[:, None]) / total[:, None]
        return order, best, spoke


def _learned_part(
    log_scores: np.ndarray, speaks: np.ndarray, columns: np.ndarray, width: int, keep: int
) -> sparse.csr_matrix:
    """The learned model's `keep` most probable classes per text, weighted by how much it speaks."""
    probabilities = softmax(log_scores)
    take = min(keep, probabilities.shape[1])
    top = np.argpartition(-probabilities, take - 1, axis=1)[:, :take]
    values = np.take_along_axis(probabilities, top, axis=1) * speaks[:, None]
    rows = np.repeat(np.arange(len(top)), take)
    return sparse.csr_matrix((values.ravel(), (rows, columns[top.ravel()])), shape=(len(top), width))


def _tree_part(scores: sparse.csr_matrix) -> TreePart:
    """The tree's softmax over all leaves, as each matched leaf's probability above the base one of a
    leaf no word matched, and that base; and the best leaf with its lead. Leaves far below a text's best
    (more than TREE_REACH in cosine: e^-6 of its probability) count as unmatched."""
    scores = scores.tocsr()
    rows = np.repeat(np.arange(scores.shape[0]), np.diff(scores.indptr))
    best = np.asarray(scores.max(axis=1).todense(), dtype=np.float64).ravel()  # scores are ≥ 0
    near = scores.data >= best[rows] - TREE_REACH
    rows, leaves = rows[near], scores.indices[near]
    # Shifted by the best score so that exp stays finite: every term × e^(-k·best).
    lifted = np.exp(TREE_SHARPNESS * (scores.data[near] - best[rows]))
    floor = np.exp(-TREE_SHARPNESS * best)
    matched = np.bincount(rows, minlength=scores.shape[0])
    partition = (
        np.bincount(rows, weights=lifted, minlength=scores.shape[0]) + (scores.shape[1] - matched) * floor
    )
    base = floor / partition
    above = sparse.csr_matrix(((lifted - floor[rows]) / partition[rows], (rows, leaves)), shape=scores.shape)
    top, values = _top_per_row(above, 2)
    return TreePart(above, base, top[:, 0], values[:, 0] - values[:, 1])


def _top_per_row(matrix: sparse.csr_matrix, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's `keep` largest entries, best first: their columns (-1 past the row's entries) and
    values (0 there)."""
    matrix.sum_duplicates()
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    # One sort key: the row, then the value descending (values are probabilities, below 2).
    ranked = np.argsort(rows * 4.0 - matrix.data, kind="stable")
    position = np.arange(len(ranked)) - matrix.indptr[rows[ranked]]
    wanted = position < keep
    chosen = ranked[wanted]
    top = np.full((matrix.shape[0], keep), -1, np.int64)
    values = np.zeros((matrix.shape[0], keep))
    top[rows[chosen], position[wanted]] = matrix.indices[chosen]
    values[rows[chosen], position[wanted]] = matrix.data[chosen]
    return top, values


def _tree_guesses(tree_parts: dict[int, TreePart]) -> TreeGuesses | None:
    """Per text, the tree's best leaf (its position in the classes) and its lead over the runner-up."""
    if not tree_parts:
        return None
    parts = [tree_parts[start] for start in sorted(tree_parts)]
    return np.concatenate([part.guess for part in parts]), np.concatenate([part.lead for part in parts])


def _sure(order: np.ndarray, best: np.ndarray, speaks: np.ndarray, tree: TreeGuesses | None) -> np.ndarray:
    """The texts the first pass is sure of, to learn from: those at SURE or more, and the better half
    (by the tree's lead) of the texts the tree leads, where the learned model speaks for less than half.
    Those teach only if, on the texts the learned model leads, the tree's guesses with as much lead agree
    with it at least TREE_AGREEMENT of the time: a tree whose names do not fit the merchant's categories
    teaches nothing. With no examples there is nothing to check the tree against. A leaf that fewer than
    MIN_GUESS_SHARE of these guesses name is left out: a handful of texts teach it little, and every
    category taught costs the second pass a column."""
    guessed = order[:, 0] >= 0
    sure = guessed & (best[:, 0] >= SURE)
    led = speaks < 0.5
    if tree is None or not led.any():
        return sure
    leaf, lead = tree
    guessed &= lead > np.median(lead[led])
    checked = guessed & ~led
    if checked.any() and np.mean(leaf[checked] == order[checked, 0]) < TREE_AGREEMENT:
        return sure
    guessed &= led
    if not guessed.any():
        return sure
    per_leaf = np.bincount(order[guessed, 0], minlength=order.max() + 1)
    guessed &= per_leaf[np.maximum(order[:, 0], 0)] >= MIN_GUESS_SHARE * guessed.sum()
    return sure | guessed


def _hints(distinct: pl.Series, hints: pl.DataFrame | None, classes: np.ndarray) -> sparse.csr_matrix | None:
    """texts × classes: each hint's weight, halving with its rank, one in all per text."""
    if hints is None or hints.is_empty():
        return None
    positions = pl.DataFrame({"text": distinct}).with_row_index("row")
    known = hints.join(positions, on="text", how="inner").filter(
        pl.col("category_id").is_in(classes.tolist())
    )
    if known.is_empty():
        return None
    weight = known.select(pl.lit(HINT_DECAY).pow(pl.col("rank") - 1).alias("w"), "row")
    weight = weight.with_columns(pl.col("w") / pl.col("w").sum().over("row"))
    return sparse.csr_matrix(
        (
            weight["w"].to_numpy().astype(np.float32),
            (known["row"].to_numpy(), np.searchsorted(classes, known["category_id"].to_numpy())),
        ),
        shape=(len(distinct), len(classes)),
    )


def _empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "row": pl.UInt32,
            "rank": pl.Int32,
            "category_id": pl.Int64,
            "raw": pl.Float64,
            "confidence": pl.Float64,
        }
    )
