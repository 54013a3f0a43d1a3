"""A Rich progress display for an import run: one bar for the download, one for reading the feed."""

from __future__ import annotations

from types import TracebackType

from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from feedbridge.catalog.runs import RunProgress


class RunProgressBar:
    """Use as a context manager; `callbacks()` gives the RunProgress to pass to the run."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RunProgressBar:
        self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._progress.stop()

    def _task(self, name: str) -> TaskID:
        if name not in self._tasks:
            self._tasks[name] = self._progress.add_task(name, total=None)
        return self._tasks[name]

    def _stage(self, name: str) -> None:
        if name == "merging":
            self._progress.console.print("Merging the project's items …")

    def _download(self, done: int, total: int | None) -> None:
        self._progress.update(self._task("Fetching"), completed=done, total=total)

    def _parse(self, done: int, total: int) -> None:
        self._progress.update(self._task("Reading"), completed=done, total=total)

    def callbacks(self) -> RunProgress:
        return RunProgress(stage=self._stage, download=self._download, parse=self._parse)
