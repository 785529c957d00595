"""Generate a large synthetic garden from the words and link habits of a real one.

The benchmarks need gardens of 1,000 to 50,000 notes that look like ours to every stage
of the pipeline: French (and some English) sentences, YAML front matter written the
ways people write it, 2-4 headings per note, wikilinks of every form pointing at other
notes of the garden (a few broken, as in any real garden). Sentences, titles, headings
and tags are taken from a source garden read with ``read_vault``; the proportions of
link forms (plain, labelled, to a heading) follow the source's.

Same source, count and seed (and the same ``read_vault``): byte-identical output
(nothing depends on set order, hash seed, time or the output folder).

    python benchmarks/synthetic_garden.py --source ../shared/corpus/museumxtd \\
        --out /tmp/garden-10k --count 10000 --seed 0
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script from a clone without installing
    sys.path.insert(0, str(REPO_ROOT))

from museumxtd_search.analysis.stopwords import ENGLISH_STOP_WORDS  # noqa: E402
from museumxtd_search.text.folding import fold  # noqa: E402
from museumxtd_search.text.keys import key  # noqa: E402
from museumxtd_search.text.language import FRENCH_FUNCTION_WORDS  # noqa: E402
from museumxtd_search.text.slugs import slugify  # noqa: E402
from museumxtd_search.vault.reading import Vault, read_vault  # noqa: E402

MARKER = ".synthetic-garden"
NOTES_PER_FOLDER = 500
SITE_TITLE = "MuseumXTD"
BROKEN_SHARE = 0.05
ALIAS_LINK_SHARE = 0.10
ALIAS_NOTE_SHARE = 0.10

# Characters that file names or the wikilink grammar cannot carry.
_UNSAFE_NAME = re.compile(r"[\\/:*?\"<>|#^\[\]{}`]+")
# Sentences keep prose only: no markup a reader would see as syntax once re-embedded.
_MARKUP = re.compile(r"[\[\]#|<>`*_{}\\]|https?:|www\.|^\W|---")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ«\"'])")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True)
class SourceWords:
    """What the generator borrows from the source garden, in a stable order."""

    sentences: dict[str, list[str]]  # language -> sentences
    titles: dict[str, list[str]]  # language -> note names and titles
    headings: list[str]
    tags: list[str]
    tag_weights: list[int]
    folders: list[str]
    folder_weights: list[int]
    link_forms: list[str]  # "plain", "label", "heading", "label+heading"
    link_form_weights: list[int]
    english_share: float


@dataclass
class PlannedNote:
    """A note's identity, decided before any body is written so links can point at it."""

    number: int
    language: str
    name: str
    folder: str
    headings: list[str]
    aliases: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}.md"


def clean_name(text: str, limit: int = 70) -> str:
    """A string usable as a note file name and wikilink target (no ``/ # | [ ]`` …)."""
    text = _UNSAFE_NAME.sub(" ", text)
    text = " ".join(text.split()).strip(" .-–—,;")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].strip(" .-–—,;")
    return text


def clean_tag(tag: str) -> str:
    """A tag that survives being written in a space-separated ``tags:`` string."""
    return re.sub(r"[\s,#]+", "-", tag.strip().lstrip("#")).strip("-")


def _sentences_of(text: str) -> list[str]:
    found = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if len(line) < 40:
            continue
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if 40 <= len(sentence) <= 320 and not _MARKUP.search(sentence):
                found.append(sentence)
    return found


def sentence_language(sentence: str, note_language: str) -> str:
    """English or French by function words; the note's language when unclear.

    Per sentence, because French notes quote English passages (and the other way).
    """
    english = french = 0
    for word in _WORD.findall(sentence.lower()):
        english += word in ENGLISH_STOP_WORDS
        french += fold(word) in FRENCH_FUNCTION_WORDS or "'" in word or "’" in word
    if english >= 3 and english > 2 * french:
        return "en"
    if french >= 2 and french > english:
        return "fr"
    return "en" if note_language == "en" else "fr"


