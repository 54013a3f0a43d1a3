"""Safety rules and bad input: held and failed runs keep the previous snapshot current; held runs can be accepted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from feedbridge.catalog.errors import RunNotAcceptable
from feedbridge.catalog.imports import edit_import
from feedbridge.catalog.models import RunStatus
from feedbridge.catalog.sources import Source
from support.feed_server import FeedServer, running_feed_server

from .conftest import Catalog, products


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with running_feed_server() as running:
        yield running


def _good_then(catalog: Catalog, content: str | bytes, **spec: object) -> tuple[int, str, object]:
    """An import with one accepted run of 10 items, then its feed replaced by `content` and run again."""
    feed = catalog.write("feed.csv", products(10))
    import_id = catalog.add("main", feed, **spec)
    assert catalog.run(import_id).status == RunStatus.ACCEPTED
    good = catalog.current(import_id)
    assert good is not None
    feed.write_bytes(content.encode() if isinstance(content, str) else content)
    return import_id, good.id, catalog.run(import_id)


def _assert_previous_kept(catalog: Catalog, import_id: int, good_id: str) -> None:
    current = catalog.current(import_id)
    assert current is not None and current.id == good_id
    assert catalog.items().height == 10


def test_empty_file_is_held_and_can_be_accepted(catalog: Catalog) -> None:
    import_id, good_id, run = _good_then(catalog, "")
    assert run.status == RunStatus.HELD and "no items" in (run.message or "")
    _assert_previous_kept(catalog, import_id, good_id)
    accepted = catalog.accept(run.id)
    assert accepted.status == RunStatus.ACCEPTED
    assert catalog.items().height == 0


def test_dropping_more_than_the_share_is_held_then_accepted(catalog: Catalog) -> None:
    import_id, good_id, run = _good_then(catalog, products(6))  # 4 of 10 gone: 40% > 30%
    assert run.status == RunStatus.HELD
    assert "4 of the 10 items" in (run.message or "") and "30%" in (run.message or "")
    _assert_previous_kept(catalog, import_id, good_id)
    catalog.accept(run.id)
    current = catalog.current(import_id)
    assert current is not None and current.id == run.snapshot_id
    assert catalog.items().height == 6


def test_dropping_within_the_share_is_accepted(catalog: Catalog) -> None:
    _, _, run = _good_then(catalog, products(7))  # 30% is allowed
    assert run.status == RunStatus.ACCEPTED


def test_max_drop_share_per_import(catalog: Catalog) -> None:
    _, _, run = _good_then(catalog, products(6), max_drop_share=0.5)
    assert run.status == RunStatus.ACCEPTED


def test_missing_unique_id_field_fails_and_keeps_previous(catalog: Catalog) -> None:
    import_id, good_id, run = _good_then(catalog, "sku,title\nA,a\n", unique_id_field="id")
    assert run.status == RunStatus.FAILED
    assert "unique ID field 'id' is not in the feed" in (run.message or "") and "sku, title" in (
        run.message or ""
    )
    _assert_previous_kept(catalog, import_id, good_id)


def test_unparseable_file_fails_and_keeps_previous(catalog: Catalog) -> None:
    import_id, good_id, run = _good_then(catalog, 'id,title\n1,"unbalanced\n2,b\n')
    assert run.status == RunStatus.FAILED and "line 2" in (run.message or "")
    assert "Traceback" not in (run.message or "")
    _assert_previous_kept(catalog, import_id, good_id)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id,title,price\n1,a,1\n2,b\n3,c,3\n", "line 3"),  # a ragged row
        (b"\x00\x01\x02\xff\xfe\x89PNG\r\n\x1a\n" * 50, "this is not text"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            "<rss><channel><item><id>&b;</id></item></channel></rss>",
            "DOCTYPE",
        ),
    ],
    ids=["ragged-csv", "binary-garbage", "entity-expansion-xml"],
)
def test_bad_input_fails_with_a_specific_message(
    catalog: Catalog, content: str | bytes, expected: str
) -> None:
    import_id, good_id, run = _good_then(catalog, content)
    assert run.status == RunStatus.FAILED
    assert expected.lower() in (run.message or "").lower(), run.message
    _assert_previous_kept(catalog, import_id, good_id)


def test_html_from_a_url_fails(catalog: Catalog, server: FeedServer) -> None:
    page = b"<!DOCTYPE html><html><body>Sign in</body></html>"
    url = server.route("/feed", body=page, content_type="text/html; charset=utf-8")
    run = catalog.run(catalog.add("web", Source.from_url(url)))
    assert run.status == RunStatus.FAILED and "returns a web page, not a feed" in (run.message or "")
    assert catalog.current(None) is None


def test_timeout_fails_and_keeps_previous(catalog: Catalog, server: FeedServer) -> None:
    url = server.route("/feed.csv", body=products(10).encode(), content_type="text/csv")
    import_id = catalog.add("web", Source.from_url(url))
    assert catalog.run(import_id).status == RunStatus.ACCEPTED
    good = catalog.current(import_id)
    server.route("/feed.csv", body=products(10).encode(), content_type="text/csv", delay=2)
    run = catalog.run(import_id, force=True)
    assert run.status == RunStatus.FAILED
    assert "sent nothing for 0.3 s" in (run.message or "") and "gave up after 1 attempt" in (
        run.message or ""
    )
    _assert_previous_kept(catalog, import_id, good.id if good else "")


def test_a_failed_run_reads_the_same_bytes_again_next_time(catalog: Catalog) -> None:
    import_id, _, run = _good_then(catalog, "sku\nA\n", unique_id_field="id")
    assert run.status == RunStatus.FAILED
    with catalog.sessions.begin() as session:
        edit_import(session, catalog.company_id, import_id, unique_id_field="sku")
    assert catalog.run(import_id).status == RunStatus.HELD  # read again: 1 of 10 items left


def test_only_held_runs_can_be_accepted(catalog: Catalog) -> None:
    import_id, _, held = _good_then(catalog, products(2))
    assert held.status == RunStatus.HELD
    accepted = catalog.run(catalog.add("other", catalog.write("other.csv", products(1))))
    with pytest.raises(RunNotAcceptable, match="not held"):
        catalog.accept(accepted.id)
    catalog.write("feed.csv", products(9))
    assert catalog.run(import_id).status == RunStatus.ACCEPTED
    with pytest.raises(RunNotAcceptable, match="newer run"):
        catalog.accept(held.id)
