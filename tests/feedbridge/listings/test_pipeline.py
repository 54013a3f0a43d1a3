"""From categorized items to listings: chunks give what one chunk gives; exclusions and the sink."""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from feedbridge.channels.aliexpress.payloads import PayloadFormat
from feedbridge.listings import columns as c
from feedbridge.listings.pipeline import ITEM_COLUMNS, Excluded, ListingSet, make_listings
from support.requirements import (
    COOKWARE,
    DRESSES,
    NOT_PERMITTED,
    SHIRTS,
    full_build,
    items,
    listings,
    requirements,
)

BUILD = full_build(
    category={"2": {"field": "brand"}, "10": {"field": "material"}, "284": {"field": "gender"}},
    localized_prices=[{"country": "FR", "price": {"formula": "{price} * 0.8"}}],
)

rows = st.fixed_dictionaries(
    {
        "id": st.sampled_from([f"I-{n}" for n in range(12)] + ["", " "]),
        "group": st.one_of(st.none(), st.sampled_from(["A", "B", "C", " "])),
        "colour": st.sampled_from(["Black", "White", "grau", "Teal", ""]),
        "size": st.sampled_from(["S", "M", "L", None]),
        "price": st.sampled_from(["10", "19,99", "0", "x", "999999.99"]),
        "quantity": st.sampled_from(["1", "0", "5.5", ""]),
        "title": st.sampled_from(["Dress", "<b>", "x" * 220, ""]),
        "brand": st.sampled_from(["Acme", "Nobody", ""]),
        "material": st.sampled_from(["Cotton", "Wood, Metal", "Linen", ""]),
        "gender": st.sampled_from(["Women", "Men", ""]),
        "category": st.sampled_from([DRESSES, SHIRTS, COOKWARE, NOT_PERMITTED, None]),
    }
)


def same(first: ListingSet, second: ListingSet) -> None:
    assert_frame_equal(first.items, second.items)
    assert_frame_equal(first.listings, second.listings)
    assert first.issues == second.issues
    assert first.summary == second.summary


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(rows, min_size=1, max_size=40),
    st.integers(min_value=1, max_value=9),
    st.sampled_from(PayloadFormat),
)
def test_chunks_give_what_one_chunk_gives(
    catalogue: list[dict[str, Any]], chunk_items: int, fmt: PayloadFormat
) -> None:
    frame = items(catalogue)
    required = requirements(max_variants=3)
    whole = listings(frame, BUILD, required, fmt=fmt)
    chunked = listings(frame, BUILD, required, fmt=fmt, chunk_items=chunk_items)
    same(whole, chunked)


def test_small_chunks_of_a_catalogue_with_every_kind_of_issue() -> None:
    catalogue = [
        {"id": f"I-{n}", "group": "ABCD"[n % 4] if n % 3 else None, "colour": ["Black", "White", "Red"][n % 3],
         "size": "SML"[n % 3], "price": ["10", "x", "0"][n % 3] if n % 5 == 0 else "20", "category": [DRESSES, COOKWARE, None][n % 3]}
        for n in range(30)
    ]  # fmt: skip
    catalogue[7]["id"] = "I-3"  # a repeated SKU code
    frame = items(catalogue)
    whole = listings(frame, BUILD)
    same(whole, listings(frame, BUILD, chunk_items=7))
    assert whole.summary.blocked > 0 and whole.summary.ready > 0
    assert "sku_code_duplicate" in {issue.code for issue in whole.summary.issues}


def test_the_items_keep_what_later_steps_need_in_item_order() -> None:
    frame = items(
        [
            {"id": "B", "group": "G", "colour": "Black"},
            {"id": "A"},
            {"id": "C", "group": "G", "colour": "White"},
        ]
    )
    found = listings(frame, BUILD, chunk_items=1)
    assert found.items.columns[: len(ITEM_COLUMNS)] == list(ITEM_COLUMNS)
    assert [name for name in found.items.columns[len(ITEM_COLUMNS) :]] == [
        *(c.issue_word(w, own=True) for w in range(found.issues.words)),
        *(c.issue_word(w, own=False) for w in range(found.issues.words)),
    ]
    assert found.items[c.ITEM_ID].to_list() == ["B", "A", "C"]
    assert found.items[c.POSITION].to_list() == [0, 1, 2]
    assert found.items[c.VARIANTS].to_list() == [2, 1, 2]
    assert found.listings[c.LISTING].to_list() == ["g:G", "i:A"]


def test_the_sink_gets_every_checked_row_with_every_attribute() -> None:
    frame = items([{"id": f"I-{n}"} for n in range(5)])
    received: list[pl.DataFrame] = []
    make_listings(
        frame.lazy(),
        BUILD,
        requirements(),
        id_field="id",
        unique_id_field="id",
        decimal_marks={},
        excluded=Excluded(0),
        chunk_items=2,
        sink=received.append,
    )
    assert len(received) == 3
    together = pl.concat(received).sort(c.POSITION)
    assert together[c.ITEM_ID].to_list() == [f"I-{n}" for n in range(5)]
    assert {"title", "price", c.raw("price"), "attribute.2", "sku_attribute.14", c.BLOCKED} <= set(
        together.columns
    )


def test_the_summary_counts_what_the_rules_excluded() -> None:
    before = items(
        [
            {"id": "A-1", "group": "A"},
            {"id": "A-2", "group": "A"},  # excluded, but A-1 keeps listing g:A
            {"id": "B-1", "group": "B"},  # excluded with its whole listing
            {"id": "S-1"},
            {"id": "S-2"},  # excluded single item
        ]
    )
    after = before.filter(pl.col("id").is_in(["A-1", "S-1"]))
    found = listings(after, BUILD, excluded=Excluded(3, before.lazy()))
    assert (found.summary.items, found.summary.listings) == (2, 2)
    assert (found.summary.excluded_items, found.summary.excluded_listings) == (3, 2)
    # Without the items before the rules only the item count is known.
    found = listings(after, BUILD, excluded=Excluded(3))
    assert (found.summary.excluded_items, found.summary.excluded_listings) == (3, 0)


def test_ready_and_blocked_listings_are_counted_once_each() -> None:
    frame = items(
        [
            {"id": "G-1", "group": "G", "colour": "Black"},
            {"id": "G-2", "group": "G", "colour": "White", "price": "0"},
            {"id": "S-1"},
            {"id": "S-2", "title": ""},
        ]
    )
    summary = listings(frame, BUILD).summary
    assert (summary.items, summary.listings, summary.ready, summary.blocked) == (4, 3, 1, 2)
    by_code = {issue.code: issue for issue in summary.issues}
    assert (by_code["range:price"].items, by_code["range:price"].own_items) == (2, 1)
    assert (by_code["missing:title"].items, by_code["missing:title"].own_items) == (1, 1)
    assert summary.issues[0].severity.value == "mandatory"


def test_items_without_a_sku_code_are_blocked() -> None:
    found = listings(items([{"id": ""}, {"id": "A"}]), BUILD)
    assert found.items[c.BLOCKED].to_list() == [True, False]


def test_items_without_a_sku_code_are_listings_of_their_own() -> None:
    found = listings(items([{"id": ""}, {"id": ""}, {"id": None}, {"id": None}]), BUILD)
    assert found.summary.listings == 4
    assert "variant_duplicate" not in {issue.code for issue in found.summary.issues}
