"""The category catalogue as package data: tree invariants, attribute sets, permissions, suggestions."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from aliexpress_sandbox.categories.attributes import attribute_catalogue
from aliexpress_sandbox.categories.catalog import (
    all_categories,
    category_attributes,
    children,
    get_category,
    is_leaf,
    path,
)
from aliexpress_sandbox.categories.model import AttributeValue, Category
from aliexpress_sandbox.categories.permissions import RESTRICTED, is_permitted
from aliexpress_sandbox.categories.suggest import rank

CATEGORIES = all_categories()
categories = st.sampled_from(CATEGORIES)


def test_ids_are_unique_and_roots_come_first() -> None:
    ids = [c.id for c in CATEGORIES]
    assert len(ids) == len(set(ids)) > 5000
    roots = children(0)
    assert {c.level for c in roots} == {1}
    assert {c.id for c in roots} == {c.id for c in CATEGORIES if c.parent_id == 0}


def test_every_category_fits_its_parent_and_children() -> None:
    for category in CATEGORIES:
        if category.parent_id:
            parent = get_category(category.parent_id)
            assert parent is not None and parent.level == category.level - 1, category
            assert category.id in parent.children
        assert category.is_leaf == (not category.children), category
        assert [c.parent_id for c in children(category.id)] == [category.id] * len(category.children)


@given(categories)
def test_path_runs_from_a_root_down_to_the_category(category: Category) -> None:
    trail = path(category.id)
    assert trail[-1] == category and trail[0].parent_id == 0
    assert [c.level for c in trail] == list(range(1, category.level + 1))
    assert all(child.parent_id == parent.id for parent, child in itertools.pairwise(trail))


def test_unknown_ids() -> None:
    assert get_category(123) is None and children(123) == [] and path(123) == []
    assert not is_leaf(123) and category_attributes(123) == []


def test_mobile_phones_is_a_translated_level_two_leaf() -> None:
    phones = get_category(5090301)
    assert phones is not None and phones.is_leaf and phones.level == 2
    assert phones.names["en"] == "Mobile Phones"
    assert {"de", "fr", "ja", "ko", "in"} <= set(phones.names)


@given(categories)
def test_every_category_has_brand_and_origin_then_its_family(category: Category) -> None:
    attributes = category_attributes(category.id)
    brand, origin = attributes[0], attributes[1]
    assert (brand.id, brand.required, brand.input_type) == (2, True, "single")
    assert origin.name == "Origin" and origin.required
    assert len({a.name for a in attributes}) == len(attributes), "schema keys are attribute names"


def test_families_follow_the_root() -> None:
    shoes = next(c for c in CATEGORIES if c.is_leaf and path(c.id)[0].id == 322)
    by_id = {a.id: a for a in category_attributes(shoes.id)}
    assert by_id[200000124].sku and by_id[200000124].value(200000333) == AttributeValue(
        200000333, {"en": "35"}
    )
    assert by_id[14].customized_name and by_id[14].customized_pic
    dresses = {a.id: a for a in category_attributes(200003482)}
    assert dresses[10].input_type == "multi" and dresses[10].value(47) == AttributeValue(47, {"en": "Cotton"})
    assert 5 in dresses and 284 in dresses and 281 in dresses
    phones = {a.name for a in category_attributes(5090301)}
    assert {"Operating System", "RAM", "Color", "Model Number"} <= phones
    # A root outside every family: the common set and a generic SKU Color.
    cars = [a.id for a in category_attributes(34)]
    assert cars == [2, 219, 14]
    # Food has no SKU attribute at all: one SKU per product, sku_attributes may stay empty.
    assert not any(a.sku for a in category_attributes(2))


def test_the_catalogue_has_free_text_and_optional_attributes() -> None:
    catalogue = attribute_catalogue()
    used = [a for family in catalogue.families.values() for a in family]
    assert any(a.input_type == "text" for a in used)
    assert any(not a.required for a in used) and any(a.required for a in used)
    assert all(2 <= len(f) <= 6 for f in catalogue.families.values())
    assert set(catalogue.family_of_root) <= {c.id for c in children(0)}


def test_restricted_categories_and_everything_below_are_not_permitted() -> None:
    assert set(RESTRICTED) <= {c.id for c in CATEGORIES}
    sex_products = get_category(200003045)
    assert sex_products is not None and not sex_products.is_leaf
    assert not is_permitted(1, 200003045) and not any(is_permitted(1, i) for i in sex_products.children)
    assert is_permitted(1, 5090301) and not is_permitted(1, 123)


def test_suggestions_rank_the_closest_leaf_first() -> None:
    assert rank("Xiaomi Redmi Note 12 Smartphone 128GB Mobile Phones Android", "en")[0].id == 5090301
    assert rank("Téléphone mobile Android débloqué", "fr")[0].id == 5090301
    assert all(c.is_leaf for c in rank("women dress", "en"))
    assert rank("qwertz zzyzx", "en") == []
