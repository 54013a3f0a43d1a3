"""Rules engine: 1,000,000 items × 30 mixed rules, with statistics (issue 5, "Speed and memory").

The items come from bench/feedgen.py's generator (26 fields: HTML descriptions, GTINs, image lists,
prices, stock, variant groups), stored as the catalog stores them (text and lists of text) in a
Parquet file. The 30 rules include 5 regex rules, 3 lookups of 1,000 entries, a contains_any of 200
terms, a combine, a calculate with rounding, a split_items and a build_group; they pass save-time
validation. Steps, each in a fresh process (`python -m bench.rules step …`) reporting its seconds and
peak RSS:

- engine: `run_rules(..., with_stats=True)` over all items (reading the Parquet file is not timed);
- oracle: the pure-Python row-by-row evaluator of the tests (`tests/support/rules/oracle.py`) over the first
  50,000 items, and the engine over the same items, whose results must be equal;
- profile (`python -m bench.rules --profile`): each rule run on its own, in order, to see which cost most.

BENCH_RULES_ITEMS sets the size (default 1,000,000), BENCH_RULES_ORACLE_ITEMS the oracle's (50,000).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench.feed_words import CATEGORIES, COLORS
from bench.feedgen import _money, generate
from bench.measure import own_peak_mb, run_step
from feedbridge.catalog.model import FieldType
from feedbridge.rules.engine import EvaluationContext, run_rules
from feedbridge.rules.files import FileFormat, parse_text
from feedbridge.rules.model import RuleSet
from feedbridge.rules.templates import ALIEXPRESS_COLOURS
from feedbridge.rules.validation import parse_rule_set, validate_rule_set

ITEMS = int(os.environ.get("BENCH_RULES_ITEMS", "1000000"))
ORACLE_ITEMS = int(os.environ.get("BENCH_RULES_ORACLE_ITEMS", "50000"))
TARGET_SECONDS, TARGET_MB, TARGET_RATIO = 5.0, 3072, 50.0
CONTEXT = EvaluationContext(id_field="id", now=dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC))
LOOKUP_ENTRIES, CONTAINS_TERMS = 1000, 200


# ── the items and the rules ─────────────────────────────────────────────────────────────────────


def catalog_items(count: int) -> pl.DataFrame:
    """The generator's items as the catalog stores them: every field text, image links a list."""
    chunks = [
        chunk.with_columns(
            _money(pl.col("price")).alias("price"),
            _money(pl.col("sale_price")).alias("sale_price"),
            pl.col("quantity").cast(pl.String),
        )
        for chunk in generate(count)
    ]
    return pl.concat(chunks).rechunk()


def _table(real: dict[str, str], filler: Callable[[int], tuple[str, str]]) -> list[dict[str, str]]:
    """A lookup table of LOOKUP_ENTRIES pairs: the real ones (keys unique ignoring case, as save-time
    validation demands), then made-up keys no item has."""
    pairs = {key.lower(): (key, value) for key, value in real.items()}
    n = 0
    while len(pairs) < LOOKUP_ENTRIES:
        key, value = filler(n)
        pairs.setdefault(key.lower(), (key, value))
        n += 1
    return [{"find": key, "replace_with": value} for key, value in pairs.values()]


def _colour_table() -> list[dict[str, str]]:
    words = {word: name for name, spelled in ALIEXPRESS_COLOURS.items() for word in spelled}
    names = ["Black", "White", "Navy Blue", "Green", "Beige", "Orange", "Sky Blue", "Gray"]
    feed = dict(zip(COLORS, [*names, "Red", "Yellow", "Green", "White", "Pink", "Green"], strict=True))
    return _table(words | feed, lambda n: (f"shade {n:04d}", "Multi"))


def _product_type_table() -> list[dict[str, str]]:
    real = {category.product_type: category.product_type.split(" > ")[-1] for category in CATEGORIES}
    return _table(real, lambda n: (f"Department {n // 10} > Aisle {n % 10}", f"Aisle {n}"))


def _size_table() -> list[dict[str, str]]:
    real = {
        size: f"EU {size}" if size.isdigit() else size.replace(" ", "")
        for c in CATEGORIES
        for size in c.sizes
    }
    return _table(real, lambda n: (f"{n + 100} mm", f"{n + 100}mm"))


