"""`feedbridge rules`: a project's rule sets as code (export, import, test), their statistics on the
current items, explanations of one item, and rule templates.

`rules test` needs no database: it exits 0 when every test passes, 1 when one fails and 2 when a file
is not a valid test file, so agencies can run it in their own CI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from feedbridge.catalog.imports import find_import
from feedbridge.cli.company import CompanyOption, resolve_company
from feedbridge.db.database import open_database
from feedbridge.errors import FeedbridgeError, InvalidInput, NotFound
from feedbridge.projects.services import find_project
from feedbridge.rules import services
from feedbridge.rules.engine import Change, RuleStats
from feedbridge.rules.files import dump_rule_set, load_rule_set, rule_set_text
from feedbridge.rules.model import Layer, RuleSet
from feedbridge.rules.records import RuleSetRecord
from feedbridge.rules.templates import TEMPLATES
from feedbridge.rules.testing import RuleTestReport, run_rule_tests

app = typer.Typer(
    help="A project's rules: list, show, export, import, test, statistics, explain, templates.",
    no_args_is_help=True,
)

ProjectOption = Annotated[str, typer.Option("--project", "-p", help="The project's name.")]
RuleSetOption = Annotated[str | None, typer.Option("--rule-set", "-r", help="A rule set's name.")]
LayerOption = Annotated[Layer | None, typer.Option(help="The layer: import, project or api.")]
ImportOption = Annotated[
    str | None, typer.Option("--import", help="The import whose import rules these are.")
]
EXIT_INVALID = 2
VALUE_CHARS = 60


def _project(session: Session, company: str | None, project: str) -> tuple[int, int]:
    company_id = resolve_company(session, company, create=False)
    return company_id, find_project(session, company_id, project).id


@app.command("list")
def list_(ctx: typer.Context, project: ProjectOption, company: CompanyOption = None) -> None:
    """List the project's rule sets: import, project and API rules."""
    database = open_database(ctx.obj)
    with database.sessions() as session:
        company_id, project_id = _project(session, company, project)
        records = services.list_rule_sets(session, company_id, project_id)
        if not records:
            typer.echo(
                f"Project '{project}' has no rules yet. Import some with: feedbridge rules import FILE"
            )
            return
        table = Table("name", "layer", "rules", "updated")
        for record in records:
            rules = services.rule_set_of(record).rules
            enabled = sum(rule.enabled for rule in rules)
            counted = f"{len(rules)}" + (
                f" ({len(rules) - enabled} disabled)" if enabled < len(rules) else ""
            )
            table.add_row(
                escape(record.name),
                services.describe_rule_set(session, record),
                counted,
                f"{record.updated_at:%Y-%m-%d %H:%M}",
            )
        Console().print(table)


@app.command()
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The rule set's name.")],
    project: ProjectOption,
    company: CompanyOption = None,
) -> None:
    """Show a rule set as YAML (as `rules export` writes it)."""
    database = open_database(ctx.obj)
    with database.sessions() as session:
        record = services.find_rule_set(session, *_project(session, company, project), name)
        typer.echo(
            f"# {record.name}: {services.describe_rule_set(session, record)}, updated {record.updated_at:%Y-%m-%d %H:%M}"
        )
        typer.echo(rule_set_text(services.rule_set_of(record)), nl=False)


def _chosen(
    session: Session, company_id: int, project_id: int, rule_set: str | None, layer: Layer | None,
    import_name: str | None,
) -> RuleSetRecord:  # fmt: skip
    """The rule set named, or the one of a layer (the project's rules by default)."""
    if rule_set is not None:
        return services.find_rule_set(session, company_id, project_id, rule_set)
    if layer is Layer.API:
        raise InvalidInput("--layer", "a project can have several API rule sets: name one with --rule-set.")
    if layer is Layer.IMPORT or import_name is not None:
        if import_name is None:
            raise InvalidInput("--layer", "import rules belong to an import: name it with --import.")
        imp = find_import(session, company_id, project_id, import_name)
        record = services.import_rule_set(session, company_id, imp.id)
        if record is None:
            raise NotFound(f"import '{imp.name}' has no import rules.")
        return record
    record = services.project_rule_set(session, company_id, project_id)
    if record is None:
        raise NotFound("the project has no project rules; name an API rule set with --rule-set.")
    return record


