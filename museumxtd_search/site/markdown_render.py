"""Render a note's Markdown to HTML as Obsidian shows it, every reference resolved by
the one resolver.

Extensions (why each: ``docs/rendering.md``): tables, footnotes, ``toc`` (heading ids
by the one slug rule, the anchors ``[[Note#Heading]]`` links expect), sane lists,
pymdown-extensions' ``superfences`` + ``highlight`` (fenced code, also inside lists
and callouts, highlighted by Pygments with no JavaScript), ``mark`` (``==text==``) and
``tasklist`` (``- [ ]``), and ours for callouts, comments and block ids
(``site.obsidian_syntax``) and for wikilinks, embeds, files and URLs (below).

Raw HTML is kept and then passed through the sanitiser's allow-list
(``site.sanitize``) unless ``allow_html`` (trusted gardens only): a garden edited by
many hands must not be able to run scripts in visitors' browsers. Link URLs with
schemes other than http(s), mailto and tel are dropped for the same reason.

Every local reference (a wikilink, an embed, a Markdown link or image, a ``src``,
``href`` or ``srcset`` of raw HTML) is resolved against the garden and rewritten
relative to the page, so the site works under any base path and from ``file://``;
files it names are recorded in ``used_assets`` to be copied. A reference that leads
nowhere is shown as such (``.broken``, ``.missing``) or, in raw HTML, left as written:
``vault.references`` reports the same ones.
"""

from __future__ import annotations

import html
import re
import sys
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import markdown
import markdown.treeprocessors
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.nl2br import Nl2BrExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.toc import TocExtension, unique
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX, AtomicString
from pymdownx.highlight import HighlightExtension
from pymdownx.magiclink import MagiclinkExtension
from pymdownx.mark import MarkExtension
from pymdownx.superfences import SuperFencesCodeExtension
from pymdownx.tasklist import TasklistExtension
from pymdownx.tilde import DeleteSubExtension

from museumxtd_search.site.fence_blocks import FenceBlockSyntax
from museumxtd_search.site.folders import folder_urls
from museumxtd_search.site.html_blocks import HtmlBlockSyntax
from museumxtd_search.site.list_syntax import ListSyntax
from museumxtd_search.site.math_syntax import MathExtension
from museumxtd_search.site.obsidian_syntax import ObsidianExtension
from museumxtd_search.site.sanitize import sanitize_html
from museumxtd_search.site.table_syntax import TableSyntax
from museumxtd_search.site.ui_text import UI_TEXT
from museumxtd_search.site.urls import tag_url
from museumxtd_search.text.keys import key
from museumxtd_search.text.slugs import heading_slugify, slugify
from museumxtd_search.vault.comments import remove_comments
from museumxtd_search.vault.drawings import DRAWING_SUFFIX
from museumxtd_search.vault.files import is_note_name, note_name
from museumxtd_search.vault.links import (
    HTML_TAG,
    HTML_URL_ATTRIBUTE,
    IMAGE_SIZE,
    WIKILINK,
    heading_parts,
    link_text,
    parse_local_url,
    parse_wikilink,
    sized_alt,
    srcset_urls,
)
from museumxtd_search.vault.markdown_text import INLINE_TAG, inline_markup_to_text
from museumxtd_search.vault.notes import Link, Note
from museumxtd_search.vault.outline_properties import (
    BLOCK_REF,
    block_heading,
    block_lines,
    bullet_text,
)
from museumxtd_search.vault.resolver import FOLDER_SUFFIX, LinkTable, is_asset_name
from museumxtd_search.vault.sections import find_block, find_section

_SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|tel:|#|[^:]*$)", re.IGNORECASE)
_IMAGE_EXTENSIONS = frozenset("png jpg jpeg gif svg webp avif bmp ico".split())
_MEDIA_EXTENSIONS = {"mp4": "video", "webm": "video", "mov": "video", "mp3": "audio",
                     "m4a": "audio", "ogg": "audio", "oga": "audio", "wav": "audio"}
# Embeds inside embeds: deeper ones (and any cycle) are shown as links.
MAX_EMBED_DEPTH = 3


