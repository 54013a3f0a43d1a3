"""Turn a stream of XML bytes into item columns: the loop that visits every element of a feed.

Bytes are fed to a hardened lxml pull parser that reports only the end of item elements; each item's
children are read in one tight loop into `Columns` and the item is then cleared and dropped, so memory
is bounded by the size of one item (plus the columns, which go to a chunk file every 50,000 items).

This is the one stage that touches every item in Python: lxml hands out elements one by one and there
is no vectorised way to read them. The loop is kept to the minimum per child element: its tag (mapped to
a column key by a dict), its text, and two C-level checks for nesting and attributes; anything
unusual (nesting, attributes, mixed content) takes the slower general path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from feedbridge.catalog.model import FeedError
from feedbridge.catalog.readers.columns import Columns
from feedbridge.catalog.readers.xml_names import ATTRIBUTE, PATH
from feedbridge.catalog.readers.xml_safety import ITEMS, MAX_TEXT_CHARS, hostile, syntax_error

SENTINEL = "feedbridge-split"  # fed after a part that ends at an item boundary (see xml_split)


@dataclass
class Part:
    """What one parser read: its items' chunk files (raw keys), and what the document said about itself."""

    files: list[Path] = field(default_factory=list)
    count: int = 0
    item_tag: str | None = None  # Clark notation, e.g. {http://www.w3.org/2005/Atom}entry
    prefixes: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    ancestors: tuple[str, ...] = ()  # tags from the first item's parent up to the root


class ItemParser:
    def __init__(self, item: str, encoding: str | None, source: str, columns: Columns) -> None:
        self.part = Part()
        self._columns = columns
        self._source = source
        self._parser = etree.XMLPullParser(events=("end",), tag=f"{{*}}{item}", encoding=encoding, **ITEMS)
        self._keys: dict[str, dict[str, str]] = {"": {}}
        self._parent: Any = None

    def feed_all(self, chunks: Iterable[bytes]) -> None:
        try:
            for chunk in chunks:
                self._parser.feed(chunk)
                self._take(list(self._parser.read_events()))
        except etree.XMLSyntaxError as error:
            raise syntax_error(error, self._source, self.part.count + 1) from error

    def close(self) -> Part:
        """The document ends here: anything left open is an error."""
        try:
            self._parser.close()
        except etree.XMLSyntaxError as error:
            raise syntax_error(error, self._source, self.part.count + 1) from error
        self._take(list(self._parser.read_events()))
        self._spill()
        return self.part

    def close_at_boundary(self) -> bool:
        """The bytes fed end where a next item would start: True if they really do, at the items' level.

        A sentinel element is fed after them; it lands next to the items only if the bytes ended between
        two items (and not, say, inside a CDATA section or a comment that happens to hold `<item`).
        """
        self.feed_all([f"<{SENTINEL}/>\n".encode()])
        self._spill()
        parent = self._parent
        return parent is not None and len(parent) > 0 and etree.QName(parent[-1]).localname == SENTINEL

    def _spill(self) -> None:
        """The last rows to a chunk file; the part lists every chunk."""
        self._columns.flush()
        self.part.files = list(self._columns.files)

    def _take(self, events: list[tuple[str, Any]]) -> None:
        part, columns, source = self.part, self._columns, self._source
        keys = self._keys[""]
        for _, element in events:
            if not part.count:
                self._first(element)
            part.count += 1
            data, row = columns.data, columns.row
            if element.items() or not len(element):
                _general(element, columns, self._keys, source, part.count)
            else:
                for child in element:  # the hot loop: every child element of every item
                    tag = child.tag
                    key = keys.get(tag)
                    if key is None:
                        key = keys[tag] = tag
                    if len(child) or child.items():
                        _walk_child(child, key, columns, self._keys, source, part.count)
                        continue
                    text = child.text
                    if text is None:
                        value = ""
                    elif len(text) > MAX_TEXT_CHARS:
                        raise hostile(
                            source, child.sourceline, f"a text of {len(text):,} characters", part.count
                        )
                    else:
                        value = text.strip()
                    column = data.get(key)
                    if column is not None and len(column) == row:
                        column.append(value)
                    else:
                        columns.set(key, value)
            columns.end_row()
        if events:
            _drop_read(events)

    def _first(self, element: Any) -> None:
        part = self.part
        part.item_tag = element.tag
        info = element.getroottree().docinfo
        if info.doctype or info.internalDTD is not None:
            raise hostile(self._source, element.sourceline, "a document type declaration (DOCTYPE)")
        part.prefixes = {uri: prefix for prefix, uri in element.nsmap.items() if prefix}
        part.encoding = (info.encoding or "utf-8").lower()
        self._parent = element.getparent()
        part.ancestors = tuple(ancestor.tag for ancestor in element.iterancestors())


def _drop_read(events: list[tuple[str, Any]]) -> None:
    """Free the items of a batch of events: once per batch when they share a parent (the usual case; the
    last is kept as the parser's anchor), else one by one. Items are deleted with no Python reference left
    to them, else lxml would move each into a document of its own."""
    first, last = events[0][1], events[-1][1]
    parent = last.getparent()
    if parent is not None and first.getparent() is parent:
        events.clear()
        del first
        last.clear(keep_tail=False)
        del parent[: parent.index(last)]
        return
    for _, element in events:
        element.clear(keep_tail=False)
        above = element.getparent()
        if above is not None:
            while element.getprevious() is not None:
                del above[0]


def _general(
    item: Any, columns: Columns, caches: dict[str, dict[str, str]], source: str, number: int
) -> None:
    """An item with attributes, or with text and no children."""
    for name, value in item.items():
        columns.set(ATTRIBUTE + name, value)
    if len(item):
        keys = caches[""]
        for child in item:
            key = keys.get(child.tag) or keys.setdefault(child.tag, child.tag)
            _walk_child(child, key, columns, caches, source, number)
        return
    text = item.text
    if text and text.strip():
        columns.set("#text", text.strip())


def _walk_child(
    child: Any, key: str, columns: Columns, caches: dict[str, dict[str, str]], source: str, number: int
) -> None:
    """One element under key `key`: attributes become `key@attr`, children `key.child`, leaves values."""
    for name, value in child.items():
        columns.set(f"{key}{ATTRIBUTE}{name}", value)
    if len(child):
        if _is_mixed(child):
            columns.set(key, _inner_xml(child))
            return
        keys = caches.get(key)
        if keys is None:
            keys = caches[key] = {}
        for grandchild in child:
            tag = grandchild.tag
            sub = keys.get(tag)
            if sub is None:
                sub = keys[tag] = f"{key}{PATH}{tag}"
            _walk_child(grandchild, sub, columns, caches, source, number)
        return
    text = child.text
    if text is not None and len(text) > MAX_TEXT_CHARS:
        raise hostile(source, child.sourceline, f"a text of {len(text):,} characters", number)
    columns.set(key, "" if text is None else text.strip())


def _is_mixed(element: Any) -> bool:
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def _inner_xml(element: Any) -> str:
    parts = [element.text or ""]
    parts += [etree.tostring(child, encoding="unicode", with_tail=True) for child in element]
    return "".join(parts).strip()


def error_at(error: FeedError, *, lines: int, items: int) -> FeedError:
    """The same error, moved down by `lines` lines and `items` items (for a part read from mid-file)."""
    return FeedError(
        error.reason,
        source=error.source,
        line=error.line + lines if error.line else error.line,
        item=error.item + items if error.item else error.item,
        hint=error.hint,
    )
