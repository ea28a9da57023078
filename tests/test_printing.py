"""The print stylesheet (#21 item 3): one block, nothing fetched, screen-only parts keyed.

What it does to a printout is checked in a browser (tests/browser/test_print.py); these
are the properties a reader of the CSS text can check without one.
"""

from __future__ import annotations

import re

from zones.ui.printing import PRINT_CSS, SCREEN_ONLY


def test_print_css_is_one_print_block_and_fetches_nothing() -> None:
    body = PRINT_CSS.strip()
    assert body.startswith("<style>") and body.endswith("</style>")
    assert body.count("@media") == 1 and "@media print {" in body
    # Offline: no font, image or stylesheet from anywhere (the app never leaves 127.0.0.1).
    assert not re.search(r"url\(|@import|https?:", body, re.I)
    # Braces balance, so a merge that drops one is caught before a browser is needed.
    assert body.count("{") == body.count("}")


def test_print_css_hides_the_screen_only_containers_and_controls() -> None:
    assert f'[class*="st-key-{SCREEN_ONLY}"]' in PRINT_CSS
    for testid in ("stSidebar", "stHeader", "stButtonGroup", "stDownloadButton",
                   "stTooltipIcon", "stExpander"):
        assert f'"{testid}"' in PRINT_CSS
