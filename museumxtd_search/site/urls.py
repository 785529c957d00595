"""Where each note's page lives in the exported site: pretty, unique, relative URLs.

``Notes/Réseaux sociaux.md`` -> ``notes/reseaux-sociaux/``. Every path segment is
slugified with the one slug rule; two notes whose slugs collide get ``-2``, ``-3`` in
path order; a first segment that would shadow a site folder gets ``-notes``. A slug
can never contain ``..``, ``/`` at either end or a separator, so nothing is written
outside the output folder.
"""

from __future__ import annotations

from collections.abc import Iterable

from museumxtd_search.text.slugs import slugify
from museumxtd_search.vault.files import without_note_suffix

RESERVED = frozenset({"search", "tags", "static", "assets", "all"})


def page_urls(paths: Iterable[str]) -> dict[str, str]:
    """Map each note path to its page URL (``folder/name/``), collision-free."""
    urls: dict[str, str] = {}
    taken: set[str] = set()
    for path in sorted(paths):
        parts = [slugify(part) for part in without_note_suffix(path).split("/")]
        if parts[0] in RESERVED or (len(parts) == 1 and parts[0] == "index"):
            parts[0] += "-notes"
        base = "/".join(parts)
        url, number = base, 1
        while url in taken:
            number += 1
            url = f"{base}-{number}"
        taken.add(url)
        urls[path] = url + "/"
    return urls


def relative_root(url: str) -> str:
    """The ``../`` prefix leading from the page at ``url`` back to the site root."""
    return "../" * url.count("/")


def tag_url(tag_key: str) -> str:
    return f"tags/{slugify(tag_key, fallback='tag')}/"


def asset_url(path: str) -> str:
    """Where a copied image or file lives: ``assets/`` + slugified folders + original name."""
    folder, _, name = path.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    safe_name = f"{slugify(stem, fallback='file')}.{slugify(extension, fallback='bin')}" if dot \
        else slugify(name, fallback="file")
    parts = [slugify(p) for p in folder.split("/") if p] if folder else []
    return "/".join(["assets", *parts, safe_name])


def document_url(path: str, urls: dict[str, str]) -> str:
    """Where the client index sends a result: a note's page, or the PDF itself (copied
    into the site), whose page anchors (``#page=N``) its viewer follows."""
    from museumxtd_search.vault.files import is_attachment_name

    return asset_url(path) if is_attachment_name(path) else urls[path] + "index.html"