def read_source(vault: Vault) -> SourceWords:
    """Collect sentences, names, headings, tags, folders and link habits from a garden."""
    sentences: dict[str, list[str]] = {"fr": [], "en": []}
    titles: dict[str, list[str]] = {"fr": [], "en": []}
    headings: list[str] = []
    tags: Counter[str] = Counter()
    folders: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    for note in vault.notes:
        language = "en" if note.language == "en" else "fr"
        for sentence in _sentences_of(note.text):
            sentences[sentence_language(sentence, language)].append(sentence)
        for title in (note.name, note.title):
            cleaned = clean_name(title, 60)
            if len(cleaned) >= 4:
                titles[language].append(cleaned)
        for heading in note.headings:
            cleaned = clean_name(heading.text, 200)
            if heading.level >= 2 and 4 <= len(cleaned) <= 60 and slugify(cleaned, ""):
                headings.append(cleaned)
        for tag in note.tags:
            if clean_tag(tag):
                tags[clean_tag(tag)] += 1
        top = clean_name(note.folder.split("/")[0], 60)
        if top:
            folders[top] += 1
        for link in note.links:
            if link.kind == "wikilink" and not link.embed and link.target:
                forms["+".join(part for part, present in
                               (("label", link.label), ("heading", link.heading)) if present)
                      or "plain"] += 1
    sentences = {lang: list(dict.fromkeys(found)) for lang, found in sentences.items()}
    if not sentences["fr"] and not sentences["en"]:
        raise ValueError(f"no usable sentences in {vault.root}")
    for language, other in (("fr", "en"), ("en", "fr")):
        if not sentences[language]:
            sentences[language] = sentences[other]
    titles = {lang: _unique_by_key(found) for lang, found in titles.items()}
    all_titles = titles["fr"] + titles["en"]
    titles = {lang: found or all_titles for lang, found in titles.items()}
    if not forms:
        forms.update({"plain": 6, "label": 2, "heading": 1, "label+heading": 1})
    total_sentences = len(sentences["fr"]) + len(sentences["en"])
    english = (len(sentences["en"]) / total_sentences
               if sentences["en"] is not sentences["fr"] else 0.0)
    ordered_tags = sorted(tags.items(), key=lambda item: (-item[1], item[0])) or [("notes", 1)]
    ordered_folders = sorted(folders.items(), key=lambda item: (-item[1], item[0]))
    ordered_folders = ordered_folders or [("Notes", 1)]
    ordered_forms = sorted(forms.items())
    return SourceWords(
        sentences=sentences,
        titles=titles,
        headings=_unique_by_key(headings) or ["Contexte", "Ressources", "À retenir"],
        tags=[t for t, _ in ordered_tags],
        tag_weights=[n for _, n in ordered_tags],
        folders=[f for f, _ in ordered_folders],
        folder_weights=[n for _, n in ordered_folders],
        link_forms=[f for f, _ in ordered_forms],
        link_form_weights=[n for _, n in ordered_forms],
        # Keep some English notes even when the source has almost none (English
        # queries and the English analyser must have something to do).
        english_share=min(max(english, 0.08), 0.3),
    )


