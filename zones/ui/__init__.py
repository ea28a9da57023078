"""The Streamlit boundary: the only package of ``zones`` that imports Streamlit.

Pages import what they draw with from here; the modules behind it have one concern each:
``state`` (language, link repair), ``options`` (bilingual filter labels), ``sidebar``,
``data`` (the cached load from the chosen backend), ``context`` (what a page starts with),
``parts`` (shared page parts), ``presenting`` (one screen per view, phones), ``sharing``
(Copy link), ``runsheet_player`` and ``runsheet_editor`` (run-sheets), ``admin``,
``importer`` (import, history, undo), ``briefing`` (deck export), ``warmup`` and ``offline``.
The modules import each other, never
this facade.
"""

from zones.ui.admin import ADMIN_ENV, ADMIN_SECRET, editing_configured
from zones.ui.context import Context, context, issue_table, shared_context, show_errors
from zones.ui.data import current_backend, data_store, load_data, map_geometry
from zones.ui.importer import history_section, import_section, undo_section
from zones.ui.keys import (
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
    KEY_STEP,
    KEY_ZONE,
    LIST_KEYS,
    PAGE_OPTION_DEFAULTS,
    PAGE_OPTION_KEYS,
    PAGE_OPTIONS,
)
from zones.ui.offline import keep_streamlit_offline
from zones.ui.options import page_option_label, zone_labels
from zones.ui.parts import (
    csv_bytes,
    csv_download,
    empty_state,
    file_downloads,
    first_export_list,
    header,
    illustrative_banner,
    metric_rows,
    page_option,
    select_destination_from_event,
    select_profile_from_event,
    table_with_download,
)
from zones.ui.presenting import PRESENT_MAP_HEIGHT, present_height
from zones.ui.runsheet_console import console as presenter_console
from zones.ui.runsheet_console import wanted as console_wanted
from zones.ui.runsheet_player import set_page
from zones.ui.sharing import share_control, view_link, view_params
from zones.ui.sidebar import sidebar
from zones.ui.state import current_lang
from zones.ui.warmup import warm_up

keep_streamlit_offline()  # see zones.ui.offline: no own-address lookup, ever

__all__ = [
    "ADMIN_ENV",
    "ADMIN_SECRET",
    "FILTER_KEYS",
    "KEY_BY",
    "KEY_DEST",
    "KEY_FACTS",
    "KEY_INTERVAL",
    "KEY_LANG",
    "KEY_MEASURE",
    "KEY_PERIOD",
    "KEY_PREF",
    "KEY_PRESENT",
    "KEY_PRODUCT",
    "KEY_PROFILE",
    "KEY_RUNSHEET",
    "KEY_RUNSHEET_STEP",
    "KEY_STEP",
    "KEY_ZONE",
    "LIST_KEYS",
    "PAGE_OPTIONS",
    "PAGE_OPTION_DEFAULTS",
    "PAGE_OPTION_KEYS",
    "PRESENT_MAP_HEIGHT",
    "Context",
    "console_wanted",
    "context",
    "csv_bytes",
    "csv_download",
    "current_backend",
    "current_lang",
    "data_store",
    "editing_configured",
    "empty_state",
    "file_downloads",
    "first_export_list",
    "header",
    "history_section",
    "illustrative_banner",
    "import_section",
    "issue_table",
    "keep_streamlit_offline",
    "load_data",
    "map_geometry",
    "metric_rows",
    "page_option",
    "page_option_label",
    "present_height",
    "presenter_console",
    "select_destination_from_event",
    "select_profile_from_event",
    "set_page",
    "share_control",
    "shared_context",
    "show_errors",
    "sidebar",
    "table_with_download",
    "undo_section",
    "view_link",
    "view_params",
    "warm_up",
    "zone_labels",
]
