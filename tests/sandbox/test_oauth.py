"""OAuth end to end through the HTML login form, token creation and refresh (REFERENCE §2)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from support.oauth import authorization_code, authorize_url, login
from support.server import RunningSandbox
from support.wire import Gateway

PROFILE = "aliexpress.solution.merchant.profile.get"
DAY = 86400


def _clock(http: httpx.Client, sandbox: RunningSandbox, **body: Any) -> dict[str, Any]:
    return http.post(sandbox.base_url + "/_admin/clock", json=body).json()


def test_token_json_of_an_online_app(token_json: dict[str, Any], sandbox: RunningSandbox) -> None:
    seller = sandbox.credentials["seller"]
    assert token_json["expires_in"] in (30 * DAY, 30 * DAY - 1)
    assert token_json["refresh_expires_in"] in (60 * DAY, 60 * DAY - 1)
    assert token_json["account"] == seller["email"]
    assert token_json["seller_id"] == token_json["user_id"] == str(seller["seller_id"])
    assert token_json["refresh_token_valid_time"] - token_json["expire_time"] == 30 * DAY * 1000
    assert token_json["code"] == "0" and token_json["request_id"]
    assert token_json["access_token"] != token_json["refresh_token"]


def test_test_app_tokens_last_one_and_two_days(
    sandbox: RunningSandbox, http: httpx.Client, gateway: Gateway
) -> None:
    app_key = sandbox.credentials["app"]["app_key"]
    http.post(f"{sandbox.base_url}/_admin/apps/{app_key}", json={"status": "test"})
    body = gateway.ok(
        "/auth/token/create", {"code": authorization_code(http, sandbox.base_url, sandbox.credentials)}
    )
    assert body["expires_in"] in (DAY, DAY - 1)
    assert body["refresh_expires_in"] in (2 * DAY, 2 * DAY - 1)


def test_code_is_single_use(sandbox: RunningSandbox, http: httpx.Client, gateway: Gateway) -> None:
    code = authorization_code(http, sandbox.base_url, sandbox.credentials)
    assert code.startswith(f"3_{gateway.app_key}_")
    gateway.ok("/auth/token/create", {"code": code})
    error = gateway.error("/auth/token/create", {"code": code})
    assert error["code"] == "InvalidCode" and "message" in error


def test_code_expires(sandbox: RunningSandbox, http: httpx.Client, gateway: Gateway) -> None:
    code = authorization_code(http, sandbox.base_url, sandbox.credentials)
    _clock(http, sandbox, advance_seconds=601)
    assert gateway.error("/auth/token/create", {"code": code})["code"] == "InvalidCode"


def test_wrong_password_shows_the_form_again(sandbox: RunningSandbox, http: httpx.Client) -> None:
    app, seller = sandbox.credentials["app"], sandbox.credentials["seller"]
    url = authorize_url(sandbox.base_url, app["app_key"], app["redirect_uris"][0])
    answer = login(http, url, seller["email"], "wrong password")
    assert answer.status_code == 401
    assert "password is wrong" in answer.text and 'name="password"' in answer.text
    assert "location" not in answer.headers


def test_deny_redirects_with_access_denied(sandbox: RunningSandbox, http: httpx.Client) -> None:
    app, seller = sandbox.credentials["app"], sandbox.credentials["seller"]
    url = authorize_url(sandbox.base_url, app["app_key"], app["redirect_uris"][0], state="s1")
    answer = login(http, url, seller["email"], "", action="deny")
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == app["redirect_uris"][0]
    assert parse_qs(location.query) == {"error": ["access_denied"], "state": ["s1"]}


def test_unregistered_redirect_uri_and_unknown_client_are_not_redirected(
    sandbox: RunningSandbox, http: httpx.Client
) -> None:
    app = sandbox.credentials["app"]
    page = http.get(authorize_url(sandbox.base_url, app["app_key"], "https://evil.example/cb"))
    assert page.status_code == 400 and "redirect_uri does not match" in page.text
    page = http.get(authorize_url(sandbox.base_url, "000000", app["redirect_uris"][0]))
    assert page.status_code == 400 and "Unknown client_id" in page.text


def test_refresh_rotates_tokens_and_keeps_the_refresh_expiry(
    sandbox: RunningSandbox, http: httpx.Client, gateway: Gateway, token_json: dict[str, Any]
) -> None:
    _clock(http, sandbox, advance_seconds=10 * DAY)
    fresh = gateway.ok("/auth/token/refresh", {"refresh_token": token_json["refresh_token"]})
    assert fresh["access_token"] != token_json["access_token"]
    assert fresh["refresh_token"] != token_json["refresh_token"]
    assert fresh["refresh_token_valid_time"] == token_json["refresh_token_valid_time"]
    assert fresh["expire_time"] - token_json["expire_time"] >= 10 * DAY * 1000 - 2000
    assert fresh["refresh_expires_in"] <= 50 * DAY
    assert gateway.ok(PROFILE, token=fresh["access_token"])["country_code"] == "ES"
    spent = gateway.error("/auth/token/refresh", {"refresh_token": token_json["refresh_token"]})
    assert spent["code"] == "IllegalRefreshToken"


def test_access_token_never_outlives_the_refresh_token(
    sandbox: RunningSandbox, http: httpx.Client, gateway: Gateway, token_json: dict[str, Any]
) -> None:
    _clock(http, sandbox, advance_seconds=50 * DAY)
    fresh = gateway.ok("/auth/token/refresh", {"refresh_token": token_json["refresh_token"]})
    assert fresh["expire_time"] == fresh["refresh_token_valid_time"]
    _clock(http, sandbox, advance_seconds=10 * DAY + 1)
    assert gateway.error(PROFILE, token=fresh["access_token"])["code"] == "IllegalAccessToken"
    error = gateway.error("/auth/token/refresh", {"refresh_token": fresh["refresh_token"]})
    assert error["code"] == "IllegalRefreshToken"


def test_second_seller_authorizes_separately(
    sandbox: RunningSandbox, http: httpx.Client, gateway: Gateway
) -> None:
    second = http.post(
        sandbox.base_url + "/_admin/sellers",
        json={"email": "shop2@sandbox.test", "password": "pw-2", "country_code": "FR"},
    ).json()
    creds = {**sandbox.credentials, "seller": second}
    body = gateway.ok("/auth/token/create", {"code": authorization_code(http, sandbox.base_url, creds)})
    assert body["seller_id"] == str(second["seller_id"])
    assert gateway.ok(PROFILE, token=body["access_token"])["country_code"] == "FR"
