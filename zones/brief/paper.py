"""The written brief's files: its charts as PNG, then Word or the A4 PDF twin (#21).

``zones.brief.export.export`` hands the written formats (``formats.WRITTEN``) to
``written_file``; the run-sheet command to ``runsheet_file``. Apart from the deck's
renderers so that a deck export never loads python-docx.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from zones.brief.deck import BriefOptions
from zones.brief.formats import EXTENSIONS, WRITTEN
from zones.brief.written import WrittenBrief, build_written, build_written_runsheet
from zones.dataset.filters import FilterState
from zones.i18n import t
from zones.model import Dataset
from zones.runsheets.sheet import Checked

Progress = Callable[[float, str], None]


def _quiet(fraction: float, message: str) -> None:
    """Say nothing."""


def render_written(brief: WrittenBrief, fmt: str, progress: Progress = _quiet) -> bytes:
    """The brief's bytes in ``fmt`` ("docx" or "brief-pdf")."""
    from zones.brief.images import PNG_SCALE, to_png

    if fmt not in WRITTEN:
        raise ValueError(f"unknown format {fmt!r}; expected one of {WRITTEN}")
    pictures = brief.pictures
    pngs: dict[str, bytes] = {}
    for i, fig in enumerate(pictures, start=1):
        progress(0.2 + 0.6 * (i - 1) / max(1, len(pictures)),
                 t("brief.status.image", brief.lang, i=i, n=len(pictures), name=fig.title))
        pngs[fig.name] = to_png(fig.spec, scale=PNG_SCALE)
    progress(0.85, t("brief.status.render", brief.lang, fmt=fmt.upper()))
    if fmt == "docx":
        from zones.brief.docx import render_docx

        return render_docx(brief, pngs)
    from zones.brief.a4pdf import render_a4pdf

    return render_a4pdf(brief, pngs)


def filename(brief: WrittenBrief, fmt: str) -> str:
    return f"{brief.file_stem}.{EXTENSIONS[fmt]}"


def written_file(ds: Dataset, state: FilterState, lang: str, date: dt.date, fmt: str,
                 options: BriefOptions | None = None, progress: Progress = _quiet
                 ) -> tuple[str, bytes, int]:
    """(file name, bytes, number of sections) of the written brief of ``state``."""
    progress(0.02, t("brief.status.deck", lang))
    brief = build_written(ds, state, lang, date, options)
    return filename(brief, fmt), render_written(brief, fmt, progress), len(brief.sections)


def runsheet_file(ds: Dataset, checked: Checked, lang: str, date: dt.date, fmt: str
                  ) -> tuple[str, bytes, int]:
    """The same for a checked run-sheet: each step a section under its title."""
    brief = build_written_runsheet(ds, checked, lang, date)
    return filename(brief, fmt), render_written(brief, fmt), len(brief.sections)
