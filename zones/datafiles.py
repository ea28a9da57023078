"""The Data page's files: what each data file holds, its columns, and its download.

The downloads are the files as loaded, so what an officer gets is what the dashboard shows;
a database's volumes are read only when the button is pressed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from zones.dataset.volumes import (
    ROWS,
    VolumeRows,
    Volumes,
)
from zones.i18n import t
from zones.model import FILES, Dataset


def _tables(ds: Dataset) -> dict[str, VolumeRows]:
    zones = ds.zones[[c for c in FILES["zones.csv"].column_names]]
    return {
        "zones.csv": zones, "products.csv": ds.products,
        "destinations.csv": ds.destinations, "first_exports.csv": ds.first_exports,
        "export_volumes.csv": ds.volumes, "report_figures.csv": ds.figures,
        "facts.csv": ds.facts,
    }


def downloadable_files(ds: Dataset) -> dict[str, pd.DataFrame]:
    """The data files as loaded (so the download is what the dashboard shows)."""
    return {name: get() for name, get in download_tables(ds).items()}


def download_tables(ds: Dataset) -> dict[str, Callable[[], pd.DataFrame]]:
    """Each data file as a function that gives it: a database's volumes are read on call."""
    def getter(frame: VolumeRows) -> Callable[[], pd.DataFrame]:
        return frame.rows if isinstance(frame, Volumes) else (lambda: frame)

    return {name: getter(frame) for name, frame in _tables(ds).items()}


def file_inventory(ds: Dataset, lang: str) -> pd.DataFrame:
    """Per file: what it holds, row count, and how many rows are facts vs illustrative."""
    rows = []
    for name, frame in _tables(ds).items():
        spec = FILES[name]
        if isinstance(frame, Volumes):  # counted in the database, not read
            sums = frame.totals(("source",))
            counts = dict(zip(sums["source"], sums[ROWS], strict=True))
            report, illus, imported = (int(counts.get(s, 0)) for s in
                                       ("report", "illustrative", "imported"))
        elif "source" in frame.columns:
            report = int((frame["source"] == "report").sum())
            illus = int((frame["source"] == "illustrative").sum())
            imported = int((frame["source"] == "imported").sum())
        else:  # only facts.csv and report_figures.csv: the report's own content
            report, illus, imported = len(frame), 0, 0
        rows.append({
            t("data.file", lang): name,
            t("data.meaning", lang): spec.doc_zh if lang == "zh" else spec.doc_en,
            t("data.rows", lang): len(frame),
            t("data.report_rows", lang): report,
            t("data.illustrative_rows", lang): illus,
            t("data.imported_rows", lang): imported,
        })
    return pd.DataFrame(rows)


def data_dictionary(lang: str) -> pd.DataFrame:
    rows = [
        {
            t("data.file", lang): spec.name,
            t("data.column", lang): col.name,
            t("data.type", lang): t(f"tpl.format.{col.kind}", lang),
            t("data.required", lang): t("data.yes" if col.required else "data.no", lang),
            t("data.meaning", lang): col.doc_zh if lang == "zh" else col.doc_en,
        }
        for spec in FILES.values() for col in spec.columns
    ]
    return pd.DataFrame(rows)


def sources_markdown(root: Path | None = None) -> str:
    """SOURCES.md of the data folder in use ($ZONES_DATA_DIR or data/), made safe to render:
    it may come from an officer's folder, so links, images and HTML are shown as text."""
    from zones.dataset.csvread import read_regular_file
    from zones.dataset.loading import data_dir
    from zones.safe import document

    data, _ = read_regular_file((root or data_dir()) / "SOURCES.md", "SOURCES.md")
    return document(data.decode("utf-8", errors="replace")) if data else ""


def sources_text(lang: str) -> str:
    """Where the data comes from, in the page's language (#23): SOURCES.md is an English
    developer document, so the Chinese page gives its gist from the catalogue instead."""
    return t("data.sources_gist", lang) if lang == "zh" else sources_markdown()
