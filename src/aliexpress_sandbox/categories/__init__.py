"""The category catalogue: the tree (package data), per-category attributes, schemas, suggestions."""
