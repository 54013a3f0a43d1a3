"""Catalog import: 1,000,000-item feeds → snapshots (issue 4, "Speed and memory").

(a) CSV: a bare `polars.read_csv(path, infer_schema=False)` and the whole pipeline (`pipeline.process_feed`:
    read, unique ID, de-duplication, field types, snapshot with the difference to a previous one), as a ratio.
(b) Google Shopping XML: the pipeline at full size and at a quarter of it; the peak memory (this process
    plus its XML worker) at full size must stay within XML_MAX_GROWTH× the quarter's (it must not follow
    the file).
(c) An unchanged feed by URL: the second fetch is one conditional request answered 304, nothing processed.

Feeds come from bench/feedgen.py in a temporary directory. Each timed step runs in a fresh process of its
own (`python -m bench.catalog_import step …`) and reports its seconds, its CPU seconds (steadier than the
wall time on a shared machine) and peak RSS (VmHWM of itself, ru_maxrss of its XML worker process, if any).
BENCH_IMPORT_ITEMS sets the size (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench.feedgen import write_feed
from bench.measure import own_peak_mb, run_step
from feedbridge.catalog.fields import infer_field_types
from feedbridge.catalog.imports import ImportSpec
from feedbridge.catalog.pipeline import process_feed
from feedbridge.catalog.snapshots import SnapshotRef, load_snapshot_ref, write_snapshot
from feedbridge.catalog.sources import Source, fetch
from feedbridge.config import Settings
from support.feed_server import running_feed_server

ITEMS = int(os.environ.get("BENCH_IMPORT_ITEMS", "1000000"))
CSV_TARGET_SECONDS, CSV_TARGET_MB, XML_TARGET_SECONDS, XML_MAX_GROWTH = 10, 3072, 60, 1.3


def _peaks() -> dict[str, float]:
    """Peak memory of this process and of its XML worker, and the CPU seconds of both (on a shared
    machine the CPU time varies less than the wall time). The worker's ru_maxrss is its own: this process
    is small when it starts the worker."""
    own, worker = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "peak_mb": own_peak_mb(),
        "worker_peak_mb": worker.ru_maxrss / 1024,
        "cpu_seconds": own.ru_utime + own.ru_stime + worker.ru_utime + worker.ru_stime,
    }


def step_bare(path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False)
    return {"seconds": time.perf_counter() - started, "rows": frame.height, **_peaks()}


def step_previous(path: Path, directory: Path) -> dict[str, Any]:
    """Yesterday's snapshot: the same items with 1 % of the prices changed (not timed)."""
    frame = pl.read_csv(path, infer_schema=False, empty_string_is_null=False)
    changed = pl.when(pl.int_range(pl.len()) % 100 == 0).then(pl.lit("1.00")).otherwise(pl.col("price"))
    frame = frame.with_columns(changed.alias("price")).unique("id", keep="first", maintain_order=True)
    ref = write_snapshot(directory, frame, id_field="id", field_types=infer_field_types(frame), previous=None)
    return {"metadata": str(ref.metadata_path)}


def step_pipeline(path: Path, directory: Path, previous: str) -> dict[str, Any]:
    before: SnapshotRef = load_snapshot_ref(Path(previous))
    size, read_at = path.stat().st_size, list[float]()

    def progress(done: int) -> None:  # the reader reports the file's size once it has read every item
        if done >= size and not read_at:
            read_at.append(time.perf_counter())

    started = time.perf_counter()
    done = process_feed(
        path,
        ImportSpec(source=Source.from_file(path)),
        source_name=path.name,
        directory=directory,
        previous=before,
        max_drop_share=0.3,
        progress=progress,
    )
    seconds = time.perf_counter() - started
    diff = done.ref.diff
    changes = {"added": diff.added, "removed": diff.removed, "changed": diff.changed} if diff else {}
    return {
        "seconds": seconds,
        "read_seconds": read_at[0] - started if read_at else seconds,
        "items": done.ref.stats.items,
        "fields": len(done.ref.stats.fields),
        **changes,
        **_peaks(),
    }


def run_steps(argv: list[str]) -> None:
    name, *args = argv
    steps: dict[str, Callable[..., dict[str, Any]]] = {
        "bare": step_bare,
        "previous": step_previous,
        "pipeline": step_pipeline,
    }
    print(json.dumps(steps[name](*(Path(a) if i < 2 else a for i, a in enumerate(args)))))


