"""The sandbox's own SQLite file: every seller, token, product and feed job survives a restart."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS apps (
    app_key TEXT PRIMARY KEY, app_secret TEXT NOT NULL, name TEXT NOT NULL,
    redirect_uris TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'online');
CREATE TABLE IF NOT EXISTS sellers (
    seller_id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, password TEXT NOT NULL,
    user_nick TEXT NOT NULL, havana_id TEXT NOT NULL, country_code TEXT NOT NULL, currency TEXT NOT NULL,
    shop_id INTEGER NOT NULL, shop_name TEXT NOT NULL, shop_type TEXT NOT NULL DEFAULT 'official',
    posting_forbidden INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS freight_templates (
    template_id INTEGER PRIMARY KEY, seller_id INTEGER NOT NULL, name TEXT NOT NULL, is_default INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS service_templates (
    template_id INTEGER PRIMARY KEY, seller_id INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS product_groups (
    group_id INTEGER PRIMARY KEY, seller_id INTEGER NOT NULL, parent_id INTEGER, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS auth_codes (
    code TEXT PRIMARY KEY, app_key TEXT NOT NULL, seller_id INTEGER NOT NULL, redirect_uri TEXT NOT NULL,
    expires_at REAL NOT NULL, used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (
    access_token TEXT PRIMARY KEY, refresh_token TEXT NOT NULL UNIQUE, app_key TEXT NOT NULL,
    seller_id INTEGER NOT NULL, access_expires_at REAL NOT NULL, refresh_expires_at REAL NOT NULL,
    refresh_used INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS photobank (
    image_id TEXT PRIMARY KEY, seller_id INTEGER NOT NULL, url TEXT NOT NULL UNIQUE, file_name TEXT NOT NULL,
    content_type TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, size INTEGER NOT NULL,
    sha256 TEXT NOT NULL, data BLOB NOT NULL, group_id TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS products (
    product_id INTEGER PRIMARY KEY, seller_id INTEGER NOT NULL, status TEXT NOT NULL, audit_until REAL NOT NULL,
    category_id INTEGER NOT NULL, group_id INTEGER, subject TEXT NOT NULL, has_national_quote INTEGER NOT NULL,
    data TEXT NOT NULL, created_at REAL NOT NULL, modified_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ix_products_seller_status ON products (seller_id, status);
CREATE TABLE IF NOT EXISTS product_skus (
    seller_id INTEGER NOT NULL, sku_code TEXT NOT NULL, product_id INTEGER NOT NULL,
    PRIMARY KEY (seller_id, sku_code));
CREATE INDEX IF NOT EXISTS ix_product_skus_product ON product_skus (product_id);
CREATE TABLE IF NOT EXISTS feed_jobs (
    job_id INTEGER PRIMARY KEY, seller_id INTEGER NOT NULL, operation_type TEXT NOT NULL, status TEXT NOT NULL,
    submitted_at REAL NOT NULL, start_at REAL NOT NULL, item_seconds REAL NOT NULL, items TEXT NOT NULL,
    results TEXT NOT NULL, invalidated INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS ix_feed_jobs_seller ON feed_jobs (seller_id, operation_type, submitted_at);
"""


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


class Store:
    """One connection used from the event loop's thread; SQLite in WAL mode."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def one(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, tuple(args)).fetchone()
        return row

    def all(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, tuple(args)).fetchall()

    def run(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, tuple(args))

    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return loads(row["value"]) if row else default

    def set_meta(self, key: str, value: Any) -> None:
        self.run(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, dumps(value)),
        )

    def reset(self) -> None:
        tables = [r["name"] for r in self.all("SELECT name FROM sqlite_master WHERE type = 'table'")]
        with self.transaction() as conn:
            for table in tables:
                conn.execute(f"DELETE FROM {table}")
