"""`feedbridge categories`: an API's AliExpress category tree, its manual category lines (list, add, set,
remove, move, generate, export and import as YAML), its uncategorized items, and the AI categorization
commands of `cli.categories_ai`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from feedbridge.catalog.items import ItemFilter, Match
from feedbridge.categories import services
from feedbridge.categories.files import dump_lines, load_lines
from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.tree import ROOT, CategoryTree
from feedbridge.cli import categories_ai
from feedbridge.cli.api_context import ApiName, ProjectOption, category_tree_of, open_api
from feedbridge.cli.company import CompanyOption
from feedbridge.errors import InvalidInput
from feedbridge.rules.model import Condition, Group, TextCondition
from feedbridge.validation import clean_name

app = typer.Typer(
    help="An API's categories: the AliExpress category tree, manual category lines, uncategorized items.",
    no_args_is_help=True,
)

LineNumber = Annotated[
    int, typer.Argument(help="The line's position (1 for the first; see `categories lines`).")
]
CLEAR = "none"
LINE_COLUMNS = ("#", "label", "if", "category", "matched", "categorized")


# --- the tree ------------------------------------------------------------------------------------------


@app.command()
def tree(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    search: Annotated[str | None, typer.Option(help="Find leaf categories by name or path, in any language.")] = None,
    language: Annotated[str | None, typer.Option(help="Language of the names shown; default: the API's.")] = None,
    parent: Annotated[int, typer.Option(help="Show the categories under this one (0: the top level).")] = ROOT,
    refresh: Annotated[bool, typer.Option("--refresh", help="Read the tree from AliExpress again.")] = False,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Browse or search the connection's category tree (only categories the seller may post in)."""
    found = open_api(ctx.obj, company, project, api)
    categories = category_tree_of(found, refresh=refresh)
    language = language or found.language
    console = Console()
    if search is not None:
        hits = categories.search(search, language)
        table = Table("id", "path", "matched", title=escape(f"Leaf categories matching {search!r}"))
        for hit in hits:
            matched = "" if hit.language == language else f"{hit.language} name"
            table.add_row(str(hit.id), escape(hit.path), matched)
        console.print(
            table if hits else escape(f"No leaf category matches {search!r}; try fewer or other words.")
        )
        return
    if parent != ROOT and categories.get(parent) is None:
        raise InvalidInput("--parent", f"category {parent} is not in the connection's category tree.")
    title = categories.path_text(parent, language) if parent != ROOT else "Top level"
    table = Table("id", "leaf", "name", title=escape(title))
    for node in categories.children(parent):
        table.add_row(
            str(node.id), "leaf" if node.is_leaf else "›", escape(categories.name(node.id, language))
        )
    console.print(table)
    console.print(
        f"{len(categories)} categories, {len(categories.leaf_ids())} leaves to choose from; "
        "`--parent ID` opens a category, `--search TEXT` finds leaves."
    )


# --- lines ---------------------------------------------------------------------------------------------


def condition_text(group: Group) -> str:
    """A condition group as one line of text: `product_type equals "Shoes" and price greater than 10`."""
    parts = [f"({condition_text(m)})" if isinstance(m, Group) else _condition_text(m) for m in group.members]
    if not parts:
        return "every item" if group.mode == "all" else "no item"
    return (" and " if group.mode == "all" else " or ").join(parts)


def _condition_text(condition: Condition) -> str:
    data = condition.model_dump(mode="json", exclude_defaults=True, exclude={"op", "field"})
    words = [getattr(condition, "field", ""), condition.op.replace("_", " ")]
    if "value" in data:
        words.append(json.dumps(data.pop("value"), ensure_ascii=False))
    if "other_field" in data:
        words.append(f"field {data.pop('other_field')}")
    if "values" in data:
        words.append(", ".join(json.dumps(value, ensure_ascii=False) for value in data.pop("values")))
    words += [f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in data.items()]
    return " ".join(word for word in words if word)


