"""Read a large XML file in parts, one per core, split where an item starts.

Parsing is what costs (lxml builds every element), so a plain file of at least two `MIN_PART_BYTES` is
cut at the start tag of an item near each share of its size. This process reads the first part; each
other part is read by a worker process (`python -m …xml_worker`, so no fork of a threaded process and
no re-import of the caller's `__main__`) from the same prolog (everything before the first item: the
XML declaration, the root, the namespaces) followed by its bytes. A cut is trusted only if it proves
right: a sentinel element fed after a part's bytes must land next to the items (not inside a CDATA
section or comment that merely contains `<item`), and every part must see items under the same
ancestors. Otherwise the file is read again in one piece, so splitting never changes the result.
Errors in a part are reported with the line and item numbers of the whole file. Every part spills its
items to chunk files (see columns) in a folder of the run's work directory, named part by part in file
order; an attempt that fails removes its folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

from feedbridge.catalog.model import FeedError
from feedbridge.catalog.readers.columns import Columns
from feedbridge.catalog.readers.xml_items import SENTINEL, ItemParser, Part, error_at
from feedbridge.catalog.readers.xml_safety import ITEMS

MIN_PART_BYTES = 64 * 1024**2
MAX_PARTS = 4
CHUNK = 4 * 1024**2
# This process's part is a little larger: the workers also have to start Python.
FIRST_BONUS = 0.04
_WINDOW = 16 * 1024**2  # how far after a share of the size an item start is looked for
_ASCII_SUPERSETS = (None, "utf-8", "ascii", "us-ascii", "iso-8859-1", "latin-1", "windows-1252")


@dataclass(frozen=True)
class Plan:
    prolog: bytes
    ancestors: tuple[str, ...]
    cuts: tuple[int, ...]  # byte offsets where parts 2, 3, … start
    size: int


def plan(path: Path, head: bytes, item: str, encoding: str | None, size: int) -> Plan | None:
    """Where to cut a plain file into parts, or None to read it in one piece."""
    parts = min(MAX_PARTS, cores(), size // MIN_PART_BYTES)
    if parts < 2 or encoding not in _ASCII_SUPERSETS or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # in UTF-16 a `<` is not one byte of its own
    start = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?" + re.escape(item.encode()) + rb"[\s/>]")
    first = start.search(head)
    if first is None:
        return None
    prolog = head[: first.start()]
    ancestors = _ancestors(prolog, encoding)
    cuts = []
    with path.open("rb") as handle:
        for share in range(1, parts):
            near = int(size * (share / parts + FIRST_BONUS))
            handle.seek(near)
            found = start.search(handle.read(_WINDOW))
            if found is None:
                return None
            cuts.append(near + found.start())
    if ancestors is None or sorted(set(cuts)) != cuts or cuts[0] <= first.start():
        return None
    return Plan(prolog, ancestors, tuple(cuts), size)


def cores() -> int:
    return len(os.sched_getaffinity(0))


def _ancestors(prolog: bytes, encoding: str | None) -> tuple[str, ...] | None:
    """The tags above an element that starts right after `prolog` (None if it cannot start there)."""
    parser = etree.XMLPullParser(events=("start",), tag=f"{{*}}{SENTINEL}", encoding=encoding, **ITEMS)
    try:
        parser.feed(prolog + f"<{SENTINEL}/>".encode())
        found = [element for _, element in parser.read_events()]
    except etree.XMLSyntaxError:
        return None
    return tuple(a.tag for a in found[0].iterancestors()) if found else None


def read_parts(
    path: Path,
    layout: Plan,
    item: str,
    encoding: str | None,
    source: str,
    work: Path,
    progress: Callable[[int], None] | None,
) -> list[Part] | None:
    """Every part's items in file order, spilled to chunk files under `work`; None when a cut proves
    wrong (read the file in one piece), with this attempt's chunk files removed."""
    bounds = [0, *layout.cuts, layout.size]
    directory = Path(tempfile.mkdtemp(prefix="parts-", dir=work))
    parts = None
    workers = [
        _Worker(
            path,
            layout.prolog,
            bounds[k],
            bounds[k + 1],
            k + 1 == len(bounds) - 1,
            item,
            encoding,
            source,
            directory,
            k,
        )
        for k in range(1, len(bounds) - 1)
    ]
    try:
        parts = _collect(path, layout, item, encoding, source, directory, workers, progress)
    finally:
        for worker in workers:
            worker.stop()
        if parts is None:
            shutil.rmtree(directory, ignore_errors=True)
    if parts is not None and progress is not None:
        progress(layout.size)
    return parts


