"""How the CLI shows an import run: status, statistics, difference, ID report, field types, warnings."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from feedbridge.catalog.reports import RunReport
from feedbridge.catalog.snapshots import SnapshotRef
from feedbridge.catalog.spool import format_bytes

STATUS_STYLE = {
    "accepted": "green",
    "unchanged": "cyan",
    "held": "yellow",
    "failed": "red",
    "running": "blue",
}


def print_run(console: Console, report: RunReport, *, fields: bool = True) -> None:
    style = STATUS_STYLE.get(report.status, "")
    took = (
        f", {(report.finished_at - report.started_at).total_seconds():.1f} s"
        if report.finished_at is not None
        else ""
    )
    console.print(
        f"Run {report.run_id} of '{report.import_name}': [{style}]{report.status}[/{style}]"
        f" ({report.started_at:%Y-%m-%d %H:%M} UTC{took})"
    )
    if report.message:
        console.print(f"  {report.message}", markup=False)
    if report.fetch.get("size") is not None:
        where = f" from {report.fetch['final_url']}" if report.fetch.get("final_url") else ""
        console.print(f"  Fetched {format_bytes(int(report.fetch['size']))}{where}", markup=False)
    if report.details or report.format:
        detail = ", ".join(f"{k} {v!r}" for k, v in report.details.items())
        console.print(f"  Read as {report.format}" + (f" ({detail})" if detail else ""), markup=False)
    if report.snapshot is not None:
        _print_snapshot(console, report.snapshot, report.id_field_proposed, fields=fields)
    if report.merge:
        merge = report.merge
        console.print(
            f"  Merged ({merge['mode']}): {merge['matched']} matched, {merge['unmatched']} unmatched, "
            f"{merge['empty_keys']} without key, {merge['duplicate_keys']} repeated keys",
            markup=False,
        )
    for problem in report.merge_problems:
        console.print(f"  [yellow]Merge problem:[/yellow] {escape(problem)}")
    for warning in report.warnings:
        console.print(f"  [yellow]Warning:[/yellow] {escape(warning)}")
    if report.accepted_by_hand:
        console.print(f"  Accepted by hand at {report.accepted_by_hand}")


def _print_snapshot(console: Console, ref: SnapshotRef, proposed: bool, *, fields: bool) -> None:
    stats = ref.stats
    how = "proposed" if proposed else "set on the import"
    console.print(f"  Items: {stats.items}, fields: {len(stats.fields)}, unique ID: {ref.id_field!r} ({how})")
    if stats.id_report is not None:
        console.print(f"  ID report: {stats.id_report.summary()}", markup=False)
    diff = ref.diff
    if diff is not None:
        console.print(
            f"  Difference to the last good snapshot: {diff.added} added, {diff.removed} removed, "
            f"{diff.changed} changed, {diff.unchanged} unchanged"
        )
        for label, examples in (
            ("added", diff.added_examples),
            ("removed", diff.removed_examples),
            ("changed", diff.changed_examples),
        ):
            if examples:
                console.print(f"    {label}: {', '.join(examples)}", markup=False)
    if not fields:
        return
    table = Table("field", "type", "empty", "type problems", box=None, padding=(0, 2))
    for name in stats.fields:
        problem = stats.type_problems.get(name)
        shown = f"{problem.count} (e.g. {', '.join(map(repr, problem.examples[:3]))})" if problem else ""
        table.add_row(
            escape(name), ref.field_types.get(name, "text"), str(stats.empties.get(name, 0)), escape(shown)
        )
    console.print(table)
