"""Match each note to the page another generator built for it (``export --into``).

A generator that publishes Markdown writes one page per note, where its convention
says. The rules, most specific first:

1. ``permalink``: the note's front matter names its page (``permalink`` in Eleventy
   and Jekyll, ``url`` in Hugo when it starts with ``/``, the Digital Garden plugin's
   ``dg-permalink`` in the vault it publishes from); ``permalink: false`` means
   the generator writes no page. A permalink holding template syntax is skipped. The
   home note of a Digital Garden (the Obsidian plugin's Eleventy template, tagged
   ``gardenEntry``) is the site's root page, whatever its permalink.
2. ``pattern``: the ``--url-pattern`` given for this site, if any (``UrlPattern``).
3. ``path``: the path kept, spaces and accents included: ``Notes/X.md`` is
   ``Notes/X/index.html`` (Eleventy, MkDocs) or ``Notes/X.html`` (Jekyll, MkDocs
   without directory URLs); ``index.md`` and ``_index.md`` are their folder's
   ``index.html``, and so is a note named like its folder (Eleventy:
   ``tables/tables.md`` is ``tables/index.html``).
4. ``trimmed``: the same with trailing dots and spaces dropped from each name (file
   systems and generators that cannot keep them).
5. ``readme``: ``README.md`` is its folder's ``index.html`` (MkDocs).
6. ``slug``: the same words: each name compared without case, accents, punctuation
   or separators, ``&`` also read as ``and`` (lowercased Hugo paths, slugified
   permalinks).

   A ``slug`` in the front matter (Hugo, Docusaurus, Starlight) names the page in
   rules 3 and 6 before the file's name does (``_slug_route``).
7. ``post``: a Jekyll post (``_posts/2023-01-15-Musée virtuel.md``) is published under
   its date, after its categories: the page whose last names are, by their words,
   ``2023/01/15/Musée virtuel`` (Jekyll's default ``date`` and ``pretty`` permalinks),
   else the one page whose last name is the title (``/blog/:title/``), unless the
   post says ``published: false`` (Jekyll writes no page, and a tag's page may have
   its name). A ``date`` or ``slug`` in its front matter replaces the file name's.
   A note of another Jekyll collection (``_notes/Ma note.md``, which the digital
   garden template publishes under ``/:slug``) is, likewise, the one page named
   like it, if no earlier rule found its page (``/notes/ma-note/``, the default).

Only pages that exist count, so a note the generator ignored (a draft) has none and
is left out; nor do redirects (Hugo writes one for each of a note's ``aliases``,
named like the alias), which the caller tells apart by reading them. Names are
compared in Unicode NFC, as file systems may store either form. A page belongs to
one note: a page claimed by two notes under the same rule goes to neither (both are
reported), and a page matched under an earlier rule is not claimed again.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from museumxtd_search.text.keys import key
from museumxtd_search.text.slugs import slugify
from museumxtd_search.vault.front_matter import as_bool, as_list

RULES = ("permalink", "pattern", "path", "trimmed", "readme", "slug", "post")
INDEX_NAMES = frozenset({"index", "_index"})
README_NAMES = frozenset({"readme"})
PAGE_SUFFIXES = (".html", ".htm")
# A Jekyll post's file name: its date, then its title.
_POST_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_POST_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# Folders where generators list a tag's or a category's pages, named like them.
_TAXONOMY = frozenset({"tags", "tag", "categories", "category"})
TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|:[a-z_]+")
# Jekyll's folders that are not collections of pages.
_JEKYLL_FOLDERS = frozenset({"_posts", "_drafts", "_includes", "_layouts", "_data", "_sass",
                             "_site", "_plugins"})


class UrlPatternError(ValueError):
    """A ``--url-pattern`` with a placeholder we do not know."""


@dataclass(frozen=True)
class NotePage:
    """A note and the page file (relative to the site, as on disk) that shows it."""

    path: str
    page: str
    rule: str


@dataclass(frozen=True)
class NoPage:
    """A note left out, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class PageMatches:
    matched: tuple[NotePage, ...]
    unmatched: tuple[NoPage, ...]

    def page_of(self, path: str) -> str | None:
        return next((m.page for m in self.matched if m.path == path), None)


