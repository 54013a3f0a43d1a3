"""A stored connection row for tests that only need one to exist (no tokens are ever used)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from feedbridge.connections.models import Connection

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def stored_connection(session: Session, company_id: int, label: str = "Main shop") -> Connection:
    connection = Connection(
        company_id=company_id,
        label=label,
        app_key="500001",
        app_secret_encrypted="not-a-secret",
        gateway_url="http://127.0.0.1:1/sync",
        seller_id=f"seller-{label}",
        access_token_encrypted="not-a-token",
        refresh_token_encrypted="not-a-token",
        access_expires_at=NOW + timedelta(days=30),
        refresh_expires_at=NOW + timedelta(days=60),
        last_refreshed_at=NOW,
    )
    session.add(connection)
    session.flush()
    return connection
