"""The category catalogue: the tree (package data built by scripts/build_sandbox_categories.py) and the
attributes of each category.

Static data shared by every sandbox in the process: loaded on first use, then kept (not sandbox state).
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import orjson

from .attributes import attribute_catalogue
from .model import Attribute, Category


@dataclass(frozen=True)
class _Tree:
    by_id: dict[int, Category]
    roots: tuple[Category, ...]


@cache
def _tree() -> _Tree:
    data = gzip.decompress(files("aliexpress_sandbox").joinpath("data/categories.json.gz").read_bytes())
    rows = orjson.loads(data)["categories"]  # [id, parent_id, level, is_leaf, names], parents first
    children: defaultdict[int, list[int]] = defaultdict(list)
    for row in rows:
        children[row[1]].append(row[0])
    by_id = {
        row[0]: Category(row[0], row[1], row[2], bool(row[3]), row[4], tuple(children.get(row[0], ())))
        for row in rows
    }
    return _Tree(by_id, tuple(by_id[i] for i in children[0]))


def get_category(category_id: int) -> Category | None:
    return _tree().by_id.get(category_id)


def children(parent_id: int) -> list[Category]:
    """The children in tree order; 0 gives the roots; an unknown id or a leaf gives []."""
    tree = _tree()
    if parent_id == 0:
        return list(tree.roots)
    parent = tree.by_id.get(parent_id)
    return [tree.by_id[i] for i in parent.children] if parent else []


def all_categories() -> list[Category]:
    """Every category, parents before children."""
    return list(_tree().by_id.values())


def path(category_id: int) -> list[Category]:
    """From the root down to the category itself; [] for an unknown id."""
    by_id = _tree().by_id
    out: list[Category] = []
    category = by_id.get(category_id)
    while category is not None:
        out.append(category)
        category = by_id.get(category.parent_id)
    return out[::-1]


def is_leaf(category_id: int) -> bool:
    category = get_category(category_id)
    return category is not None and category.is_leaf


def category_attributes(category_id: int) -> list[Attribute]:
    """Product and SKU attributes of a category (set by its root's family); [] for an unknown id."""
    trail = path(category_id)
    return list(attribute_catalogue().for_root(trail[0].id)) if trail else []
