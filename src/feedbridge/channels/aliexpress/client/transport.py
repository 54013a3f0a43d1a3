"""The only module that imports the HTTP library: POST a form, get status and body back, or a TransportError."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from .errors import TransportError


@dataclass(frozen=True)
class RawResponse:
    status: int
    body: bytes


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 60.0


class HttpTransport:
    """One pooled HTTP client, shared by all calls of an AliExpressClient (thread-safe)."""

    def __init__(self, timeouts: Timeouts | None = None) -> None:
        timeouts = timeouts or Timeouts()
        timeout = httpx.Timeout(timeouts.read, connect=timeouts.connect)
        self._http = httpx.Client(
            timeout=timeout, headers={"User-Agent": "feedbridge"}, follow_redirects=False
        )

    def post(
        self, url: str, data: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]] | None = None
    ) -> RawResponse:
        try:
            response = self._http.post(url, data=dict(data), files=dict(files) if files else None)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing reached the platform: even a create may be sent again.
            raise TransportError(f"cannot connect to {_host(url)}: {exc}", sent=False) from None
        except httpx.TransportError as exc:
            raise TransportError(
                f"no answer from {_host(url)}: {type(exc).__name__}: {exc}", sent=True
            ) from None
        return RawResponse(response.status_code, response.content)

    def close(self) -> None:
        self._http.close()


def _host(url: str) -> str:
    return httpx.URL(url).host
