"""A short-lived local HTTP listener that catches the OAuth redirect for `feedbridge connections add`.

It listens on the redirect URI's host, port and path, answers the browser once and hands back the full
address the browser was sent to (with `code` and `state`); everything else gets a 404. Bind it before
sending the seller to AliExpress, so the redirect can never arrive before the listener does.
"""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from feedbridge.errors import FeedbridgeError

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
PAGE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>feedbridge</title></head><body>"
    b"<p>feedbridge received the answer from AliExpress. You can close this tab and go back to the terminal.</p>"
    b"</body></html>"
)


class ListenerError(FeedbridgeError):
    """The callback cannot be received locally; the pasted redirect URL still works."""


class CallbackListener:
    def __init__(self, redirect_uri: str) -> None:
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
            raise ListenerError(
                f"the redirect URI {redirect_uri} is not a plain http:// address on this machine, so feedbridge "
                "cannot receive the callback itself; use --paste and paste the address the browser ends up on."
            )
        self._origin = f"http://{parts.netloc}"
        self._path = parts.path or "/"
        self.received: str | None = None
        try:
            self._server = HTTPServer((parts.hostname, parts.port or 80), self._handler())
        except OSError as error:
            raise ListenerError(
                f"cannot listen on {parts.netloc} for the callback ({error.strerror}); free the port or use --paste."
            ) from None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if urlsplit(self.path).path != listener._path:
                    self.send_error(404)
                    return
                listener.received = listener._origin + self.path
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)

            def log_message(self, format: str, *args: object) -> None:
                pass  # request lines carry the authorization code: never print them

        return Handler

    def wait(self, timeout: float) -> str:
        """The redirect URL, once the browser arrives; ListenerError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self.received is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ListenerError(
                    f"no callback from AliExpress within {timeout:g} seconds; run the command again, or use "
                    "--paste with the address the browser ends up on."
                )
            self._server.timeout = remaining
            self._server.handle_request()
        return self.received

    def close(self) -> None:
        self._server.server_close()

    def __enter__(self) -> CallbackListener:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
