"""The Streamlit boundary: the only package of ``zones`` that imports Streamlit.

Pages import what they draw with from here; the modules behind it have one concern each:
``state`` (language, page, link repair), ``options`` (bilingual filter labels), ``sidebar``
(the filters, which yield the page's ``zones.view.View``), ``data`` (the cached load from
the chosen backend), ``page_context`` (the ``Context`` a page reads), ``context`` (what a
page starts with; the sidebar assembled), ``session_keys`` (the session's own state),
``parts`` (shared page parts), ``presenting`` (one screen per view, phones), ``printing``
(Ctrl+P gives a handout: the print stylesheet, screen-only parts), ``sharing`` (Copy link),
``runsheet_player`` and ``runsheet_editor`` (run-sheets), ``runsheet_console``,
``runsheet_follow`` and ``runsheet_drafts`` (the presenter's console, windows that follow
it, drafts kept), ``admin``, ``importer`` (import,
history, undo), ``identity`` (who is signed in, through ``st.user``), ``audit_view``
(recording and showing the audit trail), ``briefing`` (deck export), ``points`` (key
points), ``warmup`` and ``offline``. The modules import each other, never this facade;
the facade holds only what pages, ``app.py`` and the serve command use (URL keys come
from ``zones.view``).
"""

from zones.ui.admin import ADMIN_ENV
from zones.ui.audit_view import audit_section
from zones.ui.context import context, issue_table, shared_context, show_errors
from zones.ui.data import load_data
from zones.ui.identity import data_page_note
from zones.ui.importer import history_section, import_section
from zones.ui.offline import keep_streamlit_offline
from zones.ui.options import zone_labels
from zones.ui.page_context import Context
from zones.ui.parts import (
    csv_bytes,
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
from zones.ui.points import key_points_block
from zones.ui.presenting import present_height
from zones.ui.printing import screen_only
from zones.ui.rendered import arrow, arrow_table, per_data, per_view, vega_chart
from zones.ui.runsheet_console import console as presenter_console
from zones.ui.runsheet_console import wanted as console_wanted
from zones.ui.runsheet_player import followed_page
from zones.ui.sharing import share_control
from zones.ui.sidebar import sidebar
from zones.ui.state import current_lang, set_page
from zones.ui.warmup import warm_up

keep_streamlit_offline()  # see zones.ui.offline: no own-address lookup, ever

__all__ = [
    "ADMIN_ENV",
    "Context",
    "arrow",
    "arrow_table",
    "audit_section",
    "console_wanted",
    "context",
    "csv_bytes",
    "current_lang",
    "data_page_note",
    "empty_state",
    "file_downloads",
    "first_export_list",
    "followed_page",
    "header",
    "history_section",
    "illustrative_banner",
    "import_section",
    "issue_table",
    "key_points_block",
    "load_data",
    "metric_rows",
    "page_option",
    "per_data",
    "per_view",
    "present_height",
    "presenter_console",
    "screen_only",
    "select_destination_from_event",
    "select_profile_from_event",
    "set_page",
    "share_control",
    "shared_context",
    "show_errors",
    "sidebar",
    "table_with_download",
    "vega_chart",
    "warm_up",
    "zone_labels",
]
