"""What can go wrong with a project's imports, runs and items, each message saying what to do next."""

from feedbridge.errors import Conflict, NotFound


class ImportNotFound(NotFound):
    def __init__(self, name: str | int) -> None:
        which = f"import {name}" if isinstance(name, int) else f"import '{name}'"
        super().__init__(
            f"{which} does not exist in this project; `feedbridge imports list PROJECT` shows them."
        )


class ImportNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"an import named '{name}' already exists in this project; choose another name.")


class RunNotFound(NotFound):
    def __init__(self, run_id: int) -> None:
        super().__init__(
            f"import run {run_id} does not exist for this import; `feedbridge imports show PROJECT NAME` "
            "shows the latest run and its number."
        )


class RunNotAcceptable(Conflict):
    """Only a held run whose import has not moved on since can be accepted."""


class NoItems(NotFound):
    def __init__(self, project: str) -> None:
        super().__init__(
            f"project '{project}' has no items yet; add an import and run it "
            "(feedbridge imports add / feedbridge imports run)."
        )


class ItemNotFound(NotFound):
    def __init__(self, item_id: str, id_field: str) -> None:
        super().__init__(
            f"no item has {id_field} = {item_id!r}; `feedbridge items list PROJECT --where {id_field}~TEXT` "
            "finds items by part of their ID."
        )
