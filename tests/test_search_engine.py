"""The query engine (engine/scoring.py, engine/ranking.py) scores like Whoosh.

``GardenSearcher`` does not walk Whoosh's matcher trees: it reads posting lists and
adds the scores itself, in the order ``engine.scoring`` declares (which the browser's
engine follows too). Whoosh stays the oracle: on gardens indexed as the product
indexes them (one segment; several segments written in parallel; segments with
deleted notes after incremental updates), every answer is the Whoosh-ranked one
(``tests/whoosh_ranking.py``): same total, the same notes, scores equal to 1e-9 (the
order of additions differs from Whoosh's, so the last bits may), notes in the same
order but where their scores tie to 1e-9. Synthetic indexes push the scoring core
through random query trees, the declared order is checked to the bit, and each Whoosh
internal the engine reads is compared with Whoosh's public API.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import whoosh.index
import whoosh.reading
from test_client_parity import COMMON_QUERIES, QUERIES, split_query
from whoosh import query as wq
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh_ranking import engine_rank, same_ranking, scores_agree, whoosh_query, whoosh_rank

from museumxtd_search import parallel
from museumxtd_search.engine import scoring
from museumxtd_search.engine.bm25f import IndexStatistics
from museumxtd_search.engine.queries import AnyOf, Phrase, Query, Term
from museumxtd_search.engine.scoring import IndexScorer
from museumxtd_search.engine.storage import postings
from museumxtd_search.engine.storage import segments as storage_segments
from museumxtd_search.engine.storage.postings import (
    Postings,
    Segment,
    _leave_out,
    leaf_segments,
)
from museumxtd_search.engine.storage.reader import IndexFiles, SegmentFiles
from museumxtd_search.engine.storage.schema import build_schema
from museumxtd_search.index import side_files
from museumxtd_search.index.build import build_index
from museumxtd_search.index.searcher import GardenSearcher
from museumxtd_search.rules import FIELD_WEIGHTS, POSITIONAL_FIELDS

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_NOTES = REPO_ROOT / "notes"

# What people type (the parity list), with the options the CLI has.
CASES: list[tuple[str, int, tuple[str, ...], str | None]] = [
    (*split_query(line)[:1], 10, split_query(line)[1], None)
    for line in COMMON_QUERIES + QUERIES["bundled"]
] + [
    ("numérique", 1, (), None), ("musée", 1000, (), None), ("stratégie numérique", 1, (), None),
    ("réseaux sociaux musées", 3, (), None), ("collections", 1000, ("numérique",), None),
    ("", 100, (), "Stratégie numérique"), ("réseaux", 100, (), "Stratégie digitale"),
    ("numérique OR musée -stratégie", 1000, (), None), ('"de la"', 1000, (), None),
    ("musée", 0, (), None), ("musée", -3, (), None), ("", -2, ("numérique",), None),
]


# --- gardens indexed three ways ---------------------------------------------------------


def parallel_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Full builds of any size write one segment per core, as large gardens do."""
    monkeypatch.setitem(parallel.FORK_FROM, "build", 2)


def segments_of(index_dir: Path) -> list[tuple[int, int]]:
    """(documents, deleted) of each segment of the live index."""
    with GardenSearcher(index_dir) as searcher:
        return [(s.doc_count_all, len(s.deleted)) for s in searcher.scorer.segments]


