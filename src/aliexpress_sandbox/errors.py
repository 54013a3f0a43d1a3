"""Errors the sandbox answers with, shaped like the gateway's (REFERENCE §1.6, §5).

One exception type carries everything an envelope needs; the helpers below name the gateway
errors so that handlers never spell codes by hand.
"""

from __future__ import annotations

import math


class ApiError(Exception):
    """An error answered in the endpoint's error envelope (HTTP 200, as the real gateway does)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        type: str = "ISV",
        sub_code: str | None = None,
        sub_msg: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.type = type
        self.sub_code = sub_code
        self.sub_msg = sub_msg


def missing_parameter(name: str) -> ApiError:
    return ApiError(
        "MissingParameter",
        f"The input parameter '{name}' that is mandatory for processing this request is not supplied",
    )


def invalid_parameter(name: str, why: str) -> ApiError:
    return ApiError("InvalidParameter", f"The specified parameter '{name}' is not valid: {why}")


def invalid_app_key() -> ApiError:
    return ApiError("InvalidAppKey", "The specified App Key is invalid")


def invalid_timestamp(why: str) -> ApiError:
    return ApiError("InvalidTimestamp", f"The specified timestamp is not valid: {why}")


def incomplete_signature() -> ApiError:
    return ApiError("IncompleteSignature", "The request signature does not conform to platform standards")


def invalid_api_path() -> ApiError:
    return ApiError("InvalidApiPath", "The specified API Path is invalid")


def illegal_access_token() -> ApiError:
    return ApiError("IllegalAccessToken", "The specified access token is invalid or expired")


def illegal_refresh_token() -> ApiError:
    return ApiError("IllegalRefreshToken", "The specified refresh token is invalid or expired")


def invalid_code() -> ApiError:
    return ApiError("InvalidCode", "The specified authorization code is invalid, expired or already used")


def api_call_limit(ban_seconds: float) -> ApiError:
    seconds = max(1, math.ceil(ban_seconds))
    return ApiError(
        "ApiCallLimit", f"Api access frequency exceeds the limit. this ban will last {seconds} seconds"
    )


def app_call_limit() -> ApiError:
    return ApiError(
        "AppCallLimit",
        "The daily call quota of this App Key is used up; the ban lasts until 24:00 Beijing time",
    )


def business(sub_code: str, sub_msg: str) -> ApiError:
    """A business rule violation: the TOP 'Remote service error' wrapper with the platform's own code."""
    return ApiError("15", "Remote service error", sub_code=sub_code, sub_msg=sub_msg)


def isp_error() -> ApiError:
    return ApiError(
        "15",
        "Remote service error",
        type="ISP",
        sub_code="isp.remote-service-error",
        sub_msg="系统错误,请稍后重试",
    )


def system_error() -> ApiError:
    return ApiError("SystemError", "The platform is temporarily unable to process the request", type="SYSTEM")
