"""`feedbridge build`: an API's build — the AliExpress attributes and where their values come from."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from feedbridge.cli.api_context import ApiName, ProjectOption, StepBar, open_api
from feedbridge.cli.company import CompanyOption
from feedbridge.errors import InvalidInput
from feedbridge.listings import services
from feedbridge.listings.files import dump_build, load_build
from feedbridge.listings.spec import Rounding, Value

app = typer.Typer(
    help="An API's build: attributes, their values, value maps; as YAML too.", no_args_is_help=True
)

LEVEL_STYLES = {"mandatory": "red", "recommended": "yellow", "optional": "dim"}


def value_text(value: Value | None) -> str:
    """How a value is given, for people: `field price`, `static 3`, `template {brand} {title}` …"""
    if value is None:
        return "[dim]not set[/dim]"
    parts = [
        f"{kind} {escape(str(given))}"
        for kind in ("static", "field", "template", "formula")
        if (given := getattr(value, kind)) is not None
    ]
    if value.round is not None:
        parts.append(f"round {value.round.ending or value.round.decimals} {value.round.direction}")
    if value.unit:
        parts.append(f"unit {escape(value.unit)}")
    if value.map:
        parts.append(f"map of {len(value.map)}")
    return ", ".join(parts)


@app.command()
def show(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    tab: Annotated[str | None, typer.Option(help="Only one tab: general, title_description, images, shipping, variants, category.")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Every attribute of the API's listings with its level and the build's value; mandatory first."""
    found = open_api(ctx.obj, company, project, api)
    with StepBar() as bar:
        rows = services.build_attributes(
            found.database.sessions, found.ctx, found.company_id, found.api_id, progress=bar
        )
    with found.database.sessions() as session:
        build = services.get_build(session, found.company_id, found.api_id)
        saved = services.has_saved_build(session, found.company_id, found.api_id)
    order = {"mandatory": 0, "recommended": 1, "optional": 2}
    table = Table(
        "attribute",
        "key",
        "level",
        "tab",
        "value",
        "categories",
        title=escape(f"Build of API '{found.name}'"),
    )
    for row in sorted(rows, key=lambda r: (order[r.level], r.tab)):
        if tab is None or row.tab == tab:
            style = LEVEL_STYLES[row.level]
            table.add_row(escape(row.label), row.key, f"[{style}]{row.level}[/{style}]", row.tab,
                          value_text(row.value), str(row.categories or ""))  # fmt: skip
    console = Console()
    console.print(table)
    console.print(
        f"Variants grouped by field: {escape(build.variants.group_field or 'none (every item its own listing)')}; "
        f"language: {build.language or found.language}; localized prices: "
        + (", ".join(price.country for price in build.localized_prices) or "none")
    )
    if not saved:
        console.print(
            "[yellow]Suggested from the field names, not saved yet:[/yellow] `build set` or `build import` saves it."
        )


@app.command("set")
def set_(
    ctx: typer.Context,
    api: ApiName,
    key: Annotated[str, typer.Argument(help="A shared attribute (title, price …), category.<id>, variant.<id>, group_field or language.")],
    project: ProjectOption,
    static: Annotated[str | None, typer.Option(help="A fixed value; for attributes with allowed values an id or a name.")] = None,
    field: Annotated[str | None, typer.Option(help="An item field.")] = None,
    template: Annotated[str | None, typer.Option(help="Fields and text, e.g. '{brand} {title}'.")] = None,
    formula: Annotated[str | None, typer.Option(help="A calculation on fields, e.g. '{price} * 1.1 + 0.5'.")] = None,
    round_to: Annotated[str | None, typer.Option("--round", help="Numbers: decimals ('2') or a price ending ('.99').")] = None,
    unit: Annotated[str | None, typer.Option(help="Numbers: the unit of values that name none (g, kg, lb, cm, mm, in …).")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", help="VALUE=ID: map a merchant value to an allowed value id (repeatable; ID empty removes).")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the attribute from the build.")] = False,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Set one attribute's value (or add value map entries to it) and save the build."""
    found = open_api(ctx.obj, company, project, api)
    with found.database.sessions() as session:
        build = services.get_build(session, found.company_id, found.api_id)
    current = build.values().get(services.value_key(key))
    if clear:
        value = None
    elif any(option is not None for option in (static, field, template, formula)):
        value = Value(static=static, field=field, template=template, formula=formula, round=_rounding(round_to),
                      unit=unit, map=dict(current.map) if current else {})  # fmt: skip
    elif current is not None and (map_ or round_to or unit):
        value = current.model_copy(
            update={"round": _rounding(round_to) or current.round, "unit": unit or current.unit}
        )
    else:
        raise InvalidInput(
            key,
            "give --static, --field, --template or --formula (or --map to extend a set value, --clear to remove).",
        )
    if value is not None and map_:
        value = value.model_copy(update={"map": _mapped(dict(value.map), map_)})
    saved = services.save_build(
        found.database.sessions,
        found.ctx,
        found.company_id,
        found.api_id,
        services.set_value(build, key, value),
    )
    if key in ("language", "group_field"):
        shown = (saved.language if key == "language" else saved.variants.group_field) or "not set"
    else:
        shown = _plain(value_text(saved.values().get(services.value_key(key)))) if value else "removed"
    typer.echo(f"Saved the build of API '{found.name}': {key} = {shown}.")


