"""Import rules (the first layer) as the catalog pipeline's hook: they run on a feed's items before the
unique ID is settled and the snapshot is written.

The catalog does not know the rules package (rules read snapshots, so the dependency points this way);
whoever runs an import (CLI, jobs) builds the hook here and hands it to `catalog.runs.execute_run`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from sqlalchemy.orm import Session

from feedbridge.catalog.identity import propose_id_field
from feedbridge.catalog.imports import get_import
from feedbridge.catalog.pipeline import ImportRules, no_import_rules
from feedbridge.rules.engine import EvaluationContext, RuleStats, run_rules
from feedbridge.rules.model import RuleSet
from feedbridge.rules.services import import_rules_for

# The ID field a feed without any usable one is read with (the import then fails on its own rule).
FALLBACK_ID_FIELD = "id"


class ImportRulesHook:
    """One import's rule set as the pipeline's hook; `stats` holds the statistics of its last run."""

    def __init__(self, rule_set: RuleSet, id_field: str | None, now: datetime | None = None) -> None:
        self.rule_set, self.id_field, self.now = rule_set, id_field, now
        self.stats: list[RuleStats] = []

    def __call__(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        items = frame.collect()
        id_field = self.id_field or propose_id_field(items) or FALLBACK_ID_FIELD
        context = EvaluationContext(id_field=id_field, now=self.now or datetime.now(UTC))
        result = run_rules(items, self.rule_set, context)
        self.stats = result.stats
        return result.frame.lazy()


def import_rules_hook(session: Session, company_id: int, import_id: int) -> ImportRules:
    """The hook for the import's rules, or the no-op when it has none (or none enabled)."""
    imp = get_import(session, company_id, import_id)
    rule_set = import_rules_for(session, imp.id)
    if rule_set is None or not rule_set.enabled_rules:
        return no_import_rules
    return ImportRulesHook(rule_set, imp.unique_id_field)
