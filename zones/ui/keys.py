"""The URL keys of every bound widget and the page-level options, as the UI names them.

The one table is ``zones.links`` (pure: run-sheets and the CLI parse links with it); this
module only re-exports it for the UI modules, plus the volumes page's old name for its
monthly/yearly option (its URL key is ``interval`` since run-sheets took ``step``).
"""

from __future__ import annotations

from zones.links import (
    FILTER_KEYS,
    KEY_BY,
    KEY_DEST,
    KEY_FACTS,
    KEY_INTERVAL,
    KEY_LANG,
    KEY_MEASURE,
    KEY_PERIOD,
    KEY_PREF,
    KEY_PRESENT,
    KEY_PRODUCT,
    KEY_PROFILE,
    KEY_RUNSHEET,
    KEY_RUNSHEET_STEP,
    KEY_ZONE,
    LIST_KEYS,
    PAGE_OPTION_DEFAULTS,
    PAGE_OPTION_LABEL_KEYS,
    PAGE_OPTIONS,
)

KEY_STEP = KEY_INTERVAL  # the volumes page's monthly/yearly option (URL key "interval")
PAGE_OPTION_KEYS = PAGE_OPTION_LABEL_KEYS  # option value -> catalogue key pattern

__all__ = [
    "FILTER_KEYS", "KEY_BY", "KEY_DEST", "KEY_FACTS", "KEY_INTERVAL", "KEY_LANG", "KEY_MEASURE",
    "KEY_PERIOD", "KEY_PREF", "KEY_PRESENT", "KEY_PRODUCT", "KEY_PROFILE", "KEY_RUNSHEET",
    "KEY_RUNSHEET_STEP", "KEY_STEP", "KEY_ZONE", "LIST_KEYS", "PAGE_OPTIONS",
    "PAGE_OPTION_DEFAULTS", "PAGE_OPTION_KEYS",
]