def _collect(
    path: Path,
    layout: Plan,
    item: str,
    encoding: str | None,
    source: str,
    directory: Path,
    workers: list[_Worker],
    progress: Callable[[int], None] | None,
) -> list[Part] | None:
    """This process reads the first part while the workers read theirs; then their answers, in order."""
    first = ItemParser(item, encoding, source, Columns(directory, "part-0"))
    first.feed_all(chunks(path, 0, layout.cuts[0], lambda done: _report(progress, done, workers)))
    if not first.close_at_boundary() or first.part.ancestors != layout.ancestors:
        return None
    parts = [first.part]
    for worker in workers:
        part = worker.result(path, parts, lines_in_prolog=layout.prolog.count(b"\n"))
        if part is None or (part.count and part.ancestors != layout.ancestors):
            return None
        parts.append(part)
    return parts


def _report(progress: Callable[[int], None] | None, done: int, workers: list[_Worker]) -> None:
    if progress is not None:
        progress(done + sum(worker.done for worker in workers))


def chunks(
    path: Path, start: int, end: int, progress: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        position = start
        while position < end:
            chunk = handle.read(min(CHUNK, end - position))
            if not chunk:
                return
            position += len(chunk)
            yield chunk
            if progress is not None:
                progress(position - start)


class _Worker:
    """A process reading bytes [start, end) after the prolog; its chunk files are named in its answer."""

    def __init__(
        self,
        path: Path,
        prolog: bytes,
        start: int,
        end: int,
        last: bool,
        item: str,
        encoding: str | None,
        source: str,
        directory: Path,
        number: int,
    ) -> None:
        self.start, self.done = start, 0
        job = {"path": str(path), "prolog": prolog.hex(), "start": start, "end": end, "last": last}
        job |= {"item": item, "encoding": encoding, "source": source}
        job |= {"directory": str(directory), "prefix": f"part-{number}"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "feedbridge.catalog.readers.xml_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps(job))
        self._process.stdin.close()
        self._answer: dict[str, Any] = {}
        self._reader = threading.Thread(target=self._read, args=(self._process.stdout,), daemon=True)
        self._reader.start()

    def _read(self, stdout: IO[str]) -> None:
        for line in stdout:
            kind, _, rest = line.partition(" ")
            if kind == "progress":
                self.done = int(rest)
            elif kind == "done":
                self._answer = json.loads(rest)

    def result(self, path: Path, before: list[Part], lines_in_prolog: int) -> Part | None:
        self._process.wait()
        self._reader.join()
        answer = self._answer
        if self._process.returncode or not answer or not answer.get("boundary", True):
            return None
        if answer.get("error"):
            error = FeedError(**answer["error"])  # message, source, line, item, hint
            lines = sum(chunk.count(b"\n") for chunk in chunks(path, 0, self.start)) - lines_in_prolog
            raise error_at(error, lines=lines, items=sum(part.count for part in before))
        return Part(
            files=[Path(name) for name in answer["files"]],
            count=int(answer["count"]),
            item_tag=answer["item_tag"],
            prefixes=answer["prefixes"],
            encoding=answer["encoding"],
            ancestors=tuple(answer["ancestors"]),
        )

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
