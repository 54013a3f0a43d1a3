"""AI categorizer: how often its suggestions are right on labelled titles, and how fast it suggests for
1,000,000 items (at most 120 s and 4 GB) and learns one new example (under 1 s).

Labelled files from ../shared/data/labelled-titles (skipped, saying so, without them):
- zero-shot: PriceRunner's titles into the sandbox's AliExpress tree, no example; the right leaves per label
  from pricerunner_to_aliexpress.json. Learning: the same with 10 % as examples, seeds 0, 1, 2 (targets:
  top-1 ≥ 0.97, ≥ 0.95 right at confidence ≥ 0.9).
- Amazon: 700 products labelled with category paths (the taxonomy), 70 % as examples (target top-1 ≥ 0.75);
  a path no example has cannot be learned, so the share of evaluated rows whose path one has is the bound.
Steps, each in a fresh process (`python -m bench.categories step …`) for its own peak memory:
- suggest: BENCH_CATEGORIES_ITEMS (1,000,000) PriceRunner titles made distinct by a model code, a colour
  and a size, suggested (top 3) with a model of 10 % of PriceRunner (a merchant's) and the sandbox tree.
- learn: a company model stored from 10 % of PriceRunner, then `learn(folder, one, replace_all=False)` with
  one new example (an accept or a correction), median of 5.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench.feed_words import COLORS
from bench.measure import own_peak_mb, run_step
from feedbridge.categories.ai.categorizer import Categorizer
from feedbridge.categories.ai.evaluation import Evaluation, cross_validated, evaluate
from feedbridge.categories.ai.features import feature_matrix
from feedbridge.categories.ai.labelled import Labelled, read_labelled
from feedbridge.categories.ai.learning import learn
from feedbridge.categories.ai.model import Counts
from feedbridge.categories.ai.store import EXAMPLES_SCHEMA
from feedbridge.categories.ai.zeroshot import TreeIndex
from feedbridge.categories.tree import CategoryNode, CategoryTree

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "labelled-titles"
TREE_FILE = REPO / "src" / "aliexpress_sandbox" / "data" / "categories.json.gz"
ITEMS = int(os.environ.get("BENCH_CATEGORIES_ITEMS", "1000000"))
SEEDS, LEARN_CALLS = (0, 1, 2), 5
MERCHANT_SHARE, AMAZON_SHARE = 0.1, 0.7
TOP1_TARGET, CONFIDENT_TARGET, AMAZON_TARGET = 0.97, 0.95, 0.75
SUGGEST_SECONDS, SUGGEST_MB, LEARN_SECONDS = 120.0, 4096, 1.0
SOME_TAUGHT = (
    ("Fridges", "TVs", "CPUs", "Microwaves", "Dishwashers"),
    ("Mobile Phones", "Digital Cameras", "Washing Machines", "Freezers", "Fridge Freezers"),
    ("TVs",),
)
SIZES = ("64GB", "128GB", "256GB", "45 cm", "60 cm", "7 kg", "8 kg", "55 inch", "65 inch", "2-pack")
CODE_LETTERS = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"))


# ── the data ────────────────────────────────────────────────────────────────────────────────────────────


def sandbox_tree() -> CategoryTree:
    rows = json.loads(gzip.decompress(TREE_FILE.read_bytes()))["categories"]  # [id, parent, level, leaf, …]
    return CategoryTree.from_nodes(CategoryNode(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows)


def pricerunner(tree: CategoryTree) -> Labelled:
    return read_labelled(
        DATA / "pricerunner_aggregate.train.csv", text_columns=["Product Title"], label_column="Category Label",
        answers=DATA / "pricerunner_to_aliexpress.json", tree=tree,
    )  # fmt: skip


def split(rows: int, share: float, seed: int) -> np.ndarray:
    """evaluate's split: True for the rows given as examples."""
    return np.random.default_rng(seed).random(rows) < share


