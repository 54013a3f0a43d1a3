"""Key rotation: re-encrypt every stored secret with the newest key, so that older keys can be dropped.

The steps keep connections working throughout: (1) a new key goes in front of the old ones (both decrypt),
(2) every secret is re-encrypted with it in one transaction, (3) only then are the old keys dropped, after
checking that the newest key alone opens every secret. A crash between steps leaves a working keyring.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedbridge.connections.models import Connection, PendingAuthorization
from feedbridge.connections.services import lock_connections
from feedbridge.encryption import Keyring

CONNECTION_SECRETS = ("app_secret_encrypted", "access_token_encrypted", "refresh_token_encrypted")


def reencrypt_secrets(session: Session, keyring: Keyring) -> int:
    """Re-encrypt every secret with the keyring's newest key (rows locked meanwhile); returns how many.

    Flushes only: the caller commits, so either every secret moves to the new key or none does.
    """
    count = 0
    for connection in lock_connections(session):
        for column in CONNECTION_SECRETS:
            what = f"the {column.removesuffix('_encrypted').replace('_', ' ')} of '{connection.label}'"
            setattr(connection, column, keyring.rotate(getattr(connection, column), what=what))
            count += 1
    for pending in session.scalars(select(PendingAuthorization).with_for_update()):
        what = f"the app secret of a pending connection of '{pending.label}'"
        pending.app_secret_encrypted = keyring.rotate(pending.app_secret_encrypted, what=what)
        count += 1
    session.flush()
    return count


def check_secrets_open(session: Session, keyring: Keyring) -> None:
    """Raise SecretKeyError unless `keyring` decrypts every stored secret (used before dropping keys)."""
    for connection in session.scalars(select(Connection)):
        for column in CONNECTION_SECRETS:
            keyring.decrypt(getattr(connection, column), what=f"a secret of '{connection.label}'")
    for pending in session.scalars(select(PendingAuthorization)):
        keyring.decrypt(pending.app_secret_encrypted, what=f"a pending secret of '{pending.label}'")
