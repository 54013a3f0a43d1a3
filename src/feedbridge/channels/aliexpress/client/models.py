"""Base classes and field types shared by the request and response models of every API family.

Responses ignore fields they do not know (the platform adds some without notice); requests serialise to the
platform's field names and leave out what is not set. Prices and weights travel as decimal strings
(REFERENCE §3), times as `yyyy-MM-dd HH:mm:ss` in GMT+8 (China Standard Time, REFERENCE §3.3-§3.4).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from .errors import InvalidRequest

GMT8 = timezone(timedelta(hours=8), "GMT+8")
GMT8_FORMAT = "%Y-%m-%d %H:%M:%S"


class AeResponse(BaseModel):
    """A part of an answer: unknown fields ignored, fields filled by alias or by name."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class AeRequest(BaseModel):
    """A request DTO; `wire()` is the JSON-ready dict the platform expects (None values left out)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def _plain_decimal(value: Decimal) -> str:
    # `format(.., "f")` never uses an exponent: Decimal("1E+1") goes out as "10", not "1E+1".
    return format(value, "f")


# A decimal amount (price, weight): accepts str, int or Decimal, goes out as a plain decimal string.
DecimalText = Annotated[
    Decimal, Field(allow_inf_nan=False), PlainSerializer(_plain_decimal, return_type=str, when_used="always")
]


def _gmt8_in(value: Any) -> Any:
    if isinstance(value, str) and value:
        return datetime.strptime(value, GMT8_FORMAT).replace(tzinfo=GMT8)
    return value


def _gmt8_out(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("platform times must be timezone-aware")
    return value.astimezone(GMT8).strftime(GMT8_FORMAT)


# A point in time the platform writes as `yyyy-MM-dd HH:mm:ss` in GMT+8; aware datetimes in Python.
Gmt8Time = Annotated[
    datetime, BeforeValidator(_gmt8_in), PlainSerializer(_gmt8_out, return_type=str, when_used="always")
]


def json_object(value: Any) -> Any:
    """Fields the platform sends as a JSON document inside a string (names maps, feed item results)."""
    if isinstance(value, str | bytes):
        return orjson.loads(value) if value.strip() else {}
    return value


def result_error(api: str, code: Any, message: Any, fallback: str) -> InvalidRequest:
    """A business failure reported inside an HTTP-200 result (REFERENCE §1.6(f)), as the error to raise."""
    return InvalidRequest(
        str(message or fallback), api=api, code=str(code) if code not in (None, "") else None
    )
