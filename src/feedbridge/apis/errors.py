"""What can go wrong when setting up an AliExpress API, each message saying how to fix it."""

from feedbridge.errors import Conflict, NotFound


class ApiNotFound(NotFound):
    def __init__(self, api: int | str) -> None:
        which = f"API {api}" if isinstance(api, int) else f"API '{api}'"
        super().__init__(f"{which} does not exist in this project; `feedbridge apis list` shows them.")


class ApiNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"an API named '{name}' already exists in this project; choose another name.")


class UniqueIdFieldFixed(Conflict):
    def __init__(self, name: str, field: str) -> None:
        super().__init__(
            f"API '{name}': the unique ID field '{field}' is the SKU code of every listing already sent and "
            "cannot change; create a new API to use another field."
        )


class RuleSetInUse(Conflict):
    def __init__(self, rule_set: str, apis: list[str]) -> None:
        names = ", ".join(f"'{name}'" for name in apis)
        super().__init__(
            f"rule set '{rule_set}' is used by API {names}; give those APIs another rule set (or none) first."
        )
