"""Keyboard, screen-reader and language fixes of what Streamlit draws itself (#23).

Pure CSS, injected with the page's other CSS (``parts.header``): the CSP allows no script.

* No invisible Tab stop: a collapsed sidebar is ``visibility: hidden`` (out of the tab order
  and the accessibility tree); chart toolbars show when one of their buttons has focus and
  are gone in presentation mode; heading anchors ("Link to heading", invisible until
  hovered) are gone; ``<main>`` (a Tab stop of its own) shows its focus.
* One language at a time: a text Streamlit writes in English is replaced, in the Chinese
  UI, by an image of the Chinese text with that text as its alternative
  (``content: url(...) / "alt"``), so both the screen and the accessible name change;
  this is the one CSS way to replace an element's own text node.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from zones.i18n import t

TEXT = "#0E1116"  # .streamlit/config.toml [theme] textColor
FOCUS = "#1C5D99"  # the focus ring: 6.9:1 on white, not the theme's red (an error colour)

KEYBOARD_CSS = f"""
<style>
[data-testid="stSidebar"][data-collapsed="true"],
[data-testid="stSidebar"][data-collapsed="true"] * {{ visibility: hidden !important; }}
[data-testid="stHeaderActionElements"] {{ display: none !important; }}
[data-testid="stElementToolbar"]:focus-within {{ opacity: 1 !important; }}
[data-testid="stMain"]:focus-visible {{ outline: 3px solid {FOCUS}; outline-offset: -3px; }}
:is(a, button, input, [tabindex]):focus-visible {{ outline: 3px solid {FOCUS} !important;
  outline-offset: 2px; }}
[data-testid="stMultiSelect"] [data-baseweb="select"] > div {{ border-color: #8A8F98; }}
/* Headline values and their labels wrap instead of being cut ("1.2…") on a tablet. */
[data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
[data-testid="stMetricValue"] {{ overflow-wrap: anywhere; }}
@media (max-width: 1100px) {{ [data-testid="stMetricValue"] {{ font-size: 1.5rem; }} }}
</style>
"""
# Presentation mode: nobody at a projector uses the charts' toolbars; out of the tab order.
PRESENT_KEYBOARD_CSS = """
<style>
[data-testid="stElementToolbar"] { display: none !important; }
</style>
"""


def _width(text: str, size: float) -> int:
    """Rough rendered width: CJK characters a full em, the rest about half of one."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    return int(size * (wide + 0.6 * (len(text) - wide))) + 4


def text_image(text: str, size: float = 14, color: str = TEXT, weight: int = 400) -> str:
    """A CSS ``content`` value: ``text`` drawn as an SVG image, with ``text`` as its alt."""
    height = int(size * 1.5)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_width(text, size)}" '
           f'height="{height}"><text x="0" y="{int(size * 1.1)}" font-family="sans-serif" '
           f'font-size="{size}" font-weight="{weight}" fill="{color}">{text}</text></svg>')
    return f'url("data:image/svg+xml,{quote(svg)}") / "{text}"'


# What Streamlit writes in English → the catalogue key of the Chinese text, and its look.
_REPLACED = (
    ('[data-testid="stSkipToContent"]', "a11y.skip", 14, 600),
    ('[data-testid="stFileUploaderDropzoneInstructions"] > div > span:first-child',
     "a11y.drop", 14, 400),
    ('[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"]',
     "a11y.browse", 14, 400),
)


def language_css(lang: str) -> str:
    """The Chinese UI: Streamlit's own English texts replaced (see the module docstring)."""
    if lang != "zh":
        return ""
    rules = [f"{sel} {{ content: {text_image(t(key, lang), size, TEXT, weight)}; }}"
             for sel, key, size, weight in _REPLACED]
    # The uploader's size line ("Limit 20MB per file • CSV") repeats the caption above it.
    rules.append('[data-testid="stFileUploaderDropzoneInstructions"] > div > span + span '
                 "{ display: none; }")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


# The narrowest a headline tile gets before its row wraps (3 + 2, 2 + 2 + 1): Chinese
# breaks between any two characters, English only between words ("memoranda" must fit).
TILE_MIN = {"zh": "8rem", "en": "10rem"}


def tiles_css(lang: str) -> str:
    """Headline tiles wrap into more rows where five no longer fit side by side (a tablet
    with the sidebar open), instead of squeezing each value into a column of glyphs."""
    row = ('[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] '
           '[data-testid="stMetric"])')
    return (f"<style>\n{row} {{ flex-wrap: wrap; }}\n"
            f"{row} > [data-testid=\"stColumn\"] {{ min-width: {TILE_MIN.get(lang, '10rem')}; }}"
            "\n</style>")


def a11y_css(lang: str, present: bool) -> str:
    """All of the above for one page: keyboard fixes, presentation mode, language, tiles."""
    return (KEYBOARD_CSS + (PRESENT_KEYBOARD_CSS if present else "") + language_css(lang)
            + tiles_css(lang))