def _unique_by_key(texts: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(key(text), text)
    return [text for k, text in seen.items() if k]


class SyntheticGarden:
    """Plans then writes the notes of one synthetic garden."""

    def __init__(self, words: SourceWords, count: int, seed: int) -> None:
        self.words = words
        self.count = count
        self.random = random.Random(seed)
        self.taken: set[str] = set()  # keys of every name and alias (resolution stays exact)
        self.notes: list[PlannedNote] = []
        self.with_alias: list[PlannedNote] = []

    # --- planning -----------------------------------------------------------------
    def _unique(self, base: str) -> str:
        candidate, number = base, 1
        while not key(candidate) or key(candidate) in self.taken:
            number += 1
            candidate = f"{base} {number}"
        self.taken.add(key(candidate))
        return candidate

    def plan(self) -> None:
        rng, words = self.random, self.words
        per_folder: Counter[str] = Counter()
        for number in range(self.count):
            language = "en" if rng.random() < words.english_share else "fr"
            name = self._unique(rng.choice(words.titles[language]))
            base_folder = rng.choices(words.folders, words.folder_weights)[0]
            part = per_folder[base_folder] // NOTES_PER_FOLDER
            per_folder[base_folder] += 1
            folder = base_folder if part == 0 else f"{base_folder} {part + 1}"
            headings = _unique_by_key(rng.sample(words.headings,
                                                 min(len(words.headings), rng.randint(2, 4))))
            note = PlannedNote(number, language, name, folder, headings)
            if rng.random() < ALIAS_NOTE_SHARE:
                initials = "".join(w[0] for w in name.split() if len(w) > 2 and w[0].isalpha())
                alias = initials.upper() if len(initials) >= 2 else name.split()[0] + " (alias)"
                note.aliases.append(self._unique(alias))
                self.with_alias.append(note)
            self.notes.append(note)

    # --- links --------------------------------------------------------------------
    def _pick_target(self, note: PlannedNote) -> PlannedNote:
        rng = self.random
        if rng.random() < 0.5:  # neighbours: notes written around the same time
            number = note.number + rng.randint(-40, 40)
        else:  # hubs: a few notes are linked from everywhere
            number = int(self.count * rng.random() ** 3)
        number = min(max(number, 0), self.count - 1)
        if number == note.number:
            number = (number + 1) % self.count
        return self.notes[number]

    def link(self, note: PlannedNote) -> str:
        rng, words = self.random, self.words
        draw = rng.random()
        if draw < BROKEN_SHARE:
            missing = clean_name(rng.choice(words.titles[note.language]) + " (à écrire)")
            while key(missing) in self.taken:
                missing += " bis"
            return f"[[{missing}]]"
        if draw < BROKEN_SHARE + ALIAS_LINK_SHARE and self.with_alias:
            target = self.with_alias[int(len(self.with_alias) * rng.random() ** 2)]
            if target is not note:
                return f"[[{target.aliases[0]}]]"
        target = self._pick_target(note)
        form = rng.choices(words.link_forms, words.link_form_weights)[0]
        inner = target.name
        if "heading" in form:
            inner += "#" + rng.choice(target.headings)
        if "label" in form:
            label = rng.choice(target.headings if rng.random() < 0.5 else [target.name])
            inner += "|" + label.lower()
        return f"[[{inner}]]"

    # --- writing ------------------------------------------------------------------
    def _sentence(self, note: PlannedNote, link_chance: float) -> str:
        rng = self.random
        sentence = rng.choice(self.words.sentences[note.language])
        if rng.random() < link_chance:
            parts = sentence.split(" ")
            at = rng.randint(1, max(1, len(parts) - 1))
            parts.insert(at, self.link(note))
            sentence = " ".join(parts)
        if rng.random() < 0.05:
            parts = sentence.split(" ")
            at = rng.randrange(len(parts))
            if parts[at].isalpha():
                parts[at] = f"**{parts[at]}**"
            sentence = " ".join(parts)
        return sentence

    def front_matter(self, note: PlannedNote) -> str:
        rng = self.random
        lines = ["---"]
        style = rng.random()
        if style < 0.35:
            lines.append(f"title: {_yaml(note.name)}")
        elif style < 0.65:
            lines.append(f"title: {SITE_TITLE}")  # a site name shared by many notes
        if rng.random() < 0.5:
            lines.append("layout: layouts/post.njk")
        count = rng.choice((0, 1, 1, 2, 2, 3))
        tags = list(dict.fromkeys(rng.choices(self.words.tags, self.words.tag_weights, k=count)))
        if tags:
            form = rng.random()
            if form < 0.4:
                lines.append("tags: [" + ", ".join(_yaml(t) for t in tags) + "]")
            elif form < 0.7:
                lines.append("tags: " + _yaml(" ".join(tags)))
            else:
                lines.append("tags:")
                lines.extend(f"  - {_yaml(t)}" for t in tags)
        if note.aliases:
            lines.append("aliases: [" + ", ".join(_yaml(a) for a in note.aliases) + "]")
        if note.language == "en" and rng.random() < 0.5:
            lines.append("lang: en")
        if rng.random() < 0.1:
            lines += ["eleventyNavigation:", f"  key: {slugify(note.name)}", "  parent: notes"]
        lines.append("---")
        return "\n".join(lines) + "\n"

    def body(self, note: PlannedNote) -> str:
        rng = self.random
        target = rng.randint(1300, 2200)
        link_chance = rng.uniform(0.2, 0.45)
        blocks: list[str] = []
        if rng.random() < 0.4:
            blocks.append(f"# {note.name}")
        sections: list[list[str]] = [[]]
        for heading in note.headings:
            level = "###" if len(sections) > 2 and rng.random() < 0.3 else "##"
            sections.append([f"{level} {heading}"])
        size = 0
        turn = 0
        while size < target:
            section = sections[turn % len(sections)]
            turn += 1
            if rng.random() < 0.2:
                items = [f"- {self._sentence(note, link_chance)}"
                         for _ in range(rng.randint(2, 4))]
                block = "\n".join(items)
            else:
                block = " ".join(self._sentence(note, link_chance)
                                 for _ in range(rng.randint(1, 3)))
            section.append(block)
            size += len(block.encode("utf-8")) + 2
        for section in sections:
            blocks.extend(section)
        if rng.random() < 0.1:
            blocks.append("#" + rng.choice(self.words.tags))
        return "\n\n".join(blocks) + "\n"

    def write(self, out: Path) -> None:
        for note in self.notes:
            text = self.front_matter(note) + "\n" + self.body(note)
            path = out / note.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))


