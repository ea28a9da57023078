"""One call from a filter to a briefing file: deck → images → PPTX / PDF / ZIP (#7).

The page and ``python -m zones brief`` both call ``export``; it reports progress through a
callback (the page shows it in ``st.status``) and returns the file name and bytes. Every
table it writes goes through ``zones.safe`` (formula cells neutralised, CSV with BOM).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import multiprocessing
import queue as queue_mod
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import pandas as pd

from zones import keypoints, safe
from zones.brief.deck import BriefOptions, Deck, build_deck, safe_name, table_title
from zones.brief.formats import EXTENSIONS, FORMATS, MIME, WRITTEN
from zones.dataset.filters import FilterState
from zones.i18n import t
from zones.model import Dataset
from zones.typed_export import csv_frame, format_sheet

Progress = Callable[[float, str], None]
KeyPoints = tuple[keypoints.KeyPoint, ...]


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    mime: str
    slides: int
    seconds: float


def _quiet(fraction: float, message: str) -> None:
    """The default progress callback: say nothing."""


def filename(deck: Deck, fmt: str) -> str:
    suffix = {"images": "_" + t("brief.file_images", deck.lang),
              "data": "_" + t("brief.file_data", deck.lang)}.get(fmt, "")
    return f"{deck.file_stem}{suffix}.{EXTENSIONS[fmt]}"


def render_images(deck: Deck, progress: Progress = _quiet, files: bool = False,
                  start: float = 0.1, end: float = 0.8, native: bool = False
                  ) -> tuple[dict[str, bytes], dict[str, str]]:
    """PNG of every figure, keyed by figure name; ``files``: image files (sharper PNG + SVG).

    ``native``: the PPTX draws its charts itself (#22); only the maps become images.
    """
    from zones.brief.images import FILE_SCALE, PNG_SCALE, to_png, to_svg

    pngs: dict[str, bytes] = {}
    svgs: dict[str, str] = {}
    drawn = {s.figure.name for s in deck.slides
             if native and s.native is not None and s.figure is not None}
    figures = [f for f in deck.figures if f.name not in drawn]
    for i, fig in enumerate(figures, start=1):
        progress(start + (end - start) * (i - 1) / max(1, len(figures)),
                 t("brief.status.image", deck.lang, i=i, n=len(figures), name=fig.title))
        pngs[fig.name] = to_png(fig.spec, scale=FILE_SCALE if files else PNG_SCALE)
        if files:
            svgs[fig.name] = to_svg(fig.spec)
    return pngs, svgs


def _zip(deck: Deck, files: list[tuple[str, bytes]]) -> bytes:
    """A ZIP whose entries carry the deck's date, so the same deck gives the same bytes."""
    stamp = (deck.date.year, deck.date.month, deck.date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            zf.writestr(zipfile.ZipInfo(name, date_time=stamp), data,
                        compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def images_zip(deck: Deck, pngs: dict[str, bytes], svgs: dict[str, str]) -> bytes:
    files: list[tuple[str, bytes]] = []
    for i, fig in enumerate(deck.figures, start=1):
        stem = f"{i:02d}_{safe_name(fig.title)}_{fig.name}"
        files.append((f"{stem}.png", pngs[fig.name]))
        if fig.name in svgs:
            files.append((f"{stem}.svg", svgs[fig.name].encode("utf-8")))
    return _zip(deck, files)


def sources_frame(deck: Deck) -> pd.DataFrame:
    """The "sources" sheet: what each table holds and where it comes from."""
    rows = [{t("brief.col.table", deck.lang): table_title(name, deck.lang),
             t("brief.col.sources", deck.lang): deck.table_sources.get(name, "")}
            for name in deck.tables]
    rows += [{t("brief.col.table", deck.lang): "", t("brief.col.sources", deck.lang): line}
             for line in ("", t("app.source_line", deck.lang), t("banner.year", deck.lang),
                          t("brief.generated", deck.lang, date=deck.date.isoformat(),
                            summary=deck.filter_text))]
    return pd.DataFrame(rows)


def xlsx_bytes(deck: Deck, points: pd.DataFrame | None = None) -> bytes:
    """One workbook: the key points (#21), a sheet per table, then "sources"."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        sheets: list[tuple[str, pd.DataFrame, int]] = [
            (t("kp.sheet", deck.lang), points, 0)] if points is not None else []
        sheets += [(table_title(n, deck.lang), df, 0) for n, df in deck.tables.items()]
        src = sources_frame(deck)
        sheets.append((table_title("sources", deck.lang), src, 0))
        for name, frame, row in sheets:
            safe.excel_sheet(writer, frame, _sheet(name), startrow=row)
            format_sheet(writer.sheets[_sheet(name)], frame, row)
        src_sheet = _sheet(table_title("sources", deck.lang))
        safe.excel_sheet(writer, deck.facts, src_sheet, startrow=len(src) + 2)
        for ws in writer.book.worksheets:
            ws.freeze_panes = "A2"
            for col in ws.columns:
                width = max(len(str(c.value or "")) for c in col[:200])
                ws.column_dimensions[col[0].column_letter].width = min(80, max(8, width + 2))
        writer.book.properties.created = dt.datetime.combine(deck.date, dt.time())
        writer.book.properties.modified = writer.book.properties.created
    return out.getvalue()


def _sheet(name: str) -> str:
    return "".join("_" if c in "[]:*?/\\" else c for c in name)[:31]


def data_zip(deck: Deck, points: KeyPoints = ()) -> bytes:
    """The workbook plus every table as CSV (UTF-8 with BOM); the key points as text."""
    sheet = keypoints.table(points, deck.lang) if points else None
    files: list[tuple[str, bytes]] = [(f"{deck.file_stem}.xlsx", xlsx_bytes(deck, sheet))]
    if points:  # the sentences to paste into a document, with the figures they state
        files.append((f"00_{safe_name(t('kp.title', deck.lang))}.txt",
                      keypoints.as_text(points, deck.lang).encode("utf-8")))
    names = [*deck.tables, "sources"]
    for i, name in enumerate(names, start=1):
        frame = deck.tables[name] if name != "sources" else sources_frame(deck)
        files.append((f"{i:02d}_{safe_name(table_title(name, deck.lang))}.csv",
                      safe.csv_bytes(csv_frame(frame))))
    files.append((f"{len(names) + 1:02d}_{safe_name(t('brief.col.fact', deck.lang))}.csv",
                  safe.csv_bytes(deck.facts)))
    return _zip(deck, files)


def render(deck: Deck, fmt: str, progress: Progress = _quiet, points: KeyPoints = ()
           ) -> bytes:
    """The bytes of ``deck`` in ``fmt`` (one of ``FORMATS``); ``points``: the data
    bundle's key points."""
    if fmt == "data":
        progress(0.5, t("brief.status.render", deck.lang, fmt="XLSX/CSV"))
        return data_zip(deck, points)
    pngs, svgs = render_images(deck, progress, files=fmt == "images", native=fmt == "pptx")
    progress(0.85, t("brief.status.render", deck.lang, fmt=fmt.upper()))
    if fmt == "images":
        return images_zip(deck, pngs, svgs)
    if fmt == "pptx":
        from zones.brief.pptx import render_pptx

        return render_pptx(deck, pngs)
    if fmt == "pdf":
        from zones.brief.pdf import render_pdf

        return render_pdf(deck, pngs)
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


def export(ds: Dataset, state: FilterState, lang: str, date: dt.date, fmt: str,
           options: BriefOptions | None = None, progress: Progress = _quiet,
           title: str | None = None) -> Export:
    """Build the briefing of ``state`` in ``lang`` and render it as ``fmt``; ``title``
    is the cover's title as typed (default: the app's)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    t0 = time.perf_counter()
    if fmt in WRITTEN:  # the written brief (汇报材料, #21): its own content and renderers
        from zones.brief.paper import written_file

        name, data, sections = written_file(ds, state, lang, date, fmt, options, progress)
        seconds = time.perf_counter() - t0
        progress(1.0, t("brief.status.done", lang, seconds=f"{seconds:.1f}"))
        return Export(name, data, MIME[fmt], sections, seconds)
    progress(0.02, t("brief.status.deck", lang))
    deck = build_deck(ds, state, lang, date, options, title=title)
    points: KeyPoints = ()
    if fmt == "data":
        from zones.brief.written import brief_views

        views = brief_views(state, lang, options or BriefOptions())
        points = tuple(dict.fromkeys(p for v in views for p in keypoints.key_points(ds, v)))
    data = render(deck, fmt, progress, points)
    seconds = time.perf_counter() - t0
    progress(1.0, t("brief.status.done", lang, seconds=f"{seconds:.1f}"))
    return Export(filename(deck, fmt), data, MIME[fmt], len(deck.slides), seconds)


# ---------------------------------------------------------------- off the server process
# vl-convert and fontTools hold the GIL for the whole render (measured: a Python loop in
# another thread ran at 8 % speed meanwhile), so an export in the Streamlit process would
# stall every other viewer for seconds. The app therefore renders in one worker process,
# started on the first export and reused; progress comes back through a queue.

_POOL: ProcessPoolExecutor | None = None
_QUEUE: multiprocessing.queues.Queue | None = None  # type: ignore[name-defined]
_POOL_LOCK = threading.Lock()
_CALLS = itertools.count(1)
_worker_queue: multiprocessing.queues.Queue | None = None  # type: ignore[name-defined]


def _worker_init(progress_queue: multiprocessing.queues.Queue) -> None:  # type: ignore[name-defined]
    global _worker_queue
    _worker_queue = progress_queue


def _worker_export(call: int, args: tuple, title: str | None = None) -> Export:
    def progress(fraction: float, message: str) -> None:
        if _worker_queue is not None:
            _worker_queue.put((call, fraction, message))

    return export(*args, progress=progress, title=title)


def _pool() -> tuple[ProcessPoolExecutor, multiprocessing.queues.Queue]:  # type: ignore[name-defined]
    global _POOL, _QUEUE
    with _POOL_LOCK:
        if _POOL is None or _QUEUE is None:
            ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
            _QUEUE = ctx.Queue()
            _POOL = ProcessPoolExecutor(max_workers=1, mp_context=ctx,
                                        initializer=_worker_init, initargs=(_QUEUE,))
        return _POOL, _QUEUE


def _reset_pool() -> None:
    global _POOL, _QUEUE
    with _POOL_LOCK:
        if _POOL is not None:
            _POOL.shutdown(wait=False, cancel_futures=True)
        _POOL, _QUEUE = None, None


def export_isolated(ds: Dataset, state: FilterState, lang: str, date: dt.date, fmt: str,
                    options: BriefOptions | None = None, progress: Progress = _quiet,
                    poll: float = 0.1, title: str | None = None) -> Export:
    """``export`` in the worker process; the caller's thread only relays progress.

    Falls back to rendering here if no worker process can be started at all.
    """
    try:
        pool, progress_queue = _pool()
        call = next(_CALLS)
        future = pool.submit(_worker_export, call, (ds, state, lang, date, fmt, options),
                             title)
    except (OSError, RuntimeError, BrokenProcessPool):
        _reset_pool()
        return export(ds, state, lang, date, fmt, options, progress, title=title)
    while True:
        try:
            who, fraction, message = progress_queue.get(timeout=poll)
            if who == call:
                progress(fraction, message)
        except queue_mod.Empty:
            if future.done():
                break
    try:
        return future.result()
    except BrokenProcessPool:
        _reset_pool()  # the worker died (e.g. out of memory): start afresh next time
        raise
