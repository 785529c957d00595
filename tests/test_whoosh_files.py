"""The query command reads Whoosh's files itself (index/whoosh_files.py): every part it
reads equals what Whoosh's own reader gives, on indexes written every way the product
writes them, and a query process never imports Whoosh's readers.

Compared with Whoosh's public API, term by term and document by document: segments
(documents, deletions, field lengths, document numbering), each term's entry
(document frequency, inlined postings or posting-list extent), absent terms, length
bytes, stored fields and the ``title_order`` column.
"""

from __future__ import annotations

import random
import shutil
import textwrap
from io import BytesIO
from pathlib import Path

import pytest
import whoosh.index
from whoosh import columns
from whoosh.fields import ID, Schema
from whoosh.filedb.structfile import StructFile

from museumxtd_search import parallel
from museumxtd_search.engine.storage.postings import LENGTH_OF_BYTE
from museumxtd_search.engine.storage.reader import (
    IndexFiles,
    IndexFormatError,
    Region,
    VarBytesColumn,
)
from museumxtd_search.engine.storage.schema import build_schema
from museumxtd_search.index import generations
from museumxtd_search.index.build import build_index

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_NOTES = REPO_ROOT / "notes"


def assert_reads_like_whoosh(folder: Path) -> int:
    """Compare everything ``IndexFiles`` reads in ``folder`` with Whoosh's reader;
    returns the number of terms compared."""
    terms = 0
    with IndexFiles(folder) as files, \
            whoosh.index.open_dir(str(folder)).reader() as reader:
        leaves = reader.leaf_readers()
        assert [offset for _, offset in leaves] == [o for _, o in files.leaves()]
        assert files.doc_count_all == reader.doc_count_all()
        for (ours, _), (theirs, _) in zip(files.leaves(), leaves, strict=True):
            segment = theirs.segment()
            assert ours.doc_count_all == theirs.doc_count_all()
            assert ours.deleted == frozenset(segment.deleted_docs())
            assert ours.field_lengths == dict(segment._fieldlengths)
            for field, text in theirs.all_terms():
                expected = theirs.term_info(field, text)
                found = ours.terms.term_info(field, text.decode("utf-8"))
                assert found is not None, (field, text)
                assert found.doc_frequency == expected.doc_frequency()
                if expected.is_inlined():
                    assert found.inlined == expected.inlined_postings()
                else:
                    offset, (length,) = expected.extent()
                    assert (found.inlined, found.offset, found.length) == (None, offset, length)
                terms += 1
            for field, text in [("body", "absent-word"), ("nofield", "musée"), ("path", "")]:
                assert ours.terms.term_info(field, text) is None
            for field in theirs.indexed_field_names():
                lengths = ours.lengths(field) or bytes(ours.doc_count_all)
                assert [LENGTH_OF_BYTE[lengths[doc]] for doc in range(ours.doc_count_all)] \
                    == [theirs.doc_field_length(doc, field) or 0
                        for doc in range(ours.doc_count_all)], field
        titles = files.column("title_order")
        expected_titles = reader.column_reader("title_order") \
            if reader.has_column("title_order") else None
        for doc in range(reader.doc_count_all()):
            assert files.stored_fields(doc) == reader.stored_fields(doc), doc
            if expected_titles is not None:
                assert titles[doc] == expected_titles[doc], doc
    return terms


def test_a_one_segment_index_reads_like_whoosh(bundled_index):
    assert assert_reads_like_whoosh(generations.live_generation(bundled_index)) > 1000


def test_a_parallel_build_reads_like_whoosh(tmp_path, monkeypatch):
    monkeypatch.setitem(parallel.FORK_FROM, "build", 2)
    build_index(BUNDLED_NOTES, tmp_path / "index", full=True)
    generation = generations.live_generation(tmp_path / "index")
    with IndexFiles(generation) as files:
        assert len(files.segments) == 2
    assert assert_reads_like_whoosh(generation) > 1000


def test_an_updated_index_with_deleted_notes_reads_like_whoosh(tmp_path):
    notes = tmp_path / "notes"
    shutil.copytree(BUNDLED_NOTES, notes)
    build_index(notes, tmp_path / "index", full=True)
    rng = random.Random(7)
    for round_number in range(2):
        files = sorted(p for p in notes.rglob("*.md") if p.is_file())
        for path in rng.sample(files, 5):
            path.write_text(path.read_text(encoding="utf-8") + f"\n\nAjout {round_number}.\n",
                            encoding="utf-8")
        rng.choice(files).unlink()
        build_index(notes, tmp_path / "index")
    generation = generations.live_generation(tmp_path / "index")
    with IndexFiles(generation) as opened:
        assert len(opened.segments) > 1 and any(s.deleted for s in opened.segments)
    assert_reads_like_whoosh(generation)


