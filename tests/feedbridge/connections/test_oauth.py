from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.accounts.services import create_company
from feedbridge.channels.aliexpress.client.account import merchant_profile
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.errors import AuthorizationCodeRejected, AuthorizationFailed, SellerMismatch
from feedbridge.connections.oauth import STATE_LIFETIME, begin_connection, complete_connection
from feedbridge.connections.services import get_connection
from feedbridge.connections.status import ConnectionStatus, connection_status
from feedbridge.connections.tokens import access_token_for
from support.clock import SteppingClock
from support.fixtures import Admin
from support.oauth import login

from .conftest import Connect, Seller, code_of, sign_in


def _begin(
    sessions: sessionmaker[Session], ctx: ConnectionContext, company_id: int, app: tuple[str, str]
) -> str:
    with sessions.begin() as session:
        url, _ = begin_connection(session, ctx, company_id, "Main shop", *app)
    return url


def _complete(
    sessions: sessionmaker[Session], ctx: ConnectionContext, company_id: int, redirect: str
) -> None:
    with sessions.begin() as session:
        complete_connection(session, ctx, company_id, redirect_url=redirect)


def test_connecting_stores_the_seller_and_working_tokens(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
) -> None:
    url = _begin(sessions, ctx, company_id, app_credentials)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == f"{ctx.settings.aliexpress_gateway_url}/oauth/authorize"
    )
    assert query["response_type"] == ["code"] and query["force_auth"] == ["true"]
    assert query["client_id"] == [app_credentials[0]]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/connections/aliexpress/callback"]
    assert len(query["state"][0]) >= 40

    _complete(sessions, ctx, company_id, sign_in(http, url, seller))

    with sessions() as session:
        connection = get_connection(session, company_id, "Main shop")
    assert connection.seller_id == str(seller.seller_id)
    assert connection.seller_account == seller.email
    assert (connection.country, connection.shop_name) == ("ES", "Sandbox Store")
    assert connection.fault is None and connection.last_error is None
    assert connection_status(connection, ctx.now(), ctx.warning_period).status is ConnectionStatus.ACTIVE
    # An online app's tokens: 30 days (access) and 60 days (refresh), REFERENCE §2.5.
    assert abs((connection.access_expires_at - ctx.now()).total_seconds() - 30 * 86400) < 60
    assert abs((connection.refresh_expires_at - ctx.now()).total_seconds() - 60 * 86400) < 60
    token = access_token_for(sessions, ctx, connection.id)
    with ctx.client_for(connection) as client:
        assert merchant_profile(client, token).country_code == "ES"


def test_reconnecting_a_label_replaces_its_tokens(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext
) -> None:
    first = connect()
    second = connect()

    assert second.id == first.id
    assert ctx.access_token(second) != ctx.access_token(first)
    assert ctx.refresh_token(second) != ctx.refresh_token(first)
    with sessions() as session:
        stored = get_connection(session, first.company_id, "Main shop")
    assert ctx.access_token(stored) == ctx.access_token(second)


def test_reconnecting_needs_the_same_seller(
    connect: Connect, admin: Admin, sessions: sessionmaker[Session], company_id: int, ctx: ConnectionContext
) -> None:
    first = connect()
    other = admin.post("/sellers", {"email": "other@sandbox.test", "password": "secret-pass"}, expect=201)

    with pytest.raises(SellerMismatch, match=f"belongs to AliExpress seller {first.seller_id}"):
        connect(who=Seller("other@sandbox.test", "secret-pass", other["seller_id"]))

    with sessions() as session:
        assert ctx.access_token(get_connection(session, company_id, "Main shop")) == ctx.access_token(first)


def test_an_unknown_state_is_refused(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
) -> None:
    redirect = sign_in(http, _begin(sessions, ctx, company_id, app_credentials), seller)
    forged = redirect.replace("state=", "state=forged")

    with pytest.raises(AuthorizationFailed, match=r"unknown state.*click Connect with AliExpress again"):
        _complete(sessions, ctx, company_id, forged)


def test_a_state_of_another_company_is_refused(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
) -> None:
    with sessions.begin() as session:
        other_company = create_company(session, "Other Shop").id
    redirect = sign_in(http, _begin(sessions, ctx, company_id, app_credentials), seller)

    with pytest.raises(AuthorizationFailed, match="another company"):
        _complete(sessions, ctx, other_company, redirect)
    _complete(sessions, ctx, company_id, redirect)  # the rightful company still can


def test_an_expired_state_is_refused(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
    clock: SteppingClock,
) -> None:
    redirect = sign_in(http, _begin(sessions, ctx, company_id, app_credentials), seller)
    clock.sleep(STATE_LIFETIME.total_seconds() + 1)

    with pytest.raises(AuthorizationFailed, match=r"expired .*within 10 minutes"):
        _complete(sessions, ctx, company_id, redirect)


def test_a_callback_is_used_once(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
) -> None:
    redirect = sign_in(http, _begin(sessions, ctx, company_id, app_credentials), seller)
    _complete(sessions, ctx, company_id, redirect)

    with pytest.raises(AuthorizationFailed, match="already used"):
        _complete(sessions, ctx, company_id, redirect)


def test_a_reused_code_gets_a_clear_message(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
) -> None:
    used = sign_in(http, _begin(sessions, ctx, company_id, app_credentials), seller)
    _complete(sessions, ctx, company_id, used)
    fresh = sign_in(http, _begin(sessions, ctx, company_id, app_credentials), seller)
    reused = fresh.replace(code_of(fresh), code_of(used))

    with pytest.raises(AuthorizationCodeRejected) as error:
        _complete(sessions, ctx, company_id, reused)
    assert str(error.value) == (
        "this authorization code was already used or has expired; click Connect with AliExpress again "
        "and sign in once more."
    )


def test_an_expired_code_gets_a_clear_message(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
    admin: Admin,
) -> None:
    redirect = sign_in(http, _begin(sessions, ctx, company_id, app_credentials), seller)
    admin.post("/clock", {"advance_seconds": 601})  # codes live 10 minutes on AliExpress's side

    with pytest.raises(AuthorizationCodeRejected, match="already used or has expired"):
        _complete(sessions, ctx, company_id, redirect)


def test_a_denied_authorization_says_so(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
) -> None:
    url = _begin(sessions, ctx, company_id, app_credentials)
    denied = login(http, url, seller.email, seller.password, action="deny").headers["location"]

    with pytest.raises(AuthorizationFailed, match="did not authorize the app: access_denied"):
        _complete(sessions, ctx, company_id, denied)


def test_a_redirect_url_without_code_says_what_to_paste(
    sessions: sessionmaker[Session], ctx: ConnectionContext, company_id: int
) -> None:
    with pytest.raises(AuthorizationFailed, match=r"paste the whole address .*\?code=\.\.\.&state="):
        _complete(sessions, ctx, company_id, "http://127.0.0.1:8000/connections/aliexpress/callback")


def test_a_wrong_app_secret_is_named(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    http: httpx.Client,
    company_id: int,
    seller: Seller,
    app_credentials: tuple[str, str],
) -> None:
    app_key, _ = app_credentials
    with sessions.begin() as session:
        url, _ = begin_connection(session, ctx, company_id, "Main shop", app_key, "not-the-secret")
    with pytest.raises(AuthorizationFailed, match=f"did not accept app key {app_key} with this app secret"):
        _complete(sessions, ctx, company_id, sign_in(http, url, seller))
