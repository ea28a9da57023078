"""Copy the boundary layers from ``data/geo/`` to ``static/geo/``, which the app serves.

The maps reference ``app/static/geo/<file>`` by URL (``[server] enableStaticServing``)
so each browser fetches the geometry once instead of with every rerun (issue 8). The
copy is byte for byte; ``tests/test_map_specs.py`` fails when it is stale.

Usage: ``python scripts/build_static_geo.py`` (after ``scripts/build_geodata.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zones.charts.geoassets import build

if __name__ == "__main__":
    for path in build():
        print(path)
