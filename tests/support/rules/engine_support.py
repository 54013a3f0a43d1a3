"""Small frames and rule sets for the engine's tests, written as plain dicts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl

from feedbridge.rules.engine import EvaluationContext, LayerResult, run_rules
from feedbridge.rules.model import RuleSet

NOW = datetime(2024, 5, 15, 14, 30, tzinfo=UTC)  # a Wednesday
CONTEXT = EvaluationContext(id_field="id", now=NOW)


def frame(**columns: list[Any]) -> pl.DataFrame:
    """Columns of text, or of lists of text where any value is a list."""
    schema = {
        name: pl.List(pl.String) if any(isinstance(value, list) for value in values) else pl.String
        for name, values in columns.items()
    }
    return pl.DataFrame(columns, schema=schema)


def rule_set(*rules: dict[str, Any]) -> RuleSet:
    """Rules named "rule 1", "rule 2", … unless they have a name."""
    named = [{"name": f"rule {index}", **rule} for index, rule in enumerate(rules, start=1)]
    return RuleSet.model_validate({"name": "test", "rules": named})


def run(data: pl.DataFrame, *rules: dict[str, Any], context: EvaluationContext = CONTEXT) -> LayerResult:
    return run_rules(data, rule_set(*rules), context)


def columns(data: pl.DataFrame, *rules: dict[str, Any]) -> dict[str, list[Any]]:
    return run(data, *rules).frame.to_dict(as_series=False)


def when(*conditions: dict[str, Any], then: list[dict[str, Any]], **rest: Any) -> dict[str, Any]:
    """A rule whose IF is all of `conditions`."""
    return {"if": {"all": list(conditions)}, "then": then, **rest}


def put(field: str, value: str) -> dict[str, Any]:
    return {"action": "set", "field": field, "value": value}


EXCLUDE = {"action": "exclude"}
