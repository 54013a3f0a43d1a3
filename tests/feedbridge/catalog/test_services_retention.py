"""Retention after accepted runs: old snapshot files are pruned, current and still-needed ones never."""

from __future__ import annotations

from sqlalchemy import select

from feedbridge.catalog.models import ImportRun, RunStatus, Snapshot
from feedbridge.catalog.pruning import prune_snapshots, register_snapshot_keeper

from .conftest import Catalog, products


def _files(catalog: Catalog) -> set[str]:
    return {p.name.split(".")[0] for p in (catalog.settings.data_dir / "snapshots").rglob("*.json")}


def _runs(catalog: Catalog, count: int) -> tuple[int, list[ImportRun]]:
    feed = catalog.write("feed.csv", products(10))
    import_id = catalog.add("main", feed)
    runs = []
    for n in range(count):
        feed.write_text(products(10, price=f"{n + 1}.00"))  # every run changes every price
        runs.append(catalog.run(import_id))
    assert all(run.status == RunStatus.ACCEPTED for run in runs)
    return import_id, runs


def test_old_snapshots_are_pruned_but_never_current_ones(catalog: Catalog) -> None:
    import_id, runs = _runs(catalog, 4)  # keep 2 per import (the fixture's setting)
    with catalog.sessions() as session:
        rows = list(session.scalars(select(Snapshot).where(Snapshot.import_id == import_id)))
        oldest = session.get(ImportRun, runs[0].id)
        assert oldest is not None and oldest.snapshot_id is None  # the report stays, the link goes
    assert {row.id for row in rows} == {runs[2].snapshot_id, runs[3].snapshot_id}
    current = catalog.current(import_id)
    merged = catalog.current(None)
    assert current is not None and merged is not None and current.id == runs[3].snapshot_id
    assert {current.id, merged.id} <= _files(catalog)
    assert runs[0].snapshot_id not in _files(catalog) and runs[1].snapshot_id not in _files(catalog)
    assert len(_files(catalog)) == 4  # 2 of the import, 2 merged


def test_protected_runs_and_keepers_are_kept(catalog: Catalog) -> None:
    import_id, runs = _runs(catalog, 2)
    kept_by_binding = runs[0].snapshot_id
    assert kept_by_binding is not None
    register_snapshot_keeper(lambda session, project_id: {kept_by_binding})
    try:
        feed = catalog.files / "feed.csv"
        feed.write_text(products(10, price="99.00"))
        catalog.run(import_id)
        feed.write_text(products(10, price="98.00"))
        catalog.run(import_id, protected_runs=[runs[1].id])
    finally:
        from feedbridge.catalog import pruning

        pruning._keepers.clear()
    assert {runs[0].snapshot_id, runs[1].snapshot_id} <= _files(catalog)
    with catalog.sessions.begin() as session:  # unprotected now: the next pruning removes them
        prune_snapshots(session, catalog.settings, catalog.project_id)
    assert not {runs[0].snapshot_id, runs[1].snapshot_id} & _files(catalog)


def test_a_held_run_that_can_still_be_accepted_is_kept(catalog: Catalog) -> None:
    feed = catalog.write("feed.csv", products(10))
    import_id = catalog.add("main", feed)
    catalog.run(import_id)
    feed.write_text(products(2))
    held = catalog.run(import_id)
    assert held.status == RunStatus.HELD
    other = catalog.add("other", catalog.write("other.csv", products(3, start=100)))
    other_feed = catalog.files / "other.csv"
    for n in range(3):  # accepted runs of another import prune the project's snapshots
        other_feed.write_text(products(3, start=100, price=f"{n}.50"))
        catalog.run(other)
    assert held.snapshot_id in _files(catalog)
    catalog.accept(held.id)
    assert catalog.items().height == 2
