"""An API's run settings: what removing a listing means, and the guard rails that hold a suspicious plan.

They live in the API's `settings` JSON under "sync"; missing values take the defaults below, so APIs
created before a setting existed behave as documented in docs/running.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from feedbridge.apis.settings import changed_section, settings_section

SETTINGS_KEY = "sync"


class RemovalPolicy(StrEnum):
    OFFLINE = "offline"  # keeps the product, its reviews and history; it comes back online if it returns
    DELETE = "delete"  # AliExpress deletes the product with its reviews, history and ratings


class SyncSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    removal: RemovalPolicy = RemovalPolicy.OFFLINE
    guard_rails: bool = True
    # A plan that would remove more than this share of the live listings is held.
    max_removed_share: float = Field(0.2, ge=0, le=1)
    # A plan that would change the price of more than `max_repriced_share` of the live listings by more
    # than `max_price_change` (a share of the old price, either way) is held.
    max_repriced_share: float = Field(0.2, ge=0, le=1)
    max_price_change: float = Field(0.3, ge=0)
    # Shares of a small shop swing by one listing: a plan is held only when it touches at least this many.
    guard_min_listings: int = Field(10, ge=1)
    # Creates (and content updates) go to AliExpress as feed jobs of 300 when a run has at least this many
    # of them and the day's feed budget allows; fewer go one by one through the schema APIs.
    feed_min_listings: int = Field(10_000, ge=1)


def sync_settings(api_settings: dict[str, Any]) -> SyncSettings:
    return settings_section(api_settings, SETTINGS_KEY, SyncSettings)


def changed_settings(api_settings: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The API's settings with the run settings changed; raises InvalidInput naming the bad setting."""
    return changed_section(api_settings, SETTINGS_KEY, SyncSettings, changes, "docs/running.md")
