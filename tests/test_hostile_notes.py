"""Hostile notes: whatever a garden holds, ``index``, ``query`` and ``export`` finish
cleanly, report each bad note once (file and line), and lose no readable note.

Hypothesis generates whole gardens of a few hundred notes, each note carrying one
defect (or none) on top of random line endings, BOM, names and shared titles, and a
word planted in it and nowhere else. One fixed garden with every defect at once, plus
the heavy ones (a 5 MB line, 10,000 wikilinks, 500 nested list levels), goes through
the real ``python -m museumxtd_search`` process.
"""

from __future__ import annotations

import json
import os
import shutil
import string
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reliability import record

from museumxtd_search.cli import cli
from museumxtd_search.index.searcher import GardenSearcher
from museumxtd_search.site.urls import page_urls

pytest_plugins = ["reliability"]

REPO_ROOT = Path(__file__).resolve().parents[1]
BOM = b"\xef\xbb\xbf"
NAME_MAX = 255  # bytes in one file name on Linux file systems

# Each is a front matter block PyYAML must refuse (the note is read without it).
BAD_YAML = [
    "title: [pas fermé",
    'title: "guillemet ouvert',
    "title: ok\n\tindent: tabulation",
    "a: b: c",
    "- liste\nclé: valeur",
    "@réservé: oui",
    "title: x\ntitle: {a: [}",
    "clé: !!python/object/apply:os.system ['touch pwned']",
    "? [a, b]\n: c\n&ancre d: *ancre",
    'titre: "\\ud800 demi-caractère"',
]
# Each is valid YAML that is not a mapping of keys to values.
NON_MAPPING = ["- a\n- b", "42", "juste une phrase", "[1, 2, 3]", "2024-01-01", "'---'"]
EMPTY_CONTENTS = [b"", b" \n\t\n", BOM, b"\r\n\r\n", b"\n"]
NON_UTF8 = [b"caf\xe9", b"\x81\x8d\x8f", b"\xff\xfe", b"\xc3(", b"\xed\xa0\x80"]
PLACEHOLDER = "\ue000"  # replaced by raw bytes after encoding

NAME_DECORATIONS = ["", " avec espaces", " #dièse", " 100%", " quoi?", " a..b", "..",
                    " -tiret", " [[crochets]]", " é", " e\u0301", " \\anti", " 'apos\"",
                    "<script>", "LONG"]
FOLDERS = ["", "Notes/", "Sous dossier/Plus bas/", "x.md/", "#tag%20/", "a..b/"]

# Notes whose defect must be reported once; the rest must not be reported at all.
REPORTED = {"bad_yaml", "non_mapping", "unterminated", "nul", "non_utf8", "empty",
            "broken_symlink"}
# Notes whose Markdown may be too deep to render: export may say so, once.
DEEP = {"deep_list", "deep_emphasis", "deep_quote"}
KINDS = ["plain", "plain", "plain", *sorted(REPORTED), "hidden", "folder_named_md",
         "deep_list", "deep_quote", "deep_emphasis", "many_links", "long_line"]

_CONSONANTS = "bcdfghjklmnpqrtvwz"


def planted_word(number: int) -> str:
    """A word found nowhere else: no vowel, so no stemmer or stop list changes it."""
    letters = []
    for _ in range(5):
        number, digit = divmod(number, len(_CONSONANTS))
        letters.append(_CONSONANTS[digit])
    return "zq" + "".join(letters)


@dataclass(frozen=True)
class NoteSpec:
    """What Hypothesis draws for one note; ``write_note`` turns it into a file."""

    kind: str
    variant: int
    size: int
    folder: str
    decoration: str
    extension: str
    newline: str
    bom: bool
    title_group: int | None
    alias_group: int | None
    junk: str


@dataclass(frozen=True)
class Planted:
    """A written note and what the tools must say about it.

    ``line`` is the reported line (``None`` when no line applies), or a (first, last)
    range for YAML errors; ``word`` is ``None`` when the file has no readable text.
    """

    path: str
    kind: str
    word: str | None
    reported: bool
    line: int | tuple[int, int] | None = None

    @property
    def searchable(self) -> bool:
        return self.word is not None and self.kind != "hidden"


