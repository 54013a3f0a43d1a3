"""Fault injection: each configured fault fires with its probability on each request."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .behaviour import Faults


@dataclass(frozen=True)
class Roll:
    latency_seconds: float = 0.0
    drop_connection: bool = False
    lost_answer: bool = False
    gateway_5xx: bool = False
    isp_error: bool = False
    system_error: bool = False


class FaultInjector:
    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed)

    def reseed(self, seed: int | None) -> None:
        """Start the sequence again: the same seed and calls give the same faults."""
        self._rng.seed(seed)

    def roll(self, faults: Faults, api_name: str | None) -> Roll:
        if faults.apis is not None and api_name not in faults.apis:
            return Roll()

        def fires(probability: float) -> bool:
            # Probability 0 never consumes randomness, so adding a fault keeps the others' sequence.
            return probability > 0 and self._rng.random() < probability

        return Roll(
            latency_seconds=faults.latency_ms / 1000 + (faults.slow_seconds if fires(faults.slow) else 0.0),
            drop_connection=fires(faults.drop_connection),
            gateway_5xx=fires(faults.gateway_5xx),
            isp_error=fires(faults.isp_error),
            system_error=fires(faults.system_error),
            lost_answer=fires(faults.lost_answer),
        )
