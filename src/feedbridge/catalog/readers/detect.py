"""Which format a feed is in, from its first bytes; and the inputs that are not a feed at all."""

from __future__ import annotations

import re

import orjson

from feedbridge.catalog.model import FeedError, FeedFormat

_HTML = re.compile(
    r"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)
_XML_START = re.compile(r"^\s*<[?!A-Za-z_]")
_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Excel/Word file (.xls/.doc)",
    b"SQLite format 3": "an SQLite database",
    b"PAR1": "a Parquet file",
    b"\x7fELF": "a program",
    b"MZ": "a Windows program",
}


def check_is_text(head: bytes, encoding: str, *, source: str) -> str:
    """The head decoded for inspection; binary content gives "this is not text: …"."""
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise FeedError(
                f"this is not text: it is {what}",
                source=source,
                hint="export the product feed as CSV, XML or JSON",
            )
    text = head.decode(encoding, errors="replace")
    if not text:
        return text
    controls = sum(1 for char in text[:8192] if char < " " and char not in "\t\n\r\f")
    sample = min(len(text), 8192)
    if controls > sample * 0.01 or "\x00" in text[:8192]:
        raise FeedError(
            f"this is not text: {controls} control characters in the first {sample} characters "
            f"(starts with {head[:16]!r})",
            source=source,
            hint="check that the file or URL is the product feed itself (CSV, XML or JSON), not binary data",
        )
    return text


def reject_html(text: str, *, source: str) -> None:
    if _HTML.match(text.lstrip("\ufeff")):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        seen = f" (titled {title.group(1).strip()[:80]!r})" if title else ""
        raise FeedError(
            f"this looks like an HTML page{seen}, not a feed",
            source=source,
            line=1,
            hint="the URL may need a login, point at a shop page or an error page: use the feed's own URL or file",
        )


def detect_format(text: str, file_name: str) -> FeedFormat:
    """XML if it starts with `<`, JSON if with `[` or `{` (NDJSON if each line is an object), else CSV."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if _XML_START.match(stripped):
        return FeedFormat.XML
    lower = file_name.lower()
    if stripped.startswith("["):
        return FeedFormat.JSON
    if stripped.startswith("{"):
        if lower.endswith((".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz")):
            return FeedFormat.NDJSON
        return FeedFormat.NDJSON if _looks_like_ndjson(stripped) else FeedFormat.JSON
    return FeedFormat.CSV


def _looks_like_ndjson(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    # The last line of a sample may be cut off; the complete ones must each be one JSON object.
    for line in lines[: min(len(lines) - 1, 5)]:
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            return False
        if not isinstance(value, dict):
            return False
    return lines[1].lstrip().startswith("{")
