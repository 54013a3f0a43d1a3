"""XML feeds: Google Shopping RSS 2.0 and Atom, or any XML with a repeating item element.

Parsed as a stream with a hardened lxml parser (no entities, no DTD, no network, no huge text
nodes); items are turned into column values (xml_items) and freed batch by batch, and the values are
spilled to chunk files in the work directory every 50,000 items (columns), so memory is bounded by the
size of a chunk, not the file; the feed comes back as a lazy scan of the chunks. A large plain file is
read in parts by one process per core (xml_split). A document type declaration is rejected outright: feeds
never need one, and it is how entity-expansion and external-entity attacks arrive.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

from lxml import etree

from feedbridge.catalog.model import FeedError, FeedFormat, RawFeed, ReadOptions
from feedbridge.catalog.readers import encoding as enc
from feedbridge.catalog.readers import xml_split
from feedbridge.catalog.readers.bytes_in import Opened, Progress
from feedbridge.catalog.readers.columns import Columns, scan_chunks
from feedbridge.catalog.readers.names import dedupe
from feedbridge.catalog.readers.xml_items import ItemParser, Part
from feedbridge.catalog.readers.xml_names import display_names, split
from feedbridge.catalog.readers.xml_safety import HARDENED, MAX_TEXT_CHARS, hostile

__all__ = ["HARDENED", "MAX_TEXT_CHARS", "detect_item_element", "read_xml"]

PROLOG_BYTES = 1024**2
_LIBXML_ENCODINGS = {
    "cp1252": "windows-1252",
    "utf-8-sig": "utf-8",
    "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be",
}
_ROOT_ITEMS = {"rss": "item", "RDF": "item", "feed": "entry"}
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")
_GOOGLE = {"http://base.google.com/ns/1.0": "g"}


def read_xml(
    opened: Opened, options: ReadOptions, encoding: str | None, work: Path, progress: Progress | None
) -> RawFeed:
    source = opened.source
    encoding = _LIBXML_ENCODINGS.get(encoding or "", encoding)
    head = opened.head(PROLOG_BYTES)
    root_tag = _check_prolog(head, encoding, source)
    item = (options.item_element or "").split("/")[-1].split(":")[-1].strip()
    item = item or _ROOT_ITEMS.get(root_tag) or detect_item_element(head, encoding)
    parts = _read_in_parts(opened, head, item, encoding, work, progress) or [
        _read_whole(opened, item, encoding, work, progress)
    ]
    details = {"item_element": item}
    if parts[0].encoding:
        details["encoding"] = parts[0].encoding
    count = sum(part.count for part in parts)
    warnings = (
        [] if count else [f"no <{item}> elements were found: set the item element if it has another name"]
    )
    frame = scan_chunks([file for part in parts for file in part.files])
    keys = frame.collect_schema().names()
    names = display_names(keys, parts[0].item_tag or item, _prefixes(parts) | _GOOGLE)
    frame = frame.rename(dict(zip(keys, dedupe(names[k] for k in keys), strict=True)))
    return RawFeed(frame=frame, format=FeedFormat.XML, details=details, warnings=warnings)


def _read_whole(
    opened: Opened, item: str, encoding: str | None, work: Path, progress: Progress | None
) -> Part:
    parser = ItemParser(item, encoding, opened.source, Columns(work, "whole"))
    with opened.stream(progress) as stream:
        parser.feed_all(iter(lambda: stream.read(xml_split.CHUNK), b""))
    return parser.close()


def _read_in_parts(
    opened: Opened, head: bytes, item: str, encoding: str | None, work: Path, progress: Progress | None
) -> list[Part] | None:
    """A large plain file is read by one process per core (see xml_split); None: read it whole."""
    if not opened.plain:
        return None
    layout = xml_split.plan(opened.path, head, item, encoding, opened.size)
    if layout is None:
        return None
    return xml_split.read_parts(opened.path, layout, item, encoding, opened.source, work, progress)


def _prefixes(parts: list[Part]) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for part in reversed(parts):
        prefixes |= part.prefixes
    return prefixes


def _check_prolog(head: bytes, encoding: str | None, source: str) -> str:
    """Reject a DOCTYPE (entity expansion, external entities) before lxml sees it; the root's name."""
    text = head.decode(encoding or _guess(head), errors="replace")
    match = _FIRST_ELEMENT.search(text)
    if match is None:
        raise FeedError(
            "no XML element in the first megabyte",
            source=source,
            hint="the file starts with something else than a feed (or a huge comment); check the file",
        )
    prolog = text[: match.start()].upper()
    if "<!DOCTYPE" in prolog or "<!ENTITY" in prolog:
        line = text[: text.upper().find("<!")].count("\n") + 1 if "<!" in prolog else 1
        raise hostile(source, line, "a document type declaration (DOCTYPE)")
    return split(re.match(r"<([A-Za-z_][\w.\-]*:)?([\w.\-]+)", text[match.start() :]).group(2))[1]  # type: ignore[union-attr]


def _guess(head: bytes) -> str:
    detected = enc.detect(head)
    return "utf-8" if detected == enc.CP1252 else detected


def detect_item_element(head: bytes, encoding: str | None) -> str:
    """The most frequent element with children among the root's children and grandchildren."""
    counts: Counter[tuple[int, str]] = Counter()
    parents: set[tuple[int, str]] = set()
    depth = 0
    parser = etree.iterparse(io.BytesIO(head), events=("start", "end"), encoding=encoding, **HARDENED)
    try:
        for event, element in parser:
            if event == "start":
                if depth in (1, 2):
                    counts[(depth, split(element.tag)[1])] += 1
                if depth in (2, 3):
                    parent = element.getparent()
                    parents.add((depth - 1, split(parent.tag)[1]))
                depth += 1
            else:
                depth -= 1
                if depth <= 2:
                    element.clear()
    except etree.XMLSyntaxError:
        pass  # the head ends mid-document; the counts so far are enough
    candidates = [
        (count, -depth, name) for (depth, name), count in counts.items() if (depth, name) in parents
    ]
    if not candidates:
        candidates = [(count, -depth, name) for (depth, name), count in counts.items()]
    return max(candidates)[2] if candidates else "item"