# Random text for titles, bodies and names (no NUL or line break: those are placed on
# purpose; no ``%``: ``%%`` starts a comment, which would hide the planted word).
_junk = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r\n%"),
                max_size=8)
_name_junk = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"),
                     min_size=1, max_size=4)

note_specs = st.builds(
    NoteSpec,
    kind=st.sampled_from(KINDS),
    variant=st.integers(0, 9),
    size=st.sampled_from([0, 0, 0, 1, 1, 2]),
    folder=st.sampled_from(FOLDERS),
    decoration=st.one_of(st.sampled_from(NAME_DECORATIONS), _name_junk.map(" ".__add__)),
    extension=st.sampled_from([".md", ".md", ".MD", ".Md"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    title_group=st.one_of(st.none(), st.integers(0, 2)),
    alias_group=st.one_of(st.none(), st.integers(0, 2)),
    junk=st.one_of(st.just(""), _junk),
)


def file_name(number: int, spec: NoteSpec) -> str:
    """``n007`` plus the decoration and extension, never over 255 bytes."""
    stem = f"n{number:03d}"
    limit = NAME_MAX - (spec.kind == "hidden")  # a hidden name gets a leading dot
    if spec.decoration == "LONG":
        room = limit - len((stem + " " + spec.extension).encode())
        return f"{stem} {'é' * (room // 2)}{'x' * (room % 2)}{spec.extension}"
    decoration = spec.decoration
    while len((stem + decoration + spec.extension).encode()) > limit:
        decoration = decoration[:-1]
    return stem + decoration + spec.extension


def front_matter(spec: NoteSpec) -> list[str]:
    lines = []
    if spec.title_group is not None:
        lines.append(f'title: "Titre partagé {spec.title_group}"')
    elif title := "".join(c for c in spec.junk if c.isprintable()):
        # Printable characters only: YAML refuses the others, making the note malformed.
        lines.append("title: " + json.dumps(title, ensure_ascii=False))
    if spec.alias_group is not None:
        lines.append(f'aliases: ["Alias partagé {spec.alias_group}"]')
    return ["---", *lines, "---"] if lines or spec.variant % 2 else []


def body_lines(spec: NoteSpec, word: str, others: list[str]) -> list[str]:
    """The Markdown of a note of ``spec.kind``, with ``word`` somewhere in its text."""
    junk = [spec.junk] if spec.junk.strip() not in ("", "---", "...") else []
    kind, size = spec.kind, spec.size
    if kind == "deep_list":
        depth = (10, 30, 200)[size]
        return ["  " * level + f"- niveau {level}" for level in range(depth)] + \
            ["  " * depth + f"- {word}"]
    if kind == "deep_quote":
        return [">" * (20, 100, 1000)[size] + f" citation {word}"]
    if kind == "deep_emphasis":
        marks = ("*", "_", "*_", "**")[spec.variant % 4] * (5, 100, 1200)[size]
        return [f"{marks}{word}{marks[::-1]}"]
    if kind == "many_links":
        count = (20, 200, 10_000)[size]
        targets = [*others, *(f"cible {n}" for n in range(count))][:count]
        return [" ".join(f"[[{t}]]" for t in targets), f"Liens {word}"]
    if kind == "long_line":
        return [" ".join(f"mot{n % 97}" for n in range((100, 1000, 20_000)[size])) + f" {word}"]
    return [f"# Note {spec.variant}", "", *junk, f"Texte {word} fin.", f"Voir [[{others[0]}]]."]


def write_note(root: Path, number: int, spec: NoteSpec, others: list[str]) -> Planted:
    """Write one note of ``spec`` under ``root``; return what must be reported and found."""
    word = planted_word(number)
    relative = spec.folder + file_name(number, spec)
    if spec.kind == "hidden":
        relative = (".cache/" if spec.variant % 2 else ".") + file_name(number, spec)
    elif spec.kind == "folder_named_md":
        relative = f"{spec.folder}dossier {number}.md/{file_name(number, spec)}"
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if spec.kind == "broken_symlink":
        os.symlink(f"absent/{number}.md", path)
        return Planted(relative, spec.kind, None, True, None)
    if spec.kind == "empty":
        path.write_bytes(EMPTY_CONTENTS[spec.variant % len(EMPTY_CONTENTS)])
        return Planted(relative, spec.kind, None, True, 1)

    line: int | tuple[int, int] | None = None
    lines = front_matter(spec) + body_lines(spec, word, others)
    raw = b""
    if spec.kind == "bad_yaml":
        bad = BAD_YAML[spec.variant % len(BAD_YAML)].split("\n")
        lines = ["---", *bad, "---", f"Texte {word}."]
        line = (2, len(bad) + 1)
    elif spec.kind == "non_mapping":
        lines = ["---", *NON_MAPPING[spec.variant % len(NON_MAPPING)].split("\n"), "---",
                 f"Texte {word}."]
        line = 2
    elif spec.kind == "unterminated":
        lines = ["---", "title: jamais fermé", f"Texte {word}."]
        line = 1
    elif spec.kind in ("nul", "hidden"):
        lines.append(f"avant \x00 {word} après")
        line = len(lines)
    elif spec.kind == "non_utf8":
        lines.append(f"octets {PLACEHOLDER} puis {word}")
        line = len(lines)
        raw = NON_UTF8[spec.variant % len(NON_UTF8)]
    data = spec.newline.join(lines).encode("utf-8").replace(PLACEHOLDER.encode(), raw)
    path.write_bytes((BOM if spec.bom else b"") + data)
    return Planted(relative, spec.kind, word, spec.kind in REPORTED, line)


NEWLINES = ["\n", "\r\n", "\r"]


def with_copies(specs: list[NoteSpec], copies: int) -> list[NoteSpec]:
    """Each drawn note, plus ``copies - 1`` siblings with other line endings, BOM,
    folder and name: more notes per garden for far fewer Hypothesis draws."""
    return [replace(spec, newline=NEWLINES[(NEWLINES.index(spec.newline) + copy) % 3],
                    bom=spec.bom != (copy == 1), variant=(spec.variant + copy) % 10,
                    folder=FOLDERS[(FOLDERS.index(spec.folder) + copy) % len(FOLDERS)],
                    decoration=spec.decoration if copy == 0
                    else NAME_DECORATIONS[(spec.variant + copy) % len(NAME_DECORATIONS)])
            for copy in range(copies) for spec in specs]


def write_garden(root: Path, specs: list[NoteSpec]) -> list[Planted]:
    """Write every note, plus a folder named ``vide.md`` holding nothing.

    Only the first note of each kind may be of the heavy size (2): a garden of many
    5 MB notes would test patience, not robustness.
    """
    (root / "vide.md").mkdir(parents=True)
    specs = list(specs)
    names = [f"n{n:03d}" for n in range(len(specs))]
    heavy_seen: set[str] = set()
    for number, spec in enumerate(specs):
        if spec.size == 2 and spec.kind in heavy_seen:
            specs[number] = replace(spec, size=1)
        elif spec.size == 2:
            heavy_seen.add(spec.kind)
    return [write_note(root, n, spec, names[n + 1:n + 4] or names[:1])
            for n, spec in enumerate(specs)]


# --- checking what the tools said ----------------------------------------------------


def warnings_about(warnings: list[str], path: str) -> list[str]:
    """The warnings naming ``path`` (``path:line: …`` or ``path: …``)."""
    return [w for w in warnings if w.startswith(path + ":")]


def line_of(warning: str, path: str) -> int | None:
    where = warning[len(path) + 1:].split(":", 1)[0]
    return int(where) if where.isdigit() else None


def assert_reported_once(warnings: list[str], planted: list[Planted],
                         may_report: frozenset[str] = frozenset()) -> int:
    """Each bad note is named by exactly one warning with its line; good notes by none.

    Notes of a kind in ``may_report`` may be named once. Returns the bad notes checked.
    """
    named = 0
    for note in planted:
        about = warnings_about(warnings, note.path)
        if note.reported:
            assert len(about) == 1, (note, about)
            line = line_of(about[0], note.path)
            if isinstance(note.line, tuple):
                assert line is not None and note.line[0] <= line <= note.line[1], (note, about)
            else:
                assert line == note.line, (note, about)
            named += 1
        elif note.kind in may_report:
            assert len(about) <= 1, (note, about)
        else:
            assert about == [], (note, about)
    assert len(warnings) == len(set(warnings)), "a warning was repeated"
    return named


def assert_clean(result, exit_code: int = 0) -> None:
    """Finished with ``exit_code``, no exception escaped, no traceback printed."""
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert result.exit_code == exit_code, (result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_found_only_if_readable(searcher: GardenSearcher, note: Planted) -> None:
    """A readable note is the one answer to its word; a hidden note is never an answer
    (its word is unknown, so the search may still suggest a close word of another note)."""
    found = [hit.path for hit in searcher.search(note.word, limit=5).results]
    if note.searchable:
        assert found == [note.path], (note, found)
    else:
        assert note.path not in found, (note, found)


def page_text(site: Path, urls: dict[str, str], path: str) -> str:
    return (site / urls[path] / "index.html").read_text(encoding="utf-8")


def check_garden(work: Path, planted: list[Planted]) -> dict[str, int]:
    """Run index, query and export on the garden in ``work/notes``; check every promise."""
    notes, index, site = work / "notes", work / "index", work / "site"
    built = invoke("index", "--notes", notes, "--index", index, "--json")
    assert_clean(built)
    bad = assert_reported_once(json.loads(built.stdout)["warnings"], planted)

    readable = [note for note in planted if note.searchable]
    with GardenSearcher(index) as searcher:
        for note in planted:
            if note.word is None:
                continue
            assert_found_only_if_readable(searcher, note)

    for note in readable[:: max(1, len(readable) // 4)]:
        answer = invoke("query", "--notes", notes, "--index", index, "--json", note.word)
        assert_clean(answer)
        assert [r["path"] for r in json.loads(answer.stdout)["results"]] == [note.path]

    exported = invoke("export", "--notes", notes, "--out", site, "--json")
    assert_clean(exported)
    assert_reported_once(json.loads(exported.stdout)["warnings"], planted, frozenset(DEEP))
    listed = [n.path for n in planted if n.kind not in ("broken_symlink", "hidden")]
    urls = page_urls(listed)
    assert len(set(urls.values())) == len(listed)
    for note in readable:
        assert note.word in page_text(site, urls, note.path), note
    return {"cases": len(planted), "bad_notes_reported": bad, "words_found": len(readable)}


# --- the tests -----------------------------------------------------------------------


def generated_garden_passes(specs: list[NoteSpec], work_root: Path) -> None:
    work = Path(tempfile.mkdtemp(dir=work_root))
    try:
        planted = write_garden(work / "notes", with_copies(specs, 3))
        figures = check_garden(work, planted)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    record("hostile notes", gardens=1, **figures)


# No shrinking: a failure already names the note at fault, and shrinking gardens of
# hundreds of notes takes many minutes.
GARDEN_SETTINGS = dict(deadline=None, derandomize=True, database=None,
                       phases=[Phase.explicit, Phase.generate],
                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                              HealthCheck.large_base_example,
                                              HealthCheck.function_scoped_fixture])
gardens = st.lists(note_specs, min_size=70, max_size=90)


@settings(max_examples=8, **GARDEN_SETTINGS)
@given(specs=gardens)
def test_generated_gardens_index_query_and_export_cleanly(specs, tmp_path):
    generated_garden_passes(specs, tmp_path)


@pytest.mark.slow
@settings(max_examples=60, **GARDEN_SETTINGS)
@given(specs=gardens)
def test_many_more_generated_gardens_index_query_and_export_cleanly(specs, tmp_path):
    generated_garden_passes(specs, tmp_path)


def every_defect_garden(root: Path) -> list[Planted]:
    """One note of every kind and variant, plus the heavy cases."""
    specs = []
    for kind in dict.fromkeys(KINDS):
        for variant in range(10):
            decoration = NAME_DECORATIONS[len(specs) % len(NAME_DECORATIONS)]
            specs.append(NoteSpec(kind, variant, variant % 2, FOLDERS[variant % len(FOLDERS)],
                                  decoration, ".md",
                                  ["\n", "\r\n", "\r"][variant % 3], variant % 4 == 0,
                                  variant % 3 or None, variant % 2 or None,
                                  string.punctuation[variant:variant + 5] + "<b>[[x]]</b>"))
    heavy = [NoteSpec("many_links", 0, 2, "", " dix mille liens", ".md", "\n", False,
                      None, None, ""),
             NoteSpec("deep_list", 0, 2, "", " liste", ".md", "\n", False, None, None, ""),
             NoteSpec("deep_emphasis", 0, 2, "", " emphase", ".md", "\n", False,
                      None, None, "")]
    planted = write_garden(root, specs + heavy)
    number = len(planted)
    word = planted_word(number)
    line = " ".join(f"mot{n % 997}" for n in range(5 * 1024 * 1024 // 7))
    (root / "Cinq mégaoctets.md").write_text(f"{line} {word}\n", encoding="utf-8")
    planted.append(Planted("Cinq mégaoctets.md", "long_line", word, False))
    deep = "".join("  " * level + "- niveau\n" for level in range(500))
    word = planted_word(number + 1)
    (root / "Liste de 500 niveaux.md").write_text(f"{deep}{'  ' * 500}- {word}\n",
                                                  encoding="utf-8")
    planted.append(Planted("Liste de 500 niveaux.md", "deep_list", word, False))
    return planted


def run_module(*args: object) -> tuple[int, str, str]:
    import subprocess

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])))
    done = subprocess.run([sys.executable, "-m", "museumxtd_search", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8",
                          errors="replace", env=env, timeout=300)
    return done.returncode, done.stdout, done.stderr


def test_garden_with_every_defect_through_the_real_process(tmp_path):
    notes, index, site = tmp_path / "notes", tmp_path / "index", tmp_path / "site"
    planted = every_defect_garden(notes)

    code, out, err = run_module("index", "--notes", notes, "--index", index, "--json")
    assert code == 0 and "Traceback" not in out + err, err[-2000:]
    warnings = json.loads(out)["warnings"]
    bad = assert_reported_once(warnings, planted)
    code, out, err = run_module("index", "--notes", notes, "--index", index)
    assert code == 0 and "Traceback" not in out + err, err[-2000:]
    for warning in warnings:
        assert err.count(f"warning: {warning}\n") == 1, warning

    searchable = [note for note in planted if note.searchable]
    sample = [searchable[-2], next(n for n in searchable if n.kind == "non_utf8")]
    for note in sample:
        code, out, err = run_module("query", "--notes", notes, "--index", index, "--json",
                                    note.word)
        assert code == 0 and "Traceback" not in out + err, (note, err)
        assert [r["path"] for r in json.loads(out)["results"]] == [note.path], note
    with GardenSearcher(index) as searcher:
        for note in planted:
            if note.word is not None:
                assert_found_only_if_readable(searcher, note)

    code, out, err = run_module("export", "--notes", notes, "--out", site)
    assert code == 0 and "Traceback" not in out + err, err[-2000:]
    warnings = [line.removeprefix("warning: ") for line in err.splitlines()
                if line.startswith("warning: ")]
    assert_reported_once(warnings, planted, frozenset(DEEP))
    assert "Liste de 500 niveaux.md: nested too deeply to render" in err
    urls = page_urls(n.path for n in planted if n.kind not in ("broken_symlink", "hidden"))
    for note in searchable:
        assert note.word in page_text(site, urls, note.path), note
    record("hostile notes", gardens=1, cases=len(planted), bad_notes_reported=bad,
           words_found=len(searchable), process_runs=3 + len(sample))
