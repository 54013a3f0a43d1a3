"""Catalog import: feeds (files, URLs, uploads) in, immutable Parquet snapshots out."""
