"""The one wikilink grammar: every place that reads or rewrites links uses it.

Forms understood (Obsidian's): ``[[Note]]``, ``[[Note|label]]``, ``[[Note#Heading]]``,
``[[Note#Heading|label]]``, ``[[#Heading]]``, ``![[image.png]]``, ``![[Note]]``, the
table form ``[[Note\\|label]]``, and Markdown links to local ``.md`` files
``[label](folder/Note%20name.md#heading)`` or ``[label](<folder/Note name.md>)``.

``find_links`` gives the links between notes (what the index ranks and counts as
backlinks); ``find_references`` gives every reference a page will hold, for the site
and the dead-reference report: those links, plus Markdown images, Markdown links to
any local file or page address (``/Navigation/A%20propos/#Contact``) and the ``src``,
``href`` and ``srcset`` of raw HTML, outside code and comments.
"""

from __future__ import annotations

import bisect
import re
from urllib.parse import unquote

from museumxtd_search.vault.code import mask_code
from museumxtd_search.vault.comments import remove_comments
from museumxtd_search.vault.files import is_note_name, note_name
from museumxtd_search.vault.notes import Link

WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
# A destination never starts with ``[``: in ``[a]([b](url))`` the link is ``[b](url)``;
# nor with ``(``: Logseq's ``[label](((64a1…)))`` names a block by its id, not a file.
MARKDOWN_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\s*(<[^>\n]+>|[^)\s\[(][^)\s]*)"
                           r"(?:\s+\"[^\"\n]*\")?\s*\)")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# Obsidian's size of an image, in pixels: width, and height after ``x``
# (``![[plan.png|100x80]]``, ``![Logo|200](https://…)``).
IMAGE_SIZE = re.compile(r"(\d+)(?:x(\d+))?")
# A Liquid, Nunjucks or Jinja tag (``{{ site.baseurl }}/cats``, ``{% link a.md %}``):
# the site generator writes that URL when it builds; where it leads is its business.
_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


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


def heading_parts(heading: str) -> list[str]:
    """The headings of a link's ``#`` part, outermost first: Obsidian's
    ``[[Note#Chapitre#Section]]`` names the section under that chapter."""
    return [part.strip() for part in heading.split("#") if part.strip()]


def parse_markdown_target(url: str) -> tuple[str, str | None] | None:
    """Return (file path, heading) of a Markdown link to a local note, else ``None``."""
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    if not url or _EXTERNAL.match(url) or url.startswith("#") or _TEMPLATE_TAG.search(url):
        return None
    path, _, fragment = url.partition("#")
    path = unquote(path)
    if not is_note_name(path):
        return None
    return path, (unquote(fragment) or None)


def parse_local_url(url: str) -> tuple[str, str | None] | None:
    """(path, fragment) of a URL written in a note that points inside the garden or the
    site, percent-decoded (``/images/Logo%201.svg`` -> ``/images/Logo 1.svg``), else
    ``None`` (an external URL, ``mailto:``, an empty one, one a template tag of the
    site generator builds). ``#Heading`` gives ``("", "Heading")``: a place in the same
    note."""
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].strip()
    if not url or _EXTERNAL.match(url) or url.startswith("//") or _TEMPLATE_TAG.search(url):
        return None
    path, _, fragment = url.partition("#")
    path = path.partition("?")[0]
    if not path and not fragment:
        return None
    return unquote(path), (unquote(fragment) or None)


# Raw HTML attributes that name a resource, inside one tag.
HTML_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s=>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|"
                      r"[^\s\"'>]+))?)*)\s*/?>")
HTML_URL_ATTRIBUTE = re.compile(r"(\s)(src|href|srcset|poster)(\s*=\s*)(\"[^\"]*\"|'[^']*'|"
                                r"[^\s\"'>]+)", re.IGNORECASE)
# ``[label]: url "title"``: a reference definition (a footnote's label starts with ``^``).
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]*(<[^>\n]+>|\S+)", re.MULTILINE)
# Where each line ends: a reference's line is the number of breaks before it.
_LINE_BREAK = re.compile("\n")


