"""Run every benchmark and print its numbers."""

from __future__ import annotations

import platform
import sys

from bench import catalog_import, categories, client_throughput, listings, rules, sandbox_throughput, sync


def main() -> None:
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, python {sys.version.split()[0]}")
    sandbox_throughput.main()
    client_throughput.main()
    catalog_import.main()
    rules.main()
    listings.main()
    sync.main()
    categories.main()


if __name__ == "__main__":
    main()
