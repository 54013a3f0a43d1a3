"""`feedbridge connections` over a real sandbox: the paste, listener and two-step flows, and every command."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from feedbridge.cli.main import app
from feedbridge.config import Settings
from feedbridge.connections.models import Connection
from feedbridge.db.engine import create_engine, create_session_factory
from feedbridge.encryption import load_keyring
from support.fixtures import Admin
from support.oauth import login
from support.server import RunningSandbox

DAY = 86400.0
runner = CliRunner()


@pytest.fixture
def settings(db_url: str, sandbox: RunningSandbox, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=db_url, aliexpress_gateway_url=sandbox.base_url)


@pytest.fixture
def secret_file(sandbox: RunningSandbox, tmp_path: Path) -> Path:
    path = tmp_path / "app-secret"
    path.write_text(sandbox.credentials["app"]["app_secret"] + "\n")
    return path


class Browser:
    """The seller's browser: signs in on the authorize page and remembers where it was sent back to."""

    def __init__(self, http: httpx.Client, credentials: dict[str, Any]) -> None:
        self.http, self.seller = http, credentials["seller"]
        self.location = ""

    def sign_in(self, url: str) -> str:
        answer = login(self.http, url, self.seller["email"], self.seller["password"])
        assert answer.status_code == 302, answer.text
        self.location = answer.headers["location"]
        return self.location


@pytest.fixture
def browser(http: httpx.Client, sandbox: RunningSandbox) -> Browser:
    return Browser(http, sandbox.credentials)


def invoke(settings: Settings, *args: str, **options: Any) -> Result:
    options.setdefault("env", {"COLUMNS": "200"})
    return runner.invoke(app, ["connections", *args], obj=settings, **options)


def connect(
    settings: Settings, browser: Browser, app_key: str, secret_file: Path, label: str = "Main shop"
) -> Result:
    """The two-step form: `authorize` prints the URL, the seller signs in, `complete` finishes."""
    authorized = invoke(
        settings, "authorize", label, "--app-key", app_key, "--app-secret-file", str(secret_file)
    )
    assert authorized.exit_code == 0, authorized.output
    url = authorized.stdout.strip().splitlines()[-1]
    assert url.startswith(f"{settings.aliexpress_gateway_url}/oauth/authorize?")
    return invoke(settings, "complete", browser.sign_in(url))


def stored_secrets(settings: Settings) -> list[str]:
    engine = create_engine(settings.database_url)
    keyring = load_keyring(settings)
    with create_session_factory(engine)() as session:
        rows = list(session.scalars(select(Connection)))
    engine.dispose()
    return [
        keyring.decrypt(getattr(row, column), what="x")
        for row in rows
        for column in ("access_token_encrypted", "refresh_token_encrypted", "app_secret_encrypted")
    ]


def assert_no_secrets(settings: Settings, *outputs: str) -> None:
    secrets = stored_secrets(settings)
    assert secrets
    assert not [secret for secret in secrets for output in outputs if secret in output]