@dataclass
class RenderContext:
    """What the renderer needs to turn a link target into a URL relative to the page."""

    note: Note
    table: LinkTable
    page_urls: dict[str, str]
    root: str
    asset_url: Callable[[str], str]
    used_assets: set[str] = field(default_factory=set)
    unrendered: bool = False
    html: str = ""
    # Link targets already resolved by this renderer: many notes link to the same ones.
    resolved: dict[tuple[bool, str, str], str | None] = field(default_factory=dict)
    # Every note by path (what embeds show), the page's own note (the note itself, or
    # the note embedding this one) and the notes being embedded around this one.
    notes: Mapping[str, Note] = field(default_factory=dict)
    page_path: str = ""
    chain: tuple[str, ...] = ()
    # Stashed HTML this renderer wrote itself (embeds): its URLs are final already.
    own_stash: set[int] = field(default_factory=set)
    transclude: Callable[[Link, str], etree.Element | str] | None = None
    urls_resolved: dict[tuple[str, str], tuple[str | None, bool]] = field(default_factory=dict)
    # The site's language: of the words the page adds (missing markers, callout titles).
    lang: str = "fr"
    # Each folder of published notes -> the URL of its page (``site.folders``), when
    # a link to a folder first needs it.
    folder_pages: dict[str, str] | None = None
    # Each Logseq block named by an ``id::`` line -> its note and its bullet's line,
    # when a reference first needs them.
    block_pages: dict[str, tuple[str, str]] | None = None

    @property
    def words(self) -> dict[str, str]:
        return UI_TEXT[self.lang]

    def resolve(self, link: Link) -> str | None:
        """``table.resolve(link, note).target_path``, remembered. The resolver reads the
        note's folder only for a target holding a slash (or backslash), and nothing of
        the note but its path for a link to itself (``[[#Heading]]``)."""
        target = link.target
        if not target:
            return self.note.path
        asset = is_asset_name(target)
        folder = self.note.folder if not asset and ("/" in target or "\\" in target) else ""
        cache_key = (asset, target, folder)
        try:
            return self.resolved[cache_key]
        except KeyError:
            found = self.resolved[cache_key] = self.table.resolve(link, self.note).target_path
            return found

    def block_page(self, block_id: str) -> tuple[str, str] | None:
        """The note holding the Logseq block ``block_id`` and its bullet's line
        (``vault.outline_properties``), or ``None``."""
        if self.block_pages is None:
            self.block_pages = {}
            for path, note in self.notes.items():
                if "id::" in note.markdown:
                    lines = note.markdown.split("\n")
                    for block, number in block_lines(note.markdown).items():
                        self.block_pages[block] = (path, lines[number])
        return self.block_pages.get(block_id)

    def resolve_url(self, path: str) -> tuple[str | None, bool]:
        """``table.resolve_url(path, note folder)``, remembered."""
        cache_key = (path, self.note.folder)
        found = self.urls_resolved.get(cache_key)
        if found is None:
            found = self.urls_resolved[cache_key] = self.table.resolve_url(*cache_key)
        return found

    def file_url(self, path: str) -> str:
        """The URL, from this page, of the copied file ``path`` (recorded as used)."""
        self.used_assets.add(path)
        return self.root + self.asset_url(path)

    def rewrite(self, url: str) -> tuple[str | None, bool]:
        """What a URL written in the note becomes on the page, and whether it names a note
        page: the relative URL of the page or copied file it names; ``None`` when it is
        not local or names a place in this page (left as written); ``""`` when it leads
        nowhere (the caller shows it as dead)."""
        parsed = parse_local_url(url)
        if parsed is None or not parsed[0]:
            return None, False
        path, fragment = parsed
        found, is_note = self.resolve_url(path)
        if found is not None and found.endswith(FOLDER_SUFFIX):
            # A folder of notes: its page, if a published note is in it.
            if self.folder_pages is None:
                self.folder_pages = folder_urls(self.page_urls)
            url = self.folder_pages.get(found.removesuffix(FOLDER_SUFFIX))
            return (self.root + url + "index.html" if url else ""), True
        if found is None or (is_note and found not in self.page_urls):
            return "", is_note
        if is_note:
            return _note_href(self, found, fragment), True
        return self.file_url(found), False


def _anchor(heading: str) -> str:
    """The id a ``#heading`` (or ``#^block``) of a link points at on the page: its
    innermost heading for ``#Chapitre#Section``."""
    innermost = (heading_parts(heading) or [heading])[-1]
    return innermost if innermost.startswith("^") else heading_slugify(innermost)


