"""Where a feed's bytes come from: a local file, an HTTP(S) URL, or an upload kept under the data dir.

`fetch` brings the bytes to a local file and says whether they changed since the last fetch, so an
unchanged feed costs one conditional request (or one hash) and no re-processing.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePath
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import SecretStr

from feedbridge.catalog.download import download, mask_url
from feedbridge.catalog.model import FeedError
from feedbridge.catalog.spool import Progress, sha256_file, spool, too_large
from feedbridge.config import Settings
from feedbridge.errors import InvalidInput

UPLOADS_DIR = "uploads"
# A random token plus the uploaded file's extension(s); no slash or leading dot, so never a path elsewhere.
_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9]{1,10}){0,2}")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an RFC 9110 token
# Set by feedbridge itself (conditional GET, framing); letting an import override them would break fetching.
_RESERVED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "if-none-match", "if-modified-since"}
)
_COMPRESSED_SUFFIXES = frozenset({".gz", ".zip", ".bz2", ".xz"})


class SourceKind(StrEnum):
    FILE = "file"
    URL = "url"
    UPLOAD = "upload"


@dataclass(frozen=True)
class Source:
    """Where an import's bytes come from. Build it with `from_file`, `from_url` or `from_upload`."""

    kind: SourceKind
    path: Path | None = None  # FILE: absolute path on the machine that runs the import
    url: str | None = None  # URL: http(s), without credentials (from_url moves them out)
    upload_id: str | None = None  # UPLOAD: see save_upload
    username: str | None = None  # URL: HTTP basic auth
    password: SecretStr | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict)  # URL: extra request headers

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", dict(self.headers))
        wanted = {SourceKind.FILE: "path", SourceKind.URL: "url", SourceKind.UPLOAD: "upload_id"}[self.kind]
        for name in ("path", "url", "upload_id"):
            if (getattr(self, name) is not None) != (name == wanted):
                raise InvalidInput(name, f"a {self.kind} source needs {wanted} and nothing else")
        if self.kind is not SourceKind.URL and (self.username or self.password or self.headers):
            raise InvalidInput("username", "only URL sources take a user name, password or headers")
        if self.path is not None and not self.path.is_absolute():
            raise InvalidInput("path", f"{self.path} is relative; give the full path to the file")
        if self.upload_id is not None:
            _check_upload_id(self.upload_id)
        if self.url is not None:
            self._check_url(self.url)

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
            raise InvalidInput(
                "url", "must be an http:// or https:// address such as https://shop.example/feed.xml"
            )
        if "@" in parts.netloc:
            raise InvalidInput("url", "must not hold a user name or password; set them on the import instead")
        if any(char.isspace() for char in url):
            raise InvalidInput("url", "must not contain spaces; encode them as %20")
        if self.password is not None and not self.username:
            raise InvalidInput("username", "a password needs a user name")
        if self.username and ":" in self.username:
            raise InvalidInput("username", "must not contain ':' (HTTP basic auth cannot carry it)")
        for name, value in self.headers.items():
            if not _HEADER_NAME.fullmatch(name) or name.lower() in _RESERVED_HEADERS:
                raise InvalidInput("headers", f"{name!r} cannot be used as an extra header name")
            if "\r" in value or "\n" in value:
                raise InvalidInput("headers", f"the value of {name} must be a single line")
            if name.lower() == "authorization" and self.username:
                raise InvalidInput(
                    "headers", "give either a user name and password or an Authorization header"
                )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Source:
        """A local file; a relative path is taken from the current folder, `~` is expanded."""
        return cls(SourceKind.FILE, path=Path(path).expanduser().absolute())

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        username: str | None = None,
        password: str | SecretStr | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Source:
        """A URL; `https://user:pass@host/…` is split so the password can be stored encrypted."""
        url = url.strip()
        parts = urlsplit(url)
        if "@" in parts.netloc and username is None:
            userinfo, host = parts.netloc.rsplit("@", 1)
            user, _, secret = userinfo.partition(":")
            username, password = unquote(user), unquote(secret) if secret else password
            url = urlunsplit(parts._replace(netloc=host))
        if isinstance(password, str):
            password = SecretStr(password)
        return cls(SourceKind.URL, url=url, username=username, password=password, headers=headers or {})

    @classmethod
    def from_upload(cls, upload_id: str) -> Source:
        return cls(SourceKind.UPLOAD, upload_id=upload_id)

    def describe(self) -> str:
        """How to name the source to a person: the path, the URL or the upload; never a credential."""
        if self.kind is SourceKind.URL:
            return mask_url(str(self.url))
        return str(self.path) if self.kind is SourceKind.FILE else f"upload {self.upload_id}"

    def key(self) -> str:
        """Identifies what is fetched; validators from a fetch of another key must not be sent."""
        parts = [self.kind.value, str(self.path or self.url or self.upload_id), self.username or ""]
        parts += [f"{name.lower()}:{value}" for name, value in sorted(self.headers.items())]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FetchState:
    """What a fetch leaves for the next one of the same source (stored with the import run)."""

    sha256: str
    size: int
    etag: str | None = None
    last_modified: str | None = None
    source_key: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """`unchanged`: the bytes are those of `previous`, and `path` is None. Otherwise `path` holds them:
    a file under `into` for a URL (the caller may delete it), the file itself for a file or upload."""

    unchanged: bool
    path: Path | None
    size: int
    sha256: str
    etag: str | None
    last_modified: str | None
    final_url: str | None  # after redirects, credentials masked; None for files and uploads
    content_type: str | None
    attempts: int
    source_key: str

    @property
    def state(self) -> FetchState:
        return FetchState(self.sha256, self.size, self.etag, self.last_modified, self.source_key)


