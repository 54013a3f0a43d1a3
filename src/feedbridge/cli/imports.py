"""`feedbridge imports`: add a project's imports, run them with a progress bar, show and accept runs.

`imports run` exits 0 when the run was accepted or the feed unchanged, 2 when it was held by a safety
rule (accept it with `imports accept`), and 1 when it failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from feedbridge.catalog.imports import (
    ImportSpec,
    add_import,
    find_import,
    import_source,
    list_imports,
    parse_field_type,
    remove_import,
)
from feedbridge.catalog.model import FeedFormat, ReadOptions
from feedbridge.catalog.models import MergeMode, RunStatus
from feedbridge.catalog.reports import run_report
from feedbridge.catalog.runs import accept_run, execute_run, get_run, list_runs, start_run
from feedbridge.catalog.sources import Source, save_upload
from feedbridge.cli.company import CompanyOption, resolve_company
from feedbridge.cli.import_progress import RunProgressBar
from feedbridge.cli.import_report import STATUS_STYLE, print_run
from feedbridge.cli.rules import stats_table
from feedbridge.config import Settings
from feedbridge.db.database import open_database
from feedbridge.encryption import load_keyring
from feedbridge.errors import InvalidInput
from feedbridge.projects.services import find_project
from feedbridge.rules.importing import ImportRulesHook, import_rules_hook

app = typer.Typer(
    help="Add, run, list and show a project's imports (its product feeds).", no_args_is_help=True
)

ProjectArg = Annotated[str, typer.Argument(help="The project's name.")]
ImportArg = Annotated[str, typer.Argument(help="The import's name, unique in its project.")]
EXIT_HELD = 2


def _pairs(values: list[str], what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip() or not setting.strip():
            raise InvalidInput(what, f"{value!r} must be FIELD={what.upper().replace(' ', '_')}.")
        pairs[name.strip()] = setting.strip()
    return pairs


def _source(settings: Settings, file: Path | None, url: str | None, upload: Path | None, username: str | None,
            password_file: Path | None) -> Source:  # fmt: skip
    if sum(x is not None for x in (file, url, upload)) != 1:
        raise InvalidInput("source", "give exactly one of --file PATH, --url URL or --upload PATH.")
    if (username or password_file) and url is None:
        raise InvalidInput("username", "--username and --password-file apply to --url sources only.")
    if url is not None:
        password = password_file.read_text().strip() if password_file else None
        return Source.from_url(url, username=username, password=password)
    if file is not None:
        return Source.from_file(file)
    assert upload is not None
    with upload.open("rb") as handle:  # stored under the data dir, as the web UI's upload will be
        upload_id = save_upload(
            iter(lambda: handle.read(1024 * 1024), b""), filename=upload.name, settings=settings
        )
    return Source.from_upload(upload_id)


@app.command()
def add(
    ctx: typer.Context,
    project: ProjectArg,
    name: ImportArg,
    file: Annotated[Path | None, typer.Option(help="A feed file on this machine.", dir_okay=False)] = None,
    url: Annotated[str | None, typer.Option(help="An http(s) URL of the feed.")] = None,
    upload: Annotated[Path | None, typer.Option(help="A file to copy into feedbridge's data dir.", exists=True, dir_okay=False)] = None,
    username: Annotated[str | None, typer.Option(help="User name for the URL (HTTP basic auth).")] = None,
    password_file: Annotated[Path | None, typer.Option(help="File holding the URL's password (stored encrypted).", exists=True, dir_okay=False)] = None,
    format: Annotated[FeedFormat | None, typer.Option(help="Feed format; default: detected.")] = None,
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter: , ; | or tab; default: detected.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding, e.g. utf-8, windows-1252; default: detected.")] = None,
    item_element: Annotated[str | None, typer.Option(help="XML: the repeating item element; default: detected.")] = None,
    json_path: Annotated[str | None, typer.Option(help="JSON: dotted path to the item array, e.g. data.products.")] = None,
    zip_member: Annotated[str | None, typer.Option(help="Which file of a .zip holding several.")] = None,
    id_field: Annotated[str | None, typer.Option(help="The unique ID field; default: proposed on each run.")] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", help="FIELD=TYPE (text, number, date, gtin, url, list); repeatable.")] = None,
    date_format: Annotated[list[str] | None, typer.Option(help="FIELD=FORMAT, e.g. expires=%d-%m-%Y; repeatable.")] = None,
    merge_mode: Annotated[MergeMode, typer.Option(help="How a later import joins the items.")] = MergeMode.OVERWRITE,
    merge_key: Annotated[str | None, typer.Option(help="This import's field matched to the items' ID; default: its unique ID.")] = None,
    case_insensitive: Annotated[bool, typer.Option("--case-insensitive", help="Match merge keys ignoring case.")] = False,
    max_drop_share: Annotated[float | None, typer.Option(help="Hold a run that loses more than this share of the items (default 0.3).", min=0, max=1)] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Add an import to a project: where its feed comes from and how to read it."""
    settings: Settings = ctx.obj
    source = _source(settings, file, url, upload, username, password_file)
    spec = ImportSpec(
        source=source,
        read_options=ReadOptions(format, delimiter, encoding, item_element, json_path, zip_member),
        unique_id_field=id_field,
        field_types={k: parse_field_type(v) for k, v in _pairs(type_ or [], "type").items()},
        date_formats=_pairs(date_format or [], "date format"),
        merge_mode=merge_mode,
        merge_key=merge_key,
        merge_case_sensitive=not case_insensitive,
        max_drop_share=max_drop_share,
    )
    keyring = load_keyring(settings) if source.password is not None else None
    database = open_database(settings)
    with database.sessions.begin() as session:
        company_id = resolve_company(session, company, create=False)
        found = find_project(session, company_id, project)
        imp = add_import(session, company_id, found.id, name, spec, keyring=keyring)
        order = (
            "defines the project's items"
            if imp.position == 0
            else f"merges into the items ({imp.merge_mode})"
        )
        typer.echo(f"Added import '{imp.name}' to project '{found.name}'; it {order}.")
        typer.echo(f"Run it with: feedbridge imports run '{found.name}' '{imp.name}'")