# The 30 rules as a merchant would write them (rules-as-code); the three lookup tables and the 200
# keywords are filled in by `bench_rules`.
RULES_YAML = r"""
- {name: Drop out of stock, then: [{action: exclude}],
   if: {any: [{op: at_most, field: quantity, value: 0}, {op: equals, field: availability, value: out_of_stock}]}}
- {name: Drop used, if: {all: [{op: equals, field: condition, value: used}]}, then: [{action: exclude}]}
- {name: No test items, if: {all: [{op: matches, field: title, pattern: '(?i)\b(test|sample)\b'}]}, then: [{action: exclude}]}
- {name: Clean description, then: [{action: strip_html, field: description}]}
- {name: Tidy title, then: [{action: trim, field: title}]}
- {name: Size at the end, if: {all: [{op: matches, field: title, pattern: ',\s*(XS|S|M|L|XL|XXL)$'}]},
   then: [{action: search_replace, field: title, regex: true,
           pairs: [{find: ',\s*(XS|S|M|L|XL|XXL)$', replace_with: ' - size $1'}]}]}
- {name: Single products, if: {all: [{op: matches, field: id, pattern: '^\d{8}$'}]},
   then: [{action: set, field: custom_label_3, value: single}]}
- {name: Decimal comma, then: [{action: search_replace, field: shipping_weight, regex: true,
                                pairs: [{find: '(\d+)\.(\d+) kg', replace_with: '$1,$2 kg'}]}]}
- {name: Track links, then: [{action: search_replace, field: link, regex: true,
                              pairs: [{find: '\?variant=(.+)$', replace_with: '?variant=$1&utm_source=aliexpress'}]}]}
- {name: Colours, then: [{action: lookup, field: color, table: colours}]}
- {name: Categories, then: [{action: lookup, field: product_type, table: product_types}]}
- {name: Sizes, then: [{action: lookup, field: size, table: sizes}]}
- {name: Keywords, if: {all: [{op: contains_any, field: title, values: keywords}]},
   then: [{action: set, field: custom_label_4, value: keyword}]}
- {name: Brand in title, if: {all: [{op: not_contains, field: title, other_field: brand}]},
   then: [{action: prepend, field: title, source: brand}]}
- {name: AliExpress title, then: [{action: combine, field: ae_title, template: '{brand} {title} - {color}'}]}
- {name: Cap title, if: {all: [{op: length_exceeds, field: ae_title, n: 128}]},
   then: [{action: max_length, field: ae_title, length: 128, on_word: true, ellipsis: …}]}
- {name: Markup, then: [{action: calculate, field: price, expression: '{price} * 1.25 + 0.5'},
                        {action: round, field: price, ending: '.99'}]}
- {name: Sale markup, if: {all: [{op: not_empty, field: sale_price}]},
   then: [{action: calculate, field: sale_price, expression: '{sale_price} * 1.25'}]}
- {name: GTIN status, if: {all: [{op: gtin_valid, field: gtin}]},
   then: [{action: set, field: gtin_status, value: ok}], else: [{action: set, field: gtin_status, value: missing}]}
- {name: Fabric, then: [{action: search_value, field: fabric, source: description,
                         terms: [{term: cotton, alias: Cotton}, {term: linen, alias: Linen}, {term: wool, alias: Wool},
                                 {term: leather, alias: Leather}, {term: bamboo, alias: Bamboo}]}]}
- {name: Three images, then: [{action: slice_list, field: additional_image_link, start: 0, length: 3}]}
- {name: No fifth image, then: [{action: search_list, field: additional_image_link, mode: delete, terms: [-5.jpg]}]}
- {name: Bestseller packs, if: {all: [{op: equals, field: custom_label_2, value: bestseller}]},
   then: [{action: set, field: pack, value: '1|2'}, {action: split, field: pack, separator: '|'}]}
- {name: One item per pack, if: {all: [{op: not_empty, field: pack}]}, then: [{action: split_items, field: pack}]}
- {name: Group colours, then: [{action: build_group, field: group_colors, source: color, group_field: item_group_id}]}
- {name: Group price, then: [{action: calculate_group, field: from_price, source: price,
                              group_field: item_group_id, function: min}]}
- {name: MPN in capitals, then: [{action: uppercase, field: mpn}]}
- {name: Gender, if: {all: [{op: is_empty, field: gender}]}, then: [{action: set, field: gender, value: unisex}]}
- {name: Heavy, if: {all: [{op: at_least, field: shipping_weight, value: 2}]},
   then: [{action: set, field: custom_label_3, value: heavy}]}
- {name: Weekend deal, if: {all: [{op: today, part: weekday, values: [6, 7]}, {op: less_than, field: price, value: 20}]},
   then: [{action: set, field: custom_label_1, value: weekend}]}
"""


