"""Suggest leaf categories for texts: the learned model, the tree's names and outside hints, combined.

Taxonomy-neutral: a tree in (or none: then the categories are whatever the examples name), leaf ids out.

1. Every distinct text is scored by the signals it has: the naive Bayes model learned from the
   merchant's examples, the zero-shot match with the leaves' names and paths, and hints (the
   marketplace's own category suggestion for a text, where it was asked). The signals are mixed by how
   much each can be trusted: the more examples, the more the learned model speaks, and it speaks fully
   for a text as close to its examples as they are to each other.
2. Self-training: the texts the first pass is sure of (or, with no examples at all, the better half by
   margin) are added to the model at a fraction of an example's weight, and everything is scored again,
   so a brand or model number seen next to a category word carries that category to titles without one.
3. The top probability is mapped to a confidence by the calibration measured on the examples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import sparse

from feedbridge.categories.ai.calibration import Calibration
from feedbridge.categories.ai.features import feature_matrix
from feedbridge.categories.ai.model import Counts, softmax
from feedbridge.categories.ai.zeroshot import TreeIndex

BLOCK = 10_000  # texts scored at once: bounds the dense texts × categories blocks
TREE_SHARPNESS = 40.0  # cosine → probability: a 0.1 lead in cosine is a factor e^4
HINT_WEIGHT = 0.5  # a marketplace suggestion counts as much as half of all other signals
HINT_DECAY = 0.5  # each later suggestion of a hint weighs half the one before
EXAMPLES_FOR_TRUST = 20.0  # the learned model speaks for n / (n + this) of the mix
SURE = 0.9  # first-pass probability from which a text teaches the second pass
SELF_WEIGHT = 0.3  # what such a text weighs against a merchant's example


@dataclass(frozen=True)
class Categorizer:
    counts: Counts  # the merchant's examples
    calibration: Calibration
    tree: TreeIndex | None = None

    def suggest(self, texts: pl.Series, *, hints: pl.DataFrame | None = None, top: int = 3) -> pl.DataFrame:
        """Per text (by position `row`), the `top` categories best first: row, rank, category_id,
        confidence and raw (the uncalibrated probability). `hints` has columns text, category_id, rank."""
        distinct = texts.cast(pl.String).fill_null("").unique(maintain_order=True).rename("text")
        features = feature_matrix(distinct)
        classes = self._classes()
        if len(classes) == 0:
            return _empty()
        hint_matrix = _hints(distinct, hints, classes)
        counts = self.counts.restricted(classes) if self.tree is not None else self.counts
        keep = min(max(top, 2), len(classes))
        order, raw = self._best(features, counts, classes, hint_matrix, keep)
        taught = _self_taught(features, order, raw, classes, counts.size)
        if taught is not None:
            order, raw = self._best(features, counts.added(*taught, SELF_WEIGHT), classes, hint_matrix, keep)
        order, raw = order[:, :top], raw[:, :top].astype(np.float64)
        by_text = pl.DataFrame(
            {
                "text": np.repeat(distinct.to_numpy(), order.shape[1]),
                "rank": np.tile(np.arange(1, order.shape[1] + 1, dtype=np.int32), len(distinct)),
                "category_id": classes[order].ravel(),
                "raw": raw.ravel(),
                "confidence": self.calibration(raw.ravel()),
            }
        )
        rows = pl.DataFrame({"text": texts.cast(pl.String).fill_null("")}).with_row_index("row")
        return rows.join(by_text, on="text", how="inner").drop("text").sort("row", "rank")

    def _classes(self) -> np.ndarray:
        if self.tree is not None:
            return self.tree.leaves
        return self.counts.classes

    def _best(
        self,
        features: sparse.csr_matrix,
        counts: Counts,
        classes: np.ndarray,
        hints: sparse.csr_matrix | None,
        keep: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per text, the positions in `classes` of its `keep` most probable categories (best first) and
        their mixed probabilities; block by block, so memory holds one block of texts × classes."""
        trust = counts.size / (counts.size + EXAMPLES_FOR_TRUST)
        scorer = counts.scorer() if counts.size else None
        columns = np.searchsorted(classes, counts.classes)
        order = np.empty((features.shape[0], keep), np.int64)
        best = np.empty((features.shape[0], keep), np.float32)
        for start in range(0, features.shape[0], BLOCK):
            block = features[start : start + BLOCK]
            mixed = np.zeros((block.shape[0], len(classes)), np.float32)
            # The learned model speaks by how much it has learned, and fully for texts like its examples.
            speaks = np.full((block.shape[0], 1), trust, np.float32)
            if scorer is not None:
                np.maximum(speaks, scorer.closeness(block)[:, None], out=speaks)
                mixed[:, columns] += speaks * softmax(scorer.log_scores(block))
            if self.tree is not None:
                mixed += (1 - speaks) * softmax(TREE_SHARPNESS * self.tree.scores(block))
            if hints is not None:
                mixed += HINT_WEIGHT * hints[start : start + BLOCK].toarray()
            mixed /= mixed.sum(axis=1, keepdims=True)
            top = np.argpartition(-mixed, keep - 1, axis=1)[:, :keep]
            top_p = np.take_along_axis(mixed, top, axis=1)
            ranked = np.argsort(-top_p, axis=1, kind="stable")
            order[start : start + BLOCK] = np.take_along_axis(top, ranked, axis=1)
            best[start : start + BLOCK] = np.take_along_axis(top_p, ranked, axis=1)
        return order, best


def _self_taught(
    features: sparse.csr_matrix, order: np.ndarray, best: np.ndarray, classes: np.ndarray, examples: float
) -> tuple[sparse.csr_matrix, np.ndarray] | None:
    """The texts the first pass is sure of, with their categories, to learn from."""
    if examples:
        sure = best[:, 0] >= SURE
    else:  # nothing to be sure against: the better half by margin over the runner-up
        margin = best[:, 0] - best[:, 1] if best.shape[1] > 1 else best[:, 0]
        sure = margin > np.median(margin)
    if not sure.any():
        return None
    return sparse.csr_matrix(features[sure]), classes[order[sure, 0]]


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
