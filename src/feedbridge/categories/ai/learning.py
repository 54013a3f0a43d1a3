"""What a company's categorizer learns from, and keeping its model up to date with it.

Examples are the merchant's own decisions in every API of the company: the items a manual category
line categorizes, and the AI suggestions the merchant accepted or corrected. The model is updated by
the difference between the stored examples and the current ones (added examples add their counts,
removed or changed ones take theirs away), so one new example costs its own features, not a retrain.
The calibration is measured again once the examples have grown or shrunk by a tenth since it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedbridge.apis.folders import api_folder
from feedbridge.apis.models import AliExpressApi
from feedbridge.catalog.errors import NoItems
from feedbridge.categories.ai.calibration import Calibration
from feedbridge.categories.ai.evaluation import cross_validated
from feedbridge.categories.ai.features import feature_matrix
from feedbridge.categories.ai.model import Counts
from feedbridge.categories.ai.store import (
    EXAMPLES_SCHEMA,
    StoredModel,
    load_model,
    read_examples,
    save_model,
    write_examples,
)
from feedbridge.categories.ai.texts import id_and_text
from feedbridge.categories.assignments import ACCEPTED, read_assignments
from feedbridge.categories.categorize import CATEGORY_ID, CATEGORY_SOURCE, LINE
from feedbridge.categories.services import categorized_items
from feedbridge.config import Settings
from feedbridge.projects.models import Project

RECALIBRATE_CHANGE = 0.1  # measure the calibration again after the examples change by this share
LINE_SOURCE, ACCEPTED_SOURCE = "line", "accepted"


@dataclass(frozen=True)
class Learned:
    model: StoredModel
    examples: int
    added: int
    removed: int


def company_examples(session: Session, company_id: int, settings: Settings) -> pl.DataFrame:
    """Every API's examples (EXAMPLES_SCHEMA): items categorized by a line, and accepted suggestions."""
    apis = session.scalars(
        select(AliExpressApi).join(Project).where(Project.company_id == company_id).order_by(AliExpressApi.id)
    )
    frames = []
    for api in apis:
        try:
            found = categorized_items(session, company_id, api.id, settings)
        except NoItems:
            continue
        frame = found.frame.select(
            *id_and_text(found, api.settings),
            CATEGORY_ID,
            CATEGORY_SOURCE,
        )
        by_line = frame.filter(pl.col(CATEGORY_SOURCE) == LINE).select(
            "item_id", "text", CATEGORY_ID, pl.lit(LINE_SOURCE).alias("source")
        )
        chosen = read_assignments(api_folder(settings, api))
        parts = [by_line]
        if chosen is not None:
            accepted = chosen.filter(pl.col("status") == ACCEPTED).select("item_id", "category_id")
            parts.append(
                frame.filter(pl.col(CATEGORY_SOURCE) != LINE)
                .join(accepted, on="item_id")
                .select(
                    "item_id",
                    "text",
                    pl.col("category_id").alias(CATEGORY_ID),
                    pl.lit(ACCEPTED_SOURCE).alias("source"),
                )
            )
        frames.append(
            pl.concat(parts).select(
                pl.lit(api.id, pl.Int64).alias("api_id"),
                "item_id",
                "text",
                pl.col(CATEGORY_ID).alias("category_id"),
                "source",
            )
        )
    if not frames:
        return EXAMPLES_SCHEMA.to_frame()
    return pl.concat(pl.collect_all(frames)).filter(pl.col("text").str.strip_chars() != "")


def learn(folder: Path, current: pl.DataFrame, *, replace_all: bool = True) -> Learned:
    """Bring the model in `folder` to `current` examples. With `replace_all` False, `current` only adds
    to or changes the stored examples (a merchant's accept or correct), and the rest stay."""
    stored = read_examples(folder)
    key = ["api_id", "item_id"]
    if not replace_all:
        current = pl.concat([stored.join(current, on=key, how="anti"), current.select(stored.columns)])
    current = current.unique(subset=key, keep="last", maintain_order=True)
    model = load_model(folder)
    untrusted = model is None
    if model is None:  # nothing stored yet, or not to be trusted: learn everything again
        stored = EXAMPLES_SCHEMA.to_frame()
        model = StoredModel(Counts.empty(), Calibration.unmeasured(), 0, datetime.now(UTC))
    same = ["api_id", "item_id", "text", "category_id"]
    gone = stored.join(current, on=same, how="anti", nulls_equal=True)
    new = current.join(stored, on=same, how="anti", nulls_equal=True)
    counts = model.counts
    if gone.height:
        counts = counts.added(feature_matrix(gone["text"]), gone["category_id"].to_numpy(), -1.0)
    if new.height:
        counts = counts.added(feature_matrix(new["text"]), new["category_id"].to_numpy(), 1.0)
    calibration, calibrated_on = model.calibration, model.calibrated_on
    if abs(current.height - calibrated_on) > RECALIBRATE_CHANGE * max(calibrated_on, 1) and (
        gone.height or new.height
    ):
        calibration = cross_validated(current["text"], current["category_id"].to_numpy())
        calibrated_on = current.height
    learned = StoredModel(counts, calibration, calibrated_on, datetime.now(UTC))
    if gone.height or new.height or untrusted:
        save_model(folder, learned)
        write_examples(folder, current)
    return Learned(learned, current.height, new.height, gone.height)
