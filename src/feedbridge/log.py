"""Logging: readable console lines or JSON lines, and secrets masked before anything is written.

Redaction happens in a filter on feedbridge's handlers, so it covers every logger that propagates to
the root logger, including third-party ones.
"""

import logging
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson
from rich.console import Console
from rich.logging import RichHandler

from feedbridge.config import Settings

MASK = "***"
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "app_secret",
        "secret",
        "password",
        "sign",
        "session",
        "client_secret",
        "authorization",
        "code",  # an OAuth authorization code
    }
)

_KEY = "|".join(sorted(SECRET_KEYS, key=len, reverse=True))
# key=value, key: value, "key": "value", 'key': 'value'; an Authorization value keeps its scheme word.
_SECRET_IN_TEXT = re.compile(
    rf"""(?P<key>["']?\b(?:{_KEY})\b["']?\s*[=:]\s*)"""
    rf"""(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?:(?:bearer|basic|token)\s+)?[^\s,;&'"}}\])]+)""",
    re.IGNORECASE,
)
# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def _mask_value(match: re.Match[str]) -> str:
    value = match["value"]
    quote = value[0] if value[0] in "\"'" else ""
    return f"{match['key']}{quote}{MASK}{quote}"


def redact_text(text: str) -> str:
    return _SECRET_IN_TEXT.sub(_mask_value, text)


def _is_secret_key(key: object) -> bool:
    return isinstance(key, str) and key.lower() in SECRET_KEYS


def redact(value: Any) -> Any:
    """Mask secrets in a string, or in the values under secret keys of (nested) mappings and lists."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {key: MASK if _is_secret_key(key) else redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {key: value for key, value in record.__dict__.items() if key not in _STANDARD_ATTRIBUTES}


class RedactingFilter(logging.Filter):
    """Masks secrets in the message, the `extra=` fields, the traceback and the stack of a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage())
        record.args = None
        for key, value in extra_fields(record).items():
            setattr(record, key, MASK if _is_secret_key(key) else redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


class ConsoleFormatter(logging.Formatter):
    """The message followed by its `extra=` fields as key=value pairs."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        pairs = "".join(f" {key}={value!r}" for key, value in extra_fields(record).items())
        return super().formatMessage(record) + pairs


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, extra fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            **extra_fields(record),
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return orjson.dumps(entry, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def _is_ours(handler: logging.Handler) -> bool:
    return any(isinstance(f, RedactingFilter) for f in handler.filters)


CHATTY_LIBRARIES = ("httpx", "httpcore", "alembic")


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Send all logging to `stream` (standard error by default) in the configured format and level.

    Calling it again replaces the handler it installed before; other handlers are left alone.
    """
    handler: logging.Handler
    if settings.log_format == "json":
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(JsonFormatter())
    else:
        # stderr=True makes Rich look up sys.stderr at write time rather than now.
        console = Console(file=stream, stderr=stream is None)
        if console.is_terminal:
            handler = RichHandler(console=console, show_path=False)
            handler.setFormatter(ConsoleFormatter("%(message)s"))
        else:  # Rich would wrap lines at 80 columns in files and pipes
            handler = logging.StreamHandler(stream or sys.stderr)
            handler.setFormatter(ConsoleFormatter("%(asctime)s %(levelname)-8s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if _is_ours(h)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    # Libraries that say something at INFO on every request or start (httpx's each request, Alembic's
    # migration context) speak only at DEBUG, where their detail is what one is looking for.
    chatty = logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(chatty)
