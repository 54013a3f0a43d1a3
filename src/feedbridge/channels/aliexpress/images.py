"""Merchant images into the seller's photobank, each distinct image once (REFERENCE §3.15).

AliExpress takes only photobank URLs in a product. An image URL is looked up in the connection's cache
(`photobank_images`); a new one is downloaded, and its bytes are uploaded unless the same picture is
already there under another URL. Threads of one run asking for the same URL wait for one upload.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.catalog.model import FeedError
from feedbridge.catalog.url_guard import check_host
from feedbridge.channels.aliexpress.client import AliExpressClient, photobank
from feedbridge.channels.aliexpress.image_records import PhotobankImage
from feedbridge.config import Settings

MAX_IMAGE_BYTES = 3 * 1024 * 1024  # the photobank's limit
ALIEXPRESS_IMAGE_HOST = ".alicdn.com"


class ImageUnusable(Exception):
    """An image that cannot go to the photobank: why, in the merchant's terms."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"image {url}: {reason}")
        self.url = url
        self.reason = reason


class Photobank:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        connection_id: int,
        client: AliExpressClient,
        token: str,
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._connection_id = connection_id
        self._client = client
        self._token = token
        self._lock = threading.Lock()
        self._pending: dict[str, Future[str]] = {}
        self._http = httpx.Client(
            timeout=httpx.Timeout(
                settings.download_read_timeout_seconds, connect=settings.download_connect_timeout_seconds
            ),
            follow_redirects=True,
            headers={"User-Agent": "feedbridge"},
            event_hooks={"request": [] if settings.image_allow_private_urls else [_public_hosts_only]},
        )

    def close(self) -> None:
        self._http.close()

    def url_for(self, url: str) -> str:
        """The photobank URL of the image at `url`; raises ImageUnusable (or an AliExpressError)."""
        if self._already_there(url):
            return url
        return self._once(f"url:{url}", lambda: self._cached(url) or self._upload(url))

    def _once(self, key: str, work: Callable[[], str]) -> str:
        """`work()` done by one thread per key; the others wait for its answer (or its error)."""
        with self._lock:
            future = self._pending.get(key)
            owner = future is None
            if future is None:
                future = self._pending[key] = Future()
        if owner:
            try:
                future.set_result(work())
            except BaseException as error:
                future.set_exception(error)
            finally:
                with self._lock:
                    del self._pending[key]
        return future.result()

    def _already_there(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        gateway = self._settings.aliexpress_gateway_url.rstrip("/")
        return host.endswith(ALIEXPRESS_IMAGE_HOST) or url.startswith(f"{gateway}/kf/")

    def _cached(self, url: str) -> str | None:
        with self._sessions() as session:
            query = select(PhotobankImage.photobank_url).where(
                PhotobankImage.connection_id == self._connection_id, PhotobankImage.source_url == url
            )
            return session.scalar(query)

    def _upload(self, url: str) -> str:
        data = self._download(url)
        digest = hashlib.sha256(data).hexdigest()

        def first_of_its_content() -> str:
            known = self._by_content(digest)
            if known is None:
                known = photobank.upload_image(self._client, self._token, data, _file_name(url)).url
                self._remember(url, digest, known)  # before other threads may look for the content
            return known

        known = self._once(f"content:{digest}", first_of_its_content)
        self._remember(url, digest, known)
        return known

    def _by_content(self, digest: str) -> str | None:
        with self._sessions() as session:
            same = select(PhotobankImage.photobank_url).where(
                PhotobankImage.connection_id == self._connection_id, PhotobankImage.content_sha256 == digest
            )
            return session.scalars(same.limit(1)).first()

    def _remember(self, url: str, digest: str, photobank_url: str) -> None:
        record = PhotobankImage(
            connection_id=self._connection_id,
            source_url=url,
            content_sha256=digest,
            photobank_url=photobank_url,
        )
        try:
            with self._sessions.begin() as session:
                session.add(record)
        except IntegrityError:
            pass  # already remembered (by this thread's upload, or another run's): either serves

    def _download(self, url: str) -> bytes:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ImageUnusable(url, "not an http(s) URL; give the image's web address")
        try:
            with self._http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise ImageUnusable(url, f"the image server answered HTTP {response.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_IMAGE_BYTES:
                        raise ImageUnusable(
                            url, "larger than 3 MB, the most AliExpress takes; use a smaller image"
                        )
                    chunks.append(chunk)
        except FeedError:  # the host is on the local or private network
            raise ImageUnusable(url, _PRIVATE) from None
        except httpx.HTTPError as error:
            raise ImageUnusable(url, f"could not be downloaded ({type(error).__name__}: {error})") from None
        if not size:
            raise ImageUnusable(url, "the image server sent an empty file")
        return b"".join(chunks)


_PRIVATE = (
    "its host is on the local or private network, where feedbridge does not fetch from; use the image's "
    "public address (or allow such hosts with FEEDBRIDGE_IMAGE_ALLOW_PRIVATE_URLS=true)"
)


def _public_hosts_only(request: httpx.Request) -> None:
    url = request.url
    check_host(url.host, url.port or (443 if url.scheme == "https" else 80), str(url))


def _file_name(url: str) -> str:
    name = PurePosixPath(urlsplit(url).path).name or "image"
    return name[-200:]