def _note_href(context: RenderContext, path: str, heading: str | None) -> str:
    anchor = f"#{_anchor(heading)}" if heading else ""
    if path == (context.page_path or context.note.path):
        return anchor or "#"
    # Explicit index.html: the site must also work opened from disk (file://).
    return context.root + context.page_urls[path] + "index.html" + anchor


def _broken_link(link: Link, label: str, words: dict[str, str]) -> etree.Element:
    element = etree.Element("span", {"class": "wikilink broken",
                                     "title": words["missing_note"].format(link.target)})
    element.text = label
    return element


# A character escaped with a backslash, as Python-Markdown's escape pattern leaves it
# (``\|``, which Obsidian asks for in ``[[Note\|label]]`` inside a table).
_ESCAPED_CHAR = re.compile(f"{STX}(\\d+){ETX}")


class BlockReferenceProcessor(InlineProcessor):
    """Logseq's ``((64a1…))`` (and ``[libellé](((64a1…)))``): a link to the block it
    names, in its page, showing the block's text (or the label), as Logseq shows it;
    a block no page names is shown as written, visibly broken."""

    def __init__(self, context: RenderContext, md: markdown.Markdown) -> None:
        super().__init__(BLOCK_REF.pattern, md)
        self.context = context

    def handleMatch(self, match: re.Match[str], data: str):  # noqa: N802 - Markdown's API
        context = self.context
        label, block_id = match.group(1), match.group(2)
        path, line = context.block_page(block_id) or (None, "")
        if path is None or path not in context.page_urls:
            element = etree.Element("span", {
                "class": "wikilink broken",
                "title": context.words["missing_part"].format(f"(({block_id}))")})
            element.text = label or f"(({block_id}))"
            return element, match.start(0), match.end(0)
        heading = block_heading(line)  # linked by its own anchor
        text = label or heading or bullet_text(line) or block_id
        element = etree.Element("a", {"class": "wikilink", "href": _note_href(
            context, path, heading if heading is not None else f"^{block_id}")})
        element.text = AtomicString(inline_markup_to_text(text).strip() or block_id)
        return element, match.start(0), match.end(0)


class WikilinkProcessor(InlineProcessor):
    """``[[…]]`` and ``![[…]]`` become links, images, or visibly broken links."""

    def __init__(self, context: RenderContext, md: markdown.Markdown) -> None:
        super().__init__(WIKILINK.pattern, md)
        self.context = context

    def handleMatch(self, match: re.Match[str], data: str):  # noqa: N802 - Markdown's API
        context = self.context
        inner = match.group(2)
        if STX in inner:  # an escape, stashed before this pattern runs: the character back
            inner = _ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1))), self.unescape(inner))
        link = parse_wikilink(inner, bool(match.group(1)))
        target_path = context.resolve(link)
        label = link_text(link) if link.target else (link.label or link.heading or "")
        if is_asset_name(link.target) or (target_path is not None
                                          and not is_note_name(target_path)):
            return self._asset(link.target, target_path, label, link.embed), \
                match.start(0), match.end(0)
        if link.embed and target_path is not None and \
                (image := self._drawing_image(target_path)) is not None:
            return self._asset(*image, label, True), match.start(0), match.end(0)
        if link.embed and target_path is not None and context.transclude is not None:
            return context.transclude(link, target_path), match.start(0), match.end(0)
        if target_path is None or target_path not in context.page_urls:
            return _broken_link(link, label, context.words), match.start(0), match.end(0)
        element = etree.Element("a", {
            "class": "wikilink embed" if link.embed else "wikilink",
            "href": _note_href(context, target_path, link.heading),
        })
        element.text = label
        return element, match.start(0), match.end(0)

    def _drawing_image(self, path: str) -> tuple[str, str] | None:
        """(name, path) of the image the Excalidraw plugin exported beside the drawing
        ``path`` (``Plan.excalidraw.svg``, ``.png``), which an embed of the drawing
        shows, as Obsidian shows the drawing; ``None`` for another note, or a drawing
        never exported (its embed shows its labels)."""
        if not path.endswith(DRAWING_SUFFIX + ".md"):
            return None
        for suffix in (".svg", ".png"):
            name = note_name(path) + suffix
            found = self.context.resolve(parse_wikilink(name, True))
            if found is not None and not is_note_name(found):
                return name, found
        return None

    def _asset(self, target: str, path: str | None, label: str, embed: bool) -> etree.Element:
        context = self.context
        if path is None:
            element = etree.Element("span", {"class": "embed missing",
                                             "title": context.words["missing_file"].format(
                                                 target)})
            element.text = context.words["missing_file_text"].format(target)
            return element
        url = context.file_url(path)
        extension = path.rpartition(".")[2].lower()
        if embed and extension in _IMAGE_EXTENSIONS:
            size = IMAGE_SIZE.fullmatch(label)
            if size is None:
                return etree.Element("img", {"src": url, "alt": label, "loading": "lazy"})
            image = etree.Element("img", {"src": url, "alt": target.rpartition("/")[2],
                                          "loading": "lazy", "width": size.group(1)})
            if size.group(2):
                image.set("height", size.group(2))
            return image
        if embed and extension in _MEDIA_EXTENSIONS:
            return etree.Element(_MEDIA_EXTENSIONS[extension], {"src": url, "controls": ""})
        element = etree.Element("a", {"href": url, "class": "asset"})
        element.text = label
        return element


