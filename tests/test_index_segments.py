"""How notes become Whoosh segments: the fast term writer writes what Whoosh itself
would, a parallel build answers like a single-process one, an update leaves the index
a full build would, and a worker that dies fails the build, not the live index."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import whoosh.index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from museumxtd_search import parallel
from museumxtd_search.analysis.documents import analyze_note
from museumxtd_search.engine.queries import Term
from museumxtd_search.engine.storage import schema
from museumxtd_search.engine.storage.schema import build_schema
from museumxtd_search.engine.storage.terms_writer import TermsWriter
from museumxtd_search.index import full_build, generations, side_files
from museumxtd_search.index.build import build_index
from museumxtd_search.index.searcher import GardenSearcher
from museumxtd_search.vault.reading import read_vault

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_NOTES = REPO_ROOT / "notes"
QUERIES = ["réseaux sociaux", "reseaux sociaux", "strat", "musées", "l'évaluation",
           '"stratégie numérique"', "médiation OR publics", "numérique -digital",
           "digitization collections", "title:stratégie", "tag:ressource", "strategie numerque",
           "podcast", "open data", "wikipédia", "collections"]


def _postings(index_dir: Path) -> dict[str, object]:
    """Everything a segment holds, by field and term: postings (doc, weight, value),
    per-document field lengths and stored fields, field totals."""
    ix = whoosh.index.open_dir(str(index_dir))
    with ix.reader() as reader:
        terms = {}
        for fieldname, term in reader.all_terms():
            matcher = reader.postings(fieldname, term)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            terms[(fieldname, term)] = postings
        names = [n for n in ix.schema.names() if ix.schema[n].scorable]
        lengths = {(doc, n): reader.doc_field_length(doc, n) for doc in reader.all_doc_ids()
                   for n in names}
        return {"terms": terms, "lengths": lengths,
                "stored": [reader.stored_fields(doc) for doc in reader.all_doc_ids()],
                "totals": {n: reader.field_length(n) for n in names},
                # Whoosh cannot read the extremes of a field no note fills (a garden
                # without front matter properties): it has no length column.
                "extremes": {n: (reader.min_field_length(n), reader.max_field_length(n))
                             for n in names if reader.field_length(n)}}


def _write(folder: Path, documents, writer_class, joined: bool) -> Path:
    folder.mkdir(parents=True)
    ix = whoosh.index.create_in(str(folder), build_schema())
    writer = writer_class(ix)
    for document in documents:
        if joined:
            document = {k: " ".join(v) if isinstance(v, list) else v for k, v in document.items()}
        writer.add_document(**document)
    writer.commit()
    return folder


@pytest.mark.parametrize("garden", ["bundled", "corpus"])
def test_term_writer_writes_the_segment_whoosh_writes_from_joined_text(garden, tmp_path,
                                                                       request):
    notes = BUNDLED_NOTES if garden == "bundled" else request.getfixturevalue("corpus_dir")
    vault = read_vault(notes)
    documents = [schema.document(analyze_note(n, vault.links.resolve_all(n), vault.links))
                 for n in vault.notes if n.searchable]
    # Text cannot say that two terms share a position (a hyphenated word's joined
    # term): Whoosh's writer ignores ``_joined``, and so does ours here (tested below).
    plain = [{**document, "_joined": {}} for document in documents]
    ours = _write(tmp_path / "ours", plain, TermsWriter, joined=False)
    whoosh_own = _write(tmp_path / "whoosh", documents, SegmentWriter, joined=True)
    assert _postings(ours) == _postings(whoosh_own)


def test_a_joined_term_adds_postings_at_its_position_and_no_field_length(tmp_path):
    vault = read_vault(BUNDLED_NOTES)
    documents = [schema.document(analyze_note(n, vault.links.resolve_all(n), vault.links))
                 for n in vault.notes if n.searchable]
    assert any(document["_joined"] for document in documents)
    plain = _postings(_write(tmp_path / "plain", [{**document, "_joined": {}}
                                                  for document in documents],
                             TermsWriter, joined=False))
    joined = _postings(_write(tmp_path / "joined", documents, TermsWriter, joined=False))
    for part in ("lengths", "stored", "totals", "extremes"):
        assert joined[part] == plain[part]
    added = {key: value for key, value in joined["terms"].items()
             if plain["terms"].get(key) != value}
    expected: dict[tuple[str, bytes], set[tuple[int, int]]] = {}
    for docnum, document in enumerate(documents):
        for field, pairs in document["_joined"].items():
            for position, term in pairs:
                expected.setdefault((field, term.encode()), set()).add((docnum, position))
    assert added.keys() == expected.keys()
    ix = whoosh.index.open_dir(str(tmp_path / "joined"))
    with ix.searcher() as searcher:
        for (field, term), wanted in expected.items():
            matcher = searcher.reader().postings(field, term)
            positional = ix.schema[field].format.supports("positions")
            found = set()
            while matcher.is_active():
                positions = matcher.value_as("positions") if positional else []
                found.update((matcher.id(), p) for p in positions)
                found.add((matcher.id(), None))
                matcher.next()
            assert {(doc, position if positional else None)
                    for doc, position in wanted} <= found


def _segment_files(index_dir: Path) -> dict[str, bytes]:
    """The bytes of each file of the index's one segment, by extension."""
    ix = whoosh.index.open_dir(str(index_dir))
    [segment] = ix._segments()
    files = segment.open_compound_file(ix.storage)
    prefix = segment.segment_id()
    return {name[len(prefix):]: files.open_file(name).read() for name in files.list()}


