"""AliExpress's own category suggestion for a title (`aliexpress.solution.product.category.suggest`),
asked for a bounded number of texts per round and kept per API, so each text is asked about once.

The platform's answer is one signal among others: when the connection may not call the API, or a call
fails, the round goes on without it and says why.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.catalog.snapshots import write_atomically
from feedbridge.channels.aliexpress.client import AliExpressError, categories
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.models import Connection
from feedbridge.connections.tokens import access_token_for
from feedbridge.errors import FeedbridgeError

FILE_NAME = "category_hints.parquet"
SCHEMA = pl.Schema({"text": pl.String, "category_id": pl.Int64, "rank": pl.Int32})


def read_hints(folder: Path) -> pl.DataFrame:
    path = folder / FILE_NAME
    return pl.read_parquet(path) if path.exists() else SCHEMA.to_frame()


def ask_platform(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    folder: Path,
    texts: list[str],
    language: str,
) -> tuple[int, str | None]:
    """Ask about `texts` (those not asked before), keep the answers; returns the texts asked and, when
    the platform could not answer, why. Texts without an answer are kept as asked (no rows)."""
    known = read_hints(folder)
    asked_before = set(known["text"].to_list()) | _unanswered(folder)
    texts = [text for text in dict.fromkeys(texts) if text not in asked_before]
    if not texts:
        return 0, None
    token = access_token_for(sessions, ctx, connection_id)
    with sessions() as session:
        connection = session.get(Connection, connection_id)
        client_context = ctx.client_for(connection) if connection else None
    if client_context is None:
        return 0, "the connection is gone"
    rows: list[dict[str, object]] = []
    done: list[str] = []
    problem = None
    with client_context as client:
        for text in texts:
            try:
                found = categories.suggest_categories(client, token, text[:256], language)
            except (AliExpressError, FeedbridgeError) as error:
                problem = (
                    f"AliExpress's category suggestion did not answer ({error}); the other signals were used"
                )
                break
            rows += [
                {"text": text, "category_id": s.id, "rank": rank} for rank, s in enumerate(found, start=1)
            ]
            done.append(text)
    _keep(folder, pl.concat([known, pl.DataFrame(rows, schema=SCHEMA)]), done)
    return len(done), problem


def _unanswered(folder: Path) -> set[str]:
    path = folder / ("asked-" + FILE_NAME)
    return set(pl.read_parquet(path)["text"].to_list()) if path.exists() else set()


def _keep(folder: Path, hints: pl.DataFrame, asked: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / FILE_NAME, hints.write_parquet)
    everything = sorted(_unanswered(folder) | set(asked))
    write_atomically(
        folder / ("asked-" + FILE_NAME),
        pl.DataFrame({"text": everything}, schema={"text": pl.String}).write_parquet,
    )