class TagProcessor(InlineProcessor):
    """``#tag`` in the text links to the tag's page, as Obsidian shows a tag; a tag
    the note does not hold (found no page) stays text."""

    def __init__(self, context: RenderContext, md: markdown.Markdown) -> None:
        super().__init__(INLINE_TAG.pattern, md)
        self.context = context

    def handleMatch(self, match: re.Match[str], data: str):  # noqa: N802 - Markdown's API
        context = self.context
        tag_key = key(match.group(1))
        if tag_key not in {key(tag) for tag in context.note.tags}:
            return None, match.start(0), match.end(0)
        element = etree.Element("a", {"class": "tag",
                                      "href": f"{context.root}{tag_url(tag_key)}index.html"})
        element.text = AtomicString(match.group(0))
        return element, match.start(0), match.end(0)


class LinkRewriter(Treeprocessor):
    """Markdown links and images naming a note page or a file of the garden point at it;
    dead ones are shown as such; unsafe URLs are dropped."""

    def __init__(self, md: markdown.Markdown, context: RenderContext) -> None:
        super().__init__(md)
        self.context = context

    def run(self, root: etree.Element) -> None:
        context = self.context
        for element in root.iter():
            if element.tag == "img" and "|" in element.get("alt", ""):
                _sized(element)
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is None or "wikilink" in element.get("class", "") \
                        or element.get("class") in ("asset", "tag"):
                    continue
                if not _SAFE_SCHEME.match(value.strip()):
                    del element.attrib[attribute]
                    continue
                url, is_note = context.rewrite(value)
                if url:
                    element.set(attribute, url)
                    if is_note:
                        element.set("class", "wikilink")
                elif url == "":
                    _show_dead(element, attribute, value, context.words)


def _sized(image: etree.Element) -> None:
    """A Markdown image at the size its alternative text gives (``![Logo|200](…)``)."""
    alt, width, height = sized_alt(image.get("alt", ""))
    if width is not None:
        image.set("alt", alt)
        image.set("width", width)
        if height is not None:
            image.set("height", height)


def _show_dead(element: etree.Element, attribute: str, written: str,
               words: dict[str, str]) -> None:
    """Turn a link or image whose URL leads nowhere into a visibly dead marker."""
    shown = parse_local_url(written)
    target = shown[0] if shown else written
    del element.attrib[attribute]
    if element.tag == "img":
        alt = element.attrib.pop("alt", "")
        element.attrib.clear()
        element.tag = "span"
        element.text = words["missing_image_text"].format(alt or target)
        element.set("class", "embed missing")
        element.set("title", words["missing_file"].format(target))
        return
    element.tag = "span"
    element.attrib.pop("title", None)
    element.set("class", "wikilink broken")
    element.set("title", words["dead_link"].format(target))


