"""Tags and declared properties as facets: which values a note has, counted alike by
the CLI (``engine.search``) and, through the client index's notes file, the browser.

Kept apart from ``analysis.documents`` so a query process imports only this.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from museumxtd_search.text.keys import key


def nested_tags(tags: Iterable[str]) -> list[tuple[str, str]]:
    """(key, tag as written) of each tag and of the parents of nested ones, once each,
    as in Obsidian: ``projet/musée`` is found by ``tag:projet`` too."""
    found: dict[str, str] = {}
    for tag in tags:
        parts = tag.split("/")
        for end in range(1, len(parts) + 1):
            name = "/".join(parts[:end])
            if (tag_key := key(name)) and tag_key not in found:
                found[tag_key] = name
    return list(found.items())


def facet_keys(names: Iterable[str]) -> list[tuple[str, str]]:
    """(name, property key) of the declared facets, once each; tags are always the
    first facet, so a declared ``tags`` is left out."""
    found: dict[str, str] = {}
    for name in names:
        name_key = key(name)
        if name_key and name_key not in ("tags", "tag") and name_key not in found.values() \
                and name not in found:
            found[name] = name_key
    return list(found.items())


def note_facets(tags: Iterable[str], properties: Iterable[Sequence[str]],
                wanted: Iterable[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """A note's facet values, each (key, as written) once: "tags" (``nested_tags``),
    then each property ``wanted`` ((facet name, property key)), one value per item of
    a list (``Note.properties`` texts hold one item a line)."""
    found = {"tags": nested_tags(tags)}
    for name, property_key in wanted:
        values: dict[str, str] = {}
        for prop in properties:
            if key(prop[0]) == property_key:
                for item in prop[1].split("\n"):
                    if (item_key := key(item)) and item_key not in values:
                        values[item_key] = item.strip()
        found[name] = list(values.items())
    return found
