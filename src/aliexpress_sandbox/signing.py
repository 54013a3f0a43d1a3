"""Server-side signature computation (REFERENCE §1.4): IOP sha256, TOP md5 and TOP hmac (HMAC-MD5)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGN_METHODS = ("sha256", "hmacsha256", "md5", "hmac")


def string_to_sign(params: Mapping[str, str], api_name: str) -> str:
    """Sorted `k1v1k2v2…`, prefixed with the API path when the API name is path-style."""
    body = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")
    return f"{api_name}{body}" if "/" in api_name else body


def compute_signature(params: Mapping[str, str], api_name: str, secret: str, sign_method: str) -> str:
    method = sign_method.lower()
    if method in ("sha256", "hmacsha256"):
        payload = string_to_sign(params, api_name)
        return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest().upper()
    # TOP methods never prefix the API name.
    payload = string_to_sign(params, "")
    if method == "md5":
        return hashlib.md5(f"{secret}{payload}{secret}".encode()).hexdigest().upper()
    if method == "hmac":
        return hmac.new(secret.encode(), payload.encode(), hashlib.md5).hexdigest().upper()
    raise ValueError(f"unsupported sign_method {sign_method!r}")


def signature_matches(
    params: Mapping[str, str], api_name: str, secret: str, sign_method: str, sign: str
) -> bool:
    try:
        expected = compute_signature(params, api_name, secret, sign_method)
    except ValueError:
        return False
    return hmac.compare_digest(expected, sign.upper())
