"""What the commands about one API share: finding it (company, project, name), the database and the
connection context, and a progress bar for the steps of computing its listings."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import TracebackType
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from feedbridge.apis.services import find_api
from feedbridge.categories.services import category_tree
from feedbridge.categories.tree import CategoryTree
from feedbridge.cli.company import resolve_company
from feedbridge.config import Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.db.database import Database, open_database
from feedbridge.encryption import load_keyring
from feedbridge.projects.services import find_project

ApiName = Annotated[str, typer.Argument(help="The API's name.")]
ProjectOption = Annotated[str, typer.Option("--project", "-p", help="The project's name.")]


@dataclass(frozen=True)
class ApiContext:
    database: Database
    ctx: ConnectionContext
    company_id: int
    api_id: int
    name: str
    connection_id: int
    language: str


def open_api(settings: Settings, company: str | None, project: str, name: str) -> ApiContext:
    database = open_database(settings)
    with database.sessions() as session:
        company_id = resolve_company(session, company, create=False)
        api = find_api(session, company_id, find_project(session, company_id, project).id, name)
        ctx = ConnectionContext(settings, load_keyring(settings))
        return ApiContext(database, ctx, company_id, api.id, api.name, api.connection_id, api.language)


class StepBar:
    """A transient progress bar for a computation in named steps, shown once a step reports."""

    def __init__(self) -> None:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        self._progress = Progress(*columns, transient=True)
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> StepBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._progress.stop()

    def __call__(self, step: str, done: int, total: int) -> None:
        if step not in self._tasks:
            self._progress.start()
            self._tasks[step] = self._progress.add_task(step.capitalize(), total=total)
        self._progress.update(self._tasks[step], completed=done, total=total)


def category_tree_of(api: ApiContext, *, refresh: bool = False) -> CategoryTree:
    """The API's connection's tree, with a progress bar while it is read from AliExpress (not the cache)."""
    with StepBar() as bar:
        progress = functools.partial(bar, "reading the category tree")
        return category_tree(
            api.database.sessions, api.ctx, api.connection_id, refresh=refresh, progress=progress
        )
