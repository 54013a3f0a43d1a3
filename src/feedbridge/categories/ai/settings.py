"""An API's AI categorization settings, in the API's `settings` JSON under "categories".

Missing values take the defaults below (docs/categories.md).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from feedbridge.apis.settings import changed_section, settings_section

SETTINGS_KEY = "categories"


class AiSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Suggestions at or above this confidence are applied without review; None applies nothing by itself.
    apply_above: float | None = Field(None, ge=0, le=1)
    # The fields whose text is read, in order; None: the usual ones the items have (TEXT_FIELDS).
    text_fields: list[str] | None = None
    # Of the description, only the start is read: the rest is rarely about what the product is.
    description_chars: int = Field(200, ge=0, le=5000)
    # How many of the least certain items a suggestion round asks AliExpress's own category suggestion
    # about (one call each, within the connection's rate limit; 0 never asks). Answers are kept.
    platform_hints: int = Field(50, ge=0, le=10_000)
    suggestions: int = Field(3, ge=1, le=10)  # categories shown per item


def ai_settings(api_settings: dict[str, Any]) -> AiSettings:
    return settings_section(api_settings, SETTINGS_KEY, AiSettings)


def changed_ai_settings(api_settings: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The API's settings with the AI settings changed; raises InvalidInput naming the bad setting."""
    return changed_section(api_settings, SETTINGS_KEY, AiSettings, changes, "docs/categories.md")
