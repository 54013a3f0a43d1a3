"""Reading an answer: the envelope of REFERENCE §1.6 in every shape, errors turned into exceptions.

Handles `/sync` answers wrapped in `<method>_response` or simplified, flat `/rest` answers, TOP
`error_response` bodies and flat GOP errors, and non-200 statuses.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from .errors import (
    AliExpressError,
    AuthError,
    InvalidRequest,
    PlatformError,
    RateLimited,
    RefreshTokenExpired,
    TokenExpired,
    TransportError,
)
from .spec import ApiSpec
from .transport import RawResponse

_BAN = re.compile(r"ban will last (\d+(?:\.\d+)?) second")
# AppCallLimit bans until midnight Beijing time; the exact wait is not given, so back off for a long while.
DAILY_QUOTA_BAN_SECONDS = 3600.0
TOKEN_CODES = {"IllegalAccessToken"}
REFRESH_CODES = {"IllegalRefreshToken"}
AUTH_CODES = {"IncompleteSignature", "InvalidAppKey", "InvalidCode"}


def read(spec: ApiSpec, response: RawResponse) -> dict[str, Any]:
    """The answer's body (inside `<method>_response` when wrapped), or the error it carries."""
    if response.status >= 500:
        raise PlatformError(
            f"gateway answered HTTP {response.status}", api=spec.name, code=str(response.status)
        )
    if response.status != 200:
        raise InvalidRequest(
            f"gateway answered HTTP {response.status}", api=spec.name, code=str(response.status)
        )
    try:
        body = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        raise TransportError("the answer is not JSON", api=spec.name) from None
    if not isinstance(body, dict):
        raise TransportError("the answer is not a JSON object", api=spec.name)
    if "error_response" in body:
        raise error_from(spec.name, body["error_response"])
    wrapper = spec.name.replace(".", "_") + "_response"
    if wrapper in body and isinstance(body[wrapper], dict):
        inner: dict[str, Any] = body[wrapper]
        if "error_response" in inner:  # some consumers report errors nested in the wrapper
            raise error_from(spec.name, inner["error_response"])
        return inner
    if body.get("type") and body.get("code") not in (None, "", "0"):
        raise error_from(spec.name, body)  # flat GOP error
    return body


def error_from(api: str, error: dict[str, Any]) -> AliExpressError:
    code = _text(error.get("code"))
    sub_code = _text(error.get("sub_code"))
    message = _text(error.get("sub_msg")) or _text(error.get("msg")) or _text(error.get("message")) or "error"
    kind = _text(error.get("type"))
    details: dict[str, Any] = {
        "api": api,
        "code": code,
        "sub_code": sub_code,
        "request_id": _text(error.get("request_id")),
    }
    if code == "ApiCallLimit":
        match = _BAN.search(message)
        return RateLimited(message, ban_seconds=float(match.group(1)) if match else 1.0, **details)
    if code == "AppCallLimit":
        return RateLimited(message, ban_seconds=DAILY_QUOTA_BAN_SECONDS, **details)
    if code in TOKEN_CODES:
        return TokenExpired(message, **details)
    if code in REFRESH_CODES:
        return RefreshTokenExpired(message, **details)
    if code in AUTH_CODES:
        return AuthError(message, **details)
    if kind in ("ISP", "SYSTEM"):
        return PlatformError(message, **details)
    return InvalidRequest(message, **details)


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