class UrlPattern:
    """Where a site puts each note's page, as a pattern of the site's URLs.

    Placeholders: ``{path}`` (folders and name, as written), ``{folder}``, ``{name}``
    (the file name without ``.md``), ``{slug}`` (the name as a slug),
    ``{slug_path}`` (every folder and the name as slugs). ``/posts/{slug}/`` is the page
    ``posts/<slug>/index.html`` of the site folder; a pattern ending in ``.html`` names
    the file; any other is read both ways.
    """

    PLACEHOLDERS = ("path", "folder", "name", "slug", "slug_path")

    def __init__(self, text: str) -> None:
        unknown = [name for name in re.findall(r"\{([^{}]*)\}", text)
                   if name not in self.PLACEHOLDERS]
        if unknown:
            raise UrlPatternError(
                f"unknown placeholder {{{unknown[0]}}} in --url-pattern {text!r} (use "
                + ", ".join(f"{{{name}}}" for name in self.PLACEHOLDERS) + ")")
        if not re.search(r"\{[^{}]*\}", text):
            raise UrlPatternError(f"--url-pattern {text!r} has no placeholder such as {{path}}")
        self.text = text

    def url(self, note_path: str) -> str:
        route = _route(note_path)
        folder, _, name = route.rpartition("/")
        values = {
            "path": route,
            "folder": folder,
            "name": name,
            "slug": slugify(name),
            "slug_path": "/".join(slugify(part) for part in route.split("/")),
        }
        return re.sub(r"\{([^{}]*)\}", lambda m: values[m.group(1)], self.text)

    def pages(self, note_path: str) -> list[str]:
        return page_files(self.url(note_path))


def page_files(url: str) -> list[str]:
    """The page files (relative to the site folder) a site URL may be served from.

    ``/a/b/`` -> ``a/b/index.html``; ``/a/b.html`` -> itself; ``/a/b`` -> ``a/b.html``
    then ``a/b/index.html``. Percent-escapes are decoded; a URL leaving the site
    (``..``) gives nothing.
    """
    path = unquote(urlsplit(url).path).replace("\\", "/")
    path = re.sub(r"/{2,}", "/", path).lstrip("/")
    if ".." in path.split("/"):
        return []
    if not path or path.endswith("/"):
        return [path + "index.html"]
    if path.lower().endswith(PAGE_SUFFIXES):
        return [path]
    return [path + ".html", path + "/index.html"]


def _route(note_path: str) -> str:
    """The note's path without its ``.md`` extension."""
    return note_path[:-3] if note_path.lower().endswith(".md") else note_path


def _page_route(page: str) -> str:
    """A page file's URL path without ``index.html`` or ``.html``: its route."""
    if page == "index.html" or page.endswith("/index.html"):
        return page[: -len("index.html")].rstrip("/")
    for suffix in PAGE_SUFFIXES:
        if page.lower().endswith(suffix):
            return page[: -len(suffix)]
    return page


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _path_pages(route: str) -> list[str]:
    folder, _, name = route.rpartition("/")
    if name.lower() in INDEX_NAMES:
        return [posixpath.join(folder, "index.html")]
    pages = [f"{route}/index.html", f"{route}.html"]
    if folder and _nfc(name) == _nfc(folder.rpartition("/")[2]):
        pages.append(f"{folder}/index.html")  # Eleventy: tables/tables.md is /tables/
    return pages


def _trimmed(route: str) -> str:
    return "/".join(part.rstrip(". ") or part for part in route.split("/"))


def _loose_keys(route: str) -> set[str]:
    """The route's names compared by their words only (``_`` joins the names)."""
    variants = {route, route.replace("&", " and ")}
    return {"/".join(key(part).replace("_", "") for part in variant.split("/"))
            for variant in variants}


def is_garden_entry(front_matter: Mapping[str, Any]) -> bool:
    """Whether the note is the home page of a Digital Garden (the Obsidian plugin's
    Eleventy template): the plugin tags it ``gardenEntry`` (``dg-home: true``) and
    the template publishes it at the site's root, whatever its ``permalink`` says."""
    return "gardenEntry" in as_list(front_matter.get("tags"), split=True) \
        or as_bool(front_matter.get("dg-home"), False)


