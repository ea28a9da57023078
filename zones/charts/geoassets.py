"""Boundary geometry served once per browser, by the app's own static file serving.

The map specs used to inline every county and country outline, ~400 KB per map and
per rerun. Instead ``static/geo/`` holds a copy of ``data/geo/`` (made by
``scripts/build_static_geo.py``, checked byte for byte by the tests), Streamlit serves
it at ``app/static/geo/…`` (``[server] enableStaticServing``) and the specs reference it
by URL, so the browser fetches each file once and caches it. Still fully offline: the
URL is relative to the page, i.e. the same server on 127.0.0.1 or the intranet host.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from functools import cache
from pathlib import Path
from typing import Literal

from zones import paths
from zones.dataset.loading import GEO_FILES

ROOT = paths.ROOT
SOURCE_DIR = paths.DATA_DIR / "geo"
STATIC_DIR = paths.STATIC_DIR / "geo"
# Relative to the page (no leading slash), so it also works under server.baseUrlPath.
URL_PREFIX = "app/static/geo/"

Geometry = Literal["inline", "url"]

# The boundary files as the loader names them: one table (it was repeated here while the
# loader imported the map module, which imports this one).
LAYER_FILES: dict[str, str] = GEO_FILES


@cache
def _static_bytes(name: str) -> bytes | None:
    path = STATIC_DIR / name
    return path.read_bytes() if path.is_file() else None


def layer_url(key: str) -> str:
    """The URL of a served layer, with a content hash so a rebuilt file is refetched."""
    name = LAYER_FILES[key]
    data = _static_bytes(name) or b""
    return f"{URL_PREFIX}{name}?v={hashlib.sha256(data).hexdigest()[:12]}"


def served_geometry(layers: dict[str, dict]) -> Geometry:
    """``url`` when every served file holds exactly the loaded layer, else ``inline``.

    A data folder named by $ZONES_DATA_DIR may bring its own boundaries; the maps then
    inline them rather than draw the bundled ones. Called once per process (zones/ui.py).
    """
    for key, name in LAYER_FILES.items():
        data = _static_bytes(name)
        if data is None or key not in layers:
            return "inline"
        try:
            if json.loads(data.decode("utf-8")) != layers[key]:
                return "inline"
        except ValueError:
            return "inline"
    return "url"


def build(src: Path = SOURCE_DIR, out: Path = STATIC_DIR) -> list[Path]:
    """Copy the boundary files to the served folder (byte for byte); returns what it wrote."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in LAYER_FILES.values():
        shutil.copyfile(src / name, out / name)
        written.append(out / name)
    _static_bytes.cache_clear()
    return written
