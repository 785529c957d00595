"""Read what another generator built: its HTML pages, and the anchors of their headings.

Results link to the section where the words are; on a site we did not build, the
section's anchor is whatever id the generator gave that heading (Eleventy's
markdown-it-anchor keeps case and dots, Hugo lowercases…), so it is read from the
page rather than computed with our slug rule.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from museumxtd_search.text.keys import key
from museumxtd_search.vault.notes import Section

PAGE_SUFFIXES = (".html", ".htm")
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_ID = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_REFRESH = re.compile(r"""http-equiv\s*=\s*["']?refresh\b""", re.IGNORECASE)
_REFRESH_URL = re.compile(r"""content\s*=\s*["']?[^"'>]*\burl\s*=""", re.IGNORECASE)
# A redirect names its target in the head: the first bytes of the page are enough.
_HEAD_BYTES = 4096


def list_pages(site: Path, skip: Iterable[str] = ()) -> list[str]:
    """Every ``.html`` and ``.htm`` file under ``site``, relative with forward slashes,
    sorted; folders named in ``skip`` (relative paths) and hidden folders are left out.
    Folder links are not followed."""
    return list_files(site, PAGE_SUFFIXES, skip)


def list_files(site: Path, suffixes: tuple[str, ...], skip: Iterable[str] = ()) -> list[str]:
    """Every file under ``site`` whose name ends in one of ``suffixes`` (lowercase, any
    case in the name), as ``list_pages`` lists pages."""
    skipped = {part.strip("/") for part in skip}
    pages = []
    for folder, folders, files in os.walk(site):
        relative = os.path.relpath(folder, site).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        folders[:] = [name for name in folders
                      if not name.startswith(".") and prefix + name not in skipped]
        pages.extend(prefix + name for name in files if name.lower().endswith(suffixes))
    return sorted(pages)


def is_redirect(site: Path, page: str) -> bool:
    """Whether ``page`` only sends the browser to another URL (``<meta
    http-equiv="refresh" content="0; url=…">``): the page Hugo writes for each of a
    note's ``aliases``, Jekyll's ``redirect_from``, MkDocs' redirects plugin. Such a
    page is named like the alias, not the note, and shows nothing: never a note's
    page. An unreadable page is not called a redirect."""
    try:
        with open(site / page, "rb") as file:
            head = file.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return any(_REFRESH.search(tag) and _REFRESH_URL.search(tag)
               for tag in _META.findall(head))


def heading_anchors(page_html: str) -> list[tuple[str, str]]:
    """(text, id) of every heading that has an id, in the page's order."""
    found = []
    for match in _HEADING.finditer(page_html):
        id_match = _ID.search(match.group(2))
        if id_match is None:
            continue
        anchor = html.unescape(next(group for group in id_match.groups() if group is not None))
        text = html.unescape(_TAG.sub("", match.group(3))).strip()
        if anchor:
            found.append((text, anchor))
    return found


def section_anchors(sections: Sequence[Section], headings: Sequence[tuple[str, str]]
                    ) -> list[str]:
    """The page's anchor for each of the note's sections, ``""`` where the page has no
    heading of that name (and for the first section, which has no heading).

    Headings are matched in order by their words (``key``), so two sections of the
    same name get the page's two anchors.
    """
    anchors = []
    position = 0
    for section in sections:
        anchor = ""
        if section.heading:
            wanted = key(section.heading)
            for index in range(position, len(headings)):
                if key(headings[index][0]) == wanted:
                    anchor, position = headings[index][1], index + 1
                    break
        anchors.append(anchor)
    return anchors
