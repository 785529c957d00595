"""Update a client index in place when notes are edited (``serve --watch``).

Rebuilding the whole client index costs seconds at 10,000 notes; an edited note only
changes its own postings, its fragment, the words it gained or lost and a few totals.
``ClientIndexUpdate`` takes a ``ClientIndex`` built by ``build_client_index`` and,
note by note, replaces the old analysis of a note by its new one, with the same
rules as the build (``site.client_index``), so the result equals a fresh build of the
same notes (``tests/test_serve_watch.py`` compares the files byte for byte). It
records which files changed, for the writer to rewrite only those.

It handles edits that keep the set of searchable notes, their order, titles, aliases
and tags; ``update`` returns ``False`` for anything else, and the caller builds the
index again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from museumxtd_search import rules as field_rules
from museumxtd_search.analysis.documents import AnalyzedNote
from museumxtd_search.analysis.vocabulary import Vocabulary
from museumxtd_search.site.client_index import (
    NOTES_PER_FRAGMENT_FILE,
    ClientIndex,
    Postings,
    _add_postings,
    fragment_file,
    note_fragment,
    posting_bucket,
    replace_posting,
    shard_key,
)
from museumxtd_search.site.search_files import DATA_SUFFIX, write_data_file
from museumxtd_search.text.folding import fold


@dataclass
class ChangedFiles:
    """The files of the client index an update changed."""

    manifest: bool = False
    vocabulary: bool = False
    notes: bool = False  # notes.js: a note's date
    shards: set[str] = field(default_factory=set)
    buckets: set[int] = field(default_factory=set)
    fragments: set[int] = field(default_factory=set)


class ClientIndexUpdate:
    """A client index and what updating it needs besides (totals, the vocabulary)."""

    def __init__(self, index: ClientIndex, analyzed: Sequence[AnalyzedNote]) -> None:
        self.index = index
        self.fields = list(field_rules.FIELD_WEIGHTS)
        self.positional = {name: name in field_rules.POSITIONAL_FIELDS for name in self.fields}
        self.positional[field_rules.EXACT_FIELD] = False
        self.totals = dict.fromkeys([*self.fields, field_rules.EXACT_FIELD], 0)
        self.vocabulary = Vocabulary()
        for item in analyzed:
            for name in self.fields:
                self.totals[name] += len(item.fields[name])
            self.totals[field_rules.EXACT_FIELD] += len(item.exact)
            self.vocabulary.add(item)
        self.analyzed = list(analyzed)
        self.docs = {item.note.path: doc for doc, item in enumerate(analyzed)}
        self.changed = ChangedFiles()

    def update(self, new: AnalyzedNote, url: str) -> bool:
        """Replace the analysis of ``new.note`` by ``new``; ``False`` (nothing changed)
        when this needs a full build: a note not in the index, or other tags, title
        keys or searchability.

        A new date is updated in place: a note without a front matter date is dated by
        its file, so the first save of a note on a new day changes it (and rebuilding
        the client index for that took 10 s at 10,000 notes)."""
        doc = self.docs.get(new.note.path)
        if doc is None or not new.note.searchable:
            return False
        old = self.analyzed[doc]
        if (old.title_keys, old.tag_keys, old.note.tags, old.filters, old.pairs) != (
                new.title_keys, new.tag_keys, new.note.tags, new.filters, new.pairs):
            return False
        if old.note.date != new.note.date:
            self.index.notes["dates"][doc] = new.note.date  # type: ignore[index]
            self.changed.notes = True
        buckets = self.index.manifest["buckets"]
        for name in [*self.fields, field_rules.EXACT_FIELD]:
            before, after = self._terms(old, name), self._terms(new, name)
            self.totals[name] += len(after) - len(before)
            old_postings = self._postings(doc, before, name, old.joined.get(name, ()))
            new_postings = self._postings(doc, after, name, new.joined.get(name, ()))
            for term in old_postings.keys() | new_postings.keys():
                if old_postings.get(term) != new_postings.get(term):
                    number = posting_bucket(term, buckets)  # type: ignore[arg-type]
                    self._replace(self.index.buckets[number], name, term, doc,
                                  new_postings.get(term))
                    self.changed.buckets.add(number)
        self._update_words(old, new)
        self.index.fragments[doc] = note_fragment(new.note, url)
        self.changed.fragments.add(doc)
        manifest = self.index.manifest
        count = manifest["doc_count"]
        manifest["avg_lengths"] = {name: (total / count if count else 0.0)
                                   for name, total in self.totals.items()}
        boosts = manifest["boosts"]
        boosts.pop(str(doc), None)  # type: ignore[union-attr]
        if new.note.boost != 1.0:
            boosts[str(doc)] = new.note.boost  # type: ignore[index]
        self.changed.manifest = True
        self.analyzed[doc] = new
        return True

    def _terms(self, item: AnalyzedNote, name: str) -> list[str]:
        return item.exact if name == field_rules.EXACT_FIELD else item.fields[name]

    def _postings(self, doc: int, terms: list[str], name: str,
                  joined: Sequence[tuple[int, str]]) -> Postings:
        table = Postings()
        _add_postings(table, doc, terms, self.positional[name], joined)
        return table

    def _replace(self, bucket: dict, name: str, term: str, doc: int,
                 posting: list[int] | None) -> None:
        """Put ``doc``'s posting of ``term`` (none: remove it) in its place in the
        term's list, whose gaps ``replace_posting`` keeps right."""
        entries = bucket.get(name, {}).get(term, [])
        replace_posting(entries, doc, posting, self.positional[name])
        if entries:
            bucket.setdefault(name, {})[term] = entries
        elif name in bucket:
            bucket[name].pop(term, None)
            if not bucket[name]:
                del bucket[name]

    def _update_words(self, old: AnalyzedNote, new: AnalyzedNote) -> None:
        """The vocabulary's counts and spellings of the words either version holds."""
        if sorted(set(old.surface)) == sorted(set(new.surface)):
            return
        self.vocabulary.remove_surfaces([old.surface])
        self.vocabulary.add_surface(new.surface)
        words = {fold(word) for word in (*old.surface, *new.surface)}
        spellings = self._best_spellings(words)
        depth = self.index.manifest["shard_depth"]
        shards = self.index.shards
        for word in words:
            name = shard_key(word, depth)  # type: ignore[arg-type]
            shard = shards.setdefault(name, {"words": {}, "spellings": {}, "keys": {},
                                             "tags": {}})
            count = self.vocabulary.words.get(word, 0)
            if count:
                shard["words"][word] = count
            else:
                shard["words"].pop(word, None)
            if word in spellings:
                shard["spellings"][word] = spellings[word]
            else:
                shard["spellings"].pop(word, None)
            self.changed.shards.add(name)
        for name in list(self.changed.shards):
            if name in shards and not any(shards[name].values()):
                del shards[name]
        self.index.manifest["shards"] = sorted(shards)
        self.index.vocabulary["words"] = dict(sorted(self.vocabulary.words.items()))
        self.changed.vocabulary = True

    def _best_spellings(self, words: set[str]) -> dict[str, str]:
        """``Vocabulary.to_json()["spellings"]`` for ``words`` only."""
        best: dict[str, tuple[int, bytes, str]] = {}
        for spelling, count in self.vocabulary.spellings.items():
            folded = fold(spelling)
            if folded in words and count > 0:
                candidate = (count, spelling.encode("utf-8"), spelling)
                known = best.get(folded)
                # More notes first; ties to the first spelling in byte order.
                if known is None or count > known[0] or (count == known[0]
                                                         and candidate[1] < known[1]):
                    best[folded] = candidate
        return {folded: spelling for folded, (_, _, spelling) in best.items()}


def write_changed(update: ClientIndexUpdate, folder: Path) -> int:
    """Write the files of ``update.index`` that ``update.changed`` names into ``folder``
    (the site's ``search/``), delete the shards that vanished; returns the count."""
    index, changed = update.index, update.changed
    files: list[tuple[str, object]] = []
    if changed.manifest:
        files.append(("manifest", index.manifest))
    if changed.vocabulary:
        files.append(("vocabulary", index.vocabulary))
    if changed.notes:
        files.append(("notes", index.notes))
    for name in sorted(changed.shards):
        if name in index.shards:
            files.append((f"words-{name}", index.shards[name]))
        else:
            (folder / f"words-{name}{DATA_SUFFIX}").unlink(missing_ok=True)
    files += [(f"post-{number}", index.buckets[number]) for number in sorted(changed.buckets)]
    files += [(f"fragments/{number}", fragment_file(index.fragments, number))
              for number in sorted({doc // NOTES_PER_FRAGMENT_FILE
                                    for doc in changed.fragments})]
    for name, data in files:
        write_data_file(folder, name, data, packed=False)  # fast: see write_client_index
    return len(files)
