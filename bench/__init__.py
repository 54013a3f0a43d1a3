"""Benchmarks: `make bench` runs them all; numbers go to docs/performance.md."""