class _WhooshPostingsWriter(TermsWriter):
    whoosh_postings = True


@pytest.mark.parametrize("garden", ["bundled", "corpus"])
def test_posting_lists_written_term_by_term_are_whooshs_bytes(garden, tmp_path, request,
                                                              monkeypatch):
    notes = BUNDLED_NOTES if garden == "bundled" else request.getfixturevalue("corpus_dir")
    vault = read_vault(notes)
    documents = [schema.document(analyze_note(n, vault.links.resolve_all(n), vault.links))
                 for n in vault.notes if n.searchable]
    # Small blocks, so that long posting lists span several of them here too.
    monkeypatch.setattr(W3Codec, "__init__", _small_blocks(W3Codec.__init__))
    ours = _segment_files(_write(tmp_path / "ours", documents, TermsWriter, joined=False))
    whoosh_own = _segment_files(_write(tmp_path / "whoosh", documents, _WhooshPostingsWriter,
                                       joined=False))
    assert ours.keys() == whoosh_own.keys()
    for extension in ours:
        assert ours[extension] == whoosh_own[extension], extension


def _small_blocks(init):
    def with_small_blocks(self, blocklimit=128, compression=3, inlinelimit=1):
        init(self, blocklimit=3, compression=compression, inlinelimit=inlinelimit)
    return with_small_blocks


def _answers(index_dir: Path) -> list[dict]:
    with GardenSearcher(index_dir) as searcher:
        return [searcher.search(q, limit=50).to_json() for q in QUERIES]


def _side_files(index_dir: Path) -> dict[str, object]:
    generation = generations.live_generation(index_dir)
    vocabulary = side_files.read_json(generation / side_files.VOCABULARY)
    notes = side_files.read_json(generation / side_files.NOTES)
    manifest = side_files.read_json(generation / generations.MANIFEST)
    del vocabulary["build"]
    return {"vocabulary": vocabulary, "entries": notes["entries"], "indexed": notes["indexed"],
            "links": side_files.read_json(generation / side_files.LINKS),
            "statistics": {k: v for k, v in side_files.read_json(
                generation / side_files.STATISTICS).items() if k != "build"},
            "manifest": {k: manifest[k] for k in ("assets", "warnings")},
            "stamps": {k: v for k, v in side_files.read_json(generation / side_files.STAMPS).items()
                       if k != "build"}}


