"""What the benchmarks measure about their own process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def own_peak_mb() -> float:
    """This process's peak RSS (VmHWM). Not its ru_maxrss: Linux carries the peak of the process that
    started it over fork and exec, so a step would report the benchmark's own peak when that is higher."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def run_step(module: str, *args: str) -> dict[str, Any]:
    """Run `python -m <module> step <args>` in a fresh process (its own peak memory, nothing shared);
    what it printed last, as JSON."""
    out = subprocess.run([sys.executable, "-m", module, "step", *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{module} step {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))
