"""Photobank upload (REFERENCE §3.15): every image of a product must come from here since 2022-08-11."""

from __future__ import annotations

from pydantic import Field

from .client import AliExpressClient
from .models import AeResponse, result_error
from .spec import ApiSpec

# Uploading the same bytes again only stores another copy: safe to repeat.
UPLOAD_IMAGE = ApiSpec("aliexpress.photobank.redefining.uploadimageforsdk")


class PhotobankImage(AeResponse):
    url: str = Field(alias="photobank_url")
    file_name: str | None = None
    width: int | None = None
    height: int | None = None
    photobank_total_size: str | None = None  # MB, as the platform writes it
    photobank_used_size: str | None = None


class _Upload(AeResponse):
    is_success: bool = False
    error_code: str | None = None
    error_message: str | None = None


def upload_image(
    client: AliExpressClient, token: str, data: bytes, file_name: str, group_id: str | None = None
) -> PhotobankImage:
    """Upload one image (≤3 MB, ≤5000×5000 px) and return its photobank URL; refusals raise InvalidRequest."""
    files = {"image_bytes": (file_name, data, "application/octet-stream")}
    body = client.call(UPLOAD_IMAGE, {"file_name": file_name, "group_id": group_id}, token=token, files=files)
    result = body.get("result") or {}
    outcome = _Upload.model_validate(result)
    if not outcome.is_success:
        raise result_error(UPLOAD_IMAGE.name, outcome.error_code, outcome.error_message, "upload refused")
    return PhotobankImage.model_validate(result)
