"""Feed bytes onto disk: written whole or not at all, hashed and counted on the way, within a size limit."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from feedbridge.catalog.model import FeedError

# Called with (bytes so far, expected total or None) while a feed is downloaded, stored or hashed.
Progress = Callable[[int, int | None], None]

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class Spooled:
    path: Path
    size: int
    sha256: str


def spool(
    chunks: Iterable[bytes],
    dest: Path,
    *,
    max_bytes: int,
    source: str,
    total: int | None = None,
    progress: Progress | None = None,
) -> Spooled:
    """Write `chunks` to `dest` through a temporary file in the same folder, renamed only when complete.

    Readers and later runs never see a half-written feed: any error (the size limit, a broken connection)
    removes the temporary file and leaves whatever `dest` held before untouched.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
    digest, size = hashlib.sha256(), 0
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(source, max_bytes)
                digest.update(chunk)
                out.write(chunk)
                if progress is not None:
                    progress(size, total)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return Spooled(dest, size, digest.hexdigest())


def sha256_file(path: Path, *, progress: Progress | None = None) -> str:
    """The file's SHA-256, read in chunks so memory stays flat whatever the file's size."""
    digest, done, total = hashlib.sha256(), 0, path.stat().st_size
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_SIZE):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return digest.hexdigest()


def too_large(source: str, max_bytes: int) -> FeedError:
    return FeedError(
        f"the feed is larger than the limit of {format_bytes(max_bytes)}",
        source=source,
        hint="compress it (.gz or .zip) or raise FEEDBRIDGE_FEED_MAX_BYTES",
    )


def format_bytes(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    value = count / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.3g} {unit}"
        value /= 1024
    return f"{value:.3g} GiB"
