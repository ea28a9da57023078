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
    "app.source_line": ("资料来源：《依托“四个平台” 实现“四个提升”——吉林检验检疫局“质量提升”活动综述》（综述，未署作者，未注明年份，推断为 2010 年）。标“示意”者为演示用虚构数据。", "Source: 'Relying on the four platforms, achieving the four improvements — a review of the Jilin Inspection and Quarantine Bureau's Quality Improvement campaign' (a review; no author printed; undated, 2010 inferred). Items marked 'illustrative' are made up for demonstration."),
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
    "filter.product.help": ("按类别排列（肉类、鹿产业、人参、水果、蔬菜、粮油、食用菌）；可多选。选项为中英双语，因此分享的链接与语言无关。", "Grouped by category (meat, deer industry, ginseng, fruit, vegetables, grain & oil, fungi); choose several. Options are bilingual so that a shared link works in either language."),
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
    "banner.illustrative": ("本页含示意数据（非报告事实）：只有德惠禽肉示范区（全国首批）、五个首次出口和报告数字是事实；其他示范区和全部出口量均为演示用的虚构数据，以“示意”标注。把德惠计为全省首批16个之一是假定。", "Illustrative data on this page (not facts): only the Dehui poultry zone (national first batch), the five first exports and the report's figures are facts; the other zones and all export volumes are made up for demonstration and marked 'illustrative'. Counting Dehui among the province's 16 is an assumption."),
    "banner.facts_only": ("仅显示报告事实；示意数据已隐藏。", "Showing report facts only; illustrative data is hidden."),
    "banner.year": ("报告未写明年份（“今年”），据内容推断为 2010 年。", "The report never prints its year ('this year'); 2010 is inferred from its content."),
    "source.report": ("报告事实", "Report fact"),
    "source.illustrative": ("示意数据（非事实）", "Illustrative (not a fact)"),
    "source.imported": ("导入数据", "Imported"),
    "source.title": ("来源", "Source"),
    "source.illustrative_tag": ("（示意）", "(illustrative)"),
    "source.derived": ("推算", "derived"),
    # categories, levels, qualifiers
    "cat.meat": ("肉类", "Meat"),
    "cat.deer": ("鹿产业", "Deer industry"),
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
    "qual.range": ("{low}–{high}", "{low}–{high}"),
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
    "overview.first_exports": ("吉林省“五个首次出口”", "Jilin Province's five first-time exports"),
    "overview.map": ("示范区分布", "Where the zones are"),
    "overview.volume": ("出口量走势（示意）", "Export volume trend (illustrative)"),
    "overview.cite": ("出处：报告 {fact_id} · {section}：{text}", "Source: report {fact_id} · {section}: {text}"),
    "overview.derived": ("推算：{formula}", "Derived: {formula}"),
    "first.card": ("吉林省首次出口 · {year} 年（推断）", "first export from Jilin Province · {year} (year inferred)"),
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
    "dest.map.help": ("线宽表示出口量（示意）；红色虚线为报告中吉林省的五个首次出口（自吉林省出发，因报告未说明示范区）。", "Line width shows volume (illustrative); the red dashed lines are the report's five first exports from Jilin Province (drawn from Jilin as a whole: the report does not name the zone)."),
    "dest.table": ("目的地排名", "Destinations ranked"),
    "dest.choose": ("点击表格中的国家以按该目的地筛选全部页面。", "Click a country in the table to filter every page by it."),
    "dest.first_label": ("{product} · {year}（推断）", "{product} · {year} (inferred)"),
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
    "vol.prelaunch": ("报告说全省首批16个示范区“今年”（推断为 2010 年）启动；2008–2009 年的示意数据表示这些地区企业在设立示范区之前的出口，用于对比。", "The report says the province's first 16 zones launched 'this year' (2010, inferred); the illustrative 2008–2009 figures stand for the exports of the same areas' enterprises before the zones existed, for comparison."),
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
    "err.import_too_large": ("文件过大（{size}），上限为 {limit}。请拆分后分批导入。", "The file is too large ({size}); the limit is {limit}. Split it and import the parts."),
    "err.import_too_many_rows": ("数据行超过 {limit} 行的上限。请拆分后分批导入。", "More than {limit} data rows. Split the file and import the parts."),
    "err.import_too_many_columns": ("该行有 {columns} 列，上限为 {limit} 列。这不像一张数据表。", "This line has {columns} columns; the limit is {limit}. This does not look like a data table."),
    "err.import_xlsx_too_large": ("工作簿解压后达 {size}（上限 {limit}），可能已损坏或是压缩炸弹，未读取。", "The workbook unpacks to {size} (limit {limit}); it may be damaged or a zip bomb, so it was not read."),
    "err.import_not_table": ("这不是 CSV 或 Excel（.xlsx）文件（看起来是 {kind}）。", "This is not a CSV or Excel (.xlsx) file (it looks like {kind})."),
    "err.import_xls": ("这是旧版 Excel（.xls）或加密的工作簿。请在 Excel/WPS 中“另存为” .xlsx 或 CSV 后再导入。", "This is an old Excel (.xls) or encrypted workbook. Save it as .xlsx or CSV in Excel/WPS, then import that."),
    "err.import_bad_xlsx": ("Excel 文件无法读取（{detail}）。", "The Excel file cannot be read ({detail})."),
    "err.import_encoding": ("无法识别文件的文字编码。请另存为 UTF-8 或 GBK 编码的 CSV。", "The file's text encoding cannot be recognised. Save it as CSV in UTF-8 or GBK."),
    "err.import_unknown_sheet": ("没有名为“{value}”的工作表。现有工作表：{sheets}", "There is no sheet named '{value}'. Sheets in the file: {sheets}"),
    "err.import_no_header": ("前 {rows} 行中找不到表头。应有如下列名：{expected} …", "No header row in the first {rows} lines. Expected column names such as: {expected} …"),
    "err.import_no_rows": ("只有表头，没有数据行。", "There is a header but no data rows."),
    "err.import_missing_column": ("缺少必需的列（可写作：{expected}）", "A required column is missing (it may be called: {expected})"),
    "err.import_unit_missing": ("列名“{value}”没有注明单位。请写明单位，例如：{expected}", "The header '{value}' gives no unit. Name the unit, e.g. {expected}"),
    "err.import_wrong_currency": ("列“{value}”不是美元金额。仪表板只接受美元（美元、万美元、千美元……）。", "The column '{value}' is not in US dollars. The dashboard takes USD only (USD, 10,000 USD, thousand USD …)."),
    "err.import_ambiguous_number": ("“{value}”有歧义（逗号是千位分隔还是小数点？）。请写作 1234.5 或 1,234.5。", "'{value}' is ambiguous (is the comma a thousands separator or a decimal point?). Write 1234.5 or 1,234.5."),
    "err.import_number_too_large": ("“{value}”太大，不像真实数值", "'{value}' is too large to be a real figure"),
    "err.import_negative": ("“{value}”为负数；出口量和货值不能为负", "'{value}' is negative; export quantities and values cannot be negative"),
    "err.import_bad_month": ("“{value}”不是月份。请写作 2010-09、2010/9、2010年9月 或 201009。", "'{value}' is not a month. Write 2010-09, 2010/9, Sep 2010 or 201009."),
    "err.import_ambiguous_month": ("“{value}”有歧义，可读作 {options}。请写作 YYYY-MM，例如 2010-09。", "'{value}' is ambiguous: it could be {options}. Write it as YYYY-MM, e.g. 2010-09."),
    "err.import_month_no_year": ("“{value}”没有四位年份。请写作 2010-09 或 2010年9月。", "'{value}' has no four-digit year. Write 2010-09 or Sep 2010."),
    "err.import_unknown_zone": ("找不到示范区“{value}”。请使用示范区编号、全称或简称。", "No zone called '{value}'. Use the zone's id, full name or short name."),
    "err.import_unknown_product": ("找不到产品“{value}”。请使用产品编号、中英文名称或 HS 编码。", "No product called '{value}'. Use the product's id, Chinese or English name, or HS code."),
    "err.import_unknown_hs": ("HS 编码“{value}”不属于任何产品（各产品的 HS 编码见 products.csv）", "The HS code '{value}' belongs to no product (see each product's HS codes in products.csv)"),
    "err.import_bad_hs": ("“{value}”不是 HS 编码（应为 4–10 位数字，如 1211.20）", "'{value}' is not an HS code (4–10 digits, e.g. 1211.20)"),
    "err.import_unknown_country": ("找不到国家或地区“{value}”。请使用中文或英文名称、ISO 代码（如 KOR、KR）。", "No country called '{value}'. Use its Chinese or English name or ISO code (e.g. KOR, KR)."),
    "err.import_country_not_on_map": ("“{value}”（{iso3}）在中国官方地图中属于中国，地图上没有单独的区域，无法作为出口目的地显示。", "'{value}' ({iso3}) is part of China on official Chinese maps and has no shape of its own, so it cannot be shown as a destination."),
    "err.import_unknown_county": ("“{value}”不是吉林省的县级行政区。请使用县（市、区）名称或 6 位代码。", "'{value}' is not a county of Jilin. Use the county's name or its 6-digit code."),
    "err.import_ambiguous_name": ("“{value}”可能指多个对象（{options}），请写全称或编号", "'{value}' could mean several things ({options}); use the full name or the id"),
    "err.import_conflict": ("“{value}”与同一行“{other}”列所指不一致", "'{value}' does not agree with the column '{other}' of the same row"),
    "err.import_duplicate_row": ("与第 {other} 行的 {columns} 相同（同一组合只能出现一次）", "Same {columns} as line {other} (each combination may appear only once)"),
    "err.import_duplicate_value": ("“{value}”已在第 {other} 行出现", "'{value}' already appears on line {other}"),
    "err.import_bad_coordinate": ("“{value}”不是有效的经纬度", "'{value}' is not a valid longitude or latitude"),
    "err.import_too_long": ("内容过长（“{value}”，上限 {limit} 个字符）", "Text too long ('{value}'; the limit is {limit} characters)"),
    "err.import_too_many_issues": ("问题已超过 {limit} 个，读取到此为止。请检查所选的表和文件是否对应。", "More than {limit} problems; reading stopped here. Check that the file is for the table chosen."),
    "err.import_sheet_too_large": ("工作表的数据范围为 {rows} 行 × {columns} 列，超过 {limit} 个单元格的上限。请删除多余的行列或拆分文件。", "The sheet's values span {rows} rows × {columns} columns, more than the limit of {limit} cells. Delete the stray rows or columns, or split the file."),
    "err.import_wide_layout": ("月份排成了列（{value}）。请改为每行一个月份：月份、示范区、产品、目的国、重量、货值、批次各占一列。", "The months are laid out as columns ({value}). Put one month per row, with month, zone, product, destination, weight, value and consignments as columns."),
    "err.import_zone_blank": ("示范区为空，而其他行填写了示范区（常见于合并单元格另存为 CSV）。请填写示范区；不归属任何示范区的行请填“-”或“无”。", "The zone is blank while other rows name one (often a merged cell saved as CSV). Fill in the zone; for rows not attributed to a zone write '-' or '无'."),
    "import.skip.title": ("标题行", "Title line"),
    "import.skip.unit": ("单位说明行（已用于无单位的列）", "Unit line (used for columns without a unit)"),
    "import.skip.header": ("表头行", "Header line"),
    "import.skip.blank": ("空行", "Blank line"),
    "import.skip.total": ("合计行（不作为数据导入）", "Total line (not imported as data)"),
    "import.skip.note": ("表注（不作为数据导入）", "Note below the table (not imported)"),
    "import.note.kg": ("千克 → 吨（÷1,000）", "kilograms → tonnes (÷1,000)"),
    "import.note.g": ("克 → 吨（÷1,000,000）", "grams → tonnes (÷1,000,000)"),
    "import.note.wan_t": ("万吨 → 吨（×10,000）", "10,000 tonnes → tonnes (×10,000)"),
    "import.note.thousand_usd": ("千美元 → 美元（×1,000）", "thousand USD → USD (×1,000)"),
    "import.note.wan_usd": ("万美元 → 美元（×10,000）", "10,000 USD → USD (×10,000)"),
    "import.note.million_usd": ("百万美元 → 美元（×1,000,000）", "million USD → USD (×1,000,000)"),
    "import.note.yi_usd": ("亿美元 → 美元（×100,000,000）", "100 million USD → USD (×100,000,000)"),
    "import.note.unit_from_title": ("单位取自表格上方的“单位：…”行", "unit taken from the 'unit: …' line above the table"),
    "import.note.year_part": ("年份列：与只写月的“月份”列合成月份", "year column: completes a month column that gives the month only"),
    "import.note.alternate": ("仅在前一列为空时使用", "used where the column before it is empty"),
    "import.note.index": ("序号列，不导入", "row number column, not imported"),
    "import.note.provenance": ("来源由导入设定（source = imported），不取自文件", "set by the import (source = imported), not read from the file"),
    "import.note.id_from_name": ("文件中没有编号：按名称匹配现有编号，新条目由英文名生成", "no id in the file: matched to existing ids by name; new ones made from the English name"),
    "import.note.point_from_county": ("文件中没有坐标：已有示范区沿用原坐标，新示范区取所在县境内的示意点（非实际地址）", "no coordinates in the file: existing zones keep their point, new ones get a point inside their county (not a site)"),
    "import.note.from_countries": ("由国家代码表（data/reference/countries.csv）补全", "completed from the country table (data/reference/countries.csv)"),
    "source.imported_on": ("导入于 {when}（{id}）", "imported {when} ({id})"),
    "data.imported_rows": ("导入行", "Imported rows"),
    "source.imported_tag": ("（导入）", "(imported)"),
    "err.bad_mode": ("导入方式“{value}”无效（upsert 或 replace）", "'{value}' is not an import mode (upsert or replace)"),
    "err.too_many_rows": ("文件有 {rows} 行，超过上限 {limit} 行；请分批导入", "The file has {rows} rows, more than the limit of {limit}; import it in parts"),
    "err.upload_too_large": ("文件过大（{size}），上限为 {limit}", "The file is too large ({size}); the limit is {limit}"),
    "err.no_rows": ("文件中没有数据行", "The file has no data rows"),
    "err.import_id_required": ("source=imported 的行必须有 import_id", "Rows with source=imported need an import_id"),
    "err.import_id_forbidden": ("只有导入的行才能带 import_id（“{value}”）", "Only imported rows carry an import_id ('{value}')"),
    "err.stale": ("预览之后数据已被修改；请重新检查后再应用", "The data changed after this preview; check the file again before applying"),
    "err.busy": ("另一项导入或撤销正在进行，请稍后重试", "Another import or undo is being applied; try again in a moment"),
    "err.write_failed": ("无法写入数据文件夹（{detail}）；原有文件保持不变", "The data folder cannot be written ({detail}); the existing files are unchanged"),
    "err.nothing_to_undo": ("没有可以撤销的更改", "There is no change to undo"),
    "err.undo_conflict": ("该文件在上次导入之后被改动过，撤销会丢失这些改动，因此未执行", "This file was changed after the last import; undoing would lose those changes, so nothing was done"),
    "hist.when": ("时间（UTC）", "When (UTC)"),
    "hist.user": ("操作人", "Who"),
    "hist.action": ("操作", "Action"),
    "hist.action.import": ("导入", "Import"),
    "hist.action.undo": ("撤销", "Undo"),
    "hist.undone": ("（已撤销）", "(undone)"),
    "hist.table": ("数据表", "Table"),
    "hist.mode": ("方式", "Mode"),
    "hist.file": ("文件名", "File name"),
    "hist.sha": ("SHA-256（前 12 位）", "SHA-256 (first 12)"),
    "hist.added": ("新增行", "Rows added"),
    "hist.changed": ("修改行", "Rows changed"),
    "hist.removed": ("删除行", "Rows removed"),
    "hist.empty": ("还没有导入记录。", "No imports yet."),
    "import.intro": ("选择数据表和导入方式，上传 CSV 或 Excel 文件；先检查并预览，确认后才会写入。每次更改都保存历史，可以撤销。", "Choose the table and the mode, then upload a CSV or Excel file; it is checked and previewed, and written only when you apply it. Every change is kept in the history and can be undone."),
    "import.password": ("管理员密码", "Admin password"),
    "import.login": ("登录以更新数据", "Sign in to update data"),
    "import.wrong_password": ("密码不正确。多次输入错误后，每次尝试都需要等待更久。", "Wrong password. After several wrong tries each attempt waits longer."),
    "import.table": ("数据表", "Table"),
    "import.table.zones": ("示范区名录（zones）", "Zone register (zones)"),
    "import.table.products": ("产品（products）", "Products (products)"),
    "import.table.destinations": ("目的地国家（destinations）", "Destinations (destinations)"),
    "import.table.export_volumes": ("月度出口量（export_volumes）", "Monthly export volumes (export_volumes)"),
    "import.mode": ("导入方式", "Mode"),
    "import.mode.upsert": ("更新：同键替换、新键追加", "Upsert: same key replaced, new keys added"),
    "import.mode.replace": ("替换整表", "Replace the whole table"),
    "import.user": ("操作人（记入历史）", "Your name (kept in the history)"),
    "import.template": ("下载空白模板（Excel）", "Download an empty template (Excel)"),
    "import.template_data": ("下载现有数据（模板格式）", "Download the current data (template layout)"),
    "import.upload": ("上传文件（CSV 或 XLSX，最大 {mb} MB、{rows} 行）", "Upload a file (CSV or XLSX, at most {mb} MB and {rows} rows)"),
    "import.progress.read": ("正在读取文件……", "Reading the file…"),
    "import.progress.check": ("正在检查 {rows} 行……", "Checking {rows} rows…"),
    "import.progress.done": ("检查完成", "Checked"),
    "import.col.header": ("文件中的表头", "Header in the file"),
    "import.col.column": ("对应的数据列", "Data column"),
    "import.col.factor": ("单位换算", "Unit factor"),
    "import.col.measure": ("指标", "Measure"),
    "import.col.before": ("导入前合计", "Total before"),
    "import.col.after": ("导入后合计", "Total after"),
    "import.skipped": ("已跳过的行（非数据）：{lines}", "Lines skipped (not data): {lines}"),
    "import.refused": ("发现 {n} 个问题，未写入任何数据。请修改文件后重新上传。", "{n} problem(s) found; nothing was written. Fix the file and upload it again."),
    "import.problems_download": ("下载问题清单（CSV）", "Download the problems (CSV)"),
    "import.preview": ("更改预览", "Preview of the change"),
    "import.added": ("新增行", "Rows added"),
    "import.changed": ("修改行", "Rows changed"),
    "import.removed": ("删除行", "Rows removed"),
    "import.unchanged": ("未变行", "Rows unchanged"),
    "import.none": ("无", "None"),
    "import.apply": ("应用更改", "Apply the change"),
    "import.history": ("更新历史", "Update history"),
    "import.undo": ("撤销上一次导入", "Undo the last import"),
    "import.undo_target": ("上一次导入：{file}（{when}，{user}）", "Last import: {file} ({when}, by {user})"),
    "import.n_problems": ("共 {n} 个问题；没有写入任何数据。", "{n} problem(s); nothing was written."),
    "import.mapping": ("列对应：", "Column mapping:"),
    "import.ignored": ("（忽略）", "(ignored)"),
    "import.skipped_line": ("已跳过第 {line} 行：{reason}", "skipped line {line}: {reason}"),
    "import.summary": ("{table}：新增 {added} 行，修改 {changed} 行，删除 {removed} 行，未变 {unchanged} 行", "{table}: {added} added, {changed} changed, {removed} removed, {unchanged} unchanged"),
    "import.sum": ("{measure} 合计：{before} → {after}", "{measure} total: {before} → {after}"),
    "import.no_file": ("找不到文件：{path}", "No such file: {path}"),
    "import.no_data_dir": ("{path} 不是数据文件夹（没有 zones.csv）", "{path} is not a data folder (no zones.csv)"),
    "import.no_changes": ("文件与现有数据相同，没有需要应用的更改。", "The file matches the current data; there is nothing to apply."),
    "import.dry_run_ok": ("检查通过（试运行，未写入）。", "Valid (dry run: nothing written)."),
    "import.applied": ("已应用（历史记录 {entry}）。可用 undo 撤销。", "Applied (history entry {entry}). 'undo' reverts it."),
    "import.undone": ("已撤销导入 {entry}（{file}）。", "Undid import {entry} ({file})."),
    "tpl.col.header": ("表头", "Header"),
    "tpl.col.meaning": ("含义", "Meaning"),
    "tpl.col.required": ("必填", "Required"),
    "tpl.col.format": ("格式", "Format"),
    "tpl.format.str": ("文本", "text"),
    "tpl.format.int": ("整数（≥ 0）", "whole number (≥ 0)"),
    "tpl.format.float": ("数字", "number"),
    "tpl.format.list": ("从下拉列表中选择（见“选项”表）", "choose from the drop-down (see the 'lists' sheet)"),
    "tpl.name": ("名称", "Name"),
    "tpl.note": ("请勿修改第一行表头；每行一条记录；月份写作 YYYY-MM（如 2013-01）；货值单位为美元，重量单位为吨。导入时可选择“更新”（同键替换、新键追加）或“替换整表”。", "Keep the header row as it is; one record per row; months as YYYY-MM (e.g. 2013-01); values in US dollars, weights in tonnes. On import choose 'upsert' (same key replaced, new keys added) or 'replace' (the whole table)."),
    "tpl.dv.title": ("无效的值", "Invalid value"),
    "tpl.dv.error": ("请从下拉列表中选择一个值（见“选项”表）", "Choose a value from the drop-down list (see the 'lists' sheet)"),
    # empty states
    "empty.title": ("当前筛选下没有数据", "Nothing matches the current filter"),
    "empty.hint": ("请放宽筛选条件，或点击侧栏的“清除全部筛选”。", "Widen the filter, or use 'Clear all filters' in the sidebar."),
    "empty.facts_only_volumes": ("报告只给出一个全省出口数字（直通放行出口货值，C4，见总览），没有按示范区、产品、目的地或月份给出出口量；出口量图表只有示意数据。关闭“仅显示报告事实”即可查看。", "The report gives one province-wide export figure (the value of direct-release exports, C4, on the Overview) but no volume per zone, product, destination or month; the volume charts hold illustrative data only. Turn off 'report facts only' to see them."),
    "empty.facts_only_destination": ("报告未说明哪个示范区出口到所选目的地。", "The report does not say which zone exports to the chosen destination."),
    # briefing exports (#7)
    "brief.title": ("简报导出", "Briefing export"),
    # wording, labelled maps and the briefing layout (#9)
    "zones.assumption": ("假定：德惠禽肉示范区计为全省今年确定的首批16个之一。报告只说它已被总局列为全国首批示范区，未说明它是否属于全省的16个，也未说明其启动时间。", "Assumption: the Dehui poultry zone is counted as one of the province's first 16 zones. The report only says AQSIQ listed it in the national first batch; it does not say whether it is one of the province's 16, nor when it launched."),
    "first.zones_unknown": ("报告未说明这些首次出口出自哪个示范区，也未说明月份或数量。", "The report does not say which zone made these first exports, nor their month or quantity."),
    "zones.launched_unknown": ("报告未说明", "not stated in the report"),
    "derived.title": ("推算值（报告未直接给出）", "Derived figures (not printed in the report)"),
    "derived.note": ("由报告的数字和同比增长率推算；报告的百分比是取整值，因此推算结果是一个区间。", "Computed from the report's figures and its year-on-year growth; the report's percentages are rounded, so the result is a range."),
    "derived.declarations_prev": ("上年同期集装箱报检批次（推算）", "Container declarations a year earlier (derived)"),
    "derived.teu_prev": ("上年同期集装箱报检标箱（推算）", "Container TEU a year earlier (derived)"),
    "derived.formula": ("由报告 {fact_id} 推算：{value} ÷ (1 + {growth}%)；{growth}% 是取整值（{lo}%–{hi}%），所以上年同期为 {low}–{high}（取整）。", "Derived from report {fact_id}: {value} ÷ (1 + {growth}%); {growth}% is rounded ({lo}%–{hi}%), so a year earlier it was {low}–{high} (rounded)."),
    "vol.matrix": ("目的地 × 产品", "Destination × product"),
    "vol.matrix.note": ("每格为该产品运往该目的地的合计（示意），颜色越深越多；排名图回答“哪里最多”，本图回答“各地进口什么”。", "Each cell is the total of a product to a destination (illustrative), darker is more; the ranking answers 'which is largest', this grid answers 'what goes where'."),
    "brief.help": ("按当前筛选与语言生成简报（演示文稿、PDF、图表图片或图表数据）。", "Builds a briefing of the current filter and language (slides, PDF, chart images or chart data)."),
    "brief.format": ("格式", "Format"),
    "brief.format.pptx": ("演示文稿（PPTX）", "Slides (PPTX)"),
    "brief.format.pdf": ("PDF 文档", "PDF document"),
    "brief.format.images": ("图表图片（PNG + SVG，ZIP）", "Chart images (PNG + SVG, ZIP)"),
    "brief.format.data": ("图表数据（Excel + CSV，ZIP）", "Chart data (Excel + CSV, ZIP)"),
    "brief.build": ("生成简报", "Build briefing"),
    "brief.download": ("下载", "Download"),
    "brief.stale": ("筛选、语言或格式已改变；请重新生成。", "The filter, language or format changed; build again."),
    "brief.status.running": ("正在生成简报……", "Building the briefing…"),
    "brief.status.deck": ("整理幻灯片内容", "Putting the slides together"),
    "brief.status.image": ("绘制图表 {i}/{n}：{name}", "Drawing chart {i}/{n}: {name}"),
    "brief.status.render": ("排版 {fmt}", "Laying out the {fmt}"),
    "brief.status.done": ("简报已生成（{seconds} 秒）", "Briefing ready ({seconds} s)"),
    "brief.status.failed": ("简报生成失败", "The briefing could not be built"),
    "brief.err.failed": ("未能生成简报：{detail}。页面其他内容不受影响，可以重试。", "The briefing could not be built: {detail}. The rest of the page still works; you can try again."),
    "brief.err.no_font": ("找不到中文字体，图表中的中文会显示为方框。请安装 Noto Sans CJK（Debian/Ubuntu：apt-get install fonts-noto-cjk），或将 ZONES_CJK_FONT_DIR 设为含中文字体的文件夹。已查找：{dirs}", "No Chinese font was found, so Chinese text would show as boxes. Install Noto Sans CJK (Debian/Ubuntu: apt-get install fonts-noto-cjk) or set ZONES_CJK_FONT_DIR to a folder with a Chinese font. Looked in: {dirs}"),
    "brief.err.unknown": ("未知的{what}：“{value}”。可用编号或中英文名称，例如：{examples}", "Unknown {what}: '{value}'. Use an id or a Chinese/English name, e.g.: {examples}"),
    "brief.err.period": ("时期“{value}”无效：格式为 YYYY-MM:YYYY-MM，且须在 {first} 至 {last} 之间", "Invalid period '{value}': use YYYY-MM:YYYY-MM within {first} to {last}"),
    "brief.err.date": ("日期“{value}”无效：格式为 YYYY-MM-DD", "Invalid date '{value}': use YYYY-MM-DD"),
    "brief.err.out": ("无法写入 {path}：{detail}", "Cannot write {path}: {detail}"),
    "brief.cli.done": ("已写入 {path}（{slides} 页，{seconds} 秒）", "Wrote {path} ({slides} slides, {seconds} s)"),
    "brief.subtitle": ("简报 · {date}", "Briefing · {date}"),
    "brief.footer.report": ("出处：报告 {facts}", "Source: the report, {facts}"),
    "brief.footer.illustrative": ("含示意数据（非事实，仅供演示）", "Contains illustrative data (not facts; for demonstration only)"),
    "brief.zones_count": ("显示 {n} 个示范区：{report} 个为报告事实，{illustrative} 个为示意。", "{n} zones shown: {report} from the report, {illustrative} illustrative."),
    "brief.first_map": ("首次出口与出口目的地", "First-time exports and destinations"),
    "brief.first_line": ("{product} → {destination}：{when}", "{product} → {destination}: {when}"),
    "brief.no_first": ("当前筛选下没有报告所列的首次出口。", "No first-time export of the report matches the current filter."),
    "brief.facts_cited": ("本简报引用的报告事实：{facts}", "Report facts cited in this briefing: {facts}"),
    "brief.sources_more": ("各文件与各列的来源见 data/SOURCES.md；每张图表背后的数据见随附的 Excel / CSV。", "Where every file and column comes from: data/SOURCES.md; the data behind every chart: the accompanying Excel / CSV."),
    "brief.generated": ("生成日期 {date} · 筛选：{summary}", "Generated {date} · filter: {summary}"),
    "brief.part": ("（{n}/{total}）", "({n}/{total})"),
    "brief.page": ("{n} / {total}", "{n} / {total}"),
    "brief.file_prefix": ("吉林示范区简报", "Jilin-zones-briefing"),
    "brief.file_all": ("全部", "All"),
    "brief.file_images": ("图表图片", "chart-images"),
    "brief.file_data": ("图表数据", "chart-data"),
    "brief.file_more": ("等", "etc"),
    "brief.file_period": ("{start}至{end}", "{start}-to-{end}"),
    "brief.col.platform": ("平台", "Platform"),
    "brief.col.label": ("指标", "Figure"),
    "brief.col.shown": ("显示为", "As shown"),
    "brief.col.unit": ("单位", "Unit"),
    "brief.col.qualifier": ("限定", "Qualifier"),
    "brief.col.period": ("时期", "Period"),
    "brief.col.derived": ("推算方法", "Derived from"),
    "brief.col.section": ("报告章节", "Report section"),
    "brief.col.fact": ("事实", "Fact"),
    "brief.col.table": ("表", "Table"),
    "brief.col.sources": ("来源", "Sources"),
    "brief.sheet.figures": ("报告数字", "Report figures"),
    "brief.sheet.zones": ("示范区", "Zones"),
    "brief.sheet.first_exports": ("首次出口", "First exports"),
    "brief.sheet.destinations": ("出口目的地", "Destinations"),
    "brief.sheet.timeseries": ("出口量走势", "Volume over time"),
    "brief.sheet.ranking": ("排名", "Ranking"),
    "brief.sheet.growth": ("同比增长", "Year-on-year growth"),
    "brief.sheet.breakdown": ("产品构成", "Breakdown by product"),
    "brief.sheet.sources": ("来源", "Sources"),
    "brief.what.product": ("产品", "product"),
    "brief.what.dest": ("目的地", "destination"),
    "brief.what.prefecture": ("市（州）", "prefecture"),
    "brief.what.zone": ("示范区", "zone"),
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
    "err.too_large_file": ("文件过大（{size}，上限 {limit}；上限可用环境变量 ZONES_MAX_FILE_MB 调整）", "The file is too large ({size}; the limit is {limit}, set by the environment variable ZONES_MAX_FILE_MB)"),
    "err.is_directory": ("这里应是一个文件，却是一个文件夹", "This should be a file but is a folder"),
    "err.special_file": ("这不是普通文件（{kind}），不会被读取", "This is not a regular file ({kind}); it is not read"),
    "err.no_permission": ("没有读取此文件的权限", "No permission to read this file"),
    "err.encoding_gb": ("文件是 GBK/GB18030 编码（中文 Windows 默认），不是 UTF-8；请在 Excel 中“另存为 → CSV UTF-8”", "The file is in GBK/GB18030 (the Chinese Windows default), not UTF-8; in Excel use Save As → 'CSV UTF-8'"),
    "err.encoding_utf16": ("文件是 UTF-16 编码，不是 UTF-8；请另存为“CSV UTF-8”", "The file is UTF-16, not UTF-8; save it as 'CSV UTF-8'"),
    "err.xlsx_not_csv": ("这是一个 Excel 工作簿（.xlsx），不是 CSV；请另存为“CSV UTF-8”", "This is an Excel workbook (.xlsx), not a CSV; save it as 'CSV UTF-8'"),
    "err.binary_file": ("文件含有空字节（NUL），不是文本文件", "The file contains NUL bytes; it is not a text file"),
    "err.wrong_delimiter": ("表头只有一列，且含“{sep}”：文件可能以“{sep}”而非逗号分隔", "The header is a single column containing '{sep}': the file seems to be separated by '{sep}', not by commas"),
    "err.duplicate_column": ("表头中的列名“{value}”重复", "The column name '{value}' appears twice in the header"),
    "err.field_count": ("此行有 {found} 个字段，表头有 {expected} 个", "This line has {found} fields; the header has {expected}"),
    "err.stray_quote": ("此单元格以引号（\"）开头，直到第 {end} 行才闭合，其间各行被读成了一个单元格", "A quote (\") opens this cell and only closes on line {end}: the lines in between were read as one cell"),
    "err.unclosed_quote": ("此单元格以引号（\"）开头，却没有闭合：文件其余部分都被读成了一个单元格", "A quote (\") opens this cell and never closes: the rest of the file was read as one cell"),
    "err.cell_too_long": ("单元格过长（{length} 个字符，上限 {limit}）", "The cell is too long ({length} characters; the limit is {limit})"),
    "err.too_large": ("“{value}”大于最大值 {max}", "'{value}' is above the maximum {max}"),
    "err.out_of_window": ("“{value}”不在允许的年份 {first}–{last} 之内", "'{value}' is outside the allowed years {first}–{last}"),
    "err.empty_item": ("“{value}”含有空项（“{sep}”连续出现，或位于开头或结尾）", "'{value}' has an empty item ('{sep}' twice in a row, or at the start or end)"),
    "err.more_same": ("……另有 {count} 行存在同样的问题（第 {first}–{last} 行）", "… and {count} more rows with the same problem (lines {first}–{last})"),
    "err.bad_json": ("不是有效的 JSON（第 {col} 个字符处：{detail}）", "Not valid JSON (at character {col}: {detail})"),
    "err.geo_not_collection": ("边界文件不是 GeoJSON FeatureCollection", "The boundary file is not a GeoJSON FeatureCollection"),
    "err.geo_empty": ("边界文件没有任何要素", "The boundary file has no features"),
    "err.geo_feature": ("第 {index} 个要素的形状无法绘制（{detail}）", "Feature {index} has a shape that cannot be drawn ({detail})"),
    "err.geo_property": ("第 {index} 个要素缺少文本属性“{prop}”", "Feature {index} lacks the text property '{prop}'"),
    "err.loader_bug": ("读取数据时发生意外错误（{detail}），已记录在服务器日志中", "An unexpected error occurred while reading the data ({detail}); it was logged on the server"),
    "err.page_hint_dir": ("请按下表逐项修正数据文件夹 {folder} 中的文件后刷新页面。已有文件没有被修改。", "Fix each item below in the files in the data folder {folder}, then reload. No file has been changed."),
    "err.is_not_folder": ("不是一个存在的文件夹", "not an existing folder"),
    "cli.validate.problems": ("{folder} 中发现 {n} 条问题", "{n} problem(s) in {folder}"),
    "cli.validate.ok": ("数据有效：{folder}", "Valid: {folder}"),
    "load.progress": ("正在读取并检查数据……", "Reading and checking the data…"),
    "load.progress_big": ("正在读取并检查数据（{size}）……", "Reading and checking the data ({size})…"),
    # performance and SQL backend (#8)
    "sql.connecting": ("正在连接数据库……", "Connecting to the database…"),
    "sql.url_required": ("请用 --url 或环境变量 ${env} 指定数据库", "--url or ${env} is required"),
    "sql.load_refused": ("发现 {n} 个问题；数据库未作任何修改", "{n} problem(s); nothing was written to the database"),
    "sql.loaded": ("完成：{folder} → 数据版本 {version}，用时 {seconds} 秒（{counts}）", "OK: {folder} → data version {version} in {seconds} s ({counts})"),
    "err.db_unreachable": ("无法读取数据库（{detail}）", "The database cannot be read ({detail})"),
    "err.page_hint_db": ("请按下表逐项处理数据库中的问题（或用 python -m zones sql-load 重新载入数据）后刷新页面。数据库中的数据没有被修改。", "Fix each item below in the database (or reload it with python -m zones sql-load), then reload the page. Nothing in the database has been changed."),
    "err.db_not_loaded": ("数据库中还没有仪表板的数据表；请先运行 python -m zones sql-load --url …", "The database has no dashboard tables yet; load them with python -m zones sql-load --url …"),
    "err.unexpected": ("发生意外错误，已记录在服务器日志中。请刷新页面；如果问题仍在，请联系维护人员。", "Something unexpected went wrong; it was logged on the server. Reload the page; if it persists, contact the maintainers."),
    # links that survive copying, one screen per view, phones (#16, helper "links")
    "link.unknown_key": ("链接参数“{name}”无法识别（值：{value}）", "The link parameter '{name}' is not recognised (value: {value})"),
    "link.unknown_value": ("链接参数 {name} 的值“{value}”无法识别", "The value '{value}' of the link parameter {name} is not recognised"),
    "share.button": ("分享链接", "Copy link"),
    "share.help": ("此链接打开当前视图（语言、筛选、页面选项与演示模式）。点右上角图标复制，或选中文字复制。", "This link opens the view as shown (language, filters, page options, presentation mode). Copy it with the icon at the top right, or select the text."),
    "present.details": ("出处与说明", "Source & notes"),
    "present.illustrative": ("含示意数据（非报告事实）", "Illustrative data (not facts)"),
    "present.facts_only": ("仅报告事实", "Report facts only"),
    "link.unknown_page": ("链接中的页面“{value}”不存在；已打开总览", "The page '{value}' in the link does not exist; the overview is shown"),
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


