"""Errors whose message is meant for the person using feedbridge, not for a traceback.

Each message says what is wrong, where, and how to fix it. The web and CLI layers map the
kinds below to responses (invalid input, not found, conflict) without knowing each error.
"""


class FeedbridgeError(Exception):
    """Base for every error feedbridge reports to a user."""


class InvalidInput(FeedbridgeError):
    """A value given by the user cannot be accepted as it is."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class NotFound(FeedbridgeError):
    """The requested record does not exist (or belongs to another company)."""


class Conflict(FeedbridgeError):
    """The change would break a uniqueness rule, e.g. a duplicate name."""
