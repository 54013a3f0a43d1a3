"""`make demo` does the whole job: demo/run.py, run as CI runs it, lists every listing of the sample shop."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]


def _count(output: str, row: str) -> int:
    """A count from the run's summary table (`│ created │ 12 │`)."""
    found = re.search(rf"│ {row}\s*│\s*(\d+)\s*│", output)
    assert found, f"no '{row}' row in the run's summary:\n{output}"
    return int(found.group(1))


def test_the_demo_lists_every_listing_of_the_sample_shop(tmp_path: Path) -> None:
    state = tmp_path / ".demo"
    demo = subprocess.run(
        [sys.executable, str(REPO / "demo" / "run.py"), "--no-wait", "--port", "0", "--dir", str(state)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = demo.stdout
    assert demo.returncode == 0, output + demo.stderr
    # Each step is echoed as the command a merchant would type.
    for command in ("connections add", "imports run", "build import", "quality", "apis activate", "run"):
        assert f"$ feedbridge {command} " in output
    quality = re.search(r"(\d+) listings from (\d+) items: (\d+) ready, (\d+) blocked", output)
    assert quality, output
    listings, _, ready, blocked = map(int, quality.groups())
    assert (ready, blocked) == (listings, 0)
    assert _count(output, "created") == listings
    assert _count(output, "failed") == 0
    assert _count(output, "blocked") == 0
    gateway = re.search(r"It answers on (http://127\.0\.0\.1:\d+)", output)
    assert gateway, output
    assert f"{gateway.group(1)}/sellers/" in output
    # Its data lived in the demo's folder, and with --no-wait the sandbox is stopped at the end.
    assert (state / "feedbridge" / "feedbridge.db").is_file()
    assert (state / "sandbox" / "sandbox.sqlite3").is_file()
    assert output.rstrip().endswith("Stopped the sandbox and the image server.")
    with pytest.raises(httpx.ConnectError):
        httpx.get(gateway.group(1), timeout=5)
