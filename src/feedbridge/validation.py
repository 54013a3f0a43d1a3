"""Normalisation shared by every human-entered name (company, user, project)."""

from feedbridge.errors import InvalidInput

MAX_NAME_LENGTH = 200


def clean_name(value: str, *, field: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """Collapse runs of whitespace and reject empty or overly long names."""
    cleaned = " ".join(value.split())
    if not cleaned:
        raise InvalidInput(field, "must not be empty; enter a name.")
    if len(cleaned) > max_length:
        raise InvalidInput(field, f"is {len(cleaned)} characters long; shorten it to at most {max_length}.")
    return cleaned
