"""The table of APIs the sandbox serves: name, handler, whether a seller token is needed, rates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .call import Call

Handler = Callable[["Call"], dict[str, Any]]


@dataclass(frozen=True)
class Api:
    name: str
    handler: Handler
    needs_token: bool = True
    # Documented rates (calls per second); None = the configurable default.
    app_rate: float | None = None
    seller_rate: float | None = None

    @property
    def is_system(self) -> bool:
        """Path-style system interfaces (/auth/...) answer flat JSON wherever they are called."""
        return self.name.startswith("/")


APIS: dict[str, Api] = {}


def api(
    name: str, *, needs_token: bool = True, app_rate: float | None = None, seller_rate: float | None = None
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in APIS:
            raise RuntimeError(f"API {name} registered twice")
        APIS[name] = Api(name, handler, needs_token, app_rate, seller_rate)
        return handler

    return register


# Work that advances with time (feed jobs, audits); run before reads and by the background ticker.
TICKS: list[Callable[[Any], None]] = []


def tick(fn: Callable[[Any], None]) -> Callable[[Any], None]:
    TICKS.append(fn)
    return fn
