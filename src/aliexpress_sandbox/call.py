"""What a handler gets: the sandbox, the API, the parameters, the calling app and seller."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .errors import illegal_access_token
from .params import Params
from .registry import Api
from .state import Sandbox
from .store import Store


@dataclass
class Call:
    sandbox: Sandbox
    api: Api
    params: Params
    app: sqlite3.Row
    seller_id_or_none: int | None
    request_id: str
    now: float

    @property
    def store(self) -> Store:
        return self.sandbox.store

    @property
    def seller_id(self) -> int:
        if self.seller_id_or_none is None:
            raise illegal_access_token()
        return self.seller_id_or_none
