"""Confidence that means what it says: a model's raw top probability mapped to the share of such
suggestions that were right, measured by cross-validation on the merchant's own examples.

The map is an isotonic (non-decreasing) step function fitted by pool-adjacent-violators. Until there
are MIN_EXAMPLES examples there is nothing to measure against, so confidence is the raw probability
capped at UNMEASURED_CAP: a zero-shot guess never passes an auto-apply threshold above the cap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_EXAMPLES = 30
# Zero-shot suggestions on labelled titles were right about half the time at any raw probability
# (docs/performance.md), so an unmeasured confidence says no more than that.
UNMEASURED_CAP = 0.5


@dataclass(frozen=True)
class Calibration:
    raw: np.ndarray  # float64, increasing: the upper end of each step
    correct: np.ndarray  # float64, non-decreasing: the share right in that step

    @classmethod
    def unmeasured(cls) -> Calibration:
        return cls(np.zeros(0), np.zeros(0))

    @property
    def measured(self) -> bool:
        return len(self.raw) > 0

    @classmethod
    def fit(cls, raw: np.ndarray, correct: np.ndarray) -> Calibration:
        """The isotonic map from raw probabilities to observed correctness."""
        if len(raw) < MIN_EXAMPLES:
            return cls.unmeasured()
        # Equal raw values are one point: a step never splits them.
        points, inverse, sizes = np.unique(raw, return_inverse=True, return_counts=True)
        shares = np.bincount(inverse, weights=correct.astype(np.float64)) / sizes
        values: list[float] = []
        weights: list[float] = []
        ends: list[float] = []
        for x, y, w in zip(points, shares, sizes, strict=True):
            values.append(float(y))
            weights.append(float(w))
            ends.append(float(x))
            while len(values) > 1 and values[-2] > values[-1]:  # pool the violating pair
                w = weights[-2] + weights[-1]
                values[-2] = (values[-2] * weights[-2] + values[-1] * weights[-1]) / w
                weights[-2], ends[-2] = w, ends[-1]
                del values[-1], weights[-1], ends[-1]
        return cls(np.array(ends), np.array(values))

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        if not self.measured:
            return np.minimum(raw, UNMEASURED_CAP)
        steps = np.minimum(np.searchsorted(self.raw, raw, side="left"), len(self.raw) - 1)
        return self.correct[steps]