@pytest.fixture(scope="module")
def one_segment(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("one-segment") / "index"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setitem(parallel.FORK_FROM, "build", 10**9)
        build_index(BUNDLED_NOTES, index_dir, full=True)
    assert len(segments_of(index_dir)) == 1
    return index_dir


@pytest.fixture(scope="module")
def parallel_segments(tmp_path_factory) -> Iterator[Path]:
    index_dir = tmp_path_factory.mktemp("parallel") / "index"
    with pytest.MonkeyPatch.context() as monkeypatch:
        parallel_writer(monkeypatch)
        build_index(BUNDLED_NOTES, index_dir, full=True)
    assert len(segments_of(index_dir)) == 2
    yield index_dir


@pytest.fixture(scope="module")
def updated_segments(tmp_path_factory) -> Path:
    """The bundled garden edited, pruned and extended twice, each time indexed
    incrementally: segments holding deleted notes."""
    work = tmp_path_factory.mktemp("updated")
    notes = work / "notes"
    shutil.copytree(BUNDLED_NOTES, notes)
    index_dir = work / "index"
    build_index(notes, index_dir, full=True)
    rng = random.Random(3)
    for round_number in range(2):
        files = sorted(p for p in notes.rglob("*.md") if p.is_file())
        for path in rng.sample(files, 6):
            path.write_text(path.read_text(encoding="utf-8")
                            + f"\n\nAjout {round_number} : stratégie numérique, réseaux "
                              "sociaux et médiation au musée.\n", encoding="utf-8")
        for path in rng.sample(files, 2):
            path.unlink()
        (notes / f"Nouvelle {round_number}.md").write_text(
            f"# Nouvelle {round_number}\n\nLa stratégie numérique des musées, #numérique.\n",
            encoding="utf-8")
        build_index(notes, index_dir)
    segments = segments_of(index_dir)
    assert len(segments) > 1 and any(deleted for _, deleted in segments)
    return index_dir


def assert_ranks_like_whoosh(index_dir: Path) -> None:
    with GardenSearcher(index_dir) as searcher, \
            storage_segments.open_index(searcher.generation).reader() as reader:
        differences = []
        for text, limit, tags, links_to in CASES:
            expected = whoosh_rank(searcher, reader, text, limit, tags, links_to)
            found = engine_rank(searcher, text, limit, tags, links_to)
            if not same_ranking(found, expected):
                differences.append(f"{text!r} (limit {limit}, tags {tags}, links_to "
                                   f"{links_to}):\n  whoosh {expected}\n  engine {found}")
    assert not differences, f"{len(differences)} of {len(CASES)} differ:\n" + "\n".join(
        differences[:5])


def test_answers_equal_whoosh_ranking_on_a_one_segment_index(one_segment):
    assert_ranks_like_whoosh(one_segment)


def test_answers_equal_whoosh_ranking_on_a_multi_segment_index(parallel_segments):
    assert_ranks_like_whoosh(parallel_segments)


def test_after_incremental_updates_answers_equal_a_full_build_of_the_same_notes(
        updated_segments, tmp_path):
    full = tmp_path / "full"
    build_index(updated_segments.parent / "notes", full, full=True)
    with GardenSearcher(updated_segments) as updated, GardenSearcher(full) as rebuilt:
        differences = []
        for text, limit, tags, links_to in CASES:
            found = engine_rank(updated, text, limit, tags, links_to)
            expected = engine_rank(rebuilt, text, limit, tags, links_to)
            same = (found.total, found.suggestion, found.warnings,
                    [p for p, _ in found.results]) == (
                expected.total, expected.suggestion, expected.warnings,
                [p for p, _ in expected.results]) and all(
                abs(a - b) <= 1e-9 * max(1.0, abs(b))
                for (_, a), (_, b) in zip(found.results, expected.results, strict=True))
            if not same:
                differences.append(f"{text!r}:\n  updated {found}\n  full    {expected}")
    assert not differences, f"{len(differences)} of {len(CASES)} differ:\n" + "\n".join(
        differences[:5])


def test_without_its_statistics_an_updated_index_ranks_as_whoosh_does(updated_segments,
                                                                      monkeypatch):
    # Whoosh counts deleted notes in its statistics; the engine does too when the build's
    # statistics.json cannot be read.
    monkeypatch.setattr(side_files, "read_statistics", lambda generation: None)
    assert_ranks_like_whoosh(updated_segments)


def test_answers_equal_whoosh_ranking_whichever_way_whoosh_adds_an_or(
        parallel_segments, monkeypatch):
    # Whoosh adds an Or's parts along a Huffman tree of their sizes (DefaultOr) in
    # segments above 5,000 notes, in query order (PreloadedOr) below: either way it
    # agrees with the engine's declared order to 1e-9.
    monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)
    assert_ranks_like_whoosh(parallel_segments)


def test_equal_scores_are_ordered_by_path_across_parallel_segments(make_vault, tmp_path,
                                                                   monkeypatch):
    names = [f"{letter}{number}.md" for number in range(4) for letter in "dbeca"]
    garden = make_vault({name: "Le même texte sur le récolement." for name in names})
    parallel_writer(monkeypatch)
    build_index(garden, tmp_path / "index", full=True)
    assert len(segments_of(tmp_path / "index")) == 2
    # Rewritten notes move to a new segment: document numbers no longer follow paths.
    for name in names[::3]:
        (garden / name).write_text("Le même texte sur le récolement.\n", encoding="utf-8")
    build_index(garden, tmp_path / "index")
    assert len(segments_of(tmp_path / "index")) == 3
    with GardenSearcher(tmp_path / "index") as searcher:
        for limit in (1, 5, 20):
            response = searcher.search("récolement", limit=limit)
            assert [h.path for h in response.results] == sorted(names)[:limit]
            assert response.total == len(names)


