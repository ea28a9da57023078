"""The data folder's tables as the import reads them: keys, provenance, sums, errors.

Shared by the plan (what an import would change) and the stores (files and database), so
both compare rows, name an import and report a refusal the same way.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from zones.dataset.loading import GEO_FILES, read_csv_text
from zones.dataset.validation import Issue
from zones.intake.parsed import TABLES
from zones.model import FILES
from zones.safe_files import Busy  # noqa: F401 (callers of the stores catch it here)

MODES: tuple[str, ...] = ("upsert", "replace")


# The key that identifies "the same row" for upsert and for the diff.
KEYS: dict[str, tuple[str, ...]] = {table: FILES[f"{table}.csv"].row_key for table in TABLES}


MEASURE_SUMS: tuple[str, ...] = ("tonnes", "value_usd")


IMPORTS_FILE = "imports.csv"


IMPORTS_COLUMNS: tuple[str, ...] = (
    "import_id", "imported_at", "user", "file_name", "sha256", "table", "mode")


SAMPLE_ROWS = 500  # rows of each kind kept for the preview


class StoreError(Exception):
    """A refused apply/undo; ``issues`` say why (nothing was written)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.message("en") for i in issues))
        self.issues = issues


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def fmt_sum(value: float) -> str:
    """A preview total with every digit (a diff that rounds would hide the change)."""
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text


def data_fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, mtime_ns, size) of every file the app loads: changes when any is replaced.

    Cheap (one ``stat`` per file), so every rerun of every app process can compare it and
    reload after another process imported, without a restart.
    """
    names = [*FILES, IMPORTS_FILE, *(f"geo/{g}" for g in GEO_FILES.values())]
    out = []
    for name in names:
        try:
            st = (root / name).stat()
            out.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((name, -1, -1))
    return tuple(out)


def frame_csv_bytes(df: pd.DataFrame) -> bytes:
    """A text frame as the data folder's CSV: UTF-8, LF, minimal quoting, '' for missing.

    pandas writes through the csv module with the same dialect (tests/test_store.py
    checks the bytes), at a third of the time of a Python loop over a million rows.
    """
    from zones.safe import stored_csv_bytes

    return stored_csv_bytes(df)


def read_text_table(root: Path, name: str) -> pd.DataFrame | None:
    if not (root / name).exists():
        return None
    df, _ = read_csv_text(root / name, name)
    return df


def norm(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def canon(value: object, kind: str) -> object:
    """The value as compared for 'unchanged': numbers by value (28 == 28.0), text stripped."""
    text = norm(value)
    if kind in ("int", "float") and text:
        try:
            return float(text)
        except ValueError:
            return text
    return text


def read_table(root: Path, table: str) -> pd.DataFrame:
    """The table as it is on disk, all text (what a template of the current data holds)."""
    name = f"{table}.csv"
    df = read_text_table(root, name)
    return df if df is not None else pd.DataFrame(columns=FILES[name].column_names,
                                                   dtype="string")


def read_imports(root: Path) -> pd.DataFrame:
    df = read_text_table(root, IMPORTS_FILE)
    if df is None:
        return pd.DataFrame(columns=list(IMPORTS_COLUMNS), dtype="string")
    return df.reindex(columns=list(IMPORTS_COLUMNS)).astype("string")


def current_sha(root: Path, name: str) -> str | None:
    path = root / name
    return sha256(path.read_bytes()) if path.exists() else None
