"""Download a feed over HTTP(S); the catalog's only module that imports the HTTP library.

One GET, streamed to disk through `spool`: redirects followed (at most MAX_REDIRECTS), a conditional
request when validators from the last fetch are given, and retries with exponential back-off and jitter
on timeouts, broken connections and 5xx answers. Unless the settings allow it, every request (each
redirect too) is refused when its host is on a loopback, private or otherwise non-public address
(`url_guard`). A 4xx answer is never retried: asking again changes
nothing, and the merchant needs to know at once that the URL or its credentials are wrong.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from feedbridge.catalog.model import FeedError
from feedbridge.catalog.spool import Progress, spool, too_large
from feedbridge.catalog.url_guard import check_host
from feedbridge.config import Settings

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
MAX_BACKOFF_SECONDS = 60.0
USER_AGENT = "feedbridge (product feed import)"
ACCEPT = "application/xml, text/xml, text/csv, application/json, application/x-ndjson, */*;q=0.8"
# Enough of the body to see whether it starts like an HTML page.
SNIFF_BYTES = 512
HTML_STARTS = (b"<!doctype html", b"<html")
WEB_PAGE_HINT = (
    "open the URL in a browser: if it shows a shop page or a sign-in form, use the feed's download link "
    "(the feed's provider has it), or set the user name and password on the import"
)
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_DISPOSITION_NAME = re.compile(r"""filename\*?=(?:UTF-8'')?"?([^";]+)"?""", re.IGNORECASE)


@dataclass(frozen=True)
class Downloaded:
    """What the server sent; `path` is None when it answered 304 Not Modified."""

    path: Path | None
    size: int | None
    sha256: str | None
    etag: str | None
    last_modified: str | None
    final_url: str  # credentials masked
    content_type: str | None
    attempts: int


class _Transient(Exception):
    """A failure worth another attempt; it becomes a FeedError when the attempts run out."""

    def __init__(self, message: str, source: str, hint: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message, self.source, self.hint, self.retry_after = message, source, hint, retry_after


def mask_url(url: str) -> str:
    """The URL with any `user:password@` replaced by `***@`, safe for messages and logs."""
    return _USERINFO.sub(r"\1***@", url)


def backoff(attempt: int, base: float, rng: random.Random, retry_after: float | None = None) -> float:
    """Seconds to wait after failed attempt `attempt` (1-based): doubling, with the upper half jittered.

    Jitter spreads the retries of many imports that failed together (a feed server restarting) so they do
    not all come back at the same instant; a server's Retry-After is honoured up to the cap.
    """
    delay = min(MAX_BACKOFF_SECONDS, base * 2 ** (attempt - 1)) * rng.uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_BACKOFF_SECONDS))
    return delay


def download(
    url: str,
    *,
    into: Path,
    settings: Settings,
    headers: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> Downloaded:
    """Fetch `url` into the folder `into`; raises FeedError with a specific message and hint."""
    rng = rng or random.Random()
    request_headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, **(headers or {})}
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(
        settings.download_read_timeout_seconds, connect=settings.download_connect_timeout_seconds
    )
    client = httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers=request_headers,
        auth=httpx.BasicAuth(*auth) if auth else None,
        # httpx calls request hooks before sending each request, the redirects' included.
        event_hooks={"request": [] if settings.feed_allow_private_urls else [_public_hosts_only]},
    )
    with client:
        attempt = 0
        while True:
            attempt += 1
            try:
                return _attempt(client, url, into, settings, progress, attempt, auth is not None)
            except _Transient as failure:
                if attempt >= settings.download_max_attempts:
                    tries = f"{attempt} attempt" + ("s" if attempt > 1 else "")
                    raise FeedError(
                        f"{failure.message}; gave up after {tries}", source=failure.source, hint=failure.hint
                    ) from None
                delay = backoff(attempt, settings.download_backoff_seconds, rng, failure.retry_after)
                log.warning(
                    "feed download failed, trying again",
                    extra={"url": failure.source, "attempt": attempt, "reason": failure.message},
                )
                sleep(delay)


def _attempt(
    client: httpx.Client,
    url: str,
    into: Path,
    settings: Settings,
    progress: Progress | None,
    attempt: int,
    with_credentials: bool,
) -> Downloaded:
    source = mask_url(url)
    try:
        with client.stream("GET", url) as response:
            return _receive(response, into, settings, progress, attempt, with_credentials)
    except httpx.TimeoutException as exc:
        raise _Transient(_timeout_message(exc, settings), source, _SLOW_HINT) from None
    except httpx.TooManyRedirects:
        raise FeedError(
            f"the URL redirects more than {MAX_REDIRECTS} times",
            source=source,
            hint="open it in a browser and use the address it finally shows",
        ) from None
    except httpx.UnsupportedProtocol:
        raise FeedError(
            "the URL redirects to an address that is not http:// or https://",
            source=source,
            hint="ask the feed's provider for a direct http(s) link",
        ) from None
    except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
        reason = str(exc) or type(exc).__name__
        raise _Transient(f"the connection failed ({reason})", source, _DOWN_HINT) from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:  # a refused header value, an undecodable body, …
        raise FeedError(
            f"the download failed ({type(exc).__name__}: {exc})",
            source=source,
            hint="check the URL and the extra headers set on the import",
        ) from None


