"""Delimited text (CSV, TSV, semicolon, pipe): Polars reads it, every value as text.

The header and the delimiter come from the first records (parsed with Python's csv module, which
handles quoted headers); Polars then reads the whole file with schema inference off. When Polars
cannot read the file, or rows are short, `csv_locate` re-reads it exactly to name the line at fault.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from feedbridge.catalog.model import FeedError, FeedFormat, RawFeed
from feedbridge.catalog.readers import encoding as enc
from feedbridge.catalog.readers.bytes_in import Opened, Progress
from feedbridge.catalog.readers.csv_locate import locate_and_read
from feedbridge.catalog.readers.csv_screen import separators_balanced, short_rows_suspected
from feedbridge.catalog.readers.names import clean_names

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
_NATIVE = (enc.UTF8, enc.UTF8_BOM)  # what Polars reads itself (its windows-1252 decodes in Python, strictly)


def read_delimited(
    opened: Opened,
    head: bytes,
    encoding: str,
    *,
    delimiter: str | None,
    encoding_was_set: bool,
    progress: Progress | None,
) -> RawFeed:
    source = opened.source
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    if len(head) >= HEAD_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # drop a record the head cut off
    sep = _delimiter(delimiter, source) if delimiter else sniff_delimiter(text)
    names = clean_names(_header(text, sep))
    details = {"delimiter": DELIMITERS.get(sep, sep), "encoding": encoding}
    warnings: list[str] = []
    try:
        frame = _read_utf8(opened, encoding, sep, names, warnings, progress)
    except _NotUtf8:
        if encoding_was_set:
            with opened.stream() as content:
                for _ in enc.decoded_chunks(content, enc.UTF8, source=source):
                    pass  # raises a FeedError naming the line
            raise
        frame = _read_utf8(opened, enc.CP1252, sep, names, warnings, None)
        details["encoding"] = enc.CP1252
        warnings.append(
            "the file starts as UTF-8 but has bytes further on that are not UTF-8; it was read as "
            "Windows-1252 (set the encoding if letters look wrong)"
        )
    if progress is not None:
        progress(opened.size)
    frame.columns = names
    return RawFeed(frame=frame.lazy(), format=FeedFormat.CSV, details=details, warnings=warnings)


HEAD_BYTES = 1024**2


class _NotUtf8(Exception):
    """Polars met a byte that is not UTF-8."""


def _read_utf8(
    opened: Opened, encoding: str, sep: str, names: list[str], warnings: list[str], progress: Progress | None
) -> pl.DataFrame:
    with _utf8_file(opened, encoding, progress) as path:
        try:
            frame = _polars(path, sep)
        except pl.exceptions.ComputeError as error:
            if "utf-8" in str(error).lower() or "utf8" in str(error).lower():
                raise _NotUtf8 from error
            frame = locate_and_read(path, enc.UTF8_BOM, sep, names, opened.source, warnings)
        if frame.width != len(names) or _maybe_short(frame, path, sep):
            # Polars fills short rows with empty values: find the line and say so.
            frame = locate_and_read(path, enc.UTF8_BOM, sep, names, opened.source, warnings)
    return frame


def _maybe_short(frame: pl.DataFrame, path: Path, sep: str) -> bool:
    """Short rows end with an empty (or null) last column; only then are the screens worth running: the
    cheap one first (counting separators), the exact one only when its counts do not add up."""
    if frame.width < 2 or frame.height == 0:
        return False
    last = frame.get_column(frame.columns[-1])
    if not (last.null_count() or (last.str.len_bytes() == 0).any()):
        return False
    return not separators_balanced(path, frame, sep) and short_rows_suspected(path, sep, frame.width)


def _polars(path: Path, sep: str) -> pl.DataFrame:
    return pl.read_csv(
        path,
        separator=sep,
        has_header=True,
        infer_schema=False,
        empty_string_is_null=False,
        quote_char='"',
        raise_if_empty=False,
        truncate_ragged_lines=False,
        glob=False,
    )


@contextmanager
def _utf8_file(opened: Opened, encoding: str, progress: Progress | None) -> Iterator[Path]:
    """A UTF-8 file Polars can read: the file itself, or a copy (unpacked and/or transcoded)."""
    if opened.plain and encoding in _NATIVE:
        if progress is not None:
            progress(0)
        yield opened.path
        return
    handle, name = tempfile.mkstemp(prefix="feedbridge-", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out, opened.stream(progress) as content:
            if encoding in _NATIVE:  # only unpacking: copy the bytes as they are
                while chunk := content.read(4 * 1024**2):
                    out.write(chunk)
            else:
                for piece in enc.decoded_chunks(content, encoding, source=opened.source):
                    out.write(piece.encode("utf-8"))
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _delimiter(wanted: str, source: str) -> str:
    sep = _DELIMITER_NAMES.get(wanted.strip().lower(), wanted)
    if len(sep) != 1 or sep in '"\r\n':
        raise FeedError(
            f"the delimiter {wanted!r} cannot be used",
            source=source,
            hint="use one character: , ; | or tab — or leave it empty to detect it",
        )
    return sep


def sniff_delimiter(text: str) -> str:
    """The candidate that splits the first records into the most columns, most consistently."""
    best, best_score = ",", (0.0, 0)
    for candidate in DELIMITERS:
        try:
            rows = [
                row
                for _, row in zip(range(50), csv.reader(io.StringIO(text), delimiter=candidate), strict=False)
                if row
            ]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:] or rows
        consistency = sum(len(row) == width for row in body) / len(body)
        score = (consistency, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _header(text: str, sep: str) -> list[str]:
    for row in csv.reader(io.StringIO(text), delimiter=sep):
        if row:
            return row
    return []
