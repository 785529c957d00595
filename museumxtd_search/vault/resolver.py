"""The one link resolver, with Obsidian's rules, used by the index, the site and the CLI.

A link target is matched, case- and accent-insensitively, first as a path (relative
to the linking note, then as a path suffix), then by file name, then by display
title, then by alias. Among several matches the shortest path wins (then the
alphabetically first), so resolution is deterministic. Files that are not notes
(images, PDFs) are matched by file name the same way.

URLs written in Markdown links, images and raw HTML (``resolve_url``) name a file by
its path: relative to the linking note, or to the garden's root when it starts with
``/`` (the address the garden's own site gave it), percent-decoded, with or without
``.md``, or as a page address (``/Navigation/A propos/`` or ``…/index.html``, a static
generator's default permalink); failing that, by name like a wikilink; failing that
(or first, when written with a final ``/``), as a folder of notes (``Projets/``),
whose page the site shows. The site's root (``/``, or ``../`` climbing to it) names
the garden's home note (``HOME_NOTES``).

The table is plain data (``to_json``/``from_json``) so the query command can resolve
``--links-to`` without re-reading the garden.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from museumxtd_search.text.keys import key
from museumxtd_search.vault.files import without_note_suffix
from museumxtd_search.vault.notes import Link, Note


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    """A link and what it points at: ``target_path`` is ``None`` when nothing matches."""

    link: Link
    target_path: str | None
    is_note: bool

    @property
    def broken(self) -> bool:
        return self.target_path is None


ASSET_EXTENSIONS = frozenset(
    "png jpg jpeg gif svg webp avif bmp tif tiff ico pdf mp3 mp4 m4a ogg oga wav webm mov "
    "csv xlsx xls docx doc pptx ppt odt ods odp zip txt json".split()
)


def is_asset_name(target: str) -> bool:
    """Whether a link target names a file that is not a note (``image.png``, ``a.pdf``)."""
    name = target.rsplit("/", 1)[-1]
    return name.rpartition(".")[2].lower() in ASSET_EXTENSIONS and "." in name


def _path_key(path: str) -> str:
    stem = without_note_suffix(path)
    return "/".join(key(part) for part in stem.split("/"))


def _file_key(path: str) -> str:
    """A file path's key, extension included: ``Images/Logo 1.svg`` -> ``images/logo_1_svg``."""
    return "/".join(key(part) for part in path.split("/"))


_PAGE_SUFFIXES = ("/index.html", "/index.htm", ".html", ".htm", "/")
# What ends the path ``resolve_url`` gives for a folder of notes (``Projets/``): the
# site shows a page for each folder (``site.folders``).
FOLDER_SUFFIX = "/"
# The notes a garden's site shows at its root, first found first: what ``/`` names.
HOME_NOTES = ("index.md", "README.md", "Accueil.md")


def _best(paths: Iterable[str]) -> str | None:
    return min(paths, key=lambda p: (len(p), p), default=None)


