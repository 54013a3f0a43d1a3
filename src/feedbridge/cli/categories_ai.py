"""`feedbridge categories suggest|review|accept|correct|ai-settings|evaluate`: AI categorization."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from feedbridge.apis import services as api_services
from feedbridge.categories.ai import services
from feedbridge.categories.ai.calibration import UNMEASURED_CAP
from feedbridge.categories.ai.evaluation import evaluate as run_evaluation
from feedbridge.categories.ai.labelled import read_labelled, read_tree
from feedbridge.categories.ai.settings import ai_settings, changed_ai_settings
from feedbridge.categories.ai.zeroshot import TreeIndex
from feedbridge.cli.api_context import ApiName, ProjectOption, category_tree_of, open_api
from feedbridge.cli.company import CompanyOption
from feedbridge.errors import InvalidInput

ItemIds = Annotated[list[str] | None, typer.Argument(help="Item IDs (the API's unique ID field).")]
ReviewOption = Annotated[int | None, typer.Option("--review", help="A review entry's number (see `categories review`).")]  # fmt: skip
SHOWN_ENTRIES = 30


def register(app: typer.Typer) -> None:
    """Add the commands to `feedbridge categories`."""
    for command in (suggest, review, accept, correct, ai_settings_command, evaluate):
        app.command(command.__name__.removesuffix("_command").replace("_", "-"))(command)


def suggest(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    apply_above: Annotated[float | None, typer.Option(help="Apply suggestions at or above this confidence (0 … 1); default: the API's setting.", min=0, max=1)] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Suggest AliExpress categories for the items no manual line categorizes; apply those at or above
    the threshold, keep the rest for `categories review`."""
    found = open_api(ctx.obj, company, project, api)
    tree = category_tree_of(found)
    console = Console(stderr=True)
    with console.status("suggesting") as status, found.database.sessions() as session:
        report = services.suggest(
            session, found.company_id, found.api_id, ctx.obj, tree, found.database.sessions, found.ctx,
            apply_above=apply_above, progress=lambda what: status.update(what),
        )  # fmt: skip
    threshold = "none set" if report.threshold is None else f"{report.threshold:g}"
    typer.echo(
        f"Suggested categories for {report.items:,} items: {report.applied:,} applied "
        f"(confidence ≥ threshold, {threshold}), {report.waiting:,} waiting for review."
    )
    typer.echo(f"Learned from {report.examples:,} examples of the company.")
    if not report.calibrated:
        typer.echo(
            f"Confidence is capped at {UNMEASURED_CAP:g} until the model has 30 examples to measure it on "
            "(accept, correct or add manual lines to teach it)."
        )
    if report.asked_platform:
        typer.echo(f"Asked AliExpress's category suggestion about {report.asked_platform} items.")
    if report.platform_problem:
        typer.echo(report.platform_problem)