@app.command()
def export(
    ctx: typer.Context,
    project: ProjectOption,
    rule_set: RuleSetOption = None,
    layer: LayerOption = None,
    import_name: ImportOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="A .yaml, .yml or .json file; default: YAML on stdout.", dir_okay=False)] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Export a rule set (default: the project rules) to YAML or JSON."""
    database = open_database(ctx.obj)
    with database.sessions() as session:
        company_id, project_id = _project(session, company, project)
        record = _chosen(session, company_id, project_id, rule_set, layer, import_name)
        rules = services.rule_set_of(record)
    if output is None:
        typer.echo(rule_set_text(rules), nl=False)
        return
    dump_rule_set(rules, output)
    typer.echo(f"Exported rule set '{rules.name}' ({len(rules.rules)} rules) to {output}.")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .yaml, .yml or .json rule set file.", dir_okay=False)],
    project: ProjectOption,
    layer: LayerOption = None,
    import_name: ImportOption = None,
    name: Annotated[str | None, typer.Option(help="Store under this name; default: the name in the file.")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Import a rule set file (validated): creates it, or replaces the rule set of that name."""
    rules = load_rule_set(file)
    if name is not None:
        rules = rules.model_copy(update={"name": name})
    if import_name is not None and layer not in (None, Layer.IMPORT):
        raise InvalidInput("--import", f"names the import of import rules, not of {layer} rules.")
    database = open_database(ctx.obj)
    with database.sessions.begin() as session:
        company_id, project_id = _project(session, company, project)
        import_id = find_import(session, company_id, project_id, import_name).id if import_name else None
        existing = _existing(session, company_id, project_id, rules.name)
        if layer is None:
            layer = Layer.IMPORT if import_id else Layer(existing.layer) if existing else Layer.PROJECT
        if existing is not None and import_name is None and layer is Layer.IMPORT:
            import_id = existing.import_id
        if layer is Layer.IMPORT and import_id is None:
            raise InvalidInput("--import", "import rules belong to an import: name it with --import NAME.")
        before = services.rule_set_of(existing) if existing else None
        record = services.save_rule_set(
            session, company_id, project_id, rules, layer=layer, import_id=import_id
        )
        verb = "Replaced" if existing else "Created"
        typer.echo(
            f"{verb} rule set '{record.name}' ({services.describe_rule_set(session, record)}, {len(rules.rules)} rules)."
        )
        for line in services.compare_rule_sets(before, rules) if before else []:
            typer.echo(f"  {line}")


def _existing(session: Session, company_id: int, project_id: int, name: str) -> RuleSetRecord | None:
    try:
        return services.find_rule_set(session, company_id, project_id, name)
    except services.RuleSetNotFound:
        return None


@app.command()
def rename(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The rule set's name.")],
    new_name: Annotated[str, typer.Argument(help="Its new name.")],
    project: ProjectOption,
    company: CompanyOption = None,
) -> None:
    """Rename a rule set."""
    database = open_database(ctx.obj)
    with database.sessions.begin() as session:
        company_id, project_id = _project(session, company, project)
        record = services.find_rule_set(session, company_id, project_id, name)
        services.rename_rule_set(session, company_id, record.id, new_name)
        typer.echo(f"Renamed rule set '{name}' to '{record.name}'.")


@app.command()
def delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The rule set's name.")],
    project: ProjectOption,
    company: CompanyOption = None,
) -> None:
    """Delete a rule set (export it first to keep a copy)."""
    database = open_database(ctx.obj)
    with database.sessions.begin() as session:
        company_id, project_id = _project(session, company, project)
        record = services.find_rule_set(session, company_id, project_id, name)
        services.delete_rule_set(session, company_id, record.id)
    typer.echo(f"Deleted rule set '{name}'.")


@app.command()
def test(
    files: Annotated[list[Path], typer.Argument(help="Rule test files (YAML or JSON).", dir_okay=False)],
) -> None:
    """Run rule tests: sample items and the items expected after the rules (no database needed)."""
    console, errors = Console(), Console(stderr=True, soft_wrap=True)
    reports: list[RuleTestReport] = []
    invalid = 0
    for file in files:
        try:
            reports.append(run_rule_tests(file))
        except FeedbridgeError as error:
            errors.print(Text.assemble(("Invalid test file: ", "bold red"), str(error)))
            invalid += 1
    table = Table("file", "test", "result", "details")
    for report in reports:
        for result in report.results:
            verdict = "[green]passed[/green]" if result.passed else "[bold red]FAILED[/bold red]"
            details = [str(difference) for difference in result.differences] + result.notes
            table.add_row(escape(str(report.path)), escape(result.name), verdict, escape("\n".join(details)))
    if reports:
        console.print(table)
    tests = sum(len(report.results) for report in reports)
    failed = sum(report.failed for report in reports)
    console.print(
        f"{tests} tests: {tests - failed} passed, {failed} failed"
        + (f"; {invalid} invalid files" if invalid else "")
    )
    if invalid:
        raise typer.Exit(EXIT_INVALID)
    if failed:
        raise typer.Exit(1)


def _changed(changed: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in changed.items())


def stats_table(title: str, stats: list[RuleStats]) -> Table:
    """Per-rule statistics as the merchant reads them (also printed after an import with import rules)."""
    table = Table(title=escape(title))
    for name in ("#", "rule", "selected", "before", "after", "changed"):
        table.add_column(name, justify="left" if name in ("rule", "changed") else "right")
    for stat in stats:
        table.add_row(
            str(stat.position + 1), escape(stat.name), str(stat.selected), str(stat.before), str(stat.after),
            escape(_changed(stat.changed)),
        )  # fmt: skip
    return table


