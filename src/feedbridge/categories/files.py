"""An API's category lines as a file: `lines:` and the lines in order, in YAML (or JSON) that round-trips
exactly — written and read as rule files are (`rules.files`: no defaults, text kept as written)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.validation import parse_line
from feedbridge.errors import InvalidInput
from feedbridge.rules.files import FileFormat, dump_data, dump_file, load_data, plain_data

_KEY = "lines"


def lines_data(lines: Sequence[CategoryLine]) -> dict[str, Any]:
    return {_KEY: [plain_data(line) for line in lines]}


def lines_text(lines: Sequence[CategoryLine], fmt: FileFormat = FileFormat.YAML) -> str:
    return dump_data(lines_data(lines), fmt)


def dump_lines(lines: Sequence[CategoryLine], path: Path) -> None:
    dump_file(lines_data(lines), path)


def lines_from_data(data: Any, *, source: str) -> list[CategoryLine]:
    """Every line in `data`; InvalidInput naming the file, the line and the part when one is wrong."""
    if not isinstance(data, dict) or set(data) != {_KEY}:
        raise InvalidInput(
            source, f"must hold '{_KEY}:' and a list of lines (as `categories lines --export` writes)."
        )
    found = data[_KEY] or []
    if not isinstance(found, list):
        raise InvalidInput(source, f"'{_KEY}' must be a list of lines, not {found!r}.")
    lines: list[CategoryLine] = []
    for position, item in enumerate(found, start=1):
        try:
            lines.append(parse_line(item, position))
        except InvalidInput as error:
            raise InvalidInput(source, str(error)) from None
    return lines


def load_lines(path: Path) -> list[CategoryLine]:
    return lines_from_data(load_data(path), source=str(path))
