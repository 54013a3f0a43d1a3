"""Typed access to a request's merged parameters, with the gateway's errors for missing or bad values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from .errors import invalid_parameter, missing_parameter


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Params:
    values: dict[str, str]
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value not in (None, "") else None

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise missing_parameter(name)
        return value

    def integer(self, name: str, *, required: bool = True, minimum: int | None = None) -> int | None:
        text = self.require(name) if required else self.get(name)
        if text is None:
            return None
        try:
            number = int(text)
        except ValueError:
            raise invalid_parameter(name, f"expected an integer, got {text!r}") from None
        if minimum is not None and number < minimum:
            raise invalid_parameter(name, f"must be at least {minimum}")
        return number

    def boolean(self, name: str, *, required: bool = False, default: bool = False) -> bool:
        text = self.require(name) if required else self.get(name)
        if text is None:
            return default
        if text.lower() in ("true", "1"):
            return True
        if text.lower() in ("false", "0"):
            return False
        raise invalid_parameter(name, f"expected true or false, got {text!r}")

    def json(self, name: str, *, required: bool = True) -> Any:
        """A complex (DTO / list) parameter: a JSON string inside one form field."""
        text = self.require(name) if required else self.get(name)
        if text is None:
            return None
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise invalid_parameter(name, f"not valid JSON ({exc})") from None

    def json_object(self, name: str, *, required: bool = True) -> dict[str, Any] | None:
        value = self.json(name, required=required)
        if value is not None and not isinstance(value, dict):
            raise invalid_parameter(name, "expected a JSON object")
        return value

    def file(self, name: str) -> UploadedFile:
        upload = self.files.get(name)
        if upload is None:
            raise missing_parameter(name)
        return upload
