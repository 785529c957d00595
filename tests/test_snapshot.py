"""An export right after a full index build takes the notes the build read from its
snapshot: the site is byte for byte the one a fresh export writes, notes changed since
are read again, and a snapshot that does not fit is ignored."""

from __future__ import annotations

import hashlib
import pickle
import shutil
import zlib
from pathlib import Path

import pytest

from museumxtd_search import parallel
from museumxtd_search.index import generations, snapshot
from museumxtd_search.index.build import build_index
from museumxtd_search.index.snapshot import snapshot_folder
from museumxtd_search.site.export import export_site
from museumxtd_search.vault import reading
from museumxtd_search.vault.files import find_files

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_NOTES = REPO_ROOT / "notes"


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _count_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real_parse = reading.parse_note
    monkeypatch.setattr(reading, "parse_note",
                        lambda path, data, *rest: parsed.append(path)
                        or real_parse(path, data, *rest))
    return parsed


@pytest.fixture
def garden(tmp_path) -> Path:
    copy = tmp_path / "garden"
    shutil.copytree(BUNDLED_NOTES, copy)
    return copy


@pytest.mark.parametrize("workers", ["one process", "one segment per core"])
def test_export_from_a_snapshot_is_the_export_that_reads_every_note(garden, tmp_path,
                                                                    monkeypatch, workers):
    monkeypatch.setitem(parallel.FORK_FROM, "build", 10**9 if workers == "one process" else 2)
    build_index(garden, tmp_path / "index", full=True)
    folder = snapshot_folder(tmp_path / "index", garden)
    assert sorted(folder.glob("snapshot-*.pickle"))
    parsed = _count_parses(monkeypatch)
    export_site(garden, tmp_path / "from-snapshot", snapshot=folder)
    assert parsed == []
    monkeypatch.undo()
    export_site(garden, tmp_path / "fresh")
    assert _digest(tmp_path / "from-snapshot") == _digest(tmp_path / "fresh")