def _yaml(text: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted (JSON strings are valid YAML)."""
    if re.fullmatch(r"[^\W\d][\w.'’ -]*", text) and not text.endswith(" "):
        if text.lower() not in ("yes", "no", "true", "false", "null", "on", "off"):
            return text
    return json.dumps(text, ensure_ascii=False)


def _prepare_output(out: Path) -> None:
    """Empty ``out`` when it is one of our gardens; refuse to touch anything else."""
    if out.exists():
        if (out / MARKER).is_file():
            shutil.rmtree(out)
        elif out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        else:
            raise FileExistsError(f"{out} exists and is not a synthetic garden (no {MARKER})")
    out.mkdir(parents=True)


def generate(source: Path, out: Path, count: int, seed: int = 0) -> list[str]:
    """Write ``count`` notes into ``out`` (replacing an earlier synthetic garden there).

    Returns the note paths written, relative to ``out``. Raises ``FileExistsError``
    when ``out`` holds anything that this function did not write.
    """
    if count < 2:
        raise ValueError("a garden needs at least 2 notes to link between")
    words = read_source(read_vault(source))
    garden = SyntheticGarden(words, count, seed)
    garden.plan()
    out = Path(out)
    _prepare_output(out)
    garden.write(out)
    (out / MARKER).write_text(
        json.dumps({"source": Path(source).name, "count": count, "seed": seed}) + "\n",
        encoding="utf-8")
    return [note.path for note in garden.notes]


def default_source() -> Path:
    """The real MuseumXTD garden when it is beside the repository, else the bundled notes."""
    corpus = REPO_ROOT.parent / "shared/corpus/museumxtd"
    return corpus if corpus.is_dir() else REPO_ROOT / "notes"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=default_source(),
                        help="garden to borrow sentences, names and tags from "
                             "(default: the real corpus if present, else notes/)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument("--count", type=int, required=True, help="number of notes")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        paths = generate(args.source, args.out, args.count, args.seed)
    except (FileExistsError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(paths)} notes to {args.out} (source {args.source}, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
