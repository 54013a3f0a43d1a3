"""JSON text built by Polars expressions: escaped values, members left out when null, objects and arrays."""

from __future__ import annotations

from typing import Any

import orjson
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from feedbridge.listings import jsontext as j


def texts(expr: pl.Expr, **columns: list[Any]) -> list[str | None]:
    # Columns of nothing but nulls are text columns.
    frame = pl.DataFrame(columns).cast({pl.Null: pl.String}) if columns else pl.DataFrame({"_": [0]})
    return frame.lazy().select(expr.alias("out")).collect()["out"].to_list()


def test_values_are_escaped_json_and_null_stays_null() -> None:
    found = texts(j.value(pl.col("v")), v=['say "hi"\\', "é\n\t🚚", "", None])
    assert found[3] is None
    assert [orjson.loads(t) for t in found[:3] if t is not None] == ['say "hi"\\', "é\n\t🚚", ""]


def test_lists_and_numbers_as_values() -> None:
    assert texts(j.value(pl.col("v")), v=[["a", 'b"c'], [], None]) == ['["a","b\\"c"]', "[]", None]
    assert texts(j.value(pl.col("n")), n=[1, None]) == ["1", None]
    assert texts(j.number(pl.col("n")), n=[30, None]) == ["30", None]
    assert texts(j.number(pl.col("t")), t=["100000015", None]) == ["100000015", None]


def test_tokens_are_quoted_as_they_are() -> None:
    assert texts(j.token(pl.col("t")), t=["900001401", None]) == ['"900001401"', None]
    assert texts(j.tokens(pl.col("t")), t=[["47", "49"], ["1"], None]) == ['["47","49"]', '["1"]', None]


def test_a_member_is_left_out_where_its_value_is_null() -> None:
    member = j.member("sku_code", j.value(pl.col("v")))
    assert texts(member, v=["A-1", None]) == ['"sku_code":"A-1"', None]
    assert j.key('we"ird') == '"we\\"ird":'
    assert j.constant("price_type", "absolute") == '"price_type":"absolute"'
    assert j.constant("id", 14) == '"id":14'


def test_an_object_holds_the_members_that_are_there() -> None:
    document = j.obj(
        [
            j.constant("locale", "en_US"),
            j.member("title", j.value(pl.col("title"))),
            j.member("stock", j.number(pl.col("stock"))),
        ]
    )
    found = texts(document, title=["Dress", None, None], stock=[5, 7, None])
    assert [orjson.loads(t) for t in found if t is not None] == [
        {"locale": "en_US", "title": "Dress", "stock": 5},
        {"locale": "en_US", "stock": 7},
        {"locale": "en_US"},
    ]


def test_an_object_without_members_is_empty() -> None:
    parts: list[j.Part] = [j.member("a", j.value(pl.col("v"))), j.member("b", j.value(pl.col("w")))]
    assert texts(j.obj(parts), v=[None, "x", None], w=[None, None, "y"]) == ["{}", '{"a":"x"}', '{"b":"y"}']
    assert texts(j.members(parts), v=[None, "x"], w=[None, "y"]) == ["", '"a":"x","b":"y"']
    assert texts(j.present(parts), v=[None, "x"], w=[None, None]) == [False, True]
    assert texts(j.obj([])) == ["{}"]


def test_arrays_and_structs() -> None:
    assert texts(j.array(pl.col("t")), t=['{"a":1},{"a":2}', None]) == ['[{"a":1},{"a":2}]', None]
    assert texts(j.wrapped('{"list":[', pl.col("t"), "]}"), t=["1,2"]) == ['{"list":[1,2]}']
    struct = j.struct({"locale": pl.lit("en_US"), "title": pl.col("t")})
    assert [orjson.loads(t) for t in texts(struct, t=['x"y']) if t] == [{"locale": "en_US", "title": 'x"y'}]


@settings(max_examples=50)
@given(st.lists(st.one_of(st.none(), st.text()), min_size=1, max_size=10), st.lists(st.text(), max_size=4))
def test_any_text_makes_valid_json(values: list[str | None], elements: list[str]) -> None:
    document = j.obj([j.member("text", j.value(pl.col("v"))), j.member("list", j.value(pl.col("l")))])
    found = texts(document, v=values, l=[elements] * len(values))
    for value, text in zip(values, found, strict=True):
        assert text is not None
        expected: dict[str, Any] = {"list": elements}
        if value is not None:
            expected["text"] = value
        assert orjson.loads(text) == expected
