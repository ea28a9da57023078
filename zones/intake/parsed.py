"""What reading an officer's file gives: the rows in the model's columns, how each header
was understood, what was skipped and every problem (``Parsed``), for the preview and the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zones.dataset.validation import Issue
from zones.intake import attribution
from zones.model import FILES

TABLES: tuple[str, ...] = ("zones", "products", "destinations", "export_volumes")


PROVENANCE_COLUMNS: tuple[str, ...] = ("source", "fact_id")


@dataclass(frozen=True)
class ColumnMatch:
    """One recognised column: the header as written, the model column, the unit factor.

    ``header == ""`` marks a column the import derived rather than read (e.g. ``lon``
    from the county's boundary, ``zone_id`` from an existing zone's name); ``note_key``
    (an ``import.note.*`` string) says how.
    """

    header: str
    column: str
    factor: float = 1.0
    note_key: str = ""


@dataclass(frozen=True)
class Skipped:
    """A line (or lines ``line``–``end``) that is not data: title, blank, total row …

    ``reason`` is an ``import.skip.*`` key; ``text`` the line's content, shortened.
    """

    line: int
    reason: str
    text: str = ""
    end: int | None = None


@dataclass(frozen=True)
class ValueMatch:
    """A name or code as written and the id it was read as ("南韩" → "KOR"), for the preview."""

    header: str
    written: str
    value: str


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
    # Additions (defaults keep the interface): destination rows the store must add
    # (countries named in the file, known to data/reference/countries.csv, not yet in
    # destinations.csv), columns recognised but not imported (序号, 合计, source), how
    # the file was read.
    new_destinations: pd.DataFrame | None = None
    ignored: tuple[str, ...] = ()
    header_lines: tuple[int, ...] = ()
    encoding: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    values: tuple[ValueMatch, ...] = ()  # distinct names/codes read as ids (at most 500)
    attributed: tuple[attribution.Attributed, ...] = ()  # zones found from 注册地 (#17)

    @property
    def ok(self) -> bool:
        return self.frame is not None and not self.issues


def model_columns(table: str) -> list[str]:
    """The columns an import provides: the file's columns less provenance."""
    return [c for c in FILES[f"{table}.csv"].column_names if c not in PROVENANCE_COLUMNS]


def skipped_lines(s: Skipped) -> str:
    """``12`` or ``30–33``: the lines a skipped entry covers, as the officer counts them."""
    return f"{s.line}–{s.end}" if s.end is not None and s.end != s.line else str(s.line)
