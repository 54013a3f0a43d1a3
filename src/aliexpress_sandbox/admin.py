"""Control and inspection endpoints under /_admin (unsigned; mounted only when started with --admin)."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .admin_http import json_object, problem
from .admin_products import routes as product_routes
from .behaviour import Behaviour
from .seed import create_app, create_seller, credentials, write_credentials
from .state import Sandbox


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


async def body_as(request: Request, model: type[BaseModel]) -> BaseModel | JSONResponse:
    """Parse the JSON body into `model`, or the answer that says what is wrong."""
    body = await json_object(request)
    if isinstance(body, JSONResponse):
        return body
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        return problem(422, "invalid settings", details=exc.errors(include_url=False, include_context=False))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClockMove(_Strict):
    advance_seconds: float = 0.0
    # True stops the clock (tests then see exactly the times they set), False lets it run again.
    frozen: bool | None = None


class NewSeller(_Strict):
    email: str = Field(min_length=3)
    password: str | None = None
    country_code: str = Field("ES", min_length=2, max_length=2)
    currency: str = Field("EUR", min_length=3, max_length=3)
    shop_name: str = "Sandbox Store"


class NewApp(_Strict):
    name: str = "another app"
    status: str = Field("online", pattern="^(online|test)$")
    redirect_uris: list[str] | None = None


class AppUpdate(_Strict):
    status: str | None = Field(None, pattern="^(online|test)$")
    redirect_uris: list[str] | None = None


class SellerUpdate(_Strict):
    product_posting_forbidden: bool | None = None


async def reset(request: Request) -> JSONResponse:
    sandbox = _sandbox(request)
    sandbox.reset()
    return JSONResponse(credentials(sandbox))


async def clock(request: Request) -> JSONResponse:
    sandbox = _sandbox(request)
    if request.method == "POST":
        move = await body_as(request, ClockMove)
        if isinstance(move, JSONResponse):
            return move
        assert isinstance(move, ClockMove)
        sandbox.set_clock(advance_seconds=move.advance_seconds, frozen=move.frozen)
    return JSONResponse(
        {
            "now": sandbox.clock.now(),
            "now_ms": sandbox.clock.now_ms(),
            "offset_seconds": sandbox.clock.offset_seconds,
            "frozen": sandbox.clock.frozen_at is not None,
        }
    )


async def behaviour(request: Request) -> JSONResponse:
    """GET the behaviour; POST a partial one (merged into the current settings)."""
    sandbox = _sandbox(request)
    if request.method == "POST":
        patch = await json_object(request)
        if isinstance(patch, JSONResponse):
            return patch
        merged = sandbox.behaviour.model_dump()
        for section, values in patch.items():
            if isinstance(values, dict) and isinstance(merged.get(section), dict):
                merged[section].update(values)
            else:
                merged[section] = values
        try:
            sandbox.behaviour = Behaviour.model_validate(merged)
        except ValidationError as exc:
            return problem(
                422, "invalid behaviour", details=exc.errors(include_url=False, include_context=False)
            )
        sandbox.save_behaviour()
    return JSONResponse(sandbox.behaviour.model_dump())


async def sellers(request: Request) -> JSONResponse:
    sandbox = _sandbox(request)
    if request.method == "POST":
        new = await body_as(request, NewSeller)
        if isinstance(new, JSONResponse):
            return new
        assert isinstance(new, NewSeller)
        if sandbox.store.one("SELECT 1 FROM sellers WHERE email = ?", (new.email.lower(),)):
            return problem(409, f"a seller with e-mail {new.email} exists already")
        seller = create_seller(sandbox, **new.model_dump(exclude_none=True))
        write_credentials(sandbox)
        return JSONResponse(seller, status_code=201)
    return JSONResponse(credentials(sandbox)["sellers"])


async def seller_update(request: Request) -> JSONResponse:
    sandbox = _sandbox(request)
    seller_id = int(request.path_params["seller_id"])
    if sandbox.store.one("SELECT 1 FROM sellers WHERE seller_id = ?", (seller_id,)) is None:
        return problem(404, f"no seller {seller_id}")
    update = await body_as(request, SellerUpdate)
    if isinstance(update, JSONResponse):
        return update
    assert isinstance(update, SellerUpdate)
    if update.product_posting_forbidden is not None:
        sandbox.store.run(
            "UPDATE sellers SET posting_forbidden = ? WHERE seller_id = ?",
            (int(update.product_posting_forbidden), seller_id),
        )
    return JSONResponse({"seller_id": seller_id, **update.model_dump(exclude_none=True)})


async def apps(request: Request) -> JSONResponse:
    sandbox = _sandbox(request)
    if request.method == "POST":
        new = await body_as(request, NewApp)
        if isinstance(new, JSONResponse):
            return new
        assert isinstance(new, NewApp)
        app = create_app(sandbox, name=new.name, status=new.status, redirect_uris=new.redirect_uris)
        write_credentials(sandbox)
        return JSONResponse(app, status_code=201)
    return JSONResponse(credentials(sandbox)["apps"])


async def app_update(request: Request) -> JSONResponse:
    sandbox = _sandbox(request)
    app_key = request.path_params["app_key"]
    if sandbox.store.one("SELECT 1 FROM apps WHERE app_key = ?", (app_key,)) is None:
        return problem(404, f"no app {app_key}")
    update = await body_as(request, AppUpdate)
    if isinstance(update, JSONResponse):
        return update
    assert isinstance(update, AppUpdate)
    if update.status is not None:
        sandbox.store.run("UPDATE apps SET status = ? WHERE app_key = ?", (update.status, app_key))
    if update.redirect_uris is not None:
        sandbox.store.run(
            "UPDATE apps SET redirect_uris = ? WHERE app_key = ?", (json.dumps(update.redirect_uris), app_key)
        )
    write_credentials(sandbox)
    return JSONResponse(next(a for a in credentials(sandbox)["apps"] if a["app_key"] == app_key))


async def tokens(request: Request) -> JSONResponse:
    """Tokens with their expiries (values shortened: the admin API is for inspection, not for stealing)."""
    sandbox = _sandbox(request)
    rows = sandbox.store.all("SELECT * FROM tokens ORDER BY created_at")
    return JSONResponse(
        [
            {
                "access_token_prefix": r["access_token"][:10],
                "seller_id": r["seller_id"],
                "app_key": r["app_key"],
                "access_expires_at": r["access_expires_at"],
                "refresh_expires_at": r["refresh_expires_at"],
                "refresh_used": bool(r["refresh_used"]),
            }
            for r in rows
        ]
    )


async def calls(request: Request) -> JSONResponse:
    """Calls answered per API (past authentication and rate limits), for one seller or all; POST clears them."""
    sandbox = _sandbox(request)
    if request.method == "POST":
        sandbox.calls.clear()
        return JSONResponse({})
    seller = request.query_params.get("seller_id")
    wanted = int(seller) if seller and seller.isdigit() else None
    counted: dict[str, int] = {}
    for (seller_id, api), count in sandbox.calls.items():
        if seller is None or seller_id == wanted:
            counted[api] = counted.get(api, 0) + count
    return JSONResponse(counted)


routes = [
    Route("/reset", reset, methods=["POST"]),
    Route("/clock", clock, methods=["GET", "POST"]),
    Route("/behaviour", behaviour, methods=["GET", "POST"]),
    Route("/sellers", sellers, methods=["GET", "POST"]),
    Route("/sellers/{seller_id:int}", seller_update, methods=["POST"]),
    Route("/apps", apps, methods=["GET", "POST"]),
    Route("/apps/{app_key}", app_update, methods=["POST"]),
    Route("/tokens", tokens, methods=["GET"]),
    Route("/calls", calls, methods=["GET", "POST"]),
    *product_routes,
]
