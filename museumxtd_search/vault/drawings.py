"""Excalidraw drawings kept as notes: their words are the drawing's labels.

The Excalidraw plugin for Obsidian saves a drawing as ``Nom.excalidraw.md``, a note
whose front matter says ``excalidraw-plugin: parsed``::

    ==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==

    # Excalidraw Data
    ## Text Elements
    Collections ^kOXgKl55
    ## Embedded Files
    8b2c…: [[photo.png]]
    %%
    ## Drawing
    ```compressed-json
    N4IgLgngDgpiBcIYA8DGBDANgSwCYCd0B3EAGhA…
    ```
    %%

Obsidian shows the drawing, never this text. What a reader sees of it are its labels,
the text elements: they are its searched text and what its page lists. The banner,
the plugin's own headings and everything from the embedded files on (the drawing's
data, sometimes outside any ``%%`` comment) are left out, the lines before them kept
where they are so that every line number stays the file's.
"""

from __future__ import annotations

import re

# The front matter key the plugin writes on every drawing.
DRAWING_KEY = "excalidraw-plugin"
_BANNER = re.compile(r"^==⚠.*$", re.MULTILINE)
_OWN_HEADINGS = re.compile(r"^#{1,6} (?:Excalidraw Data|Text Elements|Element Links)[ \t]*$",
                           re.MULTILINE)
# Where the drawing's data begins: its embedded files, the comment holding the data,
# or the data's heading.
_DATA = re.compile(r"^(?:#{1,6} (?:Embedded [Ff]iles|Drawing)[ \t]*|%%[ \t]*)$", re.MULTILINE)
# The suffix of a drawing's file name: ``Plan.excalidraw.md`` is the drawing ``Plan``.
DRAWING_SUFFIX = ".excalidraw"


def is_drawing(front_matter: str, body: str) -> bool:
    """Whether a note (its front matter text, its body) is a drawing: the plugin's key
    in its front matter, or its banner opening the body (a drawing published by the
    Digital Garden plugin, which drops the key)."""
    return DRAWING_KEY in front_matter or (
        "==⚠" in body[:400] and body.lstrip().startswith("==⚠") and "EXCALIDRAW" in body[:400])


def drawing_body(body: str) -> str:
    """A drawing's body as its reader sees it: its labels (see the module)."""
    data = _DATA.search(body)
    if data is not None:
        body = body[:data.start()]
    return _OWN_HEADINGS.sub("", _BANNER.sub("", body))