class RawHtmlUrls(Postprocessor):
    """URLs in the note's raw HTML (``src``, ``href``, ``srcset``) rewritten like
    Markdown's: root-absolute ``/images/Logo.svg`` becomes the copied file's relative
    URL. Runs on the stashed HTML before it is put back into the page."""

    def __init__(self, md: markdown.Markdown, context: RenderContext) -> None:
        super().__init__(md)
        self.context = context

    def run(self, text: str) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks
        for number, block in enumerate(stash):
            if number not in self.context.own_stash and isinstance(block, str) and "=" in block:
                stash[number] = HTML_TAG.sub(self._tag, block)
        return text

    def _tag(self, tag: re.Match[str]) -> str:
        attributes = HTML_URL_ATTRIBUTE.sub(self._attribute, tag.group(2))
        return tag.group()[:tag.start(2) - tag.start()] + attributes + \
            tag.group()[tag.end(2) - tag.start():]

    def _attribute(self, attribute: re.Match[str]) -> str:
        value = attribute.group(4).strip("'\"")
        urls = srcset_urls(value) if attribute.group(2).lower() == "srcset" else [value]
        rewritten = value
        for url in urls:
            new = self.context.rewrite(url)[0]
            if new:  # our URLs are slugs: nothing in them needs escaping
                rewritten = rewritten.replace(url, new, 1)
        if rewritten == value:
            return attribute.group()
        return f'{attribute.group(1)}{attribute.group(2)}{attribute.group(3)}"{rewritten}"'


class Sanitizer(Postprocessor):
    """The page's HTML through the allow-list (``site.sanitize``), last of all. Only
    Markdown with a ``<`` can hold raw HTML: other notes skip it."""

    def __init__(self, md: markdown.Markdown, context: RenderContext) -> None:
        super().__init__(md)
        self.context = context

    def run(self, text: str) -> str:
        return sanitize_html(text) if "<" in self.context.note.markdown else text


class GardenExtension(Extension):
    def __init__(self, context: RenderContext, allow_html: bool) -> None:
        super().__init__()
        self.context = context
        self.allow_html = allow_html

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.inlinePatterns.register(WikilinkProcessor(self.context, md), "wikilink", 175)
        # Before Markdown links (160): ``[libellé](((64a1…)))`` is a reference.
        md.inlinePatterns.register(BlockReferenceProcessor(self.context, md),
                                   "block_reference", 176)
        md.inlinePatterns.register(TagProcessor(self.context, md), "inline_tag", 5)
        # magiclink's e-mail links hide their address in entities, which every later
        # step would have to decode; Obsidian leaves an address as text, and so do we.
        md.inlinePatterns.deregister("magic-mail", strict=False)
        md.treeprocessors.register(LinkRewriter(md, self.context), "garden_links", 1)
        md.postprocessors.register(RawHtmlUrls(md, self.context), "raw_html_urls", 35)
        if not self.allow_html:
            md.postprocessors.register(Sanitizer(md, self.context), "sanitize", 1)


def garden_extensions(context: RenderContext, allow_html: bool,
                      unique_footnotes: bool = False) -> list[Extension]:
    """The extensions every note is rendered with (objects, not names: a name is looked
    up among the entry points of every installed distribution, ~30 ms per process)."""
    return [
        TableSyntax(), SaneListExtension(),
        SuperFencesCodeExtension(), HighlightExtension(use_pygments=True, guess_lang=False,
                                                       css_class="highlight"),
        # Numbered in reading order, as Obsidian numbers them (inline ones included).
        FootnoteExtension(BACKLINK_TITLE=context.words["footnote_back"],
                          UNIQUE_IDS=unique_footnotes, USE_DEFINITION_ORDER=False),
        MarkExtension(), TasklistExtension(),
        # As Obsidian shows a note (and markdown-it with ``breaks`` and ``linkify``, as
        # Eleventy gardens render it): ~~struck~~, a line break where the note has one,
        # bare URLs as links, lists under a paragraph line and nested by two spaces.
        DeleteSubExtension(subscript=False), Nl2BrExtension(), MagiclinkExtension(),
        ListSyntax(), FenceBlockSyntax(), HtmlBlockSyntax(),
        TocExtension(slugify=lambda value, sep: heading_slugify(value)),
        ObsidianExtension(), MathExtension(),
        GardenExtension(context, allow_html),
    ]


_HEADING_TAGS = frozenset(f"h{level}" for level in range(1, 7))
# Characters that make toc's name for a heading differ from its text (entities, tags,
# placeholders of escapes and of stashed HTML).
_NOT_PLAIN = re.compile("[&<>\x02\x03]")


class _Step:
    """A registered tree processor whose ``run`` is chosen note by note; everything else
    is the processor's own (other processors read attributes of theirs)."""

    def __init__(self, processor: Treeprocessor) -> None:
        self.processor = processor
        self.run: Callable[[etree.Element], etree.Element | None] = processor.run

    def __getattr__(self, name: str) -> object:
        return getattr(self.processor, name)


