"""Where a note shows code (``vault.code``): the rule the search and the pages share."""

from __future__ import annotations

import pytest

from museumxtd_search.vault.code import closing_fence, fenced_lines


@pytest.mark.parametrize(("markdown", "closing"), [
    ("Texte\n```ts\nlet a = 1;\n", "```"),  # never closed: the note's end closes it
    ("> ```py\n> x = 1", "> ```"),  # in its quote
    ("- ```calc\n  1 + 1\n", "  ```"),  # under its list item
    ("~~~~\ncode\n", "~~~~"),
    ("```\ncode\n```\n", None),  # closed
    ("Un ```code``` en ligne", None),  # a code span, not a fence
    ("Rien.\n", None),
])
def test_a_fence_never_closed_is_closed_where_the_note_ends(markdown, closing):
    assert closing_fence(markdown) == closing


def test_the_search_reads_the_same_fence_as_code_to_the_end():
    assert fenced_lines("Texte\n```ts\nlet a = 1;\n## pas un titre") == {
        1: True, 2: False, 3: False}
