"""The quality engine: issue bits per item and per listing, blocking, clearing, and the summary."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedbridge.listings import columns as c
from feedbridge.listings.quality import (
    Check,
    Fix,
    IssueIndex,
    Severity,
    apply_checks,
    summarise,
)

MANDATORY, OPTIONAL = Severity.MANDATORY, Severity.OPTIONAL


def check(code: str, severity: Severity, found: pl.Expr, clears: str | None = None) -> Check:
    return Check(code, severity, "price", "Price", f"{code} message", Fix.VIEW_ITEMS, found, clears)


# Listing g:A has three variants, g:B two, i:C one.
SKUS = pl.DataFrame(
    {
        c.LISTING: ["g:A", "g:A", "g:B", "i:C", "g:A", "g:B"],
        c.SKU_CODE: ["A1", "A2", "B1", "C1", "A3", "B2"],
        "price": [10.0, -1.0, 5.0, None, 12.0, 8.0],
        "discount_price": [9.0, -2.0, 6.0, 1.0, 13.0, 4.0],
    }
)
CHECKS = [
    check("negative_price", MANDATORY, pl.col("price") < 0),
    check("missing_price", MANDATORY, pl.col("price").is_null()),
    check("discount_high", OPTIONAL, pl.col("discount_price") >= pl.col("price"), clears="discount_price"),
    check("never", MANDATORY, pl.lit(False)),
]
INDEX = IssueIndex.of(CHECKS)


def checked(data: pl.DataFrame = SKUS, checks: list[Check] = CHECKS) -> pl.DataFrame:
    return apply_checks(data.lazy(), checks).collect()


def flags(frame: pl.DataFrame, code: str, *, own: bool) -> list[bool]:
    return frame.select(INDEX.has(code, own=own)).to_series().to_list()


def test_each_item_has_its_own_issues() -> None:
    frame = checked()
    assert flags(frame, "negative_price", own=True) == [False, True, False, False, False, False]
    assert flags(frame, "missing_price", own=True) == [False, False, False, True, False, False]
    # Null (a missing price) counts as no problem, not as one.
    assert flags(frame, "discount_high", own=True) == [False, False, True, False, True, False]
    assert flags(frame, "never", own=True) == [False] * 6


def test_an_issue_of_one_variant_is_an_issue_of_every_variant_of_its_listing() -> None:
    frame = checked()
    assert flags(frame, "negative_price", own=False) == [True, True, False, False, True, False]
    assert flags(frame, "missing_price", own=False) == [False, False, False, True, False, False]
    assert flags(frame, "discount_high", own=False) == [True, True, True, False, True, True]


def test_only_mandatory_issues_block_and_they_block_the_whole_listing() -> None:
    frame = checked()
    # g:A (negative price) and i:C (no price) are blocked; g:B has an optional issue only.
    assert frame[c.BLOCKED].to_list() == [True, True, False, True, True, False]


def test_every_item_knows_how_many_variants_its_listing_has() -> None:
    assert checked()[c.VARIANTS].to_list() == [3, 3, 2, 1, 3, 2]


def test_an_optional_check_clears_the_value_it_found_wrong_and_only_there() -> None:
    frame = checked()
    assert frame["discount_price"].to_list() == [9.0, -2.0, None, 1.0, None, 4.0]
    assert frame["price"].to_list() == SKUS["price"].to_list()


def test_two_checks_that_clear_the_same_value_both_clear_it() -> None:
    checks = [
        check("low", OPTIONAL, pl.col("discount_price") < 0, clears="discount_price"),
        check("high", OPTIONAL, pl.col("discount_price") > 10, clears="discount_price"),
    ]
    frame = checked(checks=checks)
    assert frame["discount_price"].to_list() == [9.0, None, 6.0, 1.0, None, 4.0]


def test_a_mandatory_check_may_not_clear_a_value() -> None:
    with pytest.raises(ValueError, match="only optional checks may clear"):
        checked(checks=[check("bad", MANDATORY, pl.lit(True), clears="price")])


def test_check_codes_are_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        IssueIndex.of([CHECKS[0], CHECKS[0]])


def test_the_rows_and_their_order_are_kept() -> None:
    frame = checked()
    assert frame[c.SKU_CODE].to_list() == SKUS[c.SKU_CODE].to_list()


def test_issue_index_reads_codes_back() -> None:
    frame = checked()
    row = frame.row(1, named=True)
    assert INDEX.codes_of([row[c.issue_word(0, own=True)]]) == ["negative_price"]
    assert INDEX.codes_of([row[c.issue_word(0, own=False)]]) == ["negative_price", "discount_high"]
    assert INDEX.mandatory == {"negative_price", "missing_price", "never"}
    assert frame.with_columns(INDEX.has("no_such_code").alias("x"))["x"].to_list() == [False] * 6
    assert frame.select(INDEX.any_issue(own=True)).to_series().to_list() == [
        False,
        True,
        True,
        True,
        True,
        False,
    ]


def test_more_than_64_checks_use_several_words() -> None:
    data = pl.DataFrame({c.LISTING: ["i:1", "i:2", "i:3"], "n": [0, 64, 129]})
    checks = [check(f"is_{n}", OPTIONAL, pl.col("n") == n) for n in range(130)]
    index = IssueIndex.of(checks)
    frame = apply_checks(data.lazy(), checks).collect()
    assert index.words == 3
    assert [name for name in frame.columns if name.startswith("issues.")] == [
        "issues.0",
        "issues.1",
        "issues.2",
    ]
    for row, n in enumerate((0, 64, 129)):
        words = [frame[c.issue_word(w, own=False)][row] for w in range(3)]
        assert index.codes_of(words) == [f"is_{n}"]
        assert frame.select(index.has(f"is_{n}"))[row, 0]


# ── summary ────────────────────────────────────────────────────────────────────────────────────


def test_the_summary_counts_items_listings_and_each_issue() -> None:
    summary = summarise(checked(), CHECKS, excluded_items=4, excluded_listings=2)
    assert (summary.items, summary.listings, summary.ready, summary.blocked) == (6, 3, 1, 2)
    assert (summary.excluded_items, summary.excluded_listings) == (4, 2)
    by_code = {issue.code: issue for issue in summary.issues}
    assert set(by_code) == {"negative_price", "missing_price", "discount_high"}  # "never" found nothing
    negative = by_code["negative_price"]
    # Items are every variant of the affected listings; own items only those with the problem.
    assert (negative.items, negative.listings, negative.own_items) == (3, 1, 1)
    assert (by_code["discount_high"].items, by_code["discount_high"].listings) == (5, 2)
    assert by_code["discount_high"].own_items == 2
    assert negative.severity is MANDATORY and negative.fix is Fix.VIEW_ITEMS
    assert negative.message == "negative_price message" and negative.label == "Price"
    # Mandatory first; as many listings each, so by code.
    assert summary.mandatory == (by_code["missing_price"], by_code["negative_price"])
    assert summary.issues[-1] is by_code["discount_high"]


def test_mandatory_issues_come_first_then_the_most_listings() -> None:
    data = pl.DataFrame({c.LISTING: ["i:1", "i:2", "i:3"], "n": [1, 2, 3]})
    checks = [
        check("optional_everywhere", OPTIONAL, pl.lit(True)),
        check("b_mandatory_once", MANDATORY, pl.col("n") == 1),
        check("a_mandatory_once", MANDATORY, pl.col("n") == 2),
        check("mandatory_twice", MANDATORY, pl.col("n") > 1),
    ]
    summary = summarise(
        apply_checks(data.lazy(), checks).collect(), checks, excluded_items=0, excluded_listings=0
    )
    assert [issue.code for issue in summary.issues] == [
        "mandatory_twice",
        "a_mandatory_once",
        "b_mandatory_once",
        "optional_everywhere",
    ]
    assert (summary.ready, summary.blocked) == (0, 3)


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=4), st.booleans(), st.booleans()),
        min_size=1,
        max_size=30,
    )
)
def test_propagation_matches_a_plain_python_oracle(rows: list[tuple[int, bool, bool]]) -> None:
    data = pl.DataFrame(
        {
            c.LISTING: [f"g:{listing}" for listing, _, _ in rows],
            "hard": [hard for _, hard, _ in rows],
            "soft": [soft for _, _, soft in rows],
        }
    )
    checks = [check("hard", MANDATORY, pl.col("hard")), check("soft", OPTIONAL, pl.col("soft"))]
    index = IssueIndex.of(checks)
    frame = apply_checks(data.lazy(), checks).collect()
    hard_listings = {listing for listing, hard, _ in rows if hard}
    soft_listings = {listing for listing, _, soft in rows if soft}
    assert frame.select(index.has("hard")).to_series().to_list() == [
        key in hard_listings for key, _, _ in rows
    ]
    assert frame.select(index.has("soft")).to_series().to_list() == [
        key in soft_listings for key, _, _ in rows
    ]
    assert frame[c.BLOCKED].to_list() == [key in hard_listings for key, _, _ in rows]
    summary = summarise(frame, checks, excluded_items=0, excluded_listings=0)
    listings = {listing for listing, _, _ in rows}
    assert (summary.listings, summary.blocked, summary.ready) == (
        len(listings),
        len(hard_listings),
        len(listings - hard_listings),
    )
    if hard_listings:
        hard = next(issue for issue in summary.issues if issue.code == "hard")
        assert hard.items == sum(1 for key, _, _ in rows if key in hard_listings)
        assert hard.own_items == sum(1 for _, h, _ in rows if h)
