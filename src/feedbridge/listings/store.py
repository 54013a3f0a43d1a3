"""An API's computed listings on disk, so that quality, preview and value maps read them instead of
building 1,000,000 items again for every page.

Under `listings/<key>/` in the API's folder: the checked SKU rows in parts (`skus/part-N.parquet`,
one per chunk the pipeline built), `items.parquet` and `listings.parquet` (the ListingSet) and
`result.json` (summary, issue codes, what the attributes are called). The key is a digest of every
input; a result is written to a temporary folder and renamed into place, then older results go.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl

from feedbridge.listings.pipeline import ListingSet
from feedbridge.listings.quality import Fix, Issue, IssueIndex, QualitySummary, Severity

_TEMPORARY = ".tmp-"


def listings_root(folder: Path) -> Path:
    """Where the results live in an API's folder (`apis.folders.api_folder`)."""
    return folder / "listings"


@dataclass(frozen=True)
class Labels:
    """How to show a result's attributes to people: their labels, and the names of value ids."""

    attributes: dict[str, str]  # attribute key -> label, in display order
    names: dict[str, dict[str, str]]  # attribute key -> value id -> name


@dataclass(frozen=True)
class StoredListings:
    path: Path
    key: str
    account_signature: str  # the account data the result was built with (connection_data entries)
    summary: QualitySummary
    issues: IssueIndex
    labels: Labels

    def skus(self) -> pl.LazyFrame:
        """Every checked SKU row (all attributes, raw values, issue words), in item order."""
        return pl.scan_parquet(self.path / "skus" / "*.parquet").sort("position")

    def items(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.path / "items.parquet")

    def listings(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.path / "listings.parquet")


def find_listings(folder: Path, key: str) -> StoredListings | None:
    path = listings_root(folder) / key
    try:
        data = json.loads((path / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return _stored(path, data)


class ResultWriter:
    """Collects one result's files in a temporary folder (`sink` takes each chunk's SKU rows)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._parts = 0
        (folder / "skus").mkdir(parents=True)

    def sink(self, skus: pl.DataFrame) -> None:
        _write(skus, self.folder / "skus" / f"part-{self._parts:04d}.parquet")
        self._parts += 1

    def finish(self, found: ListingSet, labels: Labels, account_signature: str, key: str) -> None:
        _write(found.items, self.folder / "items.parquet")
        _write(found.listings, self.folder / "listings.parquet")
        result = {
            "key": key,
            "account_signature": account_signature,
            "summary": asdict(found.summary),
            "issues": {"codes": list(found.issues.codes), "mandatory": sorted(found.issues.mandatory)},
            "labels": asdict(labels),
        }
        (self.folder / "result.json").write_text(json.dumps(result), encoding="utf-8")


@contextmanager
def writing_listings(folder: Path, key: str) -> Iterator[ResultWriter]:
    """A writer whose folder becomes the result `key` when the block ends without an error; older
    results are removed then, and a failed one leaves nothing behind."""
    root = listings_root(folder)
    folder = root / f"{_TEMPORARY}{uuid.uuid4().hex}"
    try:
        writer = ResultWriter(folder)
        yield writer
        target = root / key
        shutil.rmtree(target, ignore_errors=True)
        folder.rename(target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for older in root.iterdir():
        if older.name != key and not older.name.startswith(_TEMPORARY):
            shutil.rmtree(older, ignore_errors=True)


def _write(frame: pl.DataFrame, path: Path) -> None:
    frame.write_parquet(path, compression="zstd", compression_level=1)


def _stored(path: Path, data: Mapping[str, Any]) -> StoredListings:
    summary = dict(data["summary"])
    summary["issues"] = tuple(
        Issue(**{**issue, "severity": Severity(issue["severity"]), "fix": Fix(issue["fix"])})
        for issue in summary["issues"]
    )
    issues = IssueIndex(tuple(data["issues"]["codes"]), frozenset(data["issues"]["mandatory"]))
    return StoredListings(
        path=path,
        key=data["key"],
        account_signature=data["account_signature"],
        summary=QualitySummary(**summary),
        issues=issues,
        labels=Labels(**data["labels"]),
    )
