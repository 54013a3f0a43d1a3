"""A multinomial naive Bayes text classifier kept as per-category feature counts.

Counts make learning incremental and exact: an example adds its features to its category's row, a
corrected or withdrawn example subtracts them, and the model after any sequence of changes equals the
model trained from the final examples at once. Scoring is sparse: with smoothing α, the log-probability
of a feature is log α + log1p(count / α) − log(total + αV), so only the features a category has seen
cost a multiplication and the rest is one number per category.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit

from feedbridge.categories.ai.features import FEATURE_SPACE

SMOOTHING = 0.003  # α; small, since titles are short and a model number is decisive (docs/performance.md)


@dataclass
class Counts:
    classes: np.ndarray  # int64 category ids, sorted
    counts: sparse.csr_matrix  # classes × FEATURE_SPACE, float32
    examples: np.ndarray  # float64 weight of examples per class

    @classmethod
    def empty(cls) -> Counts:
        return cls(
            np.zeros(0, np.int64), sparse.csr_matrix((0, FEATURE_SPACE), dtype=np.float32), np.zeros(0)
        )

    @property
    def size(self) -> float:
        return float(self.examples.sum())

    def added(
        self, features: sparse.csr_matrix, labels: np.ndarray, weight: float | np.ndarray = 1.0
    ) -> Counts:
        """These counts with the examples (`features` rows labelled `labels`) added; a negative weight
        takes examples away. Categories whose examples all went are dropped."""
        if features.shape[0] == 0:
            return self
        classes = np.union1d(self.classes, labels)
        weights = np.broadcast_to(np.asarray(weight, dtype=np.float64), labels.shape)
        rows = np.searchsorted(classes, labels)
        assign = sparse.csr_matrix(
            (weights.astype(np.float32), (rows, np.arange(len(labels)))), shape=(len(classes), len(labels))
        )
        grown = self._grown_to(classes)
        counts = (grown.counts + assign @ features).tocsr()
        examples = grown.examples + np.bincount(rows, weights=weights, minlength=len(classes))
        counts.data[np.abs(counts.data) < 1e-6] = 0  # what was added and taken away again
        counts.eliminate_zeros()
        keep = examples > 1e-9
        return Counts(classes[keep], sparse.csr_matrix(counts[keep]), examples[keep])

    def _grown_to(self, classes: np.ndarray) -> Counts:
        rows = np.searchsorted(classes, self.classes)
        move = sparse.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, np.arange(len(rows)))), shape=(len(classes), len(rows))
        )
        examples = np.zeros(len(classes))
        examples[rows] = self.examples
        return Counts(classes, (move @ self.counts).tocsr(), examples)

    def restricted(self, allowed: np.ndarray) -> Counts:
        """Only the categories in `allowed` (for instance the leaves of the API's tree)."""
        keep = np.isin(self.classes, allowed)
        return Counts(self.classes[keep], sparse.csr_matrix(self.counts[keep]), self.examples[keep])

    def scorer(self, smoothing: float | np.ndarray = SMOOTHING) -> Scorer:
        """What scoring needs, computed once for many blocks of rows; `smoothing` is α, or α per class."""
        alpha = np.broadcast_to(np.asarray(smoothing, dtype=np.float64), self.classes.shape)
        log_counts = self.counts.tocsr(copy=True)
        per_entry = np.repeat(alpha, np.diff(log_counts.indptr))
        log_counts.data = np.log1p(np.maximum(log_counts.data, 0) / per_entry).astype(np.float32)
        vocabulary = max(int(np.count_nonzero(np.asarray(self.counts.sum(axis=0)).ravel() > 0)), 1)
        totals = np.asarray(self.counts.sum(axis=1)).ravel()
        per_feature = (np.log(alpha) - np.log(totals + alpha * vocabulary)).astype(np.float32)
        prior = np.log(self.examples / self.examples.sum()).astype(np.float32)
        positive = self.counts.maximum(0)
        norms = np.sqrt(np.asarray(positive.multiply(positive).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        centroids = sparse.csr_matrix((sparse.diags(1 / norms) @ positive).T, dtype=np.float32)
        columns = sparse.hstack([log_counts.T, centroids], format="csr")
        return Scorer(self.classes, columns, per_feature, prior, float(np.log(vocabulary)))


@dataclass(frozen=True)
class Reading:
    """What the learned model says of a block of texts."""

    log_scores: np.ndarray  # rows × classes joint log-likelihoods (dense: read blocks of rows)
    closeness: np.ndarray  # per row, the cosine with the closest class's examples (1: like those learned)
    recognised: np.ndarray  # per row, the probability that the text is of a class learned at all


@dataclass(frozen=True)
class Scorer:
    """The learned model as read by `read` (one class or more)."""

    classes: np.ndarray
    # FEATURE_SPACE × 2·classes: each class's log-counts, then its examples' direction (unit length); the
    # two have the same nonzeros, so one sparse product reads both
    columns: sparse.csr_matrix
    per_feature: np.ndarray  # the log-probability of a feature a class has not seen
    prior: np.ndarray
    log_vocabulary: float  # log of the number of features the examples hold

    def read(self, features: sparse.csr_matrix) -> Reading:
        """`recognised` weighs the classes against one more with no examples (every feature 1 / vocabulary
        under the smoothing) and an average class's prior: a text of words the examples never had is of
        none of them, however the classes rank."""
        width = len(self.classes)
        product = sparse.csr_matrix(features @ self.columns)
        mass = np.asarray(features.sum(axis=1)).ravel()
        log_scores = product[:, :width].toarray() + mass[:, None] * self.per_feature + self.prior
        closeness = np.asarray(product[:, width:].max(axis=1).toarray()).ravel()
        unknown = -mass * self.log_vocabulary - np.log(width)
        top = np.maximum(log_scores.max(axis=1), unknown)
        learned = np.log(np.exp(log_scores - top[:, None]).sum(axis=1)) + top
        return Reading(log_scores, closeness, expit(learned - unknown))


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