def test_parallel_build_writes_one_segment_per_core_and_answers_alike(tmp_path, monkeypatch):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: builds never run in parallel")
    monkeypatch.setitem(parallel.FORK_FROM, "build", 10**9)
    build_index(BUNDLED_NOTES, tmp_path / "single", full=True)
    monkeypatch.setitem(parallel.FORK_FROM, "build", 2)
    progress: list[tuple[int, int]] = []
    build_index(BUNDLED_NOTES, tmp_path / "parallel", full=True,
                on_progress=lambda done, total: progress.append((done, total)))
    live = generations.live_generation(tmp_path / "parallel")
    with whoosh.index.open_dir(str(live)).reader() as r:
        assert len(list(r.leaf_readers())) >= 2
    assert _answers(tmp_path / "parallel") == _answers(tmp_path / "single")
    assert _side_files(tmp_path / "parallel") == _side_files(tmp_path / "single")
    assert progress[-1][0] == progress[-1][1]


def test_a_worker_that_dies_fails_the_build_and_leaves_the_live_index(tmp_path, monkeypatch):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: builds never run in parallel")
    index_dir = tmp_path / "index"
    build_index(BUNDLED_NOTES, index_dir, full=True)
    live = generations.live_generation(index_dir)
    before = _answers(index_dir)
    monkeypatch.setitem(parallel.FORK_FROM, "build", 2)
    monkeypatch.setattr(full_build, "write_notes", lambda *args, **kwargs: os._exit(3))
    with pytest.raises(RuntimeError, match="exit code 3"):
        build_index(BUNDLED_NOTES, index_dir, full=True)
    assert generations.live_generation(index_dir) == live
    assert sorted(p.name for p in index_dir.glob("gen-*")) == [live.name]
    assert _answers(index_dir) == before


def test_a_worker_error_is_raised_by_the_build(tmp_path, monkeypatch):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: builds never run in parallel")
    monkeypatch.setitem(parallel.FORK_FROM, "build", 2)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device", "MAIN_x.seg")

    monkeypatch.setattr(full_build, "write_notes", disk_full)
    with pytest.raises(OSError, match="No space left") as raised:
        build_index(BUNDLED_NOTES, tmp_path / "index", full=True)
    assert raised.value.filename == "MAIN_x.seg"
    assert not list((tmp_path / "index").glob("gen-*"))


# --- updates leave what a full build leaves -------------------------------------------

EDITS = [
    ("edit a body", {"Notes/Open data.md": "# Open data\n\nLes données ouvertes du tamanoir.\n"}),
    ("retitle a linked note", {"Notes/Newsletters.md": "---\ntitle: Lettres d'information\n"
                               "---\n# Lettres d'information\n\nUne lettre par mois.\n"}),
    ("add a note a broken link names", {"Notes/Futur programme.md": "# Futur programme\n\n"
                                        "Le programme de [[Open data]].\n",
                                        "Notes/Médiation culturelle.md": "---\naliases: "
                                        "[Médiation des publics]\n---\nVoir [[Open data#Licences]]"
                                        " et ![[images/logo.png]].\n"}),
    ("hide a note from search", {"Notes/Crowdsourcing.md": "---\nsearch: false\n---\nPrivé.\n"}),
    ("share a front matter title", {"Notes/Accessibilité.md": "---\ntitle: Musée\n---\nTexte.\n",
                                    "Notes/Référencement.md": "---\ntitle: Musée\n---\nAutre.\n"}),
    ("remove notes", {"Notes/Podcasts de musée.md": None, "Notes/Futur programme.md": None}),
    ("unreadable bytes and an empty note", {"Notes/Binaire.md": b"\xff\xfe\x00bad",
                                            "Notes/Vide.md": ""}),
]


