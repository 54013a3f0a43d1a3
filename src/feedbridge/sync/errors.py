"""What can stop a run from starting, each message saying how to go on."""

from __future__ import annotations

from feedbridge.errors import Conflict, InvalidInput, NotFound


class RunInProgress(Conflict):
    def __init__(self, api: str, run_id: int) -> None:
        super().__init__(
            f"API '{api}' is already running (run {run_id}); one run per API at a time. Wait for it to end "
            f"(`feedbridge runs '{api}' -p PROJECT` shows it)."
        )


class ApiNotRunnable(Conflict):
    def __init__(self, api: str, what: str) -> None:
        super().__init__(f"API '{api}' cannot run: {what}.")


class NothingHeld(NotFound):
    def __init__(self, api: str) -> None:
        super().__init__(
            f"API '{api}' has no run held by its guard rails; `feedbridge run '{api}' -p PROJECT` plans and runs it."
        )


class RunNotFound(NotFound):
    def __init__(self, run_id: int) -> None:
        super().__init__(f"run {run_id} does not exist in this company; `feedbridge runs API` lists them.")


class WrongApiName(InvalidInput):
    def __init__(self, api: str) -> None:
        super().__init__(
            "confirmation", f"type the API's name exactly ('{api}') to confirm that its listings are removed."
        )
