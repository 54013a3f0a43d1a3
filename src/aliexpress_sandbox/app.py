"""The sandbox ASGI app: gateway, OAuth pages, photobank files, product pages and (optionally) admin."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from . import apis
from .gateway import gateway
from .oauth import routes as oauth_routes
from .pages import routes as page_routes
from .registry import TICKS
from .seed import seed_if_empty
from .settings import SandboxSettings
from .state import Sandbox


async def _ticker(sandbox: Sandbox) -> None:
    """Advance time-driven work even when nobody calls (products from feeds appear on the pages)."""
    while True:
        await asyncio.sleep(sandbox.settings.tick_seconds)
        for advance in TICKS:
            advance(sandbox)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(settings: SandboxSettings) -> Starlette:
    sandbox = Sandbox(settings)
    seed_if_empty(sandbox)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_ticker(sandbox))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            sandbox.close()

    routes: list[BaseRoute] = [
        Route("/sync", gateway, methods=["GET", "POST"]),
        Route("/rest", gateway, methods=["GET", "POST"]),
        Route("/rest/{path:path}", gateway, methods=["GET", "POST"]),
        Route("/health", health),
        *oauth_routes,
        *page_routes,
        *apis.photobank.routes,
    ]
    if settings.admin:
        from .admin import routes as admin_routes

        routes.append(Mount("/_admin", routes=admin_routes))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sandbox = sandbox
    return app
