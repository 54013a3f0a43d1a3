"""Listings: 1,000,000 items in about 300,000 listings through categories, build, quality, payloads and
hashes (issue 6, "Speed and memory": at most 15 s and 4 GB on this 2-core machine, after the rules).

The items come from bench/feedgen.py's generator (variant groups of colour × size, 26 fields), stored as
the catalog stores them. What the seller's account asks of each category is read the product's way: a
sandbox is started, a seller connected through OAuth, and `load_requirements` reads the category tree,
the attributes and schemas of the categories used, templates and groups. The build is a merchant's
careful one (value maps for colours and materials, localized prices), so most listings are ready.
Steps, each in a fresh process (`python -m bench.listings step …`), report seconds and their own peak:

- pipeline: categorize (one manual line per product type) and make_listings, from items in memory;
- store: the same, plus writing the result as the services keep it (SKU rows, listings, summary).

BENCH_LISTINGS_ITEMS sets the size (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench.measure import own_peak_mb, run_step
from bench.rules import catalog_items
from feedbridge.categories.categorize import categorize
from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.services import category_tree
from feedbridge.channels.aliexpress.schema import SHIP_TO_COUNTRIES, load_requirements
from feedbridge.listings.pipeline import Excluded, ListingSet, make_listings
from feedbridge.listings.requirements import Requirements
from feedbridge.listings.services import account_shared, labels_of
from feedbridge.listings.spec import Build, parse_build
from feedbridge.listings.store import writing_listings
from feedbridge.listings.validation import checked_build
from support.shop import connected_shop

ITEMS = int(os.environ.get("BENCH_LISTINGS_ITEMS", "1000000"))
TARGET_SECONDS, TARGET_MB = 15.0, 4096
NOW = datetime(2026, 12, 2, 9, tzinfo=UTC)
# The generator's product types → leaves of the sandbox's tree (apparel, shoes, home, luggage, electronics).
LEAVES = {
    "Apparel > Women > Dresses": 200003482,
    "Apparel > Men > Shirts": 200000669,
    "Apparel > Shoes > Sneakers": 200002136,
    "Home > Kitchen > Cookware": 200002721,
    "Home > Bedroom > Bedding": 40601,
    "Home > Living Room > Lighting": 200002721,
    "Accessories > Bags > Backpacks": 152401,
    "Electronics > Audio > Headphones": 5090301,
}
COLOURS = {
    "Navy": "Blue", "Sky Blue": "Blue", "Olive": "Green", "Sage": "Green", "Forest Green": "Green",
    "Sand": "Beige", "Mustard": "Beige", "Terracotta": "Red", "Burgundy": "Red", "Charcoal": "Grey",
    "Ivory": "White", "Rosé": "Pink",
}  # fmt: skip
MATERIALS = {
    "Leather": "PU", "Canvas": "Cotton", "Bamboo": "Wood", "Stainless Steel": "Metal", "Cast Iron": "Metal",
    "Ceramic": "Plastic", "Recycled Polyester": "Polyester", "Oak": "Wood", "Merino": "Wool",
}  # fmt: skip


def _build(shared_choices: dict[str, str]) -> dict[str, Any]:
    return {
        "shared": {
            "title": {"field": "title"}, "description": {"field": "description"},
            "main_image": {"field": "image_link"}, "extra_images": {"field": "additional_image_link"},
            "variant_image": {"field": "image_link"}, "price": {"field": "price"},
            "discount_price": {"field": "sale_price"}, "stock": {"field": "quantity"}, "ean": {"field": "gtin"},
            "brand_name": {"field": "brand"}, "product_unit": {"static": "piece/pieces"},
            "inventory_deduction": {"static": "payment_success_deduct"},
            "product_group": {"static": shared_choices["product_group"]}, "weight": {"field": "shipping_weight"},
            "length": {"static": "30"}, "width": {"static": "20"}, "height": {"static": "10"},
            "dispatch_time": {"static": "3"}, "freight_template": {"static": shared_choices["freight_template"]},
            "service_policy": {"static": "0"},
        },
        "category": {
            "2": {"static": "NoEnName_Null"}, "219": {"static": "CN(Origin)"},
            "10": {"field": "material", "map": MATERIALS},
            "284": {"field": "gender", "map": {"female": "Women", "male": "Men", "unisex": "Unisex"}},
            "200001154": {"static": "RUBBER"}, "3": {"field": "mpn"}, "900000011": {"static": "Android"},
        },
        "variants": {
            "group_field": "item_group_id",
            "attributes": {"14": {"field": "color", "map": COLOURS}, "5": {"field": "size"},
                           "200000124": {"field": "size"}},
        },
        "localized_prices": [
            {"country": "FR", "price": {"formula": "{price} * 1.05", "round": {"ending": ".99"}}},
            {"country": "ES", "price": {"field": "price"}},
        ],
    }  # fmt: skip


def _lines() -> list[CategoryLine]:
    return [
        CategoryLine.model_validate(
            {"if": {"all": [{"op": "equals", "field": "product_type", "value": kind}]}, "category_id": leaf}
        )
        for kind, leaf in LEAVES.items()
    ]


# ── steps, each in its own process ─────────────────────────────────────────────────────────────


def step_prepare(directory: Path) -> dict[str, Any]:
    frame = catalog_items(ITEMS)
    frame.write_parquet(directory / "items.parquet")
    with connected_shop(directory / "shop", f"sqlite:///{directory / 'shop.db'}") as shop:
        tree = category_tree(shop.sessions, shop.ctx, shop.connection_id)
        requirements = load_requirements(
            shop.sessions, shop.ctx, shop.connection_id, set(LEAVES.values()), language="en",
            permitted_leaves=tree.leaf_ids(),
        )  # fmt: skip
        shared = account_shared(shop.sessions, shop.ctx, shop.connection_id)
    choices = {
        spec.key: spec.choices[0].id for spec in shared if spec.key in ("product_group", "freight_template")
    }
    fields = {name: "list" if isinstance(dtype, pl.List) else "text" for name, dtype in frame.schema.items()}
    build = checked_build(
        parse_build(_build(choices)), shared, fields=None, countries=SHIP_TO_COUNTRIES, languages=["en"]
    )
    (directory / "build.json").write_text(build.model_dump_json())
    # The benchmark's own file, written just above: the requirements as the product holds them in memory.
    (directory / "requirements.pickle").write_bytes(pickle.dumps(requirements))
    return {"items": frame.height, "fields": len(fields), "categories": len(requirements.categories)}


def _inputs(directory: Path) -> tuple[pl.DataFrame, Build, Requirements]:
    items = pl.read_parquet(directory / "items.parquet")
    build = Build.model_validate_json((directory / "build.json").read_text())
    requirements = pickle.loads((directory / "requirements.pickle").read_bytes())
    return items, build, requirements


def _listings(items: pl.DataFrame, build: Build, requirements: Requirements, **options: Any) -> ListingSet:
    categorized = categorize(items.lazy(), _lines(), None, id_field="id", now=NOW)
    return make_listings(
        categorized, build, requirements, id_field="id", unique_id_field="id", decimal_marks={},
        excluded=Excluded(0), **options,
    )  # fmt: skip


def step_pipeline(directory: Path) -> dict[str, Any]:
    items, build, requirements = _inputs(directory)
    started, cpu = time.perf_counter(), time.process_time()
    found = _listings(items, build, requirements)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    summary = found.summary
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": own_peak_mb(),
        "items_mb": items.estimated_size("mb"),
        "items": summary.items,
        "listings": summary.listings,
        "ready": summary.ready,
        "blocked": summary.blocked,
        "issues": [[i.code, i.listings] for i in summary.issues[:8]],
        "payload_mb": found.listings.get_column("payload").str.len_bytes().sum() / 2**20,
    }


def step_store(directory: Path) -> dict[str, Any]:
    items, build, requirements = _inputs(directory)
    started, cpu = time.perf_counter(), time.process_time()
    with writing_listings(directory / "api", "bench") as writer:
        found = _listings(items, build, requirements, sink=writer.sink)
        writer.finish(found, labels_of(requirements, "en"), "", "bench")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = sum(path.stat().st_size for path in (directory / "api").rglob("*") if path.is_file())
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": own_peak_mb(), "stored_mb": size / 2**20}


def run_steps(argv: list[str]) -> None:
    name, directory = argv
    steps: dict[str, Callable[[Path], dict[str, Any]]] = {
        "prepare": step_prepare,
        "pipeline": step_pipeline,
        "store": step_store,
    }
    print(json.dumps(steps[name](Path(directory))))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="feedbridge-bench-listings-") as name:
        directory = Path(name)
        prepared = run_step("bench.listings", "prepare", str(directory))
        pipeline = run_step("bench.listings", "pipeline", str(directory))
        stored = run_step("bench.listings", "store", str(directory))
    fast = pipeline["seconds"] <= TARGET_SECONDS and pipeline["peak_mb"] <= TARGET_MB
    rows = [
        ("items → listings", f"{pipeline['items']:,} → {pipeline['listings']:,} "
                             f"({pipeline['ready']:,} ready, {pipeline['blocked']:,} blocked)"),
        ("categories + build + quality + payloads + hashes",
         f"{pipeline['seconds']:.2f} s, {pipeline['cpu_seconds']:.2f} CPU-s (target <= {TARGET_SECONDS:.0f} s)"),
        ("peak memory", f"{pipeline['peak_mb']:,.0f} MB, items {pipeline['items_mb']:,.0f} MB "
                        f"(target <= {TARGET_MB} MB)"),
        ("payloads", f"{pipeline['payload_mb']:,.0f} MB of JSON"),
        ("with the result written", f"{stored['seconds']:.2f} s, {stored['peak_mb']:,.0f} MB, "
                                    f"{stored['stored_mb']:,.0f} MB on disk"),
        ("categories read from the account", str(prepared["categories"])),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    print("listings:")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(f"  most frequent issues (listings): {pipeline['issues']}")
    print(f"  -> {'OK' if fast else 'BELOW TARGET'}")
    print(json.dumps({"listings": {"prepare": prepared, "pipeline": pipeline, "store": stored}}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["step"]:
        run_steps(sys.argv[2:])
    else:
        main()
