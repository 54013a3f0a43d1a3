"""XML feeds: Google Shopping RSS 2.0 and Atom, or any XML with a repeating item element.

Parsed as a stream with a hardened lxml parser (no entities, no DTD, no network, no huge text
nodes); each item is turned into column values and cleared at once, so memory is bounded by the
size of one item. A document type declaration is rejected outright: feeds never need one, and it
is how entity-expansion and external-entity attacks arrive.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

from lxml import etree

from feedbridge.catalog.model import FeedError, FeedFormat, RawFeed, ReadOptions
from feedbridge.catalog.readers import encoding as enc
from feedbridge.catalog.readers.bytes_in import Opened, Progress
from feedbridge.catalog.readers.columns import Columns
from feedbridge.catalog.readers.xml_names import ATTRIBUTE, PATH, display_names, split

# A text node longer than this is treated as hostile (libxml2's own limit without huge_tree).
MAX_TEXT_CHARS = 10_000_000
PROLOG_BYTES = 1024**2

HARDENED: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
_LIBXML_ENCODINGS = {
    "cp1252": "windows-1252",
    "utf-8-sig": "utf-8",
    "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be",
}
_ROOT_ITEMS = {"rss": "item", "RDF": "item", "feed": "entry"}
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")


def read_xml(
    opened: Opened, options: ReadOptions, encoding: str | None, progress: Progress | None
) -> RawFeed:
    source = opened.source
    encoding = _LIBXML_ENCODINGS.get(encoding or "", encoding)
    head = opened.head(PROLOG_BYTES)
    root_tag = _check_prolog(head, encoding, source)
    item = (options.item_element or "").split("/")[-1].split(":")[-1].strip()
    item = item or _ROOT_ITEMS.get(root_tag) or detect_item_element(head, encoding)
    columns = Columns()
    caches: dict[str, dict[str, str]] = {}
    prefixes: dict[str, str] = {}
    item_tag, count, details = item, 0, {"item_element": item}
    with opened.stream(progress) as stream:
        context = etree.iterparse(stream, events=("end",), tag=f"{{*}}{item}", encoding=encoding, **HARDENED)
        try:
            for _, element in context:
                if count == 0:
                    item_tag = element.tag
                    info = element.getroottree().docinfo
                    if info.doctype or info.internalDTD is not None:
                        raise _hostile(source, element.sourceline, "a document type declaration (DOCTYPE)")
                    prefixes = {uri: prefix for prefix, uri in element.nsmap.items() if prefix}
                    details["encoding"] = (info.encoding or "utf-8").lower()
                count += 1
                _collect(element, columns, caches, source, count)
                columns.end_row()
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as error:
            raise _syntax_error(error, source, count + 1, encoding) from error
    warnings = (
        [] if count else [f"no <{item}> elements were found: set the item element if it has another name"]
    )
    names = display_names(list(columns.keys()), item_tag, prefixes | {"http://base.google.com/ns/1.0": "g"})
    frame = columns.frame(names.__getitem__)
    return RawFeed(frame=frame, format=FeedFormat.XML, details=details, warnings=warnings)


_HAS_ATTRIBUTES = etree.XPath("boolean(descendant-or-self::*/@*)")


def _collect(
    item: Any, columns: Columns, caches: dict[str, dict[str, str]], source: str, number: int
) -> None:
    """Put one item's values into the columns."""
    attributes = bool(_HAS_ATTRIBUTES(item))
    if attributes:
        for name, value in item.items():
            columns.set(ATTRIBUTE + name, value)
    if len(item):
        _walk(item, "", columns, caches, source, number, attributes)
        return
    text = item.text
    if text and text.strip():
        columns.set("#text", text.strip())


def _walk(
    element: Any,
    prefix: str,
    columns: Columns,
    caches: dict[str, dict[str, str]],
    source: str,
    number: int,
    attributes: bool,
) -> None:
    """Leaves become values of `parent.child` keys; this loop runs for every element of the feed."""
    keys = caches.get(prefix)
    if keys is None:
        keys = caches[prefix] = {}
    data, row = columns.data, columns.row
    for child in element:
        tag = child.tag
        key = keys.get(tag)
        if key is None:
            key = keys[tag] = f"{prefix}{PATH}{tag}" if prefix else tag
        if attributes:
            for name, value in child.items():
                columns.set(f"{key}{ATTRIBUTE}{name}", value)
        if len(child):
            if _is_mixed(child):
                columns.set(key, _inner_xml(child))
            else:
                _walk(child, key, columns, caches, source, number, attributes)
            continue
        text = child.text
        if text is None:
            value = ""
        elif len(text) > MAX_TEXT_CHARS:
            raise _hostile(source, child.sourceline, f"a text of {len(text):,} characters", number)
        else:
            value = text.strip()
        column = data.get(key)
        if column is not None and len(column) == row:
            column.append(value)
        else:
            columns.set(key, value)


def _is_mixed(element: Any) -> bool:
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def _inner_xml(element: Any) -> str:
    parts = [element.text or ""]
    parts += [etree.tostring(child, encoding="unicode", with_tail=True) for child in element]
    return "".join(parts).strip()


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
        raise _hostile(source, line, "a document type declaration (DOCTYPE)")
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


def _hostile(source: str, line: int | None, what: str, item: int | None = None) -> FeedError:
    return FeedError(
        f"the XML contains {what}, which feedbridge refuses as unsafe",
        source=source,
        line=line,
        item=item,
        hint="product feeds never need one: remove it, or ask the feed's provider to",
    )


def _syntax_error(error: etree.XMLSyntaxError, source: str, item: int, encoding: str | None) -> FeedError:
    message, line = str(error.msg or error), error.lineno
    fatal = error.error_log.filter_from_level(etree.ErrorLevels.FATAL) if error.error_log else []
    if fatal:  # lxml's own message can be vague ("no element found", line 0); libxml2's log is not
        message, line = fatal[-1].message, fatal[-1].line
    lower = message.lower()
    if (
        "huge" in lower
        or "too big" in lower
        or "resource limit" in lower
        or "too long" in lower
        or "amplification" in lower
    ):
        return _hostile(source, line, f"a node beyond the safety limits ({message})", item)
    if "entity" in lower and ("not defined" in lower or "undeclared" in lower):
        hint = "write a literal & as &amp; (and < as &lt;), or wrap the text in <![CDATA[ … ]]>"
    elif "encoding" in lower or "utf-8" in lower or "bytes:" in lower:
        hint = (
            "the declared encoding does not match the bytes: set the file's real encoding (e.g. windows-1252)"
        )
    elif "premature end" in lower or "end of data" in lower or "not found" in lower or "not closed" in lower:
        hint = "the file is cut off or an element is not closed: download or export it again"
    else:
        hint = "the XML is not well-formed at that line: fix it there, or export the feed again"
    return FeedError(f"broken XML: {message}", source=source, line=line, item=item, hint=hint)
