"""How good the suggestions are on labelled texts: top-1 / top-3 accuracy and the reliability table.

A labelled set is texts with the categories that count as right for each (one or more ids). A share of
it is given to the categorizer as the merchant's examples (0 for zero-shot); the rest is suggested and
scored. The calibration is cross-validated on the examples, as the product does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import polars as pl

from feedbridge.categories.ai.calibration import Calibration
from feedbridge.categories.ai.categorizer import Categorizer
from feedbridge.categories.ai.features import feature_matrix
from feedbridge.categories.ai.model import Counts
from feedbridge.categories.ai.zeroshot import TreeIndex

FOLDS = 5
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)


@dataclass(frozen=True)
class Reliability:
    low: float
    high: float
    suggestions: int
    correct: int


@dataclass(frozen=True)
class Evaluation:
    examples: int
    evaluated: int
    top1: float
    top3: float
    confident: int  # suggestions with confidence ≥ 0.9
    confident_correct: float  # the share of those that are right (nan without any)
    reliability: tuple[Reliability, ...]


def evaluate(
    texts: pl.Series,
    answers: pl.Series,
    *,
    labelled_share: float,
    tree: TreeIndex | None = None,
    seed: int = 0,
) -> Evaluation:
    """`answers` is a list[int64] column: the categories right for each text; the first is the one an
    example teaches."""
    rng = np.random.default_rng(seed)
    labelled = rng.random(len(texts)) < labelled_share
    first = answers.list.first().to_numpy()
    features = feature_matrix(texts.filter(pl.Series(labelled)))
    counts = Counts.empty().added(features, first[labelled])
    calibration = cross_validated(texts.filter(pl.Series(labelled)), first[labelled], seed=seed)
    rest = pl.Series(~labelled)
    found = Categorizer(counts, calibration, tree).suggest(texts.filter(rest), top=3)
    right = pl.DataFrame({"answers": answers.filter(rest)}).with_row_index("row")
    scored = found.join(right, on="row").with_columns(
        pl.col("answers").list.contains(pl.col("category_id")).alias("correct")
    )
    best = scored.filter(pl.col("rank") == 1)
    top3 = scored.group_by("row").agg(pl.col("correct").any())
    confident = best.filter(pl.col("confidence") >= 0.9)
    evaluated = int(rest.sum())
    return Evaluation(
        examples=int(labelled.sum()),
        evaluated=evaluated,
        top1=int(best["correct"].sum()) / evaluated if evaluated else float("nan"),
        top3=int(top3["correct"].sum()) / evaluated if evaluated else float("nan"),
        confident=confident.height,
        confident_correct=confident["correct"].mean() if confident.height else float("nan"),  # type: ignore[arg-type]
        reliability=_reliability(best),
    )


def cross_validated(texts: pl.Series, labels: np.ndarray, *, seed: int = 0) -> Calibration:
    """The calibration measured by suggesting each fold of the examples from the other folds (with
    the examples' categories as the taxonomy: a company's model serves APIs with different trees)."""
    if len(texts) < FOLDS * 2:
        return Calibration.unmeasured()
    fold = np.random.default_rng(seed).integers(0, FOLDS, len(texts))
    features = feature_matrix(texts)
    raw, correct = [], []
    for k in range(FOLDS):
        inside = fold != k
        counts = Counts.empty().added(features[inside], labels[inside])
        found = Categorizer(counts, Calibration.unmeasured()).suggest(texts.filter(pl.Series(~inside)), top=1)
        truth = labels[~inside][found["row"].to_numpy()]
        raw.append(found["raw"].to_numpy())
        correct.append(found["category_id"].to_numpy() == truth)
    return Calibration.fit(np.concatenate(raw), np.concatenate(correct))


def _reliability(best: pl.DataFrame) -> tuple[Reliability, ...]:
    rows = []
    for low, high in itertools.pairwise(BINS):
        inside = best.filter(
            (pl.col("confidence") >= low) & ((pl.col("confidence") < high) | (pl.lit(high == 1.0)))
        )
        rows.append(Reliability(low, high, inside.height, int(inside["correct"].sum())))
    return tuple(rows)