def _apply(garden: Path, changes: dict[str, str | bytes | None]) -> None:
    for relative, content in changes.items():
        path = garden / relative
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize("threshold", [10**9, 2], ids=["one process", "one segment per core"])
def test_each_update_leaves_the_index_a_full_build_would(tmp_path, monkeypatch, threshold):
    # With a segment per core, updates add small segments that Whoosh merges, totalling
    # their field lengths from lossy bytes: the ranking must not notice.
    monkeypatch.setitem(parallel.FORK_FROM, "build", threshold)
    garden = tmp_path / "garden"
    shutil.copytree(BUNDLED_NOTES, garden)
    updated = tmp_path / "updated"
    build_index(garden, updated, full=True)
    for step, (what, changes) in enumerate(EDITS):
        _apply(garden, changes)
        summary = build_index(garden, updated)
        assert not summary.full, what
        fresh = tmp_path / f"full-{step}"
        build_index(garden, fresh, full=True)
        assert _side_files(updated) == _side_files(fresh), what
        assert _answers(updated) == _answers(fresh), what


def test_editing_one_note_again_and_again_keeps_the_builds_segments_plus_one(tmp_path):
    garden = tmp_path / "garden"
    shutil.copytree(BUNDLED_NOTES, garden)
    index_dir = tmp_path / "index"
    build_index(garden, index_dir, full=True)
    with GardenSearcher(index_dir) as searcher:
        built = len(searcher.scorer.segments)
    note = garden / "Notes/Open data.md"
    for round_number in range(6):
        note.write_text(note.read_text(encoding="utf-8") + f"\nRévision {round_number}.\n",
                        encoding="utf-8")
        build_index(garden, index_dir)
        with GardenSearcher(index_dir) as searcher:
            found = [(s.doc_count_all, len(s.deleted)) for s in searcher.scorer.segments]
        assert len(found) <= built + 1, found
        assert all(count > deleted for count, deleted in found), found
    fresh = tmp_path / "fresh"
    build_index(garden, fresh, full=True)
    assert _answers(index_dir) == _answers(fresh)


def test_a_terms_note_count_leaves_out_notes_an_update_deleted(tmp_path):
    # Counting from the term table (no posting list decoded) holds only where a
    # segment has no deleted notes; elsewhere the postings are counted.
    garden = tmp_path / "garden"
    shutil.copytree(BUNDLED_NOTES, garden)
    index_dir = tmp_path / "index"
    build_index(garden, index_dir, full=True)
    _apply(garden, {"Notes/Podcasts de musée.md": None,
                    "Notes/Open data.md": "Musée, données ouvertes et numérique.\n"})
    build_index(garden, index_dir)
    with GardenSearcher(index_dir) as searcher:
        assert any(segment.deleted for segment in searcher.scorer.segments)
        with whoosh.index.open_dir(str(searcher.generation)).reader() as reader:
            words = {term.decode("utf-8") for term in reader.lexicon("body")}
        assert "muse" in words
        for word in words:
            term = Term("body", word)
            assert searcher.scorer.doc_count(term) == len(searcher.scorer.docs(term)), word


def test_an_update_reads_only_the_notes_that_changed(tmp_path, monkeypatch):
    from museumxtd_search.vault import reading

    garden = tmp_path / "garden"
    shutil.copytree(BUNDLED_NOTES, garden)
    build_index(garden, tmp_path / "index")
    note = garden / "Notes/Open data.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nUne phrase de plus.\n",
                    encoding="utf-8")
    parsed: list[str] = []
    real_parse = reading.parse_note
    monkeypatch.setattr(reading, "parse_note",
                        lambda path, data, *rest: parsed.append(path)
                        or real_parse(path, data, *rest))
    summary = build_index(garden, tmp_path / "index")
    assert parsed == ["Notes/Open data.md"]
    assert (summary.updated, summary.added, summary.removed) == (1, 0, 0)


def test_a_build_killed_after_the_whoosh_commit_is_followed_by_a_full_one(tmp_path):
    garden = tmp_path / "garden"
    shutil.copytree(BUNDLED_NOTES, garden)
    index_dir = tmp_path / "index"
    build_index(garden, index_dir)
    generation = generations.live_generation(index_dir)
    manifest = json.loads((generation / generations.MANIFEST).read_text(encoding="utf-8"))
    manifest["whoosh_generation"] -= 1  # as if the manifest was not replaced in time
    (generation / generations.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert build_index(garden, index_dir).full
