"""Chart and map images rendered on the server with Altair's own exporter (vl-convert).

Chinese text needs a CJK font that vl-convert knows: we look for one in the usual places
(Debian's fonts-noto-cjk, WenQuanYi, Windows' Microsoft YaHei, macOS' PingFang), register
its folder once, and name it in every spec's config. Without one the images would show
boxes, so we refuse with a bilingual message instead. No request leaves the machine:
``allowed_base_urls=[]`` forbids vl-convert from fetching anything.
"""

from __future__ import annotations

import copy
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from zones.i18n import t

# Vega-Lite px → PNG px. Charts are laid out at ~80 px per slide inch, so 2x is ~160 dpi
# on the slide (a 1080p projector shows ~144); stand-alone image files get 3x (~240 dpi).
PNG_SCALE = 2.0
FILE_SCALE = 3.0


@dataclass(frozen=True)
class CjkFont:
    """A CJK font: the folder vl-convert registers, its family name, and the files the
    PDF embeds (a TrueType/OpenType collection needs the face index of the SC face)."""

    directory: Path
    family: str
    regular: Path
    bold: Path
    index: int = 0


# (folder, family, regular file, bold file, face index in a .ttc collection)
_CANDIDATES: tuple[tuple[str, str, str, str, int], ...] = (
    ("/usr/share/fonts/opentype/noto", "Noto Sans CJK SC", "NotoSansCJK-Regular.ttc",
     "NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/noto-cjk", "Noto Sans CJK SC", "NotoSansCJK-Regular.ttc",
     "NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk", "Noto Sans CJK SC", "NotoSansCJK-Regular.ttc",
     "NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/wqy", "WenQuanYi Zen Hei", "wqy-zenhei.ttc",
     "wqy-zenhei.ttc", 0),
    ("C:/Windows/Fonts", "Microsoft YaHei", "msyh.ttc", "msyhbd.ttc", 0),
    ("/System/Library/Fonts", "PingFang SC", "PingFang.ttc", "PingFang.ttc", 0),
    ("/Library/Fonts", "Arial Unicode MS", "Arial Unicode.ttf", "Arial Unicode.ttf", 0),
)


class FontMissing(RuntimeError):
    """No CJK font found; the message is in both languages."""


def _candidates() -> list[tuple[str, str, str, str, int]]:
    out = list(_CANDIDATES)
    env_dir = os.environ.get("ZONES_CJK_FONT_DIR")
    if env_dir:  # an explicit folder first: family and files from the environment
        out.insert(0, (env_dir, os.environ.get("ZONES_CJK_FONT_FAMILY", "Noto Sans CJK SC"),
                       os.environ.get("ZONES_CJK_FONT_FILE", "NotoSansCJK-Regular.ttc"),
                       os.environ.get("ZONES_CJK_FONT_BOLD_FILE", "NotoSansCJK-Bold.ttc"),
                       int(os.environ.get("ZONES_CJK_FONT_INDEX", "2"))))
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR", "C:/Windows")
        out.insert(0, (f"{windir}/Fonts", "Microsoft YaHei", "msyh.ttc", "msyhbd.ttc", 0))
    return out


def find_cjk_font(candidates: list[tuple[str, str, str, str, int]] | None = None) -> CjkFont:
    """The first CJK font installed here, or ``FontMissing`` naming where we looked."""
    looked: list[str] = []
    for folder, family, regular, bold, index in candidates or _candidates():
        d = Path(folder)
        looked.append(str(d / regular))
        if (d / regular).is_file():
            b = d / bold if (d / bold).is_file() else d / regular
            return CjkFont(d, family, d / regular, b, index)
    dirs = "; ".join(looked)
    raise FontMissing(t("brief.err.no_font", "zh", dirs=dirs) + "\n"
                      + t("brief.err.no_font", "en", dirs=dirs))


@lru_cache(maxsize=1)
def cjk_font() -> CjkFont:
    """Find the CJK font and register its folder with vl-convert (once per process)."""
    import vl_convert as vlc

    font = find_cjk_font()
    vlc.register_font_directory(str(font.directory))
    return font


# Projector-sized defaults, applied only where the chart does not set its own.
_CONFIG = {
    "axis": {"labelFontSize": 16, "titleFontSize": 16},
    "legend": {"labelFontSize": 16, "titleFontSize": 16, "symbolSize": 160,
               "titleLimit": 700, "labelLimit": 320},
    "title": {"fontSize": 22, "subtitleFontSize": 16},
    "header": {"labelFontSize": 16, "titleFontSize": 16},
    # Projector type is large: fewer ticks, or small ranges crowd the axis (0 20 40 … 540).
    "axisQuantitative": {"tickCount": 6},
}


def export_spec(spec: dict, family: str) -> dict:
    """A copy of ``spec`` that draws every text in ``family``, at projector sizes."""
    out = copy.deepcopy(spec)
    config = out.setdefault("config", {})
    config["font"] = family
    for group, values in _CONFIG.items():
        current = config.setdefault(group, {})
        for key, value in values.items():
            current.setdefault(key, value)
    return out


def to_png(spec: dict, scale: float = PNG_SCALE) -> bytes:
    import vl_convert as vlc

    font = cjk_font()
    return vlc.vegalite_to_png(export_spec(spec, font.family), scale=scale,
                               allowed_base_urls=[])


def to_svg(spec: dict) -> str:
    import vl_convert as vlc

    font = cjk_font()
    return vlc.vegalite_to_svg(export_spec(spec, font.family), allowed_base_urls=[])
