"""The real MuseumXTD garden (``../shared/sites/museumxtd``, with its images) exported:
every internal ``href``, ``src`` and ``srcset`` of every page leads to a file of the
site, except exactly the dead references the export reported; the report is the one
``links --broken --json`` gives. Skips when ``../shared`` is absent."""

from __future__ import annotations

import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from museumxtd_search.cli import cli
from museumxtd_search.site.urls import page_urls
from museumxtd_search.vault.links import parse_local_url, srcset_urls

SITE_SOURCE = Path(__file__).resolve().parents[1].parent / "shared/sites/museumxtd"


class References(HTMLParser):
    """Every URL of a page, and the dead-reference markers (``.broken``, ``.missing``)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.markers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.urls.append(values[name])
        if values.get("srcset"):
            self.urls.extend(srcset_urls(values["srcset"]))
        classes = (values.get("class") or "").split()
        if "broken" in classes or "missing" in classes:
            self.markers.append(values.get("title") or "")


def dead_urls(site: Path, page: Path, urls: list[str]) -> list[str]:
    """The internal URLs of ``page`` that lead to no file of ``site``."""
    dead = []
    folder = page.parent.relative_to(site).as_posix()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme or url.startswith(("//", "#")) or not parts.path:
            continue
        target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        if parts.path.endswith("/"):
            target += "/index.html"
        if target.startswith("..") or not (site / target).is_file():
            dead.append(url)
    return dead


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    if not SITE_SOURCE.is_dir():
        pytest.skip(f"real site source not found at {SITE_SOURCE}")
    work = tmp_path_factory.mktemp("real-site")
    result = CliRunner().invoke(cli, ["export", "--notes", str(SITE_SOURCE), "--out",
                                      str(work / "site"), "--index", str(work / "index"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    return work / "site", json.loads(result.stdout)


def test_every_internal_reference_resolves_except_the_reported_ones(exported):
    site, report = exported
    reported: dict[str, list[str]] = {}
    for dead in report["dead_references"]:
        reported.setdefault(dead["source"], []).append(dead["target"])
    pages = {url + "index.html": path for path, url in
             page_urls(p.relative_to(SITE_SOURCE).as_posix()
                       for p in SITE_SOURCE.rglob("*.md")
                       if not any(part.startswith(".") for part in p.parts)).items()}
    unreported, checked = [], 0
    for page in sorted(site.rglob("*.html")):
        parser = References()
        parser.feed(page.read_text(encoding="utf-8"))
        checked += len(parser.urls)
        note = pages.get(page.relative_to(site).as_posix())
        targets = reported.get(note, [])
        for url in dead_urls(site, page, parser.urls):
            if url not in targets:
                unreported.append(f"{page.relative_to(site)}: {url}")
        if note in reported:
            shown = " ".join(parser.markers) + " " + " ".join(parser.urls)
            for target in targets:
                written = (parse_local_url(target) or (target, None))[0]
                assert written.split("#")[0] in shown, (note, target)
    assert checked > 1000
    assert unreported == []


def test_the_reported_images_of_the_real_garden_are_all_found(exported):
    site, report = exported
    assert [d for d in report["dead_references"] if d["kind"] in ("image", "html")] == []
    assert len(list((site / "assets" / "images").iterdir())) >= 15
    assert report["assets"] >= 20


def test_the_export_report_and_links_broken_json_agree(exported):
    _, report = exported
    result = CliRunner().invoke(cli, ["links", "--notes", str(SITE_SOURCE), "--broken",
                                      "--json"])
    assert json.loads(result.stdout)["links"] == report["dead_references"]
    assert report["broken_links"] == len(report["dead_references"]) > 0


def test_the_home_page_shows_line_breaks_not_tags(exported):
    site, _ = exported
    about = (site / "navigation" / "a-propos" / "index.html").read_text(encoding="utf-8")
    assert "&lt;br" not in about and "&lt;img" not in about and "&lt;picture" not in about
    assert 'src="../../assets/images/logo-concilio.svg"' in about