def review(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    line: Annotated[int | None, typer.Option("--line", help="Turn this entry's pattern into a manual category line.")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """The suggestions waiting for review, grouped by product type and category, most items first."""
    found = open_api(ctx.obj, company, project, api)
    tree = category_tree_of(found)
    with found.database.sessions.begin() as session:
        entries = services.review(session, found.company_id, found.api_id, ctx.obj, tree)
        if line is not None:
            entry = _entry(entries, line)
            position = services.review_to_line(session, found.company_id, found.api_id, ctx.obj, entry, tree)
            typer.echo(f"Added line {position}: {entry.field} = {entry.value} → {entry.category}.")
            return
    if not entries:
        typer.echo("Nothing waits for review.")
        return
    table = Table(
        "#", "items", "pattern", "suggested category", "lowest confidence", "for instance", title="Review"
    )
    for entry in entries[:SHOWN_ENTRIES]:
        pattern = f"{entry.field} = {entry.value}" if entry.field else "—"
        table.add_row(
            str(entry.position), f"{entry.items:,}", escape(pattern), escape(f"{entry.category} ({entry.category_id})"),
            f"{entry.confidence:.2f}", escape(entry.samples[0][:60]),
        )  # fmt: skip
    Console().print(table)
    if len(entries) > SHOWN_ENTRIES:
        typer.echo(f"… and {len(entries) - SHOWN_ENTRIES} more entries.")
    typer.echo(
        "Accept with `categories accept API --review N`, correct with `categories correct API --review N "
        "--category ID`, or make a manual line with `categories review API --line N`."
    )


def accept(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    items: ItemIds = None,
    entry: ReviewOption = None,
    company: CompanyOption = None,
) -> None:
    """Accept the best suggestion for the items (or a review entry's items); the model learns from it."""
    _decide(ctx, api, project, company, items, entry, None)


def correct(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    category: Annotated[int, typer.Option(help="The right AliExpress leaf category id.")],
    items: ItemIds = None,
    entry: ReviewOption = None,
    company: CompanyOption = None,
) -> None:
    """Give the items (or a review entry's items) their right category; the model learns from it."""
    _decide(ctx, api, project, company, items, entry, category)


def _decide(
    ctx: typer.Context,
    api: str,
    project: str,
    company: str | None,
    items: list[str] | None,
    entry: int | None,
    category: int | None,
) -> None:
    if bool(items) == (entry is not None):
        raise InvalidInput("items", "give item IDs or --review N (one of the two)")
    found = open_api(ctx.obj, company, project, api)
    tree = category_tree_of(found)
    with found.database.sessions.begin() as session:
        if entry is not None:
            chosen = _entry(services.review(session, found.company_id, found.api_id, ctx.obj, tree), entry)
            items = list(chosen.item_ids)
        decided = services.decide(
            session, found.company_id, found.api_id, ctx.obj, items or [], category_id=category, tree=tree
        )
    what = "Accepted" if category is None else f"Set category {category} for"
    typer.echo(f"{what} {decided:,} item{'' if decided == 1 else 's'}; the model learned from them.")


def ai_settings_command(
    ctx: typer.Context,
    api: ApiName,
    project: ProjectOption,
    apply_above: Annotated[float | None, typer.Option(help="Apply suggestions at or above this confidence (0 … 1).")] = None,
    never_apply: Annotated[bool, typer.Option("--never-apply", help="Apply no suggestion by itself.")] = False,
    text_fields: Annotated[str | None, typer.Option(help="Comma-separated fields the categorizer reads ('auto': the usual ones).")] = None,
    platform_hints: Annotated[int | None, typer.Option(help="Items per round to ask AliExpress's category suggestion about (0: never).")] = None,
    company: CompanyOption = None,
) -> None:  # fmt: skip
    """Show the API's AI categorization settings, or change those given (see docs/categories.md)."""
    changes: dict[str, object] = {}
    if apply_above is not None or never_apply:
        changes["apply_above"] = None if never_apply else apply_above
    if text_fields is not None:
        listed = [name.strip() for name in text_fields.split(",") if name.strip()]
        changes["text_fields"] = None if listed == ["auto"] else listed
    if platform_hints is not None:
        changes["platform_hints"] = platform_hints
    found = open_api(ctx.obj, company, project, api)
    with found.database.sessions.begin() as session:
        record = api_services.get_api(session, found.company_id, found.api_id)
        if changes:
            settings = changed_ai_settings(record.settings, changes)
            api_services.edit_api(session, found.company_id, found.api_id, settings=settings)
        current = ai_settings(record.settings)
    if changes:
        typer.echo(f"Saved the AI settings of API '{found.name}'.")
    for key, value in current.model_dump(mode="json").items():
        shown = "auto" if value is None and key == "text_fields" else value
        shown = "never" if value is None and key == "apply_above" else shown
        typer.echo(
            f"{key.replace('_', ' ') + ':':<20}{', '.join(shown) if isinstance(shown, list) else shown}"
        )


def evaluate(
    file: Annotated[Path, typer.Argument(help="A labelled CSV file.", exists=True, dir_okay=False)],
    text: Annotated[str, typer.Option(help="Comma-separated text columns.")],
    label: Annotated[str, typer.Option(help="The label column.")],
    answers: Annotated[Path | None, typer.Option(help="JSON: each label's right category ids in --tree.")] = None,
    tree: Annotated[Path | None, typer.Option(help="JSON category tree the answers' ids are in.")] = None,
    labelled_share: Annotated[float, typer.Option(help="Share of the file given as examples (0: zero-shot).", min=0, max=0.95)] = 0.1,
    path_separator: Annotated[str, typer.Option(help="Without --answers, labels are category paths split by this.")] = " | ",
    seed: Annotated[int, typer.Option(help="Random seed of the split.")] = 0,
) -> None:  # fmt: skip
    """Measure the categorizer on a labelled file: top-1 / top-3 accuracy and the reliability table."""
    taxonomy = read_tree(tree) if tree else None
    columns = [name.strip() for name in text.split(",") if name.strip()]
    data = read_labelled(file, text_columns=columns, label_column=label.strip(), answers=answers, tree=taxonomy, path_separator=path_separator)  # fmt: skip
    with Console(stderr=True).status("evaluating"):
        result = run_evaluation(
            data.texts, data.answers, labelled_share=labelled_share, tree=TreeIndex.of(data.tree), seed=seed
        )
    typer.echo(f"examples: {result.examples:,}   evaluated: {result.evaluated:,}")
    typer.echo(f"top-1: {result.top1:.3f}   top-3: {result.top3:.3f}")
    share = "—" if math.isnan(result.confident_correct) else f"{result.confident_correct:.3f}"
    typer.echo(f"confidence ≥ 0.9: {result.confident:,} suggestions, {share} correct")
    table = Table("confidence", "suggestions", "correct", "share correct", title="Reliability")
    for row in result.reliability:
        shown = f"{row.correct / row.suggestions:.3f}" if row.suggestions else "—"
        table.add_row(f"{row.low:.2f} – {row.high:.2f}", f"{row.suggestions:,}", f"{row.correct:,}", shown)
    Console().print(table)


def _entry(entries: list[services.ReviewEntry], position: int) -> services.ReviewEntry:
    if not 1 <= position <= len(entries):
        raise InvalidInput("--review", f"there are {len(entries)} review entries; give 1 … {len(entries)}")
    return entries[position - 1]
