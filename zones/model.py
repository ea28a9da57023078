"""The data model: which files exist, their columns, and the fixed vocabularies.

Everything that describes the shape of the data lives here so that the loader, the
validator, the data dictionary page and the tests read one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

import pandas as pd

Kind = Literal["str", "int", "float"]

# imported: rows an officer loaded through ``python -m zones import`` or the Data page (#6);
# each carries an ``import_id`` naming the file, its SHA-256, who and when (data/imports.csv).
SOURCES: tuple[str, ...] = ("report", "illustrative", "imported")
LEVELS: tuple[str, ...] = ("provincial", "national_first_batch")
CATEGORIES: tuple[str, ...] = (
    "meat", "deer", "ginseng", "fruit", "vegetables", "grain_oil", "fungi",
)
# Paul Tol's "muted" palette: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLORS: dict[str, str] = {
    "meat": "#CC6677",
    "deer": "#DDCC77",
    "ginseng": "#882255",
    "fruit": "#AA4499",
    "vegetables": "#117733",
    "grain_oil": "#88CCEE",
    "fungi": "#332288",
}
# How a row's source is drawn on maps: facts solid, illustrative rows hollow.
# Imported rows are squares: neither a report fact nor made up.
SOURCE_SHAPES: dict[str, str] = {"report": "diamond", "illustrative": "circle",
                                 "imported": "square"}
QUALIFIERS: tuple[str, ...] = ("exact", "more_than", "approximately")
UNITS: tuple[str, ...] = (
    "measures", "enterprises", "consignments", "usd", "zones", "memoranda", "routes",
    "outlets", "cny", "head", "declarations", "teu", "percent", "areas", "actions",
    "rank", "indicators", "ports", "days",
)
PERIOD_RE = r"^\d{4}-(0[1-9]|1[0-2])$"
LAUNCHED_RE = r"^\d{4}(-(0[1-9]|1[0-2]))?$"
ADCODE_RE = r"^\d{6}$"
ISO3_RE = r"^[A-Z]{3}$"
ID_RE = r"^[a-z0-9][a-z0-9_\-]*$"
FACT_ID_RE = r"^[A-Z]\d+$"
# ';'-separated HS code prefixes: 4-digit heading, optional subheading/tariff digits.
HS_CODES_RE = r"^\d{4}(\.\d{2,6})?(;\d{4}(\.\d{2,6})?)*$"

# Years any date in the data may fall in (#10): from the reform and opening (1978) to next
# year. A period 2099-01 or 0001-01, or a first export in 2999, is a typo, not data.
FIRST_YEAR = 1978


def last_year() -> int:
    """The last year the data may speak of (next year: plans and forecasts)."""
    return date.today().year + 1


IMPORT_ID_RE = r"^imp-\d{8}t\d{6}z-[0-9a-f]{8}$"


@dataclass(frozen=True)
class Col:
    """One CSV column: its type, whether it may be empty, and its allowed values."""

    name: str
    kind: Kind = "str"
    required: bool = True
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    unique: bool = False
    min_value: float | None = None
    # Loader hardening (#10): an upper bound, a year inside [FIRST_YEAR, last_year()]
    # (for YYYY, YYYY-MM text or int years), and a list separator (``a;b``, no empty items).
    max_value: float | None = None
    year_window: bool = False
    list_sep: str | None = None
    doc_en: str = ""
    doc_zh: str = ""
    # The column may be absent from the file (the bundled files predate it); when present
    # it is checked like any other.
    optional: bool = False


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...] = ()
    doc_en: str = ""
    doc_zh: str = ""
    source_col: bool = True

    @property
    def column_names(self) -> list[str]:
        """The columns every copy of the file has (optional ones left out)."""
        return [c.name for c in self.columns if not c.optional]

    @property
    def all_column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def row_key(self) -> tuple[str, ...]:
        """What makes two rows "the same row" (upsert, import diff, database primary key):
        the file's key, else its first unique column, else every column. The one definition
        the file store and the database share."""
        if self.key:
            return self.key
        unique = [c.name for c in self.columns if c.unique]
        return (unique[0],) if unique else tuple(self.column_names)


_SRC = Col("source", allowed=SOURCES, doc_en="report, illustrative or imported",
           doc_zh="report（报告）、illustrative（示意）或 imported（导入）")
_FACT = Col("fact_id", required=False, pattern=FACT_ID_RE,
            doc_en="FACTS.md id; present exactly when source=report",
            doc_zh="FACTS.md 编号；仅当 source=report 时填写")
_IMPORT = Col("import_id", required=False, pattern=IMPORT_ID_RE, optional=True,
              doc_en="for source=imported: the import in data/imports.csv (file, SHA-256, "
                     "who, when); the column may be absent",
              doc_zh="source=imported 的行：data/imports.csv 中的导入记录（文件、SHA-256、"
                     "导入人、时间）；该列可以不存在")

FILES: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec(
            "zones.csv",
            (
                Col("zone_id", pattern=ID_RE, unique=True, doc_en="stable id", doc_zh="稳定编号"),
                Col("name_zh", doc_en="name in Chinese", doc_zh="中文名称"),
                Col("name_en", doc_en="name in English", doc_zh="英文名称"),
                Col("short_zh", unique=True, doc_en="short name in Chinese (filters, links)",
                    doc_zh="中文简称（筛选与链接）"),
                Col("short_en", unique=True, doc_en="short name in English (filters, links)",
                    doc_zh="英文简称（筛选与链接）"),
                Col("county_adcode", pattern=ADCODE_RE,
                    doc_en="6-digit code of the Jilin county it lies in",
                    doc_zh="所在县级行政区 6 位代码"),
                Col("lon", "float", min_value=-180, max_value=180,
                    doc_en="longitude (WGS84) of a point inside the county",
                    doc_zh="县内示意点经度（WGS84）"),
                Col("lat", "float", min_value=-90, max_value=90, doc_en="latitude (WGS84)",
                    doc_zh="纬度（WGS84）"),
                Col("products", list_sep=";",
                    doc_en="';'-separated product_ids", doc_zh="以“;”分隔的产品编号"),
                Col("level", allowed=LEVELS, doc_en="provincial or national_first_batch",
                    doc_zh="provincial（省级）或 national_first_batch（全国首批）"),
                Col("launched", required=False, pattern=LAUNCHED_RE, year_window=True,
                    doc_en="YYYY or YYYY-MM; empty when the source does not say (Dehui)",
                    doc_zh="启动时间 YYYY 或 YYYY-MM；来源未说明时为空（德惠）"),
                _SRC,
                _FACT,
                Col("note_zh", required=False, doc_en="note in Chinese", doc_zh="中文说明"),
                Col("note_en", required=False, doc_en="note in English", doc_zh="英文说明"),
                _IMPORT,
            ),
            doc_en="The 16 demonstration zones", doc_zh="16 个示范区",
        ),
        FileSpec(
            "products.csv",
            (
                Col("product_id", pattern=ID_RE, unique=True, doc_en="stable id",
                    doc_zh="稳定编号"),
                Col("name_zh", unique=True, doc_en="name in Chinese", doc_zh="中文名称"),
                Col("name_en", unique=True, doc_en="name in English", doc_zh="英文名称"),
                Col("category", allowed=CATEGORIES, doc_en="one of the fixed categories",
                    doc_zh="固定类别之一"),
                Col("hs_codes", required=False, pattern=HS_CODES_RE,
                    doc_en="';'-separated HS code prefixes (e.g. 1211.20), to read customs files",
                    doc_zh="以“;”分隔的 HS 编码前缀（如 1211.20），用于识别海关数据"),
                _SRC,
                _FACT,
                _IMPORT,
            ),
            doc_en="Products and their categories", doc_zh="产品及类别",
        ),
        FileSpec(
            "destinations.csv",
            (
                Col("iso3", pattern=ISO3_RE, unique=True, doc_en="ISO 3166-1 alpha-3",
                    doc_zh="ISO 3166-1 三字母代码"),
                Col("name_zh", unique=True, doc_en="name in Chinese", doc_zh="中文名称"),
                Col("name_en", unique=True, doc_en="name in English", doc_zh="英文名称"),
                _SRC,
                _FACT,
                _IMPORT,
            ),
            doc_en="Every destination country that appears anywhere",
            doc_zh="出现过的所有目的地国家",
        ),
        FileSpec(
            "first_exports.csv",
            (
                Col("product_id", doc_en="product", doc_zh="产品"),
                Col("destination_iso3", pattern=ISO3_RE, doc_en="destination", doc_zh="目的地"),
                Col("zone_id", required=False,
                    doc_en="empty: the report does not say", doc_zh="为空：报告未说明"),
                Col("year", "int", min_value=FIRST_YEAR, year_window=True,
                    doc_en="year of the first export",
                    doc_zh="首次出口年份"),
                Col("year_inferred", allowed=("true", "false"),
                    doc_en="true when the year is inferred (the report says 'this year')",
                    doc_zh="年份为推断时为 true（报告只说“今年”）"),
                _SRC,
                _FACT,
            ),
            key=("product_id", "destination_iso3"),
            doc_en="The report's five first-time exports", doc_zh="报告所列“五个首次出口”",
        ),
        FileSpec(
            "export_volumes.csv",
            (
                Col("period", pattern=PERIOD_RE, year_window=True, doc_en="month, YYYY-MM",
                    doc_zh="月份 YYYY-MM"),
                Col("zone_id", required=False,
                    doc_en="zone; empty when not attributed to a zone",
                    doc_zh="示范区；为空表示未归属示范区"),
                Col("product_id", doc_en="product", doc_zh="产品"),
                Col("destination_iso3", pattern=ISO3_RE, doc_en="destination", doc_zh="目的地"),
                Col("tonnes", "float", min_value=0, max_value=1e8, doc_en="tonnes", doc_zh="吨"),
                Col("value_usd", "float", min_value=0, max_value=1e12, doc_en="value in US dollars",
                    doc_zh="货值（美元）"),
                # Customs statistics exports (#17) give no consignment count: empty means
                # "not given" (never 0), allowed on imported rows only (zones.validation).
                Col("consignments", "int", required=False, min_value=0, max_value=1e6,
                    doc_en="number of consignments (批); empty: not given (imported rows only)",
                    doc_zh="批次；为空表示未填报（仅限导入的行）"),
                _SRC,
                _IMPORT,
            ),
            key=("period", "zone_id", "product_id", "destination_iso3"),
            doc_en="Monthly export volumes", doc_zh="月度出口量",
        ),
        FileSpec(
            "report_figures.csv",
            (
                Col("figure_id", unique=True, doc_en="stable id", doc_zh="稳定编号"),
                Col("fact_id", pattern=FACT_ID_RE, doc_en="FACTS.md id", doc_zh="FACTS.md 编号"),
                Col("platform", "int", allowed=("1", "2", "3", "4"),
                    doc_en="the report's platform 1-4", doc_zh="报告的四个平台之一（1–4）"),
                Col("label_zh", doc_en="label in Chinese", doc_zh="中文标签"),
                Col("label_en", doc_en="label in English", doc_zh="英文标签"),
                Col("value", "float", min_value=0, max_value=1e15, doc_en="the number",
                    doc_zh="数值"),
                Col("unit", allowed=UNITS, doc_en="unit code", doc_zh="单位代码"),
                Col("qualifier", allowed=QUALIFIERS,
                    doc_en="exact, more_than ('50+') or approximately",
                    doc_zh="exact（准确）、more_than（余）或 approximately（约）"),
                Col("period_note_zh", doc_en="period, in Chinese", doc_zh="时期说明（中文）"),
                Col("period_note_en", doc_en="period, in English", doc_zh="时期说明（英文）"),
                Col("derived_from", required=False,
                    doc_en="for derived figures: the fact and the formula",
                    doc_zh="推算值：来源事实与公式"),
                Col("headline", allowed=("true", "false"),
                    doc_en="true: shown in the Overview's headline row",
                    doc_zh="true：在总览页顶部要点行显示"),
            ),
            doc_en="Every figure the report gives", doc_zh="报告中的全部数字",
            source_col=False,
        ),
        FileSpec(
            "facts.csv",
            (
                Col("fact_id", pattern=FACT_ID_RE, unique=True, doc_en="FACTS.md id",
                    doc_zh="FACTS.md 编号"),
                Col("platform", "int", allowed=("1", "2", "3", "4"), doc_en="platform 1-4",
                    doc_zh="平台 1–4"),
                Col("section_zh", doc_en="report section, Chinese", doc_zh="报告章节（中文）"),
                Col("section_en", doc_en="report section, English", doc_zh="报告章节（英文）"),
                Col("text_zh", doc_en="the fact, Chinese", doc_zh="事实（中文）"),
                Col("text_en", doc_en="the fact, English", doc_zh="事实（英文）"),
            ),
            doc_en="The citable facts of the report (FACTS.md)",
            doc_zh="报告中可引用的事实（FACTS.md）", source_col=False,
        ),
    )
}


@dataclass(frozen=True)
class GeoData:
    """Boundary layers as GeoJSON FeatureCollections (dicts), ready for Altair."""

    province: dict
    prefectures: dict
    counties: dict
    china: dict
    china_maritime: dict
    world: dict
    world_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    jilin_point: tuple[float, float] = (126.0, 43.5)


@dataclass(frozen=True)
class Dataset:
    """Everything the dashboard shows, validated. Frames are never mutated by pages."""

    zones: pd.DataFrame
    products: pd.DataFrame
    destinations: pd.DataFrame
    first_exports: pd.DataFrame
    volumes: pd.DataFrame  # or a zones.dataset.volumes.Volumes when a database holds the rows
    figures: pd.DataFrame
    facts: pd.DataFrame
    geo: GeoData
    counties: pd.DataFrame = field(default_factory=pd.DataFrame)

    @cached_property
    def periods(self) -> list[str]:
        """Months with data, computed once (the sidebar, summary and URL check reuse it)."""
        vol = self.volumes  # a frame (files) or a ``Volumes`` that asks the database
        if isinstance(vol, pd.DataFrame):
            return sorted(vol["period"].unique().tolist())
        return vol.periods()


def _shade(hex_color: str, step: int) -> str:
    """Darken a colour by ``step`` notches so sibling products stay in their family."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    f = max(0.45, 1 - 0.22 * step)
    return f"#{int(r * f):02X}{int(g * f):02X}{int(b * f):02X}"


def product_colors(products: pd.DataFrame) -> dict[str, str]:
    """Each product gets its category's colour, shaded when a category has several."""
    colors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for pid, cat in zip(products["product_id"], products["category"], strict=True):
        n = seen.get(cat, 0)
        colors[pid] = _shade(CATEGORY_COLORS[cat], n)
        seen[cat] = n + 1
    return colors
