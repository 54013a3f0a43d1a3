"""Feed sources: local files, uploads and URLs served by a real HTTP server on a loopback port."""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import logging
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from feedbridge.catalog import url_guard
from feedbridge.catalog.download import MAX_BACKOFF_SECONDS, backoff, mask_url
from feedbridge.catalog.model import FeedError
from feedbridge.catalog.sources import (
    FetchResult,
    FetchState,
    Source,
    SourceKind,
    fetch,
    save_upload,
    upload_path,
)
from feedbridge.config import Settings
from feedbridge.errors import InvalidInput
from support.feed_server import FeedServer, running_feed_server

FEED = b'<?xml version="1.0"?><rss><channel><item><id>1</id></item></channel></rss>\n'
PAGE = b"<!DOCTYPE html>\n<html><head><title>Shop</title></head><body>Welcome</body></html>"


class Waits:
    """The retry loop's sleeper: records each wait instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with running_feed_server() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        feed_allow_private_urls=True,  # the feed server listens on loopback
        download_connect_timeout_seconds=2,
        download_read_timeout_seconds=0.3,
        download_backoff_seconds=1.0,
        feed_max_bytes=10_000,
    )


@pytest.fixture
def into(tmp_path: Path) -> Path:
    return tmp_path / "download"


def get(
    source: Source, into: Path, settings: Settings, previous: FetchState | None = None, **kw: Any
) -> FetchResult:
    kw.setdefault("sleep", Waits())
    return fetch(source, into=into, previous=previous, settings=settings, rng=random.Random(7), **kw)


def failure(source: Source, into: Path, settings: Settings, **kw: Any) -> FeedError:
    with pytest.raises(FeedError) as caught:
        get(source, into, settings, **kw)
    if into.exists():
        assert list(into.iterdir()) == [], "no file, not even a partial one, is left"
    return caught.value


# --- local files -------------------------------------------------------------------------------------------


def test_a_file_is_read_in_place_with_its_size_and_hash(
    tmp_path: Path, into: Path, settings: Settings
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(FEED)
    result = get(Source.from_file(feed), into, settings)
    assert (result.unchanged, result.path, result.size) == (False, feed, len(FEED))
    assert result.sha256 == hashlib.sha256(FEED).hexdigest()
    assert result.final_url is None and result.attempts == 1


def test_a_file_with_the_same_bytes_is_unchanged_and_a_new_version_is_not(
    tmp_path: Path, into: Path, settings: Settings
) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_bytes(b"id,title\n1,Mug\n")
    first = get(Source.from_file(feed), into, settings)
    again = get(Source.from_file(feed), into, settings, first.state)
    assert again.unchanged and again.path is None and again.sha256 == first.sha256
    feed.write_bytes(b"id,title\n1,Cup\n")
    changed = get(Source.from_file(feed), into, settings, first.state)
    assert not changed.unchanged and changed.path == feed


def test_a_relative_file_path_is_taken_from_the_current_folder(tmp_path: Path) -> None:
    # The test environment's current folder is tmp_path.
    assert Source.from_file("feeds/a.csv").path == tmp_path / "feeds" / "a.csv"
    with pytest.raises(InvalidInput, match="relative"):
        Source(SourceKind.FILE, path=Path("a.csv"))


def test_a_missing_file_says_so_with_its_path(tmp_path: Path, into: Path, settings: Settings) -> None:
    error = failure(Source.from_file(tmp_path / "nope.csv"), into, settings)
    assert error.reason == "file not found" and error.source == str(tmp_path / "nope.csv")
    assert error.hint and "path" in error.hint


def test_a_folder_is_not_a_feed(tmp_path: Path, into: Path, settings: Settings) -> None:
    assert "folder" in failure(Source.from_file(tmp_path), into, settings).reason


def test_a_pipe_is_not_a_regular_file(tmp_path: Path, into: Path, settings: Settings) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert "not a regular file" in failure(Source.from_file(tmp_path / "pipe"), into, settings).reason


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its permissions")
def test_an_unreadable_file_says_permission_denied(tmp_path: Path, into: Path, settings: Settings) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_bytes(b"id\n1\n")
    feed.chmod(0)
    assert "permission denied" in failure(Source.from_file(feed), into, settings).reason


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, into: Path, settings: Settings) -> None:
    feed = tmp_path / "big.csv"
    feed.write_bytes(b"x" * 10_001)
    error = failure(Source.from_file(feed), into, settings)
    assert "larger than the limit of 9.77 KiB" in error.reason and "FEEDBRIDGE_FEED_MAX_BYTES" in str(
        error.hint
    )


# --- uploads -----------------------------------------------------------------------------------------------


def test_an_upload_is_stored_under_the_data_dir_and_fetched_from_there(
    into: Path, settings: Settings
) -> None:
    upload_id = save_upload([b"id,title\n", b"1,Mug\n"], filename="My Shop.CSV.gz", settings=settings)
    assert upload_id.endswith(".csv.gz")
    path = upload_path(settings, upload_id)
    assert path.parent == settings.data_dir / "uploads" and path.read_bytes() == b"id,title\n1,Mug\n"
    first = get(Source.from_upload(upload_id), into, settings)
    assert first.path == path and not first.unchanged
    assert get(Source.from_upload(upload_id), into, settings, first.state).unchanged


def test_an_upload_over_the_size_limit_leaves_nothing_behind(settings: Settings) -> None:
    with pytest.raises(FeedError, match="larger than the limit"):
        save_upload([b"x" * 6000, b"x" * 6000], filename="feed.csv", settings=settings)
    assert list((settings.data_dir / "uploads").iterdir()) == []


def test_a_vanished_upload_asks_for_it_again(into: Path, settings: Settings) -> None:
    error = failure(Source.from_upload("0123abcd.csv"), into, settings)
    assert error.reason == "file not found" and error.hint == "upload the file again"


@pytest.mark.parametrize("upload_id", ["../secret.key", "a/b", ".hidden", "", "x" * 65])
def test_an_upload_id_can_never_point_outside_the_uploads(upload_id: str, settings: Settings) -> None:
    with pytest.raises(InvalidInput):
        Source.from_upload(upload_id)
    with pytest.raises(InvalidInput):
        upload_path(settings, upload_id)


# --- URL sources: what is accepted -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed.csv",
        "example.com/feed.csv",
        "https:///feed",
        "http://a b/",
    ],
)
def test_only_http_and_https_urls_are_accepted(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Source.from_url(url)
    assert caught.value.field == "url"


def test_credentials_in_a_url_move_out_of_it_and_never_show() -> None:
    source = Source.from_url("https://shop%40example:p%3Ass@feeds.example/feed.xml?x=1")
    assert source.url == "https://feeds.example/feed.xml?x=1"
    assert source.username == "shop@example" and source.password is not None
    assert source.password.get_secret_value() == "p:ss"
    assert "p:ss" not in repr(source) and "p%3Ass" not in source.describe()


def test_mask_url_hides_user_and_password_even_with_an_at_sign_in_the_password() -> None:
    assert mask_url("https://user:p@ss@host.example/feed?a=b") == "https://***@host.example/feed?a=b"
    assert mask_url("https://host.example/a@b") == "https://host.example/a@b"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"X-Token": "a\r\nHost: evil"}, "single line"),
        ({"Bad Name": "x"}, "header name"),
        ({"If-None-Match": "*"}, "header name"),
    ],
)
def test_extra_headers_are_checked(headers: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Source.from_url("https://feeds.example/f.xml", headers=headers)


def test_a_source_holds_exactly_what_its_kind_needs(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        Source(SourceKind.URL, url="https://a.example/f", path=tmp_path)
    with pytest.raises(InvalidInput, match="only URL sources"):
        Source(SourceKind.FILE, path=tmp_path / "f.csv", username="me")


# --- URL sources: fetching ---------------------------------------------------------------------------------


def test_a_url_is_downloaded_with_its_validators_and_type(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route(
        "/exports/feed.xml", body=FEED, etag='"v1"', last_modified="Tue, 01 Jul 2025 10:00:00 GMT"
    )
    progress: list[tuple[int, int | None]] = []
    result = get(
        Source.from_url(url), into, settings, progress=lambda done, total: progress.append((done, total))
    )
    assert result.path == into / "feed.xml" and result.path.read_bytes() == FEED
    assert (result.size, result.sha256) == (len(FEED), hashlib.sha256(FEED).hexdigest())
    assert (result.etag, result.last_modified) == ('"v1"', "Tue, 01 Jul 2025 10:00:00 GMT")
    assert result.content_type == "application/xml" and result.final_url == url and result.attempts == 1
    assert progress[-1] == (len(FEED), len(FEED))
    assert [p.name for p in into.iterdir()] == ["feed.xml"], "no temporary file is left"


def test_an_unchanged_feed_costs_one_conditional_request(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/feed.xml", body=FEED, etag='"v1"', last_modified="Tue, 01 Jul 2025 10:00:00 GMT")
    first = get(Source.from_url(url), into, settings)
    first.path.unlink()  # type: ignore[union-attr]
    again = get(Source.from_url(url), into, settings, first.state)
    sent = server.seen("/feed.xml")[-1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == "Tue, 01 Jul 2025 10:00:00 GMT"
    assert again.unchanged and again.path is None and list(into.iterdir()) == []
    assert again.state == first.state


def test_last_modified_alone_is_enough_for_a_conditional_request(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/feed.csv", body=b"id\n1\n", last_modified="Tue, 01 Jul 2025 10:00:00 GMT")
    first = get(Source.from_url(url), into, settings)
    assert first.etag is None
    assert get(Source.from_url(url), into, settings, first.state).unchanged


def test_a_server_without_validators_still_costs_no_reprocessing_for_the_same_bytes(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/feed.csv", body=b"id\n1\n")
    first = get(Source.from_url(url), into, settings)
    again = get(Source.from_url(url), into, settings, first.state)
    assert again.unchanged and again.path is None and not (into / "feed.csv").exists()
    server.route("/feed.csv", body=b"id\n1\n2\n")
    changed = get(Source.from_url(url), into, settings, first.state)
    assert not changed.unchanged and changed.path is not None and changed.path.read_bytes() == b"id\n1\n2\n"


def test_validators_of_another_source_are_not_sent(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    old = server.route("/old.xml", body=FEED, etag='"same"', last_modified="Tue, 01 Jul 2025 10:00:00 GMT")
    new = server.route("/new.xml", body=FEED + b"<!-- new -->", etag='"same"')
    first = get(Source.from_url(old), into, settings)
    result = get(Source.from_url(new), into, settings, first.state)
    assert "if-none-match" not in server.seen("/new.xml")[0].headers and not result.unchanged


def test_a_gzip_encoded_answer_is_stored_decoded(server: FeedServer, into: Path, settings: Settings) -> None:
    url = server.route("/feed.xml", body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    result = get(Source.from_url(url), into, settings)
    assert result.path is not None and result.path.read_bytes() == FEED and result.size == len(FEED)


def test_redirects_are_followed_and_the_final_url_reported(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    final = server.route("/files/feed-2025.xml", body=FEED, content_type="text/xml; charset=utf-8")
    server.route("/b", redirect_to=final, status=301)
    start = server.route("/a", redirect_to="/b", status=302)
    result = get(Source.from_url(start), into, settings)
    assert result.final_url == final and result.path == into / "feed-2025.xml"
    assert result.content_type == "text/xml; charset=utf-8"


def test_more_than_five_redirects_is_an_error(server: FeedServer, into: Path, settings: Settings) -> None:
    for hop in range(6):
        server.route(f"/r{hop}", redirect_to=f"/r{hop + 1}", status=302)
    server.route("/r6", body=FEED)
    assert (
        "redirects more than 5 times"
        in failure(Source.from_url(server.base_url + "/r0"), into, settings).reason
    )


def test_a_redirect_to_a_file_url_is_refused(server: FeedServer, into: Path, settings: Settings) -> None:
    url = server.route("/sneaky", redirect_to="file:///etc/passwd", status=302)
    assert "not http:// or https://" in failure(Source.from_url(url), into, settings).reason


def test_credentials_are_sent_and_not_carried_to_another_host(into: Path, settings: Settings) -> None:
    with running_feed_server() as shop, running_feed_server() as cdn:
        elsewhere = cdn.route("/feed.xml", body=FEED)
        url = shop.route("/feed.xml", redirect_to=elsewhere, status=302, auth=("shop", "s3cret"))
        result = get(Source.from_url(url, username="shop", password="s3cret"), into, settings)
        assert result.final_url == elsewhere
        assert shop.seen("/feed.xml")[-1].headers["authorization"].startswith("Basic ")
        assert "authorization" not in cdn.seen("/feed.xml")[0].headers


# --- URL sources: the local network is off limits unless allowed --------------------------------------------


def test_a_url_on_a_loopback_address_is_refused_by_default(
    server: FeedServer, into: Path, tmp_path: Path
) -> None:
    url = server.route("/feed.xml", body=FEED)
    error = failure(Source.from_url(url), into, Settings(data_dir=tmp_path / "data"))
    assert "127.0.0.1 is a loopback address" in error.reason
    assert "FEEDBRIDGE_FEED_ALLOW_PRIVATE_URLS=true" in str(error)
    assert server.seen("/feed.xml") == []  # refused before any request was sent


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.9", "a private address"),
        ("192.168.1.1", "a private address"),
        ("100.64.0.1", "a private address"),  # carrier-grade NAT
        ("fd00::1", "a private address"),
        ("169.254.169.254", "a link-local address"),  # cloud metadata endpoints
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("0.0.0.0", "a reserved address"),
        ("240.0.0.1", "a reserved address"),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_which_addresses_feed_urls_may_not_reach(host: str, kind: str | None) -> None:
    assert url_guard.refused_kind(ipaddress.ip_address(host)) == kind


def test_each_redirect_is_checked_too(
    server: FeedServer, into: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public host that redirects into the local network: the first request goes out, the second not."""
    internal = server.route("/admin/feed.xml", body=FEED)
    port = int(server.base_url.rsplit(":", 1)[1])
    server.route("/feed.xml", redirect_to=internal, status=302)
    real = url_guard.getaddrinfo

    def dns(host: str, *args: Any, **kwargs: Any) -> Any:  # to the guard, localhost is a public host
        return real("93.184.216.34" if host == "localhost" else host, *args, **kwargs)

    monkeypatch.setattr(url_guard, "getaddrinfo", dns)
    error = failure(
        Source.from_url(f"http://localhost:{port}/feed.xml"), into, Settings(data_dir=tmp_path / "d")
    )
    assert "127.0.0.1 is a loopback address" in error.reason and error.source == internal
    assert len(server.seen("/feed.xml")) == 1 and server.seen("/admin/feed.xml") == []