def examples(data: Labelled, rows: np.ndarray) -> pl.DataFrame:
    """Those rows as a company's examples (EXAMPLES_SCHEMA), categorized by a line."""
    return pl.DataFrame(
        {
            "api_id": np.ones(len(rows), np.int64), "item_id": [f"PR{row}" for row in rows],
            "text": data.texts.gather(rows), "category_id": data.answers.list.first().gather(rows),
            "source": ["line"] * len(rows),
        },
        schema=EXAMPLES_SCHEMA,
    )  # fmt: skip


def synthetic_titles(texts: pl.Series, count: int) -> pl.DataFrame:
    """A big shop's titles: a PriceRunner title (`base`) with a model code, a colour and a size of its own,
    so that nearly all are distinct (the categorizer scores each distinct text once)."""
    rng = np.random.default_rng(0)
    base = rng.integers(0, len(texts), count)
    parts = {
        "title": texts.gather(base), "letter": CODE_LETTERS[rng.integers(0, len(CODE_LETTERS), count)],
        "number": rng.integers(100, 10_000, count), "colour": np.array(COLORS)[rng.integers(0, len(COLORS), count)],
        "size": np.array(SIZES)[rng.integers(0, len(SIZES), count)],
    }  # fmt: skip
    text = pl.format("{} {}{} {}, {}", "title", "letter", "number", "colour", "size")
    return pl.DataFrame(parts).select(pl.Series("base", base), text.alias("text"))


# ── steps, each in its own process ─────────────────────────────────────────────────────────────────────


def step_suggest(directory: Path) -> dict[str, Any]:
    tree, titles = sandbox_tree(), pl.read_parquet(directory / "titles.parquet")
    started = time.perf_counter()
    index = TreeIndex.of(tree)
    index_seconds = time.perf_counter() - started
    data = pricerunner(tree)
    merchant = split(len(data.texts), MERCHANT_SHARE, 0)
    taught, labels = data.texts.filter(pl.Series(merchant)), data.answers.list.first().to_numpy()[merchant]
    categorizer = Categorizer(
        Counts.empty().added(feature_matrix(taught), labels), cross_validated(taught, labels), index
    )
    started, cpu = time.perf_counter(), time.process_time()
    found = categorizer.suggest(titles["text"], top=3)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    best = found.filter(pl.col("rank") == 1).join(titles.with_row_index("row"), on="row")
    answers = best.with_columns(data.answers.gather(best["base"]).alias("answers"))
    right = answers.select(pl.col("answers").list.contains(pl.col("category_id")).mean())
    return {
        "items": titles.height, "distinct": titles["text"].n_unique(), "leaves": len(index.leaves),
        "examples": int(merchant.sum()), "index_seconds": index_seconds, "seconds": seconds,
        "cpu_seconds": cpu,  # every thread's: up to 2× the wall time on an idle 2-core machine
        "peak_mb": own_peak_mb(),  # the step's whole peak: reading, the index and the model too
        "rows": found.height, "top1_on_base": right.item(),
    }  # fmt: skip


def step_learn(directory: Path) -> dict[str, Any]:
    data = pricerunner(sandbox_tree())
    merchant = split(len(data.texts), MERCHANT_SHARE, 0)
    started = time.perf_counter()
    first = learn(directory / "categorizer", examples(data, np.flatnonzero(merchant)))
    whole = time.perf_counter() - started
    seconds = []
    for row in np.flatnonzero(~merchant)[:LEARN_CALLS]:
        started = time.perf_counter()
        learned = learn(directory / "categorizer", examples(data, np.array([row])), replace_all=False)
        seconds.append(time.perf_counter() - started)
        assert learned.added == 1 and learned.removed == 0, learned  # a call that learned nothing is no time
    return {"examples": first.examples, "first_seconds": whole, "seconds": seconds, "after": learned.examples}


def run_steps(argv: list[str]) -> None:
    name, directory = argv
    steps = {"suggest": step_suggest, "learn": step_learn}
    print(json.dumps(steps[name](Path(directory))))


# ── accuracy, in this process ──────────────────────────────────────────────────────────────────────────


