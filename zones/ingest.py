"""Reading an officer's file (CSV in any common encoding, XLSX) into a table of the model.

INTERFACE STUB shared by the import issue's two halves: the real reader/normaliser
(encodings, title rows, Chinese headers with units, HS codes, country names, …) replaces
the body of ``parse_upload``; the store (diff, apply, history) builds on ``Parsed``.
Until then only the canonical layout is read: UTF-8 CSV whose headers are the model's
column names.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

import pandas as pd

from zones.model import FILES, Dataset
from zones.validation import Issue

TABLES: tuple[str, ...] = ("zones", "products", "destinations", "export_volumes")
PROVENANCE_COLUMNS: tuple[str, ...] = ("source", "fact_id")


@dataclass(frozen=True)
class ColumnMatch:
    """One recognised column: the header as written, the model column, the unit factor."""

    header: str
    column: str
    factor: float = 1.0
    note_key: str = ""


@dataclass(frozen=True)
class Skipped:
    """A line that is not data (title, blank, total row …), said so in the preview."""

    line: int
    reason: str


@dataclass(frozen=True)
class Parsed:
    """The upload, normalised to the model's columns (all text, canonical values)."""

    table: str
    file_name: str
    sha256: str
    frame: pd.DataFrame | None
    lines: tuple[int, ...] = ()
    columns: tuple[ColumnMatch, ...] = ()
    unmatched: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    issues: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        return self.frame is not None and not self.issues


def model_columns(table: str) -> list[str]:
    """The columns an import provides: the file's columns less provenance."""
    return [c for c in FILES[f"{table}.csv"].column_names if c not in PROVENANCE_COLUMNS]


def parse_upload(data: bytes, file_name: str, table: str, ds: Dataset, *,
                 sheet: str | None = None) -> Parsed:
    """Canonical layout only (see module docstring)."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Parsed(table, file_name, digest, None,
                      issues=(Issue(file_name, None, None, "not_utf8"),))
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return Parsed(table, file_name, digest, None,
                      issues=(Issue(file_name, None, None, "empty_file"),))
    header = [h.strip() for h in rows[0]]
    wanted = model_columns(table)
    missing = [c for c in wanted if c not in header]
    issues = [Issue(file_name, 1, c, "missing_column") for c in missing]
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    lines = tuple(i for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r))
    frame = pd.DataFrame([dict(zip(header, r, strict=False)) for r in body],
                         columns=header, dtype="string")
    frame = frame.reindex(columns=wanted).astype("string")
    return Parsed(table, file_name, digest, None if missing else frame, lines,
                  tuple(ColumnMatch(c, c) for c in wanted if c in header),
                  tuple(h for h in header if h not in wanted), (), tuple(issues))
