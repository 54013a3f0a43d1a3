"""Authorization codes and tokens (REFERENCE §2): lifetimes, single-use codes, refresh rotation."""

from __future__ import annotations

import secrets
from typing import Any

from .errors import illegal_refresh_token, invalid_code
from .state import Sandbox, TokenGrant

# Seconds (access token, refresh token) per app status, REFERENCE §2.5.
LIFETIMES = {"online": (30 * 86400, 60 * 86400), "test": (86400, 2 * 86400)}


def issue_code(sandbox: Sandbox, app_key: str, seller_id: int, redirect_uri: str) -> str:
    code = f"3_{app_key}_{secrets.token_urlsafe(20)}"
    expires_at = sandbox.clock.now() + sandbox.behaviour.timings.code_ttl_seconds
    sandbox.store.run(
        "INSERT INTO auth_codes (code, app_key, seller_id, redirect_uri, expires_at) VALUES (?, ?, ?, ?, ?)",
        (code, app_key, seller_id, redirect_uri, expires_at),
    )
    return code


def _token_json(sandbox: Sandbox, row: Any) -> dict[str, Any]:
    now = sandbox.clock.now()
    seller = sandbox.store.one("SELECT * FROM sellers WHERE seller_id = ?", (row["seller_id"],))
    assert seller is not None
    return {
        "access_token": row["access_token"],
        "refresh_token": row["refresh_token"],
        "expires_in": max(0, int(row["access_expires_at"] - now)),
        "refresh_expires_in": max(0, int(row["refresh_expires_at"] - now)),
        "expire_time": int(row["access_expires_at"] * 1000),
        "refresh_token_valid_time": int(row["refresh_expires_at"] * 1000),
        "user_id": str(seller["seller_id"]),
        "seller_id": str(seller["seller_id"]),
        "user_nick": seller["user_nick"],
        "havana_id": seller["havana_id"],
        "account": seller["email"],
        "account_platform": "seller_center",
        "locale": "en_US",
        "sp": "ae",
    }


def _insert_token(sandbox: Sandbox, app: Any, seller_id: int, refresh_expires_at: float | None) -> Any:
    now = sandbox.clock.now()
    access_life, refresh_life = LIFETIMES.get(app["status"], LIFETIMES["online"])
    access_token = f"50000{secrets.token_hex(24)}"
    refresh_token = f"50001{secrets.token_hex(24)}"
    refresh_expires = refresh_expires_at if refresh_expires_at is not None else now + refresh_life
    # An access token never outlives the refresh token it came with.
    access_expires = min(now + access_life, refresh_expires)
    sandbox.store.run(
        "INSERT INTO tokens (access_token, refresh_token, app_key, seller_id, access_expires_at, refresh_expires_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (access_token, refresh_token, app["app_key"], seller_id, access_expires, refresh_expires, now),
    )
    sandbox.remember_grant(access_token, TokenGrant(seller_id, app["app_key"], access_expires))
    return sandbox.store.one("SELECT * FROM tokens WHERE access_token = ?", (access_token,))


def create_token(sandbox: Sandbox, app: Any, code: str) -> dict[str, Any]:
    store = sandbox.store
    with store.transaction():
        row = store.one("SELECT * FROM auth_codes WHERE code = ?", (code,))
        if (
            row is None
            or row["used"]
            or row["app_key"] != app["app_key"]
            or row["expires_at"] <= sandbox.clock.now()
        ):
            raise invalid_code()
        store.run("UPDATE auth_codes SET used = 1 WHERE code = ?", (code,))
        token = _insert_token(sandbox, app, row["seller_id"], None)
    return _token_json(sandbox, token)


def refresh_token(sandbox: Sandbox, app: Any, refresh: str) -> dict[str, Any]:
    """New access and refresh token; the refresh token's absolute expiry does not move; the old one is spent."""
    store = sandbox.store
    with store.transaction():
        row = store.one("SELECT * FROM tokens WHERE refresh_token = ?", (refresh,))
        if (
            row is None
            or row["refresh_used"]
            or row["app_key"] != app["app_key"]
            or row["refresh_expires_at"] <= sandbox.clock.now()
        ):
            raise illegal_refresh_token()
        store.run("UPDATE tokens SET refresh_used = 1 WHERE refresh_token = ?", (refresh,))
        token = _insert_token(sandbox, app, row["seller_id"], row["refresh_expires_at"])
    return _token_json(sandbox, token)