def sized_alt(alt: str) -> tuple[str, str | None, str | None]:
    """A Markdown image's alternative text without the size Obsidian reads after its
    last ``|`` (``Logo|200``, ``Plan|640x480``), then that width and height (``None``
    when not given): the page draws the image so, and the size is no word of the note."""
    text, bar, size = alt.rpartition("|")
    found = IMAGE_SIZE.fullmatch(size.strip()) if bar else None
    if found is None:
        return alt, None, None
    return text.strip(), found.group(1), found.group(2)


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` attribute (``a.png 1x, b.png 2x`` -> ``[a.png, b.png]``)."""
    return [part.split()[0] for part in value.split(",") if part.split()]


def find_references(markdown: str, first_line: int = 1) -> list[Link]:
    """Every reference of a note body, in reading order, each with its line.

    ``kind`` is ``"wikilink"`` (``embed`` for ``![[…]]``), ``"markdown"`` (a link),
    ``"image"`` (``![alt](…)``) or ``"html"`` (an attribute of raw HTML). Targets of
    Markdown and HTML references are as written (``parse_local_url`` reads them);
    external URLs are left out.
    """
    text = mask_code(remove_comments(markdown))
    starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]

    def line_of(offset: int) -> int:
        return first_line + bisect.bisect_right(starts, offset) - 1

    found: list[tuple[int, Link]] = []
    if "[[" in text:
        for match in WIKILINK.finditer(text):
            found.append((match.start(), parse_wikilink(
                match.group(2), bool(match.group(1)), line_of(match.start()))))
    if "](" in text:
        for match in MARKDOWN_LINK.finditer(text):
            if parse_local_url(match.group(3)) is not None:
                kind = "image" if match.group(1) else "markdown"
                found.append((match.start(), Link(match.group(3).strip(), match.group(2).strip()
                                                  or None, None, False, kind,
                                                  line_of(match.start()))))
    if "]:" in text:
        for match in REFERENCE_DEFINITION.finditer(text):
            if not match.group(1).startswith("^") and parse_local_url(match.group(2)):
                found.append((match.start(), Link(match.group(2), match.group(1), None, False,
                                                  "markdown", line_of(match.start()))))
    if "<" in text:
        for tag in HTML_TAG.finditer(text):
            for attribute in HTML_URL_ATTRIBUTE.finditer(tag.group(2)):
                value = attribute.group(4).strip("\"'")
                urls = srcset_urls(value) if attribute.group(2).lower() == "srcset" else [value]
                for url in urls:
                    if parse_local_url(url) is not None:
                        found.append((tag.start(), Link(url, tag.group(1).lower(), None, False,
                                                        "html", line_of(tag.start()))))
    found.sort(key=lambda item: item[0])
    return [link for _, link in found]


def find_links(markdown: str, first_line: int = 1) -> list[Link]:
    """Every wikilink and local Markdown note link of ``markdown``, in reading order;
    none of those shown as code or hidden in a ``%% comment %%`` (as
    ``find_references``): a syntax example links nowhere, and a private link must not
    show as a backlink on the site."""
    links: list[Link] = []
    # Found where code is blanked (same offsets), read from the text without comments
    # (which keeps every line in its place).
    if "[" in markdown:
        markdown = remove_comments(markdown)
    masked = mask_code(markdown) if "[" in markdown else markdown
    for offset, (line_text, written) in enumerate(zip(masked.split("\n"),
                                                      markdown.split("\n"), strict=True)):
        line = first_line + offset
        found: list[tuple[int, Link]] = []
        if "[[" in line_text:
            for match in WIKILINK.finditer(line_text):
                inner = written[match.start(2):match.end(2)]
                found.append((match.start(), parse_wikilink(inner, bool(match.group(1)), line)))
        if "](" in line_text:
            for match in MARKDOWN_LINK.finditer(line_text):
                parsed = parse_markdown_target(written[match.start(3):match.end(3)])
                if parsed and not match.group(1):
                    path, heading = parsed
                    label = written[match.start(2):match.end(2)].strip() or None
                    found.append((match.start(), Link(path, label, heading, False,
                                                      "markdown", line)))
        links.extend(link for _, link in sorted(found, key=lambda item: item[0]))
    return links


def link_text(link: Link) -> str:
    """The words a reader sees for a link: its label, else its heading or target name."""
    if link.label:
        return link.label
    name = note_name(link.target)
    return " › ".join(part for part in (name, *heading_parts(link.heading or "")) if part)