# --- the scoring core on synthetic indexes ----------------------------------------------

WORDS = [f"w{number}" for number in range(24)]
SCORED_FIELDS = (*FIELD_WEIGHTS, "exact")


def synthetic_index(directory: Path, notes: int, segments: int, seed: int,
                    deleted: int = 0) -> whoosh.index.Index:
    """Notes of random words (a few very common ones), in ``segments`` commits."""
    rng = random.Random(seed)
    ix = whoosh.index.create_in(str(directory), build_schema())

    def words(most: int) -> str:
        return " ".join(WORDS[min(int(rng.expovariate(0.25)), len(WORDS) - 1)]
                        for _ in range(rng.randint(0, most)))

    for segment in range(segments):
        writer = ix.writer()
        for number in range(notes // segments):
            writer.add_document(
                path=f"n{segment}-{number}.md", title=words(4), aliases=words(2),
                tags=words(2), headings=words(5), links=words(3), body=words(30),
                body_en=words(4), exact=words(3), meta="{}")
        writer.commit(merge=False)
    if deleted:
        writer = ix.writer()
        for number in rng.sample(range(notes // segments), deleted):
            writer.delete_by_term("path", f"n0-{number}.md")
        writer.commit(merge=False)
    return ix


def random_query(rng: random.Random, depth: int = 0) -> Query:
    kind = rng.random()
    if depth < 3 and kind < 0.35:
        return AnyOf(tuple(random_query(rng, depth + 1) for _ in range(rng.randint(0, 6))))
    boost = rng.choice([1.0, 1.0, 0.3, 0.5, 1.5, 2.0, 4.0])
    if kind < 0.6:
        return Phrase(rng.choice(POSITIONAL_FIELDS),
                      tuple(rng.choice(WORDS[:8]) for _ in range(rng.randint(2, 3))),
                      slop=rng.choice([1, 1, 2, 3]), boost=boost)
    return Term(rng.choice(SCORED_FIELDS), rng.choice(WORDS[:12] + ["absent"]), boost=boost)


def whoosh_scores(ix: whoosh.index.Index, query: Query) -> dict[int, float]:
    with ix.searcher() as searcher:
        return {doc: score for score, doc in
                searcher.search(whoosh_query(query), limit=None).top_n}


def engine_scores(ix: whoosh.index.Index, query: Query,
                  bonus: Query | None = None) -> dict[int, float]:
    """Every matching note's exact score, bonus phrases (lazy) checked one by one."""
    with IndexFiles(ix.storage.folder) as files:
        segments = leaf_segments(files)
        engine = IndexScorer(segments, IndexStatistics(segments))
        matches = engine.matches([query], bonus, engine.scorers())
        docs = {doc for doc, score in enumerate(matches.low) if score} | matches.uncertain
        found = {doc: matches.exact(doc) for doc in docs}
        return {doc: score for doc, score in found.items() if score > 0}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> dict[str, whoosh.index.Index]:
    root = tmp_path_factory.mktemp("synthetic")
    made = {}
    for name, notes, segments, deleted in [("one", 300, 1, 0), ("three", 300, 3, 20)]:
        (root / name).mkdir()
        made[name] = synthetic_index(root / name, notes, segments, seed=len(name),
                                     deleted=deleted)
    return made


@pytest.mark.parametrize("name", ["one", "three"])
def test_scores_equal_whoosh_bm25f_for_random_query_trees(synthetic, name):
    ix = synthetic[name]
    rng = random.Random(11)
    checked = 0
    for _ in range(150):
        query = random_query(rng)
        expected = whoosh_scores(ix, query)
        assert scores_agree(engine_scores(ix, query), expected), query
        checked += bool(expected)
    assert checked > 60


@pytest.mark.parametrize("name", ["one", "three"])
def test_an_any_of_adds_its_parts_left_to_right_to_the_last_bit(synthetic, name):
    # The declared order (engine.scoring), which the browser's engine follows too.
    ix = synthetic[name]
    rng = random.Random(13)
    for _ in range(80):
        parts = tuple(random_query(rng, depth=2) for _ in range(rng.randint(2, 6)))
        each = [engine_scores(ix, part) for part in parts]
        expected: dict[int, float] = {}
        for scores in each:
            for doc, score in scores.items():
                expected[doc] = expected[doc] + score if doc in expected else score
        assert engine_scores(ix, AnyOf(parts)) == expected, parts


@pytest.mark.parametrize("name", ["one", "three"])
def test_a_phrase_adds_its_words_left_to_right_then_boosts(synthetic, name):
    ix = synthetic[name]
    rng = random.Random(17)
    for _ in range(40):
        words = tuple(rng.choice(WORDS[:5]) for _ in range(rng.randint(2, 3)))
        boost = rng.choice([1.0, 2.0, 0.5])
        found = engine_scores(ix, Phrase("body", words, slop=3, boost=boost))
        singles = [engine_scores(ix, Term("body", word)) for word in words]
        for doc, score in found.items():
            total = singles[0][doc]
            for single in singles[1:]:
                total += single[doc]
            assert score == (total * boost if boost != 1.0 else total), (words, doc)


@pytest.mark.parametrize("name", ["one", "three"])
def test_lazy_phrases_give_the_scores_of_eager_ones(synthetic, name):
    ix = synthetic[name]
    rng = random.Random(5)
    for _ in range(60):
        units = AnyOf(tuple(Term("body", w) for w in rng.sample(WORDS[:6], 3)))
        words = tuple(rng.sample(WORDS[:6], 2))
        bonus = AnyOf(tuple(Phrase(field, words, slop=3, boost=2.0, lazy=True)
                            for field in ("title", "headings", "body")))
        eager = AnyOf((units, AnyOf(tuple(Phrase(p.field, p.words, p.slop, p.boost)
                                          for p in bonus.parts))))
        assert engine_scores(ix, units, bonus) == engine_scores(ix, eager)
        assert scores_agree(engine_scores(ix, eager), whoosh_scores(ix, eager))


def test_scores_equal_whoosh_in_a_segment_above_5000_notes(tmp_path):
    # Whoosh adds an Or along a Huffman tree in segments above 5,000 notes.
    ix = synthetic_index(tmp_path, notes=5001, segments=1, seed=2)
    rng = random.Random(8)
    for _ in range(12):
        query = AnyOf(tuple(random_query(rng, depth=1) for _ in range(rng.randint(3, 9))))
        assert scores_agree(engine_scores(ix, query), whoosh_scores(ix, query)), query


# --- each Whoosh internal the engine reads, against the public API ---------------------


def segments_beside_whoosh(ix: whoosh.index.Index) -> Iterator[tuple[Segment, SegmentReader]]:
    """Each segment as the engine reads it, beside Whoosh's reader of the same segment."""
    with IndexFiles(ix.storage.folder) as files, ix.reader() as reader:
        leaves = reader.leaf_readers()
        segments = leaf_segments(files)
        assert [s.offset for s in segments] == [offset for _, offset in leaves]
        yield from zip(segments, (leaf for leaf, _ in leaves), strict=True)


def test_postings_are_whoosh_matchers_postings(synthetic):
    for ix in synthetic.values():
        for segment, whoosh_segment in segments_beside_whoosh(ix):
            for field in SCORED_FIELDS:
                for text in whoosh_segment.lexicon(field):
                    text = text.decode("utf-8")
                    postings = segment.postings(field, text)
                    matcher = whoosh_segment.postings(field, text)
                    expected = []
                    while matcher.is_active():
                        positions = (matcher.value_as("positions")
                                     if field in POSITIONAL_FIELDS else None)
                        expected.append((matcher.id(), matcher.weight(), positions))
                        matcher.next()
                    docs = postings.docs
                    if field in POSITIONAL_FIELDS:
                        every = postings.positions(docs, {})  # a phrase's many notes
                        one_by_one = [postings.positions([doc], {})[0] for doc in docs]
                        assert every == one_by_one, (field, text)
                    else:
                        every = [None] * len(docs)
                    found = list(zip(docs, postings.weights, every, strict=True))
                    assert found == expected, (field, text)


@pytest.mark.parametrize("deleted", [{3}, {0, 99}, {500}, set(range(0, 100, 3))])
def test_deleted_notes_leave_the_postings_but_not_the_block_order(deleted):
    # A few deletions are found by bisection, many by testing every posting: the
    # same postings remain, and the blocks' own list (for positions) is untouched.
    docs = list(range(0, 100))
    weights = [float(doc % 7 + 1) for doc in docs]
    postings = Postings(docs, weights, docs, [0], [(0, 0, 0)], None)
    _leave_out(postings, frozenset(deleted))
    assert postings.docs == [doc for doc in range(100) if doc not in deleted]
    assert postings.weights == [float(doc % 7 + 1) for doc in postings.docs]
    assert docs == list(range(100)) and postings._all_docs is docs


def test_field_lengths_are_whoosh_doc_field_lengths(synthetic):
    for ix in synthetic.values():
        for segment, whoosh_segment in segments_beside_whoosh(ix):
            for field in SCORED_FIELDS:
                lengths = segment.lengths(field)
                for doc in range(segment.doc_count_all):
                    expected = whoosh_segment.doc_field_length(doc, field) or 0
                    # A field no note fills (front matter properties) has no lengths.
                    found = 0 if lengths is None else postings.LENGTH_OF_BYTE[lengths[doc]]
                    assert found == expected


def test_statistics_are_whoosh_searcher_statistics(synthetic):
    for ix in synthetic.values():
        with ix.reader() as reader, IndexFiles(ix.storage.folder) as files:
            statistics = IndexStatistics(leaf_segments(files))
            searcher = Searcher(reader, closereader=False)
            for field in SCORED_FIELDS:
                assert statistics.average_length(field) == (
                    searcher.avg_field_length(field) or 1)
                for text in [*WORDS, "absent"]:
                    assert statistics.idf(field, text) == searcher.idf(field, text)


# --- the searcher: what it keeps, what it reads ------------------------------------------


def test_a_searcher_answers_the_same_whether_it_keeps_decoded_postings_or_not(
        updated_segments, monkeypatch):
    queries = [text for text, _, _, _ in CASES[:60]]
    with GardenSearcher(updated_segments) as searcher:
        kept = [[searcher.search(q).to_json() for q in queries] for _ in range(2)]
    monkeypatch.setattr(scoring, "CACHED_POSTINGS", 0)
    with GardenSearcher(updated_segments) as searcher:
        fresh = [searcher.search(q).to_json() for q in queries]
    monkeypatch.setattr(scoring, "CACHED_POSTINGS", 50)  # forever dropping entries
    with GardenSearcher(updated_segments) as searcher:
        crowded = [searcher.search(q).to_json() for q in queries + queries]
    assert kept[0] == kept[1] == fresh == crowded[:len(queries)] == crowded[len(queries):]


def test_a_searcher_keeps_no_more_postings_than_its_limit(one_segment, monkeypatch):
    monkeypatch.setattr(scoring, "CACHED_POSTINGS", 200)
    with GardenSearcher(one_segment) as searcher:
        for text, _, _, _ in CASES[:40]:
            searcher.search(text)
            assert searcher.scorer.cache._held <= 200


def test_correction_candidates_keep_every_word_the_correction_could_pick(one_segment):
    from museumxtd_search.analysis.typos import allowed_edits, best_correction

    rng = random.Random(4)
    with GardenSearcher(one_segment) as searcher:
        words = [word for word, _ in searcher.vocabulary if allowed_edits(word)]
        checked = 0
        for word in rng.sample(words, 150):
            at = rng.randrange(len(word))
            for typo in (word[:at] + word[at + 1:], word[:at] + "x" + word[at:],
                         word[:at] + "e" + word[at + 1:], word[::-1]):
                if allowed_edits(typo):
                    assert best_correction(typo, searcher._correction_candidates(typo)) == \
                        best_correction(typo, searcher.vocabulary), typo
                    checked += 1
        assert checked > 400


def test_words_starting_with_a_prefix_are_those_of_a_scan(one_segment):
    with GardenSearcher(one_segment) as searcher:
        for prefix in ["", "a", "mu", "musee", "numeri", "strat", "zz", "é", "2"]:
            assert searcher.words_starting_with(prefix) == [
                pair for pair in searcher.vocabulary if pair[0].startswith(prefix)]


def test_opening_a_searcher_reads_nothing_a_query_may_not_need(one_segment, monkeypatch):
    reads = []
    original = SegmentFiles.stored_fields
    monkeypatch.setattr(SegmentFiles, "stored_fields",
                        lambda self, doc: reads.append(doc) or original(self, doc))
    with GardenSearcher(one_segment) as searcher:
        assert searcher._vocabulary_file is None and searcher._link_table is None
        assert reads == []
        assert len(searcher.search("musée", limit=3).results) == 3
        # the three shown notes, and the boosted notes' boosts (once per searcher)
        shown = len(reads)
        searcher.search("musée", limit=3)
        assert len(reads) - shown == 3
