"""The zero-shot signal: how well an item's text matches each leaf's names and path, with no examples.

A leaf has several names, each read with its ancestors' names at a lower weight ("Women > Dresses"), in
the same hashed features as the items: its name in each language the tree gives, and in English up to
OTHER_WORDS other words from WordNet for the same thing or a kind of it ("Refrigerators": icebox, fridge;
"Dish Washers": dishwasher; see lexicon.py). The name and the path are each of unit length, so that a
path of rare words dilutes the name no more than a path of common words. Features that many names share ("accessories", "parts")
weigh less (inverse frequency), and colour words weigh nothing. A leaf's score is its best name's
cosine with the item, so a German title meets the German name, and a leaf with many names is not
diluted by the ones the title does not use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl
from scipy import sparse

from feedbridge.categories.ai.features import feature_matrix
from feedbridge.categories.ai.lexicon import lexicon
from feedbridge.categories.tree import CategoryTree, pick_name
from feedbridge.rules.templates import ALIEXPRESS_COLOURS

ANCESTOR_WEIGHT = 0.4
OTHER_WORDS = 3  # per leaf; on PriceRunner zero-shot two gave 0.55, three 0.70, eight 0.70 and a third slower


Names = tuple[sparse.csr_matrix, sparse.csr_matrix]  # per leaf (rows): its name, its ancestors' names


@dataclass(frozen=True)
class TreeIndex:
    leaves: np.ndarray  # int64 leaf ids, sorted
    # one per language, then one per WordNet word (each leaf's k-th): FEATURE_SPACE × leaves, unit columns
    layers: tuple[sparse.csr_matrix, ...]

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
        layers: list[Names] = [
            (feature_matrix(pl.Series(names[lang])), feature_matrix(pl.Series(above[lang])))
            for lang in languages
        ]
        if "en" in languages:
            layers += _other_words(tree, leaves, above["en"])
        if not layers:
            return cls(leaves, ())
        stacked = sparse.vstack([own + path for own, path in layers]).tocsc()
        leaf_frequency = np.diff(stacked.indptr)  # names holding each feature
        weight = np.log((1 + stacked.shape[0]) / (1 + leaf_frequency)).astype(np.float32)
        weight[_colour_features()] = 0  # "Black Tea" is no place for a black phone
        return cls(leaves, tuple(_layer(own, path, weight) for own, path in layers))

    def scores(self, features: sparse.csr_matrix) -> sparse.csr_matrix:
        """rows × leaves cosine similarities, each leaf's best name's; sparse, since a title shares
        words with a few hundred of thousands of leaves at most."""
        # The thin products (names few leaves have) first: each maximum costs what both hold.
        products = sorted(
            (sparse.csr_matrix(features @ matrix) for matrix in self.layers), key=lambda p: p.nnz
        )
        best = sparse.csr_matrix((features.shape[0], len(self.leaves)), dtype=np.float32)
        for product in products:
            best = best.maximum(product)
        return sparse.csr_matrix(best)


def _other_words(tree: CategoryTree, leaves: np.ndarray, paths: list[str]) -> list[Names]:
    """Layers like a language's: the k-th holds each leaf's k-th other word in WordNet (the same thing
    first, then kinds of it, single words first), with the leaf's English path."""
    words = lexicon()
    if words is None:
        return []
    per_leaf: list[list[str]] = []
    for leaf in leaves.tolist():
        node = tree.get(leaf)
        own = node.names.get("en", "") if node else ""
        # The path below the top level, which is too broad to choose a sense ("Home" Improvement).
        context = " ".join(pick_name(a.names, "en") for a in tree.path(leaf)[1:])
        same, kinds = words.related(own, context) if own else ([], [])
        kinds = sorted(dict.fromkeys(kinds), key=lambda word: (" " in word, len(word)))
        per_leaf.append(list(dict.fromkeys(same + kinds))[:OTHER_WORDS])
    layers = []
    for k in range(max(map(len, per_leaf), default=0)):
        names = [found[k] if len(found) > k else "" for found in per_leaf]
        above = [path if name else "" for name, path in zip(names, paths, strict=True)]
        layers.append((feature_matrix(pl.Series(names)), feature_matrix(pl.Series(above))))
    return layers


@cache
def _colour_features() -> np.ndarray:
    """The features of colour words (and their pieces): they say what colour an item is, not what it is;
    word pairs such as "black tea" keep theirs."""
    words = [word for names in ALIEXPRESS_COLOURS.values() for word in names if " " not in word]
    return np.unique(feature_matrix(pl.Series(words)).indices)


def _layer(own: sparse.csr_matrix, above: sparse.csr_matrix, weight: np.ndarray) -> sparse.csr_matrix:
    """A layer's leaves as unit-length columns (FEATURE_SPACE × leaves): the weighted name and the
    weighted path, each of unit length, the path at ANCESTOR_WEIGHT. Normalised apart, a path of rare
    words ("Refrigerators & Freezers") takes no more from the name than a path of common ones
    ("Automobiles & Motorcycles"): a title naming neither meets both leaves alike."""
    name, path = _unit_rows(own.multiply(weight[None, :])), _unit_rows(above.multiply(weight[None, :]))
    return sparse.csr_matrix(_unit_rows(name + ANCESTOR_WEIGHT * path).T)


def _unit_rows(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    rows = sparse.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_matrix(sparse.diags(1 / norms) @ rows, dtype=np.float32)
