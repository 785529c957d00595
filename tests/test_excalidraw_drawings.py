"""An Excalidraw drawing kept as a note is found by its labels and shown as Obsidian
shows it where it is embedded: its exported image, else its labels."""

from __future__ import annotations

import re

from museumxtd_search.site.export import export_site
from museumxtd_search.vault.reading import read_vault

DRAWING = """---
excalidraw-plugin: parsed
tags: [excalidraw]
---
==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠== You can \
decompress Drawing data with the command palette: 'Decompress current Excalidraw file'.


# Excalidraw Data

## Text Elements
Collections du musée ^EKa1b2c3

Salle des [[Inventaire|inventaires]] ^QWe4r5t6

## Embedded Files
8b2c4d: [[photo.png]]

%%
## Drawing
```compressed-json
N4IgLgngDgpiBcIYA8DGBDANgSwCYCd0B3EAGhAFtMB
```
%%
"""


def test_a_drawing_is_its_labels_and_its_name(make_vault):
    vault = read_vault(make_vault({"Plans/Plan des salles.excalidraw.md": DRAWING,
                                   "Inventaire.md": "# Inventaire\n"}))
    drawing = vault.note("Plans/Plan des salles.excalidraw.md")
    assert drawing.title == "Plan des salles"
    assert drawing.text == "Collections du musée\nSalle des inventaires"
    assert drawing.headings == ()  # the plugin's own headings are not the drawing's
    assert [link.target for link in drawing.links] == ["Inventaire"]  # not its data


def test_a_drawing_published_without_its_key_is_told_by_its_banner(make_vault):
    body = DRAWING.split("---\n", 2)[2]
    [note] = read_vault(make_vault({"Croquis.excalidraw.md": body})).notes
    assert note.text == "Collections du musée\nSalle des inventaires"


def test_an_embedded_drawing_shows_its_exported_image_else_its_labels(make_vault, tmp_path):
    svg = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    notes = make_vault({"Plan des salles.excalidraw.md": DRAWING,
                        "Plan des salles.excalidraw.svg": svg,
                        "Croquis.excalidraw.md": DRAWING, "Inventaire.md": "# Inventaire\n",
                        "Visite.md": "![[Plan des salles.excalidraw]]\n\n"
                                     "![[Croquis.excalidraw]]\n"})
    export_site(notes, tmp_path / "site")
    page = (tmp_path / "site/visite/index.html").read_text("utf-8")
    assert re.search(r'<img alt="Plan des salles.excalidraw" [^>]*src="[^"]*\.svg"', page)
    assert "Collections du musée" in page  # the drawing never exported: its labels
    assert "EXCALIDRAW VIEW" not in page and "N4Ig" not in page
