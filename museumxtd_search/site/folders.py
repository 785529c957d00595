"""The garden's folders on the site: a page for each, and the breadcrumbs that lead there.

Obsidian's reader browses a vault by its folders, and Quartz publishes a page listing
each folder. A folder's page lives at the URL its notes' pages sit under
(``Modules/Modules 5e/Fractions.md`` is ``modules/modules-5e/fractions/``: its folder
is ``modules/modules-5e/``), so a link written to the folder as the site's address
(``/Modules/``) and the breadcrumbs above every note reach it. Where a note's page is
there already (``Modules.md`` beside the folder ``Modules/``), that note is the
folder's page and none is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from museumxtd_search.vault.files import is_note_name


@dataclass(frozen=True)
class Folder:
    """One folder of published notes: its path in the garden, its page's URL, the
    notes right inside it and its folders."""

    path: str
    url: str
    notes: tuple[str, ...]
    folders: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]


def folder_urls(urls: dict[str, str]) -> dict[str, str]:
    """Each folder holding a page (``urls``: note path -> its page's URL) -> the URL
    its notes' pages sit under."""
    found: dict[str, str] = {}
    for path, url in urls.items():
        parts = path.split("/")[:-1]
        url_parts = url.rstrip("/").split("/")[:-1]
        if len(url_parts) != len(parts):
            continue
        for depth in range(len(parts), 0, -1):
            folder = "/".join(parts[:depth])
            if folder in found:
                break
            found[folder] = "/".join(url_parts[:depth]) + "/"
    return found


@dataclass(frozen=True)
class Crumb:
    """A folder above a note: its name and its page's URL. Written alone in a template
    (``{{ crumb }}``, as templates made before folders had pages write it), its name."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


def breadcrumbs(path: str, folders: dict[str, str]) -> list[Crumb]:
    """The folders above the note at ``path``, top first, with the URL of each
    folder's page (``folder_urls``)."""
    parts = path.split("/")[:-1]
    return [Crumb(parts[depth - 1], folders.get("/".join(parts[:depth]), ""))
            for depth in range(1, len(parts) + 1)]


def folder_pages(urls: dict[str, str], folders: dict[str, str]) -> list[Folder]:
    """The folders whose page is ours to write: every folder of ``folders``
    (``folder_urls(urls)``) but those whose URL a note's page already has."""
    taken = set(urls.values())
    notes: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for path in urls:
        if is_note_name(path):
            notes.setdefault(path.rpartition("/")[0], []).append(path)
    for folder in folders:
        children.setdefault(folder.rpartition("/")[0], []).append(folder)
    return [Folder(folder, url, tuple(sorted(notes.get(folder, ()))),
                   tuple(sorted(children.get(folder, ()))))
            for folder, url in sorted(folders.items()) if url not in taken]
