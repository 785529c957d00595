"""Plain texts, Word and OpenDocument files are searched like PDFs: results name the
file and link to it, ``--type`` keeps one kind, a changed file is read again and an
unchanged one never, and a file that cannot be read is one warning. One bad page of a
PDF loses that page only.

Every file here is written by the tests (``office_files``, ``pdf_files``).
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from office_files import bomb_docx_bytes, docx_bytes, odt_bytes
from pdf_files import pdf_bytes

from museumxtd_search.api import Garden
from museumxtd_search.cli import cli
from museumxtd_search.vault import office_text
from museumxtd_search.vault.attachments import plain_text

MINUTES = "Docs/Compte rendu.docx"
PLAN = "Docs/Plan de conservation.odt"
README = "Docs/Lisez-moi.txt"
SURVEY = "Docs/Enquête.pdf"


def garden_files() -> dict[str, str | bytes]:
    return {
        "Notes/Inventaire.md": "# Inventaire\n\nL'inventaire du musée. Voir "
                               "[[Compte rendu.docx]].\n",
        MINUTES: docx_bytes(["Compte rendu de la réunion du comité.",
                             "Le récolement décennal commence en mars."]),
        PLAN: odt_bytes(["Conservation préventive des textiles anciens."], heading="Plan"),
        README: b"Consignes de manipulation des herbiers.\n",
        "Docs/Ancien.txt": "Procédure de prêt des œuvres.".encode("cp1252"),
        "Docs/Abîmé.docx": b"PK\x03\x04 not a zip any more",
        "Docs/Vide.odt": odt_bytes([]),
        SURVEY: pdf_bytes(["Enquête sur les publics.", "Page illisible.",
                           "Les visiteurs du dimanche."], unreadable=frozenset({2})),
    }


@pytest.fixture
def garden(make_vault, tmp_path) -> Garden:
    return Garden(make_vault(garden_files()), index=tmp_path / "index")


def test_word_text_is_its_paragraphs_without_deleted_revisions():
    text = office_text.office_text(docx_bytes(["Premier paragraphe du texte."]), "docx")
    assert text == "Premier paragraphe du texte.\nFin\tdu\ntexte"
    assert "effacé" not in text


def test_opendocument_text_keeps_spans_headings_and_counted_spaces():
    text = office_text.office_text(odt_bytes(["Une belle collection ancienne"], "Titre"), "odt")
    assert text == "Titre\nUne belle  collection ancienne"


def test_a_zip_bomb_is_refused_before_it_unpacks(monkeypatch):
    monkeypatch.setattr(office_text, "MAX_BODY_BYTES", 1024 * 1024)
    with pytest.raises(ValueError, match="unpacks to"):
        office_text.office_text(bomb_docx_bytes(2 * 1024 * 1024), "docx")


def test_plain_text_not_in_utf8_is_read_as_windows_1252_with_a_warning():
    assert plain_text("déjà".encode("utf-8-sig")) == ("déjà", "")
    assert plain_text("déjà".encode("utf-16")) == ("déjà", "")
    text, problem = plain_text("œuvre".encode("cp1252"))
    assert text == "œuvre" and "Windows-1252" in problem


def test_each_kind_is_found_and_names_its_file(garden):
    for words, path in [("récolement décennal", MINUTES), ("textiles conservation", PLAN),
                        ("herbiers", README), ("prêt des oeuvres", "Docs/Ancien.txt")]:
        hit = garden.query(words).results[0]
        assert hit.path == path, words
        assert hit.title == path.rsplit("/", 1)[1].rpartition(".")[0]
        assert hit.anchor == ""  # a link opens the file: there is no place in it to reach


def test_type_keeps_one_kind_of_attachment(garden):
    garden.index()

    def paths(kind: str) -> set[str]:
        result = CliRunner().invoke(cli, ["query", "inventaire OR récolement OR herbiers OR "
                                          "textiles OR visiteurs", "--notes", str(garden.notes),
                                          "--index", str(garden.index_dir), "--json",
                                          "--type", kind])
        assert result.exit_code == 0, result.output
        return {hit["path"] for hit in json.loads(result.stdout)["results"]}

    assert paths("docx") == {MINUTES}
    assert paths("odt") == {PLAN}
    assert paths("txt") == {README}
    assert paths("pdf") == {SURVEY}
    assert paths("note") == {"Notes/Inventaire.md"}


def test_unreadable_files_and_pages_give_one_warning_each(run_museumxtd, garden):
    done = run_museumxtd("index", "--notes", str(garden.notes), "--index",
                         str(garden.index_dir))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 4, warnings
    assert any("Docs/Abîmé.docx" in w and "cannot be read" in w for w in warnings)
    assert any("Docs/Vide.odt" in w and "no text" in w for w in warnings)
    assert any("Docs/Ancien.txt" in w and "Windows-1252" in w for w in warnings)
    assert any(f"{SURVEY}: page 2 not indexed" in w for w in warnings)
    # The pages around the bad one are searched, each at its own page.
    assert [(hit.path, hit.anchor) for hit in garden.query("visiteurs dimanche").results] == \
        [(SURVEY, "page=3")]
    assert garden.query("enquête publics").results[0].anchor == "page=1"


def test_a_changed_attachment_is_read_again_and_an_unchanged_one_never(garden, monkeypatch):
    read: list[str] = []
    original = office_text.office_text

    def counting(data: bytes, kind: str) -> str:
        read.append(kind)
        return original(data, kind)

    monkeypatch.setattr(office_text, "office_text", counting)
    garden.index()
    assert sorted(read) == ["docx", "docx", "odt", "odt"]  # every Word and ODF file, once
    read.clear()
    assert garden.index().updated == 0 and read == []
    minutes = garden.notes / MINUTES
    minutes.write_bytes(docx_bytes(["Compte rendu : la restauration des cadres."]))
    stat = minutes.stat()
    os.utime(minutes, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert garden.index().updated == 1 and read == ["docx"]
    assert garden.query("restauration cadres", refresh=False).results[0].path == MINUTES
    assert not garden.query("récolement", refresh=False).results


def test_the_exported_site_links_each_result_to_its_copied_file(garden, tmp_path):
    from museumxtd_search.site.urls import asset_url, document_url

    out = tmp_path / "site"
    summary = garden.export(out)
    assert summary.searchable == 6  # the note, the PDF, two texts, the Word and ODF files
    assert document_url(MINUTES, {}) == asset_url(MINUTES) == "assets/docs/compte-rendu.docx"
    for path in (MINUTES, PLAN, README):
        assert (out / asset_url(path)).read_bytes() == (garden.notes / path).read_bytes()


def test_an_export_from_the_index_snapshot_reads_attachments_as_a_fresh_export_does(
        garden, tmp_path):
    # The snapshot keeps no note bodies: a note's comes back from its bytes, and an
    # attachment's bytes are not its text.
    import hashlib

    from museumxtd_search.index.build import build_index
    from museumxtd_search.index.snapshot import read_garden, snapshot_folder
    from museumxtd_search.site.export import export_site
    from museumxtd_search.vault.reading import read_vault

    build_index(garden.notes, garden.index_dir, full=True)
    folder = snapshot_folder(garden.index_dir, garden.notes)
    kept, _ = read_garden(garden.notes, (), folder)
    fresh = read_vault(garden.notes)
    assert [(n.path, n.markdown, n.text) for n in kept.notes] == \
        [(n.path, n.markdown, n.text) for n in fresh.notes]
    assert kept.note(SURVEY).markdown == "" and "dimanche" in kept.note(SURVEY).text
    export_site(garden.notes, tmp_path / "a", snapshot=folder)
    export_site(garden.notes, tmp_path / "b")
    digest = {site: {str(p.relative_to(tmp_path / site)): hashlib.sha256(p.read_bytes()).digest()
                     for p in (tmp_path / site).rglob("*") if p.is_file()} for site in "ab"}
    assert digest["a"] == digest["b"]