def bench_rules() -> RuleSet:
    """The 30 rules, with their tables filled in; they must pass save-time validation (`step_prepare`)."""
    keywords = ["Organic", "Vintage", "Recycled", "Merino", "Linen", "Deluxe"]
    keywords += [f"keyword{n:03d}" for n in range(CONTAINS_TERMS - len(keywords))]
    tables = {"colours": _colour_table(), "product_types": _product_type_table(), "sizes": _size_table()}
    rules = parse_text(RULES_YAML, FileFormat.YAML, source="bench rules")
    for rule in rules:
        for action in rule["then"]:
            if action["action"] == "lookup":
                action["table"] = tables[action["table"]]
        for condition in rule.get("if", {}).get("all", []):
            if condition.get("values") == "keywords":
                condition["values"] = keywords
    return parse_rule_set({"name": "bench", "rules": rules})


def _fields(frame: pl.DataFrame) -> dict[str, FieldType]:
    numbers = {"price", "sale_price", "quantity"}
    return {
        name: FieldType.LIST
        if isinstance(dtype, pl.List)
        else FieldType.NUMBER
        if name in numbers
        else FieldType.TEXT
        for name, dtype in frame.schema.items()
    }


# ── steps, each in its own process ─────────────────────────────────────────────────────────────


def step_prepare(directory: Path) -> dict[str, Any]:
    frame = catalog_items(ITEMS)
    frame.write_parquet(directory / "items.parquet")
    problems = validate_rule_set(bench_rules(), _fields(frame), id_field="id")
    if problems:
        raise SystemExit("the benchmark's rules do not validate:\n" + "\n".join(map(str, problems)))
    return {"items": frame.height, "fields": frame.width, "rules": len(bench_rules().rules)}


def step_engine(directory: Path) -> dict[str, Any]:
    """The rules over a scan of the items' Parquet file, as the product runs them on a snapshot: reading
    is part of the time, and the input is never held whole next to the result."""
    path, rule_set = directory / "items.parquet", bench_rules()
    started, cpu = time.perf_counter(), time.process_time()
    result = run_rules(pl.scan_parquet(path), rule_set, CONTEXT, with_stats=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = own_peak_mb()  # before the input is read whole below, for its size
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,  # every thread's: about 2× the wall time on an idle 2-core machine
        "input_mb": pl.read_parquet(path).estimated_size("mb"),
        "items_in": pl.scan_parquet(path).select(pl.len()).collect().item(),
        "items_out": result.frame.height,
        "fields_out": result.frame.width,
        "stats": len(result.stats),
        "peak_mb": peak_mb,
    }


def step_oracle(directory: Path) -> dict[str, Any]:
    from support.rules.oracle import evaluate  # tests/support/rules/oracle.py

    frame, rule_set = pl.read_parquet(directory / "items.parquet", n_rows=ORACLE_ITEMS), bench_rules()
    items = frame.to_dicts()
    started, cpu = time.perf_counter(), time.process_time()
    expected, _ = evaluate(items, rule_set, id_field=CONTEXT.id_field, now=CONTEXT.now)
    oracle_seconds, oracle_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    got = run_rules(frame, rule_set, CONTEXT, with_stats=True).frame
    engine_seconds, engine_cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = got.to_dicts()
    different = [n for n, (a, b) in enumerate(zip(rows, expected, strict=False)) if a != b]
    first = different[0] if different else None
    return {
        "items": len(items),
        "oracle_seconds": oracle_seconds,
        "oracle_cpu_seconds": oracle_cpu,
        "engine_seconds": engine_seconds,
        "engine_cpu_seconds": engine_cpu,
        "equal": len(rows) == len(expected) and not different,
        "rows": [len(rows), len(expected)],
        "different_rows": len(different),
        "first_difference": None
        if first is None
        else {
            k: [rows[first].get(k), expected[first].get(k)]
            for k in rows[first]
            if rows[first].get(k) != expected[first].get(k)
        },
    }


