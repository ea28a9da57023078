"""The one catalogue of UI strings (Chinese first, English second) and number formats.

Every string a user reads comes from ``STRINGS`` so that a test can check that both
languages have every key, and so that exports speak the language of the screen.
"""

from __future__ import annotations

import math

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_LABELS = {"zh": "中文", "en": "English"}

STRINGS: dict[str, tuple[str, str]] = {
    # app and pages
    "app.title": ("吉林省出口食品农产品质量安全示范区", "Jilin Export Food & Agricultural Product Quality-Safety Demonstration Zones"),
    "app.short": ("吉林出口示范区", "Jilin export zones"),
    "app.source_line": ("资料来源：吉林检验检疫局《依托“四个平台” 实现“四个提升”》（未注明年份，推断为 2010 年）。标“示意”者为演示用虚构数据。", "Source: Jilin Entry-Exit Inspection and Quarantine Bureau, 'Four platforms, four improvements' (undated; 2010 inferred). Items marked 'illustrative' are made up for demonstration."),
    "page.overview": ("总览", "Overview"),
    "page.zones": ("示范区", "Zones"),
    "page.destinations": ("出口目的地", "Destinations"),
    "page.volumes": ("出口量", "Export volumes"),
    "page.data": ("数据", "Data"),
    "lang.label": ("语言 / Language", "Language / 语言"),
    "present.label": ("演示模式（投影）", "Presentation mode (projector)"),
    "present.help": ("收起侧栏、放大字号，适合投影汇报。链接中为 present=true。", "Collapses the sidebar and enlarges type for projectors. In the link: present=true."),
    # filters
    "filter.header": ("筛选", "Filters"),
    "filter.product": ("产品", "Product"),
    "filter.product.help": ("按类别排列（肉类、鹿产品、人参、水果、蔬菜、粮油、食用菌）；可多选。选项为中英双语，因此分享的链接与语言无关。", "Grouped by category (meat, deer, ginseng, fruit, vegetables, grain & oil, fungi); choose several. Options are bilingual so that a shared link works in either language."),
    "filter.destination": ("出口目的地", "Destination country"),
    "filter.prefecture": ("市（州）", "Prefecture"),
    "filter.zone": ("示范区", "Zone"),
    "filter.period": ("时期", "Period"),
    "filter.report_only": ("仅显示报告事实（隐藏示意数据）", "Report facts only (hide illustrative data)"),
    "filter.report_only.help": ("开启后只显示报告原文给出的事实；示意数据全部隐藏。", "Shows only what the report states; every illustrative row is hidden."),
    "filter.reset": ("清除全部筛选", "Clear all filters"),
    "filter.all": ("全部", "All"),
    "filter.summary": ("当前筛选：{summary}", "Current filter: {summary}"),
    "filter.none": ("全部产品 · 全部目的地 · {period}", "All products · all destinations · {period}"),
    "filter.facts_only_tag": ("仅报告事实", "report facts only"),
    "filter.share": ("复制浏览器地址即可分享当前视图（含语言与筛选）。", "Copy the browser address to share this exact view (language and filters included)."),
    "url.dropped": ("链接中的部分参数无法识别，已忽略：{items}", "Some values in the link were not recognised and were dropped: {items}"),
    # banners and source marking
    "banner.illustrative": ("本页含示意数据（非报告事实）：仅报告中的德惠禽肉示范区、五个首次出口及报告数字为事实；其他示范区和全部出口量均为演示用的虚构数据，以“示意”标注。", "This page shows illustrative data (not facts): only the Dehui poultry zone, the five first-time exports and the report's figures are facts; the other zones and all export volumes are made up to demonstrate the dashboard and are marked 'illustrative'."),
    "banner.facts_only": ("仅显示报告事实；示意数据已隐藏。", "Showing report facts only; illustrative data is hidden."),
    "banner.year": ("报告未写明年份（“今年”），据内容推断为 2010 年。", "The report never prints its year ('this year'); 2010 is inferred from its content."),
    "source.report": ("报告事实", "Report fact"),
    "source.illustrative": ("示意数据（非事实）", "Illustrative (not a fact)"),
    "source.title": ("来源", "Source"),
    "source.illustrative_tag": ("（示意）", "(illustrative)"),
    "source.derived": ("推算", "derived"),
    # categories, levels, qualifiers
    "cat.meat": ("肉类", "Meat"),
    "cat.deer": ("鹿产品", "Deer products"),
    "cat.ginseng": ("人参", "Ginseng"),
    "cat.fruit": ("水果", "Fruit"),
    "cat.vegetables": ("蔬菜", "Vegetables"),
    "cat.grain_oil": ("粮油", "Grain & oil"),
    "cat.fungi": ("食用菌", "Fungi"),
    "level.provincial": ("省级示范区", "Provincial zone"),
    "level.national_first_batch": ("全国首批示范区", "National first batch"),
    "unknown_zone": ("报告未说明示范区", "zone not stated in the report"),
    # units: {n} is the formatted number
    "unit.tonnes": ("{n}吨", "{n} t"),
    "unit.usd": ("{n}美元", "USD {n}"),
    "unit.cny": ("{n}元", "CNY {n}"),
    "unit.consignments": ("{n}批", "{n} consignments"),
    "unit.measures": ("{n}项", "{n} measures"),
    "unit.enterprises": ("{n}家", "{n} enterprises"),
    "unit.zones": ("{n}个", "{n} zones"),
    "unit.memoranda": ("{n}份", "{n} memoranda"),
    "unit.routes": ("{n}项", "{n} routes"),
    "unit.outlets": ("{n}家", "{n} outlets"),
    "unit.head": ("{n}头", "{n} head"),
    "unit.declarations": ("{n}批", "{n} declarations"),
    "unit.teu": ("{n}标箱", "{n} TEU"),
    "unit.percent": ("{n}%", "{n}%"),
    "unit.areas": ("{n}个方面", "{n} areas"),
    "unit.actions": ("{n}项", "{n} actions"),
    "unit.rank": ("第{n}名", "No. {n}"),
    "unit.indicators": ("{n}个", "{n} indicators"),
    "unit.ports": ("{n}个", "{n} ports"),
    "unit.days": ("{n}天", "{n} days"),
    "qual.more_than": ("{n}余", "{n}+"),
    "qual.approximately": ("约{n}", "≈ {n}"),
    "qual.exact": ("{n}", "{n}"),
    "opt.tonnes": ("吨", "Tonnes"),
    "opt.value_usd": ("美元", "USD"),
    "opt.consignments": ("批次", "Consignments"),
    # overview
    "overview.headline": ("要点", "Headlines"),
    "overview.kpis": ("报告数字（按“四个平台”）", "The report's figures, by its four platforms"),
    "overview.platform.1": ("平台一 · 长吉图开发开放先导区", "Platform 1 · Chang-Ji-Tu pilot zone"),
    "overview.platform.2": ("平台二 · 食品农产品质量安全示范区", "Platform 2 · Quality-safety demonstration zones"),
    "overview.platform.3": ("平台三 · 质量提升服务进万企", "Platform 3 · Quality service for enterprises"),
    "overview.platform.4": ("平台四 · 基层建设", "Platform 4 · The bureau's own base"),
    "overview.first_exports": ("五个首次出口", "The five first-time exports"),
    "overview.map": ("示范区分布", "Where the zones are"),
    "overview.volume": ("出口量走势（示意）", "Export volume trend (illustrative)"),
    "overview.cite": ("出处：报告 {fact_id} · {section}：{text}", "Source: report {fact_id} · {section}: {text}"),
    "overview.derived": ("推算：{formula}", "Derived: {formula}"),
    "first.card": ("{year} 年（推断）首次出口", "first exported {year} (year inferred)"),
    "first.zone_unknown": ("报告未说明此次首次出口出自哪个示范区。", "The report does not say which zone made this first-time export."),
    # zones page
    "zones.map": ("吉林省示范区地图", "Map of the zones in Jilin"),
    "zones.map.help": ("点击地图上的示范区或表格中的一行，查看详情。", "Click a zone on the map or a row in the table to open its profile."),
    "zones.table": ("示范区列表", "Zones"),
    "zones.profile": ("示范区详情", "Zone profile"),
    "zones.profile.none": ("在地图或表格中选择一个示范区以查看详情。", "Select a zone on the map or in the table to see its profile."),
    "zones.inset": ("吉林省在中国的位置", "Jilin within China"),
    "zones.products": ("产品", "Products"),
    "zones.level": ("级别", "Level"),
    "zones.county": ("所在县（市、区）", "County"),
    "zones.prefecture": ("所在市（州）", "Prefecture"),
    "zones.launched": ("启动", "Launched"),
    "zones.launched_inferred": ("{launched}（年份推断）", "{launched} (year inferred)"),
    "zones.destinations": ("出口目的地（示意）", "Destinations (illustrative)"),
    "zones.trend": ("出口量走势（示意）", "Export trend (illustrative)"),
    "zones.note": ("说明", "Note"),
    "zones.fact": ("出处", "Citation"),
    "zones.volume": ("筛选期内出口量", "Exports in the filtered period"),
    "zones.shown": ("当前显示的示范区", "Zones shown"),
    # destinations page
    "dest.map": ("出口目的地地图", "Destination map"),
    "dest.map.help": ("线宽表示出口量；红色粗线为报告中的五个首次出口（自吉林省出发，因报告未说明示范区）。", "Line width shows volume; the bold red lines are the report's five first-time exports (drawn from Jilin as a whole: the report does not name the zone)."),
    "dest.table": ("目的地排名", "Destinations ranked"),
    "dest.choose": ("点击表格中的国家以按该目的地筛选全部页面。", "Click a country in the table to filter every page by it."),
    "dest.first_label": ("{product} · {year}", "{product} · {year}"),
    # volumes page
    "vol.timeseries": ("出口量走势", "Export volume over time"),
    "vol.granularity": ("时间粒度", "Time step"),
    "vol.monthly": ("按月", "Monthly"),
    "vol.yearly": ("按年", "Yearly"),
    "vol.stack": ("堆叠维度", "Stack by"),
    "vol.by.product": ("产品", "Product"),
    "vol.by.destination": ("目的地", "Destination"),
    "vol.by.zone": ("示范区", "Zone"),
    "vol.measure": ("指标", "Measure"),
    "vol.ranking": ("排名", "Ranking"),
    "vol.yoy": ("同比增长", "Year-on-year growth"),
    "vol.breakdown": ("产品构成", "Breakdown by product"),
    "vol.data": ("图表数据", "Chart data"),
    "vol.prelaunch": ("示范区于 2010 年（推断）启动；2008–2009 年的示意数据表示这些地区企业在设立示范区之前的出口，用于对比。", "The zones launched in 2010 (inferred); the illustrative 2008–2009 figures stand for the exports of the same areas' enterprises before the zones existed, for comparison."),
    "vol.download": ("下载 CSV", "Download CSV"),
    "vol.yoy.note": ("同比 = 本年 ÷ 上年 − 1，按筛选后的示意数据计算。", "Growth = this year ÷ last year − 1, computed from the filtered illustrative data."),
    # data page
    "data.dictionary": ("数据字典", "Data dictionary"),
    "data.sources": ("数据来源", "Sources"),
    "data.downloads": ("下载数据文件", "Download data files"),
    "data.downloads.note": ("下载的是完整数据文件（含 source 列），不受筛选影响；各图表下方的 CSV 才是筛选后的数据。", "These are the complete data files (with their source column), not filtered; the CSV under each chart holds the filtered data."),
    "data.file": ("文件", "File"),
    "data.column": ("列", "Column"),
    "data.type": ("类型", "Type"),
    "data.required": ("必填", "Required"),
    "data.meaning": ("含义", "Meaning"),
    "data.rows": ("行数", "Rows"),
    "data.report_rows": ("报告事实行", "Report rows"),
    "data.illustrative_rows": ("示意行", "Illustrative rows"),
    "data.yes": ("是", "yes"),
    "data.no": ("否", "no"),
    # columns shown in tables
    "col.zone": ("示范区", "Zone"),
    "col.product": ("产品", "Product"),
    "col.category": ("类别", "Category"),
    "col.destination": ("目的地", "Destination"),
    "col.period": ("时期", "Period"),
    "col.year": ("年份", "Year"),
    "col.tonnes": ("出口量（吨）", "Tonnes"),
    "col.value_usd": ("货值（美元）", "Value (USD)"),
    "col.consignments": ("批次", "Consignments"),
    "col.value": ("数值", "Value"),
    "col.share": ("占比", "Share"),
    "col.growth": ("同比", "YoY growth"),
    "col.source": ("来源", "Source"),
    "col.level": ("级别", "Level"),
    "col.county": ("县（市、区）", "County"),
    "col.prefecture": ("市（州）", "Prefecture"),
    "col.products": ("产品", "Products"),
    "col.rank": ("名次", "Rank"),
    "col.fact_id": ("出处", "Fact id"),
    "col.series": ("系列", "Series"),
    "col.lon": ("经度", "Longitude"),
    "col.lat": ("纬度", "Latitude"),
    # import, history, undo and templates (#6)
    "import.title": ("更新数据", "Update data"),
    # empty states
    "empty.title": ("当前筛选下没有数据", "Nothing matches the current filter"),
    "empty.hint": ("请放宽筛选条件，或点击侧栏的“清除全部筛选”。", "Widen the filter, or use 'Clear all filters' in the sidebar."),
    "empty.facts_only_volumes": ("报告没有给出任何出口量；出口量图表只有示意数据。关闭“仅显示报告事实”即可查看。", "The report gives no export volumes; the volume charts hold illustrative data only. Turn off 'report facts only' to see them."),
    "empty.facts_only_destination": ("报告未说明哪个示范区出口到所选目的地。", "The report does not say which zone exports to the chosen destination."),
    # briefing exports (#7)
    "brief.title": ("简报导出", "Briefing export"),
    # errors
    "err.page_title": ("数据文件有误，无法显示仪表板", "The data files have problems; the dashboard cannot be shown"),
    "err.page_hint": ("请按下表逐项修正 data/ 中的文件后刷新页面。已有文件没有被修改。", "Fix each item below in the files in data/, then reload. No file has been changed."),
    "err.col.file": ("文件", "File"),
    "err.col.line": ("行", "Line"),
    "err.col.column": ("列", "Column"),
    "err.col.message": ("问题", "Problem"),
    "err.missing_file": ("找不到文件", "File not found"),
    "err.unreadable": ("无法读取文件（{detail}）", "The file cannot be read ({detail})"),
    "err.not_utf8": ("文件不是 UTF-8 编码", "The file is not UTF-8 encoded"),
    "err.empty_file": ("文件为空或没有表头", "The file is empty or has no header row"),
    "err.missing_column": ("缺少必需的列", "A required column is missing"),
    "err.missing_value": ("必填值为空", "A required value is empty"),
    "err.not_number": ("“{value}”不是数字", "'{value}' is not a number"),
    "err.not_integer": ("“{value}”不是整数", "'{value}' is not a whole number"),
    "err.not_allowed": ("“{value}”不是允许的值（{allowed}）", "'{value}' is not allowed (expected one of: {allowed})"),
    "err.bad_format": ("“{value}”格式不正确", "'{value}' is not in the expected format"),
    "err.too_small": ("“{value}”小于最小值 {min}", "'{value}' is below the minimum {min}"),
    "err.duplicate": ("“{value}”重复出现", "'{value}' appears more than once"),
    "err.duplicate_key": ("{columns} 组合重复", "This {columns} combination appears more than once"),
    "err.invalid": ("“{value}”无效", "'{value}' is not valid"),
    "err.unknown_ref": ("“{value}”在 {target} 中不存在", "'{value}' does not exist in {target}"),
    "err.not_jilin_county": ("“{value}”不是吉林省的县级行政区代码", "'{value}' is not the code of a county in Jilin"),
    "err.point_outside": ("坐标（{value}）不在所属县 {county} 境内", "The point ({value}) is not inside its county {county}"),
    "err.product_not_made": ("示范区 {zone} 不生产产品 {value}", "Zone {zone} does not list product {value}"),
    "err.fact_required": ("source=report 的行必须填写 fact_id", "Rows with source=report need a fact_id"),
    "err.fact_forbidden": ("示意行不能带报告出处编号“{value}”", "An illustrative row cannot carry the report fact id '{value}'"),
    "err.bad_geo": ("边界文件无法读取（{detail}）", "The boundary file cannot be read ({detail})"),
    # loader hardening (#10)
    "err.too_large": ("文件过大（{size}，上限 {limit}）", "The file is too large ({size}; the limit is {limit})"),
    # performance and SQL backend (#8)
    "sql.connecting": ("正在连接数据库……", "Connecting to the database…"),
    "err.db_unreachable": ("无法读取数据库（{detail}）", "The database cannot be read ({detail})"),
    "err.page_hint_db": ("请按下表逐项处理数据库中的问题（或用 python -m zones sql-load 重新载入数据）后刷新页面。数据库中的数据没有被修改。", "Fix each item below in the database (or reload it with python -m zones sql-load), then reload the page. Nothing in the database has been changed."),
    "err.db_not_loaded": ("数据库中还没有仪表板的数据表；请先运行 python -m zones sql-load --url …", "The database has no dashboard tables yet; load them with python -m zones sql-load --url …"),
    "err.unexpected": ("发生意外错误，已记录在服务器日志中。请刷新页面；如果问题仍在，请联系维护人员。", "Something unexpected went wrong; it was logged on the server. Reload the page; if it persists, contact the maintainers."),
}


