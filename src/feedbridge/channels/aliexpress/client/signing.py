"""Request signing (REFERENCE §1.4) as a pure function; pinned to the published vectors V1–V8 by tests."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def sign(params: Mapping[str, str], secret: str, api_name: str, sign_method: str = "sha256") -> str:
    """The uppercase hex signature of `params` (without `sign`) for `api_name`.

    sha256: HMAC-SHA256 over `k1v1k2v2…` sorted by name, prefixed with the API path when the API name is
    path-style (`/auth/token/create`). md5: MD5 of `secret + k1v1… + secret`. hmac: HMAC-MD5 (TOP).
    """
    ordered = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")
    if sign_method == "sha256":
        message = (api_name if api_name.startswith("/") else "") + ordered
        return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest().upper()
    if sign_method == "md5":
        return hashlib.md5((secret + ordered + secret).encode()).hexdigest().upper()
    if sign_method == "hmac":
        return hmac.new(secret.encode(), ordered.encode(), hashlib.md5).hexdigest().upper()
    raise ValueError(f"unknown sign_method {sign_method!r}: use sha256, md5 or hmac")