def step_profile(directory: Path) -> dict[str, Any]:
    """Each rule on its own, in order, on what the previous one left: where the time goes."""
    frame, rule_set = pl.read_parquet(directory / "items.parquet"), bench_rules()
    costs = []
    for rule in rule_set.rules:
        started, cpu = time.perf_counter(), time.process_time()
        frame = run_rules(frame, RuleSet(name="one", rules=[rule]), CONTEXT, with_stats=True).frame
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        costs.append({"rule": rule.name, "seconds": seconds, "cpu_seconds": cpu, "items": frame.height})
    return {"rules": costs, "total": sum(cost["seconds"] for cost in costs), "peak_mb": own_peak_mb()}


def run_steps(argv: list[str]) -> None:
    name, directory = argv
    steps: dict[str, Callable[[Path], dict[str, Any]]] = {
        "prepare": step_prepare,
        "engine": step_engine,
        "oracle": step_oracle,
        "profile": step_profile,
    }
    print(json.dumps(steps[name](Path(directory))))


def main(profile: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="feedbridge-bench-rules-") as name:
        directory = Path(name)
        prepared = run_step("bench.rules", "prepare", str(directory))
        engine = run_step("bench.rules", "engine", str(directory))
        oracle = run_step("bench.rules", "oracle", str(directory))
        costs = run_step("bench.rules", "profile", str(directory)) if profile else None
    per_item_engine = engine["seconds"] / engine["items_in"]
    per_item_oracle = oracle["oracle_seconds"] / oracle["items"]
    ratio = per_item_oracle / per_item_engine
    same_size_ratio = oracle["oracle_seconds"] / oracle["engine_seconds"]
    fast = engine["seconds"] <= TARGET_SECONDS and engine["peak_mb"] <= TARGET_MB
    rows = [
        ("items × rules", f"{engine['items_in']:,} × {prepared['rules']} ({prepared['fields']} fields)"),
        (
            "engine, statistics included",
            f"{engine['seconds']:.2f} s, {engine['cpu_seconds']:.2f} CPU-s (target <= {TARGET_SECONDS:.0f} s)",
        ),
        (
            "engine peak memory",
            f"{engine['peak_mb']:,.0f} MB, items {engine['input_mb']:,.0f} MB (target <= {TARGET_MB} MB)",
        ),
        ("items after the rules", f"{engine['items_out']:,} ({engine['fields_out']} fields)"),
        (
            f"oracle, {oracle['items']:,} items",
            f"{oracle['oracle_seconds']:.2f} s, {oracle['oracle_cpu_seconds']:.2f} CPU-s",
        ),
        (
            f"engine, {oracle['items']:,} items",
            f"{oracle['engine_seconds']:.2f} s ({same_size_ratio:,.0f}× the oracle)",
        ),
        ("per-item speed ratio", f"{ratio:,.0f}× (target >= {TARGET_RATIO:.0f}×)"),
        ("engine = oracle", "yes" if oracle["equal"] else f"NO: {oracle['different_rows']} rows differ"),
    ]
    width = max(len(label) for label, _ in rows)
    print("rules engine:")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    if not oracle["equal"]:
        print(f"  first difference (engine, oracle): {oracle['first_difference']}")
    if costs is not None:
        print(f"  profile, each rule alone ({costs['total']:.2f} s in all):")
        for cost in sorted(costs["rules"], key=lambda c: -c["seconds"]):
            print(
                f"    {cost['seconds']:6.2f} s {cost['cpu_seconds']:6.2f} CPU-s  {cost['rule']} "
                f"({cost['items']:,} items after)"
            )
    verdict = "OK" if fast and ratio >= TARGET_RATIO and oracle["equal"] else "BELOW TARGET"
    print(f"  -> {verdict}")
    print(
        json.dumps({"rules_engine": {"engine": engine, "oracle": oracle, "ratio": ratio, "profile": costs}})
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["step"]:
        run_steps(sys.argv[2:])
    else:
        main(profile="--profile" in sys.argv[1:])
