"""Ctrl+P gives a handout (#21): the one print stylesheet, and screen-only parts.

Printed to A4, a page is what an official hands round the table: no sidebar, header,
toolbars, buttons, option controls, expander bars, help icons or instructions meant for
the screen; headings stay with what follows them; tiles and charts are whole, at the
page's width, their text legible on paper. Everything print-specific is here, in one
``@media print`` block, so other CSS (presentation mode, phones, colours) stays apart.

The selectors are the ``data-testid`` attributes Streamlit 1.67 renders and the
``st-key-…`` classes of keyed containers; ``tests/browser/test_print.py`` prints every
page in both languages and reads the PDF back, so a Streamlit upgrade that renames one
shows up there.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

# A keyed container whose key starts with this is left out of the printout:
# instructions such as "click a zone on the map" mean nothing on paper.
SCREEN_ONLY = "screen-only-"

# Hints for the screen inside a message ("…or use 'Clear all filters' in the sidebar"): the
# message gives them as a paragraph of their own after its bold title, which print leaves out.
SCREEN_HINTS = frozenset({"empty.hint"})
_HINT = ('[data-testid="stAlert"] [data-testid="stMarkdownContainer"]'
         ' > p:first-child:has(> strong:only-child) + p')

# A4 with 14 mm side margins: the text block, and so the width charts are drawn at when
# the page is laid out for print (a chart drawn wider is scaled down to it).
PAGE_MARGIN = "12mm 14mm 14mm 14mm"
PRINT_WIDTH = "182mm"
# A tall map is scaled down to this, so that it starts on page 1 under the headline
# tiles; its 12 px labels stay above 7 pt (tests/browser/test_print.py measures them).
CHART_MAX_HEIGHT = "115mm"

# Elements that only make sense with a mouse: widgets, their wrappers go with them.
_CONTROLS = (
    "stButton", "stDownloadButton", "stButtonGroup", "stSelectbox", "stMultiSelect",
    "stRadio", "stCheckbox", "stToggle", "stSlider", "stSelectSlider", "stTextInput",
    "stTextArea", "stNumberInput", "stDateInput", "stFileUploader", "stPopover",
    "stFormSubmitButton", "stLinkButton", "stPageLink",
)
# The app's frame and chrome around the page.
_FRAME = (
    "stSidebar", "stSidebarCollapsedControl", "stHeader", "stToolbar", "stDecoration",
    "stStatusWidget", "stSkipToContent", "stElementToolbar", "stBottom",
    "stTooltipIcon", "stHeaderActionElements", "stIconMaterial", "stAlertDynamicIcon",
)
# Kept whole on one page.
_WHOLE = ("stMetric", "stAlert", "stVegaLiteChart", "stArrowVegaLiteChart", "stDataFrame",
          "stTable", "stFullScreenFrame")


def _ids(ids: tuple[str, ...], prefix: str = "", suffix: str = "") -> str:
    return ",\n  ".join(f'{prefix}[data-testid="{i}"]{suffix}' for i in ids)


def _wrapped(ids: tuple[str, ...]) -> str:
    """The element wrappers (and layout wrappers) holding one of ``ids``: hidden too, or
    their gaps would leave holes where the controls were."""
    inner = ", ".join(f'> [data-testid="{i}"]' for i in ids)
    return (f'[data-testid="stElementContainer"]:has({inner}),\n'
            f'  [data-testid="stLayoutWrapper"]:has({inner})')


_HEADING = '[data-testid="stElementContainer"]:has([data-testid="stHeading"])'
_CAPTION = '[data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"])'
_BOLD_LINE = ('[data-testid="stElementContainer"]'
              ':has(> [data-testid="stMarkdown"] strong:only-child)')
# A row of headline tiles (not a map with a tile beside it) is kept whole.
_TILE_ROW = ('[data-testid="stHorizontalBlock"]:has([data-testid="stMetric"])'
             ':not(:has([data-testid="stVegaLiteChart"]))')

PRINT_CSS = f"""
<style>
@media print {{
  @page {{ size: A4; margin: {PAGE_MARGIN}; }}
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
    height: auto !important; min-height: 0 !important; overflow: visible !important;
    background: #fff !important; }}
  [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
    display: block !important; padding: 0 !important; margin: 0 !important; }}
  [data-testid="stMainBlockContainer"] {{
    width: {PRINT_WIDTH} !important; max-width: 100% !important;
    padding: 0 !important; margin: 0 !important; }}
  {_ids(_FRAME)},
  {_ids(_CONTROLS)},
  {_wrapped(_CONTROLS)},
  [data-testid="stExpander"] summary,
  [data-testid="stLayoutWrapper"]:has(> [data-testid="stExpander"] > details:not([open])),
  [class*="st-key-{SCREEN_ONLY}"], {_HINT},
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-{SCREEN_ONLY}"]),
  [data-testid="stElementContainer"]:has(> [data-testid="stHtml"]),
  [data-testid="stElementContainer"]:has(> [data-testid="stEmpty"]) {{
    display: none !important; }}
  /* a heading (with the caption under it) stays with what follows */
  {_HEADING}, {_HEADING} + {_CAPTION}, {_HEADING} + {_CAPTION} + {_CAPTION}, {_BOLD_LINE},
  h1, h2, h3, h4 {{ break-after: avoid !important; page-break-after: avoid !important; }}
  {_ids(_WHOLE)},
  {_TILE_ROW} {{
    break-inside: avoid !important; page-break-inside: avoid !important; }}
  /* charts: drawn at the page's width when laid out for print, never wider than it */
  [data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas {{
    max-width: 100% !important; max-height: {CHART_MAX_HEIGHT} !important;
    width: auto !important; height: auto !important; }}
  /* tighter than on screen, so the first map or chart still starts on page 1 */
  h1 {{ padding-top: 0 !important; padding-bottom: 0.25rem !important; }}
  h2, h3 {{ padding-top: 0.25rem !important; padding-bottom: 0.25rem !important; }}
  [data-testid="stAlertContainer"] {{ padding: 0.5rem 0.75rem !important; }}
  /* headline tiles: the value on one line ("1.2亿美元", not "1.2亿美 / 元") */
  [data-testid="stMetric"] {{ padding: 0.4rem 0.5rem !important; }}
  [data-testid="stMetric"] > div {{ padding: 0.1rem !important; }}
  [data-testid="stColumn"] [data-testid="stElementContainer"]:last-child {{
    margin-bottom: 0 !important; }}
  [data-testid="stMetricLabel"] p {{ font-size: 0.8rem !important; line-height: 1.25 !important; }}
  [data-testid="stMetricValue"] {{ font-size: 1.15rem !important; }}
  [data-testid="stMetricValue"] * {{
    white-space: nowrap !important; word-break: keep-all !important;
    overflow: visible !important; text-overflow: clip !important; }}
  [data-testid="stMetricLabel"] * {{
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; }}
}}
</style>
"""


def screen_only(name: str, where: DeltaGenerator | None = None) -> DeltaGenerator:
    """A container left out of the printout: instructions for the mouse ("click …"),
    pickers; in ``where`` (e.g. an ``st.empty()`` slot) or the current place."""
    return (where or st).container(key=SCREEN_ONLY + name)
