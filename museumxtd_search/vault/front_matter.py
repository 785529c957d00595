"""Read a file's bytes into text and front matter, leniently: bad input becomes warnings.

Handled without a warning: a UTF-8 BOM, CRLF or lone CR line endings.
Handled with one warning each: bytes that are not UTF-8 (decoded as cp1252, else
with replacement characters), NUL bytes, malformed or non-mapping YAML, a front
matter block that never closes, an empty file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from frontmatter.default_handlers import SafeLoader, YAMLHandler

from museumxtd_search.vault.drawings import drawing_body, is_drawing
from museumxtd_search.vault.files import ConfigError, loads_toml
from museumxtd_search.vault.notes import VaultWarning
from museumxtd_search.vault.outline_properties import split_outline_properties

_YAML = YAMLHandler()


class _Loader(SafeLoader):
    """python-frontmatter's safe loader, except that a value YAML reads as a date but
    the calendar has no such day (``2021-27-04``, ``2022-02-30``) stays the text as
    written, as Obsidian shows it: YAML's error would lose the whole front matter,
    title and tags with it, for one mistyped date."""


def _date_or_text(loader: SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)


@dataclass(frozen=True, slots=True)
class Source:
    """A note file split into its front matter mapping and its Markdown body."""

    metadata: dict[str, Any]
    body: str
    body_line: int
    warnings: tuple[VaultWarning, ...]


def decode(data: bytes, path: str) -> tuple[str, list[VaultWarning]]:
    """Decode file bytes to text with ``\\n`` line endings, never failing."""
    warnings: list[VaultWarning] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = line_number(data[: error.start].decode("latin-1"))
        try:
            text = data.decode("cp1252")
            how = "read as Windows-1252"
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            how = "undecodable bytes replaced"
        warnings.append(VaultWarning(path, line, f"not valid UTF-8 ({how})"))
    if "\x00" in text:
        line = line_number(text[: text.index("\x00")])
        warnings.append(VaultWarning(path, line, "NUL bytes removed"))
        text = text.replace("\x00", "")
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def line_number(head: str) -> int:
    """The line on which the text after ``head`` starts, counting CRLF, LF and lone CR.

    Counting ``\\n`` alone would put every problem of an old Mac (CR) file on line 1.
    """
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


# The line opening a front matter block -> the lines that may close it.
_FENCES = {"---": ("---", "..."), "+++": ("+++",)}


def split_front_matter(text: str, path: str) -> Source:
    """Split the front matter from the body: ``---`` YAML (Obsidian, most generators),
    ``+++`` TOML (Hugo, Zola) or Logseq's ``key:: value`` lines
    (``vault.outline_properties``); ``body_line`` is the body's first line."""
    if not text.strip():
        return Source({}, "", 1, (VaultWarning(path, 1, "empty note"),))
    lines = text.split("\n")
    opening = lines[0].rstrip()
    if opening not in _FENCES:
        outline = split_outline_properties(text) if "::" in lines[0] else None
        if outline is not None:  # Logseq's page properties, key:: value
            return Source(outline[0], body_of(text, outline[1]), outline[1], ())
        return Source({}, body_of(text, 1), 1, ())
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _FENCES[opening]),
                   None)
    if closing is None:
        warning = VaultWarning(path, 1, f"front matter starts with {opening} but never closes")
        return Source({}, text, 1, (warning,))
    block = "\n".join(lines[1:closing])
    metadata, warning = (_load_yaml if opening == "---" else _load_toml)(block, path)
    metadata = unnested(metadata)
    return Source(metadata, body_of(text, closing + 2), closing + 2,
                  (warning,) if warning else ())


# The Digital Garden plugin for Obsidian publishes a note with its own keys on top
# (``dg-publish``, ``permalink``, ``title``, ``tags``) and the note's front matter as
# its author wrote it nested under this key: the note's ``description``, ``theme``…
NESTED_PROPERTIES_KEY = "dg-note-properties"


