"""First-start seeding: one app, one seller with templates and groups; credentials written for scripts."""

from __future__ import annotations

import json
import secrets
from typing import Any

from .state import Sandbox
from .store import dumps

DEFAULT_REDIRECT_URIS = [
    "http://127.0.0.1:8000/connections/aliexpress/callback",
    "http://localhost:8000/connections/aliexpress/callback",
]

FREIGHT_TEMPLATES = [
    ("Free shipping (EU)", True),
    ("Standard shipping", False),
    ("Express (2-3 days)", False),
]
SERVICE_TEMPLATES = ["Service template: 15-day free returns", "Service template: overseas warehouse returns"]
PRODUCT_GROUPS: list[tuple[str, list[str]]] = [
    ("Women", ["Dresses", "Tops"]),
    ("Men", ["Shirts", "Trousers"]),
    ("Home & Garden", []),
    ("Sale", []),
]


def _numeric_id(digits: int) -> int:
    return int(str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(digits - 1)))


def create_app(
    sandbox: Sandbox,
    *,
    name: str = "feedbridge sandbox app",
    status: str = "online",
    redirect_uris: list[str] | None = None,
) -> dict[str, Any]:
    app = {
        "app_key": str(_numeric_id(6)),
        "app_secret": secrets.token_hex(16),
        "name": name,
        "redirect_uris": redirect_uris or list(DEFAULT_REDIRECT_URIS),
        "status": status,
    }
    sandbox.store.run(
        "INSERT INTO apps (app_key, app_secret, name, redirect_uris, status) VALUES (?, ?, ?, ?, ?)",
        (app["app_key"], app["app_secret"], name, dumps(app["redirect_uris"]), status),
    )
    return app


def create_seller(
    sandbox: Sandbox,
    *,
    email: str,
    password: str | None = None,
    country_code: str = "ES",
    currency: str = "EUR",
    shop_name: str = "Sandbox Store",
) -> dict[str, Any]:
    """A seller account with its own freight templates, service templates and product groups."""
    seller_id = _numeric_id(10)
    password = password or secrets.token_urlsafe(9)
    nick = f"{country_code.lower()}{seller_id}sbx"
    store = sandbox.store
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO sellers (seller_id, email, password, user_nick, havana_id, country_code, currency, shop_id,"
            " shop_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seller_id,
                email.lower(),
                password,
                nick,
                str(_numeric_id(13)),
                country_code.upper(),
                currency.upper(),
                _numeric_id(7),
                shop_name,
                sandbox.clock.now(),
            ),
        )
        for name, is_default in FREIGHT_TEMPLATES:
            conn.execute(
                "INSERT INTO freight_templates (template_id, seller_id, name, is_default) VALUES (?, ?, ?, ?)",
                (_numeric_id(9), seller_id, name, int(is_default)),
            )
        for name in SERVICE_TEMPLATES:
            conn.execute(
                "INSERT INTO service_templates (template_id, seller_id, name) VALUES (?, ?, ?)",
                (_numeric_id(6), seller_id, name),
            )
        for name, children in PRODUCT_GROUPS:
            group_id = _numeric_id(9)
            conn.execute(
                "INSERT INTO product_groups (group_id, seller_id, parent_id, name) VALUES (?, ?, NULL, ?)",
                (group_id, seller_id, name),
            )
            for child in children:
                conn.execute(
                    "INSERT INTO product_groups (group_id, seller_id, parent_id, name) VALUES (?, ?, ?, ?)",
                    (_numeric_id(9), seller_id, group_id, child),
                )
    return {
        "seller_id": seller_id,
        "email": email.lower(),
        "password": password,
        "country_code": country_code.upper(),
        "currency": currency.upper(),
    }


def seed_if_empty(sandbox: Sandbox) -> None:
    if sandbox.store.one("SELECT 1 FROM apps") is None:
        create_app(sandbox)
        create_seller(sandbox, email="seller@sandbox.test")
    write_credentials(sandbox)


def credentials(sandbox: Sandbox) -> dict[str, Any]:
    store, base = sandbox.store, sandbox.settings.base_url
    apps = [
        {
            "app_key": r["app_key"],
            "app_secret": r["app_secret"],
            "name": r["name"],
            "status": r["status"],
            "redirect_uris": json.loads(r["redirect_uris"]),
        }
        for r in store.all("SELECT * FROM apps ORDER BY rowid")
    ]
    sellers = [
        {
            "seller_id": r["seller_id"],
            "email": r["email"],
            "password": r["password"],
            "country_code": r["country_code"],
            "currency": r["currency"],
        }
        for r in store.all("SELECT * FROM sellers ORDER BY rowid")
    ]
    return {
        "gateway_url": base,
        "sync_url": f"{base}/sync",
        "rest_url": f"{base}/rest",
        "authorize_url": f"{base}/oauth/authorize",
        "products_page_url": f"{base}/",
        "admin_url": f"{base}/_admin" if sandbox.settings.admin else None,
        "app": apps[0],
        "apps": apps,
        "seller": sellers[0],
        "sellers": sellers,
    }


def write_credentials(sandbox: Sandbox) -> None:
    path = sandbox.settings.credentials_path
    path.write_text(json.dumps(credentials(sandbox), indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)
