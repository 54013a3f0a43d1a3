"""Safety rules: may a new snapshot replace the last good one, or is it held aside with a reason?

A held snapshot is kept (nothing is lost) and can be accepted explicitly later; until then every later
stage keeps using the last good snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from feedbridge.catalog.snapshots import SnapshotRef

DEFAULT_MAX_DROP_SHARE = 0.30  # hold a snapshot that loses more than this share of the previous items


class VerdictStatus(StrEnum):
    ACCEPTED = "accepted"
    HELD = "held"


@dataclass(frozen=True)
class Verdict:
    status: VerdictStatus
    reasons: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.status is VerdictStatus.ACCEPTED

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def held(reason: str) -> Verdict:
    """A run that produced no usable snapshot (the feed could not be fetched or parsed)."""
    return Verdict(VerdictStatus.HELD, (reason,))


def judge_snapshot(
    snapshot: SnapshotRef,
    previous: SnapshotRef | None,
    *,
    max_drop_share: float = DEFAULT_MAX_DROP_SHARE,
) -> Verdict:
    """Accept `snapshot` as the new good one, or hold it: an empty feed, a missing unique ID field, or more
    than `max_drop_share` of the `previous` (last good) snapshot's items gone."""
    if not 0 <= max_drop_share <= 1:
        raise ValueError(f"max_drop_share must be between 0 and 1, not {max_drop_share}")
    stats, reasons = snapshot.stats, []
    if snapshot.id_field not in stats.fields:
        reasons.append(
            f"The unique ID field {snapshot.id_field!r} is missing from the feed; "
            "check the feed or choose another unique ID field."
        )
    elif stats.items == 0:
        report = stats.id_report
        if report is not None and report.rows:
            reasons.append(
                f"None of the feed's {report.rows} rows has a value in the unique ID field "
                f"{snapshot.id_field!r}; check the feed or choose another unique ID field."
            )
        else:
            reasons.append("The feed has no items; check that the file or URL still serves the full feed.")
    if previous is not None and previous.stats.items and snapshot.id_field in stats.fields:
        before = previous.stats.items
        gone = snapshot.diff.removed if snapshot.diff is not None else max(0, before - stats.items)
        if stats.items and gone / before > max_drop_share:
            reasons.append(
                f"{gone} of the {before} items of the last good import ({gone / before:.0%}) are gone, "
                f"more than the allowed {max_drop_share:.0%}; accept this import if that is intended."
            )
    return Verdict(VerdictStatus.HELD, tuple(reasons)) if reasons else Verdict(VerdictStatus.ACCEPTED)
