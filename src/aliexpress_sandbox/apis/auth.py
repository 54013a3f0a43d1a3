"""System interfaces `/auth/token/create` and `/auth/token/refresh` (and their `security` twins)."""

from __future__ import annotations

from typing import Any

from ..call import Call
from ..registry import api
from ..tokens import create_token, refresh_token


def _create(call: Call) -> dict[str, Any]:
    return create_token(call.sandbox, call.app, call.params.require("code"))


def _refresh(call: Call) -> dict[str, Any]:
    return refresh_token(call.sandbox, call.app, call.params.require("refresh_token"))


for _name in ("/auth/token/create", "/auth/token/security/create"):
    api(_name, needs_token=False)(_create)
for _name in ("/auth/token/refresh", "/auth/token/security/refresh"):
    api(_name, needs_token=False)(_refresh)