def _target(categories: CategoryTree, category_id: int | None, language: str) -> str:
    if category_id is None:
        return "[yellow]not picked[/yellow]"
    path = categories.path_text(category_id, language)
    return f"{category_id} {escape(path)}" if path else f"{category_id} [red](not in the tree)[/red]"


@app.command()
def lines(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    export: Annotated[Path | None, typer.Option("--export", help="Write the lines to a .yaml, .yml or .json file.", dir_okay=False)] = None,
    import_file: Annotated[Path | None, typer.Option("--import", help="Replace the lines by those of a file (as --export writes it).", dir_okay=False)] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """The API's category lines with their target and counts (first matching line wins)."""
    found = open_api(ctx.obj, company, project, api)
    if export is not None and import_file is not None:
        raise InvalidInput("--export", "export or import, not both at once.")
    if import_file is not None:
        read = load_lines(import_file)
        categories = category_tree_of(found)
        with found.database.sessions.begin() as session:
            services.replace_lines(session, found.company_id, found.api_id, read, tree=categories)
        typer.echo(f"Imported {len(read)} category lines into API '{found.name}' from {import_file}.")
        return
    with found.database.sessions() as session:
        current = services.list_lines(session, found.company_id, found.api_id)
    if export is not None:
        dump_lines(current, export)
        typer.echo(f"Exported {len(current)} category lines of API '{found.name}' to {export}.")
        return
    if not current:
        typer.echo(
            f"API '{found.name}' has no category lines yet; add one with `feedbridge categories add` or generate them."
        )
        return
    categories = category_tree_of(found)
    with found.database.sessions() as session:
        counted = services.lines_with_counts(session, found.company_id, found.api_id)
        overview = services.overview(session, found.company_id, found.api_id, ctx.obj)
    table = Table(*LINE_COLUMNS, title=escape(f"Category lines of API '{found.name}'"))
    for entry in counted:
        table.add_row(
            str(entry.position), escape(entry.line.label or ""), escape(condition_text(entry.line.when)),
            _target(categories, entry.line.category_id, found.language), str(entry.matched), str(entry.categorized),
        )  # fmt: skip
    console = Console()
    console.print(table)
    console.print(_overview_text(overview))


def _overview_text(overview: services.Overview) -> str:
    return (
        f"{overview.items} items: {overview.by_lines} by lines, {overview.by_ai} by AI, "
        f"{overview.uncategorized} uncategorized — {overview.share:.1%} categorized"
        + (f" ({overview.excluded} excluded by the rules)" if overview.excluded else "")
    )


def _where(texts: list[str]) -> Group:
    conditions: list[Condition | Group] = []
    for text in texts:
        parsed = ItemFilter.parse(text)
        value = parsed.text.strip()
        if not value:
            raise InvalidInput(
                "--where", f"{text!r} has no text after the field: write FIELD=TEXT or FIELD~TEXT."
            )
        op = "equals" if parsed.match is Match.EQUALS else "contains"
        conditions.append(TextCondition(op=op, field=parsed.field, value=value))
    return Group(all=conditions)


def _category(text: str) -> int | None:
    if text.strip().lower() == CLEAR:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(
            "CATEGORY", f"{text!r} is not a category id; give a number, or '{CLEAR}'."
        ) from None


@app.command()
def add(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    where: Annotated[list[str], typer.Option(help="FIELD=TEXT (equals) or FIELD~TEXT (contains); repeat for AND.")],
    category: Annotated[int | None, typer.Option(help="The leaf category of the matched items.", min=1)] = None,
    label: Annotated[str | None, typer.Option(help="What the line is for.")] = None,
    position: Annotated[int | None, typer.Option(help="Insert at this position; default: last.", min=1)] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Add a category line: items matching every --where go to --category."""
    found = open_api(ctx.obj, company, project, api)
    label = None if label is None else clean_name(label, field="--label")
    line = CategoryLine(when=_where(where), category_id=category, label=label)
    categories = category_tree_of(found) if category is not None else None
    with found.database.sessions.begin() as session:
        added = services.add_line(
            session, found.company_id, found.api_id, line, position=position, tree=categories
        )
    typer.echo(f"Added line {added} to API '{found.name}': {condition_text(line.when)}.")


@app.command("set")
def set_(
    ctx: typer.Context,
    api: ApiName,
    line: LineNumber,
    category: Annotated[str, typer.Argument(help=f"The leaf category id, or '{CLEAR}' for no target.")],
    project: ProjectOption,
    company: CompanyOption = None,
) -> None:
    """Pick the category of a line."""
    found = open_api(ctx.obj, company, project, api)
    category_id = _category(category)
    categories = category_tree_of(found) if category_id is not None else None
    with found.database.sessions.begin() as session:
        services.set_line_category(
            session, found.company_id, found.api_id, line, category_id, tree=categories
        )
    if categories is None or category_id is None:
        typer.echo(f"Line {line} of API '{found.name}' has no category now: it categorizes nothing.")
        return
    path = categories.path_text(category_id, found.language)
    typer.echo(f"Line {line} of API '{found.name}' now puts its items in {category_id} {path}.")


@app.command()
def remove(ctx: typer.Context, api: ApiName, line: LineNumber, project: ProjectOption, company: CompanyOption = None) -> None:  # fmt: skip
    """Remove a line (the lines after it move up)."""
    found = open_api(ctx.obj, company, project, api)
    with found.database.sessions.begin() as session:
        services.delete_line(session, found.company_id, found.api_id, line)
    typer.echo(f"Removed line {line} of API '{found.name}'.")


@app.command()
def move(
    ctx: typer.Context,
    api: ApiName,
    line: LineNumber,
    position: Annotated[int, typer.Argument(help="Its new position.")],
    project: ProjectOption,
    company: CompanyOption = None,
) -> None:
    """Move a line to another position (lines are tried top to bottom)."""
    found = open_api(ctx.obj, company, project, api)
    with found.database.sessions.begin() as session:
        services.move_line(session, found.company_id, found.api_id, line, position)
    typer.echo(f"Moved line {line} of API '{found.name}' to position {position}.")


@app.command()
def generate(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    field: Annotated[str, typer.Option(help="A field that holds the merchant's own category, e.g. product_type.")],
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """One line per distinct value of a category field, most items first; you then pick each target."""
    found = open_api(ctx.obj, company, project, api)
    with found.database.sessions.begin() as session:
        created = services.generate_lines(session, found.company_id, found.api_id, field)
    if not created:
        typer.echo(f"Every value of {field!r} already has a line; nothing to add.")
        return
    table = Table("#", "label", "items", title=escape(f"New lines of API '{found.name}'"))
    for entry in created:
        table.add_row(str(entry.position), escape(entry.line.label or ""), str(entry.matched))
    Console().print(table)
    typer.echo(
        f"Added {len(created)} lines without a category; pick each one's with "
        f"`feedbridge categories set '{found.name}' LINE CATEGORY -p '{project}'`."
    )


@app.command()
def uncategorized(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    page: Annotated[int, typer.Option(help="Page number, from 1.", min=1)] = 1,
    fields: Annotated[str | None, typer.Option(help="Comma-separated fields to show (the ID field always is).")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """The items no line and no accepted AI suggestion categorized, with the share categorized."""
    found = open_api(ctx.obj, company, project, api)
    wanted = [name.strip() for name in fields.split(",") if name.strip()] if fields else None
    with found.database.sessions() as session:
        result = services.uncategorized(
            session, found.company_id, found.api_id, ctx.obj, page=page, fields=wanted
        )
    items = result.page
    console = Console()
    console.print(_overview_text(result.overview))
    if not items.total:
        return
    title = f"Uncategorized items, page {items.page} of {items.pages}"
    table = Table(*map(escape, items.fields), title=title)
    for row in items.items:
        table.add_row(*(escape(_cell(row[name])) for name in items.fields))
    console.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return ", ".join(value) if isinstance(value, list) else str(value)


categories_ai.register(app)
