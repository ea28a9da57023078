"""The key points on the pages (#21), through AppTest: the same sentences as the engine,
the plain text to copy, compact in presentation mode, and in the run-sheet notes."""

from __future__ import annotations

import pytest
from test_pages import open_page
from test_runsheet_app import RID, ok, open_app

from zones import keypoints, safe
from zones.i18n import t
from zones.model import Dataset
from zones.view import Filter, View

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _shown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_volumes_page_shows_the_views_key_points(dataset: Dataset, lang: str) -> None:
    at = open_page("pages/volumes.py", lang, {"product": "ginseng", "measure": "value_usd",
                                              "by": "destination"})
    view = View.of("volumes", Filter(products=("ginseng",)), lang,
                   options={"measure": "value_usd", "by": "destination"})
    points = keypoints.key_points(dataset, view)
    shown = _shown(at)
    assert f"**{t('kp.title', lang)}**" in shown
    for p in points:
        assert safe.plain(p.text, 600) in shown
    assert t("source.illustrative_tag", lang) in points[0].text
    codes = [c.value for c in at.code]
    assert keypoints.as_text(points, lang).strip() in [c.strip() for c in codes]  # to copy


def test_overview_compact_in_presentation_mode(dataset: Dataset) -> None:
    at = open_page("pages/overview.py", "zh", {"present": "true"})
    points = keypoints.key_points(dataset, View.of("overview", lang="zh"))
    assert points[0].kind == "total"
    captions = [c.value for c in at.caption if safe.plain(points[0].text, 600) in c.value]
    assert len(captions) == 1 and safe.plain(points[1].text, 600) in captions[0]
    assert safe.plain(points[-1].text, 600) not in captions[0]  # compact: the headline only
    assert not [c for c in at.code if c.value.startswith(t("kp.title", "zh"))]  # no copy box


def test_runsheet_notes_carry_the_steps_key_points(dataset: Dataset) -> None:
    at = open_app({"runsheet": RID, "step": "4"})
    ok(at.toggle(key="rs_notes_on").set_value(True).run())
    view = View.of("volumes", Filter(products=("ginseng",)), "zh",
                   options={"by": "destination"})
    first = safe.plain(keypoints.key_points(dataset, view)[0].text, 600)
    notes = [m.value for m in at.markdown if m.value.startswith(f"**{t('kp.title', 'zh')}**")]
    assert notes and first in notes[0]
