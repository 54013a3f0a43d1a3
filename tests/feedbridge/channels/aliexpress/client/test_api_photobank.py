"""Photobank upload (REFERENCE §3.15)."""

from __future__ import annotations

import httpx
import pytest

from feedbridge.channels.aliexpress.client import AliExpressClient, InvalidRequest
from feedbridge.channels.aliexpress.client.photobank import upload_image
from support.products import png
from support.server import RunningSandbox


def test_upload_returns_a_served_url(
    sandbox: RunningSandbox, api_client: AliExpressClient, seller_token: str, http: httpx.Client
) -> None:
    data = png(40, 30, seed=7, fmt="JPEG")
    image = upload_image(api_client, seller_token, data, "lamp.jpg", group_id="lamps")
    assert image.url.startswith(f"{sandbox.base_url}/kf/") and image.url.endswith(".jpg")
    assert (image.width, image.height, image.file_name) == (40, 30, "lamp.jpg")
    assert http.get(image.url).content == data


def test_a_non_image_is_refused(api_client: AliExpressClient, seller_token: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        upload_image(api_client, seller_token, b"%PDF-1.4 not an image", "manual.pdf")
    assert raised.value.code == "SBX.NOT_AN_IMAGE"
    assert "image" in raised.value.message
