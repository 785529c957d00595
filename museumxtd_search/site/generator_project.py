"""What a generator's project says about the notes in it, when the notes folder is the
project's root (MuseumXTD's is): which folders hold no notes, which files the
generator itself ignores.

Left out by default: ``node_modules/`` (packages ship Markdown files by the
thousand), the built site itself when it lies inside the notes folder, and the
patterns of the generator's ignore files that are plain text: ``.eleventyignore``, and
``.gitignore`` in an Eleventy project (Eleventy honours it too). Negated patterns
(``!keep``) are not understood and left out; a note they would bring back simply has
its page matched like any other.
"""

from __future__ import annotations

import os
from pathlib import Path

ALWAYS_LEFT_OUT = ("node_modules",)
IGNORE_FILES = (".eleventyignore",)
ELEVENTY_CONFIGS = (".eleventy.js", ".eleventy.cjs", "eleventy.config.js",
                    "eleventy.config.cjs", "eleventy.config.mjs")


def ignore_file_globs(text: str) -> list[str]:
    """The ``--exclude`` globs of an ignore file's lines (``.gitignore`` syntax, without
    negations): ``./Brouillon/`` -> ``Brouillon``; a name without ``/`` matches at any
    depth and a leading ``/`` anchors at the root (``/_site``), as in Git."""
    globs = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        anchored = line.startswith(("/", "./"))
        line = (line[2:] if line.startswith("./") else line).strip("/")
        if line and line not in (".", "*", "**"):
            globs.append("/" + line if anchored else line)
    return globs


def project_excludes(notes: Path, site: Path) -> list[str]:
    """The globs to leave out of ``notes`` when its site is built into ``site``."""
    globs = list(ALWAYS_LEFT_OUT)
    notes_real, site_real = os.path.realpath(notes), os.path.realpath(site)
    if site_real != notes_real and os.path.commonpath([notes_real, site_real]) == notes_real:
        # Anchored: the built site only, not every folder that shares its name.
        globs.append("/" + Path(os.path.relpath(site_real, notes_real)).as_posix())
    files = list(IGNORE_FILES)
    if any((notes / name).is_file() for name in ELEVENTY_CONFIGS):
        files.append(".gitignore")
    for name in files:
        try:
            globs.extend(ignore_file_globs((notes / name).read_text(encoding="utf-8-sig")))
        except (OSError, UnicodeDecodeError):
            continue
    return globs
