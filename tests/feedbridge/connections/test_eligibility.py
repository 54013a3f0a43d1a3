from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.errors import ConnectionFaulty
from feedbridge.connections.models import Connection, Fault
from feedbridge.connections.status import ConnectionStatus, connection_status
from feedbridge.connections.tokens import access_token_for, refresh_connection
from support.fixtures import Admin

from .conftest import Connect, Seller


def _status(ctx: ConnectionContext, connection: Connection) -> ConnectionStatus:
    return connection_status(connection, ctx.now(), ctx.warning_period).status


def test_a_seller_who_may_not_post_is_stored_as_faulty_until_a_refresh_clears_it(
    connect: Connect, admin: Admin, seller: Seller, sessions: sessionmaker[Session], ctx: ConnectionContext
) -> None:
    admin.post(f"/sellers/{seller.seller_id}", {"product_posting_forbidden": True})

    connection = connect()

    assert connection.fault == Fault.INELIGIBLE
    assert _status(ctx, connection) is ConnectionStatus.FAULTY
    assert connection.last_error is not None
    assert "does not allow this seller account to post products" in connection.last_error
    with pytest.raises(ConnectionFaulty, match="cannot be used: AliExpress does not allow"):
        access_token_for(sessions, ctx, connection.id)

    admin.post(f"/sellers/{seller.seller_id}", {"product_posting_forbidden": False})
    refresh_connection(sessions, ctx, connection.id)

    with sessions() as session:
        cleared = session.get_one(Connection, connection.id)
    assert (cleared.fault, cleared.last_error) == (None, None)
    assert _status(ctx, cleared) is ConnectionStatus.ACTIVE
    assert access_token_for(sessions, ctx, connection.id)


def test_a_seller_from_a_country_that_is_not_accepted_gets_a_clear_message(
    connect: Connect, admin: Admin, ctx: ConnectionContext
) -> None:
    created = admin.post(
        "/sellers",
        {"email": "us-seller@sandbox.test", "password": "secret-pass", "country_code": "US"},
        expect=201,
    )

    connection = connect("US shop", Seller("us-seller@sandbox.test", "secret-pass", created["seller_id"]))

    assert (connection.country, connection.fault) == ("US", Fault.INELIGIBLE)
    assert connection.last_error == (
        "the seller is registered in US, and only sellers registered in ES, FR, IT, CN, TR, RU can list "
        "through the AliExpress API. If AliExpress accepts sellers from this country now, add it to "
        "FEEDBRIDGE_ALIEXPRESS_SELLER_COUNTRIES and refresh the connection."
    )
    assert _status(ctx, connection) is ConnectionStatus.FAULTY
