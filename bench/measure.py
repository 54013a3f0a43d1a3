"""What the benchmarks measure about their own process."""

from __future__ import annotations

from pathlib import Path


def own_peak_mb() -> float:
    """This process's peak RSS (VmHWM). Not its ru_maxrss: Linux carries the peak of the process that
    started it over fork and exec, so a step would report the benchmark's own peak when that is higher."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024
