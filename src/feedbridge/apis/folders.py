"""Where an API's files live: its AI category assignments and its built listings.

The folder is named by the API's id and creation time: SQLite gives a new row the id of a deleted one
when that one had the highest id, and the new API must not find the old one's files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from feedbridge.apis.models import AliExpressApi
from feedbridge.config import Settings

APIS_DIR = "apis"


def api_folder(settings: Settings, api: AliExpressApi) -> Path:
    return settings.data_dir / APIS_DIR / f"{api.id}-{int(api.created_at.timestamp())}"


def remove_api_folder(settings: Settings, api: AliExpressApi) -> None:
    """Forget the API's files; call it once the API's deletion is committed."""
    shutil.rmtree(api_folder(settings, api), ignore_errors=True)
