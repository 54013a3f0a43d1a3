"""Marketplace channels; each implements the same small protocol (schema, payloads, exporter)."""
