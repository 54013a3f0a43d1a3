"""Token creation and refresh, the system interfaces `/auth/token/create|refresh` (REFERENCE §2.2-§2.4)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import SecretStr

from .client import AliExpressClient
from .models import AeResponse
from .spec import ApiSpec

# An authorization code and a refresh token are single use: a lost answer must not be sent again blindly.
TOKEN_CREATE = ApiSpec("/auth/token/create", idempotent=False, needs_token=False)
TOKEN_REFRESH = ApiSpec("/auth/token/refresh", idempotent=False, needs_token=False)


class TokenGrant(AeResponse):
    """The token JSON of §2.4; the tokens are SecretStr so they never show in a repr or a log line."""

    access_token: SecretStr
    refresh_token: SecretStr
    expires_in: int  # seconds left at issue time
    refresh_expires_in: int
    expire_time: int  # epoch ms
    refresh_token_valid_time: int  # epoch ms
    seller_id: str
    user_id: str | None = None
    user_nick: str | None = None
    account: str | None = None
    locale: str | None = None

    @property
    def access_expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expire_time / 1000, UTC)

    @property
    def refresh_expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.refresh_token_valid_time / 1000, UTC)


def create_token(client: AliExpressClient, code: str) -> TokenGrant:
    """Exchange the authorization code of the OAuth callback for the seller's tokens."""
    return TokenGrant.model_validate(client.call(TOKEN_CREATE, {"code": code}))


def refresh_token(client: AliExpressClient, refresh_token: str) -> TokenGrant:
    """A new access and refresh token; the refresh token's absolute expiry does not move (§2.3)."""
    return TokenGrant.model_validate(client.call(TOKEN_REFRESH, {"refresh_token": refresh_token}))
