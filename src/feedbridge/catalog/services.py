"""The catalog's services in one place for the CLI, the web app and jobs (each lives in its own module).

Every service is scoped by company, adds and flushes, and leaves the commit to the caller.
"""

from feedbridge.catalog.imports import (
    ImportSpec,
    add_import,
    edit_import,
    find_import,
    get_import,
    import_source,
    import_spec,
    list_imports,
    remove_import,
)
from feedbridge.catalog.items import Item, ItemFilter, ItemPage, Match, current_items, get_item, list_items
from feedbridge.catalog.pipeline import ImportRules, no_import_rules
from feedbridge.catalog.project_items import rebuild_project_snapshot
from feedbridge.catalog.pruning import prune_snapshots, register_snapshot_keeper
from feedbridge.catalog.reports import RunReport, run_report
from feedbridge.catalog.runs import (
    RunProgress,
    accept_run,
    execute_run,
    get_run,
    list_runs,
    run_import,
    start_run,
)

__all__ = [
    "ImportRules",
    "ImportSpec",
    "Item",
    "ItemFilter",
    "ItemPage",
    "Match",
    "RunProgress",
    "RunReport",
    "accept_run",
    "add_import",
    "current_items",
    "edit_import",
    "execute_run",
    "find_import",
    "get_import",
    "get_item",
    "get_run",
    "import_source",
    "import_spec",
    "list_imports",
    "list_items",
    "list_runs",
    "no_import_rules",
    "prune_snapshots",
    "rebuild_project_snapshot",
    "register_snapshot_keeper",
    "remove_import",
    "run_import",
    "run_report",
    "start_run",
]
