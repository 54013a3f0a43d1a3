"""The hardened lxml parser settings and the errors an XML feed can give (what, where, how to fix it)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from feedbridge.catalog.model import FeedError

# A text node longer than this is treated as hostile (libxml2's own limit without huge_tree).
MAX_TEXT_CHARS = 10_000_000

HARDENED: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
# Whitespace-only text between elements is never a value (values are stripped): dropping it while
# parsing spares building those nodes. Used for reading items, not for detecting the item element.
ITEMS = HARDENED | {"remove_blank_text": True, "collect_ids": False}


def hostile(source: str, line: int | None, what: str, item: int | None = None) -> FeedError:
    return FeedError(
        f"the XML contains {what}, which feedbridge refuses as unsafe",
        source=source,
        line=line,
        item=item,
        hint="product feeds never need one: remove it, or ask the feed's provider to",
    )


def syntax_error(error: etree.XMLSyntaxError, source: str, item: int) -> FeedError:
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
        return hostile(source, line, f"a node beyond the safety limits ({message})", item)
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
