"""The exact (slower) CSV reader: finds the line at fault when Polars cannot read a file.

Python's csv module in strict mode reads record by record and knows each record's first line.
Unbalanced quotes and rows with a different number of fields become a FeedError with that line;
if nothing is wrong (Polars is stricter about a `"` inside an unquoted value), its rows are the result.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from feedbridge.catalog.model import FeedError
from feedbridge.catalog.readers.encoding import decoded_chunks

_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def locate_and_read(
    path: Path, encoding: str, sep: str, names: list[str], source: str, warnings: list[str]
) -> pl.DataFrame:
    width = len(names)
    columns: list[list[str]] = [[] for _ in names]
    trimmed = 0
    with path.open("r", encoding=encoding, newline="") as text:
        reader = csv.reader(text, delimiter=sep, strict=True)
        start = 1
        try:
            for number, row in enumerate(reader):
                if number and row:
                    if len(row) > width and not any(row[width:]):
                        row, trimmed = row[:width], trimmed + 1
                    if len(row) != width:
                        raise _ragged(source, start, len(row), width, sep)
                    for column, value in zip(columns, row, strict=True):
                        column.append(value)
                start = reader.line_num + 1
        except csv.Error as error:
            raise _bad_quotes(source, start, reader.line_num, str(error)) from error
        except UnicodeDecodeError as error:
            with path.open("rb") as raw:
                for _ in decoded_chunks(raw, encoding, source=source):  # raises with the exact line
                    pass
            raise FeedError(f"the file is not valid {encoding}", source=source) from error
    if trimmed:
        warnings.append(
            f"{trimmed} rows end with empty fields beyond the header's {width}; they were dropped"
        )
    return pl.DataFrame(
        [pl.Series(f"_{i}", column, dtype=pl.String) for i, column in enumerate(columns)],
        height=len(columns[0]) if columns else 0,
    )


def _ragged(source: str, line: int, found: int, width: int, sep: str) -> FeedError:
    name = _NAMES.get(sep, repr(sep))
    if found > width:
        hint = (
            f"a value probably contains an unquoted {name}: put such values in double quotes, "
            f"or check the delimiter (read with {name})"
        )
    else:
        hint = "the row is cut short or a line break splits it: quote values that contain line breaks"
    return FeedError(
        f"this row has {found} fields but the header has {width}", source=source, line=line, hint=hint
    )


def _bad_quotes(source: str, start: int, line_num: int, reason: str) -> FeedError:
    if "end of data" in reason or "EOF" in reason:
        return FeedError(
            "a quoted value starts in this row and is never closed",
            source=source,
            line=start,
            hint='check for a stray " in that row; a quote inside a quoted value must be doubled ("")',
        )
    return FeedError(
        f"a quoted value is followed by other characters ({reason})",
        source=source,
        line=line_num,
        hint='a quote inside a quoted value must be doubled (""), e.g. "5"" screen"',
    )
