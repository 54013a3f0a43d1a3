"""A run of one API in a process of its own, for tests that kill it: `python run_child.py DATABASE_URL
DATA_DIR GATEWAY_URL COMPANY_ID API_ID`. Prints a line per progress report, flushed, so the test can kill
it at a chosen point of its work without waiting on a clock."""

from __future__ import annotations

import sys
from pathlib import Path

from feedbridge.config import Settings
from feedbridge.connections.context import ConnectionContext
from feedbridge.db.engine import create_engine, create_session_factory
from feedbridge.encryption import load_keyring
from feedbridge.sync.runner import run_api


def main() -> None:
    database_url, data_dir, gateway_url, company_id, api_id = sys.argv[1:6]
    settings = Settings(
        data_dir=Path(data_dir),
        database_url=database_url,
        aliexpress_gateway_url=gateway_url,
        image_allow_private_urls=True,
    )
    sessions = create_session_factory(create_engine(database_url))
    ctx = ConnectionContext(settings, load_keyring(settings))
    print("started", flush=True)

    def report(step: str, done: int, total: int) -> None:
        print(f"{step} {done}/{total}", flush=True)

    run_api(sessions, ctx, int(company_id), int(api_id), progress=report)
    print("finished", flush=True)


if __name__ == "__main__":
    main()
