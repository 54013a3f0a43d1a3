"""The `feedbridge` command line: one Typer sub-app per area."""