def fetch(
    source: Source,
    *,
    into: Path,
    previous: FetchState | None,
    settings: Settings,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> FetchResult:
    """Bring the source's bytes to a local file, or say they have not changed since `previous`.

    Pass previous=None to force a full fetch (a re-import the merchant asked for, changed read options).
    `sleep` and `rng` drive the back-off between download attempts; tests pass their own.
    Raises FeedError (what, where, hint) for anything the source or the network does wrong.
    """
    key = source.key()
    if source.kind is not SourceKind.URL:
        path = upload_path(settings, str(source.upload_id)) if source.upload_id else source.path
        assert path is not None  # guaranteed by Source
        size, sha256 = _read_local(
            path, settings, uploaded=source.kind is SourceKind.UPLOAD, progress=progress
        )
        same = previous is not None and previous.sha256 == sha256
        return FetchResult(same, None if same else path, size, sha256, None, None, None, None, 1, key)

    # An ETag or date from another URL (the import was edited) could wrongly match: send only our own.
    validators = previous if previous is not None and previous.source_key == key else None
    password = source.password.get_secret_value() if source.password else ""
    got = download(
        str(source.url),
        into=into,
        settings=settings,
        headers=source.headers,
        auth=(source.username, password) if source.username else None,
        etag=validators.etag if validators else None,
        last_modified=validators.last_modified if validators else None,
        progress=progress,
        sleep=sleep,
        rng=rng,
    )
    if got.path is None:  # 304 Not Modified: only possible when validators from `previous` were sent
        assert previous is not None
        etag, modified = got.etag or previous.etag, got.last_modified or previous.last_modified
        return FetchResult(
            True, None, previous.size, previous.sha256, etag, modified, got.final_url, None, got.attempts, key
        )
    assert got.size is not None and got.sha256 is not None
    # Servers without validators (or that ignore them) still cost no re-processing when the bytes are equal.
    same = previous is not None and previous.sha256 == got.sha256
    if same:
        got.path.unlink(missing_ok=True)
    return FetchResult(
        same,
        None if same else got.path,
        got.size,
        got.sha256,
        got.etag,
        got.last_modified,
        got.final_url,
        got.content_type,
        got.attempts,
        key,
    )


def upload_path(settings: Settings, upload_id: str) -> Path:
    """Where the web layer keeps the bytes of upload `upload_id` (see save_upload)."""
    _check_upload_id(upload_id)
    return settings.data_dir / UPLOADS_DIR / upload_id


def save_upload(
    chunks: Iterable[bytes], *, filename: str, settings: Settings, progress: Progress | None = None
) -> str:
    """Store an uploaded feed (whole or not at all, within the size limit) and return its upload id.

    The id keeps the file's extension (`.csv`, `.xml.gz`) because readers use it as a hint.
    """
    settings.ensure_data_dir()
    upload_id = secrets.token_hex(16) + _suffixes(filename)
    spool(
        chunks,
        upload_path(settings, upload_id),
        max_bytes=settings.feed_max_bytes,
        source=filename or "upload",
        progress=progress,
    )
    return upload_id


def _suffixes(filename: str) -> str:
    suffixes = [s.lower() for s in PurePath(filename.replace("\\", "/")).suffixes]
    keep = suffixes[-2:] if suffixes[-1:] and suffixes[-1] in _COMPRESSED_SUFFIXES else suffixes[-1:]
    joined = "".join(keep)
    return joined if _UPLOAD_ID.fullmatch("x" + joined) else ""


def _check_upload_id(upload_id: str) -> None:
    if not _UPLOAD_ID.fullmatch(upload_id):
        raise InvalidInput("upload_id", f"{upload_id!r} is not an upload id")


def _read_local(
    path: Path, settings: Settings, *, uploaded: bool, progress: Progress | None
) -> tuple[int, str]:
    """Size and SHA-256 of a local feed file, or a FeedError that says what is wrong with it."""
    source = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise FeedError(
                "this is a folder, not a file", source=source, hint="give the path of the feed file"
            )
        if not stat.S_ISREG(info.st_mode):
            raise FeedError(
                "this is not a regular file (a device, pipe or socket)",
                source=source,
                hint="save the feed to a file and import that",
            )
        if info.st_size > settings.feed_max_bytes:
            raise too_large(source, settings.feed_max_bytes)
        return info.st_size, sha256_file(path, progress=progress)
    except FileNotFoundError:
        hint = (
            "upload the file again"
            if uploaded
            else "check the path; it is read on the machine that runs feedbridge"
        )
        raise FeedError("file not found", source=source, hint=hint) from None
    except PermissionError:
        raise FeedError(
            "cannot read the file: permission denied",
            source=source,
            hint="make it readable by the user that runs feedbridge",
        ) from None
    except OSError as exc:
        raise FeedError(f"cannot read the file ({exc.strerror or exc})", source=source) from None
