"""Connecting a seller account: "Connect with AliExpress" → the seller signs in → the callback → tokens.

`begin_connection` remembers the attempt under a random `state` (stored hashed, single use, valid
`STATE_LIFETIME`) and returns the authorize URL. `complete_connection` checks the callback's `state`
(CSRF), exchanges the `code` for tokens, stores them encrypted and reads the merchant profile to check
eligibility. Both add and flush; the caller commits (REFERENCE §2.1-§2.4).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from feedbridge.accounts.errors import CompanyNotFound
from feedbridge.accounts.models import Company
from feedbridge.channels.aliexpress.client import AliExpressClient, AliExpressError, AuthError
from feedbridge.channels.aliexpress.client.auth import TokenGrant, create_token
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.eligibility import check_seller
from feedbridge.connections.errors import (
    AuthorizationCodeRejected,
    AuthorizationFailed,
    PlatformCallFailed,
    SellerMismatch,
)
from feedbridge.connections.models import Connection, PendingAuthorization
from feedbridge.connections.services import find_connection
from feedbridge.errors import InvalidInput
from feedbridge.validation import clean_name

STATE_LIFETIME = timedelta(minutes=10)
# Finished or expired attempts are kept a day, so a late callback still gets "expired", not "unknown".
PENDING_RETENTION = timedelta(days=1)
START_AGAIN = "click Connect with AliExpress again (CLI: feedbridge connections add LABEL)"
# The platform's answers to an unknown, used or expired code (the sandbox's name; REFERENCE §2.1 gives none).
REJECTED_CODE = "InvalidCode"
BAD_APP_CREDENTIALS = {"IncompleteSignature", "InvalidAppKey"}


class AuthorizationRequest(NamedTuple):
    authorize_url: str
    state: str


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _required(value: str | None, field: str, hint: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidInput(field, f"must not be empty; {hint}")
    return cleaned


def begin_connection(
    session: Session,
    ctx: ConnectionContext,
    company_id: int,
    label: str,
    app_key: str | None = None,
    app_secret: str | None = None,
    *,
    gateway_url: str | None = None,
    redirect_uri: str | None = None,
) -> AuthorizationRequest:
    """Start connecting (or reconnecting) the connection `label`; returns where to send the seller.

    Reconnecting an existing label may leave out the app key and secret: the stored ones are used.
    """
    label = clean_name(label, field="label")
    if session.get(Company, company_id) is None:
        raise CompanyNotFound(company_id)
    existing = find_connection(session, company_id, label)
    same_app = existing is not None and app_key in (None, existing.app_key)
    if existing is not None and same_app and not app_secret:
        app_key, secret_encrypted = existing.app_key, existing.app_secret_encrypted
        gateway_url = gateway_url or existing.gateway_url
    else:
        app_key = _required(app_key, "app_key", "enter the app key of your AliExpress Open Platform app.")
        secret = _required(app_secret, "app_secret", "enter the app secret that belongs to the app key.")
        secret_encrypted = ctx.keyring.encrypt(secret)
    gateway_url = (gateway_url or ctx.settings.aliexpress_gateway_url).rstrip("/")
    redirect_uri = redirect_uri or ctx.settings.aliexpress_redirect_uri
    now = ctx.now()
    session.execute(
        delete(PendingAuthorization).where(PendingAuthorization.expires_at < now - PENDING_RETENTION)
    )
    state = secrets.token_urlsafe(32)
    session.add(
        PendingAuthorization(
            company_id=company_id,
            state_hash=_hash(state),
            label=label,
            app_key=app_key,
            app_secret_encrypted=secret_encrypted,
            gateway_url=gateway_url,
            redirect_uri=redirect_uri,
            expires_at=now + STATE_LIFETIME,
        )
    )
    session.flush()
    query = urlencode(
        {
            "response_type": "code",
            "force_auth": "true",
            "redirect_uri": redirect_uri,
            "client_id": app_key,
            "state": state,
        }
    )
    return AuthorizationRequest(f"{gateway_url}/oauth/authorize?{query}", state)


def read_redirect_url(redirect_url: str) -> tuple[str, str]:
    """The `state` and `code` of the address AliExpress sent the browser back to."""
    query = {key: values[0] for key, values in parse_qs(urlsplit(redirect_url.strip()).query).items()}
    if "error" in query:
        detail = f" ({query['error_description']})" if query.get("error_description") else ""
        raise AuthorizationFailed(
            f"AliExpress did not authorize the app: {query['error']}{detail}; {START_AGAIN} and allow access."
        )
    if not query.get("state") or not query.get("code"):
        raise AuthorizationFailed(
            "the redirect URL has no code and state; paste the whole address the browser was sent to after "
            "signing in on AliExpress (it contains ?code=...&state=...)."
        )
    return query["state"], query["code"]


def _claim(session: Session, ctx: ConnectionContext, company_id: int, state: str) -> PendingAuthorization:
    pending = session.scalar(
        select(PendingAuthorization).where(PendingAuthorization.state_hash == _hash(state)).with_for_update()
    )
    if pending is None:
        raise AuthorizationFailed(
            f"this callback does not belong to any connection attempt of this feedbridge (unknown state); {START_AGAIN}."
        )
    if pending.company_id != company_id:
        raise AuthorizationFailed(
            f"this callback belongs to a connection attempt of another company; {START_AGAIN} in your own company."
        )
    if pending.used_at is not None:
        raise AuthorizationFailed(
            f"this callback was already used to connect '{pending.label}'; {START_AGAIN}."
        )
    now = ctx.now()
    if pending.expires_at <= now:
        minutes = int(STATE_LIFETIME.total_seconds() // 60)
        raise AuthorizationFailed(
            f"this connection attempt for '{pending.label}' expired (sign in within {minutes} minutes); {START_AGAIN}."
        )
    pending.used_at = now
    return pending


def _exchange(client: AliExpressClient, pending: PendingAuthorization, code: str) -> TokenGrant:
    try:
        return create_token(client, code)
    except AuthError as error:
        if error.code == REJECTED_CODE:
            raise AuthorizationCodeRejected() from None
        if error.code in BAD_APP_CREDENTIALS:
            raise AuthorizationFailed(
                f"AliExpress did not accept app key {pending.app_key} with this app secret ({error.code}); "
                f"check both on the AliExpress Open Platform console, then {START_AGAIN}."
            ) from None
        raise PlatformCallFailed(pending.label, "exchanging the authorization code", error) from None
    except AliExpressError as error:
        raise PlatformCallFailed(pending.label, "exchanging the authorization code", error) from None


def complete_connection(
    session: Session,
    ctx: ConnectionContext,
    company_id: int,
    *,
    redirect_url: str | None = None,
    state: str | None = None,
    code: str | None = None,
) -> Connection:
    """Finish a connection from the callback (its URL, or its `state` and `code`).

    Reconnecting an existing label replaces its app credentials and tokens. A seller who may not list
    (posting forbidden, country not accepted) is still stored, as faulty with the reason in `last_error`,
    so the list shows why and a later refresh can clear it without signing in again.
    """
    if redirect_url is not None:
        state, code = read_redirect_url(redirect_url)
    if not state or not code:
        raise AuthorizationFailed(f"the callback needs both a state and a code; {START_AGAIN}.")
    pending = _claim(session, ctx, company_id, state)
    secret = ctx.keyring.decrypt(pending.app_secret_encrypted, what=f"the app secret for '{pending.label}'")
    with ctx.client(pending.app_key, secret, pending.gateway_url) as client:
        grant = _exchange(client, pending, code)
        connection = find_connection(session, company_id, pending.label)
        if connection is None:
            connection = Connection(company_id=company_id, label=pending.label)
            session.add(connection)
        elif connection.seller_id != grant.seller_id:
            raise SellerMismatch(connection.label, connection.seller_id, grant.seller_id)
        connection.app_key = pending.app_key
        connection.app_secret_encrypted = pending.app_secret_encrypted
        connection.gateway_url = pending.gateway_url
        connection.seller_id = grant.seller_id
        connection.seller_account = grant.account
        connection.fault = None
        store_grant(ctx, connection, grant)
        accepted = ctx.settings.aliexpress_seller_countries
        check_seller(connection, client, grant.access_token.get_secret_value(), accepted)
    session.flush()
    return connection


def store_grant(ctx: ConnectionContext, connection: Connection, grant: TokenGrant) -> None:
    """Put a new token pair on the connection, both tokens at once (the caller commits them together)."""
    connection.access_token_encrypted = ctx.keyring.encrypt(grant.access_token.get_secret_value())
    connection.refresh_token_encrypted = ctx.keyring.encrypt(grant.refresh_token.get_secret_value())
    connection.access_expires_at = grant.access_expires_at
    connection.refresh_expires_at = grant.refresh_expires_at
    connection.last_refreshed_at = ctx.now()
