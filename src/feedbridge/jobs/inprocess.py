"""The in-process executor (the default): one process polls the database for runs to execute and runs them
in its own threads. Works on SQLite and PostgreSQL; several such workers (processes or machines) may poll
the same database at once, since a run is claimed by a compare-and-set on its row (sync.runs.claim_queued)
and one API never has two active runs (the one-active-run index).

On SQLite the worker's explicit transactions take the write lock first (db.engine.writes_first): runs in
parallel threads write to the same file.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from sqlalchemy.orm import Session, sessionmaker

from feedbridge.connections.context import ConnectionContext
from feedbridge.db.engine import writes_first
from feedbridge.jobs.scheduler import queue_due_runs, queued_runs
from feedbridge.sync.runner import run_queued

log = logging.getLogger(__name__)

OnRun = Callable[[int], None]
# Queued runs read per look for the next ones to start (the oldest first).
LOOKAHEAD = 200


def _nothing(run_id: int) -> None:
    pass


class Worker:
    """Queues the due runs, then executes the oldest queued runs, at most `runs_at_once` at a time (one per
    API, different APIs in parallel), each through sync.runner.run_queued in a thread of its own."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        ctx: ConnectionContext,
        *,
        runs_at_once: int | None = None,
        poll_seconds: float | None = None,
        on_run: OnRun = _nothing,
    ) -> None:
        self.sessions, self.ctx, self.on_run = writes_first(sessions), ctx, on_run
        self.runs_at_once = runs_at_once or ctx.settings.worker_runs_at_once
        self.poll_seconds = poll_seconds if poll_seconds is not None else ctx.settings.worker_poll_seconds
        self._stop = threading.Event()

    def serve(self, stop: threading.Event) -> None:
        """Call run_once every `poll_seconds` until `stop` is set. Once it is, no new run starts; the runs
        in progress end first (a run cut short would be taken over only after its lease)."""
        self._stop = stop
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:  # e.g. the database is unreachable for a while: try again at the next poll
                log.exception("the worker could not look for runs; it tries again in %ss", self.poll_seconds)
            stop.wait(self.poll_seconds)

    def run_once(self) -> list[int]:
        """Queue the due runs, then execute queued runs until none is left that this worker can start;
        returns the ids of the runs it executed, in the order they ended.

        A run whose API is busy with a run elsewhere stays queued and is tried again at the next call."""
        queue_due_runs(self.sessions, self.ctx.now())
        executed: list[int] = []
        tried: set[int] = set()  # started by this call (executed or left queued): not tried again now
        running: dict[Future[bool], tuple[int, int]] = {}
        with ThreadPoolExecutor(self.runs_at_once, thread_name_prefix="feedbridge-run") as pool:
            while True:
                if not self._stop.is_set():
                    busy = {api_id for _, api_id in running.values()}
                    for run_id, api_id in self._next(busy, tried, self.runs_at_once - len(running)):
                        tried.add(run_id)
                        running[pool.submit(self._execute, run_id)] = (run_id, api_id)
                if not running:
                    return executed
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    run_id, _ = running.pop(future)
                    if future.result():
                        executed.append(run_id)
                        self._report(run_id)

    def _next(self, busy: set[int], tried: set[int], free: int) -> list[tuple[int, int]]:
        """The oldest queued run of each API not busy here, up to `free` of them."""
        if free <= 0:
            return []
        with self.sessions() as session:
            candidates = queued_runs(session, LOOKAHEAD + len(tried))
        chosen: list[tuple[int, int]] = []
        apis = set(busy)
        for run_id, api_id in candidates:
            if api_id in apis:
                continue
            apis.add(api_id)  # a later queued run of the same API waits for its oldest one
            if run_id not in tried:
                chosen.append((run_id, api_id))
                if len(chosen) == free:
                    break
        return chosen

    def _execute(self, run_id: int) -> bool:
        try:
            return run_queued(self.sessions, self.ctx, run_id)
        except Exception:  # run_queued ends a run it started itself; this is the database failing before
            log.exception("run %s could not be started; it stays queued", run_id)
            return False

    def _report(self, run_id: int) -> None:
        try:
            self.on_run(run_id)
        except Exception:
            log.exception("the on_run callback failed for run %s", run_id)
