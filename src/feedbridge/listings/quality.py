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


def apply_checks(skus: pl.LazyFrame, checks: Sequence[Check]) -> pl.LazyFrame:
    """The SKU frame with each item's own issues, its listing's issues, whether the listing is blocked
    and how many variants it has; values that optional checks found wrong are cleared."""
    for check in checks:
        if check.clears is not None and check.severity is Severity.MANDATORY:
            raise ValueError(f"check {check.code}: only optional checks may clear a value")
    mandatory = [check.code for check in checks if check.severity is Severity.MANDATORY]
    flags = [pl.when(check.found.fill_null(False)).then(pl.lit(check.code)) for check in checks]
    own = pl.concat_list(flags).list.drop_nulls() if flags else pl.lit([], dtype=pl.List(pl.String))
    with_issues = skus.with_columns(own.alias(c.ISSUES))
    cleared: dict[str, pl.Expr] = {}
    for check in checks:
        if check.clears is not None:
            hit = check.found.fill_null(False)
            cleared[check.clears] = cleared.get(check.clears, pl.lit(False)) | hit
    if cleared:
        with_issues = with_issues.with_columns(
            pl.when(hit).then(None).otherwise(pl.col(name)).alias(name) for name, hit in cleared.items()
        )
    every = pl.col(c.ISSUES).list.explode(keep_nulls=False, empty_as_null=False)
    listing_issues = every.unique().sort().over(c.LISTING, mapping_strategy="join")
    return with_issues.with_columns(
        listing_issues.alias(c.LISTING_ISSUES), pl.len().over(c.LISTING).cast(pl.UInt32).alias(c.VARIANTS)
    ).with_columns(
        pl.col(c.LISTING_ISSUES).list.eval(pl.element().is_in(mandatory)).list.any().alias(c.BLOCKED)
    )


def summarise(
    skus: pl.DataFrame, checks: Sequence[Check], *, excluded_items: int, excluded_listings: int
) -> QualitySummary:
    """The quality summary of a checked SKU frame (apply_checks)."""
    listings = skus.group_by(c.LISTING).agg(
        pl.col(c.LISTING_ISSUES).first(), pl.col(c.BLOCKED).first(), pl.len().alias("items")
    )
    per_listing = (
        listings.select(pl.col(c.LISTING_ISSUES).alias("code"), "items")
        .explode("code")
        .drop_nulls("code")
        .group_by("code")
        .agg(pl.len().alias("listings"), pl.col("items").sum())
    )
    own = skus.select(pl.col(c.ISSUES).alias("code")).explode("code").drop_nulls().group_by("code").len()
    counts = {row[0]: (row[1], row[2]) for row in per_listing.iter_rows()}
    own_counts = dict(own.iter_rows())
    issues = [
        Issue(
            check.code,
            check.severity,
            check.attribute,
            check.label,
            check.message,
            check.fix,
            items=int(counts[check.code][1]),
            listings=int(counts[check.code][0]),
            own_items=int(own_counts.get(check.code, 0)),
        )
        for check in checks
        if check.code in counts
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