@app.command()
def run(
    ctx: typer.Context,
    project: ProjectArg,
    name: ImportArg,
    force: Annotated[bool, typer.Option("--force", help="Read the feed even if it has not changed.")] = False,
    company: CompanyOption = None,
) -> None:
    """Fetch and read the feed into a new snapshot, with a progress bar."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    # Two transactions: the run is visible as `running` while the feed downloads and is read.
    with database.sessions.begin() as session:
        company_id = resolve_company(session, company, create=False)
        imp = find_import(session, company_id, find_project(session, company_id, project).id, name)
        run_id = start_run(session, company_id, imp.id).id
        import_rules = import_rules_hook(session, company_id, imp.id)
    with RunProgressBar() as bar, database.sessions.begin() as session:
        finished = execute_run(
            session,
            settings,
            company_id,
            run_id,
            force=force,
            progress=bar.callbacks(),
            import_rules=import_rules,
        )
        status = finished.status
    console = Console()
    with database.sessions() as session:
        print_run(console, run_report(session, company_id, run_id), fields=False)
    if isinstance(import_rules, ImportRulesHook) and import_rules.stats:
        console.print(stats_table(f"import rules '{import_rules.rule_set.name}'", import_rules.stats))
    if status == RunStatus.HELD:
        typer.echo(f"Accept it with: feedbridge imports accept '{project}' '{name}' {run_id}")
        raise typer.Exit(EXIT_HELD)
    if status == RunStatus.FAILED:
        raise typer.Exit(1)


@app.command("list")
def list_(ctx: typer.Context, project: ProjectArg, company: CompanyOption = None) -> None:
    """List the project's imports in merge order with their last run."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    with database.sessions() as session:
        company_id = resolve_company(session, company, create=False)
        found = find_project(session, company_id, project)
        imports = list_imports(session, company_id, found.id)
        if not imports:
            typer.echo(f"Project '{found.name}' has no imports yet. Add one with: feedbridge imports add")
            return
        table = Table("#", "name", "source", "unique ID", "merge", "last run")
        for imp in imports:
            runs = list_runs(session, company_id, imp.id, limit=1)
            last = "never"
            if runs:
                style = STATUS_STYLE.get(runs[0].status, "")
                last = (
                    f"{runs[0].id}: [{style}]{runs[0].status}[/{style}] {runs[0].started_at:%Y-%m-%d %H:%M}"
                )
            merge = (
                "defines items" if imp is imports[0] else f"{imp.merge_mode} by {imp.merge_key or 'its ID'}"
            )
            table.add_row(
                str(imp.position + 1),
                imp.name,
                import_source(imp).describe(),
                imp.unique_id_field or "(proposed)",
                merge,
                last,
            )
        Console().print(table)


@app.command()
def show(
    ctx: typer.Context,
    project: ProjectArg,
    name: ImportArg,
    run_id: Annotated[int | None, typer.Option("--run", help="Which run; default: the latest.")] = None,
    company: CompanyOption = None,
) -> None:
    """Show a run: statistics, the difference, the ID report, field types and warnings."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    with database.sessions() as session:
        company_id = resolve_company(session, company, create=False)
        imp = find_import(session, company_id, find_project(session, company_id, project).id, name)
        if run_id is None:
            runs = list_runs(session, company_id, imp.id, limit=1)
            if not runs:
                typer.echo(f"Import '{imp.name}' has not run yet. Run it with: feedbridge imports run")
                return
            run_id = runs[0].id
        get_run(session, company_id, run_id, import_id=imp.id)
        print_run(Console(), run_report(session, company_id, run_id))


@app.command()
def accept(
    ctx: typer.Context, project: ProjectArg, name: ImportArg, run_id: Annotated[int, typer.Argument(help="The held run.")],
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Accept a held run: its snapshot becomes current and the project's items are merged again."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    with database.sessions.begin() as session:
        company_id = resolve_company(session, company, create=False)
        imp = find_import(session, company_id, find_project(session, company_id, project).id, name)
        get_run(session, company_id, run_id, import_id=imp.id)
        accept_run(session, settings, company_id, run_id)
    typer.echo(f"Accepted run {run_id} of '{name}'; its items are now current.")


@app.command()
def remove(ctx: typer.Context, project: ProjectArg, name: ImportArg, company: CompanyOption = None) -> None:
    """Remove an import with its runs and snapshots; the project's items are merged again without it."""
    settings: Settings = ctx.obj
    database = open_database(settings)
    with database.sessions.begin() as session:
        company_id = resolve_company(session, company, create=False)
        imp = find_import(session, company_id, find_project(session, company_id, project).id, name)
        remove_import(session, settings, company_id, imp.id)
    typer.echo(f"Removed import '{name}'.")
