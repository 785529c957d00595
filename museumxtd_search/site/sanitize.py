"""The allow-list of HTML a note page may hold, enforced by nh3 (the Rust ammonia library).

Notes are written by many hands: their raw HTML is kept (``<br>``, ``<details>``,
``<img>``, tables, ``<picture>``, ``<audio>``, ``<video>``, YouTube ``<iframe>``) but
passed through this allow-list, which removes scripts, ``<style>`` blocks, event
handlers, ``javascript:`` and ``data:`` URLs, styles (every property but
``text-align``, so nothing can be hidden or laid over the page) and classes the site
does not define. The renderer's own
markup goes through the same list, so everything it writes is named here.

``--allow-html`` (a trusted garden) skips this step entirely.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from pygments.token import STANDARD_TYPES

# MathML Core's presentation elements, which ``site.math_syntax`` writes for ``$…$``
# (not ``maction``, ``annotation-xml``, ``mglyph`` or ``malignmark``: nothing it writes,
# and the ones HTML sanitisers have been tricked through).
MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mover munder "
    "munderover mtable mtr mtd mstyle mpadded mphantom menclose merror mfenced semantics "
    "annotation".split())
_MATHML_ATTRIBUTES = {"mathvariant", "displaystyle", "scriptlevel", "dir"}
_TAGS = (nh3.ALLOWED_TAGS - {"area", "map"}) | {"input", "picture", "source", "iframe",
                                                "audio", "video", "track"} | MATHML_TAGS
_MEDIA_ATTRIBUTES = {"src", "controls", "width", "height", "preload", "loop", "muted"}

_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "source": {"src", "srcset", "sizes", "media", "type", "width", "height"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading",
               "referrerpolicy"},
    # Obsidian plays ![[son.mp3]] and ![[film.mp4]], and so does the page.
    "audio": _MEDIA_ATTRIBUTES,
    "video": _MEDIA_ATTRIBUTES | {"poster", "playsinline"},
    "track": {"src", "kind", "srclang", "label", "default"},
    # <p align="center">, as READMEs and Obsidian notes centre a logo.
    **{tag: {"align"} for tag in ("div", "p", "img", "h1", "h2", "h3", "h4", "h5", "h6",
                                 "table", "tr")},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "align"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "input": {"checked", "disabled"},
    "time": {"datetime"},
    "data": {"value"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    **{tag: set(_MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
    "math": _MATHML_ATTRIBUTES | {"display"},
    "mo": _MATHML_ATTRIBUTES | {"stretchy", "fence", "separator", "lspace", "rspace", "form",
                                "largeop", "movablelimits", "symmetric", "minsize",
                                "maxsize", "accent"},
    "mfrac": _MATHML_ATTRIBUTES | {"linethickness"},
    "mspace": _MATHML_ATTRIBUTES | {"width", "height", "depth"},
    "mpadded": _MATHML_ATTRIBUTES | {"width", "height", "depth", "lspace", "voffset"},
    "mover": _MATHML_ATTRIBUTES | {"accent"},
    "munder": _MATHML_ATTRIBUTES | {"accentunder"},
    "munderover": _MATHML_ATTRIBUTES | {"accent", "accentunder"},
    "mtable": _MATHML_ATTRIBUTES | {"columnalign", "rowalign", "columnspacing",
                                    "rowspacing", "columnlines", "rowlines", "frame"},
    "mtr": _MATHML_ATTRIBUTES | {"columnalign", "rowalign"},
    "mtd": _MATHML_ATTRIBUTES | {"columnalign", "rowalign", "columnspan", "rowspan"},
    "menclose": _MATHML_ATTRIBUTES | {"notation"},
    "mfenced": _MATHML_ATTRIBUTES | {"open", "close", "separators"},
    "annotation": {"encoding"},
}

# Classes the site's style sheet gives a meaning to, and Pygments' token classes.
SITE_CLASSES = frozenset({
    "wikilink", "broken", "embed", "missing", "asset", "note-embed", "embed-title",
    "embed-body", "cycle", "callout", "callout-title", "callout-content", "task-list",
    "task-list-item", "footnote", "footnote-ref", "footnote-backref", "highlight",
    "unrendered", "block-ref", "video-embed", "tag", "math", "math-display",
})
CALLOUT_TYPES = ("note", "abstract", "info", "todo", "tip", "success", "question",
                 "warning", "failure", "danger", "bug", "example", "quote")
_CLASSES = SITE_CLASSES | {f"callout-{kind}" for kind in CALLOUT_TYPES} | {
    name for name in STANDARD_TYPES.values() if name}
_CLASSES_BY_TAG = {tag: set(_CLASSES) for tag in
                   ("a", "span", "div", "details", "summary", "p", "ul", "ol", "li", "sup",
                    "code", "pre", "img", "input", "iframe", "mark", "section", "figure")}

# Video players worth embedding; any other iframe is dropped (it could frame anything).
IFRAME_HOSTS = frozenset({
    "www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "youtube-nocookie.com",
    "player.vimeo.com", "www.dailymotion.com", "player.twitch.tv", "peertube.tv",
})


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """Keep an iframe only when it shows a player of ``IFRAME_HOSTS`` over https."""
    if element == "iframe" and attribute == "src":
        parts = urlsplit(value.strip())
        if parts.scheme != "https" or parts.hostname not in IFRAME_HOSTS:
            return None
    return value


def sanitize_html(html: str) -> str:
    """``html`` with everything outside the allow-list removed (never raises)."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel=None,
        url_schemes={"http", "https", "mailto", "tel"},
        allowed_classes=_CLASSES_BY_TAG,
        filter_style_properties={"text-align"},
        tag_attribute_values={"input": {"type": {"checkbox"}}},
        set_tag_attribute_values={"iframe": {"sandbox": "allow-scripts allow-same-origin "
                                                        "allow-presentation allow-popups"},
                                  "input": {"disabled": ""}},
    )
