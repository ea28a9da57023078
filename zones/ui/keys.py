"""The URL keys of every bound widget, and the page-level options' choices.

One table, so the sidebar, the link repair, the briefing control and the pages agree on what a
link may say; no Streamlit here.
"""

from __future__ import annotations

from zones.metrics import DIMS, MEASURES

# URL keys of every bound widget: the filter, the language, and page-level view options.
KEY_LANG, KEY_PRESENT = "lang", "present"
KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE = "product", "dest", "pref", "zone"
KEY_PERIOD, KEY_FACTS = "period", "facts"
KEY_PROFILE, KEY_STEP, KEY_BY, KEY_MEASURE = "profile", "step", "by", "measure"
FILTER_KEYS = (KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE, KEY_PERIOD, KEY_FACTS)
LIST_KEYS = (KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE)
# Page-level view options (volumes page): their choices, defaults, and catalogue keys.
PAGE_OPTIONS = {KEY_STEP: ("monthly", "yearly"), KEY_BY: DIMS, KEY_MEASURE: MEASURES}
PAGE_OPTION_DEFAULTS = {KEY_STEP: "yearly", KEY_BY: DIMS[0], KEY_MEASURE: MEASURES[0]}
PAGE_OPTION_KEYS = {KEY_STEP: "vol.{}", KEY_BY: "vol.by.{}", KEY_MEASURE: "opt.{}"}
