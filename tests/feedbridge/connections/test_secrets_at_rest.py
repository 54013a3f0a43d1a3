from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.channels.aliexpress.client.account import merchant_profile
from feedbridge.config import Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.keys import check_secrets_open, reencrypt_secrets
from feedbridge.connections.models import Connection
from feedbridge.connections.tokens import access_token_for
from feedbridge.encryption import SecretKeyError, add_key, keep_newest_key, load_keyring, newest_only

from .conftest import Connect


def test_the_database_holds_no_token_or_secret_in_clear(
    connect: Connect,
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    app_credentials: tuple[str, str],
    db_url: str,
) -> None:
    connection = connect()
    clear = [ctx.access_token(connection), ctx.refresh_token(connection), app_credentials[1]]

    with sessions() as session:
        rows = session.execute(text("SELECT * FROM connections UNION ALL SELECT * FROM connections")).all()
        pending = session.execute(text("SELECT * FROM connection_authorizations")).all()
    stored = repr(rows) + repr(pending)
    assert not [value for value in clear if value in stored]
    if db_url.startswith("sqlite:///"):
        database = Path(db_url.removeprefix("sqlite:///"))
        raw = b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))
        assert not [value for value in clear if value.encode() in raw]
    assert app_credentials[1] not in repr(ctx) + repr(connection)


def test_rotating_the_key_keeps_connections_working(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext, settings: Settings
) -> None:
    connection = connect()
    old_only = load_keyring(settings)

    rotated = add_key(settings)
    with sessions.begin() as session:
        assert reencrypt_secrets(session, rotated) == 3 + 1  # three secrets, one pending app secret
    keep_newest_key(settings)

    new_ctx = replace(ctx, keyring=load_keyring(settings))
    assert new_ctx.keyring.key_count == 1
    token = access_token_for(sessions, new_ctx, connection.id)
    with sessions() as session:
        stored = session.get_one(Connection, connection.id)
    assert token == ctx.access_token(connection)
    with new_ctx.client_for(stored) as client:
        assert merchant_profile(client, token).country_code == "ES"
    with pytest.raises(SecretKeyError, match="cannot decrypt the access token of 'Main shop'"):
        old_only.decrypt(stored.access_token_encrypted, what="the access token of 'Main shop'")


def test_old_keys_are_needed_until_everything_is_re_encrypted(
    connect: Connect, sessions: sessionmaker[Session], settings: Settings
) -> None:
    connect()
    add_key(settings)

    with sessions() as session, pytest.raises(SecretKeyError, match="cannot decrypt a secret of 'Main shop'"):
        check_secrets_open(session, newest_only(settings))
