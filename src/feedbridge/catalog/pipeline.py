"""One feed file through the import pipeline: read, import rules, unique ID, types, snapshot, safety rules.

Pure file work, no database: `runs.py` fetches the feed before and records the outcome after. Anything
wrong with the feed raises a FeedbridgeError whose message is shown to the merchant as it is.

The items of an XML or JSON feed are never held whole: the reader spills them to chunk files in a work
directory (removed when the run ends, however it ends; a CSV file is read into memory by Polars), and
every later step is a streaming query over a lazy frame — the unique ID and the types from aggregations
and samples, de-duplication as a filter, the snapshot through a sink. Those steps read the items several
times, so the import rules' result is computed once, into the work directory, and read from there.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from feedbridge.catalog.fields import infer_field_types
from feedbridge.catalog.guards import Verdict, judge_snapshot
from feedbridge.catalog.identity import IdReport, deduplicate, propose_id_field
from feedbridge.catalog.imports import ImportSpec
from feedbridge.catalog.model import RawFeed, collect
from feedbridge.catalog.profile import profile_columns
from feedbridge.catalog.readers import read_feed
from feedbridge.catalog.readers.columns import CHUNK_COMPRESSION, CHUNK_ROWS
from feedbridge.catalog.snapshot_rows import comparable_previous, config_fingerprint
from feedbridge.catalog.snapshots import SnapshotRef, write_snapshot
from feedbridge.errors import FeedbridgeError

# The import rules (the first rule layer) take the feed's items and return them changed, as a lazy
# query (so that they stream like every other step): the rules engine plugs in here (issue 5). Until it
# exists, imports run with `no_import_rules`.
ImportRules = Callable[[pl.LazyFrame], pl.LazyFrame]
ParseProgress = Callable[[int], None]
MAX_SHOWN_FIELDS = 20
WORK_PREFIX = ".import-"  # a run's work directory in the snapshot directory (hidden: never a snapshot)


def no_import_rules(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame


class NoUniqueIdField(FeedbridgeError):
    def __init__(self, columns: list[str]) -> None:
        shown = ", ".join(columns[:MAX_SHOWN_FIELDS]) + (", …" if len(columns) > MAX_SHOWN_FIELDS else "")
        super().__init__(
            "no field of the feed can serve as the unique ID (every candidate is empty or repeated); "
            f"choose one with --id-field (imports add/edit). The feed's fields: {shown or 'none'}"
        )


@dataclass(frozen=True)
class Processed:
    ref: SnapshotRef
    verdict: Verdict
    report: dict[str, Any]  # stored on the run: details, warnings, the snapshot's description


def process_feed(
    path: Path,
    spec: ImportSpec,
    *,
    source_name: str,
    directory: Path,
    previous: SnapshotRef | None,
    max_drop_share: float,
    import_rules: ImportRules = no_import_rules,
    progress: ParseProgress | None = None,
) -> Processed:
    """Read the feed at `path` into a new snapshot under `directory` and judge it against `previous`
    (the import's last good snapshot)."""
    directory.mkdir(parents=True, exist_ok=True)
    # Beside the snapshots: on the data disk, never a RAM-backed /tmp, and gone when the run ends.
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=directory) as work:
        feed = read_feed(path, spec.read_options, work=Path(work), source_name=source_name, progress=progress)
        frame = feed.frame if import_rules is no_import_rules else _once(import_rules(feed.frame), Path(work))
        columns = frame.collect_schema().names()
        id_field, proposed = _id_field(frame, spec, previous)
        if id_field not in columns and not _has_rows(frame):
            # An empty feed still gets its ID field, so the safety rules say "no items", not "no ID field".
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(id_field))
        items, id_report = deduplicate(frame, id_field)
        profile = profile_columns(items)
        types = infer_field_types(items, spec.field_types, spec.date_formats, profile=profile)
        config = config_fingerprint(id_field, types, spec.date_formats)
        ref = write_snapshot(
            directory,
            items,
            id_field=id_field,
            field_types=types,
            previous=comparable_previous(previous, config),
            id_report=id_report,
            date_formats=spec.date_formats,
            extra={"config": config},
            profile=profile,
        )
    verdict = judge_snapshot(ref, previous, max_drop_share=max_drop_share)
    report = {
        "format": feed.format.value,
        "details": feed.details,
        "warnings": _warnings(feed, columns, spec, id_report),
        "id_field_proposed": proposed,
        "snapshot": ref.to_dict(),
        "reasons": list(verdict.reasons),
    }
    return Processed(ref, verdict, report)


def _once(items: pl.LazyFrame, work: Path) -> pl.LazyFrame:
    """`items` evaluated once, to a file the later steps scan (else each of them would run the rules again)."""
    path = work / "after-import-rules.parquet"
    items.sink_parquet(path, compression=CHUNK_COMPRESSION, row_group_size=CHUNK_ROWS)
    return pl.scan_parquet(path)


def _has_rows(frame: pl.LazyFrame) -> bool:
    return collect(frame.select(pl.len())).item() > 0


def _id_field(frame: pl.LazyFrame, spec: ImportSpec, previous: SnapshotRef | None) -> tuple[str, bool]:
    """The set unique ID field, else the one proposed from the feed (the last one for an empty feed)."""
    if spec.unique_id_field:
        return spec.unique_id_field, False
    if not _has_rows(frame):
        return (previous.id_field if previous else "id"), True
    proposed = propose_id_field(frame)
    if proposed is None:
        raise NoUniqueIdField(frame.collect_schema().names())
    return proposed, True


def _warnings(feed: RawFeed, columns: list[str], spec: ImportSpec, id_report: IdReport) -> list[str]:
    warnings = list(feed.warnings)
    if id_report.empty_count or id_report.duplicate_count:
        warnings.append(id_report.summary())
    for name in sorted((set(spec.field_types) | set(spec.date_formats)) - set(columns)):
        warnings.append(f"the type or date format set for {name!r} was not used: the feed has no such field")
    return warnings