def _plain(v: float, sep: str) -> str:
    """Every digit of ``v`` (no rounding), grouped by ``sep``; decimals as given."""
    if v == int(v):
        return f"{int(v):,}".replace(",", sep)
    whole, _, frac = repr(abs(v)).partition(".")
    if "e" in frac or "e" in whole:  # tiny or huge floats: repr is the exact short form
        return repr(v)
    return ("-" if v < 0 else "") + f"{int(whole):,}".replace(",", sep) + "." + frac


def _scaled(v: float, unit: float, digits: int) -> str | None:
    """``v / unit`` with at most ``digits`` decimals, or None if that would round it."""
    q = round(v / unit, digits)
    return _trim(q, digits) if abs(q * unit - v) < 1e-6 * max(1.0, abs(v)) else None


def fmt_number(value: float | None, lang: str, exact: bool = True) -> str:
    """万/亿 in Chinese; thousands separators (and million/billion) in English; '–' if missing.

    ``exact`` (the default, for every figure the report gives) never drops a digit: the
    compact form (1.2亿, 110 billion) is used only when it is exact, otherwise every digit
    is shown (60,356, not 6.04万). ``exact=False`` rounds to two decimals of 万/亿 or
    million/billion, for illustrative magnitudes only.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if lang == "zh":  # Chinese groups by 万 and 亿; no separator below 1万, as the report
        for unit, word in ((1e8, "亿"), (1e4, "万")):
            if abs(v) >= unit:
                short = _scaled(v, unit, 2) if exact else _trim(v / unit, 2)
                if short is not None:
                    return f"{short.replace(',', '')}{word}"
                return _plain(v, ",")  # exact and not round in 万: every digit, as printed
        if not exact:
            return _trim(v, 1).replace(",", "") if v != int(v) else str(int(v))
        return _plain(v, "")
    for unit, word in ((1e9, "billion"), (1e6, "million")):
        if abs(v) >= unit:
            short = _scaled(v, unit, 2) if exact else _trim(v / unit, 2)
            if short is not None:
                return f"{short} {word}"
            return _plain(v, ",")
    if not exact:
        return _trim(v, 1) if v != int(v) else f"{int(v):,}"
    return _plain(v, ",")


def fmt_quantity(value: float | None, unit: str, lang: str, qualifier: str = "exact") -> str:
    """A number with its unit and qualifier, e.g. '50余份' / '50+ memoranda'; never rounded."""
    n = t(f"qual.{qualifier}", lang, n=fmt_number(value, lang))
    return t(f"unit.{unit}", lang, n=n)


def fmt_range(low: float, high: float, unit: str, lang: str) -> str:
    """A derived range with its unit, e.g. '1960–1977批' / '1,960–1,977 declarations'."""
    n = t("qual.range", lang, low=fmt_number(low, lang), high=fmt_number(high, lang))
    return t(f"unit.{unit}", lang, n=n)


def fmt_percent(value: float | None, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:+.1f}%"


def name_col(lang: str) -> str:
    """The name column of a bilingual table for ``lang``."""
    return "name_zh" if lang == "zh" else "name_en"
