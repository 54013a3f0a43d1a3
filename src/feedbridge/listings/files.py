"""A build as a file (`feedbridge build export|import`): YAML or JSON that round-trips exactly, written and
read as rule files are (rules.files: no defaults, text kept as written, duplicate keys refused)."""

from __future__ import annotations

from pathlib import Path

from feedbridge.errors import InvalidInput
from feedbridge.listings.spec import Build, build_data
from feedbridge.listings.validation import build_from_data
from feedbridge.rules.files import FileFormat, dump_data, dump_file, load_data


def build_text(build: Build, fmt: FileFormat = FileFormat.YAML) -> str:
    return dump_data(build_data(build), fmt)


def dump_build(build: Build, path: Path) -> None:
    dump_file(build_data(build), path)


def load_build(path: Path) -> Build:
    """The build in a YAML or JSON file; InvalidInput saying what is wrong where."""
    data = load_data(path)
    if data is not None and not isinstance(data, dict):
        raise InvalidInput(
            str(path), "must hold a mapping (as `feedbridge build export` writes), not a list."
        )
    return build_from_data(data or {}, source=str(path))