def unnested(metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` with the properties nested under ``NESTED_PROPERTIES_KEY`` read as
    if written at the top (a key written at the top wins)."""
    if NESTED_PROPERTIES_KEY not in metadata:
        return metadata
    nested = metadata[NESTED_PROPERTIES_KEY]
    merged = {name: value for name, value in metadata.items() if name != NESTED_PROPERTIES_KEY}
    if isinstance(nested, dict):
        for name, value in nested.items():
            merged.setdefault(str(name), value)
    return merged


def by_lowercase_key(metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` keyed by its keys in lowercase, as Obsidian reads its own keys
    (``Tags:``, ``Aliases:`` are its tags and aliases); a key written in lowercase
    wins over another casing of it."""
    if all(name == name.lower() for name in metadata):
        return metadata
    folded: dict[str, Any] = {}
    for name, value in metadata.items():
        lower = name.lower()
        if name == lower:
            folded[lower] = value
        else:
            folded.setdefault(lower, value)
    return folded


def front_matter_text(text: str, body_line: int) -> tuple[str, int]:
    """The lines of a note's front matter, as written, and the line they start on
    (``""`` without front matter): what its property links are read from, each on its
    own line. Between fences, or Logseq's ``key:: value`` lines from the first line."""
    if body_line <= 1:
        return "", 1
    lines = text.split("\n", body_line - 1)[:body_line - 1]  # the body is not split
    if lines[0].rstrip() not in _FENCES:
        return "\n".join(lines), 1
    return "\n".join(lines[1:body_line - 2]), 2


def body_of(text: str, body_line: int) -> str:
    """The body of a note's decoded ``text`` whose body starts on line ``body_line``
    (``Source.body``): an index snapshot keeps the line, not the body, and takes the
    body back from the file's bytes. An Excalidraw drawing's body is its labels
    (``vault.drawings``)."""
    if not text.strip():
        return ""
    start = 0
    for _ in range(body_line - 1):
        start = text.find("\n", start) + 1
        if not start:  # the front matter closes on the last line
            return ""
    body = text[start:]
    return drawing_body(body) if is_drawing(text[:start], body) else body


# Where a block value starts: after ``key:`` or a list's ``-`` (group 1 of the patterns
# below, kept as written; group 2 is the value, quoted).
_VALUE_START = r"^(\s*(?:-\s+|[^\s#:\[{][^:\n]*:\s+)(?:-\s+)?)"
# A value that starts with ``#`` and a word (``tags: #projet #musée``, ``- #projet``,
# ``[#projet, #musée]``, ``couleur: #c0ffee``) is a comment or an error to YAML, so the
# tags vanished or the whole front matter did; a YAML comment has a space after ``#``.
_HASH_VALUE = re.compile(_VALUE_START + r"(#[^\s#'\"][^\n]*?)\s*$", re.MULTILINE)
_HASH_IN_FLOW = re.compile(r"([\[,]\s*)(#[^\s,\]#'\"][^,\]\n]*)")
_FLOW_LINE = re.compile(r"^([^\n#]*:\s*)(\[[^\n]*\])\s*$", re.MULTILINE)


# A template's placeholder as a value (``created: {{date}}``, ``- {{title}}``: Obsidian's
# Templates plugin fills them when a note is made) is a mapping inside a mapping to YAML,
# an error that lost the whole front matter of every template.
_PLACEHOLDER_VALUE = re.compile(_VALUE_START + r"(\{\{[^\n]*?)\s*$", re.MULTILINE)


def _quoted(value: str) -> str:
    return "'" + value.strip().replace("'", "''") + "'"


def _hash_values_quoted(yaml_text: str) -> str:
    """``yaml_text`` with the values written as ``#tags`` quoted (see ``_HASH_VALUE``)."""
    yaml_text = _FLOW_LINE.sub(lambda m: m.group(1) + _HASH_IN_FLOW.sub(
        lambda f: f.group(1) + _quoted(f.group(2)), m.group(2)), yaml_text)
    return _values_quoted(_HASH_VALUE, yaml_text)


def _values_quoted(pattern: re.Pattern[str], yaml_text: str) -> str:
    """``yaml_text`` with the block values ``pattern`` finds quoted."""
    return pattern.sub(lambda m: m.group(1) + _quoted(m.group(2)), yaml_text)


def _load_yaml(yaml_text: str, path: str) -> tuple[dict[str, Any], VaultWarning | None]:
    """Parse front matter YAML; a problem becomes a warning with the file's line number."""
    if "#" in yaml_text:
        yaml_text = _hash_values_quoted(yaml_text)
    if "{{" in yaml_text:
        yaml_text = _values_quoted(_PLACEHOLDER_VALUE, yaml_text)
    try:
        metadata = _YAML.load(yaml_text, Loader=_Loader) if yaml_text.strip() else {}
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "invalid YAML"
        return {}, VaultWarning(path, _error_line(error, yaml_text),
                                f"malformed front matter: {problem}")
    except (ValueError, TypeError, RecursionError) as error:
        return {}, VaultWarning(path, 2, f"malformed front matter: {error}")
    if metadata is None:
        return {}, None
    if not isinstance(metadata, dict):
        return {}, VaultWarning(path, 2, "front matter is not a mapping of keys to values")
    return {str(k): v for k, v in metadata.items()}, None


def _load_toml(toml_text: str, path: str) -> tuple[dict[str, Any], VaultWarning | None]:
    """Parse ``+++`` front matter TOML; a problem becomes a warning on its file line."""
    try:
        return loads_toml(toml_text), None
    except ConfigError as error:
        message = str(error)
        line = re.search(r"\(at line (\d+)", message)
        reason = message.split(" (at ", 1)[0]
        return {}, VaultWarning(path, int(line.group(1)) + 1 if line else 2,
                                f"malformed front matter: {reason}")


def _error_line(error: yaml.YAMLError, yaml_text: str) -> int:
    """The file line of a YAML error (front matter starts on line 2).

    Something left open (``[``, a quote) is only noticed at the end of the block, past
    its last line: the line where it was opened (PyYAML's context) is the useful one.
    """
    mark = getattr(error, "problem_mark", None)
    if mark is None or mark.line > yaml_text.count("\n"):
        mark = getattr(error, "context_mark", None) or mark
    return mark.line + 2 if mark is not None else 2


def as_text(value: Any) -> str:
    """A scalar front matter value as text (numbers and dates too); lists are joined."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return ""
    return str(value).strip()


def as_list(value: Any, split: bool) -> list[str]:
    """A front matter list, or a string split on commas (and spaces when ``split``)."""
    if value is None or isinstance(value, dict):
        return []
    if isinstance(value, (list, tuple, set)):
        items: list[str] = []
        for item in value:
            items.extend(as_list(item, split=False) if not isinstance(item, str)
                         else [item])
        return [i.strip() for i in items if i and i.strip()]
    text = as_text(value)
    if "," in text:
        parts = text.split(",")
    elif split:
        parts = text.split()
    else:
        parts = [text]
    return [p.strip() for p in parts if p.strip()]


def as_bool(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"false", "no", "off", "0", "non"}:
        return False
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "on", "1", "oui"}:
        return True
    return default


def as_float(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 and number < 1000 else default
