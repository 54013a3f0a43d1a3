"""The photobank: seller-owned images, content-addressed, served at `<base_url>/kf/S<hex>.<ext>`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..store import Store

# The real photobank reports its sizes in MB as strings; every seller gets the same quota here.
PHOTOBANK_TOTAL_MB = 10240


@dataclass(frozen=True)
class StoredImage:
    key: str  # S<hex>.<ext>, the last path segment of the URL
    url: str


def image_key(url: str) -> str | None:
    """`https://host/kf/S0ab….jpg` -> `S0ab….jpg`; None for URLs that cannot be photobank URLs."""
    path = urlsplit(url).path
    if not path.startswith("/kf/"):
        return None
    key = path.removeprefix("/kf/")
    return key if key.startswith("S") and "/" not in key else None


def owns_image(store: Store, seller_id: int, url: str) -> bool:
    """Whether `url` names an image in this seller's photobank (matched by key, whatever the host)."""
    key = image_key(url)
    return (
        key is not None
        and store.one("SELECT 1 FROM photobank WHERE image_id = ? AND seller_id = ?", (key, seller_id))
        is not None
    )


def save_image(
    store: Store,
    base_url: str,
    seller_id: int,
    *,
    data: bytes,
    file_name: str,
    fmt: str,
    content_type: str,
    width: int,
    height: int,
    group_id: str | None,
    now: float,
) -> StoredImage:
    """Store the image once per (seller, bytes): the same upload again returns the same URL."""
    digest = hashlib.sha256(data).hexdigest()
    # The seller id is part of the key, so another seller's upload of the same bytes is another image.
    key = "S" + hashlib.sha256(f"{seller_id}:{digest}".encode()).hexdigest()[:32] + "." + fmt
    url = f"{base_url}/kf/{key}"
    store.run(
        "INSERT INTO photobank (image_id, seller_id, url, file_name, content_type, width, height, size,"
        " sha256, data, group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(image_id) DO NOTHING",
        (key, seller_id, url, file_name, content_type, width, height, len(data), digest, data, group_id, now),
    )
    return StoredImage(key, url)


def used_mb(store: Store, seller_id: int) -> float:
    row = store.one("SELECT COALESCE(SUM(size), 0) AS used FROM photobank WHERE seller_id = ?", (seller_id,))
    return round((row["used"] if row else 0) / (1024 * 1024), 2)


def load_image(store: Store, key: str) -> tuple[bytes, str] | None:
    row = store.one("SELECT data, content_type FROM photobank WHERE image_id = ?", (key,))
    return None if row is None else (bytes(row["data"]), row["content_type"])
