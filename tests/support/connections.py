"""A stored connection row for tests that only need one to exist (no tokens are ever used), and a
company with a project and such a connection to make APIs on."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.accounts.services import create_company
from feedbridge.apis.services import activate_api, create_api
from feedbridge.connections.models import Connection
from feedbridge.db.engine import create_session_factory
from feedbridge.projects.services import create_project

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


@dataclass
class OfflineApis:
    """A company with a project and a stored connection, for tests of APIs that never call AliExpress."""

    sessions: sessionmaker[Session]
    company_id: int
    project_id: int
    connection_id: int
    made: int = 0

    @classmethod
    def create(cls, engine: Engine) -> Self:
        sessions = create_session_factory(engine)
        with sessions.begin() as session:
            company_id = create_company(session, "Shop", "shop").id
            project_id = create_project(session, company_id, "Catalogue").id
            connection_id = stored_connection(session, company_id).id
        return cls(sessions, company_id, project_id, connection_id)

    def call(self, service: Any, *args: Any, **options: Any) -> Any:
        """`service(session, company_id, *args, **options)` in its own committed transaction."""
        with self.sessions.begin() as session:
            return service(session, self.company_id, *args, **options)

    def api(self, *, active: bool = False) -> int:
        """A new API of the project ("AE 1", "AE 2" …), activated if asked."""
        self.made += 1
        options = {"connection_id": self.connection_id, "language": "en", "unique_id_field": "sku"}
        api_id = int(self.call(create_api, self.project_id, f"AE {self.made}", **options).id)
        if active:
            self.call(activate_api, api_id)
        return api_id
