"""Find the site templates: ``--templates DIR`` first, then the bundled ``site_templates/``.

In a checkout the bundled templates are the top-level ``site_templates/`` folder; in an
installed package they ship as package data ``museumxtd_search/site_templates``.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

_PACKAGE = Path(__file__).resolve().parents[1]


def bundled_templates() -> Path:
    for candidate in (_PACKAGE.parent / "site_templates", _PACKAGE / "site_templates"):
        if (candidate / "base.html").is_file():
            return candidate
    raise FileNotFoundError("bundled site_templates/ not found: reinstall museumxtd-search")


def template_folders(override: Path | None) -> list[Path]:
    """Folders searched for templates and static files, the override first."""
    folders = [bundled_templates()]
    if override is not None:
        if not override.is_dir():
            raise FileNotFoundError(f"templates folder not found: {override}")
        folders.insert(0, override)
    return folders


def environment(folders: list[Path]) -> jinja2.Environment:
    """A Jinja2 environment that escapes everything by default (notes are untrusted)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