def permalink_pages(front_matter: Mapping[str, Any]) -> list[str] | None:
    """The pages the front matter names: ``None`` when it names none, ``[]`` for
    ``permalink: false`` (no page is written)."""
    if is_garden_entry(front_matter):
        return ["index.html"]
    permalink = front_matter.get("permalink")
    if permalink is False:
        return []
    if isinstance(permalink, str) and permalink.strip() and \
            not TEMPLATE_SYNTAX.search(permalink):
        return page_files(permalink.strip())
    url = front_matter.get("url")
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        return page_files(url)
    # The Digital Garden plugin's own key, in a vault it publishes from (the notes it
    # publishes hold it as ``permalink``): ``dg-permalink: mon-adresse`` is ``/mon-adresse/``.
    garden = front_matter.get("dg-permalink")
    if isinstance(garden, str) and garden.strip("/ "):
        return page_files("/" + garden.strip().strip("/") + "/")
    return None


def _candidates(note_path: str, front_matter: Mapping[str, Any],
                pattern: UrlPattern | None) -> dict[str, list[str]]:
    """Rule -> the pages the rule proposes for the note, most likely first (``slug``
    holds the note's loose keys instead)."""
    route = _route(note_path)
    named = permalink_pages(front_matter)
    if named is not None:  # the note says where its page is: nothing else applies
        return {"permalink": named}
    post = _post_route(note_path, front_matter)
    own = _slug_route(route, front_matter) if post is None else None
    found = {"path": (_path_pages(own) if own else []) + _path_pages(route)}
    if pattern is not None:
        found["pattern"] = pattern.pages(note_path)
    if _trimmed(route) != route:
        found["trimmed"] = _path_pages(_trimmed(route))
    folder, _, name = route.rpartition("/")
    if name.lower() in README_NAMES:
        found["readme"] = [posixpath.join(folder, "index.html")]
    if name.lower() in INDEX_NAMES | README_NAMES:
        routes = [folder]
    elif folder and _nfc(name) == _nfc(folder.rpartition("/")[2]):
        routes = [route, folder]
    else:
        routes = [route]
    if own:
        routes = [own, *routes]
    found["slug"] = sorted(set().union(*map(_loose_keys, routes)))
    published = as_bool(front_matter.get("published"), True)
    if post is not None:
        found["post"] = [_loose_suffix(post, 4)]
        found["post_page"] = [f"…/{post}.html"]  # what an unmatched post is told
        if published:
            found["post"].append(_loose_suffix(post, 1))
    elif _in_collection(route) and published:
        # A Jekyll collection published by name (the digital garden template's
        # ``_notes`` under ``/:slug``): the one page named like the note.
        found["post"] = [_loose_suffix(own or route, 1)]
        found["post_page"] = [f"…/{(own or route).rpartition('/')[2]}.html"]
    return found


def _in_collection(route: str) -> bool:
    """Whether the note is in a Jekyll collection: a top folder named ``_…`` other than
    Jekyll's own (posts have their rule, drafts are not published)."""
    top = route.partition("/")[0]
    return route.count("/") > 0 and top.startswith("_") and top not in _JEKYLL_FOLDERS


def _slug_route(route: str, front_matter: Mapping[str, Any]) -> str | None:
    """The route a ``slug`` in the front matter gives the note: Hugo's and Docusaurus'
    ``slug: mon-billet`` names the page in the note's folder, one holding ``/``
    (Starlight's ``guides/intro``, Docusaurus' ``/guides/intro``) names it from the
    site's root; ``None`` without one. Generators that do not read ``slug`` keep the
    file's name, which is looked for after it."""
    slug = front_matter.get("slug")
    if not isinstance(slug, str) or not slug.strip("/ ") or TEMPLATE_SYNTAX.search(slug):
        return None
    slug = slug.strip()
    if "/" in slug:
        return slug.strip("/")
    folder = route.rpartition("/")[0]
    return f"{folder}/{slug}" if folder else slug


def _post_route(note_path: str, front_matter: Mapping[str, Any]) -> str | None:
    """``year/month/day/title`` of a Jekyll post (a dated file in a ``_posts``
    folder), or ``None``."""
    folder, _, name = _route(note_path).rpartition("/")
    dated = _POST_NAME.match(name)
    if dated is None or "_posts" not in folder.split("/"):
        return None
    year, month, day, title = dated.groups()
    date = _POST_DATE.match(str(front_matter.get("date") or ""))
    if date is not None:
        year, month, day = date.groups()
    slug = front_matter.get("slug")
    if isinstance(slug, str) and slug.strip():
        title = slug.strip()
    return f"{year}/{month}/{day}/{title}"


