"""The words officers write: header names per column, units, totals and notes, categories.

Data, not logic: ``HEADERS`` (one table per data file, Chinese and English names) and
``UNITS`` are shown to the user as the column mapping, so they are kept in one place.
"""

from __future__ import annotations

from decimal import Decimal

from zones.intake import customs
from zones.intake.parse import (
    name_key,
)
from zones.model import CATEGORIES, LEVELS

# For each table, each model column and the header names officers use for it. Matched on
# ``name_key`` (case, width, spaces and punctuation ignored); a unit in brackets or at
# the end ("货值（万美元）", "货值万美元", "weight (kg)") is split off first via ``UNITS``.
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "export_volumes": {
        "period": ("period", "月份", "月", "月度", "年月", "年份月份", "统计月份", "出口月份",
                   "统计期", "期间", "报告期", "时间", "日期", "month", "year-month", "date"),
        # A separate year column ("年份 | 月份: 2010 | 9"): not a model column, it completes
        # a period written as a bare month.
        "_year": ("年份", "年", "年度", "统计年份", "统计年度", "year"),
        "zone_id": ("zone_id", "示范区", "示范区名称", "示范区简称", "示范区编号", "所属示范区",
                    "zone", "zone name", "demonstration zone"),
        "product_id": ("product_id", "HS编码", "HS编号", "HS", "HS code", "商品编码",
                       "商品代码", "海关编码", "税则号", "税号", "产品", "产品名称", "商品",
                       "商品名称", "品名", "货物名称", "货品名称", "product", "product name",
                       "commodity"),
        "destination_iso3": ("destination_iso3", "目的国", "目的国家", "目的地", "目的国(地区)",
                             "目的国家(地区)", "贸易伙伴", "贸易伙伴名称", "国家(地区)",
                             "国家地区", "国家", "国别", "国别(地区)", "输往国家",
                             "输往国家(地区)", "输往国", "出口国家", "出口国家(地区)",
                             "贸易国", "贸易国(地区)", "destination", "country",
                             "country/region", "partner", "destination country", "iso3"),
        "tonnes": ("tonnes", "tons", "吨数", "重量", "净重", "出口重量", "weight",
                   "net weight"),
        "value_usd": ("value_usd", "美元", "USD", "美元金额", "货值", "金额", "出口额",
                      "出口金额", "出口货值", "货物价值", "价值", "value", "export value"),
        "consignments": ("consignments", "批次", "批数", "出口批次", "报检批次", "检验批次",
                         "批", "batches", "lots", "shipments", "number of consignments"),
    },
    "zones": {
        "zone_id": ("zone_id", "示范区编号", "示范区代码", "编号", "代码", "id"),
        "name_zh": ("name_zh", "示范区名称", "示范区全称", "中文名称", "中文全称", "名称",
                    "全称", "示范区"),
        "name_en": ("name_en", "英文名称", "英文全称", "english name", "name", "full name"),
        "short_zh": ("short_zh", "简称", "中文简称", "示范区简称"),
        "short_en": ("short_en", "英文简称", "short name", "english short name"),
        "county_adcode": ("county_adcode", "所在县", "所在县(市、区)", "县(市、区)", "县市区",
                          "所在县市区", "所在地", "县级行政区", "县区", "区县", "行政区划代码",
                          "行政区代码", "区划代码", "adcode", "county", "county code"),
        "lon": ("lon", "经度", "longitude", "lng", "long"),
        "lat": ("lat", "纬度", "latitude"),
        "products": ("products", "产品", "主要产品", "出口产品", "主导产品", "示范产品",
                     "product"),
        "level": ("level", "级别", "层级", "示范区级别"),
        "launched": ("launched", "启动时间", "启动年份", "启动年月", "建设时间", "创建时间",
                     "创建年份", "批准时间", "设立时间", "year launched", "since"),
        "note_zh": ("note_zh", "备注", "说明", "中文备注", "中文说明"),
        "note_en": ("note_en", "英文备注", "英文说明", "note", "notes", "remarks"),
    },
    "products": {
        "product_id": ("product_id", "产品编号", "产品代码", "编号", "id"),
        "name_zh": ("name_zh", "产品名称", "中文名称", "名称", "品名", "产品", "商品名称"),
        "name_en": ("name_en", "英文名称", "english name", "name", "product", "product name"),
        "category": ("category", "类别", "产品类别", "分类", "品类", "类型"),
        "hs_codes": ("hs_codes", "HS编码", "HS编码前缀", "HS编号", "商品编码", "海关编码",
                     "税则号", "HS", "HS code", "HS codes"),
    },
    "destinations": {
        "iso3": ("iso3", "国家代码", "国别代码", "ISO代码", "ISO", "代码", "country code",
                 "code", "ISO 3166-1 alpha-3"),
        "name_zh": ("name_zh", "中文名称", "国家(地区)", "国家", "国别", "目的国", "国家名称",
                    "中文名"),
        "name_en": ("name_en", "英文名称", "english name", "country", "name", "country name"),
    },
}


# Header names whose column follows from the unit: "数量（千克）" is weight, "数量（批）"
# consignments, "金额（万美元）" value.
GENERIC_MEASURES: tuple[str, ...] = ("数量", "出口数量", "出口量", "quantity", "amount")


