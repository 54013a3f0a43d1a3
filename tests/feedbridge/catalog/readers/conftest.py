"""Helpers for the reader tests: write bytes to a file and read it back as a feed, its items in memory."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from feedbridge.catalog.model import FeedError, FeedFormat, ReadOptions
from feedbridge.catalog.readers import read_feed


@dataclass
class Read:
    """A feed as `read_feed` returned it, with its items collected."""

    frame: pl.DataFrame
    format: FeedFormat
    details: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class Feeds:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, name: str, content: bytes | str, codec: str = "utf-8") -> Path:
        path = self.directory / name
        path.write_bytes(content.encode(codec) if isinstance(content, str) else content)
        return path

    def read(self, name: str, content: bytes | str, **options: Any) -> Read:
        return self.read_path(self.write(name, content), **options)

    def read_path(self, path: Path, progress: Callable[[int], None] | None = None, **options: Any) -> Read:
        """Read a feed file with a work directory of its own."""
        work = Path(tempfile.mkdtemp(prefix="work-", dir=self.directory))
        feed = read_feed(path, ReadOptions(**options), work=work, progress=progress)
        return Read(feed.frame.collect(), feed.format, feed.details, feed.warnings)

    def error(self, name: str, content: bytes | str, **options: Any) -> FeedError:
        with pytest.raises(FeedError) as caught:
            self.read(name, content, **options)
        return caught.value


@pytest.fixture
def feeds(tmp_path: Path) -> Feeds:
    return Feeds(tmp_path)
