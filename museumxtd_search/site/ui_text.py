"""The words of our site around the notes (menus, headings, labels, dates) and the few
it adds inside them (missing-file markers, footnote links), in French or in English.

A garden of English notes gets an English site without asking: the site's language
is the language of most of its notes (``Note.language``, detected per note), unless
``export --lang`` says otherwise. The search box's own labels live in
``static/search-ui.js`` (``LABELS``); the templates pass it this language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from museumxtd_search.vault.notes import Note

LANGUAGES = ("fr", "en")

UI_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "skip_link": "Aller au contenu",
        "main_navigation": "Navigation principale",
        "all_notes": "Toutes les notes",
        "tags": "Tags",
        "search_the_notes": "Rechercher dans les notes",
        "search_placeholder": "Rechercher… ( / )",
        "footer": "notes · recherche hors ligne, dans votre navigateur",
        "search": "Recherche",
        "search_n_notes": "Rechercher dans {n} notes",
        "needs_javascript": "La recherche demande JavaScript ; la",
        "note_list": "liste des notes",
        "works_without": "fonctionne sans.",
        "folders": "Dossiers",
        "clear_highlight": "Effacer le surlignage",
        "contents": "Sommaire",
        "linked_from": "Liée depuis",
        "no_backlinks": "Aucune note ne renvoie ici.",
        "date": "Publiée le",
        "created": "Créée le",
        "updated": "Mise à jour le",
        # Inside a note's page: what leads nowhere, a footnote's way back.
        "missing_note": "Note absente : {}",
        "missing_file": "Fichier absent : {}",
        "missing_file_text": "[fichier absent : {}]",
        "missing_image_text": "[image absente : {}]",
        "missing_part": "Partie absente : {}",
        "missing_part_text": "[partie absente : {}]",
        "dead_link": "Lien mort : {}",
        "footnote_back": "Retour à l'appel de note %d",
    },
    "en": {
        "skip_link": "Skip to content",
        "main_navigation": "Main navigation",
        "all_notes": "All notes",
        "tags": "Tags",
        "search_the_notes": "Search the notes",
        "search_placeholder": "Search… ( / )",
        "footer": "notes · offline search, in your browser",
        "search": "Search",
        "search_n_notes": "Search {n} notes",
        "needs_javascript": "Search needs JavaScript; the",
        "note_list": "list of notes",
        "works_without": "works without it.",
        "folders": "Folders",
        "clear_highlight": "Clear highlighting",
        "contents": "Contents",
        "linked_from": "Linked from",
        "no_backlinks": "No note links here.",
        "date": "Published",
        "created": "Created",
        "updated": "Updated",
        "missing_note": "Missing note: {}",
        "missing_file": "Missing file: {}",
        "missing_file_text": "[missing file: {}]",
        "missing_image_text": "[missing image: {}]",
        "missing_part": "Missing part: {}",
        "missing_part_text": "[missing part: {}]",
        "dead_link": "Dead link: {}",
        "footnote_back": "Jump back to footnote %d in the text",
    },
}

_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def site_language(notes: Iterable[Note], given: str | None = None) -> str:
    """``given`` when set, else the language most of the notes' text is written in
    (``"fr"`` on a tie: the tool's first language).

    Counted in characters, not notes, and only in notes whose language is known
    (``Note.language_known``): a garden of English articles beside many templates or
    index notes of a line each (Obsidian vaults such as kepano's) is English."""
    if given is not None:
        return given
    english = french = 0
    for note in notes:
        if not note.language_known:
            continue
        weight = len(note.text) + 1  # + 1: a garden of empty notes still counts them
        if note.language == "en":
            english += weight
        else:
            french += weight
    return "en" if english > french else "fr"


def page_language(note: Note, site_lang: str) -> str:
    """The language of ``note``'s page (its ``<html lang>``, the words around the note):
    the note's own, or the site's when the note does not tell (a few words, a list of
    links: ``Note.language_known``), so the short notes of an English vault get
    English pages."""
    return note.language if note.language_known else site_lang


def long_date(day: dt.date, lang: str) -> str:
    """``1er mars 2024`` / ``15 mars 2024`` in French, ``15 March 2024`` in English."""
    month = _MONTHS[lang][day.month - 1]
    if lang == "en":
        return f"{day.day} {month} {day.year}"
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {month} {day.year}"