def _summary(e: Evaluation) -> str:
    share = "—" if np.isnan(e.confident_correct) else f"{e.confident_correct:.3f}"
    return (
        f"top-1 {e.top1:.3f}, top-3 {e.top3:.3f}; confidence ≥ 0.9: {e.confident:,} suggestions, {share} right "
        f"({e.examples:,} examples, {e.evaluated:,} evaluated)"
    )


def _print_reliability(e: Evaluation) -> None:
    print("    confidence    suggestions    right  share right")
    for row in e.reliability:
        share = f"{row.correct / row.suggestions:.3f}" if row.suggestions else "—"
        print(f"    {row.low:.2f} – {row.high:.2f}  {row.suggestions:>11,}  {row.correct:>7,}  {share:>11}")


def _verdict(ok: bool, target: str) -> None:
    print(f"  -> {'OK' if ok else 'BELOW TARGET'} ({target})")


def zero_shot(data: Labelled, index: TreeIndex) -> Evaluation:
    e = evaluate(data.texts, data.answers, labelled_share=0.0, tree=index)
    print(f"AI categorizer, zero-shot: PriceRunner into the sandbox's tree ({len(index.leaves):,} leaves):")
    print(f"  {_summary(e)}")
    _print_reliability(e)
    return e


def learning(data: Labelled, index: TreeIndex) -> list[Evaluation]:
    runs = [
        evaluate(data.texts, data.answers, labelled_share=MERCHANT_SHARE, tree=index, seed=s) for s in SEEDS
    ]
    print(f"AI categorizer, learning: PriceRunner, {MERCHANT_SHARE:.0%} as examples:")
    for seed, e in zip(SEEDS, runs, strict=True):
        print(f"  seed {seed}: {_summary(e)}")
    top1, confident = np.mean([e.top1 for e in runs]), np.mean([e.confident_correct for e in runs])
    print(f"  mean: top-1 {top1:.3f}, {confident:.3f} right at confidence ≥ 0.9; seed 0's reliability:")
    _print_reliability(runs[0])
    ok = all(e.top1 >= TOP1_TARGET and e.confident_correct >= CONFIDENT_TARGET for e in runs)
    _verdict(ok, f"every seed top-1 >= {TOP1_TARGET}, >= {CONFIDENT_TARGET} right at confidence >= 0.9")
    return runs


def some_categories(data: Labelled, index: TreeIndex) -> list[dict[str, Any]]:
    """A merchant whose lines cover some categories only (10 % of their items as examples): top-1 on the
    items of the categories no example covers, and on the other items of those covered."""
    frame = pl.read_csv(DATA / "pricerunner_aggregate.train.csv")
    labels = (
        frame[next(c for c in frame.columns if c.strip() == "Category Label")].str.strip_chars().to_numpy()
    )
    first = data.answers.list.first().to_numpy()
    print(f"AI categorizer, examples of some categories only ({MERCHANT_SHARE:.0%} of their items):")
    runs = []
    for taught in SOME_TAUGHT:
        covered = np.isin(labels, taught)
        given = split(len(labels), MERCHANT_SHARE, 0) & covered
        counts = Counts.empty().added(feature_matrix(data.texts.filter(pl.Series(given))), first[given])
        calibration = cross_validated(data.texts.filter(pl.Series(given)), first[given])
        found = Categorizer(counts, calibration, index).suggest(data.texts.filter(pl.Series(~given)), top=1)
        rest = pl.DataFrame({"answers": data.answers.filter(pl.Series(~given)), "covered": covered[~given]})
        scored = rest.with_row_index("row").join(found, on="row", how="left")
        right = scored.select(
            "covered", pl.col("answers").list.contains(pl.col("category_id")).fill_null(False)
        )
        share = dict(right.group_by("covered").agg(pl.col("answers").mean()).iter_rows())
        print(f"  taught {', '.join(taught)}: top-1 {share[False]:.3f} on the other categories' items, "
              f"{share[True]:.3f} on the rest of theirs")  # fmt: skip
        runs.append({"taught": list(taught), "uncovered": share[False], "covered": share[True]})
    return runs


