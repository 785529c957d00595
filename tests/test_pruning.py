"""Max-score pruning (engine/pruning.py) ranks exactly as exhaustive scoring does.

A query may leave its long, low-scoring posting lists unscored, and check the
positions of its proximity phrases for a few notes only. Whatever it skips, the answer
must be the exhaustive one to the last bit: the same total, the same notes in the
same order, the same scores. Each garden here is searched twice per query, with
pruning and with ``rank_pruned`` switched off, on one-word and several-word queries,
typed ones and random ones, that prune and that do not; a count checks that pruning
did run.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from test_large_site import _generator

from museumxtd_search import parallel
from museumxtd_search.engine import pruning
from museumxtd_search.engine import search as engine_search
from museumxtd_search.index.build import build_index
from museumxtd_search.index.searcher import GardenSearcher

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO_ROOT.parent / "shared/corpus/museumxtd"
TYPED = ["musée", "musee", "Musées", "numérique", "numerique", "collections", "public",
         "médiation", "l'évaluation", "exposition", "stratégie OR digital", "numéris*",
         "title:stratégie", "open-data", "réseaux", "newsletter", "crowdsourcing",
         "stratégie numérique", "strategie numerque", "réseaux sociaux musées",
         "médiation numérique", "projet agile", "open data", "musée musée",
         "numérique OR musée collections", "musées l'évaluation des publics"]
LIMITS = (1, 10, 50)


def answers(index_dir: Path, queries: list[str], monkeypatch: pytest.MonkeyPatch,
            prune: bool) -> tuple[list[tuple], int]:
    """Per query and limit, (total, [(path, score), ...]); and how many were pruned."""
    pruned = 0
    real = pruning.rank_pruned

    def counted(*args, **kwargs):
        nonlocal pruned
        found = real(*args, **kwargs)
        pruned += found is not None
        return found

    monkeypatch.setattr(engine_search, "rank_pruned",
                        counted if prune else (lambda *args, **kwargs: None))
    found = []
    for text in queries:
        for limit in LIMITS:
            # A searcher per query, as the query command opens one: a searcher kept
            # open ranks again exhaustively what it has decoded (its cache then keeps
            # the scores).
            with GardenSearcher(index_dir) as searcher:
                response = searcher.search(text, limit=limit)
            found.append((text, limit, response.total,
                          [(hit.path, hit.score) for hit in response.results]))
    monkeypatch.setattr(engine_search, "rank_pruned", real)
    return found, pruned


def assert_pruning_changes_nothing(index_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                   sample: int = 60) -> int:
    """Every answer equal with and without pruning; returns how many queries pruned."""
    with GardenSearcher(index_dir) as searcher:
        words = sorted(searcher.vocabulary, key=lambda item: -item[1])
    common = [word for word, _ in words[:40]]
    others = random.Random(5).sample([word for word, _ in words[40:]],
                                     min(sample, max(len(words) - 40, 0)))
    rng = random.Random(6)
    pairs = [" ".join(rng.sample(common, 2)) for _ in range(sample // 3)]
    mixed = [f"{rng.choice(common)} {word}" for word in rng.sample(others, len(others) // 4)]
    queries = TYPED + common + others + pairs + mixed
    exhaustive, _ = answers(index_dir, queries, monkeypatch, prune=False)
    found, pruned = answers(index_dir, queries, monkeypatch, prune=True)
    differences = [(a, b) for a, b in zip(exhaustive, found, strict=True) if a != b]
    assert not differences, differences[:3]
    return pruned


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """1,500 generated notes in two segments, then updated: segments with deletions."""
    work = tmp_path_factory.mktemp("pruning")
    garden = work / "garden"
    source = CORPUS_DIR if CORPUS_DIR.is_dir() else REPO_ROOT / "notes"
    _generator().generate(source, garden, 1500, seed=11)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setitem(parallel.FORK_FROM, "build", 2)
        build_index(garden, work / "index", full=True)
    files = sorted(garden.rglob("*.md"))
    for path in random.Random(2).sample(files, 12):
        path.write_text(path.read_text(encoding="utf-8") + "\n\nMusée, musées et public.\n",
                        encoding="utf-8")
    for path in files[:5]:
        path.unlink()
    build_index(garden, work / "index")
    return work / "index"


def test_pruned_answers_are_the_exhaustive_ones_on_a_synthetic_garden(synthetic, monkeypatch):
    pruned = assert_pruning_changes_nothing(synthetic, monkeypatch)
    assert pruned >= 30  # common words do prune: the comparison is not vacuous


def test_pruned_answers_are_the_exhaustive_ones_on_the_real_corpus(corpus_build, monkeypatch):
    _, index_dir = corpus_build
    monkeypatch.setattr(pruning, "LOOKUP_COST", 1)  # prune wherever the bounds allow
    assert assert_pruning_changes_nothing(index_dir, monkeypatch, sample=150) >= 30


def test_pruned_answers_are_the_exhaustive_ones_on_the_bundled_notes(bundled_index,
                                                                     monkeypatch):
    monkeypatch.setattr(pruning, "LOOKUP_COST", 1)
    monkeypatch.setattr(pruning, "DEFERRED_SHARE", 0.02)
    assert assert_pruning_changes_nothing(bundled_index, monkeypatch, sample=150) >= 30


def test_boosted_notes_and_exact_titles_rank_as_without_pruning(make_vault, tmp_path,
                                                                monkeypatch):
    notes = {f"n{number:02d}.md": f"# Note {number}\n\nLe musée et ses collections, "
             + "musée " * (number % 5) + "numérique.\n" for number in range(40)}
    notes.update({f"t{number:02d}.md": f"# Musée de la ville {number}\n\nCollections.\n"
                  for number in range(12)})
    notes["boosted.md"] = "---\nsearch_boost: 1.5\n---\n# Boost\n\nUn musée.\n"
    notes["lowered.md"] = "---\nsearch_boost: 0.8\n---\n# Musée\n\n" + "Musée. " * 9 + "\n"
    notes["Musée.md"] = "# Musée\n\nLe musée.\n"
    garden = make_vault(notes)
    build_index(garden, tmp_path / "index")
    monkeypatch.setattr(pruning, "LOOKUP_COST", 0)
    monkeypatch.setattr(pruning, "DEFERRED_SHARE", 0.01)
    queries = ["musée", "Musée", "collections", "numérique", "note", "boost"]
    exhaustive, _ = answers(tmp_path / "index", queries, monkeypatch, prune=False)
    found, pruned = answers(tmp_path / "index", queries, monkeypatch, prune=True)
    assert found == exhaustive
    assert pruned
    titled = [path for path, _ in found[1][3][:2]]  # "musée", limit 10
    assert sorted(titled) == ["Musée.md", "lowered.md"]  # exact titles first, boosted or not


def test_a_looked_up_score_is_the_scored_one(synthetic):
    with GardenSearcher(synthetic) as searcher:
        rng = random.Random(1)
        for segment in searcher.scorer.scorers():
            for field, text, boost in (("body", "muse", 1.0), ("links", "muse", 1.5),
                                       ("exact", "musées", 0.3), ("title", "numer", 4.0)):
                docs = sorted(rng.sample(range(segment.size), segment.size // 3))
                looked_up = segment.term_scores_of(field, text, boost, docs)
                leaf = segment.term_scores(field, text, boost)
                values = leaf.values if leaf is not None else {}
                scored = [values[doc] if isinstance(values, list) else values.get(doc, 0.0)
                          for doc in docs]
                assert looked_up == scored


def test_the_bound_of_a_list_is_above_each_of_its_scores(synthetic):
    with GardenSearcher(synthetic) as searcher:
        statistics = searcher.scorer.statistics
        for segment in searcher.scorer.scorers():
            for field, text, boost in (("body", "muse", 1.0), ("title", "numer", 4.0)):
                leaf = segment.term_scores(field, text, boost)
                values = leaf.values.values() if isinstance(leaf.values, dict) else leaf.values
                bound = (statistics.idf(field, text) * (pruning.BM25_K1 + 1) * boost)
                assert max(values) < bound



def test_queries_of_several_words_prune_too(synthetic, monkeypatch):
    # Their proximity phrases are checked on positions for a few notes only.
    queries = ["stratégie numérique", "médiation numérique", "réseaux sociaux musées"]
    exhaustive, _ = answers(synthetic, queries, monkeypatch, prune=False)
    found, pruned = answers(synthetic, queries, monkeypatch, prune=True)
    assert found == exhaustive
    assert pruned >= len(queries) * len(LIMITS) // 2


def test_a_searcher_kept_open_ranks_what_it_has_decoded_exhaustively(synthetic, monkeypatch):
    calls = []
    real = pruning.rank_pruned

    def counted(*args, **kwargs):
        calls.append(real(*args, **kwargs))
        return calls[-1]

    monkeypatch.setattr(engine_search, "rank_pruned", counted)
    with GardenSearcher(synthetic) as searcher:
        first = searcher.search("stratégie numérique")
        again = searcher.search("stratégie numérique")
    assert calls[0] is not None and calls[1] is None  # pruned, then scored whole
    assert again == first
