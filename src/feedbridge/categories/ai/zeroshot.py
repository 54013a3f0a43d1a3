"""The zero-shot signal: how well an item's text matches each leaf's name and path, with no examples.

Each leaf is read once per language it is named in: its name, plus its ancestors' names at a lower
weight ("Women > Dresses"), in the same hashed features as the items; features that many leaves share
("accessories", "parts") weigh less (inverse leaf frequency). A leaf's score is its best language's
cosine with the item, so a German title meets the German names and a leaf with many translations is not
diluted by the ones the title does not use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import sparse

from feedbridge.categories.ai.features import feature_matrix
from feedbridge.categories.tree import CategoryTree, pick_name

ANCESTOR_WEIGHT = 0.4


@dataclass(frozen=True)
class TreeIndex:
    leaves: np.ndarray  # int64 leaf ids, sorted
    by_language: tuple[sparse.csr_matrix, ...]  # per language: FEATURE_SPACE × leaves, unit columns

    @classmethod
    def of(cls, tree: CategoryTree) -> TreeIndex:
        leaves = np.array(sorted(tree.leaf_ids()), dtype=np.int64)
        languages = sorted({lang for leaf in leaves for lang in tree.get(int(leaf)).names})  # type: ignore[union-attr]
        names: dict[str, list[str]] = {lang: [] for lang in languages}
        above: dict[str, list[str]] = {lang: [] for lang in languages}
        for leaf in leaves:
            node = tree.get(int(leaf))
            ancestors = tree.path(int(leaf))[:-1]
            for lang in languages:
                own = node.names.get(lang, "") if node else ""
                names[lang].append(own)  # a leaf without a name in this language scores 0 in it
                above[lang].append(" ".join(pick_name(a.names, lang) for a in ancestors) if own else "")
        matrices = [
            feature_matrix(pl.Series(names[lang])) + ANCESTOR_WEIGHT * feature_matrix(pl.Series(above[lang]))
            for lang in languages
        ]
        if not matrices:
            return cls(leaves, ())
        stacked = sparse.vstack(matrices).tocsc()
        leaf_frequency = np.diff(stacked.indptr)  # documents (leaf, language) holding each feature
        weight = np.log((1 + stacked.shape[0]) / (1 + leaf_frequency)).astype(np.float32)
        return cls(leaves, tuple(_unit_columns(m, weight) for m in matrices))

    def scores(self, features: sparse.csr_matrix) -> sparse.csr_matrix:
        """rows × leaves cosine similarities, the best over languages; sparse, since a title shares
        words with a few hundred of thousands of leaves at most."""
        best = sparse.csr_matrix((features.shape[0], len(self.leaves)), dtype=np.float32)
        for matrix in self.by_language:
            best = best.maximum(features @ matrix)
        return sparse.csr_matrix(best)


def _unit_columns(matrix: sparse.csr_matrix, weight: np.ndarray) -> sparse.csr_matrix:
    """The leaves' weighted feature rows as unit-length columns (FEATURE_SPACE × leaves)."""
    weighted = sparse.csr_matrix(matrix.multiply(weight[None, :]), dtype=np.float32)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_matrix((sparse.diags(1 / norms) @ weighted).T, dtype=np.float32)