def _public_hosts_only(request: httpx.Request) -> None:
    url = request.url
    check_host(url.host, url.port or (443 if url.scheme == "https" else 80), mask_url(str(url)))


_SLOW_HINT = (
    "the feed's server is slow or down; try again later, or raise FEEDBRIDGE_DOWNLOAD_READ_TIMEOUT_SECONDS"
)
_DOWN_HINT = "check the host name in the URL and that the feed's server is up"


def _timeout_message(exc: httpx.TimeoutException, settings: Settings) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"could not connect within {settings.download_connect_timeout_seconds:g} s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"the server sent nothing for {settings.download_read_timeout_seconds:g} s"
    return f"the request timed out ({type(exc).__name__})"


def _receive(
    response: httpx.Response,
    into: Path,
    settings: Settings,
    progress: Progress | None,
    attempt: int,
    with_credentials: bool,
) -> Downloaded:
    final_url = mask_url(str(response.url))
    status, headers = response.status_code, response.headers
    conditional = (
        "if-none-match" in response.request.headers or "if-modified-since" in response.request.headers
    )
    if status == 304 and conditional:
        return Downloaded(
            None, None, None, headers.get("etag"), headers.get("last-modified"), final_url, None, attempt
        )
    if status >= 500:
        retry_after = headers.get("retry-after", "")
        raise _Transient(
            f"the server failed (HTTP {status} {response.reason_phrase})",
            final_url,
            "the feed's server has a problem; try again later or tell the feed's provider",
            float(retry_after) if retry_after.isdigit() else None,
        )
    if not 200 <= status < 300:
        raise _refused(status, response.reason_phrase, final_url, with_credentials)
    # Content-Length counts the compressed bytes when the body is content-encoded; only trust it otherwise.
    length = None if "content-encoding" in headers else _int(headers.get("content-length"))
    if length is not None and length > settings.feed_max_bytes:
        raise too_large(final_url, settings.feed_max_bytes)
    content_type = headers.get("content-type")
    spooled = spool(
        _refuse_web_page(response.iter_bytes(), content_type or "", final_url),
        into / _file_name(response),
        max_bytes=settings.feed_max_bytes,
        source=final_url,
        total=length,
        progress=progress,
    )
    etag, modified = headers.get("etag"), headers.get("last-modified")
    return Downloaded(
        spooled.path, spooled.size, spooled.sha256, etag, modified, final_url, content_type, attempt
    )


def _refused(status: int, reason: str, source: str, with_credentials: bool) -> FeedError:
    if status == 401 and with_credentials:
        message, hint = "the server refused the user name and password", "check them on the import"
    elif status == 401:
        message = "the feed URL needs credentials"
        hint = "set the user name and password the feed's provider gave you on the import"
    elif status == 403:
        message = "the server refuses access to the feed"
        hint = "check the URL and the credentials; some servers only serve known IP addresses"
    elif status in (404, 410):
        message, hint = "not found", "check the URL; the feed may have moved or been renamed"
    elif status == 429:
        message, hint = "the server says there were too many requests", "fetch the feed less often"
    else:
        message, hint = "the server refused the request", "check the URL and the extra headers of the import"
    return FeedError(f"{message} (HTTP {status} {reason})", source=source, hint=hint)


def _refuse_web_page(chunks: Iterator[bytes], content_type: str, source: str) -> Iterator[bytes]:
    """Pass the body through, unless it is an HTML page: a shop page or sign-in form instead of the feed."""
    if not content_type.lower().startswith("text/html"):
        yield from chunks
        return
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(HTML_STARTS):
        raise FeedError("this URL returns a web page, not a feed", source=source, hint=WEB_PAGE_HINT)
    yield head
    yield from chunks


def _file_name(response: httpx.Response) -> str:
    """A safe local name that keeps the feed's extension (.xml, .csv.gz, …), which readers use as a hint."""
    disposition = _DISPOSITION_NAME.search(response.headers.get("content-disposition", ""))
    name = unquote(disposition[1]) if disposition else unquote(urlsplit(str(response.url)).path)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name.rsplit("/", 1)[-1]).lstrip("._")[-100:]
    return name or "feed"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
