"""A note's front matter properties as searchable text: which key plays which part.

Gardens name their properties in their own language (``titre``, ``auteur``,
``résumé``), so every property whose value is text, a number, a date or a list of them
is searched. Its key says how much it weighs:

* a **title** key (``museumxtd.toml``'s ``title_keys``, default ``TITLE_KEYS``): the
  first one a note fills is its title; the others weigh like a summary;
* a **summary** key (``SUMMARY_KEYS``): searched a little above body text;
* an **alias** or **tag** key: read as aliases and tags (``vault.reading``);
* a key that only drives a site generator (``is_control_key``): not searched; so is
  ``lang``/``language`` naming a natural language (``language: rust`` is searched);
* any other key: searched with a lower weight than the body.

Keys are compared by ``text.keys.key`` (case, accents and punctuation ignored).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from museumxtd_search.text.keys import key
from museumxtd_search.text.language import declared_language
from museumxtd_search.vault.front_matter import as_bool, as_float, as_text
from museumxtd_search.vault.links import WIKILINK, parse_wikilink
from museumxtd_search.vault.notes import Link

# Title keys when museumxtd.toml names none: English and French, with their usual
# variants (Obsidian users write either).
TITLE_KEYS: tuple[str, ...] = ("title", "titre", "name", "nom")
SUMMARY_KEYS = frozenset(key(k) for k in (
    "summary", "résumé", "resume", "description", "abstract", "excerpt", "extrait",
    "subtitle", "sous-titre", "chapeau"))
ALIAS_KEYS = frozenset(("alias", "aliases"))
# The note's language (``text.language.declared_language``) or, in code gardens, a
# programming language's: a setting in the first case only.
LANGUAGE_KEYS = frozenset(("lang", "language"))
# Tags, in the order a note's are read: Obsidian's ``tags`` and ``tag``, and pandoc's
# ``keywords``, which Zettlr reads as tags (its gardens write either).
TAG_KEYS: tuple[str, ...] = ("tags", "tag", "keywords")
# Keys that steer a tool rather than describe the note: their values are file names,
# URLs of the site itself or switches, which would only add noise to the search (a
# garden whose every note names ``biblio/Obsidian.bib`` would find them all for "bib").
CONTROL_KEYS = frozenset(key(k) for k in (
    "search", "search_boost", "search_exclude", "pagefind", "searchHidden",
    "layout", "permalink", "cssclass",
    # other generators' addresses and places in their menus: Jekyll's redirects, Hugo's
    # and Jekyll's slugs and weights, Just the Docs' and Docusaurus' sidebars
    "redirect_from", "redirect_to", "slug", "weight", "nav_order", "nav_exclude",
    "has_children", "has_toc", "sidebar_position", "unlisted",
    "cssclasses", "publish", "draft", "eleventyExcludeFromCollections", "templateEngineOverride",
    "eleventyComputed", "eleventyNavigation", "pagination", "url",
    # pandoc and R Markdown, which Zettlr gardens fill on every note: files and styles
    "bibliography", "csl", "link-citations", "biblio-style", "header-includes",
    "documentclass", "geometry"))
# The Digital Garden plugin for Obsidian steers its site with ``dg-`` keys
# (``dg-publish``, ``dg-home``, ``dg-path``, ``dg-pinned``…), which its older versions
# spelled ``dgPassFrontmatter``, ``dgShowBacklinks``: every one is a control key.
_CONTROL_NAME = re.compile(r"dg[-_A-Z]")


def is_control_key(name: str) -> bool:
    """Whether the property ``name`` steers a tool (``CONTROL_KEYS``, the Digital
    Garden plugin's ``dg-…``) rather than describes the note."""
    return key(name) in CONTROL_KEYS or _CONTROL_NAME.match(name) is not None


# Keys naming a note by an identifier: a generated one (Dendron's ``id``, a ``nanoid``,
# a ``uuid``: letters and digits drawn at random) is no word of the note, neither
# searched nor shown; a readable one (``id: Linux Desktop``) or a Zettelkasten number
# (``id: 202301011200``) is searched like any property.
IDENTIFIER_KEYS = frozenset(key(k) for k in (
    "id", "uid", "uuid", "guid", "nanoid", "zettel-id", "zettelid", "note-id", "noteid"))
# Generated: six characters or more, a part of which mixes letters and digits
# (``l61yoayi1ffh``, a uuid's ``64a1b2c3``); ``expo-2024`` is read.
_OPAQUE_ID = re.compile(r"^(?=[\w-]{6,}$).*?(?:[A-Za-z]\d|\d[A-Za-z])", re.ASCII)


# A top-level key opening a line: YAML's ``key:``, TOML's ``key =``, Logseq's ``key::``.
_TOP_LEVEL_KEY = re.compile(r"""^["']?([^\s#:="'][^:="']*?)["']?\s*(?:::?(?=\s|$)|=)""")


def may_hold_links(name: str) -> bool:
    """Whether the property ``name`` counts the wikilinks it holds as links: not a key
    that steers a tool, nor aliases or tags."""
    if is_control_key(name):
        return False
    name = key(name)
    return name not in ALIAS_KEYS and name not in TAG_KEYS \
        and name not in LANGUAGE_KEYS


def written_property_links(metadata: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """(property name, its wikilinks as written, ``[[Parent]]``) for every property
    holding some (``may_hold_links``), in front matter order: what a page shows of
    ``property_links``."""
    found = []
    for name, value in metadata.items():
        values = value if isinstance(value, list) else [value]
        written = [match.group(0) for item in values if isinstance(item, str) and "[[" in item
                   for match in WIKILINK.finditer(item) if not match.group(1)]
        if written and may_hold_links(name):
            found.append((name, written))
    return found


def property_links(front_matter: str, first_line: int,
                   metadata: Mapping[str, Any]) -> list[Link]:
    """The wikilinks of a note's properties (``up: "[[Parent]]"``, a list of
    ``"[[…]]"``), each with its line: those ``written_property_links`` finds in the
    parsed ``metadata``, placed on the lines of ``front_matter`` (the text between the
    fences, ``front_matter_text``, starting on ``first_line``) that write them.

    Obsidian (since 1.4) counts them as links: in backlinks, the graph and its
    properties view; so do we, for backlinks, ``--links-to``, related notes and the
    link report. Not in keys that steer a tool (``CONTROL_KEYS``), nor in aliases or
    tags, nor unquoted (``up: [[Parent]]`` is YAML's list in a list, and no link to
    Obsidian either), nor in YAML comments."""
    wanted = Counter(link for _, links in written_property_links(metadata) for link in links)
    found: list[Link] = []
    skipped = False
    for offset, line in enumerate(front_matter.split("\n")):
        if not wanted:
            break
        if line.lstrip().startswith("#"):
            continue
        top = _TOP_LEVEL_KEY.match(line)
        if top:
            skipped = not may_hold_links(top.group(1))
        if skipped or "[[" not in line:
            continue
        for match in WIKILINK.finditer(line):
            if wanted[match.group(0)] > 0:
                wanted[match.group(0)] -= 1
                found.append(parse_wikilink(match.group(2), False, first_line + offset))
        wanted = +wanted  # drop the links all placed
    return found


def is_searchable(metadata: Mapping[str, Any]) -> bool:
    """Whether a note belongs in the search (``metadata`` keyed in lowercase): not when
    its front matter keeps it out, in our words (``search: false``) or in those of the
    site generator the garden was written for, whose own search it already kept out
    of: Material for MkDocs (``search: {exclude: true}``), Just the Docs on Jekyll
    (``search_exclude: true``), Starlight's Pagefind (``pagefind: false``), Hugo's
    PaperMod theme (``searchHidden: true``)."""
    search = metadata.get("search")
    if isinstance(search, Mapping):
        return not as_bool(search.get("exclude"), False)
    return as_bool(search, True) and not as_bool(metadata.get("search_exclude"), False) \
        and as_bool(metadata.get("pagefind"), True) \
        and not as_bool(metadata.get("searchhidden"), False)


def search_boost(metadata: Mapping[str, Any]) -> float:
    """How much a note's score is multiplied by: ``search_boost: 2``, or Material for
    MkDocs' ``search: {boost: 2}``; 1 when neither says a number from 0 to 1,000."""
    search = metadata.get("search")
    if isinstance(search, Mapping) and "boost" in search:
        return as_float(search.get("boost"), 1.0)
    return as_float(metadata.get("search_boost"), 1.0)


def is_published(metadata: Mapping[str, Any]) -> bool:
    """Whether a note belongs on an exported site: not when its front matter says it is
    a draft, as static site generators and Obsidian Publish write it (``draft: true``,
    ``publish: false``, the Digital Garden plugin's ``dg-publish: false``)."""
    return not as_bool(metadata.get("draft"), False) and as_bool(metadata.get("publish"), True) \
        and as_bool(metadata.get("dg-publish"), True)


# What a front matter date says, in order of preference: the day the note was
# published, made, last changed. Each garden names them its own way: Obsidian's Linter
# writes ``date created`` and ``date modified``, Hugo ``lastmod``, Astro ``pubDate``,
# Jekyll ``last_modified_at``, web frameworks ``created_at``, web clippers ``clipped``
# or ``slurped`` (the day the page was saved), French gardens ``créé le`` or ``mis à
# jour``. Names are compared by ``key`` with its separators dropped, so
# ``created_at``, ``Date Created`` and ``dateCreated`` are one name.
DATE_KEYS: tuple[str, ...] = ("date", "created", "updated")
_DATE_NAMES: dict[str, str] = {
    name: role for role, names in (
        ("date", "date published publishdate publishedat publishedon datepublished pubdate "
                 "publicationdate datepublication datedepublication publie publiele"),
        ("created", "created createdat createdon createddate creationdate datecreated "
                    "creation datecreation datedecreation cree creele clipped slurped"),
        ("updated", "updated updatedat updatedon updateddate lastupdated lastupdate "
                    "dateupdated modified modifiedat modifiedon lastmod lastmodified "
                    "lastmodifiedat datemodified modificationdate datemodification "
                    "datedemodification modifie modifiele misajour misajourle "
                    "dernieremiseajour"),
    ) for name in names.split()}


def date_role(name: str) -> str | None:
    """What the front matter key ``name`` dates (one of ``DATE_KEYS``), ``None`` when it
    is no date's name: ``created_at`` and ``date created`` date the making."""
    return _DATE_NAMES.get(key(name).replace("_", ""))


def front_matter_dates(metadata: Mapping[str, Any]) -> list[tuple[str, dt.date]]:
    """(role, day) for each of ``DATE_KEYS`` the front matter gives, in that order:
    the first key of a role holding a date (``as_date``) is its day."""
    found: dict[str, dt.date] = {}
    for name, value in metadata.items():
        role = date_role(str(name))
        if role is not None and role not in found and (day := as_date(value)) is not None:
            found[role] = day
    return [(role, found[role]) for role in DATE_KEYS if role in found]


_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
# 22-03-2022, 22/03/2022, 22.03.2022: how French (and most of Europe) write a date
# by hand, day first. Zettlr and pandoc templates leave such dates as the author typed
# them.
_DAY_FIRST_DATE = re.compile(r"^\s*(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?![\d/.-])")


def as_date(value: object) -> dt.date | None:
    """A front matter date: a YAML date or datetime, text starting ``YYYY-MM-DD`` (or
    ``YYYY-DD-MM`` when only that reads as a date: ``2021-27-04``), text
    starting with a day-first date (``22-03-2022``, ``22/03/2022``, ``22.03.2022``; an
    ambiguous ``03/04/2022`` is 3 April, a date only month-first reads, ``12/31/2023``,
    is read so), or a Unix time in seconds or milliseconds (Dendron writes ``updated:
    1636492098692``); ``None`` for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value / 1000 if 10**12 <= value < 10**13 else value
        if 10**9 <= seconds < 10**10:
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date()
        return None
    if not isinstance(value, str):
        return None
    if match := _ISO_DATE.match(value):
        year, first, second = (int(part) for part in match.groups())
        # 2021-27-04: the day and month swapped, the one reading that is a date.
        return _valid_date(year, first, second) or _valid_date(year, second, first)
    if match := _DAY_FIRST_DATE.match(value):
        first, _, second, year = match.groups()
        # Day first; a first number above 12 can only be a day, a second one only
        # then an American month-first date (12/31/2023).
        return (_valid_date(int(year), int(second), int(first))
                or _valid_date(int(year), int(first), int(second)))
    return None


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def front_matter_date(metadata: Mapping[str, Any]) -> str:
    """The note's date as ``YYYY-MM-DD`` from the first of ``DATE_KEYS`` that holds a
    date (``as_date``), else ``""``."""
    dates = front_matter_dates(metadata)
    return dates[0][1].isoformat() if dates else ""


# A file name starting with a day: a daily note (``2023-09-12``, Logseq's journal
# ``2023_09_12``), a dated note or post (``2023-09-12 Réunion``, Jekyll's
# ``2023-09-12-titre``), or a Zettelkasten id (``202309121530 Idée``: the minute it was
# made).
_NAME_DATE = re.compile(r"^(\d{4})([-_]?)(\d{2})\2(\d{2})(?:\d{4}(?:\d{2})?)?(?!\d)")


def own_date(metadata: Mapping[str, Any], name: str) -> str:
    """The date a note gives itself, ``YYYY-MM-DD``: its front matter's
    (``front_matter_date``), else the day its file name starts with; ``""`` when
    neither (the caller then asks git or the file's time)."""
    found = front_matter_date(metadata)
    if found or not name[:1].isdigit():
        return found
    match = _NAME_DATE.match(name)
    day = _valid_date(int(match[1]), int(match[3]), int(match[4])) if match else None
    return day.isoformat() if day is not None and 1900 <= day.year <= 2100 else ""


class Property(NamedTuple):
    """One front matter property as text. ``role`` is ``"title"`` (the note's chosen
    title: already its title), ``"summary"`` or ``"other"``."""

    name: str
    text: str
    role: str


def value_text(value: Any) -> str:
    """A property value as searchable text: strings, numbers, booleans, dates (ISO),
    lists of them joined by newlines; nested mappings (which Obsidian does not
    have) give nothing."""
    if value is None or isinstance(value, Mapping):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return "\n".join(text for item in value if (text := value_text(item)))
    return str(value).strip()


def title_key_names(configured: Iterable[str] | None) -> tuple[str, ...]:
    """The keys of title keys, in order of preference (``None``: the defaults)."""
    names = TITLE_KEYS if configured is None else tuple(configured)
    return tuple(dict.fromkeys(key(name) for name in names if key(name)))


def front_matter_title(metadata: Mapping[str, Any], title_keys: tuple[str, ...]) -> tuple[str, str]:
    """(key, text) of the first title key (``title_key_names``) the note fills, else
    ``("", "")``."""
    by_key: dict[str, str] = {}
    for name, value in metadata.items():
        by_key.setdefault(key(name), as_text(value))
    for wanted in title_keys:
        text = by_key.get(wanted, "")
        if text:
            return wanted, text
    return "", ""


def note_properties(metadata: Mapping[str, Any], title_keys: tuple[str, ...],
                    title_key: str) -> tuple[Property, ...]:
    """The searchable properties of a note's front matter, in its order: every key but
    aliases, tags and control keys, and no value that is a switch (``true``) or a path
    of the site (``/img/couverture.png``), whose words would find the note for ``true``
    or ``png``; ``title_key`` (the one its title came from) with role ``"title"``.
    Filters (``[toc:true]``) read every value (``analysis.documents.filter_terms``)."""
    found = []
    for name, value in metadata.items():
        name_key = key(name)
        if not name_key or name_key in ALIAS_KEYS or name_key in TAG_KEYS \
                or is_control_key(str(name)):
            continue
        if isinstance(value, bool) or isinstance(value, str) and value.lstrip().startswith("/"):
            continue  # a switch (``toc: true``) or a path of the site (``image: /img/a.png``)
        text = value_text(value)
        if not text or name_key in LANGUAGE_KEYS and declared_language(text)[0] \
                or name_key in IDENTIFIER_KEYS and _OPAQUE_ID.match(text):
            continue
        if name_key == title_key:
            role = "title"
        elif name_key in title_keys or name_key in SUMMARY_KEYS:
            role = "summary"
        else:
            role = "other"
        found.append(Property(str(name), text, role))
    return tuple(found)
