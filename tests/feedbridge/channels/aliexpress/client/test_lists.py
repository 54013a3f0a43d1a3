"""AeList reads a list back from every shape the platform sends it in."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter

from feedbridge.channels.aliexpress.client.lists import AeList

Item = dict[str, Any] | int
ITEMS: TypeAdapter[list[Item]] = TypeAdapter(AeList[Item])

scalars = st.one_of(st.integers(), st.text(max_size=8), st.booleans(), st.none())
records = st.dictionaries(
    st.text(min_size=1, max_size=8), scalars | st.lists(scalars, max_size=3), max_size=4
)


@st.composite
def lists_on_the_wire(draw: st.DrawFn) -> tuple[list[Item], Any]:
    """A list and one way the platform may send it: plain, wrapped, or (one element) wrapped as an object."""
    items: list[Item] = draw(st.lists(st.integers(), max_size=5) | st.lists(records, max_size=5))
    key = "number" if items and isinstance(items[0], int) else draw(st.sampled_from(["category_info", "dto"]))
    shapes: list[Any] = [items, {key: items}]
    if len(items) == 1:
        shapes.append({key: items[0]})
    return items, draw(st.sampled_from(shapes))


@given(lists_on_the_wire())
def test_any_shape_reads_back_as_the_same_list(case: tuple[list[Item], Any]) -> None:
    items, wire = case
    assert ITEMS.validate_python(wire) == items


def test_empty_and_missing_lists_are_empty() -> None:
    assert ITEMS.validate_python(None) == []
    assert ITEMS.validate_python("") == []
    assert ITEMS.validate_python({"number": []}) == []


def test_a_bare_element_stands_for_a_one_element_list() -> None:
    assert ITEMS.validate_python(5) == [5]
    assert ITEMS.validate_python({"id": 1, "name": "x"}) == [{"id": 1, "name": "x"}]


class _Sku(BaseModel):
    sku_code: str


class _Product(BaseModel):
    product_id: int
    skus: AeList[_Sku]
    image_ids: AeList[int]


def test_nested_models_read_every_shape() -> None:
    quirky = {
        "product_id": 7,
        "skus": {"global_aeop_ae_product_sku": {"sku_code": "A"}},
        "image_ids": {"number": 3},
    }
    wrapped = {
        "product_id": 7,
        "skus": {"global_aeop_ae_product_sku": [{"sku_code": "A"}]},
        "image_ids": {"number": [3]},
    }
    simplified = {"product_id": 7, "skus": [{"sku_code": "A"}], "image_ids": [3]}
    products = [_Product.model_validate(body) for body in (quirky, wrapped, simplified)]
    assert (
        products[0]
        == products[1]
        == products[2]
        == _Product(product_id=7, skus=[_Sku(sku_code="A")], image_ids=[3])
    )
