"""The seller-facing OAuth page (REFERENCE §2.1): a real login form that redirects with a single-use code."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .state import Sandbox
from .templating import templates
from .tokens import issue_code

FORM_FIELDS = ("client_id", "redirect_uri", "state", "response_type", "force_auth", "uuid", "sp")


def _redirect(uri: str, **params: str) -> RedirectResponse:
    parts = urlsplit(uri)
    query = "&".join(p for p in (parts.query, urlencode({k: v for k, v in params.items() if v})) if p)
    return RedirectResponse(urlunsplit(parts._replace(query=query)), status_code=302)


def _error_page(request: Request, message: str, status: int = 400) -> Response:
    return templates.TemplateResponse(request, "oauth_error.html", {"message": message}, status_code=status)


def _check_request(sandbox: Sandbox, fields: dict[str, str]) -> tuple[Any, str | None]:
    """The app and an error message; errors about the app or the redirect URI are never redirected."""
    app = sandbox.store.one("SELECT * FROM apps WHERE app_key = ?", (fields.get("client_id", ""),))
    if app is None:
        return None, "Unknown client_id: no application with this app key is registered."
    redirect_uri = fields.get("redirect_uri", "")
    if redirect_uri not in json.loads(app["redirect_uris"]):
        return app, "The redirect_uri does not match the callback URL registered for this application."
    if fields.get("response_type") != "code":
        return app, "response_type must be 'code'."
    return app, None


async def authorize(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    if request.method == "GET":
        fields = {k: request.query_params.get(k, "") for k in FORM_FIELDS}
    else:
        form = await request.form()
        fields = {k: str(form.get(k, "")) for k in (*FORM_FIELDS, "email", "password", "action")}
    app, problem = _check_request(sandbox, fields)
    if problem:
        return _error_page(request, problem)
    context = {"app_name": app["name"], "fields": {k: fields.get(k, "") for k in FORM_FIELDS}, "error": None}
    if request.method == "GET":
        return templates.TemplateResponse(request, "oauth_login.html", context)
    if fields["action"] == "deny":
        return _redirect(fields["redirect_uri"], error="access_denied", state=fields["state"])
    seller = sandbox.store.one("SELECT * FROM sellers WHERE email = ?", (fields["email"].strip().lower(),))
    if seller is None or seller["password"] != fields["password"]:
        context["error"] = "The e-mail address or password is wrong."
        context["email"] = fields["email"]
        return templates.TemplateResponse(request, "oauth_login.html", context, status_code=401)
    code = issue_code(sandbox, app["app_key"], seller["seller_id"], fields["redirect_uri"])
    return _redirect(fields["redirect_uri"], code=code, state=fields["state"])


routes = [Route("/oauth/authorize", authorize, methods=["GET", "POST"])]
