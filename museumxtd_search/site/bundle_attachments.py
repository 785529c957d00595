"""Where the attachments the search finds (PDFs, texts, Word and OpenDocument files)
are in a site another generator built, so a result can link to them.

A generator may have published a garden's file already (Eleventy's passthrough copy,
Hugo's ``static/``, Jekyll copies every file): a result then links to that copy, which
the site's own pages link to as well. It counts only if its bytes are the garden's
(an old copy would open a file whose text the search did not read). Tried in order:

1. the same path in the site as in the notes (``Docs/Rapport.pdf``), the usual case;
2. one file elsewhere in the site with the same name, in any case, and the same bytes
   (a generator that gathers files in ``assets/``); the shortest path wins a tie.

Otherwise the file is copied into the bundle, ``BUNDLE/files/`` plus its path in the
notes: an address that stays the same from one run to the next (shareable, and still
there for a page that loaded the previous index), within the one folder we write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from museumxtd_search.site.built_pages import list_files
from museumxtd_search.site.search_bundle import FILES_FOLDER
from museumxtd_search.vault.files import ATTACHMENT_KINDS


@dataclass(frozen=True)
class AttachmentPlaces:
    """Each attachment's address, a path from the site's root (not encoded), and the
    copies the bundle must hold: path inside the bundle -> the garden's file."""

    urls: dict[str, str]
    copies: dict[str, Path]


def place_attachments(site: Path, root: Path, paths: Iterable[str],
                      bundle: str) -> AttachmentPlaces:
    """Where each of ``paths`` (attachments, relative to the notes folder ``root``) is in
    ``site``, whose bundle folder is ``bundle`` (relative to it): see the module."""
    paths = sorted(paths)
    urls: dict[str, str] = {}
    copies: dict[str, Path] = {}
    if not paths:
        return AttachmentPlaces(urls, copies)
    by_name: dict[str, list[str]] = {}
    for found in list_files(site, tuple("." + kind for kind in ATTACHMENT_KINDS), [bundle]):
        by_name.setdefault(found.rsplit("/", 1)[-1].lower(), []).append(found)
    for path in paths:
        source = root / path
        name = path.rsplit("/", 1)[-1].lower()
        candidates = sorted(by_name.get(name, ()), key=lambda p: (p != path, len(p), p))
        wanted = _digest(source) if candidates else ""
        match = next((c for c in candidates if wanted and _digest(site / c) == wanted), None)
        if match is None:
            inside = f"{FILES_FOLDER}/{path}"
            copies[inside] = source
            match = f"{bundle}/{inside}"
        urls[path] = match
    return AttachmentPlaces(urls, copies)


def _digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, ``""`` when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()