# Columns that are recognised and deliberately not imported.
IGNORED_HEADERS: tuple[str, ...] = ("序号", "行号", "顺序号", "no", "no.", "#", "sn", "index",
                                    "合计", "小计", "total")


# Units: key → (dimension, factor to the model's unit, note key shown in the mapping).
UNITS: dict[str, tuple[str, Decimal, str]] = {}


for _names, _unit in (
    (("吨", "t", "ton", "tons", "tonne", "tonnes", "公吨", "mt"),
     ("mass", Decimal(1), "")),
    (("千克", "公斤", "kg", "kgs", "kilogram", "kilograms"),
     ("mass", Decimal("0.001"), "import.note.kg")),
    (("克", "g", "gram", "grams"), ("mass", Decimal("0.000001"), "import.note.g")),
    (("万吨",), ("mass", Decimal(10_000), "import.note.wan_t")),
    (("美元", "美金", "usd", "us$", "$", "dollar", "dollars", "us dollars"),
     ("usd", Decimal(1), "")),
    (("千美元", "thousand usd", "usd thousand", "usd'000", "kusd"),
     ("usd", Decimal(1_000), "import.note.thousand_usd")),
    (("万美元", "万美金", "usd 10,000", "10,000 usd", "usd 10000", "10000 usd",
      "ten thousand usd"), ("usd", Decimal(10_000), "import.note.wan_usd")),
    (("百万美元", "million usd", "usd million", "usd mn", "usd m", "musd"),
     ("usd", Decimal(1_000_000), "import.note.million_usd")),
    (("亿美元",), ("usd", Decimal(100_000_000), "import.note.yi_usd")),
    (("批", "批次", "个", "次", "consignments", "lots", "batches"),
     ("count", Decimal(1), "")),
    (("元", "人民币", "人民币元", "万元", "亿元", "千元", "rmb", "cny", "yuan", "欧元", "eur",
      "日元", "jpy"), ("other_currency", Decimal(1), "")),
    (("度", "°", "deg", "degrees"), ("degrees", Decimal(1), "")),
):
    for _n in _names:
        UNITS[name_key(_n)] = _unit


MEASURE_DIMENSION: dict[str, str] = {"tonnes": "mass", "value_usd": "usd",
                                     "consignments": "count", "lon": "degrees",
                                     "lat": "degrees"}


# Header names that carry their unit in the name itself.
IMPLICIT_UNITS: dict[str, str] = {name_key(k): v for k, v in {
    "tonnes": "t", "tons": "t", "吨数": "t", "value_usd": "usd", "美元": "usd", "usd": "usd",
    "美元金额": "usd"}.items()}
customs.extend_headers(HEADERS)  # the customs statistics platform's names (#17)


UNIT_EXAMPLES: dict[str, str] = {"tonnes": "重量（吨） / 数量（千克） / weight (t)",
                                 "value_usd": "货值（美元） / 货值（万美元） / value (USD)"}


TOTAL_WORDS = frozenset(name_key(w) for w in (
    "合计", "总计", "小计", "共计", "总和", "累计", "总计数", "合计数", "total", "sum",
    "grand total", "subtotal", "sub-total"))


LOOKUP_COLUMNS = frozenset({"zone_id", "product_id", "destination_iso3", "county_adcode",
                             "products", "level", "category", "iso3"})


TOTAL_INITIALS = frozenset("合总小共累tTsSgG")


NOTE_PREFIXES = tuple(name_key(w) for w in (
    "注", "说明", "备注", "制表", "填报", "填表", "审核", "数据来源", "资料来源", "来源",
    "单位负责人", "统计负责人", "联系电话", "报出日期", "source", "note"))


CATEGORY_NAMES: dict[str, str] = {name_key(k): v for k, v in {
    "肉类": "meat", "肉": "meat", "肉类产品": "meat", "畜禽肉": "meat",
    "鹿产品": "deer", "鹿": "deer", "鹿产业": "deer", "梅花鹿": "deer",
    "人参": "ginseng", "参": "ginseng", "人参产品": "ginseng",
    "水果": "fruit", "果品": "fruit", "浆果": "fruit",
    "蔬菜": "vegetables", "菜": "vegetables",
    "粮油": "grain_oil", "粮食": "grain_oil", "油料": "grain_oil", "粮油产品": "grain_oil",
    "食用菌": "fungi", "菌类": "fungi", "菌": "fungi",
    **{c: c for c in CATEGORIES}, "grain and oil": "grain_oil", "grain & oil": "grain_oil",
    "vegetable": "vegetables", "fungus": "fungi", "mushrooms": "fungi"}.items()}


LEVEL_NAMES: dict[str, str] = {name_key(k): v for k, v in {
    "省级": "provincial", "省": "provincial", "省级示范区": "provincial",
    "全国首批": "national_first_batch", "国家级": "national_first_batch",
    "首批": "national_first_batch", "全国首批示范区": "national_first_batch",
    "国家级首批": "national_first_batch", "national": "national_first_batch",
    "national first batch": "national_first_batch", **{v: v for v in LEVELS}}.items()}