def test_a_host_name_is_named_with_its_address(into: Path, tmp_path: Path) -> None:
    error = failure(Source.from_url("http://localhost:9/feed.xml"), into, Settings(data_dir=tmp_path / "d"))
    assert re.search(r"host localhost \((127\.0\.0\.1|::1)\) is a loopback address", error.reason)


# --- URL sources: failures ---------------------------------------------------------------------------------


def test_5xx_answers_are_retried_with_growing_jittered_waits(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/feed.xml", body=FEED, fail_times=3)
    waits = Waits()
    result = get(Source.from_url(url), into, settings, sleep=waits)
    assert result.attempts == 4 and result.path is not None and result.path.read_bytes() == FEED
    assert len(waits.waits) == 3
    for attempt, wait in enumerate(waits.waits, start=1):
        assert 0.5 * 2 ** (attempt - 1) <= wait <= 2 ** (attempt - 1)


def test_a_server_that_keeps_failing_gives_up_after_the_attempts(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/feed.xml", body=FEED, fail_times=100, fail_status=503)
    waits = Waits()
    error = failure(Source.from_url(url), into, settings, sleep=waits)
    assert "HTTP 503" in error.reason and "gave up after 4 attempts" in error.reason
    assert len(server.seen("/feed.xml")) == 4 and len(waits.waits) == 3


def test_retry_after_is_honoured(server: FeedServer, into: Path, settings: Settings) -> None:
    url = server.route("/feed.xml", body=FEED, fail_times=1, fail_status=503, headers={"Retry-After": "7"})
    waits = Waits()
    get(Source.from_url(url), into, settings, sleep=waits)
    assert waits.waits == [7.0]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "not found (HTTP 404"),
        (410, "not found (HTTP 410"),
        (401, "the feed URL needs credentials"),
        (403, "the server refuses access to the feed"),
        (400, "the server refused the request (HTTP 400"),
    ],
)
def test_4xx_answers_are_not_retried(
    status: int, message: str, server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/exports/feed.xml", status=status, body=b"no")
    waits = Waits()
    error = failure(Source.from_url(url), into, settings, sleep=waits)
    assert message in error.reason and error.source == url and url in str(error)
    assert len(server.seen("/exports/feed.xml")) == 1 and waits.waits == []


def test_wrong_credentials_are_named_and_never_shown(
    server: FeedServer, into: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    url = server.route("/feed.xml", body=FEED, auth=("shop", "right"))
    caplog.set_level(logging.DEBUG)
    source = Source.from_url(url.replace("http://", "http://shop:wrong-pass@"))
    error = failure(source, into, settings)
    assert "refused the user name and password" in error.reason
    assert "wrong-pass" not in str(error) and "wrong-pass" not in caplog.text
    assert get(Source.from_url(url, username="shop", password="right"), into, settings).path is not None


def test_a_web_page_is_not_a_feed(server: FeedServer, into: Path, settings: Settings) -> None:
    url = server.route("/feed", body=b"\n  " + PAGE, content_type="text/html; charset=utf-8")
    error = failure(Source.from_url(url), into, settings)
    assert (
        error.reason == "this URL returns a web page, not a feed" and error.hint and "browser" in error.hint
    )


def test_a_feed_mislabelled_as_html_is_still_accepted(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/feed", body=FEED, content_type="text/html")
    result = get(Source.from_url(url), into, settings)
    assert result.path is not None and result.path.read_bytes() == FEED


def test_an_announced_size_over_the_limit_is_refused_before_reading(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/big.csv", body=b"x" * 20_000)
    assert "larger than the limit" in failure(Source.from_url(url), into, settings).reason


def test_a_stream_over_the_limit_is_cut_off_without_a_partial_file(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/big.csv", body=b"x" * 200_000, send_length=False)
    waits = Waits()
    assert "larger than the limit" in failure(Source.from_url(url), into, settings, sleep=waits).reason
    assert waits.waits == [], "a feed over the limit is not downloaded again"


def test_a_silent_server_times_out_and_is_retried(server: FeedServer, into: Path, settings: Settings) -> None:
    url = server.route("/slow.xml", body=FEED, delay=5)
    waits = Waits()
    two_attempts = settings.model_copy(update={"download_max_attempts": 2})
    error = failure(Source.from_url(url), into, two_attempts, sleep=waits)
    assert "the server sent nothing for 0.3 s" in error.reason and "gave up after 2 attempts" in error.reason
    assert "TIMEOUT" in str(error.hint) and len(waits.waits) == 1


def test_a_download_that_stalls_half_way_leaves_no_partial_file(
    server: FeedServer, into: Path, settings: Settings
) -> None:
    url = server.route("/feed.xml", body=FEED, stall_after=10)
    one_attempt = settings.model_copy(update={"download_max_attempts": 1})
    assert "sent nothing" in failure(Source.from_url(url), into, one_attempt).reason


def test_a_refused_connection_is_retried_then_reported(into: Path, settings: Settings) -> None:
    with running_feed_server() as gone:
        url = gone.base_url + "/feed.xml"
    waits = Waits()
    error = failure(Source.from_url(url), into, settings, sleep=waits)
    assert "the connection failed" in error.reason and len(waits.waits) == 3


def test_backoff_doubles_up_to_a_cap_and_respects_retry_after() -> None:
    rng = random.Random(1)
    assert all(4 <= backoff(3, 2.0, rng) <= 8 for _ in range(100))
    assert backoff(30, 2.0, rng) <= MAX_BACKOFF_SECONDS
    assert backoff(1, 2.0, rng, retry_after=10_000) == MAX_BACKOFF_SECONDS
