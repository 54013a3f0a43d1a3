"""Reading feeds: detect compression, encoding and format, then read every item as text.

`read_feed` is the one entry point. It returns a `RawFeed` whose lazy frame has one row per item and
only `String` or `List(String)` columns; typing values is the next stage's job. Readers that build
items value by value (XML, JSON) spill them to chunk files in a work directory the caller owns.
Anything that cannot be read as a feed raises `FeedError` (what, where, how to fix it) and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from feedbridge.catalog.model import FeedError, FeedFormat, RawFeed, ReadOptions
from feedbridge.catalog.readers import detect as detection
from feedbridge.catalog.readers import encoding as enc
from feedbridge.catalog.readers.bytes_in import Opened, open_feed
from feedbridge.catalog.readers.delimited import HEAD_BYTES, read_delimited
from feedbridge.catalog.readers.json import read_json, read_ndjson
from feedbridge.catalog.readers.shopify import normalise_shopify
from feedbridge.catalog.readers.woocommerce import normalise_woocommerce
from feedbridge.catalog.readers.xml import read_xml

__all__ = ["read_feed"]


def read_feed(
    path: Path,
    options: ReadOptions,
    *,
    work: Path,
    source_name: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> RawFeed:
    """Read the feed at `path` (any format, compression and encoding `options` leave open).

    `work` is an existing directory for the chunk files; the frame reads them, so the directory must
    outlive it. `source_name` is how errors name the file (default: its name). `progress` is called with
    the number of bytes of the file on disk consumed so far (so its total is the file size), a few times
    per megabyte at most, and a last time when reading is done.
    """
    try:
        return _read(path, options, work, source_name, progress)
    except FeedError:
        raise
    except MemoryError as error:
        raise FeedError("the feed is too large to read in memory", source=source_name or path.name) from error
    except Exception as error:  # a reader bug must still reach the merchant as a FeedError, not a traceback
        raise FeedError(
            f"the feed could not be read ({type(error).__name__}: {error})",
            source=source_name or path.name,
            hint="if the file looks right, report this to the feedbridge maintainers with the file",
        ) from error


def _read(
    path: Path,
    options: ReadOptions,
    work: Path,
    source_name: str | None,
    progress: Callable[[int], None] | None,
) -> RawFeed:
    opened = open_feed(path, source=source_name, zip_member=options.zip_member)
    head = opened.head(HEAD_BYTES)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        return _empty(opened, options, progress)
    was_set = options.encoding is not None
    warnings: list[str] = []
    if options.encoding:
        encoding = enc.normalise(options.encoding, source=opened.source)
        warnings += enc.check_explicit(encoding, head, source=opened.source)
    else:
        encoding = enc.detect(head)
    text = detection.check_is_text(head, encoding, source=opened.source)
    detection.reject_html(text, source=opened.source)
    feed_format = options.format or detection.detect_format(text, opened.member or path.name)
    if feed_format is FeedFormat.XML:
        feed = read_xml(opened, options, encoding if was_set else None, work, progress)
    elif feed_format is FeedFormat.JSON:
        feed = read_json(opened, encoding, options.json_path, work, progress)
    elif feed_format is FeedFormat.NDJSON:
        feed = read_ndjson(opened, encoding, work, progress)
    else:
        feed = read_delimited(
            opened, head, encoding, delimiter=options.delimiter, encoding_was_set=was_set, progress=progress
        )
        # Shop-platform exports that are not one row per item are reshaped here (Shopify: one row
        # per variant with images and product fields folded in; WooCommerce: variations grouped by
        # their parent). Any other CSV passes through unchanged. See shopify.py and woocommerce.py.
        feed = normalise_woocommerce(normalise_shopify(feed))
    feed.details = opened.details | feed.details
    feed.warnings = warnings + feed.warnings
    return feed


def _empty(opened: Opened, options: ReadOptions, progress: Callable[[int], None] | None) -> RawFeed:
    if progress is not None:
        progress(opened.size)
    return RawFeed(
        frame=pl.LazyFrame(),
        format=options.format or FeedFormat.CSV,
        details=dict(opened.details),
        warnings=["the file is empty: it holds no items"],
    )
