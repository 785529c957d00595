"""The one wikilink grammar: every place that reads or rewrites links uses it.

Forms understood (Obsidian's): ``[[Note]]``, ``[[Note|label]]``, ``[[Note#Heading]]``,
``[[Note#Heading|label]]``, ``[[#Heading]]``, ``![[image.png]]``, ``![[Note]]``, the
table form ``[[Note\\|label]]``, and Markdown links to local ``.md`` files
``[label](folder/Note%20name.md#heading)`` or ``[label](<folder/Note name.md>)``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from museumxtd_search.vault.files import is_note_name, note_name
from museumxtd_search.vault.notes import Link

WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
MARKDOWN_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\s*(<[^>\n]+>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\s*\)")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def parse_wikilink(inner: str, embed: bool = False, line: int = 0) -> Link:
    """Parse the text between ``[[`` and ``]]``."""
    target_part, bar, label = inner.partition("|")
    target_part = target_part.removesuffix("\\")
    target, hash_sign, heading = target_part.partition("#")
    return Link(
        target=target.strip(),
        label=label.strip() or None if bar else None,
        heading=heading.strip() or None if hash_sign else None,
        embed=embed,
        kind="wikilink",
        line=line,
    )


def parse_markdown_target(url: str) -> tuple[str, str | None] | None:
    """Return (file path, heading) of a Markdown link to a local note, else ``None``."""
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    if not url or _EXTERNAL.match(url) or url.startswith("#"):
        return None
    path, _, fragment = url.partition("#")
    path = unquote(path)
    if not is_note_name(path):
        return None
    return path, (unquote(fragment) or None)


def find_links(markdown: str, first_line: int = 1) -> list[Link]:
    """Every wikilink and local Markdown note link of ``markdown``, in reading order."""
    links: list[Link] = []
    for offset, line_text in enumerate(markdown.split("\n")):
        line = first_line + offset
        found: list[tuple[int, Link]] = []
        if "[[" in line_text:
            for match in WIKILINK.finditer(line_text):
                found.append((match.start(),
                              parse_wikilink(match.group(2), bool(match.group(1)), line)))
        if "](" in line_text:
            for match in MARKDOWN_LINK.finditer(line_text):
                parsed = parse_markdown_target(match.group(3))
                if parsed and not match.group(1):
                    path, heading = parsed
                    found.append((match.start(), Link(path, match.group(2).strip() or None,
                                                      heading, False, "markdown", line)))
        links.extend(link for _, link in sorted(found, key=lambda item: item[0]))
    return links


def link_text(link: Link) -> str:
    """The words a reader sees for a link: its label, else its heading or target name."""
    if link.label:
        return link.label
    name = note_name(link.target)
    return " › ".join(part for part in (name, link.heading) if part)
