"""A company's categorizer on disk: its examples (the truth) and the model learned from them (a cache).

    <data_dir>/companies/<id>-<created>/categorizer/
        examples.parquet   what the merchant taught: api_id, item_id, text, category_id, source
        model.npz          the counts and the calibration, plain arrays (numpy, allow_pickle=False)
        model.json         format, feature version, library versions, sizes, when it was trained

Nothing is unpickled. A model whose files are missing, unreadable, inconsistent or written by another
format, feature version or major library version is not trusted: `load_model` says why and returns
None, and the caller retrains it from the examples.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import numpy as np
import polars as pl
from scipy import sparse

from feedbridge.accounts.models import Company
from feedbridge.catalog.snapshots import write_atomically
from feedbridge.categories.ai.calibration import Calibration
from feedbridge.categories.ai.features import FEATURE_SPACE, FEATURE_VERSION
from feedbridge.categories.ai.model import Counts
from feedbridge.config import Settings

log = logging.getLogger(__name__)

MODEL_FORMAT = 1
COMPANIES_DIR = "companies"
EXAMPLES_SCHEMA = pl.Schema(
    {
        "api_id": pl.Int64,
        "item_id": pl.String,
        "text": pl.String,
        "category_id": pl.Int64,
        "source": pl.String,
    }
)
_LIBRARIES = ("numpy", "scipy", "polars", "polars-hash")


@dataclass(frozen=True)
class StoredModel:
    counts: Counts
    calibration: Calibration
    calibrated_on: int  # examples when the calibration was measured
    trained_at: datetime


def categorizer_folder(settings: Settings, company: Company) -> Path:
    return (
        settings.data_dir
        / COMPANIES_DIR
        / f"{company.id}-{int(company.created_at.timestamp())}"
        / "categorizer"
    )


def read_examples(folder: Path) -> pl.DataFrame:
    path = folder / "examples.parquet"
    if not path.exists():
        return EXAMPLES_SCHEMA.to_frame()
    return pl.read_parquet(path).cast(dict(EXAMPLES_SCHEMA))  # type: ignore[arg-type]


def write_examples(folder: Path, examples: pl.DataFrame) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / "examples.parquet", examples.select(EXAMPLES_SCHEMA.names()).write_parquet)


def save_model(folder: Path, model: StoredModel) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    counts = model.counts.counts.tocsr()

    def write_arrays(path: Path) -> None:
        with path.open("wb") as out:
            np.savez(
                out,
                classes=model.counts.classes,
                examples=model.counts.examples,
                data=counts.data,
                indices=counts.indices,
                indptr=counts.indptr,
                calibration_raw=model.calibration.raw,
                calibration_correct=model.calibration.correct,
            )

    write_atomically(folder / "model.npz", write_arrays)
    meta = {
        "format": MODEL_FORMAT,
        "feature_version": FEATURE_VERSION,
        "feature_space": FEATURE_SPACE,
        "libraries": _library_versions(),
        "classes": len(model.counts.classes),
        "examples": model.counts.size,
        "calibrated_on": model.calibrated_on,
        "trained_at": model.trained_at.isoformat(),
    }
    write_atomically(folder / "model.json", lambda path: path.write_text(json.dumps(meta, indent=2)))


def load_model(folder: Path) -> StoredModel | None:
    """The stored model, or None (logged with the reason) when it cannot be trusted."""
    try:
        meta = json.loads((folder / "model.json").read_text())
        problem = _incompatible(meta)
        if problem:
            log.info("retraining the categorizer in %s: %s", folder, problem)
            return None
        with np.load(folder / "model.npz", allow_pickle=False) as arrays:
            classes = arrays["classes"].astype(np.int64)
            matrix = sparse.csr_matrix(
                (arrays["data"], arrays["indices"], arrays["indptr"]), shape=(len(classes), FEATURE_SPACE)
            )
            counts = Counts(classes, matrix, arrays["examples"].astype(np.float64))
            calibration = Calibration(arrays["calibration_raw"], arrays["calibration_correct"])
        matrix.check_format(full_check=True)
        if len(counts.examples) != len(classes) or len(calibration.raw) != len(calibration.correct):
            raise ValueError("array lengths disagree")
        return StoredModel(
            counts, calibration, int(meta["calibrated_on"]), datetime.fromisoformat(meta["trained_at"])
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, EOFError, BadZipFile) as error:
        log.warning("retraining the categorizer in %s: its stored model cannot be read (%s)", folder, error)
        return None


def _incompatible(meta: dict[str, Any]) -> str | None:
    if meta.get("format") != MODEL_FORMAT:
        return f"it was stored in format {meta.get('format')}, this version reads {MODEL_FORMAT}"
    if meta.get("feature_version") != FEATURE_VERSION or meta.get("feature_space") != FEATURE_SPACE:
        return "it was trained on another version of the text features"
    stored = meta.get("libraries") or {}
    for name, current in _library_versions().items():
        if str(stored.get(name, "")).split(".")[0] != current.split(".")[0]:
            return f"it was stored with {name} {stored.get(name)}, this installation has {current}"
    return None


def _library_versions() -> dict[str, str]:
    return {name: version(name) for name in _LIBRARIES}
