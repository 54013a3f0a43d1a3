"""An AliExpress wire client for tests, written independently of the sandbox's own verification code.

It signs exactly as REFERENCE §1.4 describes (and as the official SDKs do), so a bug in the sandbox's
signature check cannot hide behind the same bug here: tests/sandbox/test_signing.py pins this
implementation to the published vectors V1–V8.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

import httpx


def sign(params: Mapping[str, str], secret: str, *, api_path: str = "", method: str = "sha256") -> str:
    pairs = sorted((k, v) for k, v in params.items() if k != "sign")
    joined = "".join(k + v for k, v in pairs)
    if method == "sha256":
        prefix = api_path if "/" in api_path else ""
        digest = hmac.new(secret.encode("utf-8"), (prefix + joined).encode("utf-8"), hashlib.sha256)
        return digest.hexdigest().upper()
    if method == "md5":
        return hashlib.md5((secret + joined + secret).encode("utf-8")).hexdigest().upper()
    if method == "hmac":
        return hmac.new(secret.encode("utf-8"), joined.encode("utf-8"), hashlib.md5).hexdigest().upper()
    raise ValueError(method)


def as_param(value: Any) -> str:
    """DTOs and lists travel as JSON strings inside one form field."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


class Gateway:
    """Builds, signs and sends one call; returns the raw httpx response."""

    def __init__(self, http: httpx.Client, base_url: str, app_key: str, app_secret: str) -> None:
        self.http, self.base_url, self.app_key, self.app_secret = (
            http,
            base_url.rstrip("/"),
            app_key,
            app_secret,
        )

    def call(
        self,
        api: str,
        params: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        token_param: str = "session",
        sign_method: str = "sha256",
        simplify: bool | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        timestamp: str | None = None,
        secret: str | None = None,
        app_key: str | None = None,
        path_style: bool | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        system = api.startswith("/")
        values: dict[str, str] = {
            "app_key": app_key or self.app_key,
            "timestamp": timestamp if timestamp is not None else str(int(time.time() * 1000)),
            "sign_method": sign_method,
        }
        if not system or path_style is False:
            values.update({"method": api, "format": "json", "v": "2.0"})
        if simplify is not None:
            values["simplify"] = "true" if simplify else "false"
        if token is not None:
            values[token_param] = token
        values.update({k: as_param(v) for k, v in (params or {}).items()})
        values.update(extra or {})
        values["sign"] = sign(values, secret or self.app_secret, api_path=api, method=sign_method)
        url = f"{self.base_url}/rest{api}" if system and path_style is not False else f"{self.base_url}/sync"
        if files:
            return self.http.post(url, data=values, files=dict(files))
        return self.http.post(url, data=values)

    def ok(self, api: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """Call and return the body inside `<api>_response`; fail the test on an error envelope."""
        response = self.call(api, params, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "error_response" not in body, body
        if api.startswith("/"):
            assert body.get("code") == "0", body
            return body
        key = api.replace(".", "_") + "_response"
        assert key in body, body
        return body[key]

    def error(self, api: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """Call and return the error object (TOP `error_response` or flat GOP error)."""
        response = self.call(api, params, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        if "error_response" in body:
            return body["error_response"]
        assert body.get("code") not in (None, "0"), body
        return body


def items(wrapped: Any) -> list[Any]:
    """The elements of a non-simplified list wrapper (`{"item_type": [...]}`)."""
    if wrapped is None:
        return []
    assert isinstance(wrapped, dict) and len(wrapped) == 1, wrapped
    (inner,) = wrapped.values()
    return inner if isinstance(inner, list) else [inner]