class LinkTable:
    """Lookup tables from the keys of names, titles, aliases and paths to note paths."""

    def __init__(self) -> None:
        self.by_path: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_title: dict[str, list[str]] = {}
        self.by_alias: dict[str, list[str]] = {}
        self.assets: dict[str, list[str]] = {}
        self.titles: dict[str, str] = {}
        self._files: dict[str, str] | None = None
        self._folders: dict[str, str] | None = None

    @classmethod
    def from_notes(cls, notes: Iterable[Note], assets: Iterable[str] = ()) -> LinkTable:
        table = cls()
        for note in notes:
            table.add_note(note.path, note.name, note.title, note.aliases)
        table.add_assets(assets)
        return table

    def add_assets(self, assets: Iterable[str]) -> None:
        self._files = None
        for asset in assets:
            self.assets.setdefault(key(asset.rsplit("/", 1)[-1]), []).append(asset)

    def add_note(self, path: str, name: str, title: str, aliases: Iterable[str]) -> None:
        self._folders = None
        self.by_path[_path_key(path)] = path
        self.titles[path] = title
        self.by_name.setdefault(key(name), []).append(path)
        if key(title) != key(name):
            self.by_title.setdefault(key(title), []).append(path)
        for alias in aliases:
            self.by_alias.setdefault(key(alias), []).append(path)

    def resolve_target(self, target: str, from_folder: str = "") -> str | None:
        """Return the note path that ``target`` names, or ``None``."""
        target = target.strip().replace("\\", "/")
        if not target:
            return None
        if "/" in target:
            joined = posixpath.normpath(posixpath.join(from_folder, target)).lstrip("/")
            for candidate in (joined, target.lstrip("/")):
                found = self.by_path.get(_path_key(candidate))
                if found:
                    return found
            suffix = "/" + _path_key(target.lstrip("./"))
            found = _best(p for k, p in self.by_path.items() if ("/" + k).endswith(suffix))
            if found:
                return found
            # A page named with its namespace, as Logseq names them (``[[setting/theme]]``:
            # the file ``setting___theme.md``, or a ``title::`` saying so).
            whole = key(without_note_suffix(target))
            for table in (self.by_title, self.by_alias, self.by_name):
                found = _best(table.get(whole, ()))
                if found:
                    return found
            target = target.rsplit("/", 1)[-1]
        target_key = key(without_note_suffix(target))
        for table in (self.by_name, self.by_title, self.by_alias):
            found = _best(table.get(target_key, ()))
            if found:
                return found
        return None

    def resolve_url(self, path: str, from_folder: str = "") -> tuple[str | None, bool]:
        """(path, whether it is a note) of the file or page that a Markdown or HTML URL's
        decoded ``path`` names, from a note in ``from_folder``; ``(None, …)`` when none.

        ``/x`` is read from the garden's root, anything else from the note's folder then
        from the root; then the way a wikilink would be (by name, title or alias).
        """
        path = path.strip().replace("\\", "/")
        if not path:
            return None, True
        bare = path.lstrip("/")
        candidates = [bare] if path.startswith("/") else \
            [posixpath.normpath(posixpath.join(from_folder, path)).lstrip("/"), bare]
        if candidates[0] in ("", "."):
            return self.home_note(), True
        files = self._files_by_key()
        for candidate in candidates:
            found = files.get(_file_key(candidate))
            if found:
                return found, False
            page = candidate
            for suffix in _PAGE_SUFFIXES:
                if page.endswith(suffix) and len(page) > len(suffix):
                    page = page[:-len(suffix)]
                    break
            found = self.by_path.get(_path_key(page))
            if found:
                return found, True
        folder = self._folder(candidates)
        if folder is not None and path.endswith("/"):
            return folder, True  # ``/Projets/``: the folder's page, before any namesake
        name = bare.rstrip("/")
        for suffix in _PAGE_SUFFIXES:
            name = name.removesuffix(suffix)
        found = self.resolve_named(name, from_folder) if name else (None, True)
        return (folder, True) if found[0] is None and folder is not None else found

    def _folder(self, candidates: list[str]) -> str | None:
        """The folder of notes that one of ``candidates`` (paths, maybe written as page
        addresses) names, as ``folder/`` (``FOLDER_SUFFIX``), or ``None``."""
        folders = self._folders
        if folders is None:
            folders = self._folders = {}
            for path in sorted(self.by_path.values()):
                parts = path.split("/")[:-1]
                for depth in range(1, len(parts) + 1):
                    folder = "/".join(parts[:depth])
                    folders.setdefault(_file_key(folder), folder)
        for candidate in candidates:
            for suffix in ("/index.html", "/index.htm"):
                candidate = candidate.removesuffix(suffix)
            found = folders.get(_file_key(candidate.rstrip("/")))
            if found is not None:
                return found + FOLDER_SUFFIX
        return None

    def home_note(self) -> str | None:
        """The note the site shows at its root (``HOME_NOTES``), if the garden has one."""
        return next((path for name in HOME_NOTES
                     if (path := self.by_path.get(_path_key(name))) == name), None)

    def _files_by_key(self) -> dict[str, str]:
        files = self._files
        if files is None:
            files = self._files = {_file_key(path): path for paths in self.assets.values()
                                   for path in sorted(paths)}
        return files

    def resolve_asset(self, target: str) -> str | None:
        """Return the path of the non-note file (image, PDF…) that ``target`` names."""
        return _best(self.assets.get(key(target.replace("\\", "/").rsplit("/", 1)[-1]), ()))

    def resolve(self, link: Link, source: Note) -> ResolvedLink:
        """Resolve one link of ``source``; ``[[#Heading]]`` resolves to ``source`` itself."""
        if not link.target:
            return ResolvedLink(link, source.path, True)
        return ResolvedLink(link, *self.resolve_named(link.target, source.folder))

    def resolve_named(self, target: str, from_folder: str = "") -> tuple[str | None, bool]:
        """(path, whether it is a note) of a non-empty link target written in a note of
        ``from_folder``: a file name with an asset extension names a file, else a note;
        a name with another extension that no note answers names the garden's file of
        that name, if any, as in Obsidian (``![[Livres.base]]``, ``[[Plan.canvas]]``)."""
        if is_asset_name(target):
            return self.resolve_asset(target), False
        path = self.resolve_target(target, from_folder)
        if path is None and "." in target.rsplit("/", 1)[-1]:
            asset = self.resolve_asset(target)
            if asset is not None:
                return asset, False
        return path, True

    def resolve_all(self, note: Note) -> list[ResolvedLink]:
        return [self.resolve(link, note) for link in note.links]

    def to_json(self) -> dict[str, object]:
        return {
            "by_path": self.by_path, "by_name": self.by_name, "by_title": self.by_title,
            "by_alias": self.by_alias, "assets": self.assets, "titles": self.titles,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> LinkTable:
        table = cls()
        for name in ("by_path", "by_name", "by_title", "by_alias", "assets", "titles"):
            setattr(table, name, data.get(name, {}))
        return table
