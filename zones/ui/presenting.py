"""Presentation mode on one screen, and phones (#16).

At 1920×1080 and 1366×768 a projected page shows its main map or chart whole: compact tiles
and headings, and the filter line with the illustrative marking on one line, the full text
one click away (the marking itself never leaves the screen: truth rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from zones import safe
from zones.dataset.filters import summary
from zones.i18n import t
from zones.ui import session_keys as sk

if TYPE_CHECKING:
    from zones.ui.page_context import Context

# Presentation mode fits one screen (1920×1080 and 1366×768): compact tiles and headings,
# the filter line and the illustrative marking on one line, maps and charts a bit lower.
PRESENT_FIT_CSS = """
<style>
[data-testid="stHeader"] { background: transparent; }  /* the title may sit beside it */
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; padding-bottom: 1rem; }
h1 { font-size: 2.4rem !important; padding: 0 !important; }
@media (max-height: 900px) {
  html, body, [data-testid="stAppViewContainer"] { font-size: 18px; }
  h1 { font-size: 1.9rem !important; } }
h2, h3 { font-size: 1.3rem !important; padding: 0.1rem 0 !important; }
[data-testid="stMetric"] { padding: 0.3rem 0.6rem !important; }
[data-testid="stMetricValue"] { font-size: 1.25rem !important; }
[data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricLabel"] p { font-size: 0.72rem !important; line-height: 1.25; }
.st-key-present-line { flex-wrap: nowrap !important; }
.st-key-present-line [data-testid="stMarkdownContainer"] p {
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; margin: 0; }
.st-key-present-line > div:first-child { min-width: 0; flex: 1 1 auto; }
.st-key-present-line button { min-height: 0; padding-top: 0.15rem; padding-bottom: 0.15rem; }
</style>
"""
# Phones (#16): the sidebar starts collapsed (app.py); tiles and title tighter, so the
# filter line and the first chart come sooner.
PHONE_CSS = """
<style>
@media (max-width: 640px) {
  h1 { font-size: 2rem !important; }
  [data-testid="stMainBlockContainer"] { padding-top: 3rem; }
  [data-testid="stMetric"] { padding: 0.35rem 0.75rem !important; }
  [data-testid="stMetricValue"] { font-size: 1.5rem !important; }
}
</style>
"""
PRESENT_MAP_HEIGHT = 440  # the main map with its legends, whole on a 1366×768 projector


def present_height(ctx: Context, normal: int, present: int = PRESENT_MAP_HEIGHT) -> int:
    """The main map's or chart's height: ``normal`` at a desk, ``present`` on a projector.

    Legends count in it (Streamlit fits the whole chart into its box), so a map whose
    legend column is taller than the map loses entries if this is too low.
    """
    return min(normal, present) if ctx.present else normal


def present_line(ctx: Context) -> None:
    """Filter line, illustrative marking and "details" on one line (presentation mode).

    The filter line is cut with an ellipsis where the screen ends; the details popover
    holds the whole filter line, the illustrative notice and the source line. The
    marking itself stays on screen (``present_marking`` fills its slot).
    """
    lang = ctx.lang
    st.html(PRESENT_FIT_CSS)
    text = t("filter.summary", lang,
             summary=safe.plain(summary(ctx.ds, ctx.state, lang), limit=2000))
    line = st.container(horizontal=True, vertical_alignment="center", gap="small",
                        key="present-line")
    # No Markdown icon: it is an image named in English ("filter_alt icon", #23).
    line.markdown(text)
    slot = line.empty()
    details = line.popover(t("present.details", lang), icon=":material/info:")
    details.markdown(text)
    details.caption(t("app.source_line", lang))
    st.session_state[sk.PRESENT_SLOTS] = (slot, details)


def present_marking(ctx: Context, shows_illustrative: bool) -> bool:
    """The illustrative (or facts-only) marking as a badge on the present line.

    The full notice goes into the details popover. False when there is no line to put
    it on (a page that drew no header), so the caller draws the full banner instead.
    """
    slots = st.session_state.pop(sk.PRESENT_SLOTS, None)
    if slots is None:
        return False
    slot, details = slots
    if ctx.state.report_only:
        slot.badge(t("present.facts_only", ctx.lang), color="green")  # icons: English names
        details.success(t("banner.facts_only", ctx.lang), icon=":material/verified:")
    elif shows_illustrative:
        slot.badge(t("present.illustrative", ctx.lang), color="orange")
        details.warning(t("banner.illustrative", ctx.lang), icon=":material/science:")
    return True
