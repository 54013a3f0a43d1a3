"""Drive the sandbox's OAuth login form the way a seller's browser does (GET form, POST it, follow the code)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.hidden: dict[str, str] = {}
        self.inputs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action", "")
        elif tag == "input":
            self.inputs.append(a.get("name", ""))
            if a.get("type") == "hidden":
                self.hidden[a["name"]] = a.get("value", "")


def authorize_url(base_url: str, app_key: str, redirect_uri: str, state: str = "xyz") -> str:
    query = urlencode(
        {
            "response_type": "code",
            "force_auth": "true",
            "redirect_uri": redirect_uri,
            "client_id": app_key,
            "state": state,
        }
    )
    return f"{base_url}/oauth/authorize?{query}"


def login(
    http: httpx.Client, url: str, email: str, password: str, action: str = "authorize"
) -> httpx.Response:
    page = http.get(url)
    assert page.status_code == 200, page.text
    form = FormReader()
    form.feed(page.text)
    assert {"email", "password"} <= set(form.inputs)
    target = httpx.URL(url).join(form.action)
    return http.post(target, data={**form.hidden, "email": email, "password": password, "action": action})


def authorization_code(http: httpx.Client, base_url: str, credentials: dict, state: str = "xyz") -> str:
    app, seller = credentials["app"], credentials["seller"]
    redirect_uri = app["redirect_uris"][0]
    answer = login(
        http,
        authorize_url(base_url, app["app_key"], redirect_uri, state),
        seller["email"],
        seller["password"],
    )
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["location"])
    query = parse_qs(location.query)
    assert query["state"] == [state]
    return query["code"][0]
