import io
import logging
from collections.abc import Callable

import orjson
import pytest

from feedbridge.config import LogFormat, Settings
from feedbridge.log import configure_logging, redact_text

SECRET = "s3cr3t-VALUE"


def _capture(log_format: LogFormat, emit: Callable[[logging.Logger], None]) -> str:
    stream = io.StringIO()
    configure_logging(Settings(log_format=log_format, log_level="DEBUG"), stream=stream)
    emit(logging.getLogger("feedbridge.test"))
    return stream.getvalue()


def _log_everything(logger: logging.Logger) -> None:
    logger.info("token refreshed access_token=%s for seller 42", SECRET)
    logger.warning(
        "callback received",
        extra={"code": SECRET, "seller_id": 42, "response": {"refresh_token": SECRET, "expires_in": 3600}},
    )
    try:
        raise RuntimeError(f'gateway said {{"app_secret": "{SECRET}"}}')
    except RuntimeError:
        logger.exception("request failed")


def test_json_format_writes_one_valid_object_per_line() -> None:
    output = _capture("json", _log_everything)

    entries = [orjson.loads(line) for line in output.splitlines()]
    assert [entry["level"] for entry in entries] == ["INFO", "WARNING", "ERROR"]
    assert {entry["logger"] for entry in entries} == {"feedbridge.test"}
    assert entries[0]["message"] == "token refreshed access_token=*** for seller 42"
    assert entries[1]["seller_id"] == 42
    assert entries[1]["code"] == "***"
    assert entries[1]["response"] == {"refresh_token": "***", "expires_in": 3600}
    assert "RuntimeError" in entries[2]["exception"]
    assert entries[0]["time"].endswith("+00:00")


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_secrets_never_reach_the_output(log_format: LogFormat) -> None:
    output = _capture(log_format, _log_everything)

    assert SECRET not in output
    assert output.count("***") >= 4


def test_console_format_is_readable_and_shows_extra_fields() -> None:
    output = _capture("console", lambda log: log.info("imported %d items", 3, extra={"project_id": 7}))

    assert "INFO" in output
    assert "feedbridge.test: imported 3 items project_id=7" in output


def test_records_from_other_libraries_are_redacted_too() -> None:
    output = _capture("json", lambda _: logging.getLogger("httpx").info("POST /token?password=%s", SECRET))
    assert orjson.loads(output)["message"] == "POST /token?password=***"


def test_configuring_twice_replaces_the_handler_instead_of_duplicating_output() -> None:
    stream = io.StringIO()
    configure_logging(Settings(log_format="json"), stream=stream)
    configure_logging(Settings(log_format="json"), stream=stream)
    logging.getLogger("feedbridge.test").warning("once")
    assert len(stream.getvalue().splitlines()) == 1


def test_level_filters_records() -> None:
    stream = io.StringIO()
    configure_logging(Settings(log_format="json", log_level="WARNING"), stream=stream)
    logging.getLogger("feedbridge.test").info("hidden")
    assert stream.getvalue() == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /oauth/callback?code=abc123&state=xyz", "GET /oauth/callback?code=***&state=xyz"),
        ("Authorization: Bearer eyJhbGciOi.payload", "Authorization: ***"),
        ('{"access_token": "a\\"b", "expires_in": 5}', '{"access_token": "***", "expires_in": 5}'),
        ("{'password': 'hunter2', 'user': 'ann'}", "{'password': '***', 'user': 'ann'}"),
        ("sign_method=sha256&sign=ABCDEF&app_key=123", "sign_method=sha256&sign=***&app_key=123"),
        ("CLIENT_SECRET=x1, session=y2; secret=z3", "CLIENT_SECRET=***, session=***; secret=***"),
        ("refresh_token = r1", "refresh_token = ***"),
        ("sub_code=isv.invalid app_key=1", "sub_code=isv.invalid app_key=1"),
    ],
)
def test_redact_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_chatty_libraries_speak_only_at_debug() -> None:
    stream = io.StringIO()
    configure_logging(Settings(log_level="INFO"), stream=stream)
    logging.getLogger("httpx").info("HTTP Request: POST http://gateway/sync")
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
    logging.getLogger("feedbridge.sync").info("run 1 ended")
    assert stream.getvalue().count("\n") == 1 and "run 1 ended" in stream.getvalue()

    configure_logging(Settings(log_level="DEBUG"), stream=stream)
    logging.getLogger("httpx").info("HTTP Request: POST http://gateway/sync")
    assert "HTTP Request" in stream.getvalue()