def _nothing(root: etree.Element) -> None:
    return None


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0  # noqa: SLF001 - a cheap, exact frame count
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


class HeadingIds(Treeprocessor):
    """Sets each heading's ``id`` exactly as the ``toc`` extension does, cheaply.

    All toc does for us is give headings their ids (the templates show no table of
    contents), but for every heading it serialises the heading and runs every
    postprocessor over it, and for every element it joins the element's text to look
    for the ``[TOC]`` marker: about a seventh of the rendering time. For a heading of
    plain text, toc's name is the text with whitespace collapsed, so the id is the one
    slug rule plus toc's own de-duplication (``unique``). Any other note (a ``[TOC]``
    marker, a heading holding markup or entities, an element that already has an id)
    is left to toc itself. This step runs just before toc's and, when it has done the
    work, empties toc's slot for that note; otherwise toc's ``run`` is called exactly
    as before, with no frame in between.

    toc walks the tree recursively, so a note nested deeply enough makes it raise
    ``RecursionError`` (the note is then shown as plain text). When the tree has
    enough elements for that to be possible, the same walk runs here, at the same
    stack depth, so the same notes fall back.
    """

    def __init__(self, md: markdown.Markdown, toc: Treeprocessor, context: RenderContext) -> None:
        super().__init__(md)
        self.toc = toc
        self.marker: str = getattr(toc, "marker", "[TOC]")
        self.context = context
        self.toc_step = _Step(toc)

    def run(self, root: etree.Element) -> None:
        self.toc_step.run = self.toc.run
        if self.marker and self.marker in self.context.note.markdown:
            return None
        headings = []
        elements = 0
        for element in root.iter():
            elements += 1
            if element.attrib and "id" in element.attrib:
                return None
            tag = element.tag
            if isinstance(tag, str) and tag[:1] in ("h", "H") and tag[1:2] in "123456":
                if tag not in _HEADING_TAGS or len(element) or element.attrib or (
                        element.text and _NOT_PLAIN.search(element.text)):
                    return None
                headings.append(element)
        if _stack_depth() + elements + 16 >= sys.getrecursionlimit():
            self._walk_like_toc(root)
        used: set[str] = set()
        for heading in headings:
            name = " ".join((heading.text or "").split())
            heading.set("id", unique(heading_slugify(name), used))
        self.toc_step.run = _nothing
        return None

    def _walk_like_toc(self, root: etree.Element) -> None:
        """toc's recursive walk for the marker, one frame below this step's ``run`` like
        toc's own (``run`` -> ``replace_marker`` -> ``iterparent``)."""
        for _ in self.toc.iterparent(root):  # type: ignore[attr-defined]
            pass


# A substring that each of Python-Markdown's inline patterns (and ours) needs in a
# text to match it at all; patterns not listed are always tried.
_INLINE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "arithmatex-inline": ("$",),
    "displayed-math-in-text": ("$$",),
    "escape": ("\\",),
    "wikilink": ("[[",),
    "block_reference": ("((",),
    "inline_tag": ("#",),
    "reference": ("[",),
    "link": ("[",),
    "short_reference": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "linebreak": ("  \n",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "footnote": ("[^",),
    "delimiter": ("==", "~~"),  # pymdownx.mark's and pymdownx.tilde's (one pattern)
    "nl": ("\n",),
    "magic-link": ("://", "www.", "WWW.", "ftp.", "FTP."),
    "em_strong2": ("*", "_"),
    "not_strong": ("*", "_"),
    "strong": ("*", "_"),
    "emphasis": ("*", "_"),
}