def _loose_suffix(route: str, names: int) -> str:
    """The loose key (``_loose_keys``) of the last ``names`` names of ``route``."""
    return "/".join(key(part).replace("_", "") for part in route.split("/")[-names:])


def _pages_by_suffix(pages: Iterable[str]) -> defaultdict[str, list[str]]:
    """The loose keys of each page's last name and of its last four: where a Jekyll
    post's page is looked for. A page listing a tag or a category is no post's."""
    found: defaultdict[str, list[str]] = defaultdict(list)
    for page in pages:
        route = _page_route(page)
        if _TAXONOMY.intersection(route.lower().split("/")[:-1]):
            continue
        for names in (1, 4):
            if route.count("/") + 1 >= names:
                found[_loose_suffix(route, names)].append(page)
    return found


def match_pages(notes: Iterable[tuple[str, Mapping[str, Any]]], pages: Iterable[str],
                pattern: UrlPattern | None = None,
                is_redirect: Callable[[str], bool] = lambda page: False) -> PageMatches:
    """Match notes, given as (path, front matter), to the site's ``pages`` (files
    relative to the site folder, forward slashes). ``is_redirect`` is asked only
    about the pages a rule proposes (reading every page of a large site to find its
    redirects would cost more). See the module docstring."""
    redirects: dict[str, bool] = {}

    def available(page: str) -> bool:
        if page in taken:
            return False
        if page not in redirects:
            redirects[page] = is_redirect(page)
        return not redirects[page]

    notes = sorted(notes, key=lambda item: item[0])
    by_name = {_nfc(page): page for page in sorted(pages)}
    by_loose: defaultdict[str, list[str]] = defaultdict(list)
    for page in by_name.values():
        for loose in _loose_keys(_page_route(page)):
            by_loose[loose].append(page)
    by_suffix: defaultdict[str, list[str]] | None = None  # for posts, when there are any
    candidates = {path: _candidates(path, meta, pattern) for path, meta in notes}
    matched: dict[str, NotePage] = {}
    reasons: dict[str, str] = {}
    taken: set[str] = set()
    for rule in RULES:
        claims: defaultdict[str, list[str]] = defaultdict(list)
        for path, proposed in candidates.items():
            if path in matched or path in reasons or rule not in proposed:
                continue
            if rule == "slug":
                found = sorted({page for loose in proposed[rule] for page in by_loose[loose]
                                if available(page)})
                if len(found) > 1:
                    reasons[path] = "several pages could be its page: " + ", ".join(found)
                    continue
            elif rule == "post":
                if by_suffix is None:
                    by_suffix = _pages_by_suffix(by_name.values())
                found = []
                for suffix in proposed[rule]:  # the dated route first, then the title
                    found = sorted(page for page in by_suffix[suffix] if available(page))
                    if found:
                        break
                if len(found) > 1:
                    reasons[path] = "several pages could be its page: " + ", ".join(found)
                    continue
            else:
                found = [by_name[_nfc(page)] for page in proposed[rule]
                         if _nfc(page) in by_name and available(by_name[_nfc(page)])]
            if found:
                claims[found[0]].append(path)
            elif rule == "permalink":
                reasons[path] = ("permalink: false" if not proposed[rule] else
                                 f"no page at its permalink ({proposed[rule][0]})")
        for page, claimants in claims.items():
            taken.add(page)
            if len(claimants) == 1:
                matched[claimants[0]] = NotePage(claimants[0], page, rule)
                continue
            for path in claimants:
                others = ", ".join(p for p in claimants if p != path)
                reasons[path] = f"shares the page {page} with {others}"
    unmatched = []
    for path, proposed in candidates.items():
        if path in matched:
            continue
        expected = next(iter(proposed.get("post_page") or proposed.get("path")
                             or proposed.get("permalink") or ["?"]))
        unmatched.append(NoPage(path, reasons.get(path, f"no page (looked for {expected}, …)")))
    return PageMatches(tuple(matched[path] for path in sorted(matched)), tuple(unmatched))