def _rounding(text: str | None) -> Rounding | None:
    if text is None:
        return None
    return Rounding(decimals=int(text)) if text.isdigit() else Rounding(ending=text)


def _mapped(current: dict[str, str], entries: list[str]) -> dict[str, str]:
    for entry in entries:
        merchant, sep, choice = entry.rpartition("=")
        if not sep or not merchant.strip():
            raise InvalidInput("--map", f"{entry!r} must be VALUE=ID, e.g. 'Navy=173'.")
        if choice.strip():
            current[merchant.strip()] = choice.strip()
        else:
            current.pop(merchant.strip(), None)
    return current


def _plain(text: str) -> str:
    return Console(markup=True).render_str(text).plain


@app.command("export")
def export_(
    ctx: typer.Context, api: ApiName, file: Annotated[Path, typer.Argument(help="A .yaml, .yml or .json file.", dir_okay=False)],
    project: ProjectOption, company: CompanyOption = None,
) -> None:  # fmt: skip
    """Write the build to a YAML or JSON file (build as code)."""
    found = open_api(ctx.obj, company, project, api)
    with found.database.sessions() as session:
        build = services.get_build(session, found.company_id, found.api_id)
    dump_build(build, file)
    typer.echo(f"Wrote the build of API '{found.name}' to {file}.")


@app.command("import")
def import_(
    ctx: typer.Context, api: ApiName, file: Annotated[Path, typer.Argument(help="A file as `build export` writes it.", dir_okay=False)],
    project: ProjectOption, company: CompanyOption = None,
) -> None:  # fmt: skip
    """Replace the build by the one in a YAML or JSON file (checked before it is saved)."""
    found = open_api(ctx.obj, company, project, api)
    saved = services.save_build(
        found.database.sessions, found.ctx, found.company_id, found.api_id, load_build(file)
    )
    typer.echo(f"Imported the build of API '{found.name}' from {file}: {len(saved.values())} attributes set.")


@app.command()
def values(
    ctx: typer.Context, api: ApiName,
    key: Annotated[str, typer.Argument(help="An attribute with allowed values fed by a field: product_unit, category.<id>, variant.<id> …")],
    project: ProjectOption,
    unmapped: Annotated[bool, typer.Option("--unmapped", help="Only the values that map to nothing.")] = False,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """The value map of an attribute: each merchant value, its items, and the AliExpress value it maps to."""
    found = open_api(ctx.obj, company, project, api)
    rows = services.value_map(
        found.database.sessions, found.ctx, found.company_id, found.api_id, services.value_key(key)
    )
    table = Table("value", "items", "AliExpress value", "how", title=escape(f"{key} of API '{found.name}'"))
    for row in rows:
        if unmapped and row.choice_id is not None:
            continue
        target = (
            f"{escape(row.choice_name or '')} ({row.choice_id})" if row.choice_id else "[red]not mapped[/red]"
        )
        table.add_row(
            escape(row.value),
            str(row.items),
            target,
            {"map": "value map", "name": "by name", "none": ""}[row.how],
        )
    Console().print(table)
    missing = [row for row in rows if row.choice_id is None]
    if missing:
        typer.echo(f"{len(missing)} values ({sum(r.items for r in missing)} items) map to nothing: "
                   f"`feedbridge build set {shlex.quote(api)} {key} -p {shlex.quote(project)} --map VALUE=ID` "
                   "maps one (ID: an AliExpress value's id or name; `build choices` lists them).")  # fmt: skip


@app.command()
def choices(
    ctx: typer.Context, api: ApiName,
    key: Annotated[str, typer.Argument(help="An attribute with allowed values: product_unit, freight_template, category.<id>, variant.<id> …")],
    project: ProjectOption,
    search: Annotated[str | None, typer.Option(help="Only values whose name contains this text (any language).")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """The values an attribute allows, with their ids: for static values and value-map targets."""
    found = open_api(ctx.obj, company, project, api)
    allowed = services.attribute_choices(
        found.database.sessions, found.ctx, found.company_id, found.api_id, key
    )
    wanted = (search or "").casefold()
    table = Table("id", "name", "other names", title=escape(f"Values of {key} for API '{found.name}'"))
    for value in allowed:
        if wanted and not any(wanted in name.casefold() for name in [value.name, *value.other_names]):
            continue
        table.add_row(value.id, escape(value.name), escape(", ".join(value.other_names)))
    Console().print(table)
