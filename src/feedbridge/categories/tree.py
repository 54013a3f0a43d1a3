"""A marketplace's category tree: names in several languages, paths, leaves and search.

Taxonomy-neutral (a tree in, leaf ids out): nothing here knows AliExpress, so another marketplace's
tree, or a merchant's own taxonomy, works the same. The tree a connection holds contains only the
categories the seller may post in, so its leaves are exactly the categories that can be chosen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property

import polars as pl

ROOT = 0
FALLBACK_LANGUAGE = "en"
DEFAULT_SEARCH_LIMIT = 50
_WORD = re.compile(r"\w+")
# Scripts written without spaces between words (Thai, kana, CJK): a query word may match inside a word.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def pick_name(names: Mapping[str, str], language: str) -> str:
    """The name in `language`, else in English, else in any language given ("" without names)."""
    for candidate in (language, FALLBACK_LANGUAGE):
        if names.get(candidate):
            return names[candidate]
    return next((name for name in names.values() if name), "")


@dataclass(frozen=True)
class CategoryNode:
    id: int
    parent_id: int  # ROOT (0) for the top level
    level: int  # 1 for the top level
    is_leaf: bool
    names: Mapping[str, str]  # language code → name


class Match(IntEnum):
    """How a search hit matched, best first."""

    EXACT = 0  # the name is the query
    STARTS_WITH = 1  # the name starts with the query
    NAME = 2  # every word of the query is in the name
    PATH = 3  # every word is in the path, but not all of them in the name


@dataclass(frozen=True)
class SearchHit:
    id: int
    name: str  # in the requested language (or its fallback)
    path: str  # root first, in the requested language
    is_leaf: bool
    language: str  # the language whose name matched
    match: Match


@dataclass(frozen=True)
class _Entry:
    """One node's name in one language, folded for search."""

    node: CategoryNode
    language: str
    name: str  # folded words joined by spaces
    name_words: tuple[str, ...]
    path_words: tuple[str, ...]


class CategoryTree:
    def __init__(self, nodes: Mapping[int, CategoryNode]) -> None:
        self._nodes = dict(nodes)
        self._children: dict[int, list[CategoryNode]] = {}
        for node in self._nodes.values():
            self._children.setdefault(node.parent_id, []).append(node)

    @classmethod
    def from_nodes(cls, nodes: Iterable[CategoryNode]) -> CategoryTree:
        return cls({node.id: node for node in nodes})

    def __len__(self) -> int:
        return len(self._nodes)

    def get(self, category_id: int) -> CategoryNode | None:
        return self._nodes.get(category_id)

    def children(self, category_id: int = ROOT) -> list[CategoryNode]:
        return list(self._children.get(category_id, []))

    def name(self, category_id: int, language: str) -> str:
        node = self._nodes.get(category_id)
        return "" if node is None else pick_name(node.names, language)

    def path(self, category_id: int) -> list[CategoryNode]:
        """The node and its ancestors, root first ([] for an unknown id)."""
        trail: dict[int, CategoryNode] = {}
        node = self._nodes.get(category_id)
        while node is not None and node.id not in trail:  # a malformed tree with a cycle stops here
            trail[node.id] = node
            node = self._nodes.get(node.parent_id)
        return list(trail.values())[::-1]

    def path_text(self, category_id: int, language: str, separator: str = " > ") -> str:
        return separator.join(pick_name(node.names, language) for node in self.path(category_id))

    def is_leaf(self, category_id: int) -> bool:
        node = self._nodes.get(category_id)
        return node is not None and node.is_leaf

    def leaf_ids(self) -> frozenset[int]:
        return frozenset(node.id for node in self._nodes.values() if node.is_leaf)

    def paths(self, language: str) -> pl.DataFrame:
        """Every category's id, leaf flag and path text in `language`, in tree order."""
        nodes = list(self._nodes.values())
        return pl.DataFrame(
            {
                "id": [node.id for node in nodes],
                "is_leaf": [node.is_leaf for node in nodes],
                "path": [self.path_text(node.id, language) for node in nodes],
            },
            schema={"id": pl.Int64, "is_leaf": pl.Boolean, "path": pl.String},
        )

    def search(
        self, text: str, language: str, *, leaves_only: bool = True, limit: int = DEFAULT_SEARCH_LIMIT
    ) -> list[SearchHit]:
        """Categories whose name or path holds every word of `text`, in `language` or any other.

        Words are compared case-, accent- and punctuation-insensitively, each as the start of a word of
        the name or path (anywhere inside one for scripts without spaces). Ranked: exact name, name
        starting with the text, name holding every word, path holding them; then hits in `language`
        before other languages, then by level and path.
        """
        words = _folded_words(text)
        if not words:
            return []
        query = " ".join(words)
        best: dict[int, tuple[Match, bool, _Entry]] = {}  # per category: its best name's match
        for entry in self._index:
            if leaves_only and not entry.node.is_leaf:
                continue
            match = _match(entry, words, query)
            if match is None:
                continue
            rank = (match, entry.language != language)
            if entry.node.id not in best or rank < best[entry.node.id][:2]:
                best[entry.node.id] = (*rank, entry)
        hits = [
            SearchHit(
                entry.node.id,
                self.name(entry.node.id, language),
                self.path_text(entry.node.id, language),
                entry.node.is_leaf,
                entry.language,
                match,
            )
            for match, _, entry in best.values()
        ]
        rank_of = {hit.id: (*best[hit.id][:2], best[hit.id][2].node.level) for hit in hits}
        hits.sort(key=lambda hit: (*rank_of[hit.id], hit.path, hit.id))
        return hits[:limit]

    @cached_property
    def _index(self) -> list[_Entry]:
        entries: list[_Entry] = []
        for node in self._nodes.values():
            for language, name in node.names.items():
                if not name:
                    continue
                name_words = _folded_words(name)
                path_words = tuple(_folded_words(self.path_text(node.id, language)))
                entries.append(_Entry(node, language, " ".join(name_words), tuple(name_words), path_words))
        return entries


def _folded_words(text: str) -> list[str]:
    """Lowercase words without accents or punctuation: "Vêtements & Accessoires" → vetements, accessoires."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _WORD.findall("".join(char for char in decomposed if not unicodedata.combining(char)))


def _has(words: tuple[str, ...], word: str) -> bool:
    if _UNSPACED.search(word):
        return any(word in candidate for candidate in words)
    return any(candidate.startswith(word) for candidate in words)


def _match(entry: _Entry, words: list[str], query: str) -> Match | None:
    if not all(_has(entry.path_words, word) for word in words):
        return None
    if entry.name == query:
        return Match.EXACT
    if entry.name.startswith(query):
        return Match.STARTS_WITH
    return Match.NAME if all(_has(entry.name_words, word) for word in words) else Match.PATH
