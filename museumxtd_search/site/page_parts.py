"""What a note page shows around the note: its table of contents and its dates.

Plain data for the templates, computed from the note as read (its headings, its front
matter): no HTML here.
"""

from __future__ import annotations

import datetime as dt
import re

from museumxtd_search.vault.notes import Note

# A note gets a table of contents from this many headings (below its title) on.
TOC_MIN_HEADINGS = 4
# Front matter keys of a note's dates, in the order shown, with their French label.
DATE_KEYS = (("date", "Publiée le"), ("created", "Créée le"), ("updated", "Mise à jour le"))
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


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


def as_date(value: object) -> dt.date | None:
    """A front matter date (YAML date or datetime, or text starting ``YYYY-MM-DD``)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _ISO_DATE.match(str(value)) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def french_date(day: dt.date) -> str:
    """``15 mars 2024`` (``1er`` for the first of a month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def note_dates(note: Note) -> list[dict[str, str]]:
    """The dates the note's front matter gives: ``[{"label", "iso", "text"}]``; a value
    that is not a date is left out."""
    dates = []
    for name, label in DATE_KEYS:
        day = as_date(note.front_matter.get(name))
        if day is not None:
            dates.append({"label": label, "iso": day.isoformat(), "text": french_date(day)})
    return dates
