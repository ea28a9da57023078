"""Where the project's own files are, named once.

Modules moved into subpackages (issue 15) and each had its own ``Path(__file__).parents[1]``;
one anchor here means a future move cannot silently point a module at the wrong folder.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""The checkout: ``app.py``, ``data/``, ``static/`` live here."""

APP = ROOT / "app.py"
DATA_DIR = ROOT / "data"
"""The bundled data folder (the default when ``$ZONES_DATA_DIR`` is unset)."""

DATA_DIR_ENV = "ZONES_DATA_DIR"
REFERENCE_DIR = DATA_DIR / "reference"
STATIC_DIR = ROOT / "static"


def data_dir() -> Path:
    """The bundled ``data/``, or another folder of the same shape named by $ZONES_DATA_DIR."""
    return Path(os.environ.get(DATA_DIR_ENV) or DATA_DIR)
