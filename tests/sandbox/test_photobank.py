"""Photobank upload limits and the `/kf/` image route (REFERENCE §3.15)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from support.products import png
from support.wire import Gateway

UPLOAD = "aliexpress.photobank.redefining.uploadimageforsdk"


def send(gateway: Gateway, token: str, data: bytes, name: str = "a.png", **params: Any) -> dict[str, Any]:
    body = gateway.ok(
        UPLOAD,
        {"file_name": name, **params},
        token=token,
        files={"image_bytes": (name, data, "application/octet-stream")},
    )
    result: dict[str, Any] = body["result"]
    return result


def test_upload_returns_a_served_content_addressed_url(
    gateway: Gateway, token: str, http: httpx.Client
) -> None:
    data = png(30, 20, seed=1)
    result = send(gateway, token, data, group_id="123")
    assert result["is_success"] is True
    assert (result["width"], result["height"], result["file_name"]) == (30, 20, "a.png")
    assert re.fullmatch(re.escape(gateway.base_url) + r"/kf/S[0-9a-f]{32}\.png", result["photobank_url"])
    assert float(result["photobank_used_size"]) >= 0 and result["photobank_total_size"]
    again = send(gateway, token, data, name="b.png")
    assert again["photobank_url"] == result["photobank_url"]
    assert send(gateway, token, png(30, 20, seed=2))["photobank_url"] != result["photobank_url"]

    served = http.get(result["photobank_url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.content == data


def test_jpeg_gets_a_jpg_url(gateway: Gateway, token: str, http: httpx.Client) -> None:
    url = send(gateway, token, png(fmt="JPEG"), name="a.jpg")["photobank_url"]
    assert url.endswith(".jpg")
    assert http.get(url).headers["content-type"] == "image/jpeg"


def test_unknown_image_is_404(gateway: Gateway, http: httpx.Client) -> None:
    assert http.get(gateway.base_url + "/kf/S" + "0" * 32 + ".png").status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"%PDF-1.4 not an image", "a.png", "SBX.NOT_AN_IMAGE"),
        (png(5001, 1), "a.png", "SBX.IMAGE_TOO_LARGE"),
        (png(1, 5001), "a.png", "SBX.IMAGE_TOO_LARGE"),
        (b"\x89PNG" + b"0" * (3 * 1024 * 1024), "a.png", "SBX.IMAGE_TOO_LARGE"),
        (png(), "x" * 257, "SBX.FILE_NAME_TOO_LONG"),
    ],
    ids=["not an image", "too wide", "too high", "over 3 MB", "long name"],
)
def test_upload_limits(gateway: Gateway, token: str, data: bytes, name: str, code: str) -> None:
    result = send(gateway, token, data, name=name)
    assert (result["is_success"], result["error_code"]) == (False, code)
    assert result["error_message"]
    assert "photobank_url" not in result


def test_the_largest_allowed_image_is_accepted(gateway: Gateway, token: str) -> None:
    result = send(gateway, token, png(5000, 1))
    assert result["is_success"] is True


def test_upload_without_file_is_missing_parameter(gateway: Gateway, token: str) -> None:
    error = gateway.error(UPLOAD, {"file_name": "a.png"}, token=token)
    assert error["code"] == "MissingParameter"
