"""The briefing's output formats, apart from the code that makes them.

``python -m zones`` lists them in its parser for every command; importing the exporter for
that loaded the charting stack into ``validate`` too.
"""

from __future__ import annotations

FORMATS: tuple[str, ...] = ("pptx", "pdf", "images", "data")
EXTENSIONS = {"pptx": "pptx", "pdf": "pdf", "images": "zip", "data": "zip"}
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf", "images": "application/zip", "data": "application/zip",
}