def by_url(path: Path, tmp: Path) -> tuple[float, float, int, bool, str | None]:
    """Fetch the CSV from a local server with an ETag twice; the second time with the first's state."""
    # The feed server listens on loopback, which feed URLs may only reach when allowed.
    settings = Settings(data_dir=tmp / "data", feed_max_bytes=4 * 1024**3, feed_allow_private_urls=True)
    with running_feed_server() as server:
        url = server.route("/feed.csv", body=path.read_bytes(), content_type="text/csv", etag='"v1"')
        source = Source.from_url(url)
        started = time.perf_counter()
        first = fetch(source, into=tmp / "download", previous=None, settings=settings)
        full = time.perf_counter() - started
        started = time.perf_counter()
        again = fetch(source, into=tmp / "download", previous=first.state, settings=settings)
        conditional = time.perf_counter() - started
        seen = server.seen("/feed.csv")
    sent = seen[-1].headers.get("if-none-match")
    return full, conditional, len(seen), again.unchanged and again.path is None, sent


def _mb(result: dict[str, Any], key: str = "peak_mb") -> str:
    return f"{float(result[key]):,.0f} MB"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="feedbridge-bench-") as name:
        tmp = Path(name)
        csv, xml, quarter = tmp / "feed.csv", tmp / "feed.xml", tmp / "quarter.xml"
        write_feed(csv, ITEMS, "csv")
        previous = str(
            run_step("bench.catalog_import", "previous", str(csv), str(tmp / "previous"))["metadata"]
        )
        bare = run_step("bench.catalog_import", "bare", str(csv))
        piped = run_step("bench.catalog_import", "pipeline", str(csv), str(tmp / "csv"), previous)
        ratio = float(piped["seconds"]) / float(bare["seconds"])
        ok = float(piped["seconds"]) <= CSV_TARGET_SECONDS and float(piped["peak_mb"]) <= CSV_TARGET_MB
        print(
            f"catalog import, CSV: {ITEMS:,} items ({csv.stat().st_size / 1024**2:,.0f} MiB): bare polars.read_csv "
            f"{float(bare['seconds']):.2f} s ({_mb(bare)}); pipeline {float(piped['seconds']):.2f} s "
            f"(reading {float(piped['read_seconds']):.2f} s, CPU {float(piped['cpu_seconds']):.1f} s) "
            f"({_mb(piped)}) = {ratio:.2f}× read_csv; diff +{piped['added']} -{piped['removed']} "
            f"~{piped['changed']} (target <= {CSV_TARGET_SECONDS} s, <= {CSV_TARGET_MB} MB) -> "
            f"{'OK' if ok else 'BELOW TARGET'}"
        )
        csv_bytes = csv.stat().st_size
        full, conditional, requests, unchanged, sent = by_url(csv, tmp)
        print(
            f"catalog import, URL: first fetch of {csv_bytes / 1024**2:,.0f} MiB {full:.2f} s; again with its "
            f"ETag {conditional * 1000:.1f} ms, {requests - 1} request (If-None-Match {sent}) answered 304, "
            f"unchanged={unchanged}, nothing to process -> {'OK' if unchanged and requests == 2 else 'FAILED'}"
        )
        csv.unlink()
        peaks = []
        for path, items in ((xml, ITEMS), (quarter, ITEMS // 4)):
            write_feed(path, items, "xml")
            result = run_step("bench.catalog_import", "pipeline", str(path), str(tmp / path.stem), previous)
            peaks.append(float(result["peak_mb"]) + float(result["worker_peak_mb"]))
            verdict = (
                "OK" if float(result["seconds"]) <= XML_TARGET_SECONDS * items / ITEMS else "BELOW TARGET"
            )
            print(
                f"catalog import, Google XML: {items:,} items ({path.stat().st_size / 1024**2:,.0f} MiB): pipeline "
                f"{float(result['seconds']):.2f} s (reading {float(result['read_seconds']):.2f} s, "
                f"CPU {float(result['cpu_seconds']):.1f} s), peak {_mb(result)} (+ worker "
                f"{_mb(result, 'worker_peak_mb')}) (target <= {XML_TARGET_SECONDS} s for 1,000,000) -> {verdict}"
            )
            path.unlink()
        growth = peaks[0] / peaks[1]
        print(
            f"catalog import, Google XML memory: peak (process + worker) {peaks[0]:,.0f} MB for {ITEMS:,} items, "
            f"{peaks[1]:,.0f} MB for {ITEMS // 4:,} = {growth:.2f}× (target <= {XML_MAX_GROWTH}×: memory does "
            f"not follow the file) -> {'OK' if growth <= XML_MAX_GROWTH else 'BELOW TARGET'}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["step"]:
        run_steps(sys.argv[2:])
    else:
        main()
