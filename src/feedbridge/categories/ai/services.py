"""AI categorization of an API's items: suggest, review, accept, correct, turn into a manual line.

Manual lines always win: items a line categorizes get no suggestion, and their old ones are dropped.
Items whose suggestion the merchant accepted or corrected keep it. Every other item is suggested again
on each round, so what the model learned since the last round reaches the whole catalogue.
Services add and flush; the caller commits. Files are written atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.accounts.models import Company
from feedbridge.apis.folders import api_folder
from feedbridge.apis.models import AliExpressApi
from feedbridge.apis.services import get_api
from feedbridge.categories import services as category_services
from feedbridge.categories.ai.categorizer import Categorizer
from feedbridge.categories.ai.hints import ask_platform, read_hints
from feedbridge.categories.ai.learning import ACCEPTED_SOURCE, Learned, company_examples, learn
from feedbridge.categories.ai.settings import ai_settings
from feedbridge.categories.ai.store import categorizer_folder
from feedbridge.categories.ai.texts import id_and_text, pattern_field
from feedbridge.categories.ai.zeroshot import TreeIndex
from feedbridge.categories.assignments import (
    ACCEPTED,
    APPLIED,
    CHOSEN,
    SCHEMA,
    SUGGESTED,
    read_assignments,
    write_assignments,
)
from feedbridge.categories.categorize import CATEGORY_SOURCE, LINE
from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.tree import CategoryTree
from feedbridge.categories.validation import check_target
from feedbridge.config import Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.errors import InvalidInput, NotFound
from feedbridge.rules.model import Group, TextCondition

Progress = Callable[[str], None]
_TEXT = "\x00text"
_NOT_BY_LINE = pl.col(CATEGORY_SOURCE).is_null() | (pl.col(CATEGORY_SOURCE) != LINE)


@dataclass(frozen=True)
class SuggestReport:
    items: int  # items suggested for: no line categorizes them and the merchant has not decided
    applied: int  # at or above the threshold: they categorize their items now
    waiting: int  # below it: in the review list
    examples: int  # what the model has learned from (the company's examples)
    calibrated: bool  # whether confidence was measured on examples (else capped, docs/categories.md)
    asked_platform: int  # texts AliExpress's own suggestion was asked about in this round
    platform_problem: str | None
    threshold: float | None


@dataclass(frozen=True)
class ReviewEntry:
    position: int  # 1 for the entry affecting the most items
    category_id: int
    category: str  # its path in the API's language
    field: str | None  # the pattern: items whose `field` is `value` (None: items without one)
    value: str | None
    items: int
    confidence: float  # the lowest among the entry's items
    item_ids: tuple[str, ...]  # every item of the entry
    samples: tuple[str, ...]  # a few of their texts


def suggest(
    session: Session,
    company_id: int,
    api_id: int,
    settings: Settings,
    tree: CategoryTree,
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    *,
    apply_above: float | None = None,
    progress: Progress | None = None,
) -> SuggestReport:
    """A suggestion round: learn from the company's examples, suggest for the API's items, apply those at
    or above the threshold (`apply_above`, else the API's setting), keep the rest for review."""
    api = get_api(session, company_id, api_id)
    options = ai_settings(api.settings)
    threshold = options.apply_above if apply_above is None else apply_above
    _say(progress, "learning from the company's examples")
    learned = learn_company(session, company_id, settings)
    _say(progress, "reading the items")
    targets, _ = _targets(session, settings, company_id, api)
    folder = api_folder(settings, api)
    categorizer = Categorizer(learned.model.counts, learned.model.calibration, TreeIndex.of(tree))
    _say(progress, f"suggesting categories for {targets.height:,} items")
    found = categorizer.suggest(targets[_TEXT], hints=read_hints(folder), top=options.suggestions)
    asked, problem = 0, None
    if options.platform_hints and found.height:
        unsure = _least_certain(found, targets, options.platform_hints)
        _say(progress, f"asking AliExpress about the {len(unsure)} least certain items")
        asked, problem = ask_platform(sessions, ctx, api.connection_id, folder, unsure, api.language)
        if asked:
            found = categorizer.suggest(targets[_TEXT], hints=read_hints(folder), top=options.suggestions)
    suggestions = found.join(targets.with_row_index("row").select("row", "item_id"), on="row")
    applied = _write(settings, api, suggestions, threshold)
    return SuggestReport(
        items=targets.height,
        applied=applied,
        waiting=targets.height - applied,
        examples=learned.examples,
        calibrated=learned.model.calibration.measured,
        asked_platform=asked,
        platform_problem=problem,
        threshold=threshold,
    )


def learn_company(session: Session, company_id: int, settings: Settings) -> Learned:
    """Bring the company's model up to its current examples (every API's lines and accepted choices)."""
    return learn(_folder(session, settings, company_id), company_examples(session, company_id, settings))


def review(
    session: Session, company_id: int, api_id: int, settings: Settings, tree: CategoryTree
) -> list[ReviewEntry]:
    """The suggestions waiting for the merchant, grouped by the product-type pattern and the suggested
    category, the entries affecting the most items first."""
    api = get_api(session, company_id, api_id)
    targets, pattern = _targets(session, settings, company_id, api)
    assignments = read_assignments(api_folder(settings, api))
    if assignments is None or targets.is_empty():
        return []
    chosen = assignments.filter(pl.col("status").is_in(CHOSEN)).select("item_id")
    waiting = (
        assignments.filter(pl.col("status") == SUGGESTED)
        .join(chosen, on="item_id", how="anti")
        .sort("item_id", pl.col("confidence"), descending=[False, True])
        .group_by("item_id", maintain_order=True)
        .first()
        .collect()
        .join(targets, on="item_id")
    )
    value = pl.col(pattern).cast(pl.String) if pattern else pl.lit(None, pl.String)
    grouped = (
        waiting.with_columns(value.alias("value"))
        .group_by("value", "category_id")
        .agg(
            pl.len().alias("items"),
            pl.col("confidence").min(),
            pl.col("item_id"),
            pl.col(_TEXT).head(3).alias("samples"),
        )
        .sort(["items", "confidence", "category_id"], descending=[True, True, False], nulls_last=True)
    )
    return [
        ReviewEntry(
            position,
            row["category_id"],
            tree.path_text(row["category_id"], api.language),
            pattern if row["value"] is not None else None,
            row["value"],
            row["items"],
            row["confidence"],
            tuple(row["item_id"]),
            tuple(row["samples"]),
        )
        for position, row in enumerate(grouped.iter_rows(named=True), start=1)
    ]


def decide(
    session: Session,
    company_id: int,
    api_id: int,
    settings: Settings,
    item_ids: Sequence[str],
    *,
    category_id: int | None = None,
    tree: CategoryTree | None = None,
) -> int:
    """The merchant's decision for `item_ids`: accept each one's best suggestion (`category_id` None)
    or correct them to `category_id`. The model learns from it at once. Returns the items decided."""
    api = get_api(session, company_id, api_id)
    folder = api_folder(settings, api)
    if category_id is not None:
        check_target(category_id, tree, "the category", api.language)
    assignments = read_assignments(folder)
    current = assignments.collect() if assignments is not None else _empty_assignments()
    wanted = pl.DataFrame({"item_id": list(dict.fromkeys(item_ids))}, schema={"item_id": pl.String})
    if category_id is None:
        best = (
            current.join(wanted, on="item_id")
            .sort("item_id", "confidence", descending=[False, True])
            .group_by("item_id", maintain_order=True)
            .first()
            .select("item_id", "category_id")
        )
    else:
        best = wanted.with_columns(pl.lit(category_id, pl.Int64).alias("category_id"))
    missing = wanted.join(best, on="item_id", how="anti")["item_id"].to_list()
    if missing:
        raise NotFound(
            f"no suggestion for item {missing[0]!r} in API '{api.name}': run `feedbridge categories suggest`, "
            "or give the category with --category"
        )
    examples = _decision_examples(session, settings, company_id, api, best)
    unknown = best.join(examples, on="item_id", how="anti")["item_id"].to_list()
    if unknown:
        raise NotFound(
            f"API '{api.name}' has no item {unknown[0]!r} that a line does not categorize "
            "(`feedbridge categories uncategorized` lists them)"
        )
    decided = best.with_columns(pl.lit(1.0).alias("confidence"), pl.lit(ACCEPTED).alias("status"))
    write_assignments(
        folder, pl.concat([current.join(decided, on="item_id", how="anti"), decided.select(current.columns)])
    )
    learn(_folder(session, settings, company_id), examples, replace_all=False)
    return decided.height


def review_to_line(
    session: Session, company_id: int, api_id: int, settings: Settings, entry: ReviewEntry, tree: CategoryTree
) -> int:
    """Turn a review entry's pattern into a manual line ("all items whose <field> is <value> → its
    category"), added last; returns its position. Lines win, so its items leave the review list."""
    if entry.field is None or entry.value is None:
        raise InvalidInput(
            "review entry",
            f"entry {entry.position} has no product type to make a line of; accept or correct it",
        )
    line = CategoryLine(
        when=Group(all=[TextCondition(op="equals", field=entry.field, value=entry.value)]),
        category_id=entry.category_id,
        label=f"{entry.field} = {entry.value}"[:200],
    )
    return category_services.add_line(session, company_id, api_id, line, tree=tree)


# --- helpers -------------------------------------------------------------------------------------------


def _targets(
    session: Session, settings: Settings, company_id: int, api: AliExpressApi
) -> tuple[pl.DataFrame, str | None]:
    """The items to suggest for (item_id, the text read, the pattern field) and the pattern field."""
    found = category_services.categorized_items(session, company_id, api.id, settings)
    pattern = pattern_field(found.items.items.collect_schema().names())
    item_id, text = id_and_text(found, api.settings)
    frame = found.frame.filter(_NOT_BY_LINE).select(
        item_id,
        text.alias(_TEXT),
        *([pl.col(pattern)] if pattern and pattern != found.items.id_field else []),
    )
    assignments = read_assignments(api_folder(settings, api))
    if assignments is not None:
        decided = assignments.filter(pl.col("status") == ACCEPTED).select("item_id")
        frame = frame.join(decided, on="item_id", how="anti")
    return frame.collect(), pattern


def _least_certain(found: pl.DataFrame, targets: pl.DataFrame, limit: int) -> list[str]:
    rows = found.filter(pl.col("rank") == 1).sort("raw").head(limit)["row"].to_list()
    return [targets[_TEXT][row] for row in rows]


def _write(settings: Settings, api: AliExpressApi, suggestions: pl.DataFrame, threshold: float | None) -> int:
    """The API's assignments: the merchant's decisions kept, the new suggestions for everything else."""
    folder = api_folder(settings, api)
    existing = read_assignments(folder)
    kept = (
        existing.filter(pl.col("status") == ACCEPTED).collect()
        if existing is not None
        else _empty_assignments()
    )
    apply = (
        pl.lit(False) if threshold is None else (pl.col("rank") == 1) & (pl.col("confidence") >= threshold)
    )
    fresh = suggestions.join(kept.select("item_id"), on="item_id", how="anti").select(
        "item_id",
        "category_id",
        "confidence",
        pl.when(apply).then(pl.lit(APPLIED)).otherwise(pl.lit(SUGGESTED)).alias("status"),
    )
    write_assignments(folder, pl.concat([kept, fresh]))
    return int((fresh["status"] == APPLIED).sum())


def _decision_examples(
    session: Session, settings: Settings, company_id: int, api: AliExpressApi, decided: pl.DataFrame
) -> pl.DataFrame:
    """The merchant's decisions as examples (EXAMPLES_SCHEMA), for the API's items no line categorizes."""
    found = category_services.categorized_items(session, company_id, api.id, settings)
    texts = (
        found.frame.filter(_NOT_BY_LINE)
        .select(id_and_text(found, api.settings))
        .join(decided.lazy().select("item_id", "category_id"), on="item_id")
    )
    return texts.select(
        pl.lit(api.id, pl.Int64).alias("api_id"),
        "item_id",
        "text",
        "category_id",
        pl.lit(ACCEPTED_SOURCE).alias("source"),
    ).collect()


def _folder(session: Session, settings: Settings, company_id: int) -> Path:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"company #{company_id}")
    return categorizer_folder(settings, company)


def _empty_assignments() -> pl.DataFrame:
    return SCHEMA.to_frame()


def _say(progress: Progress | None, what: str) -> None:
    if progress:
        progress(what)
