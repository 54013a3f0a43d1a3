"""The client's errors: one small hierarchy keyed by the platform's answer (REFERENCE §1.6, §5).

Every error carries the API name, the platform's `code`, `sub_code`, message and `request_id`, so a log line
or a result row always says which call failed and how the platform put it. No error ever holds a token,
a secret or a signature.
"""

from __future__ import annotations

from typing import Any


class AliExpressError(Exception):
    """Base class. `retryable` says whether repeating the same call may succeed."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        api: str = "",
        code: str | None = None,
        sub_code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.api = api
        self.code = code
        self.sub_code = sub_code
        self.request_id = request_id

    def __str__(self) -> str:
        parts = [f"{self.api}: " if self.api else "", self.message]
        codes = ", ".join(f"{k}={v}" for k, v in (("code", self.code), ("sub_code", self.sub_code)) if v)
        if codes:
            parts.append(f" ({codes})")
        if self.request_id:
            parts.append(f" [request_id {self.request_id}]")
        return "".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AuthError(AliExpressError):
    """The token (or app key, or signature) is not accepted: reconnect or fix the app credentials."""


class TokenExpired(AuthError):
    """The access token is invalid or expired (`IllegalAccessToken`); refresh it or reconnect."""


class RefreshTokenExpired(AuthError):
    """The refresh token is invalid or expired: the seller has to connect again."""


class RateLimited(AliExpressError):
    """The platform banned the caller for `ban_seconds` (`ApiCallLimit`) or the daily quota is used up."""

    retryable = True

    def __init__(self, message: str, *, ban_seconds: float, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.ban_seconds = ban_seconds


class InvalidRequest(AliExpressError):
    """The platform rejected the request itself (parameters, business rules); repeating it cannot help."""


class PlatformError(AliExpressError):
    """The platform failed (ISP/SYSTEM error, HTTP 5xx); the same call may succeed later."""

    retryable = True


class TransportError(AliExpressError):
    """No usable answer: connection refused or dropped, timeout, unreadable body.

    `sent` is False when the request certainly never reached the platform (so even a create may be repeated).
    """

    retryable = True

    def __init__(self, message: str, *, sent: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.sent = sent
