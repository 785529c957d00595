"""What a note page shows around the note: its table of contents, its dates and the
links of its properties.

Plain data for the templates, computed from the note as read (its headings, its front
matter): no HTML here.
"""

from __future__ import annotations

from museumxtd_search.site.ui_text import UI_TEXT, long_date
from museumxtd_search.vault.notes import Note
from museumxtd_search.vault.properties import front_matter_dates, written_property_links

# A note gets a table of contents from this many headings (below its title) on.
TOC_MIN_HEADINGS = 4


def table_of_contents(note: Note) -> list[dict[str, object]]:
    """The headings of a long note (levels 2 and 3, or 1 to 3 when the title is not a
    heading): ``[{"text", "anchor", "depth"}]``, or ``[]`` for a short note."""
    headings = [h for h in note.headings if h.level <= 3]
    if headings and headings[0].level == 1 and headings[0].text == note.title:
        headings = headings[1:]
    if len(headings) < TOC_MIN_HEADINGS:
        return []
    top = min(h.level for h in headings)
    return [{"text": h.text, "anchor": h.anchor, "depth": h.level - top} for h in headings]


def note_dates(note: Note, lang: str = "fr") -> list[dict[str, str]]:
    """The dates the note's front matter gives (``front_matter_dates``), labelled
    and written in the site's language: ``[{"label", "iso", "text"}]``; a value that
    is not a date is left out."""
    return [{"label": UI_TEXT[lang][role], "iso": day.isoformat(), "text": long_date(day, lang)}
            for role, day in front_matter_dates(note.front_matter)]


def property_link_lines(note: Note) -> list[tuple[str, str]]:
    """(property name, Markdown of its links) for each property holding links
    (``up: "[[Parent]]"``): Obsidian shows them as links at the top of the note, and
    the page renders that Markdown with the note's own renderer, so the links resolve
    and show missing notes as the body's do."""
    return [(name, " · ".join(links)) for name, links in written_property_links(note.front_matter)]
