"""`feedbridge sandbox serve` as an operator runs it: a real process that prints how to reach it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx


def test_serve_prints_credentials_and_serves(tmp_path: Path) -> None:
    data_dir = tmp_path / "sandbox"
    env = {**os.environ, "FEEDBRIDGE_DATA_DIR": str(tmp_path / "feedbridge"), "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "feedbridge", "sandbox", "serve", "--port", "0", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        printed = []
        for line in process.stdout:
            printed.append(line)
            if line.startswith("listening on "):
                break
        output = "".join(printed)
        url = printed[-1].removeprefix("listening on ").strip()
        creds = json.loads((data_dir / "credentials.json").read_text())
        assert creds["gateway_url"] == url
        for shown in (
            creds["app"]["app_key"],
            creds["app"]["app_secret"],
            creds["seller"]["email"],
            creds["seller"]["password"],
            creds["authorize_url"],
        ):
            assert shown in output
        assert httpx.get(url + "/health").json() == {"status": "ok"}
        # Admin endpoints are off unless asked for.
        assert httpx.get(url + "/_admin/clock").status_code == 404
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert oct((data_dir / "credentials.json").stat().st_mode & 0o777) == "0o600"
