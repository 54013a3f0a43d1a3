"""The category conversion is reproducible, and the attribute catalogue keeps the real ids of the samples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aliexpress_sandbox.categories.attributes import attribute_catalogue

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
PACKAGE_DATA = REPO / "src" / "aliexpress_sandbox" / "data" / "categories.json.gz"
SAMPLE = SHARED / "data" / "aliexpress-categories" / "ds_product_get_sample_1005009135748244.json"
# (attribute id, value id) as the sample has them: brand, colours, shoe size, season, gender, origin, …
SAMPLE_PAIRS = [
    (2, 1981179452),
    (14, 771),
    (14, 1052),
    (200000124, 200000333),
    (281, 366077),
    (284, 100006040),
    (200000876, 200004405),
    (219, 9441741844),
]
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"the shared data folder {SHARED} is absent")


@needs_shared
def test_rebuilding_gives_the_committed_bytes(tmp_path: Path) -> None:
    script = REPO / "scripts" / "build_sandbox_categories.py"
    run = subprocess.run(
        [sys.executable, str(script), "--shared", str(SHARED), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "ambiguous parent name" in run.stdout and "skipped as internal/test" in run.stdout
    assert (tmp_path / "categories.json.gz").read_bytes() == PACKAGE_DATA.read_bytes()


@needs_shared
def test_the_attribute_catalogue_keeps_the_samples_ids() -> None:
    """Ids taken from the ds.product.get sample pair up there as they do in the catalogue."""
    (result,) = json.loads(SAMPLE.read_text(encoding="utf-8"))["feeds"][0]["item_ids"].values()
    pairs = {
        (p["attr_name_id"], p["attr_value_id"]) for p in result["ae_item_properties"]["ae_item_property"]
    }
    for sku in result["ae_item_sku_info_dtos"]["ae_item_sku_info_d_t_o"]:
        pairs |= {
            (p["sku_property_id"], p["property_value_id"])
            for p in sku["ae_sku_property_dtos"]["ae_sku_property_d_t_o"]
        }
    catalogue = attribute_catalogue()
    known = {
        a.id: a
        for group in (catalogue.common, catalogue.generic, *catalogue.families.values())
        for a in group
    }
    for attribute_id, value_id in SAMPLE_PAIRS:
        assert (attribute_id, value_id) in pairs
        assert known[attribute_id].value(value_id) is not None
    sample_values = {value for _, value in pairs}
    for attribute_id in (14, 200000124, 281, 284, 200000876, 200001154, 200000329, 326):
        real = [v.id for v in known[attribute_id].values if v.id < 900_000_000]
        assert real and set(real) <= sample_values | {47, 49, 200000989}, attribute_id