def t(key: str, lang: str, /, **params: object) -> str:
    """Translate ``key``; an unknown key shows itself so that it is noticed, never crashes."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**params) if params else text


def _trim(x: float, digits: int) -> str:
    s = f"{x:,.{digits}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def fmt_number(value: float | None, lang: str) -> str:
    """万/亿 in Chinese; thousands separators (and million/billion) in English; '–' if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if lang == "zh":  # Chinese groups by 万 and 亿 and uses no thousands separator
        if abs(v) >= 1e8:
            return f"{_trim(v / 1e8, 2)}亿".replace(",", "")
        if abs(v) >= 1e4:
            return f"{_trim(v / 1e4, 2)}万"
        return _trim(v, 1).replace(",", "") if v != int(v) else str(int(v))
    if abs(v) >= 1e9:
        return f"{_trim(v / 1e9, 2)} billion"
    if abs(v) >= 1e6:
        return f"{_trim(v / 1e6, 2)} million"
    if v != int(v):
        return _trim(v, 1)
    return f"{int(v):,}"


def fmt_quantity(value: float | None, unit: str, lang: str, qualifier: str = "exact") -> str:
    """A number with its unit and qualifier, e.g. '50余 份' / '50+ memoranda'."""
    n = t(f"qual.{qualifier}", lang, n=fmt_number(value, lang))
    return t(f"unit.{unit}", lang, n=n)


def fmt_percent(value: float | None, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:+.1f}%"


def name_col(lang: str) -> str:
    """The name column of a bilingual table for ``lang``."""
    return "name_zh" if lang == "zh" else "name_en"
