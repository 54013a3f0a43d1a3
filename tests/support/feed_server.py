"""A scriptable feed server on an ephemeral loopback port in a background thread, for download tests.

Each path gets a `Route`: the bytes to serve and how to misbehave (fail N times, redirect, ask for
credentials, stall). Every request is recorded so tests can check what the client sent.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/xml"
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fail_times: int = 0  # answer `fail_status` this many times before serving
    fail_status: int = 500
    redirect_to: str | None = None
    auth: tuple[str, str] | None = None  # HTTP basic credentials the route requires
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    delay: float = 0.0  # seconds before the status line (a read timeout for a short client timeout)
    stall_after: int | None = None  # send this many body bytes, then go silent


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self, base_url: str, stop: threading.Event) -> None:
        self.base_url = base_url
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self._stop = stop

    def route(self, path: str, **options: Any) -> str:
        """Serve `path` as `Route(**options)` describes; returns its full URL."""
        self.routes[path] = Route(**options)
        return self.base_url + path

    def seen(self, path: str) -> list[Seen]:
        return [request for request in self.requests if request.path == path]

    def wait(self, seconds: float) -> None:
        # Ends early when the server stops, so a stalled handler never holds up the test run.
        self._stop.wait(seconds)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    feed: FeedServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out and hung up mid-answer is what the slow routes are for


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.feed.requests.append(Seen(path, {k.lower(): v for k, v in self.headers.items()}))
        route = self.server.feed.routes.get(path)
        if route is None:
            return self._answer(404, b"no such feed", "text/plain")
        if route.delay:
            self.server.feed.wait(route.delay)
        if route.fail_times > 0:
            route.fail_times -= 1
            return self._answer(route.fail_status, b"server error", "text/plain", route.headers)
        if route.redirect_to is not None:
            return self._answer(route.status, b"", "text/plain", {"Location": route.redirect_to})
        if route.auth is not None and not self._authorised(route.auth):
            return self._answer(401, b"sign in", "text/plain", {"WWW-Authenticate": 'Basic realm="feed"'})
        validators = {"ETag": route.etag, "Last-Modified": route.last_modified}
        validators_sent = {k: v for k, v in validators.items() if v is not None}
        if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
            route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
        ):
            return self._answer(304, b"", None, validators_sent)
        headers = {**validators_sent, **route.headers}
        self._answer(route.status, route.body, route.content_type, headers, route)

    def _authorised(self, credentials: tuple[str, str]) -> bool:
        expected = base64.b64encode(":".join(credentials).encode()).decode()
        return self.headers.get("Authorization") == f"Basic {expected}"

    def _answer(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str] | None = None,
        route: Route | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if route is None or route.send_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if route is not None and route.stall_after is not None:
            self.wfile.write(body[: route.stall_after])
            self.wfile.flush()
            self.server.feed.wait(60)
            return
        if status != 304:
            self.wfile.write(body)


@contextmanager
def running_feed_server() -> Iterator[FeedServer]:
    stop = threading.Event()
    httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.feed = FeedServer(f"http://127.0.0.1:{httpd.server_address[1]}", stop)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield httpd.feed
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