class TriggeredInlineProcessor(markdown.treeprocessors.InlineProcessor):
    """Python-Markdown's inline processor, minus the patterns that cannot match.

    Python-Markdown tries every inline pattern on every piece of text, looking each
    up in its registry by index: most of the rendering time, although on a typical
    piece of text most patterns cannot match (no ``[`` for links, no ``*`` for
    emphasis). Here a pattern is tried only when the text holds its trigger; a
    pattern that is not tried is exactly one that would have found no match, which
    Python-Markdown follows by the next pattern from the start of the text, as here.
    So the HTML is the same. The loop replaces Python-Markdown's private
    ``__handleInline``; ``NoteRenderer`` uses this class only where it exists.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        registry = md.inlinePatterns
        triggers_by_pattern = {id(registry[name]): triggers
                               for name, triggers in _INLINE_TRIGGERS.items() if name in registry}
        self.inlinePatterns = list(registry)
        self.triggers = [triggers_by_pattern.get(id(pattern)) for pattern in self.inlinePatterns]

    @staticmethod
    def supported() -> bool:
        """Whether the installed Python-Markdown has the private methods this relies on."""
        base = markdown.treeprocessors.InlineProcessor
        return all(hasattr(base, name) for name in (
            "_InlineProcessor__handleInline", "_InlineProcessor__applyPattern"))

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802,N803 - Markdown's names
        if isinstance(data, AtomicString):
            return data
        patterns, triggers = self.inlinePatterns, self.triggers
        apply = self._InlineProcessor__applyPattern
        count = len(patterns)
        start = 0
        while patternIndex < count:
            needed = triggers[patternIndex]
            if needed is not None:
                for needle in needed:
                    if needle in data:
                        break
                else:  # no trigger in the text: the pattern cannot match it
                    patternIndex, start = patternIndex + 1, 0
                    continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def untriggered_patterns(md: markdown.Markdown) -> list[str]:
    """The inline patterns of ``md`` without a trigger in ``_INLINE_TRIGGERS``: each is
    tried on every piece of text (reads the registry's private ``_priority``, as this
    module's other Python-Markdown internals do)."""
    return [item.name for item in md.inlinePatterns._priority
            if item.name not in _INLINE_TRIGGERS]


def _freeze_lookups(md: markdown.Markdown) -> None:
    """Make two per-block lookups of Python-Markdown constant-time, same results.

    The block parser asks its registry for the sorted list of block processors once
    per block, and ``is_block_level`` scans a list of some fifty tag names for each
    element; neither list changes once the instance is built.
    """
    parser = md.parser
    processors = tuple(parser.blockprocessors)

    def parse_blocks(parent: etree.Element, blocks: list[str]) -> None:
        # BlockParser.parseBlocks over a fixed tuple (one frame, like the original).
        while blocks:
            for processor in processors:
                if processor.test(parent, blocks[0]):
                    if processor.run(parent, blocks) is not False:
                        break

    parser.parseBlocks = parse_blocks  # type: ignore[method-assign]

    names = md.block_level_elements
    known: dict[object, bool] = {}

    def is_block_level(tag: object) -> bool:
        # Markdown.is_block_level, remembered; computed in place rather than by calling
        # the original, so a note's stack depth never depends on the notes before it.
        found = known.get(tag)
        if found is None:
            found = known[tag] = isinstance(tag, str) and tag.lower().rstrip("/") in names
        return found

    md.is_block_level = is_block_level  # type: ignore[method-assign]


class NoteRenderer:
    """Renders note after note with one Python-Markdown instance.

    Building a Markdown instance with its extensions costs more than converting a
    typical note, so an export builds one per process and only swaps the note.
    """

    def __init__(self, table: LinkTable, page_urls: dict[str, str],
                 asset_url: Callable[[str], str], allow_html: bool = False,
                 notes: Mapping[str, Note] | None = None, depth: int = 0,
                 lang: str = "fr") -> None:
        self.context = RenderContext(None, table, page_urls, "", asset_url,  # type: ignore[arg-type]
                                     notes=notes or {}, lang=lang)
        self.context.transclude = self._transclude
        self.allow_html = allow_html
        self.depth = depth
        self._embedder: NoteRenderer | None = None
        self.md = markdown.Markdown(
            extensions=garden_extensions(self.context, allow_html, unique_footnotes=depth > 0),
            output_format="html",
        )
        toc = self.md.treeprocessors["toc"]
        heading_ids = HeadingIds(self.md, toc, self.context)
        self.md.treeprocessors.register(heading_ids, "heading_ids", 6)
        self.md.treeprocessors.register(heading_ids.toc_step, "toc", 5)  # type: ignore[arg-type]
        if TriggeredInlineProcessor.supported():
            self.md.treeprocessors.register(TriggeredInlineProcessor(self.md), "inline", 20)
        # Restores backslash escapes, which only the escape and code patterns make from
        # a backslash: a note without one has nothing to restore.
        self.unescape = self.md.treeprocessors["unescape"]
        self.unescape_step = _Step(self.unescape)
        self.md.treeprocessors.register(self.unescape_step, "unescape", 0)  # type: ignore[arg-type]
        # Turns found math into MathML: a note without a dollar has none to turn.
        self.math = self.md.treeprocessors["math_to_mathml"]
        self.math_step = _Step(self.math)
        self.md.treeprocessors.register(self.math_step, "math_to_mathml", 18)  # type: ignore[arg-type]
        _freeze_lookups(self.md)

    def render(self, note: Note, root: str, page_path: str = "",
               chain: tuple[str, ...] = ()) -> RenderContext:
        """Render ``note`` for a page ``root`` away from the site root; the returned
        context holds the HTML (``html``), the files it uses and whether it failed.

        ``page_path`` is the note whose page this is when ``note`` (or a part of it,
        ``note.markdown``) is embedded in it, ``chain`` the notes embedding it.
        """
        context = self.context
        context.note, context.root = note, root
        context.page_path, context.chain = page_path or note.path, chain
        context.used_assets, context.unrendered = set(), False
        context.own_stash = set()
        self.md.reset()
        self.unescape_step.run = self.unescape.run if "\\" in note.markdown else _nothing
        self.math_step.run = self.math.run if "$" in note.markdown else _nothing
        try:
            context.html = self.md.convert(note.markdown)
        except RecursionError:
            # Python-Markdown recurses once per nesting level: a note nested hundreds of
            # levels deep is shown as escaped plain text rather than stopping the export.
            context.unrendered = True
            shown = html.escape(remove_comments(note.markdown))
            context.html = f'<pre class="unrendered">{shown}</pre>'
        return context

    def _transclude(self, link: Link, path: str) -> etree.Element | str:
        """``![[Note]]``, ``![[Note#Section]]``, ``![[Note#^block]]``: the embedded part
        rendered (for this page) and stashed whole; a cycle, a too deep embed or a
        missing part is shown as a link or a missing marker instead."""
        context = self.context
        target = context.notes.get(path)
        label = link_text(link)
        chain = (*context.chain, context.note.path)
        if path not in context.page_urls:
            return _broken_link(link, label, context.words)
        if target is None or path in chain or len(chain) > MAX_EMBED_DEPTH:
            # Not embedded: a link (``cycle`` when the note is already being embedded).
            shown = "wikilink embed" if target is None else "wikilink embed cycle"
            element = etree.Element("a", {"class": shown,
                                          "href": _note_href(context, path, link.heading)})
            element.text = label
            return element
        markdown_text = remove_comments(target.markdown)
        if link.heading:
            markdown_text = (find_block(markdown_text, link.heading[1:])
                             if link.heading.startswith("^")
                             else find_section(markdown_text, link.heading))
        if markdown_text is None:
            element = etree.Element("span", {"class": "embed missing",
                                             "title": context.words["missing_part"].format(
                                                 link.heading)})
            element.text = context.words["missing_part_text"].format(label)
            return element
        if self._embedder is None:
            self._embedder = NoteRenderer(context.table, context.page_urls, context.asset_url,
                                          self.allow_html, context.notes, self.depth + 1,
                                          context.lang)
        embedded = self._embedder.render(
            _with_markdown(target, markdown_text), context.root, context.page_path, chain)
        context.used_assets |= embedded.used_assets
        title = html.escape(link.label or link_text(link))
        href = html.escape(_note_href(context, path, link.heading))
        stashed = (f'<div class="note-embed"><p class="embed-title"><a class="wikilink" '
                   f'href="{href}">{title}</a></p><div class="embed-body">\n{embedded.html}\n'
                   f'</div></div>')
        context.own_stash.add(len(self.md.htmlStash.rawHtmlBlocks))
        return self.md.htmlStash.store(stashed)


def _with_markdown(note: Note, markdown_text: str) -> Note:
    """``note`` whose body is ``markdown_text`` (a section or block of it)."""
    return note if markdown_text == note.markdown else replace(note, markdown=markdown_text)


def render_markdown(context: RenderContext, allow_html: bool = False) -> str:
    """Render ``context.note``'s body to HTML (heading ids follow the one slug rule).

    A note nested too deeply for Python-Markdown is returned as escaped plain text,
    and ``context.unrendered`` tells the caller to warn.
    """
    renderer = NoteRenderer(context.table, context.page_urls, context.asset_url, allow_html,
                            context.notes, lang=context.lang)
    result = renderer.render(context.note, context.root)
    context.used_assets |= result.used_assets
    context.unrendered = result.unrendered
    return result.html


__all__ = ["RenderContext", "render_markdown", "slugify"]
