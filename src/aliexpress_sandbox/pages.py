"""Read-only HTML pages: sellers and what feedbridge sent them (products with SKUs, status and prices)."""

from __future__ import annotations

from starlette.routing import Route

routes: list[Route] = []
