"""Fixtures shared by every test package live in tests/support/fixtures.py."""

pytest_plugins = ["support.fixtures"]
