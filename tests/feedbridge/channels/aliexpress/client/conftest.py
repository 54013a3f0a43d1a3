"""Fixtures for the API wrapper tests (test_api_*.py): a client, a seller connected through the OAuth form,
a shop ready to post products, and clients reading each answer shape (wrapped, simplified, one-element
lists as objects).

Builds on ../conftest.py (sandbox, http, admin, config, make_client).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx
import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, ClientConfig
from feedbridge.channels.aliexpress.client.auth import TokenGrant, create_token
from feedbridge.channels.aliexpress.client.signing import sign
from feedbridge.channels.aliexpress.client.transport import HttpTransport, RawResponse
from support.fixtures import Admin
from support.oauth import authorization_code
from support.products import Shop
from support.server import RunningSandbox
from support.wire import Gateway

AUDIT_SECONDS = 6  # the sandbox keeps new products in review for 5 s of its own time


@pytest.fixture
def api_client(make_client: Callable[..., AliExpressClient]) -> AliExpressClient:
    return make_client()


@pytest.fixture
def grant(sandbox: RunningSandbox, http: httpx.Client, api_client: AliExpressClient) -> TokenGrant:
    """The seed seller's tokens, obtained through the authorize form and create_token."""
    return create_token(api_client, authorization_code(http, sandbox.base_url, sandbox.credentials))


@pytest.fixture
def seller_token(grant: TokenGrant) -> str:
    return grant.access_token.get_secret_value()


@pytest.fixture
def gateway(sandbox: RunningSandbox, http: httpx.Client) -> Gateway:
    """The tests' own wire client, for raw (e.g. simplified) answers and for setting up shops."""
    app = sandbox.credentials["app"]
    return Gateway(http, sandbox.base_url, app["app_key"], app["app_secret"])


@pytest.fixture
def shop(gateway: Gateway, seller_token: str) -> Shop:
    """Templates, groups, photobank images and valid requests for the seed seller."""
    return Shop.open(gateway, seller_token)


@pytest.fixture
def pass_audit(admin: Admin) -> Callable[[], None]:
    """End the review of every product posted so far by moving the sandbox clock."""
    return lambda: admin.post("/clock", {"advance_seconds": AUDIT_SECONDS})


class SimplifyingTransport(HttpTransport):
    """Asks for simplified answers (`simplify=true`: no `_response` wrapper, plain arrays), re-signing the call.

    The client always asks for the wrapped form; this lets the same wrappers be tested on the other one.
    """

    def __init__(self, app_secret: str) -> None:
        super().__init__()
        self._secret = app_secret

    def post(
        self, url: str, data: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]] | None = None
    ) -> RawResponse:
        if "simplify" in data:
            values = {key: value for key, value in data.items() if key != "sign"} | {"simplify": "true"}
            values["sign"] = sign(values, self._secret, values["method"], values["sign_method"])
            data = values
        return super().post(url, data, files)


@pytest.fixture(params=["wrapped", "simplified", "single_objects"])
def any_client(
    request: pytest.FixtureRequest,
    make_client: Callable[..., AliExpressClient],
    config: ClientConfig,
    admin: Admin,
) -> AliExpressClient:
    """A client reading each answer shape in turn: wrapped lists, simplified plain arrays, and wrapped
    lists whose one-element lists come as the element itself."""
    if request.param == "simplified":
        return make_client(transport=SimplifyingTransport(config.app_secret))
    if request.param == "single_objects":
        admin.post("/behaviour", {"quirks": {"single_element_lists_as_objects": True}})
    return make_client()
