from datetime import UTC, date, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedbridge.catalog.fields import (
    column_formats,
    infer_field_types,
    is_identifier_name,
    type_problems,
    typed_view,
)
from feedbridge.catalog.model import FieldType
from feedbridge.catalog.parsing import gtin_check_digit_valid, validate_date_format
from feedbridge.errors import InvalidInput


def gs1_check_digit(body: str) -> str:
    """Reference: weights 3,1,3,… counted from the rightmost digit of the body (GS1 General Specifications)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str(-total % 10)


def infer(**columns: list[str]) -> dict[str, FieldType]:
    return infer_field_types(pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String)))


def test_a_google_shopping_feed_gets_sensible_types() -> None:
    frame = pl.DataFrame(
        {
            "g:id": ["00123", "00124", "00125", "00126"],
            "g:title": ["Shirt", "Shoe", "Hat", "Sock"],
            "g:link": [
                "https://x.example/1",
                "https://x.example/2",
                "http://x.example/3",
                "https://x.example/4",
            ],
            "g:price": ["19.99 EUR", "5.00 EUR", "1,299.00 EUR", "0.50 EUR"],
            "g:gtin": ["4006381333931", "04006381333931", "73513537", "012345678905"],
            "g:mpn": ["1001", "1002", "1003", "1004"],
            "g:item_group_id": ["7", "7", "8", "8"],
            "stock": ["3", "0", "12", "7"],
            "g:availability_date": ["2024-01-05", "2024-01-05T10:00:00Z", "2024-02-01T08:30:00+01:00", ""],
            "g:additional_image_link": [["https://x.example/a.jpg"], [], None, ["https://x.example/b.jpg"]],
        }
    )

    assert infer_field_types(frame) == {
        "g:id": FieldType.TEXT,
        "g:title": FieldType.TEXT,
        "g:link": FieldType.URL,
        "g:price": FieldType.NUMBER,
        "g:gtin": FieldType.GTIN,
        "g:mpn": FieldType.TEXT,
        "g:item_group_id": FieldType.TEXT,
        "stock": FieldType.NUMBER,
        "g:availability_date": FieldType.DATE,
        "g:additional_image_link": FieldType.LIST,
    }


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["05.01.2024", "31.12.2023"], "dd.mm.yyyy"),
        (["2024/01/05", "2023/12/31 10:30"], "yyyy/mm/dd"),
        (["12/31/2024", "01/05/2024"], "mm/dd/yyyy"),  # 31 cannot be a month: US order
        (["05/01/2024", "11/12/2023"], "dd/mm/yyyy"),  # ambiguous: day first
        (["Mon, 05 Jan 2024 10:00:00 +0000", "6 Feb 2024 10:00 GMT"], "RFC 2822"),
        (["2024-01-05", "2024-01-05 10:00", "2024-01-05T10:00:00.5Z"], "ISO 8601"),
    ],
)
def test_common_date_formats_are_recognised(values: list[str], expected: str) -> None:
    frame = pl.DataFrame({"updated": values})
    types = infer_field_types(frame)

    assert types == {"updated": FieldType.DATE}
    assert column_formats(frame, types) == {"updated": expected}
    assert typed_view(frame, types)["updated"].null_count() == 0


def test_a_custom_date_format_makes_a_date_field_and_is_used() -> None:
    frame = pl.DataFrame({"since": ["05-01-2024", "31-12-2023", "soon"]})
    types = infer_field_types(frame, date_formats={"since": "%d-%m-%Y"})

    assert types == {"since": FieldType.DATE}
    view = typed_view(frame, types, date_formats={"since": "%d-%m-%Y"})
    assert view["since"].to_list()[:2] == [
        datetime(2024, 1, 5, tzinfo=UTC),
        datetime(2023, 12, 31, tzinfo=UTC),
    ]
    assert type_problems(frame, types, {"since": "%d-%m-%Y"})["since"].examples == ("soon",)


def test_a_custom_date_format_without_a_year_is_refused() -> None:
    with pytest.raises(InvalidInput, match="year"):
        validate_date_format("%d-%m")


@pytest.mark.parametrize(
    "name",
    [
        "id",
        "ID",
        "sku",
        "Variant SKU",
        "ean",
        "gtin",
        "upc",
        "mpn",
        "barcode",
        "product_id",
        "productId",
        "item_group_id",
        "google_product_category",
        "g:google_product_category",
        "category",
        "taxonomy",
        "zip",
        "postcode",
        "phone",
        "Article number",
        "part_no",
        "modelNr",
    ],
)
def test_numeric_identifiers_stay_text(name: str) -> None:
    assert is_identifier_name(name)
    assert infer(**{name: ["1001", "1002", "1003"]}) == {name: FieldType.TEXT}


@pytest.mark.parametrize("name", ["price", "stock", "weight", "amount paid", "valid", "number of pieces"])
def test_quantities_are_numbers(name: str) -> None:
    assert not is_identifier_name(name)
    assert infer(**{name: ["1", "2.5", "3"]}) == {name: FieldType.NUMBER}


def test_a_leading_zero_anywhere_in_the_column_keeps_it_text() -> None:
    values = [str(n) for n in range(1, 30_000)] + ["0042"]  # beyond the inference sample's reach

    assert infer(code_number=values) == {"code_number": FieldType.TEXT}


def test_decimal_comma_and_currencies_read_as_numbers() -> None:
    frame = pl.DataFrame(
        {"preis": ["19,99 €", "1.234,50 EUR", "5", "€ 0,99"], "price": ["$1,234.50", "3", "0.5", "USD 7"]}
    )
    types = infer_field_types(frame)

    assert types == {"preis": FieldType.NUMBER, "price": FieldType.NUMBER}
    view = typed_view(frame, types)
    assert view["preis"].to_list() == [19.99, 1234.5, 5.0, 0.99]
    assert view["price"].to_list() == [1234.5, 3.0, 0.5, 7.0]


def test_a_few_rows_read_with_the_decimal_mark_found_over_the_whole_snapshot() -> None:
    frame = pl.DataFrame({"preis": ["1.234,50", "19,99", "1.234", "5,00"]})
    types = infer_field_types(frame)
    formats = column_formats(frame, types)
    one = frame.slice(2, 1)  # "1.234" alone reads as 1.234 with a decimal point

    assert formats == {"preis": ","}
    assert typed_view(one, types, formats=formats)["preis"].to_list() == [1234.0]
    assert typed_view(frame.slice(0, 1), types, formats=formats)["preis"].to_list() == [1234.5]


def test_a_long_digit_string_is_a_code_not_a_number() -> None:
    assert infer(reference=["1234567890123456", "2234567890123456"]) == {"reference": FieldType.TEXT}


def test_lists_only_for_list_columns() -> None:
    assert infer(tags=["red, blue", "green"]) == {"tags": FieldType.TEXT}


def test_type_problems_count_every_value_and_show_distinct_examples() -> None:
    prices = ["9.99"] * 50_000 + ["N/A", "free", "N/A", ""]
    frame = pl.DataFrame({"price": prices, "link": ["https://a.example/x"] * 50_003 + ["not a url"]})
    types = infer_field_types(frame)

    problems = type_problems(frame, types)

    assert problems["price"].count == 3
    assert problems["price"].examples == ("N/A", "free")
    assert problems["link"].count == 1


def test_overrides_win_but_cannot_make_text_a_list() -> None:
    frame = pl.DataFrame({"stock": ["1", "2"], "images": [["a"], ["b"]]})

    assert infer_field_types(frame, overrides={"stock": FieldType.TEXT}) == {
        "stock": FieldType.TEXT,
        "images": FieldType.LIST,
    }
    with pytest.raises(InvalidInput, match="single values"):
        infer_field_types(frame, overrides={"stock": FieldType.LIST})


def test_gtin_needs_valid_check_digits_for_most_values() -> None:
    valid = ["4006381333931", "73513537", "012345678905", "10012345678902"]
    assert infer(barcode_value=valid) == {"barcode_value": FieldType.GTIN}
    assert infer(total=["4006381333932", "73513538", "12345678906", "10012345678903"]) == {
        "total": FieldType.NUMBER
    }


@given(st.text(alphabet="0123456789", min_size=7, max_size=13).filter(lambda b: len(b) in (7, 11, 12, 13)))
def test_gtin_check_digit_matches_the_reference(body: str) -> None:
    good = body + gs1_check_digit(body)
    bad = body + str((int(gs1_check_digit(body)) + 1) % 10)
    result = pl.DataFrame({"v": [good, bad, f" {good} "]}).select(gtin_check_digit_valid(pl.col("v")))

    assert result.to_series().to_list() == [True, False, True]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=40),
    st.sampled_from([".", ","]),
    st.booleans(),
)
def test_generated_number_columns_read_back_exactly(cents: list[int], mark: str, currency: bool) -> None:
    def show(value: int) -> str:
        text = f"{abs(value) // 100}{mark}{abs(value) % 100:02d}"
        return ("-" if value < 0 else "") + text + (" EUR" if currency else "")

    frame = pl.DataFrame({"amount": [show(c) for c in cents]})
    types = infer_field_types(frame)

    assert types == {"amount": FieldType.NUMBER}
    assert type_problems(frame, types) == {}
    assert typed_view(frame, types)["amount"].to_list() == pytest.approx([c / 100 for c in cents])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), min_size=1, max_size=30),
    st.sampled_from(["%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%Y"]),
)
def test_generated_date_columns_read_back_exactly(dates: list[date], fmt: str) -> None:
    frame = pl.DataFrame({"day": [d.strftime(fmt) for d in dates]})
    types = infer_field_types(frame)

    assert types == {"day": FieldType.DATE}
    view = typed_view(frame, types)["day"].to_list()
    assert [v.date() for v in view] == dates


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=30), st.integers(0, 29))
def test_leading_zero_numbers_stay_text(numbers: list[int], where: int) -> None:
    values = [str(n) for n in numbers]
    values[where % len(values)] = "0" + values[where % len(values)]

    assert infer(quantity=values) == {"quantity": FieldType.TEXT}


def test_type_problems_agree_with_the_typed_view() -> None:
    frame = pl.DataFrame(
        {
            "when": ["2024-01-05", "2024-02-30", "2024-01-05T25:00:00", "2024-01-05 10:00", "x"] * 5
            + ["2024-03-01"] * 200,
            "ean": ["4006381333931", "4006381333932", "abc", "", " "] * 5 + ["73513537"] * 200,
        }
    )
    types = {"when": FieldType.DATE, "ean": FieldType.GTIN}
    view = typed_view(frame, types)
    problems = type_problems(frame, types)

    for name in types:
        non_empty = frame[name].str.strip_chars() != ""
        assert problems[name].count == int((view[name].is_null() & non_empty).sum())
