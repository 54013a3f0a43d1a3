"""JSON feeds (an array of items, or an object holding it) and NDJSON (one item object per line).

Nested objects are flattened to `parent.child`, like XML. An array of scalars becomes a list
column; an array of objects becomes one list column per sub-field (`variants.sku`, `variants.price`,
aligned by position, a missing sub-field is skipped), exactly like repeated XML elements; an array
holding arrays, or mixing objects and scalars, is kept as its JSON text. Numbers keep their exact
JSON spelling (`1.50` stays `1.50`, a 30-digit id keeps its digits): the standard library parser is
used for that, with its number hooks; `true`/`false` stay words and `null` is an empty (null) value.
"""

from __future__ import annotations

import io
import json as stdjson
from pathlib import Path
from typing import Any

from feedbridge.catalog.model import FeedError, FeedFormat, RawFeed
from feedbridge.catalog.readers.bytes_in import Opened, Progress
from feedbridge.catalog.readers.columns import Columns


def read_json(
    opened: Opened, encoding: str, json_path: str | None, work: Path, progress: Progress | None
) -> RawFeed:
    source = opened.source
    with opened.stream(progress) as stream:
        data = stream.read()
    text = _decode(data, encoding, source)
    document = _loads(text, source)
    if json_path:
        items, path = _at_path(document, json_path, source), json_path
    elif isinstance(document, list):
        items, path = document, ""
    else:
        found = _largest_array(document, "")
        if found is None:
            raise FeedError(
                "no array of items found in the JSON document",
                source=source,
                hint="a JSON feed is an array of item objects, or an object holding one: set the path to it",
            )
        path, items = found
    columns = Columns(work, "json")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise FeedError(
                f"item {number} is {_kind(item)}, not an object",
                source=source,
                item=number,
                hint='each item must be a JSON object like {"id": "1", "title": "…"}',
            )
        _flatten(item, "", columns)
        columns.end_row()
    details = {"json_path": path or "(top level)", "encoding": encoding}
    return RawFeed(frame=columns.scan(), format=FeedFormat.JSON, details=details)


def read_ndjson(opened: Opened, encoding: str, work: Path, progress: Progress | None) -> RawFeed:
    source = opened.source
    columns = Columns(work, "ndjson")
    number = 0
    with opened.stream(progress) as stream:
        lines = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline=None)  # type: ignore[arg-type]
        line_number = 0
        try:
            for line_number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                number += 1
                try:
                    item = stdjson.loads(
                        line, parse_int=_Number, parse_float=_Number, parse_constant=_no_constant
                    )
                except stdjson.JSONDecodeError as error:
                    raise FeedError(
                        f"broken JSON: {error.msg} at column {error.colno}",
                        source=source,
                        line=line_number,
                        item=number,
                        hint="each line of an NDJSON feed must be one complete JSON object",
                    ) from error
                if not isinstance(item, dict):
                    raise FeedError(
                        f"this line is {_kind(item)}, not an object",
                        source=source,
                        line=line_number,
                        item=number,
                        hint="each line of an NDJSON feed must be one JSON object",
                    )
                _flatten(item, "", columns)
                columns.end_row()
        except UnicodeDecodeError as error:
            raise FeedError(
                f"the text is not valid {encoding}",
                source=source,
                line=line_number + 1,
                hint="JSON feeds must be UTF-8: export the feed as UTF-8",
            ) from error
    return RawFeed(frame=columns.scan(), format=FeedFormat.NDJSON, details={"encoding": encoding})


def _flatten(value: dict[str, Any], prefix: str, columns: Columns, in_list: bool = False) -> None:
    for name, inner in value.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(inner, dict):
            _flatten(inner, key, columns, in_list)
        elif isinstance(inner, list):
            if all(isinstance(v, dict) for v in inner) and inner:
                for element in inner:
                    _flatten(element, key, columns, in_list=True)
            elif any(isinstance(v, dict | list) for v in inner):
                _set(columns, key, _dumps(inner), in_list)
            else:
                columns.set_list(key, [_text(v) for v in inner if v is not None])
        elif inner is not None:
            _set(columns, key, _text(inner), in_list)


def _set(columns: Columns, key: str, value: str, in_list: bool) -> None:
    if in_list:
        columns.set_list(key, [value])
    else:
        columns.set(key, value)


def _text(value: Any) -> str:
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _decode(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise FeedError(
            f"the text is not valid {encoding}",
            source=source,
            line=data[: error.start].count(b"\n") + 1,
            hint="JSON feeds must be UTF-8: export the feed as UTF-8",
        ) from error


def _loads(text: str, source: str) -> Any:
    try:
        return stdjson.loads(text, parse_int=_Number, parse_float=_Number, parse_constant=_no_constant)
    except stdjson.JSONDecodeError as error:
        raise FeedError(
            f"broken JSON: {error.msg} at column {error.colno}",
            source=source,
            line=error.lineno,
            hint="the file is cut off or not valid JSON: check that line, or export the feed again",
        ) from error


class _Number(str):
    """A JSON number, kept as the text it was written as."""


def _dumps(value: Any) -> str:
    """JSON text for a value kept whole (numbers written as they were)."""
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, list):
        return "[" + ",".join(_dumps(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{stdjson.dumps(k)}:{_dumps(v)}" for k, v in value.items()) + "}"
    return stdjson.dumps(value, ensure_ascii=False)


def _no_constant(name: str) -> Any:
    raise stdjson.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def _at_path(document: Any, path: str, source: str) -> list[Any]:
    current = document
    for part in path.strip().strip(".").split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            keys = ", ".join(list(current)[:20]) if isinstance(current, dict) else _kind(current)
            raise FeedError(
                f"the JSON has nothing at {path!r} (no {part!r})",
                source=source,
                hint=f"there: {keys}",
            )
    if not isinstance(current, list):
        raise FeedError(f"{path!r} is {_kind(current)}, not an array of items", source=source)
    return current


def _largest_array(value: Any, path: str) -> tuple[str, list[Any]] | None:
    """The longest array of objects anywhere in the document (its dotted path and the array)."""
    best: tuple[str, list[Any]] | None = None
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            best = (path, value)
        return best  # arrays inside items are the items' own fields
    if isinstance(value, dict):
        for name, inner in value.items():
            found = _largest_array(inner, f"{path}.{name}" if path else name)
            if found is not None and (best is None or len(found[1]) > len(best[1])):
                best = found
    return best


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "null" if value is None else f"a {type(value).__name__}"
