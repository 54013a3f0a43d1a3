import polars as pl
import pytest

from feedbridge.catalog.identity import IdFieldMissing, deduplicate, propose_id_field


def test_the_id_like_field_with_fewest_lost_rows_is_proposed() -> None:
    frame = pl.DataFrame(
        {
            "Handle": ["shirt", "shirt", "shoe", "shoe"],
            "Variant SKU": ["S-1", "S-2", "", "H-2"],
            "ID": ["1", "2", "3", "4"],
            "Title": ["a", "b", "c", "d"],
        }
    )

    assert propose_id_field(frame) == "ID"
    assert propose_id_field(frame.drop("ID")) == "Variant SKU"


def test_handle_only_as_a_last_resort_then_any_unique_field() -> None:
    shopify = pl.DataFrame({"Handle": ["shirt", "shirt", "shoe"], "Title": ["a", "b", "c"]})
    plain = pl.DataFrame({"name": ["a", "a"], "code_value": ["x1", "x2"]})

    assert propose_id_field(shopify) == "Handle"
    assert propose_id_field(plain) == "code_value"
    assert propose_id_field(pl.DataFrame({"name": ["a", "a"]})) is None


def test_names_match_case_insensitively_and_with_namespaces() -> None:
    frame = pl.DataFrame({"g:ID": ["1", "2"], "g:title": ["a", "b"]})

    assert propose_id_field(frame) == "g:ID"


def test_an_all_empty_id_column_is_not_proposed() -> None:
    frame = pl.DataFrame(
        {"sku": ["", None], "product id": ["p1", "p2"]}, schema={"sku": pl.String, "product id": pl.String}
    )

    assert propose_id_field(frame) == "product id"


def test_deduplicate_keeps_the_first_of_each_id_and_drops_empty_ids() -> None:
    frame = pl.DataFrame(
        {
            "id": ["A", "B", "A", "", None, "C", "A", "B", "  "],
            "title": [
                "first A",
                "first B",
                "second A",
                "no id",
                "null id",
                "C",
                "third A",
                "second B",
                "blank",
            ],
        }
    )

    kept, report = deduplicate(frame, "id")

    assert kept.to_dict(as_series=False) == {"id": ["A", "B", "C"], "title": ["first A", "first B", "C"]}
    assert (report.rows, report.items, report.empty_count, report.duplicate_count) == (9, 3, 3, 3)
    assert report.duplicate_ids == (("A", 3), ("B", 2))
    assert "the first of each kept" in report.summary()


def test_duplicate_examples_are_capped_at_ten() -> None:
    frame = pl.DataFrame({"id": [f"id{i % 25}" for i in range(100)]})

    kept, report = deduplicate(frame, "id")

    assert kept.height == 25
    assert len(report.duplicate_ids) == 10
    assert report.duplicate_ids[0] == ("id0", 4)


def test_ids_compare_exactly() -> None:
    kept, report = deduplicate(pl.DataFrame({"id": ["a", "A", "a "]}), "id")

    assert kept.height == 3 and report.duplicate_count == 0


def test_a_missing_id_field_names_the_available_ones() -> None:
    with pytest.raises(IdFieldMissing, match=r"'sku' is not in the feed.*id, title"):
        deduplicate(pl.DataFrame({"id": ["1"], "title": ["x"]}), "sku")
    with pytest.raises(IdFieldMissing, match="lists"):
        deduplicate(pl.DataFrame({"images": [["a"]]}), "images")
