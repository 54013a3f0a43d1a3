"""Reading loosely typed JSON values (numbers may come as strings and the other way round) into exact types.

Every failure is the business error `field_invalid`, naming the field so the caller can find it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .codes import fail


def integer(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise fail("field_invalid", field=field, why=f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise fail("field_invalid", field=field, why=f"expected an integer, got {value!r}")


def decimal(value: Any, field: str, *, places: int) -> Decimal:
    """A decimal with at most `places` decimals, from a JSON number or a numeric string."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise fail("field_invalid", field=field, why=f"expected a number, got {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise fail("field_invalid", field=field, why=f"expected a number, got {value!r}") from None
    if not number.is_finite():
        raise fail("field_invalid", field=field, why=f"expected a number, got {value!r}")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise fail("field_invalid", field=field, why=f"at most {places} decimal places, got {value!r}")
    return number


def money(value: Any, field: str) -> str:
    """A price as the platform reports it: a decimal string with two places."""
    return f"{decimal(value, field, places=2):.2f}"


def text(value: Any, field: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise fail("field_invalid", field=field, why=f"expected a string, got {value!r}")


def array(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise fail("field_invalid", field=field, why="expected a JSON array")
    return value


def obj(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail("field_invalid", field=field, why="expected a JSON object")
    return value
