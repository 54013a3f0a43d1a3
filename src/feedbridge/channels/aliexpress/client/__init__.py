"""The AliExpress Open Platform client: signing, transport, envelopes, errors, retries, rate limits."""

from .client import AliExpressClient, ClientConfig
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

__all__ = [
    "AliExpressClient",
    "AliExpressError",
    "ApiSpec",
    "AuthError",
    "ClientConfig",
    "InvalidRequest",
    "PlatformError",
    "RateLimited",
    "RefreshTokenExpired",
    "TokenExpired",
    "TransportError",
]
