"""Products in the sandbox's SQLite file: a Draft as JSON plus the columns list.get filters on.

A product's status is stored as set; `auditing` turns into `onSelling` once `audit_until` has passed on
the sandbox clock. That is computed on every read (EFFECTIVE_STATUS) instead of by a background job, so
moving the clock ends audits at once.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from ..store import Store, dumps, loads
from .model import Draft

EFFECTIVE_STATUS = "(CASE WHEN status = 'auditing' AND audit_until <= ? THEN 'onSelling' ELSE status END)"


@dataclass
class Product:
    product_id: int
    seller_id: int
    status: str  # effective status
    draft: Draft
    created_at: float
    modified_at: float


def new_product_id(store: Store) -> int:
    """A realistic id: 16 digits starting 1005 (like 1005001234567890), unused in this sandbox."""
    while True:
        product_id = int("1005" + "".join(str(secrets.randbelow(10)) for _ in range(12)))
        if store.one("SELECT 1 FROM products WHERE product_id = ?", (product_id,)) is None:
            return product_id


def _columns(draft: Draft) -> tuple[int, int | None, str, int, str]:
    # `subject` holds every title (one per line) so that the fuzzy subject filter matches any language.
    subjects = "\n".join(draft.subjects.values())
    group = draft.group_ids[0] if draft.group_ids else None
    return draft.category_id, group, subjects, int(bool(draft.country_prices)), dumps(draft.to_json())


def _index_skus(store: Store, seller_id: int, product_id: int, draft: Draft) -> None:
    store.run("DELETE FROM product_skus WHERE product_id = ?", (product_id,))
    store.conn.executemany(
        "INSERT INTO product_skus (seller_id, sku_code, product_id) VALUES (?, ?, ?)",
        [(seller_id, sku.sku_code, product_id) for sku in draft.skus],
    )


def insert(store: Store, seller_id: int, draft: Draft, *, status: str, audit_until: float, now: float) -> int:
    with store.transaction():
        product_id = new_product_id(store)
        store.run(
            "INSERT INTO products (product_id, seller_id, status, audit_until, category_id, group_id,"
            " subject, has_national_quote, data, created_at, modified_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (product_id, seller_id, status, audit_until, *_columns(draft), now, now),
        )
        _index_skus(store, seller_id, product_id, draft)
    return product_id


def replace(store: Store, product: Product, draft: Draft, now: float) -> None:
    with store.transaction():
        store.run(
            "UPDATE products SET category_id = ?, group_id = ?, subject = ?, has_national_quote = ?,"
            " data = ?, modified_at = ? WHERE product_id = ?",
            (*_columns(draft), now, product.product_id),
        )
        _index_skus(store, product.seller_id, product.product_id, draft)


def get(store: Store, seller_id: int, product_id: int, now: float) -> Product | None:
    """The seller's product, or None (another seller's product is as unknown as a missing one)."""
    row = store.one(
        f"SELECT *, {EFFECTIVE_STATUS} AS effective FROM products WHERE product_id = ? AND seller_id = ?",
        (now, product_id, seller_id),
    )
    return None if row is None else from_row(row)


def for_seller(store: Store, seller_id: int, now: float) -> list[Product]:
    """Every product of the seller, oldest first."""
    rows = store.all(
        f"SELECT *, {EFFECTIVE_STATUS} AS effective FROM products WHERE seller_id = ? ORDER BY created_at, product_id",
        (now, seller_id),
    )
    return [from_row(row) for row in rows]


def from_row(row: sqlite3.Row) -> Product:
    """A product from a row selected with `EFFECTIVE_STATUS AS effective`."""
    draft = Draft.from_json(loads(row["data"]))
    return Product(
        row["product_id"], row["seller_id"], row["effective"], draft, row["created_at"], row["modified_at"]
    )


def seller_currency(store: Store, seller_id: int) -> str:
    """Prices are in the seller's store currency (REFERENCE §4)."""
    row = store.one("SELECT currency FROM sellers WHERE seller_id = ?", (seller_id,))
    return str(row["currency"]) if row else "USD"


def set_status(
    store: Store, product_ids: Iterable[int], status: str, now: float, *, audit_until: float = 0.0
) -> None:
    store.conn.executemany(
        "UPDATE products SET status = ?, audit_until = ?, modified_at = ? WHERE product_id = ?",
        [(status, audit_until, now, pid) for pid in product_ids],
    )


def delete(store: Store, product_ids: Iterable[int]) -> None:
    ids = [(pid,) for pid in product_ids]
    with store.transaction() as conn:
        conn.executemany("DELETE FROM product_skus WHERE product_id = ?", ids)
        conn.executemany("DELETE FROM products WHERE product_id = ?", ids)


def sku_owner(store: Store, seller_id: int, sku_code: str) -> int | None:
    row = store.one(
        "SELECT product_id FROM product_skus WHERE seller_id = ? AND sku_code = ?", (seller_id, sku_code)
    )
    return None if row is None else int(row["product_id"])


def count(store: Store, seller_id: int) -> int:
    row = store.one("SELECT COUNT(*) AS n FROM products WHERE seller_id = ?", (seller_id,))
    return int(row["n"]) if row else 0
