"""Run one column action on a small frame, every item written, as the engine would."""

from __future__ import annotations

from typing import Any

import polars as pl

from feedbridge.rules.actions import compile_action
from feedbridge.rules.flow import action_writes, kind_after
from feedbridge.rules.model import Action
from feedbridge.rules.values import kind_of


def frame(**columns: list[Any]) -> pl.DataFrame:
    """Columns of text, or of lists of text where any value is a list."""
    schema = {
        name: pl.List(pl.String) if any(isinstance(value, list) for value in values) else pl.String
        for name, values in columns.items()
    }
    return pl.DataFrame(columns, schema=schema)


def run(action: Action, **columns: list[Any]) -> dict[str, list[Any]]:
    """Every column after the action; fields it writes that are missing start as null text. Also
    checks that each written field has the kind `flow.kind_after` promises."""
    data = frame(**columns)
    rows = data.height
    data = data.with_columns(
        pl.lit(None, dtype=pl.String).alias(name)
        for name in action_writes(action)
        if name not in data.columns
    )
    kinds = {name: kind_of(dtype) for name, dtype in data.schema.items()}
    result = data.with_columns(**compile_action(action, kinds))
    assert result.height == rows
    for name, kind in kind_after(action, kinds).items():
        assert kind_of(result.schema[name]) is kind, f"{name} is {result.schema[name]}, not {kind}"
    return result.to_dict(as_series=False)


def column(action: Action, name: str, **columns: list[Any]) -> list[Any]:
    """One column after the action."""
    return run(action, **columns)[name]
