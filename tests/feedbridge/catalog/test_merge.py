import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedbridge.catalog.merge import MergeMode, merge_imports
from feedbridge.errors import InvalidInput

BASE = pl.DataFrame({"id": ["A1", "A2", "A3"], "title": ["Shirt", "Shoe", ""], "price": ["10", "", "30"]})
STOCK = pl.DataFrame(
    {
        "sku": ["a1", "A3", "zz", "", "A1"],
        "price": ["11", "", "99", "1", "12"],
        "stock": ["5", "7", "1", "2", "9"],
        "title": ["", "Hat", "x", "y", "z"],
    }
)


def test_overwrite_replaces_with_non_empty_values_and_adds_new_fields() -> None:
    merged, report = merge_imports(
        BASE, "id", STOCK, key="id", other_key="sku", mode=MergeMode.OVERWRITE, case_sensitive=False
    )

    assert merged.to_dict(as_series=False) == {
        "id": ["A1", "A2", "A3"],
        "title": ["Shirt", "Shoe", "Hat"],
        "price": ["11", "", "30"],
        "sku": ["a1", None, "A3"],
        "stock": ["5", None, "7"],
    }
    assert (report.matched, report.unmatched, report.empty_keys, report.duplicate_keys) == (2, 1, 1, 1)
    assert report.examples == ("zz",)
    assert report.new_fields == ("sku", "stock")


def test_fill_empty_only_fills_empty_fields() -> None:
    merged, _ = merge_imports(
        BASE, "id", STOCK, key="id", other_key="sku", mode=MergeMode.FILL_EMPTY, case_sensitive=False
    )

    assert merged["price"].to_list() == ["10", "", "30"]
    assert merged["title"].to_list() == ["Shirt", "Shoe", "Hat"]


def test_case_sensitive_keys_match_exactly() -> None:
    _, report = merge_imports(
        BASE, "id", STOCK, key="id", other_key="sku", mode=MergeMode.OVERWRITE, case_sensitive=True
    )

    assert (report.matched, report.unmatched) == (2, 2)  # A3 and A1 match; a1 and zz do not
    assert report.examples == ("a1", "zz")


def test_add_appends_new_items_and_skips_known_ids() -> None:
    merged, report = merge_imports(
        BASE, "id", STOCK, key="id", other_key="sku", mode=MergeMode.ADD, case_sensitive=False
    )

    assert merged["id"].to_list() == ["A1", "A2", "A3", "zz"]
    assert merged.row(3, named=True) == {"id": "zz", "title": "x", "price": "99", "sku": "zz", "stock": "1"}
    assert (report.added, report.matched) == (1, 2)
    assert report.examples == ("a1", "A3")


def test_a_field_that_is_a_list_in_one_import_becomes_a_list() -> None:
    base = pl.DataFrame({"id": ["1", "2"], "images": ["a.jpg", ""]})
    other = pl.DataFrame({"id": ["2"], "images": [["b.jpg", "c.jpg"]]})

    merged, _ = merge_imports(base, "id", other, key="id", mode=MergeMode.OVERWRITE)

    assert merged["images"].to_list() == [["a.jpg"], ["b.jpg", "c.jpg"]]


def test_unknown_key_fields_are_refused() -> None:
    with pytest.raises(InvalidInput, match="no field 'ean'"):
        merge_imports(BASE, "id", STOCK, key="id", other_key="ean", mode=MergeMode.OVERWRITE)


def test_the_base_id_is_never_overwritten() -> None:
    other = pl.DataFrame({"gtin": ["g1"], "id": ["NEW"], "title": ["T"]})
    base = BASE.with_columns(gtin=pl.Series(["g1", "g2", "g3"]))

    merged, _ = merge_imports(base, "id", other, key="gtin", mode=MergeMode.OVERWRITE)

    assert merged["id"].to_list() == ["A1", "A2", "A3"]
    assert merged["title"].to_list() == ["T", "Shoe", ""]


keys = st.sampled_from(["k1", "k2", "k3", "k4", "k5", "K1", "K2"])
values = st.sampled_from(["", "x", "y", "z"])


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(keys, st.tuples(values, values), max_size=6),
    st.lists(st.tuples(keys | st.just(""), values, values), max_size=8),
    st.sampled_from(list(MergeMode)),
    st.booleans(),
)
def test_merge_modes_match_a_dict_oracle(
    base_items: dict[str, tuple[str, str]],
    other_rows: list[tuple[str, str, str]],
    mode: MergeMode,
    case_sensitive: bool,
) -> None:
    base = pl.DataFrame(
        {
            "id": list(base_items),
            "a": [v[0] for v in base_items.values()],
            "b": [v[1] for v in base_items.values()],
        },
        schema={"id": pl.String, "a": pl.String, "b": pl.String},
    )
    other = pl.DataFrame(
        {"id": [r[0] for r in other_rows], "a": [r[1] for r in other_rows], "c": [r[2] for r in other_rows]},
        schema={"id": pl.String, "a": pl.String, "c": pl.String},
    )

    merged, report = merge_imports(base, "id", other, key="id", mode=mode, case_sensitive=case_sensitive)

    def fold(key: str) -> str:
        return key if case_sensitive else key.lower()

    firsts: dict[str, tuple[str, str, str]] = {}
    for row in other_rows:
        if row[0]:
            firsts.setdefault(fold(row[0]), row)
    base_keys = {fold(k) for k in base_items}
    expected: list[dict[str, str | None]] = []
    for key, (a, b) in base_items.items():
        theirs = firsts.get(fold(key)) if mode is not MergeMode.ADD else None
        if theirs is None:
            expected.append({"id": key, "a": a, "b": b, "c": None})
        elif mode is MergeMode.OVERWRITE:
            expected.append({"id": key, "a": theirs[1] or a, "b": b, "c": theirs[2]})
        else:
            expected.append({"id": key, "a": a or theirs[1], "b": b, "c": theirs[2]})
    if mode is MergeMode.ADD:
        for folded, row in firsts.items():
            if folded not in base_keys:
                expected.append({"id": row[0], "a": row[1], "b": None, "c": row[2]})
    assert merged.select("id", "a", "b", "c").to_dicts() == expected
    assert report.matched == len(set(firsts) & base_keys)
    assert report.unmatched == len(set(firsts) - base_keys)
