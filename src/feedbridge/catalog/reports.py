"""What a run did, for people: statistics, the difference, the ID report, warnings and detected details."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from feedbridge.catalog.imports import get_import
from feedbridge.catalog.runs import get_run
from feedbridge.catalog.snapshots import SnapshotRef


@dataclass(frozen=True)
class RunReport:
    run_id: int
    import_name: str
    status: str
    message: str | None
    started_at: datetime
    finished_at: datetime | None
    fetch: dict[str, Any]  # size, sha256, etag, last_modified, final_url, content_type, attempts
    format: str | None
    details: dict[str, str]  # detected or set: delimiter, encoding, item element, zip member, …
    warnings: list[str]
    id_field_proposed: bool
    # The snapshot as written: field types, statistics (empties, type problems, ID report) and the
    # difference to the last good snapshot. None when the run read nothing (failed, unchanged source).
    snapshot: SnapshotRef | None
    reasons: list[str]  # why it was held
    merge: dict[str, Any] | None  # how a later import joined the project's items
    merge_problems: list[str] = field(default_factory=list)
    accepted_by_hand: str | None = None


def run_report(session: Session, company_id: int, run_id: int) -> RunReport:
    run = get_run(session, company_id, run_id)
    imp = get_import(session, company_id, run.import_id)
    report = run.report or {}
    snapshot = report.get("snapshot")
    return RunReport(
        run_id=run.id,
        import_name=imp.name,
        status=run.status,
        message=run.message,
        started_at=run.started_at,
        finished_at=run.finished_at,
        fetch=dict(report.get("fetch", {})),
        format=report.get("format"),
        details=dict(report.get("details", {})),
        warnings=list(report.get("warnings", [])),
        id_field_proposed=bool(report.get("id_field_proposed")),
        snapshot=SnapshotRef.from_dict(snapshot) if snapshot else None,
        reasons=list(report.get("reasons", [])),
        merge=report.get("merge"),
        merge_problems=list(report.get("merge_problems", [])),
        accepted_by_hand=report.get("accepted_by_hand"),
    )
