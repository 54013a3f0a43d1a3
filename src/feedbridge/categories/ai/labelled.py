"""Labelled files for `feedbridge categories evaluate`: texts with the categories that count as right.

A labelled CSV names its text columns and its label column. Labels become category ids in one of two
ways: an answers file maps each label to the ids that count as right in a given tree
({"labels": {"Mobile Phones": [5090301]}}), or the labels are category paths themselves ("Toys | Puzzles")
and make the taxonomy. A tree file is a JSON list of categories {id, parent_id, level, is_leaf, names}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from feedbridge.categories.tree import CategoryNode, CategoryTree
from feedbridge.errors import InvalidInput


@dataclass(frozen=True)
class Labelled:
    texts: pl.Series
    answers: pl.Series  # list[int64]: the ids right for each text
    tree: CategoryTree


def read_labelled(
    path: Path,
    *,
    text_columns: list[str],
    label_column: str,
    answers: Path | None = None,
    tree: CategoryTree | None = None,
    path_separator: str = " | ",
) -> Labelled:
    frame = _read_csv(path)
    columns = {name.strip(): name for name in frame.columns}  # headers with stray spaces still match
    for wanted in [*text_columns, label_column]:
        if wanted not in columns:
            raise InvalidInput(str(path), f"no column {wanted!r}; columns: {', '.join(columns)}")
    frame = frame.filter(pl.col(columns[label_column]).is_not_null())
    texts = pl.concat_str(
        [pl.col(columns[c]).cast(pl.String) for c in text_columns], separator=" | ", ignore_nulls=True
    )
    texts_series = frame.select(texts.fill_null("").alias("text"))["text"]
    labels = frame[columns[label_column]].cast(pl.String).str.strip_chars()
    if answers is not None:
        if tree is None:
            raise InvalidInput("--answers", "give the tree the answers' ids are in (--tree FILE or --api)")
        mapping = _answers(answers)
        unknown = sorted(set(labels.to_list()) - set(mapping))
        if unknown:
            raise InvalidInput(str(answers), f"no ids for the label {unknown[0]!r}; add it to the answers")
        return Labelled(texts_series, labels.replace_strict(mapping, return_dtype=pl.List(pl.Int64)), tree)
    taxonomy, ids = _paths_tree(labels.unique().sort().to_list(), path_separator)
    by_path = pl.DataFrame({"id": labels.replace_strict(ids, return_dtype=pl.Int64)})
    return Labelled(texts_series, by_path.select(pl.concat_list("id"))["id"], taxonomy)


def read_tree(path: Path) -> CategoryTree:
    try:
        nodes = json.loads(path.read_text(encoding="utf-8"))
        return CategoryTree.from_nodes(CategoryNode(**node) for node in nodes)
    except (OSError, ValueError, TypeError) as error:
        raise InvalidInput(
            str(path),
            f"not a category tree ({error}); give a JSON list of {{id, parent_id, level, is_leaf, names}}",
        ) from None


def _read_csv(path: Path) -> pl.DataFrame:
    try:
        return pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise InvalidInput(str(path), f"cannot be read as CSV ({error})") from None


def _answers(path: Path) -> dict[str, list[int]]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        labels = data.get("labels", data)
        return {str(label): [int(i) for i in ids] for label, ids in labels.items()}
    except (OSError, ValueError, TypeError, AttributeError) as error:
        raise InvalidInput(
            str(path), f'not an answers file ({error}); give {{"labels": {{label: [ids]}}}}'
        ) from None


def _paths_tree(paths: list[str], separator: str) -> tuple[CategoryTree, dict[str, int]]:
    """A tree whose categories are the labels' paths; every label is a category that can be chosen."""
    ids: dict[str, int] = {}
    nodes: dict[int, CategoryNode] = {}
    for label in paths:
        parts = [part.strip() for part in label.split(separator.strip())]
        for depth in range(1, len(parts) + 1):
            key = separator.join(parts[:depth])
            if key not in ids:
                ids[key] = len(ids) + 1
                parent = ids[separator.join(parts[: depth - 1])] if depth > 1 else 0
                nodes[ids[key]] = CategoryNode(ids[key], parent, depth, True, {"en": parts[depth - 1]})
    normalized = {
        label: ids[separator.join(p.strip() for p in label.split(separator.strip()))] for label in paths
    }
    # A category is selectable when it is a label, whether or not deeper labels sit under it.
    chosen = set(normalized.values())
    tree = CategoryTree.from_nodes(
        CategoryNode(n.id, n.parent_id, n.level, n.id in chosen, n.names) for n in nodes.values()
    )
    return tree, normalized
