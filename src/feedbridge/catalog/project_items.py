"""The project's items: its imports' current snapshots merged, in import order, into one snapshot.

The first import with an accepted snapshot defines the items and their unique ID; each later one joins by
its merge key (its own unique ID unless set) matched to the items' ID, and overwrites, fills empty fields
or adds rows, as its merge mode says. Every later stage reads this merged snapshot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from feedbridge.catalog import merge
from feedbridge.catalog.identity import IdReport, deduplicate
from feedbridge.catalog.model import FieldType, Frame
from feedbridge.catalog.models import Import, Snapshot
from feedbridge.catalog.snapshot_rows import (
    comparable_previous,
    config_fingerprint,
    current_snapshot,
    make_current,
    record_snapshot,
    snapshot_directory,
    snapshot_ref,
)
from feedbridge.catalog.snapshots import SnapshotRef, read_snapshot, write_snapshot
from feedbridge.config import Settings
from feedbridge.errors import InvalidInput

log = logging.getLogger(__name__)


@dataclass
class MergedItems:
    row: Snapshot
    ref: SnapshotRef
    id_report: IdReport
    merges: dict[int, merge.MergeReport] = field(default_factory=dict)  # per later import
    skipped: dict[int, str] = field(default_factory=dict)  # later imports that could not be merged: why


def _date_formats(ref: SnapshotRef) -> dict[str, str]:
    return {name: fmt for name, fmt in ref.formats.items() if ref.field_types.get(name) is FieldType.DATE}


def rebuild_project_snapshot(session: Session, settings: Settings, project_id: int) -> MergedItems | None:
    """Merge the imports' current snapshots into the project's current one (None: no import has items)."""
    imports = session.scalars(
        select(Import).where(Import.project_id == project_id).order_by(Import.position, Import.id)
    )
    parts = [(imp, row) for imp in imports if (row := current_snapshot(session, project_id, imp.id))]
    if not parts:
        session.execute(
            update(Snapshot)
            .where(Snapshot.project_id == project_id, Snapshot.import_id.is_(None))
            .values(is_current=False)
            .execution_options(synchronize_session="fetch")
        )
        return None
    base = snapshot_ref(parts[0][1])
    # The first import's items stream into the merged snapshot; merging later ones works in memory.
    frame: Frame = read_snapshot(base)
    id_field = base.id_field
    types, date_formats = dict(base.field_types), _date_formats(base)
    merges: dict[int, merge.MergeReport] = {}
    skipped: dict[int, str] = {}
    for imp, row in parts[1:]:
        ref = snapshot_ref(row)
        try:
            frame, report = merge.merge_imports(
                frame.lazy().collect(),
                id_field,
                read_snapshot(ref).collect(),
                key=id_field,
                other_key=imp.merge_key or ref.id_field,
                mode=merge.MergeMode(imp.merge_mode),
                case_sensitive=imp.merge_case_sensitive,
            )
        except InvalidInput as error:  # e.g. the merge key left the feed: the other imports still count
            skipped[imp.id] = f"import '{imp.name}' was not merged: {error}"
            continue
        merges[imp.id] = report
        for name in report.new_fields:
            types[name] = ref.field_types.get(name, FieldType.TEXT)
        date_formats |= {n: f for n, f in _date_formats(ref).items() if n in report.new_fields}
    # A field that was text in one import and lists in another became lists (merge._align).
    types = {
        n: FieldType.LIST if isinstance(t, pl.List) else types.get(n, FieldType.TEXT)
        for n, t in frame.collect_schema().items()
    }
    frame, id_report = deduplicate(frame, id_field)
    config = config_fingerprint(id_field, types, date_formats, [imp.id for imp, _ in parts])
    previous_row = current_snapshot(session, project_id, None)
    previous = comparable_previous(snapshot_ref(previous_row) if previous_row else None, config)
    ref = write_snapshot(
        snapshot_directory(settings, project_id),
        frame,
        id_field=id_field,
        field_types=types,
        previous=previous,
        id_report=id_report,
        date_formats=date_formats,
        extra={"config": config, "imports": [imp.id for imp, _ in parts]},
    )
    row = record_snapshot(session, project_id, None, ref)
    make_current(session, row)
    return MergedItems(row, ref, id_report, merges, skipped)
