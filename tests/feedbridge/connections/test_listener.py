from __future__ import annotations

import socket
import threading

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.listener import CallbackListener, ListenerError
from feedbridge.connections.oauth import begin_connection, complete_connection
from support.fixtures import Admin

from .conftest import Seller, sign_in


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def local_redirect_uri(admin: Admin, app_key: str) -> str:
    """A callback on a free local port, registered for the sandbox app."""
    uri = f"http://127.0.0.1:{free_port()}/connections/aliexpress/callback"
    admin.post(f"/apps/{app_key}", {"redirect_uris": [uri]})
    return uri


def test_the_listener_catches_the_redirect_of_the_sellers_browser(
    admin: Admin,
    app_credentials: tuple[str, str],
    http: httpx.Client,
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    company_id: int,
    seller: Seller,
) -> None:
    uri = local_redirect_uri(admin, app_credentials[0])
    pages: list[httpx.Response] = []
    with CallbackListener(uri) as listener:
        with sessions.begin() as session:
            url, _ = begin_connection(
                session, ctx, company_id, "Main shop", *app_credentials, redirect_uri=uri
            )
        redirect = sign_in(http, url, seller)
        origin = uri.rsplit("/connections", 1)[0]
        browser = threading.Thread(
            target=lambda: pages.extend([httpx.get(f"{origin}/favicon.ico"), httpx.get(redirect)])
        )
        browser.start()
        received = listener.wait(timeout=30)
        browser.join()

    assert received == redirect
    assert [page.status_code for page in pages] == [404, 200]
    assert "go back to the terminal" in pages[1].text
    with sessions.begin() as session:
        connection = complete_connection(session, ctx, company_id, redirect_url=received)
    assert connection.seller_id == str(seller.seller_id)


def test_a_redirect_uri_elsewhere_cannot_be_listened_on() -> None:
    with pytest.raises(ListenerError, match=r"not a plain http:// address on this machine.*use --paste"):
        CallbackListener("https://feedbridge.example.com/connections/aliexpress/callback")


def test_a_busy_port_is_reported() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ListenerError, match=f"cannot listen on 127.0.0.1:{port}"):
            CallbackListener(f"http://127.0.0.1:{port}/callback")
