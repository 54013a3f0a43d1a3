"""Sending a run's tasks: concurrent calls through the channel's exporter, each result recorded as it returns.

Calls run on a thread pool (the client's limiter keeps them within AliExpress's rates); only this
thread writes to the database, one transaction per returned unit of work (its results, their bindings,
the run's counts and a heartbeat). Creates are marked CREATING just before they are handed to the pool,
and the pool is fed a few units at a time, so a run killed at any moment leaves at most a handful of
creates to re-check by SKU code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from feedbridge.channels.protocol import Action, Exporter, Outcome, Task, TaskResult
from feedbridge.connections.context import ConnectionContext
from feedbridge.sync.bindings import Sent, mark_creating, record_result
from feedbridge.sync.runs import heartbeat

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (step, done, total)
HEARTBEAT_SECONDS = 15.0
# Outcome counters of a run (SyncRun.counts), by the action that was done.
DONE_COUNTER = {
    Action.CREATE: "created",
    Action.RECHECK: "created",
    Action.BIND: "bound",
    Action.UPDATE_CONTENT: "content_updated",
    Action.UPDATE_PRICE: "price_updated",
    Action.UPDATE_STOCK: "stock_updated",
    Action.TAKE_OFFLINE: "removed",
    Action.DELETE: "removed",
    Action.BRING_ONLINE: "brought_online",
}
_CREATES = (Action.CREATE, Action.RECHECK)


@dataclass
class Sender:
    sessions: sessionmaker[Session]
    ctx: ConnectionContext
    run_id: int
    api_id: int
    owner: str
    exporter: Exporter
    sent: Callable[[Task], Sent]  # what a task sends of its listing, for its binding
    progress: Progress
    counts: dict[str, int] = field(default_factory=dict)  # SyncRun.counts, written with each heartbeat
    failed: set[str] = field(default_factory=set)  # listings with a failed task in this run

    def send(self, tasks: Sequence[Task]) -> None:
        """Execute `tasks` (of one phase: their order between listings does not matter)."""
        units = list(self._units(tasks))
        total, done = len(tasks), 0
        self.progress("sending", 0, total)
        workers = self.ctx.settings.sync_concurrency
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync") as pool:
            pending: dict[Future[list[TaskResult]], tuple[Action, list[Task]]] = {}
            queue = iter(units)
            try:
                while True:
                    for action, unit in _take(queue, 2 * workers - len(pending)):
                        self._before(action, unit)
                        pending[pool.submit(self.exporter.execute, action, unit)] = (action, unit)
                    if not pending:
                        break
                    finished, _ = wait(pending, timeout=HEARTBEAT_SECONDS, return_when=FIRST_COMPLETED)
                    if not finished:
                        self._record([])
                    for future in finished:
                        pending.pop(future)
                        results = future.result()  # StopRun ends the run here
                        self._record(results)
                        done += len(results)
                        self.progress("sending", done, total)
            finally:
                for future in pending:
                    future.cancel()

    def record_without_call(self, results: Sequence[TaskResult]) -> None:
        """Results the run decided without a call (bindings of the initial run's matching)."""
        self._record(results)

    def _units(self, tasks: Sequence[Task]) -> Iterator[tuple[Action, list[Task]]]:
        by_action: dict[Action, list[Task]] = {}
        for task in tasks:
            by_action.setdefault(task.action, []).append(task)
        for action, group in by_action.items():
            for unit in self.exporter.prepare(action, group):
                yield action, unit

    def _before(self, action: Action, unit: list[Task]) -> None:
        creates = [task for task in unit if action in _CREATES and task.payload is not None]
        if not creates:
            return
        with self._transaction() as session:
            for task in creates:
                mark_creating(session, self.api_id, self.run_id, task.listing, self.sent(task))

    def _record(self, results: Sequence[TaskResult]) -> None:
        now = self.ctx.now()
        for result in results:
            self._count(result)
        with self._transaction(now) as session:
            for result in results:
                record_result(session, self.api_id, self.run_id, result, self.sent(result.task), now)

    @contextmanager
    def _transaction(self, now: datetime | None = None) -> Iterator[Session]:
        """A transaction that starts with the run's heartbeat, so a run another process took over as
        abandoned stops before it writes anything more."""
        with self.sessions.begin() as session:
            calls = self.exporter.calls()
            heartbeat(
                session, self.run_id, self.owner, now or self.ctx.now(), calls=calls, counts=self.counts
            )
            yield session

    def _count(self, result: TaskResult) -> None:
        listing = result.task.listing
        if result.outcome is Outcome.DONE:
            if result.product_id is None and result.task.action in _CREATES:
                return  # a re-check that found nothing and had nothing to send
            name = DONE_COUNTER[result.task.action]
        elif result.outcome is Outcome.DEFERRED:
            name = "deferred"
        elif listing in self.failed:
            return  # a listing counts once among the failed
        else:
            self.failed.add(listing)
            name = "failed"
        self.counts[name] = self.counts.get(name, 0) + 1


def _take(queue: Iterator[tuple[Action, list[Task]]], count: int) -> Iterator[tuple[Action, list[Task]]]:
    for _ in range(max(count, 0)):
        unit = next(queue, None)
        if unit is None:
            return
        yield unit
