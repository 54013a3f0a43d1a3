"""What every admin endpoint shares: JSON problem answers and JSON bodies."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse


def problem(status: int, message: str, **details: Any) -> JSONResponse:
    return JSONResponse({"error": message, **details}, status_code=status)


async def json_object(request: Request) -> dict[str, Any] | JSONResponse:
    """The body as a JSON object (empty body = {}), or the 400 answer that says what is wrong."""
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as exc:
        return problem(400, f"the body is not valid JSON: {exc}")
    return body if isinstance(body, dict) else problem(400, "the body must be a JSON object")
