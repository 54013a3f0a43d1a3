"""WooCommerce native exports: variations are grouped under their parent's ID; other shapes pass through."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedbridge.catalog.identity import propose_id_field

WOOCOMMERCE = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "feeds" / "woocommerce-csv"

EXPORT = """\
ID,Type,SKU,Name,Parent,Regular price
10,variable,tee,T-Shirt,,
11,variation,tee-red,T-Shirt - Red,tee,20
12,variation,,T-Shirt - Blue,id:10,21
20,variable,,Hoodie,,
21,variation,hoodie-s,Hoodie - S,id:20,40
30,simple,mug,Mug,,5
40,variation,lost-1,Orphan,gone-sku,9
"""


def test_variations_get_their_parents_id_as_item_group(feeds):
    feed = feeds.read("wc-product-export.csv", EXPORT)
    assert feed.frame.select("ID", "Parent", "item_group_id").rows() == [
        ("10", "", ""),
        ("11", "tee", "10"),  # parent named by its SKU
        ("12", "id:10", "10"),  # parent named by its ID
        ("20", "", ""),
        ("21", "id:20", "20"),
        ("30", "", ""),
        ("40", "gone-sku", "gone-sku"),  # a parent that is not in the file: the reference as written
    ]
    assert feed.frame.columns[:-1] == ["ID", "Type", "SKU", "Name", "Parent", "Regular price"]
    assert feed.details["layout"] == "woocommerce"
    assert feed.details["layout rows"] == "4 variations grouped under 3 parent products by 'Parent'"
    assert feed.warnings == []
    assert propose_id_field(feed.frame) == "ID"  # SKU is empty on two rows


def test_exports_without_variations_or_without_the_native_columns_are_unchanged(feeds):
    simple = feeds.read("simple.csv", "ID,Type,SKU,Name,Parent\n1,simple,a,A,\n2,simple,b,B,\n")
    assert "item_group_id" not in simple.frame.columns and "layout" not in simple.details
    rest = feeds.read("variations.csv", "parent_id,id,sku,price\n5,51,x,1\n5,52,x,2\n")
    assert rest.frame.columns == ["parent_id", "id", "sku", "price"]
    assert propose_id_field(rest.frame) == "id"  # the REST dump's variation SKU repeats; its id does not
    own = feeds.read("own.csv", "ID,Type,SKU,Parent,item_group_id\n1,variation,a,p,mine\n")
    assert own.frame["item_group_id"].to_list() == ["mine"]  # a merchant's own column is never replaced


@pytest.mark.skipif(
    not WOOCOMMERCE.is_dir(), reason=f"the shared real WooCommerce feeds are not at {WOOCOMMERCE}"
)
def test_the_real_sample_export_groups_its_variations(feeds):
    frame = feeds.read_path(WOOCOMMERCE / "woocommerce_sample_products.csv").frame
    ids = dict(zip(frame["SKU"], frame["ID"], strict=True))
    variations = frame.filter(frame["Type"] == "variation")
    assert variations.height == 9
    assert variations["item_group_id"].to_list() == [ids[parent] for parent in variations["Parent"]]
    assert set(variations["item_group_id"]) == {ids["cc-tee"], ids["cc-hoodie"]}
    assert frame.filter(frame["Type"] != "variation")["item_group_id"].to_list() == [""] * 15
