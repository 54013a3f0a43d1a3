"""Photobank upload (REFERENCE §3.15) and the `/kf/{image}` route that serves the stored images.

Upload problems (too big, not an image) are answered inside the result (`is_success: false`,
`error_code`, `error_message`), the way this API's result object is built to report them (§1.6(f)).
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, UnidentifiedImageError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..call import Call
from ..products.images import PHOTOBANK_TOTAL_MB, load_image, save_image, used_mb
from ..registry import api
from ..state import Sandbox

MAX_BYTES = 3 * 1024 * 1024
MAX_SIDE = 5000
MAX_FILE_NAME = 256
# Pillow format -> (file extension, content type) for the formats a photobank accepts.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
    "BMP": ("bmp", "image/bmp"),
}


def _failure(call: Call, file_name: str, code: str, message: str) -> dict[str, Any]:
    return {
        "result": {
            "is_success": False,
            "status": "FAILED",
            "file_name": file_name,
            "photobank_total_size": str(PHOTOBANK_TOTAL_MB),
            "photobank_used_size": str(used_mb(call.store, call.seller_id)),
            "error_code": code,
            "error_message": message,
        }
    }


@api("aliexpress.photobank.redefining.uploadimageforsdk")
def upload_image(call: Call) -> dict[str, Any]:
    upload = call.params.file("image_bytes")
    file_name = call.params.get("file_name") or upload.filename
    if len(file_name) > MAX_FILE_NAME:
        return _failure(
            call, file_name, "SBX.FILE_NAME_TOO_LONG", f"file_name must be at most {MAX_FILE_NAME} characters"
        )
    if len(upload.data) > MAX_BYTES:
        return _failure(call, file_name, "SBX.IMAGE_TOO_LARGE", "the image must be at most 3 MB")
    try:
        with Image.open(io.BytesIO(upload.data)) as image:
            fmt, (width, height) = image.format or "", image.size
            image.verify()
    except Image.DecompressionBombError:
        return _failure(
            call, file_name, "SBX.IMAGE_TOO_LARGE", f"the image must be at most {MAX_SIDE}x{MAX_SIDE} pixels"
        )
    except (UnidentifiedImageError, OSError, SyntaxError):
        return _failure(
            call,
            file_name,
            "SBX.NOT_AN_IMAGE",
            "image_bytes is not a readable JPEG, PNG, GIF, WEBP or BMP image",
        )
    if fmt not in FORMATS:
        return _failure(
            call, file_name, "SBX.NOT_AN_IMAGE", f"image format {fmt or 'unknown'} is not accepted"
        )
    if width > MAX_SIDE or height > MAX_SIDE:
        return _failure(
            call, file_name, "SBX.IMAGE_TOO_LARGE", f"the image must be at most {MAX_SIDE}x{MAX_SIDE} pixels"
        )
    extension, content_type = FORMATS[fmt]
    stored = save_image(
        call.store,
        call.sandbox.settings.base_url,
        call.seller_id,
        data=upload.data,
        file_name=file_name,
        fmt=extension,
        content_type=content_type,
        width=width,
        height=height,
        group_id=call.params.get("group_id"),
        now=call.now,
    )
    return {
        "result": {
            "is_success": True,
            "status": "SUCCESS",
            "photobank_url": stored.url,
            "file_name": file_name,
            "width": width,
            "height": height,
            "photobank_total_size": str(PHOTOBANK_TOTAL_MB),
            "photobank_used_size": str(used_mb(call.store, call.seller_id)),
            "error_code": "",
            "error_message": "",
        }
    }


async def serve_image(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    found = load_image(sandbox.store, request.path_params["image"])
    if found is None:
        return Response("image not found", status_code=404, media_type="text/plain")
    data, content_type = found
    return Response(
        data, media_type=content_type, headers={"Cache-Control": "public, max-age=31536000, immutable"}
    )


routes = [Route("/kf/{image}", serve_image, methods=["GET"])]