def test_the_real_corpus_exports_alike_from_its_snapshot(corpus_dir, tmp_path):
    build_index(corpus_dir, tmp_path / "index", full=True)
    export_site(corpus_dir, tmp_path / "a", snapshot=snapshot_folder(tmp_path / "index",
                                                                    corpus_dir))
    export_site(corpus_dir, tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_notes_changed_since_the_snapshot_are_read_again(garden, tmp_path, monkeypatch):
    build_index(garden, tmp_path / "index", full=True)
    (garden / "Notes/Open data.md").write_text(
        "---\ntitle: Données ouvertes\naliases: [Open data]\n---\nLe tamanoir ouvert.\n",
        encoding="utf-8")
    (garden / "Notes/Nouvelle.md").write_text("# Nouvelle\n\nVoir [[Futur programme]].\n",
                                              encoding="utf-8")
    (garden / "Notes/Futur programme.md").write_text("# Futur programme\n", encoding="utf-8")
    (garden / "Notes/Crowdsourcing.md").unlink()
    build_index(garden, tmp_path / "index")  # an update leaves the snapshot as it was
    parsed = _count_parses(monkeypatch)
    export_site(garden, tmp_path / "from-snapshot",
                snapshot=snapshot_folder(tmp_path / "index", garden))
    assert sorted(parsed) == ["Notes/Futur programme.md", "Notes/Nouvelle.md",
                              "Notes/Open data.md"]
    monkeypatch.undo()
    export_site(garden, tmp_path / "fresh")
    assert _digest(tmp_path / "from-snapshot") == _digest(tmp_path / "fresh")


def test_a_snapshot_keeps_no_markdown_and_no_text_the_index_stores(garden, tmp_path):
    build_index(garden, tmp_path / "index", full=True)
    items = [item for part in snapshot_folder(tmp_path / "index", garden).glob(
        "snapshot-*.pickle") for item in pickle.loads(zlib.decompress(part.read_bytes()))[2]]
    assert len(items) == len(find_files(garden).notes)
    assert all(item.note.markdown == "" for item in items)
    indexed = [item for item in items if item.analyzed is not None]
    assert indexed and all(item.note.text == item.analyzed.note.text == ""
                           for item in indexed)
    assert all(item.note.text for item in items if item.analyzed is None)


def test_notes_whose_text_the_index_no_longer_holds_are_read_again(garden, tmp_path,
                                                                   monkeypatch):
    build_index(garden, tmp_path / "index", full=True)
    indexed = sorted(note.path for note in reading.read_vault(garden).notes
                     if note.searchable)
    monkeypatch.setattr(snapshot, "_indexed_texts", lambda folder: {})
    parsed = _count_parses(monkeypatch)
    export_site(garden, tmp_path / "from-snapshot",
                snapshot=snapshot_folder(tmp_path / "index", garden))
    assert sorted(parsed) == indexed
    monkeypatch.undo()
    export_site(garden, tmp_path / "fresh")
    assert _digest(tmp_path / "from-snapshot") == _digest(tmp_path / "fresh")


def test_a_note_reverted_after_an_update_takes_its_text_from_the_index_and_a_new_date(
        garden, tmp_path, monkeypatch):
    note = garden / "Notes/Open data.md"
    original = note.read_bytes()
    build_index(garden, tmp_path / "index", full=True)
    note.write_text("# Autre chose\n\nLe tamanoir.\n", encoding="utf-8")
    build_index(garden, tmp_path / "index")  # the indexed text is now another one
    note.write_bytes(original)  # the snapshot's bytes again (a newer file date), not indexed
    parsed = _count_parses(monkeypatch)
    export_site(garden, tmp_path / "from-snapshot",
                snapshot=snapshot_folder(tmp_path / "index", garden))
    assert parsed == []  # the replaced document still holds the original's text
    monkeypatch.undo()
    export_site(garden, tmp_path / "fresh")
    assert _digest(tmp_path / "from-snapshot") == _digest(tmp_path / "fresh")


def test_a_snapshot_is_compressed_to_well_under_half_its_pickle(garden, tmp_path):
    build_index(garden, tmp_path / "index", full=True)
    parts = [part.read_bytes() for part in
             snapshot_folder(tmp_path / "index", garden).glob("snapshot-*.pickle")]
    assert parts
    assert sum(map(len, parts)) < sum(len(zlib.decompress(part)) for part in parts) / 2


def test_an_uncompressed_snapshot_of_an_older_version_is_ignored(garden, tmp_path):
    build_index(garden, tmp_path / "index", full=True)
    folder = snapshot_folder(tmp_path / "index", garden)
    for part in folder.glob("snapshot-*.pickle"):
        part.write_bytes(zlib.decompress(part.read_bytes()))
    assert snapshot.read_snapshot(folder) is None


def test_a_snapshot_written_by_another_version_is_ignored(garden, tmp_path, monkeypatch):
    build_index(garden, tmp_path / "index", full=True)
    folder = snapshot_folder(tmp_path / "index", garden)
    for part in folder.glob("snapshot-*.pickle"):
        written_by, table, items = pickle.loads(zlib.decompress(part.read_bytes()))
        part.write_bytes(zlib.compress(
            pickle.dumps(((0, "0.0.0", written_by[2]), table, items))))
    assert snapshot.read_snapshot(folder) is None
    (folder / "snapshot-9.pickle").write_bytes(b"not a pickle")
    parsed = _count_parses(monkeypatch)
    export_site(garden, tmp_path / "site", snapshot=folder)
    assert len(parsed) == len(find_files(garden).notes)


def test_the_export_command_takes_a_snapshot_only_from_an_index_of_the_same_notes(
        garden, tmp_path, run_museumxtd):
    build_index(BUNDLED_NOTES, tmp_path / "other-index", full=True)
    assert snapshot_folder(tmp_path / "other-index", garden) is None
    build_index(garden, tmp_path / "index", full=True)
    assert snapshot_folder(tmp_path / "index", garden) == generations.live_generation(
        tmp_path / "index")
    for index in ("index", "other-index", "absent"):
        done = run_museumxtd("export", "--notes", str(garden), "--out",
                             str(tmp_path / f"site-{index}"), "--index", str(tmp_path / index))
        assert done.returncode == 0, done.stderr
    assert _digest(tmp_path / "site-index") == _digest(tmp_path / "site-other-index") == \
        _digest(tmp_path / "site-absent")
