"""Quality: checks over every SKU at once, issues propagated to whole listings, and the summary.

A check is a Boolean expression over the SKU frame (true where the item has the problem). An issue on
one variant marks its whole listing: every variant of the listing shows it, and a mandatory one keeps
the listing from being sent. An optional check may clear the value it found wrong, so that the listing
is sent without it rather than refused by the marketplace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from feedbridge.listings import columns as c


class Severity(StrEnum):
    MANDATORY = "mandatory"
    OPTIONAL = "optional"


class Fix(StrEnum):
    """Where the merchant fixes an issue (the seed's quality actions)."""

    VIEW_ITEMS = "view_items"
    VIEW_IN_BUILD = "view_in_build"
    SET_CATEGORIES = "set_categories"
    SHOW_SOURCE = "show_source"


@dataclass(frozen=True)
class Check:
    code: str  # "missing:title", "title_characters", …: unique among the checks
    severity: Severity
    attribute: str | None  # the attribute key it concerns, if one
    label: str  # the attribute (or subject) for people
    message: str  # what is wrong and how to fix it, in plain words
    fix: Fix
    found: pl.Expr  # Boolean over the SKU frame: the item has the problem (null counts as false)
    clears: str | None = None  # a column to empty where found (optional checks only)


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    attribute: str | None
    label: str
    message: str
    fix: Fix
    items: int  # items that show the issue: every variant of an affected listing
    listings: int
    own_items: int  # items that have the problem themselves


@dataclass(frozen=True)
class QualitySummary:
    items: int
    listings: int
    ready: int  # listings without a mandatory issue: they are sent
    blocked: int  # listings with a mandatory issue
    excluded_items: int  # items the rules excluded
    excluded_listings: int  # listings whose every item the rules excluded
    issues: tuple[Issue, ...]  # mandatory first, then by listings affected

    @property
    def mandatory(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.MANDATORY)


@dataclass(frozen=True)
class IssueIndex:
    """Where each check's flag lives: issues are bits of UInt64 words, one word per 64 checks, in the
    SKU frame's `issues.<n>` (the item's own) and `listing_issues.<n>` (its listing's) columns."""

    codes: tuple[str, ...]
    mandatory: frozenset[str]

    @classmethod
    def of(cls, checks: Sequence[Check]) -> IssueIndex:
        codes = tuple(check.code for check in checks)
        if len(set(codes)) != len(codes):
            raise ValueError("check codes must be unique")
        return cls(codes, frozenset(check.code for check in checks if check.severity is Severity.MANDATORY))

    @property
    def words(self) -> int:
        return max(1, -(-len(self.codes) // WORD_BITS))

    def has(self, code: str, *, own: bool = False) -> pl.Expr:
        """Whether the item (own) or its listing has the issue `code`; false for codes no check has."""
        if code not in self.codes:
            return pl.lit(False)
        word, bit = divmod(self.codes.index(code), WORD_BITS)
        column = c.issue_word(word, own=own)
        return (pl.col(column) & pl.lit(1 << bit, dtype=pl.UInt64)) != 0

    def any_issue(self, *, own: bool = False) -> pl.Expr:
        return pl.any_horizontal(pl.col(c.issue_word(w, own=own)) != 0 for w in range(self.words))

    def codes_of(self, words: Sequence[int]) -> list[str]:
        """The codes whose bits are set in `words` (one row's issue words)."""
        return [code for i, code in enumerate(self.codes) if words[i // WORD_BITS] >> (i % WORD_BITS) & 1]


WORD_BITS = 64


def apply_checks(skus: pl.LazyFrame, checks: Sequence[Check]) -> pl.LazyFrame:
    """The SKU frame with each item's own issues, its listing's issues, whether the listing is blocked
    and how many variants it has; values that optional checks found wrong are cleared."""
    for check in checks:
        if check.clears is not None and check.severity is Severity.MANDATORY:
            raise ValueError(f"check {check.code}: only optional checks may clear a value")
    index = IssueIndex.of(checks)
    flags = [check.found.fill_null(False) for check in checks]
    words = [
        pl.sum_horizontal(
            flag.cast(pl.UInt64) * pl.lit(1 << bit, dtype=pl.UInt64)
            for bit, flag in enumerate(flags[w * WORD_BITS : (w + 1) * WORD_BITS])
        ).alias(c.issue_word(w, own=True))
        if flags[w * WORD_BITS :]
        else pl.lit(0, dtype=pl.UInt64).alias(c.issue_word(w, own=True))
        for w in range(index.words)
    ]
    if c.LISTING_INDEX not in skus.collect_schema():
        skus = skus.with_columns(c.listing_index())
    frame = skus.with_columns(words)
    cleared: dict[str, pl.Expr] = {}
    for check, flag in zip(checks, flags, strict=True):
        if check.clears is not None:
            cleared[check.clears] = cleared.get(check.clears, pl.lit(False)) | flag
    if cleared:
        frame = frame.with_columns(
            pl.when(hit).then(None).otherwise(pl.col(name)).alias(name) for name, hit in cleared.items()
        )
    mandatory = [check.code for check in checks if check.severity is Severity.MANDATORY]
    frame = frame.with_columns(
        *[
            pl.col(c.issue_word(w, own=True))
            .bitwise_or()
            .over(c.LISTING_INDEX)
            .alias(c.issue_word(w, own=False))
            for w in range(index.words)
        ],
        pl.len().over(c.LISTING_INDEX).cast(pl.UInt32).alias(c.VARIANTS),
    )
    blocked = pl.any_horizontal(index.has(code) for code in mandatory) if mandatory else pl.lit(False)
    return frame.with_columns(blocked.alias(c.BLOCKED))


def summarise(
    skus: pl.DataFrame, checks: Sequence[Check], *, excluded_items: int, excluded_listings: int
) -> QualitySummary:
    """The quality summary of a checked SKU frame (apply_checks)."""
    index = IssueIndex.of(checks)
    listings = skus.group_by(c.LISTING).agg(
        *[pl.col(c.issue_word(w, own=False)).first() for w in range(index.words)],
        pl.col(c.BLOCKED).first(),
        pl.len().alias("items"),
    )
    on_listings = listings.select(
        *[index.has(code).sum().alias(f"listings {code}") for code in index.codes],
        *[pl.col("items").filter(index.has(code)).sum().alias(f"items {code}") for code in index.codes],
    ).row(0, named=True)
    own = skus.select(index.has(code, own=True).sum().alias(code) for code in index.codes).row(0, named=True)
    issues = [
        Issue(
            check.code,
            check.severity,
            check.attribute,
            check.label,
            check.message,
            check.fix,
            items=int(on_listings[f"items {check.code}"]),
            listings=int(on_listings[f"listings {check.code}"]),
            own_items=int(own[check.code]),
        )
        for check in checks
        if on_listings[f"listings {check.code}"]
    ]
    issues.sort(key=lambda i: (i.severity is not Severity.MANDATORY, -i.listings, i.code))
    blocked = int(listings[c.BLOCKED].sum())
    return QualitySummary(
        items=skus.height,
        listings=listings.height,
        ready=listings.height - blocked,
        blocked=blocked,
        excluded_items=excluded_items,
        excluded_listings=excluded_listings,
        issues=tuple(issues),
    )
