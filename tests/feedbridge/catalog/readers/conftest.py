"""Helpers for the reader tests: write bytes to a file and read it back as a feed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from feedbridge.catalog.model import FeedError, RawFeed, ReadOptions
from feedbridge.catalog.readers import read_feed


class Feeds:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, name: str, content: bytes | str, codec: str = "utf-8") -> Path:
        path = self.directory / name
        path.write_bytes(content.encode(codec) if isinstance(content, str) else content)
        return path

    def read(self, name: str, content: bytes | str, **options: Any) -> RawFeed:
        return read_feed(self.write(name, content), ReadOptions(**options))

    def error(self, name: str, content: bytes | str, **options: Any) -> FeedError:
        with pytest.raises(FeedError) as caught:
            self.read(name, content, **options)
        return caught.value


@pytest.fixture
def feeds(tmp_path: Path) -> Feeds:
    return Feeds(tmp_path)
