"""AliExpressClient: one object that carries its configuration and makes signed, limited, retried calls.

Everything a call needs comes from the client (app key and secret, gateway URL, clock, limiter, retry
policy, transport); there is no module-level state, so several clients (apps, gateways, tests) coexist.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from . import envelope
from .clock import Clock, SystemClock
from .errors import AliExpressError, RateLimited
from .limiter import Limiter, LocalLimiter
from .retry import RetryPolicy, retry_delay
from .signing import sign
from .spec import ApiSpec
from .transport import HttpTransport, Timeouts

log = logging.getLogger(__name__)
PARTNER_ID = "feedbridge"
Files = Mapping[str, tuple[str, bytes, str]]


@dataclass(frozen=True)
class ClientConfig:
    app_key: str
    app_secret: str = field(repr=False)
    gateway_url: str = "https://api-sg.aliexpress.com"
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sign_method: str = "sha256"


class AliExpressClient:
    def __init__(
        self,
        config: ClientConfig,
        *,
        clock: Clock | None = None,
        limiter: Limiter | None = None,
        transport: HttpTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.limiter = limiter or LocalLimiter(self.clock)
        self.transport = transport or HttpTransport(config.timeouts)
        self._rng = rng or random.Random()
        # Diagnostics for tests and benchmarks: attempts sent, and ApiCallLimit/AppCallLimit answers received.
        self.calls = 0
        self.bans = 0

    def __repr__(self) -> str:
        return f"AliExpressClient(app_key={self.config.app_key!r}, gateway_url={self.config.gateway_url!r})"

    def close(self) -> None:
        self.transport.close()

    def call(
        self,
        spec: ApiSpec,
        params: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        files: Files | None = None,
    ) -> dict[str, Any]:
        """Call one API and return its answer's body; raise an AliExpressError subclass on failure."""
        if spec.needs_token and not token:
            raise ValueError(f"{spec.name} needs a seller access token")
        started = self.clock.monotonic()
        attempt = 0
        while True:
            attempt += 1
            self._wait_for_slot(spec, token)
            try:
                return self._attempt(spec, params or {}, token, files)
            except AliExpressError as error:
                if isinstance(error, RateLimited):
                    self.bans += 1
                delay = retry_delay(
                    self.config.retry, spec, error, attempt, self.clock.monotonic() - started, self._rng
                )
                if delay is None:
                    raise
                log.warning(
                    "retrying in %.2f s after attempt %d: %s: %s", delay, attempt, type(error).__name__, error
                )
                self.clock.sleep(delay)

    def _wait_for_slot(self, spec: ApiSpec, token: str | None) -> None:
        wait = self.limiter.reserve(f"app:{self.config.app_key}:{spec.name}", spec.app_rate)
        if token:
            # The seller is identified by a hash of its token: never the token itself, not even in memory keys.
            seller = hashlib.sha256(token.encode()).hexdigest()[:16]
            wait = max(wait, self.limiter.reserve(f"seller:{seller}:{spec.name}", spec.seller_rate))
        self.clock.sleep(wait)

    def _attempt(
        self, spec: ApiSpec, params: Mapping[str, Any], token: str | None, files: Files | None
    ) -> dict[str, Any]:
        values = {
            "app_key": self.config.app_key,
            "timestamp": str(int(self.clock.now() * 1000)),
            "sign_method": self.config.sign_method,
            "partner_id": PARTNER_ID,
        }
        if spec.is_system:
            url = f"{self.config.gateway_url}/rest{spec.name}"
        else:
            url = f"{self.config.gateway_url}/sync"
            values.update({"method": spec.name, "format": "json", "v": "2.0", "simplify": "false"})
        if token:
            values["access_token" if spec.is_system else "session"] = token
        values.update({key: _form_value(value) for key, value in params.items() if value is not None})
        values["sign"] = sign(values, self.config.app_secret, spec.name, self.config.sign_method)
        self.calls += 1
        try:
            response = self.transport.post(url, values, files)
        except AliExpressError as error:
            error.api = spec.name
            raise
        return envelope.read(spec, response)


def _form_value(value: Any) -> str:
    """DTOs and lists travel as JSON strings inside one form field (REFERENCE §1.3)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return orjson.dumps(value).decode()
