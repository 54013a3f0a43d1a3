"""The gateway: `/sync` (dotted TOP names) and `/rest[/<path>]` (path-style system APIs), REFERENCE §1.

Checks run in the gateway's order — app key, timestamp, signature, API path, token, limits — and every
failure is answered in the endpoint's envelope with HTTP 200, as the real platform does.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from . import envelope
from .call import Call
from .clock import GMT8
from .errors import (
    ApiError,
    illegal_access_token,
    incomplete_signature,
    invalid_api_path,
    invalid_app_key,
    invalid_parameter,
    invalid_timestamp,
    isp_error,
    missing_parameter,
    system_error,
)
from .faults import Roll
from .limits import check_limits
from .params import Params, UploadedFile
from .registry import APIS, TICKS, Api
from .signing import SIGN_METHODS, signature_matches
from .state import Sandbox

TIMESTAMP_WINDOW_SECONDS = 7200
JSON = "application/json;charset=UTF-8"


class DroppedConnection(Response):
    """Starts a response and never finishes it: the server closes the connection under the client."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4096")]})


async def read_params(request: Request) -> Params:
    """Merge query string and body (urlencoded or multipart); file parts are kept apart from the values."""
    values = dict(request.query_params)
    files: dict[str, UploadedFile] = {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_part_size=8 * 1024 * 1024)
        for key, value in form.multi_items():
            if isinstance(value, str):
                values[key] = value
            else:
                files[key] = UploadedFile(value.filename or key, value.content_type or "", await value.read())
    elif request.method == "POST":
        body = await request.body()
        if body:
            values.update(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    return Params(values, files)


def parse_timestamp(text: str) -> float:
    """Epoch milliseconds, ISO UTC (`2017-11-11T12:00:00Z`) or legacy TOP `yyyy-MM-dd HH:mm:ss` (GMT+8)."""
    text = text.strip()
    if text.isdigit():
        return int(text) / 1000
    try:
        if "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=GMT8).timestamp()
    except ValueError:
        raise invalid_timestamp(f"{text!r} is neither epoch milliseconds nor an ISO UTC time") from None


def authenticate(sandbox: Sandbox, api_name: str, params: Params) -> tuple[Any, Api, int | None]:
    """Return (app row, API, seller id) or raise the gateway's error."""
    app_key = params.require("app_key")
    app = sandbox.store.one("SELECT * FROM apps WHERE app_key = ?", (app_key,))
    if app is None:
        raise invalid_app_key()
    stamp = parse_timestamp(params.require("timestamp"))
    # Moving the sandbox clock must not break clients that stamp requests with the real time.
    if min(abs(sandbox.clock.now() - stamp), abs(time.time() - stamp)) > TIMESTAMP_WINDOW_SECONDS:
        raise invalid_timestamp(f"it must be within {TIMESTAMP_WINDOW_SECONDS} seconds of the current time")
    sign, sign_method = params.get("sign"), (params.get("sign_method") or "").lower()
    if sign is None or sign_method not in SIGN_METHODS:
        raise incomplete_signature()
    if not signature_matches(params.values, api_name, app["app_secret"], sign_method, sign):
        raise incomplete_signature()
    api = APIS.get(api_name)
    if api is None:
        raise invalid_api_path()
    seller_id = None
    if api.needs_token:
        token = params.get("access_token") or params.get("session")
        if token is None:
            raise missing_parameter("access_token")
        grant = sandbox.grant_for(token)
        if grant is None or grant.app_key != app_key or grant.expires_at <= sandbox.clock.now():
            raise illegal_access_token()
        seller_id = grant.seller_id
    return app, api, seller_id


def dispatch(
    sandbox: Sandbox, api_name: str | None, params: Params, request_id: str, roll: Roll
) -> tuple[Api, dict[str, Any]]:
    if api_name is None:
        raise missing_parameter("method")
    app, api, seller_id = authenticate(sandbox, api_name, params)
    check_limits(
        sandbox.limiter,
        limits=sandbox.behaviour.limits,
        app_key=app["app_key"],
        seller_key=str(seller_id) if seller_id is not None else None,
        api=api,
    )
    sandbox.calls[(seller_id, api.name)] += 1
    if roll.isp_error:
        raise isp_error()
    if roll.system_error:
        raise system_error()
    # Time-driven work (feed jobs) catches up first, so every answer reflects the sandbox clock.
    for advance in TICKS:
        advance(sandbox)
    call = Call(sandbox, api, params, app, seller_id, request_id, sandbox.clock.now())
    return api, api.handler(call)


def _json(body: dict[str, Any]) -> Response:
    return Response(orjson.dumps(body), media_type=JSON)


async def gateway(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    rest = request.url.path.startswith("/rest")
    request_id, trace_id = sandbox.new_request_id(), sandbox.new_request_id()
    try:
        params = await read_params(request)
    except HTTPException as exc:  # Starlette's answer to a multipart body it cannot parse
        error = invalid_parameter("body", f"the multipart body cannot be read ({exc.detail})")
        return _json((envelope.rest_error if rest else envelope.sync_error)(error, request_id, trace_id))
    path = request.path_params.get("path")
    api_name = "/" + path.strip("/") if path else params.get("method")

    roll = sandbox.faults.roll(sandbox.behaviour.faults, api_name)
    if roll.latency_seconds:
        await asyncio.sleep(roll.latency_seconds)
    if roll.drop_connection:
        return DroppedConnection()
    if roll.gateway_5xx:
        return Response("502 Bad Gateway", status_code=502, media_type="text/plain")

    try:
        api, body = dispatch(sandbox, api_name, params, request_id, roll)
    except ApiError as error:
        err = envelope.rest_error if rest else envelope.sync_error
        return _json(err(error, request_id, trace_id))
    if roll.lost_answer:
        return DroppedConnection()
    if api.is_system:
        return _json(envelope.rest_success(body, request_id))
    quirks = sandbox.behaviour.quirks
    return _json(
        envelope.sync_success(
            api.name,
            body,
            request_id,
            simplify=(params.get("simplify") or "").lower() == "true",
            quirk=quirks.single_element_lists_as_objects,
        )
    )
