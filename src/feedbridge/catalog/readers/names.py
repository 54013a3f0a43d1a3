"""Column names as a merchant expects them: trimmed, never blank, never duplicated."""

from __future__ import annotations

from collections.abc import Iterable


def clean_names(raw: Iterable[str]) -> list[str]:
    """Trim each name; a blank one becomes `column_N` (N counts from 1); a repeat gets `_2`, `_3`, …

    >>> clean_names([" id ", "", "id", "\\ufeffprice"])
    ['id', 'column_2', 'id_2', 'price']
    """
    trimmed = [name.replace("\ufeff", "").strip() for name in raw]
    named = [name or f"column_{position}" for position, name in enumerate(trimmed, start=1)]
    return dedupe(named)


def dedupe(names: Iterable[str]) -> list[str]:
    """Keep the first of each name; later repeats get the first free suffix `_2`, `_3`, …"""
    names = list(names)
    taken = set(names)
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        if name not in seen:
            seen.add(name)
            result.append(name)
            continue
        suffix = 2
        while f"{name}_{suffix}" in taken:
            suffix += 1
        fresh = f"{name}_{suffix}"
        taken.add(fresh)
        seen.add(fresh)
        result.append(fresh)
    return result
