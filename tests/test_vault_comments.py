"""Obsidian comments: ``%% … %%`` is private, but ``%%`` shown as code is text."""

from __future__ import annotations

from museumxtd_search.vault.comments import remove_comments
from museumxtd_search.vault.reading import parse_note
from museumxtd_search.vault.references import missing_part


def test_a_comment_is_removed_and_its_line_breaks_kept():
    assert remove_comments("avant %% privé\nsur deux lignes %% après") == "avant \n après"


def test_a_comment_never_closed_hides_the_rest_of_the_note():
    assert remove_comments("public\n%% privé\ntout le reste") == "public\n\n"


def test_percent_signs_in_a_code_span_are_text():
    assert remove_comments("Un commentaire s'écrit `%%`. Suite %% privé %% lue.") == \
        "Un commentaire s'écrit `%%`. Suite  lue."


def test_percent_signs_in_fenced_code_are_text():
    markdown = "```md\n%% exemple %%\n```\nTexte\n~~~\n%%\n~~~\n%% privé %%fin"
    assert remove_comments(markdown) == "```md\n%% exemple %%\n```\nTexte\n~~~\n%%\n~~~\nfin"


def test_a_note_explaining_the_syntax_keeps_everything_after_it():
    note, _, _ = parse_note("Aide.md", (
        "Caractères à éviter dans un lien : `# | ^ : %% [[ ]]`.\n\n"
        "> [!tip] Astuce\n> Un alias.\n^astuce-alias\n\n## Plus loin\nornithorynque\n"
    ).encode())
    assert "ornithorynque" in note.text
    assert missing_part(note, "^astuce-alias") is None
    assert missing_part(note, "Plus loin") is None
