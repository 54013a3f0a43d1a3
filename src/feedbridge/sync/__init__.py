"""Runs: plan against the bindings, execute through the exporter, record results; schedules and clearing."""
