"""Category suggestion for a product title: a small, deterministic text relevance over leaf categories.

A leaf scores by the title words found in its own name (most) and in its ancestors' names, plus the share
of its own name the title covers, so "Mobile Phones" beats "Mobile Phone Antenna" for a phone title. Names
are read in the title's language where the category has one, else in English.
"""

from __future__ import annotations

import re
from functools import cache

from .catalog import all_categories, path
from .model import Category

# Words that say nothing about a category (English, French, German, Spanish, Portuguese).
STOP_WORDS = frozenset(
    {"a", "an", "and", "the", "for", "with", "of", "in", "on", "to", "by", "new", "hot", "sale"}
    | {
        "de",
        "la",
        "le",
        "les",
        "et",
        "pour",
        "avec",
        "und",
        "für",
        "mit",
        "el",
        "los",
        "para",
        "con",
        "y",
        "com",
        "e",
    }
)
WORD = re.compile(r"\w+")


def stem(word: str) -> str:
    """Light plural folding: phones -> phone, batteries -> battery, dresses -> dress."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(text: str) -> set[str]:
    return {stem(w) for w in WORD.findall(text.lower()) if w not in STOP_WORDS and not w.isdigit()}


def _name(category: Category, language: str) -> str:
    return category.names.get(language) or category.name


@cache
def _leaves(language: str) -> tuple[tuple[Category, frozenset[str], frozenset[str]], ...]:
    """(leaf, words of its name, words of its ancestors' names), per language, computed once."""
    out = []
    for category in all_categories():
        if category.is_leaf:
            ancestors = path(category.id)[:-1]
            own = frozenset(terms(_name(category, language)))
            # Ancestors only add words the leaf's own name lacks ("Women" for "Women > Dresses").
            above = frozenset(w for a in ancestors for w in terms(_name(a, language))) - own
            out.append((category, own, above))
    return tuple(out)


def rank(title: str, language: str) -> list[Category]:
    """Leaves sharing a word with the title, best first (ties by id); [] when none does."""
    wanted = terms(title)
    scored = []
    for category, own, above in _leaves(language):
        hits = len(wanted & own)
        if not hits:
            continue
        score = 2 * hits + len(wanted & above) + hits / len(own)
        scored.append((-score, category.id, category))
    return [category for _, _, category in sorted(scored)]