def amazon_sample() -> list[dict[str, Any]]:
    shop = read_labelled(
        DATA / "amazon_products_sample.train.csv", text_columns=["Product Name", "Brand Name", "About Product"],
        label_column="Category",
    )  # fmt: skip
    index = TreeIndex.of(shop.tree)  # the taxonomy the paths make, as `feedbridge categories evaluate` does
    paths = shop.answers.list.first().to_numpy()
    print(f"AI categorizer, Amazon sample: {len(paths):,} products, {len(np.unique(paths))} paths, "
          f"{AMAZON_SHARE:.0%} as examples:")  # fmt: skip
    runs, bounds = [], []
    for seed in SEEDS:
        runs.append(evaluate(shop.texts, shop.answers, labelled_share=AMAZON_SHARE, tree=index, seed=seed))
        given = split(len(paths), AMAZON_SHARE, seed)
        bounds.append(float(np.isin(paths[~given], paths[given]).mean()))
        print(f"  seed {seed}: {_summary(runs[-1])}; path among the examples (the bound): {bounds[-1]:.3f}")
    top1 = float(np.mean([e.top1 for e in runs]))
    print(f"  mean top-1 {top1:.3f}, mean bound {np.mean(bounds):.3f}")
    _verdict(top1 >= AMAZON_TARGET, f"mean top-1 >= {AMAZON_TARGET}")
    return [{"evaluation": dataclasses.asdict(e), "bound": b} for e, b in zip(runs, bounds, strict=True)]


def _print_suggest(s: dict[str, Any]) -> None:
    print(f"AI categorizer, suggesting for {s['items']:,} items ({s['distinct']:,} distinct texts), top 3, into "
          f"{s['leaves']:,} leaves with {s['examples']:,} examples:")  # fmt: skip
    print(f"  tree index built in {s['index_seconds']:.2f} s")
    print(f"  suggest {s['seconds']:.1f} s, {s['cpu_seconds']:.1f} CPU-s, peak {s['peak_mb']:,.0f} MB; "
          f"{s['rows']:,} suggestions, top-1 {s['top1_on_base']:.3f} against their base titles' categories (10 % of the bases are examples)")  # fmt: skip
    ok = s["seconds"] <= SUGGEST_SECONDS and s["peak_mb"] <= SUGGEST_MB
    _verdict(ok, f"<= {SUGGEST_SECONDS:.0f} s and <= {SUGGEST_MB:,} MB")


def _print_learn(learned: dict[str, Any]) -> None:
    median = float(np.median(learned["seconds"]))
    print(f"AI categorizer, learning one new example (a model of {learned['examples']:,} examples, stored in "
          f"{learned['first_seconds']:.2f} s):")  # fmt: skip
    print(f"  median {median:.3f} s of {', '.join(f'{t:.3f}' for t in learned['seconds'])} s")
    _verdict(median < LEARN_SECONDS, f"< {LEARN_SECONDS:.0f} s")


def _without_nan(value: Any) -> Any:
    """JSON has no NaN: a share of no suggestions is null."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nan(item) for item in value]
    return value


def main() -> None:
    if not DATA.is_dir():
        print(f"AI categorizer: skipped, no labelled titles in {DATA}")
        return
    tree = sandbox_tree()
    index, data = TreeIndex.of(tree), pricerunner(tree)
    measured = {
        "zero_shot": dataclasses.asdict(zero_shot(data, index)),
        "learning": [dataclasses.asdict(e) for e in learning(data, index)],
        "some_categories": some_categories(data, index),
        "amazon": amazon_sample(),
    }
    with tempfile.TemporaryDirectory(prefix="feedbridge-bench-categories-") as name:
        synthetic_titles(data.texts, ITEMS).write_parquet(Path(name) / "titles.parquet")
        suggested = run_step("bench.categories", "suggest", name)
        learned = run_step("bench.categories", "learn", name)
    _print_suggest(suggested)
    _print_learn(learned)
    report = {"categories": {**measured, "suggest": suggested, "learn": learned}}
    print(json.dumps(_without_nan(report), default=str))


if __name__ == "__main__":
    if sys.argv[1:2] == ["step"]:
        run_steps(sys.argv[2:])
    else:
        main()