@app.command()
def stats(ctx: typer.Context, project: ProjectOption, rule_set: RuleSetOption = None, company: CompanyOption = None) -> None:  # fmt: skip
    """Per-rule statistics on the current items: the project rules, then an API rule set's."""
    database = open_database(ctx.obj)
    with database.sessions() as session:
        company_id, project_id = _project(session, company, project)
        chosen = services.find_rule_set(session, company_id, project_id, rule_set).id if rule_set else None
        layers = services.rule_stats(session, company_id, project_id, rule_set_id=chosen)
    console = Console()
    for layer in layers:
        console.print(stats_table(f"{layer.layer.value} rules '{layer.rule_set}'", layer.stats))


def _value(value: Any) -> str:
    text = "null" if value is None else repr(value)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _changes(changes: list[Change]) -> str:
    return "\n".join(f"{c.field}: {_value(c.before)} → {_value(c.after)}" for c in changes)


@app.command()
def explain(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(help="The item's unique ID.")],
    project: ProjectOption,
    rule_set: RuleSetOption = None,
    company: CompanyOption = None,
) -> None:
    """What each rule did to one item: whether its IF matched, each change, and what excluded it."""
    database = open_database(ctx.obj)
    with database.sessions() as session:
        company_id, project_id = _project(session, company, project)
        chosen = services.find_rule_set(session, company_id, project_id, rule_set).id if rule_set else None
        layers = services.explain(session, company_id, project_id, item_id, rule_set_id=chosen)
    console = Console()
    for layer in layers:
        explanation = layer.explanation
        title = f"{layer.layer.value} rules '{layer.rule_set}' on item {explanation.item_id}"
        table = Table("#", "rule", "IF", "changes", title=escape(title))
        for step in explanation.steps:
            matched = "not reached" if not step.reached else "matched" if step.matched else "not matched"
            changes = _changes(step.changes) + ("\n[bold red]excluded[/bold red]" if step.excluded else "")
            table.add_row(str(step.position + 1), escape(step.name), matched, changes.lstrip("\n"))
        console.print(table)
        if explanation.excluded_by is not None:
            console.print(f"Excluded by rule '{escape(explanation.excluded_by)}'.")
        elif len(explanation.result) > 1:
            console.print(f"Split into {len(explanation.result)} items.")


@app.command()
def templates() -> None:
    """List the rule templates and their parameters."""
    table = Table(title="Rule templates (add one with `feedbridge rules add-template KEY`)")
    table.add_column("key", no_wrap=True, min_width=max(map(len, TEMPLATES), default=3))
    table.add_column("template")
    table.add_column("parameters")
    for template in TEMPLATES.values():
        params = "\n".join(
            f"{p.name}"
            + (f" = {p.default!r}" if p.default is not None else " (required)")
            + f": {p.description}"
            for p in template.params.values()
        )
        table.add_row(template.key, escape(f"{template.title}\n{template.description}"), escape(params))
    Console().print(table)


@app.command("add-template")
def add_template(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The template's key (see `feedbridge rules templates`).")],
    project: ProjectOption,
    rule_set: Annotated[str, typer.Option("--rule-set", "-r", help="The rule set to append to (created if new).")],
    param: Annotated[list[str] | None, typer.Option(help="NAME=VALUE for a template parameter; repeatable.")] = None,
    layer: Annotated[Layer, typer.Option(help="The layer of a new rule set.")] = Layer.PROJECT,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Append a template's rule to a rule set (created as a project or API rule set if new)."""
    template = TEMPLATES.get(key)
    if template is None:
        raise NotFound(f"there is no template '{key}'; `feedbridge rules templates` lists them.")
    rule = template.build(**_params(param or []))
    database = open_database(ctx.obj)
    with database.sessions.begin() as session:
        company_id, project_id = _project(session, company, project)
        existing = _existing(session, company_id, project_id, rule_set)
        current = services.rule_set_of(existing) if existing else RuleSet(name=rule_set)
        rule = rule.model_copy(update={"name": _free_name(rule.name, current)})
        if existing is None and layer is Layer.IMPORT:
            raise InvalidInput(
                "--layer", "create import rules with `feedbridge rules import FILE --import NAME`."
            )
        record = services.save_rule_set(
            session, company_id, project_id, current.model_copy(update={"rules": [*current.rules, rule]}),
            layer=Layer(existing.layer) if existing else layer, import_id=existing.import_id if existing else None,
        )  # fmt: skip
        typer.echo(
            f"Added rule '{rule.name}' to rule set '{record.name}' ({services.describe_rule_set(session, record)})."
        )


def _params(values: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise InvalidInput("--param", f"{value!r} must be NAME=VALUE.")
        params[name.strip()] = setting
    return params


def _free_name(name: str, rule_set: RuleSet) -> str:
    """`name`, or `name 2`, `name 3`… when the rule set has a rule of that name already."""
    taken = {rule.name.casefold() for rule in rule_set.rules}
    candidates = (name if n == 1 else f"{name} {n}" for n in range(1, len(taken) + 2))
    return next(candidate for candidate in candidates if candidate.casefold() not in taken)
