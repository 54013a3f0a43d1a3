"""The engine's helper columns, carried next to the fields while a stage of rules runs.

Their names start with NUL, which no feed field name holds, so they never collide with a merchant's
fields; each checkpoint drops them (all but ORIGIN, which explain keeps to follow one item, and the
values derived from fields that later rules may still compare: their lowercase forms and numbers).
"""

from __future__ import annotations

PREFIX = "\x00"
EXCLUDED = PREFIX + "excluded"  # Int32: position of the rule that excluded the item; null while it stays
FIRST = PREFIX + "first"  # Boolean: the first part of an item that split_items split (counted once)
ORIGIN = PREFIX + "origin"  # explain: the item's row in the input frame
PART = PREFIX + "part"  # split_items: the part's number, 1 …
SPLIT = PREFIX + "split"  # split_items: this item is split into parts
_CHANGED = PREFIX + "changed" + PREFIX


def is_helper(name: str) -> bool:
    return name.startswith(PREFIX)


def selected(position: int) -> str:
    """Boolean: the rule's IF selected the item (and the item reached the rule)."""
    return f"{PREFIX}then{PREFIX}{position}"


def not_selected(position: int) -> str:
    """Boolean: the item reached the rule and its IF did not select it (the ELSE part's items)."""
    return f"{PREFIX}else{PREFIX}{position}"


def before(field: str) -> str:
    """The field's value when the rule started (for the changed flags)."""
    return f"{PREFIX}before{PREFIX}{field}"


def group_value(index: int) -> str:
    """The aggregate of the rule's index-th group action, computed when the rule starts."""
    return f"{PREFIX}group{PREFIX}{index}"


def lowercase(field: str) -> str:
    """The field's value lowercased, shared by the conditions of later rules until it is written."""
    return f"{PREFIX}lowercase{PREFIX}{field}"


def numbers(field: str) -> str:
    """The field's number (per element for a list), shared by later rules until it is written."""
    return f"{PREFIX}numbers{PREFIX}{field}"


def gtin(field: str) -> str:
    """The field's GTIN digits as an integer, for one rule's GTIN condition."""
    return f"{PREFIX}gtin{PREFIX}{field}"


def changed(position: int, field: str) -> str:
    """Boolean: the rule changed the item's value of the field."""
    return f"{_CHANGED}{position}{PREFIX}{field}"


def parse_changed(name: str) -> tuple[int, str] | None:
    """(position, field) of a `changed` column, None for any other column."""
    if not name.startswith(_CHANGED):
        return None
    position, field = name[len(_CHANGED) :].split(PREFIX, 1)
    return int(position), field
