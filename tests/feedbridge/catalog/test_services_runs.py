"""Import runs end to end on a real database: file, URL and upload sources; reports; type overrides."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from feedbridge.catalog.model import FieldType
from feedbridge.catalog.models import RunStatus
from feedbridge.catalog.reports import run_report
from feedbridge.catalog.runs import RunProgress, list_runs
from feedbridge.catalog.sources import Source, save_upload
from support.feed_server import FeedServer, running_feed_server

from .conftest import Catalog, csv, products


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with running_feed_server() as running:
        yield running


def test_file_import_end_to_end(catalog: Catalog) -> None:
    feed = catalog.write("feed.csv", products(5))
    seen: dict[str, list[int]] = {"download": [], "parse": []}
    progress = RunProgress(
        download=lambda done, total: seen["download"].append(done),
        parse=lambda done, total: seen["parse"].append(done),
    )
    run = catalog.run(catalog.add("main", feed), progress=progress)

    assert run.status == RunStatus.ACCEPTED and run.message is None
    assert seen["download"][-1] == feed.stat().st_size and seen["parse"][-1] == feed.stat().st_size
    items = catalog.items()
    assert items["id"].to_list() == [f"SKU{i}" for i in range(1, 6)]
    with catalog.sessions() as session:
        report = run_report(session, catalog.company_id, run.id)
    assert report.snapshot is not None
    assert report.snapshot.id_field == "id" and report.id_field_proposed
    assert report.snapshot.field_types == {"id": "text", "title": "text", "price": "number"}
    assert report.details["delimiter"] == "comma" and report.format == "csv"
    assert report.snapshot.diff is None  # nothing to compare with on the first run


def test_unchanged_file_is_not_processed_again(catalog: Catalog) -> None:
    import_id = catalog.add("main", catalog.write("feed.csv", products(3)))
    first = catalog.run(import_id)
    second = catalog.run(import_id)
    assert second.status == RunStatus.UNCHANGED and "nothing was processed" in (second.message or "")
    assert second.snapshot_id == first.snapshot_id
    forced = catalog.run(import_id, force=True)  # read again; same items: the snapshot is kept
    assert forced.status == RunStatus.UNCHANGED and forced.snapshot_id == first.snapshot_id


def test_url_import_makes_one_conditional_request_when_unchanged(
    catalog: Catalog, server: FeedServer
) -> None:
    url = server.route("/feed.csv", body=products(4).encode(), content_type="text/csv", etag='"v1"')
    import_id = catalog.add("web", Source.from_url(url))
    first = catalog.run(import_id)
    assert first.status == RunStatus.ACCEPTED
    snapshots = sorted(p.name for p in (catalog.settings.data_dir / "snapshots").rglob("*.parquet"))

    second = catalog.run(import_id)

    assert second.status == RunStatus.UNCHANGED
    requests = server.seen("/feed.csv")
    assert len(requests) == 2 and requests[1].headers.get("if-none-match") == '"v1"'
    assert sorted(p.name for p in (catalog.settings.data_dir / "snapshots").rglob("*.parquet")) == snapshots
    assert not list((catalog.settings.data_dir / "downloads").rglob("*.csv"))  # the download was removed


def test_url_password_is_stored_encrypted_and_sent(catalog: Catalog, server: FeedServer) -> None:
    from feedbridge.catalog.imports import ImportSpec, add_import
    from feedbridge.catalog.models import Import
    from feedbridge.encryption import load_keyring

    url = server.route(
        "/private.csv", body=products(2).encode(), content_type="text/csv", auth=("shop", "s3cret")
    )
    keyring = load_keyring(catalog.settings)
    with catalog.sessions.begin() as session:
        spec = ImportSpec(source=Source.from_url(url, username="shop", password="s3cret"))
        import_id = add_import(
            session, catalog.company_id, catalog.project_id, "private", spec, keyring=keyring
        ).id
    with catalog.sessions() as session:
        stored = session.get(Import, import_id)
        assert stored is not None and stored.source_password_encrypted
        assert "s3cret" not in stored.source_password_encrypted
    assert catalog.run(import_id).status == RunStatus.ACCEPTED


def test_upload_import(catalog: Catalog) -> None:
    upload_id = save_upload([products(3).encode()], filename="export.csv", settings=catalog.settings)
    run = catalog.run(catalog.add("upload", Source.from_upload(upload_id)))
    assert run.status == RunStatus.ACCEPTED and catalog.items().height == 3


def test_difference_between_two_runs(catalog: Catalog) -> None:
    feed = catalog.write("feed.csv", csv([{"id": str(i), "price": "1.00"} for i in range(1, 11)]))
    import_id = catalog.add("main", feed)
    catalog.run(import_id)
    rows = [{"id": str(i), "price": "2.00" if i == 3 else "1.00"} for i in range(2, 12)]  # -1, +11, ~3
    feed.write_text(csv(rows))
    run = catalog.run(import_id)
    with catalog.sessions() as session:
        diff = run_report(session, catalog.company_id, run.id).snapshot.diff  # type: ignore[union-attr]
    assert diff is not None
    assert (diff.added, diff.removed, diff.changed, diff.unchanged) == (1, 1, 1, 8)
    assert (
        diff.added_examples == ("11",) and diff.removed_examples == ("1",) and diff.changed_examples == ("3",)
    )


def test_duplicate_id_report(catalog: Catalog) -> None:
    rows = [
        {"sku": s, "title": t}
        for s, t in [("A", "first"), ("B", "b"), ("A", "second"), ("", "none"), ("A", "x")]
    ]
    run = catalog.run(catalog.add("main", catalog.write("feed.csv", csv(rows)), unique_id_field="sku"))
    assert run.status == RunStatus.ACCEPTED
    with catalog.sessions() as session:
        report = run_report(session, catalog.company_id, run.id)
    id_report = report.snapshot.stats.id_report  # type: ignore[union-attr]
    assert id_report is not None
    assert (id_report.rows, id_report.items, id_report.empty_count, id_report.duplicate_count) == (5, 2, 1, 2)
    assert id_report.duplicate_ids == (("A", 3),)
    assert any("repeated an earlier ID" in w for w in report.warnings)
    assert catalog.items().rows() == [("A", "first"), ("B", "b")]  # the first of each ID is kept


def test_field_type_overrides_and_date_formats(catalog: Catalog) -> None:
    rows = [
        {"id": "1", "code": "0042", "size": "12", "expires": "31-12-2026"},
        {"id": "2", "code": "0043", "size": "14", "expires": "01-01-2027"},
    ]
    feed = catalog.write("feed.csv", csv(rows))
    import_id = catalog.add(
        "main",
        feed,
        field_types={"size": FieldType.TEXT, "code": FieldType.NUMBER},
        date_formats={"expires": "%d-%m-%Y"},
    )
    run = catalog.run(import_id)
    with catalog.sessions() as session:
        snapshot = run_report(session, catalog.company_id, run.id).snapshot
    assert snapshot is not None
    assert snapshot.field_types["size"] is FieldType.TEXT  # would be a number without the override
    assert snapshot.field_types["code"] is FieldType.NUMBER  # would stay text (leading zeros)
    assert snapshot.field_types["expires"] is FieldType.DATE and snapshot.stats.type_problems == {}


def test_changing_an_override_applies_to_an_unchanged_feed(catalog: Catalog) -> None:
    from feedbridge.catalog.imports import edit_import

    import_id = catalog.add("main", catalog.write("feed.csv", products(3)))
    catalog.run(import_id)
    with catalog.sessions.begin() as session:
        edit_import(session, catalog.company_id, import_id, field_types={"price": FieldType.TEXT})
    run = catalog.run(import_id)
    assert run.status == RunStatus.ACCEPTED  # the bytes are the same, the configuration is not
    snapshot = catalog.current(import_id)
    assert snapshot is not None and snapshot.field_types["price"] == "text"


def test_list_runs_newest_first(catalog: Catalog) -> None:
    import_id = catalog.add("main", catalog.write("feed.csv", products(2)))
    ids = [catalog.run(import_id).id for _ in range(3)]
    with catalog.sessions() as session:
        assert [r.id for r in list_runs(session, catalog.company_id, import_id)] == ids[::-1]