def test_add_with_a_pasted_redirect_url(
    settings: Settings,
    browser: Browser,
    sandbox: RunningSandbox,
    secret_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    questions: list[str] = []

    def paste(question: str, **_: Any) -> str:  # the seller pastes what the browser's address bar shows
        questions.append(question)
        return browser.location

    monkeypatch.setattr("webbrowser.open", browser.sign_in)
    monkeypatch.setattr("typer.prompt", paste)
    app_key = sandbox.credentials["app"]["app_key"]

    result = invoke(
        settings,
        "add",
        "Main shop",
        "--app-key",
        app_key,
        "--app-secret-file",
        str(secret_file),
        "--paste",
        "--open",
    )

    assert questions == ["Paste the address the browser was sent to"]
    assert result.exit_code == 0, result.output
    assert "Open this address, sign in with the seller's AliExpress account" in result.output
    assert "Connected 'Main shop' to AliExpress seller seller@sandbox.test" in result.output
    assert "Status: active" in result.output
    assert_no_secrets(settings, result.output)


def test_add_receives_the_callback_on_a_local_listener(
    settings: Settings,
    browser: Browser,
    sandbox: RunningSandbox,
    admin: Admin,
    secret_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with __import__("socket").socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uri = f"http://127.0.0.1:{port}/connections/aliexpress/callback"
    app_key = sandbox.credentials["app"]["app_key"]
    admin.post(f"/apps/{app_key}", {"redirect_uris": [uri]})
    pages: list[httpx.Response] = []
    threads: list[threading.Thread] = []

    def open_browser(url: str) -> bool:
        location = browser.sign_in(url)
        # The browser follows the redirect to the listener, which answers once `add` waits for it.
        threads.append(threading.Thread(target=lambda: pages.append(httpx.get(location))))
        threads[0].start()
        return True

    monkeypatch.setattr("webbrowser.open", open_browser)
    settings = settings.model_copy(update={"aliexpress_redirect_uri": uri})

    result = invoke(
        settings, "add", "Main shop", "--app-key", app_key, "--app-secret-file", str(secret_file), "--open"
    )
    threads[0].join()

    assert result.exit_code == 0, result.output
    assert f"Waiting up to 300 s for the callback on {uri}" in result.output
    assert "Connected 'Main shop'" in result.output
    assert pages[0].status_code == 200


def test_the_two_step_flow_and_the_commands_around_it(
    settings: Settings, browser: Browser, sandbox: RunningSandbox, secret_file: Path
) -> None:
    app_key = sandbox.credentials["app"]["app_key"]
    completed = connect(settings, browser, app_key, secret_file)
    assert completed.exit_code == 0, completed.output

    listed = invoke(settings, "list")
    shown = invoke(settings, "show", "Main shop")
    refreshed = invoke(settings, "refresh", "Main shop", "--data")
    categories = invoke(settings, "data", "Main shop", "categories", "3", "--language", "fr")
    templates = invoke(settings, "data", "Main shop", "templates")
    schema = invoke(settings, "data", "Main shop", "schema", "200003482")
    attributes = invoke(settings, "data", "Main shop", "attributes", "200003482")
    summary = invoke(settings, "data", "Main shop")

    for result in (listed, shown, refreshed, categories, templates, schema, attributes, summary):
        assert result.exit_code == 0, result.output
    assert "Main shop" in listed.output and "seller@sandbox.test" in listed.output
    assert " ES " in listed.output and " active " in listed.output
    assert "status:                active" in shown.output
    assert "shop:                  Sandbox Store" in shown.output
    assert "(59 days left)" in shown.output
    assert "Refreshed 'Main shop'" in refreshed.output
    assert "Reloaded 4 account data answers." in refreshed.output
    assert "   100003109  Women" in categories.output.splitlines()  # no French name: English
    assert "Free shipping (EU)" in templates.output and "Dresses" in templates.output
    assert '"category_id"' in schema.output
    assert "Brand Name  (required)" in attributes.output
    assert "schema:200003482" in summary.output and "category_children:3" in summary.output
    assert_no_secrets(settings, *(r.output for r in (completed, listed, shown, refreshed, summary)))


def test_remove_asks_first(
    settings: Settings, browser: Browser, sandbox: RunningSandbox, secret_file: Path
) -> None:
    connect(settings, browser, sandbox.credentials["app"]["app_key"], secret_file)

    kept = invoke(settings, "remove", "Main shop", input="n\n")
    assert kept.exit_code == 1 and "Listings on AliExpress stay as they are" in kept.output
    assert "Main shop" in invoke(settings, "list").output

    removed = invoke(settings, "remove", "Main shop", "--yes")
    assert removed.exit_code == 0, removed.output
    assert "No connections yet" in invoke(settings, "list").output


def test_errors_are_one_clear_line(
    settings: Settings, browser: Browser, sandbox: RunningSandbox, secret_file: Path
) -> None:
    connect(settings, browser, sandbox.credentials["app"]["app_key"], secret_file)

    unknown = invoke(settings, "show", "Nope")
    bad_callback = invoke(
        settings, "complete", "http://127.0.0.1:8000/connections/aliexpress/callback?code=x&state=y"
    )

    assert unknown.exit_code == 1
    assert unknown.output.strip().splitlines()[-1] == (
        "Error: there is no connection labelled 'Nope' in this company; list them to see the labels."
    )
    assert bad_callback.exit_code == 1
    assert "unknown state" in bad_callback.output and "Traceback" not in bad_callback.output


def test_a_seller_who_may_not_post_is_told_so(
    settings: Settings, browser: Browser, sandbox: RunningSandbox, admin: Admin, secret_file: Path
) -> None:
    admin.post(f"/sellers/{sandbox.credentials['seller']['seller_id']}", {"product_posting_forbidden": True})

    result = connect(settings, browser, sandbox.credentials["app"]["app_key"], secret_file)

    assert result.exit_code == 1
    assert "Error: connection 'Main shop' cannot be used: AliExpress does not allow" in result.output
    assert " faulty " in invoke(settings, "list").output


def test_list_shows_how_many_days_the_refresh_token_has_left(
    settings: Settings, browser: Browser, sandbox: RunningSandbox, admin: Admin, secret_file: Path
) -> None:
    admin.post("/clock", {"advance_seconds": -54.5 * DAY})  # tokens issued 54.5 days ago
    connect(settings, browser, sandbox.credentials["app"]["app_key"], secret_file)

    listed = invoke(settings, "list")

    assert "expiring in 5 days" in listed.output


def test_rotating_the_key_from_the_cli(
    settings: Settings, browser: Browser, sandbox: RunningSandbox, secret_file: Path
) -> None:
    connect(settings, browser, sandbox.credentials["app"]["app_key"], secret_file)

    rotated = invoke(settings, "rotate-key")
    assert rotated.exit_code == 0, rotated.output
    assert "Re-encrypted 4 secrets with the newest of 2 keys." in rotated.output
    assert len(settings.secret_key_file.read_text().split()) == 2

    dropped = invoke(settings, "drop-old-keys")
    assert dropped.exit_code == 0, dropped.output
    assert len(settings.secret_key_file.read_text().split()) == 1
    assert invoke(settings, "refresh", "Main shop").exit_code == 0
