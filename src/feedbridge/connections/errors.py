"""What can go wrong with a connection, each message saying what happened and what to do."""

from feedbridge.channels.aliexpress.client import AliExpressError
from feedbridge.errors import Conflict, FeedbridgeError, NotFound


class ConnectionNotFound(NotFound):
    def __init__(self, label: str) -> None:
        super().__init__(
            f"there is no connection labelled '{label}' in this company; list them to see the labels."
        )


class AuthorizationFailed(FeedbridgeError):
    """The OAuth callback cannot complete a connection: bad, foreign, expired or reused state; denied; bad code."""


class AuthorizationCodeRejected(AuthorizationFailed):
    def __init__(self) -> None:
        super().__init__(
            "this authorization code was already used or has expired; click Connect with AliExpress again "
            "and sign in once more."
        )


class SellerMismatch(Conflict):
    def __init__(self, label: str, expected: str, got: str) -> None:
        super().__init__(
            f"connection '{label}' belongs to AliExpress seller {expected}, but the sign-in was for seller {got}; "
            f"nothing was changed. Sign in with the account of seller {expected}, or add a connection with a "
            "new label for the other seller."
        )


class ConnectionUnusable(FeedbridgeError):
    """The connection cannot be used right now; nothing on AliExpress or in feedbridge was changed."""


class ConnectionExpired(ConnectionUnusable):
    def __init__(self, label: str, reason: str) -> None:
        super().__init__(
            f"connection '{label}' has expired: {reason}. Reconnect it (Connect with AliExpress, or "
            f"`feedbridge connections add '{label}'`); nothing was deleted or changed."
        )


class ConnectionFaulty(ConnectionUnusable):
    def __init__(self, label: str, reason: str) -> None:
        super().__init__(f"connection '{label}' cannot be used: {reason}")


class PlatformCallFailed(FeedbridgeError):
    """AliExpress did not answer as expected; the message carries its API name, codes and request id."""

    def __init__(self, label: str, doing: str, error: AliExpressError) -> None:
        super().__init__(f"connection '{label}': {doing} failed: {error}")
        self.error = error
