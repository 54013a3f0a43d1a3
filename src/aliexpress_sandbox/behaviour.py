"""Tunable behaviour of the sandbox (limits, faults, timings, quirks); set through the admin API and persisted."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Limits(_Model):
    enabled: bool = True
    # Calls per second for APIs without a documented rate, per (app, API) and per (seller, API).
    default_rate: float = Field(20.0, gt=0)
    app_rates: dict[str, float] = Field(default_factory=dict)
    seller_rates: dict[str, float] = Field(default_factory=dict)
    ban_seconds: float = Field(1.0, gt=0)
    # Calls per app per Beijing-time day; None = unlimited.
    daily_quota: int | None = Field(None, ge=0)


class Faults(_Model):
    """Probabilities (0..1) of each injected fault, per request."""

    seed: int | None = None
    gateway_5xx: float = Field(0.0, ge=0, le=1)
    drop_connection: float = Field(0.0, ge=0, le=1)
    # The call is carried out, then the connection drops before the answer: the client cannot know.
    lost_answer: float = Field(0.0, ge=0, le=1)
    slow: float = Field(0.0, ge=0, le=1)
    slow_seconds: float = Field(2.0, ge=0, le=120)
    isp_error: float = Field(0.0, ge=0, le=1)
    system_error: float = Field(0.0, ge=0, le=1)
    latency_ms: float = Field(0.0, ge=0, le=60_000)
    # Restrict faults to these API names; None = every API.
    apis: list[str] | None = None


class Timings(_Model):
    audit_seconds: float = Field(5.0, ge=0)
    feed_queue_seconds: float = Field(1.0, ge=0)
    feed_item_seconds: float = Field(0.05, ge=0)
    code_ttl_seconds: float = Field(600.0, gt=0)


class Quirks(_Model):
    single_element_lists_as_objects: bool = False


class Behaviour(_Model):
    limits: Limits = Field(default_factory=Limits)
    faults: Faults = Field(default_factory=Faults)
    timings: Timings = Field(default_factory=Timings)
    quirks: Quirks = Field(default_factory=Quirks)
    max_products_per_seller: int = Field(100_000, ge=0)
