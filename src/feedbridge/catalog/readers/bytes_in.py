"""Bytes in: open a feed file, undo its compression (gzip, zip, bzip2, xz) and count what was read.

Compression is detected by magic bytes, never by the file name alone; a `.zip` with several members
needs `ReadOptions.zip_member`. Reading reports progress as the number of bytes of the file on disk
consumed so far, so a progress bar's total is simply the file size.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from feedbridge.catalog.model import FeedError

Progress = Callable[[int], None]

# A decompressed feed larger than this is treated as a decompression bomb.
MAX_DECOMPRESSED_BYTES = 32 * 1024**3
# How often (in bytes of the file on disk) the progress callback is called at most.
PROGRESS_STEP = 1024**2

_IGNORED_ZIP_MEMBERS = ("__MACOSX/", ".DS_Store", "Thumbs.db")
_OTHER_MAGIC = {
    b"\x28\xb5\x2f\xfd": "Zstandard-compressed (.zst)",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"Rar!\x1a\x07": "a RAR archive",
}


@dataclass
class Opened:
    """A feed file ready to be read: how it is compressed and how to open its content as bytes."""

    path: Path
    source: str  # the name used in error messages
    compression: str | None = None  # "gzip", "zip", "bzip2", "xz"
    member: str | None = None  # the zip member read
    details: dict[str, str] = field(default_factory=dict)

    @property
    def plain(self) -> bool:
        """True when the file on disk is the content itself (readers may hand the path to Polars)."""
        return self.compression is None

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @contextmanager
    def stream(self, progress: Progress | None = None) -> Iterator[IO[bytes]]:
        """The decompressed content as a binary stream, reporting progress in bytes on disk."""
        with self.path.open("rb") as raw:
            counted = _Counting(raw, progress)
            content = _decompressor(self.compression, counted, self.member)
            try:
                yield _Limited(content, self.source) if self.compression else content  # type: ignore[misc]
            except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError) as error:
                raise FeedError(
                    f"the {self.compression or ''} data is damaged or truncated ({error})".replace("  ", " "),
                    source=self.source,
                    hint="download or export the file again",
                ) from error
            finally:
                counted.finish()

    def head(self, size: int = 64 * 1024) -> bytes:
        """The first `size` bytes of the decompressed content (for detection)."""
        with self.stream() as content:
            return content.read(size)


def _decompressor(compression: str | None, raw: _Counting, member: str | None) -> IO[bytes]:
    """The decompressed view of `raw` (closed with the file on disk it reads from)."""
    source: Any = raw
    if compression == "gzip":
        return gzip.GzipFile(fileobj=source, mode="rb")  # type: ignore[return-value]
    if compression == "bzip2":
        return bz2.BZ2File(source, mode="rb")
    if compression == "xz":
        return lzma.LZMAFile(source, mode="rb")
    if compression == "zip":
        assert member is not None
        return zipfile.ZipFile(source).open(member)
    return source  # type: ignore[no-any-return]


def open_feed(path: Path, *, source: str | None = None, zip_member: str | None = None) -> Opened:
    """Detect compression by magic bytes and, for a zip, choose the member to read."""
    name = source or path.name
    try:
        with path.open("rb") as raw:
            magic = raw.read(8)
    except FileNotFoundError as error:
        raise FeedError("the file does not exist", source=name) from error
    except OSError as error:
        raise FeedError(f"the file cannot be read ({error.strerror})", source=name) from error
    if magic.startswith(b"\x1f\x8b"):
        return Opened(path, name, "gzip", details={"compression": "gzip"})
    if magic.startswith(b"BZh"):
        return Opened(path, name, "bzip2", details={"compression": "bzip2"})
    if magic.startswith(b"\xfd7zXZ\x00"):
        return Opened(path, name, "xz", details={"compression": "xz"})
    if magic.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        member = _choose_member(path, name, zip_member)
        return Opened(
            path, f"{name} › {member}", "zip", member, details={"compression": "zip", "zip_member": member}
        )
    for prefix, what in _OTHER_MAGIC.items():
        if magic.startswith(prefix):
            raise FeedError(
                f"this is {what}, which feedbridge cannot unpack",
                source=name,
                hint="send the feed uncompressed, as .gz or as .zip",
            )
    return Opened(path, name)


def _choose_member(path: Path, name: str, wanted: str | None) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                info.filename
                for info in archive.infolist()
                if not info.is_dir() and not any(part in info.filename for part in _IGNORED_ZIP_MEMBERS)
            ]
    except (zipfile.BadZipFile, OSError) as error:
        raise FeedError(
            f"the zip archive is damaged ({error})", source=name, hint="download or export it again"
        ) from error
    if "[Content_Types].xml" in members and any(m.startswith("xl/") for m in members):
        raise FeedError(
            "this is an Excel workbook, not a feed",
            source=name,
            hint="in Excel use File › Save As › CSV UTF-8 and import that file",
        )
    listing = ", ".join(members[:20]) + (f", … ({len(members)} in all)" if len(members) > 20 else "")
    if wanted is not None:
        if wanted in members:
            return wanted
        raise FeedError(
            f"the zip archive has no member {wanted!r}", source=name, hint=f"choose one of: {listing}"
        )
    if not members:
        raise FeedError("the zip archive is empty", source=name, hint="put the feed file into the archive")
    if len(members) > 1:
        raise FeedError(
            f"the zip archive holds {len(members)} files and none was chosen",
            source=name,
            hint=f"choose the member to import: {listing}",
        )
    return members[0]


class _Counting(io.RawIOBase):
    """Wraps the file on disk; reports its position (bytes consumed) to the progress callback."""

    def __init__(self, raw: IO[bytes], progress: Progress | None) -> None:
        self._raw, self._progress, self._reported = raw, progress, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if self._progress is not None:
            position = self._raw.tell()
            if position - self._reported >= PROGRESS_STEP:
                self._reported = position
                self._progress(position)
        return int(count or 0)

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if self._progress is not None:
            position = self._raw.tell()
            if position - self._reported >= PROGRESS_STEP:
                self._reported = position
                self._progress(position)
        return data

    def finish(self) -> None:
        if self._progress is not None:
            position = max(self._raw.tell(), self._reported)
            self._reported = position
            self._progress(position)


class _Limited(io.RawIOBase):
    """Stops a decompression bomb: more than MAX_DECOMPRESSED_BYTES of content is an error."""

    def __init__(self, inner: IO[bytes], source: str) -> None:
        self._inner, self._source, self._total = inner, source, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        self._count(len(data))
        return len(data)

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._count(len(data))
        return data

    def _count(self, size: int) -> None:
        self._total += size
        if self._total > MAX_DECOMPRESSED_BYTES:
            raise FeedError(
                f"the unpacked feed is larger than {MAX_DECOMPRESSED_BYTES // 1024**3} GB",
                source=self._source,
                hint="this looks like a decompression bomb; send the feed uncompressed or split it",
            )
