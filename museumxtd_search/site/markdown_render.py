"""Render a note's Markdown to HTML with wikilinks resolved by the one resolver.

Raw HTML in notes is escaped unless ``allow_html`` (trusted gardens only): a garden
edited by many hands must not be able to run scripts in visitors' browsers. Link
URLs with schemes other than http(s), mailto and tel are dropped for the same reason.
"""

from __future__ import annotations

import html
import posixpath
import re
import sys
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

import markdown
import markdown.treeprocessors
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, unique
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from museumxtd_search.text.slugs import heading_slugify, slugify
from museumxtd_search.vault.links import WIKILINK, link_text, parse_markdown_target, parse_wikilink
from museumxtd_search.vault.notes import Link, Note
from museumxtd_search.vault.resolver import LinkTable, is_asset_name

_SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|tel:|#|[^:]*$)", re.IGNORECASE)
_IMAGE_EXTENSIONS = frozenset("png jpg jpeg gif svg webp avif bmp ico".split())


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


def _note_href(context: RenderContext, path: str, heading: str | None) -> str:
    anchor = f"#{heading_slugify(heading)}" if heading else ""
    if path == context.note.path:
        return anchor or "#"
    # Explicit index.html: the site must also work opened from disk (file://).
    return context.root + context.page_urls[path] + "index.html" + anchor


class WikilinkProcessor(InlineProcessor):
    """``[[…]]`` and ``![[…]]`` become links, images, or visibly broken links."""

    def __init__(self, context: RenderContext) -> None:
        super().__init__(WIKILINK.pattern)
        self.context = context

    def handleMatch(self, match: re.Match[str], data: str):  # noqa: N802 - Markdown's API
        context = self.context
        link = parse_wikilink(match.group(2), bool(match.group(1)))
        target_path = context.resolve(link)
        label = link_text(link) if link.target else (link.label or link.heading or "")
        if is_asset_name(link.target):
            return self._asset(link.target, target_path, label, link.embed), \
                match.start(0), match.end(0)
        if target_path is None or target_path not in context.page_urls:
            element = etree.Element("span", {"class": "wikilink broken",
                                             "title": f"Note absente : {link.target}"})
            element.text = label
            return element, match.start(0), match.end(0)
        element = etree.Element("a", {
            "class": "wikilink embed" if link.embed else "wikilink",
            "href": _note_href(context, target_path, link.heading),
        })
        element.text = label
        return element, match.start(0), match.end(0)

    def _asset(self, target: str, path: str | None, label: str, embed: bool) -> etree.Element:
        context = self.context
        if path is None:
            element = etree.Element("span", {"class": "embed missing",
                                             "title": f"Fichier absent : {target}"})
            element.text = f"[fichier absent : {target}]"
            return element
        context.used_assets.add(path)
        url = context.root + context.asset_url(path)
        if embed and path.rpartition(".")[2].lower() in _IMAGE_EXTENSIONS:
            return etree.Element("img", {"src": url, "alt": label, "loading": "lazy"})
        element = etree.Element("a", {"href": url, "class": "asset"})
        element.text = label
        return element


class LinkRewriter(Treeprocessor):
    """Markdown links to local ``.md`` files point at pages; unsafe URLs are dropped."""

    def __init__(self, md: markdown.Markdown, context: RenderContext) -> None:
        super().__init__(md)
        self.context = context

    def run(self, root: etree.Element) -> None:
        context = self.context
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is None or "wikilink" in element.get("class", ""):
                    continue
                if not _SAFE_SCHEME.match(value.strip()):
                    del element.attrib[attribute]
                    continue
                target = parse_markdown_target(value)
                if target is None:
                    continue
                path, heading = target
                found = context.table.resolve_target(path, context.note.folder)
                if found and found in context.page_urls:
                    element.set(attribute, _note_href(context, found, heading))
                    element.set("class", "wikilink")
                else:
                    element.tag = "span"
                    del element.attrib[attribute]
                    element.set("class", "wikilink broken")
                    element.set("title", f"Note absente : {unquote(path)}")


class GardenExtension(Extension):
    def __init__(self, context: RenderContext, allow_html: bool) -> None:
        super().__init__()
        self.context = context
        self.allow_html = allow_html

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.inlinePatterns.register(WikilinkProcessor(self.context), "wikilink", 175)
        md.treeprocessors.register(LinkRewriter(md, self.context), "garden_links", 1)
        if not self.allow_html:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")


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
    "escape": ("\\",),
    "wikilink": ("[[",),
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
                 asset_url: Callable[[str], str], allow_html: bool = False) -> None:
        self.context = RenderContext(None, table, page_urls, "", asset_url)  # type: ignore[arg-type]
        # Extension objects, not names: a name is looked up among the entry points of
        # every installed distribution (importlib.metadata, ~30 ms per process here).
        self.md = markdown.Markdown(
            extensions=[TableExtension(), FencedCodeExtension(), SaneListExtension(),
                        TocExtension(slugify=lambda value, sep: heading_slugify(value)),
                        GardenExtension(self.context, allow_html)],
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
        _freeze_lookups(self.md)

    def render(self, note: Note, root: str) -> RenderContext:
        """Render ``note`` for a page ``root`` away from the site root; the returned
        context holds the HTML (``html``), the files it uses and whether it failed."""
        context = self.context
        context.note, context.root = note, root
        context.used_assets, context.unrendered = set(), False
        self.md.reset()
        self.unescape_step.run = self.unescape.run if "\\" in note.markdown else _nothing
        try:
            context.html = self.md.convert(note.markdown)
        except RecursionError:
            # Python-Markdown recurses once per nesting level: a note nested hundreds of
            # levels deep is shown as escaped plain text rather than stopping the export.
            context.unrendered = True
            context.html = f'<pre class="unrendered">{html.escape(note.markdown)}</pre>'
        return context


def render_markdown(context: RenderContext, allow_html: bool = False) -> str:
    """Render ``context.note``'s body to HTML (heading ids follow the one slug rule).

    A note nested too deeply for Python-Markdown is returned as escaped plain text,
    and ``context.unrendered`` tells the caller to warn.
    """
    renderer = NoteRenderer(context.table, context.page_urls, context.asset_url, allow_html)
    result = renderer.render(context.note, context.root)
    context.used_assets |= result.used_assets
    context.unrendered = result.unrendered
    return result.html


def breadcrumbs(path: str) -> list[str]:
    """The folders above a note, top first."""
    folder = posixpath.dirname(path)
    return folder.split("/") if folder else []


__all__ = ["RenderContext", "breadcrumbs", "render_markdown", "slugify"]
