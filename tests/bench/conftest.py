"""bench/ is not an installed package (`make bench` runs it from the repository root): put the root on the path."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