def test_the_real_corpus_index_reads_like_whoosh(corpus_build):
    _, index_dir = corpus_build
    assert assert_reads_like_whoosh(generations.live_generation(index_dir)) > 5000


@pytest.mark.parametrize("cutoff", [10, 2**15])
def test_columns_of_values_read_like_whoosh_with_or_without_offsets(cutoff):
    # Whoosh writes the offsets of a column's values too above 32,768 documents in a
    # segment (here from 10, on 300): both layouts are read.
    values = [("é" * (n % 7) + str(n)).encode() if n % 4 else b"" for n in range(300)]
    buffer = BytesIO()
    writer = columns.VarBytesColumn(write_offsets_cutoff=cutoff).writer(StructFile(buffer))
    for doc, value in enumerate(values):
        if value:
            writer.add(doc, value)
    writer.finish(len(values))
    data = buffer.getvalue()
    assert data.endswith(b"X") == (cutoff == 10)
    column = VarBytesColumn(Region(data, 0, len(data), "test.col"), len(values))
    assert [column[doc] for doc in range(len(values))] == values


def test_a_non_compound_segment_reads_like_whoosh(tmp_path):
    ix = whoosh.index.create_in(str(tmp_path), build_schema())
    writer = ix.writer(compound=False)
    for number in range(50):
        writer.add_document(path=f"{number}.md", body=f"musée numérique w{number % 7}",
                            meta="{}", title_order=f"note {number % 9}".encode())
    writer.commit(merge=False)
    assert not any(name.endswith(".seg") for name in ix.storage.list())
    assert assert_reads_like_whoosh(tmp_path) > 10


def test_an_empty_index_has_no_documents(tmp_path):
    whoosh.index.create_in(str(tmp_path), Schema(path=ID(stored=True)))
    with IndexFiles(tmp_path) as files:
        assert files.segments == [] and files.doc_count_all == 0


# --- what a query process loads, and damaged files -------------------------------------

def test_a_query_process_imports_none_of_whooshs_readers(run_museumxtd, tmp_path):
    program = textwrap.dedent("""
        import sys
        from museumxtd_search.cli import main
        try:
            main()
        except SystemExit as done:
            assert not done.code, done.code
        loaded = sorted(name for name in sys.modules
                        if name in ("hashlib", "fcntl") or name.startswith((
                            "whoosh.index", "whoosh.fields", "whoosh.codec", "whoosh.reading",
                            "whoosh.searching", "whoosh.analysis", "whoosh.filedb")))
        print("loaded:", loaded, file=sys.stderr)
    """)
    built = run_museumxtd("index", "--notes", str(BUNDLED_NOTES), "--index",
                          str(tmp_path / "index"))
    assert built.returncode == 0, built.stderr
    done = run_museumxtd("query", "--notes", str(BUNDLED_NOTES), "--index",
                         str(tmp_path / "index"), "réseaux sociaux", program=program)
    assert done.returncode == 0, done.stderr
    assert "Les réseaux sociaux" in done.stdout
    assert "loaded: []" in done.stderr


@pytest.mark.parametrize("damage", ["truncated segment", "garbled terms", "garbled toc",
                                    "missing segment"])
def test_a_damaged_index_is_one_line_naming_the_file(run_museumxtd, tmp_path, damage):
    index_dir = tmp_path / "index"
    build_index(BUNDLED_NOTES, index_dir)
    generation = generations.live_generation(index_dir)
    segment = next(generation.glob("*.seg"))
    toc = next(generation.glob("*.toc"))
    if damage == "truncated segment":
        segment.write_bytes(segment.read_bytes()[:200])
        named = segment.name
    elif damage == "garbled terms":
        with IndexFiles(generation) as files:
            region = files.segments[0].terms.region
            start = files.segments[0]._directory[region.name][0]
            segment = generation / f"{files.segments[0].name}.seg"
        data = bytearray(segment.read_bytes())
        data[start:start + 4] = b"XXXX"
        segment.write_bytes(bytes(data))
        named = region.name
    elif damage == "garbled toc":
        toc.write_bytes(toc.read_bytes()[:40] + b"\x00garbage")
        named = toc.name
    else:
        segment.unlink()
        named = segment.name
    done = run_museumxtd("query", "--notes", str(BUNDLED_NOTES), "--index", str(index_dir),
                         "musée")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: damaged index file"), lines
    assert named in lines[0] and "museumxtd-search index --full" in lines[0]
    with pytest.raises(IndexFormatError):
        IndexFiles(generation)
