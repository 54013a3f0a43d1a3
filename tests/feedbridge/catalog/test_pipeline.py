"""One feed file through the pipeline (no database): import rules, the work directory, duplicates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from feedbridge.catalog.imports import ImportSpec
from feedbridge.catalog.model import FeedError, FieldType
from feedbridge.catalog.pipeline import Processed, process_feed
from feedbridge.catalog.readers import columns
from feedbridge.catalog.snapshots import read_snapshot
from feedbridge.catalog.sources import Source

G = 'xmlns:g="http://base.google.com/ns/1.0"'


def _xml(items: list[str]) -> str:
    return f'<?xml version="1.0"?><rss {G}><channel>{"".join(items)}</channel></rss>'


def _process(path: Path, directory: Path, **options: Any) -> Processed:
    spec = ImportSpec(source=Source.from_file(path))
    return process_feed(
        path, spec, source_name=path.name, directory=directory, previous=None, max_drop_share=0.3, **options
    )


def test_import_rules_change_the_items_as_a_lazy_query_run_once(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(_xml([f"<item><g:id>{n}</g:id><g:price>{n}.00</g:price></item>" for n in range(5)]))
    given: list[type] = []
    seen: list[int] = []  # the rows the rules' query has gone through, over all its evaluations

    def note(values: pl.Series) -> pl.Series:
        seen.append(len(values))
        return values

    def rules(items: pl.LazyFrame) -> pl.LazyFrame:
        given.append(type(items))
        return items.filter(pl.col("price") != "0.00").with_columns(
            pl.col("id").map_batches(note, return_dtype=pl.String), pl.lit("feed").alias("origin")
        )

    done = _process(path, tmp_path / "snapshots", import_rules=rules)

    assert given == [pl.LazyFrame] and sum(seen) == 4  # once, though later steps read the items many times
    items = read_snapshot(done.ref).collect()
    assert items["id"].to_list() == ["1", "2", "3", "4"] and set(items["origin"]) == {"feed"}
    assert done.ref.field_types == {"id": FieldType.TEXT, "price": FieldType.NUMBER, "origin": FieldType.TEXT}


def test_items_spilled_in_chunks_make_the_same_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [
        f"<item><g:id>{n % 7}</g:id><g:title>T{n}</g:title><g:price>{n},50</g:price></item>"
        for n in range(20)
    ]
    items.append("<item><g:title>no id</g:title></item>")
    path = tmp_path / "feed.xml"
    path.write_text(_xml(items))
    whole = _process(path, tmp_path / "whole")
    monkeypatch.setattr(columns, "CHUNK_ROWS", 3)
    chunked = _process(path, tmp_path / "chunked")

    assert read_snapshot(chunked.ref).collect().equals(read_snapshot(whole.ref).collect())
    assert chunked.ref.content_hash == whole.ref.content_hash
    report = chunked.ref.stats.id_report
    assert report is not None and (report.items, report.duplicate_count, report.empty_count) == (7, 13, 1)
    assert read_snapshot(chunked.ref).collect()["title"].to_list() == [f"T{n}" for n in range(7)]
    assert chunked.ref.formats == {"price": ","}


def test_the_work_directory_is_removed_whether_the_run_succeeds_or_fails(tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    good, broken = tmp_path / "good.xml", tmp_path / "broken.xml"
    good.write_text(_xml(["<item><g:id>1</g:id></item>"]))
    broken.write_text(_xml(["<item><g:id>1</g:id></item>", "<item><g:id>2</g:id>"]))

    done = _process(good, directory)
    with pytest.raises(FeedError, match=r"broken\.xml"):
        _process(broken, directory)

    assert sorted(p.name for p in directory.iterdir()) == sorted(p.name for p in done.ref.files)
