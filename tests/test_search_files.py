"""The client index's files: orjson writes exactly the standard library's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from museumxtd_search.site.client_index import Postings, decode_postings, replace_posting
from museumxtd_search.site.search_files import (
    encode_json,
    parse_data_file,
    read_data_file,
    read_fragments,
    write_data_file,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "museumxtd"


def standard(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


@pytest.mark.parametrize("data", [
    {"b": 1.5, "a": [1e16, 0.1, 2.0, -0.0, 0.0001, 123456789.125, 281.5390625]},
    {"réseaux": [[0, 1, 3, 7]], "Évaluation": "l’œuvre « musée » \u2028 \u2029 \t\n\"\\"},
    {"z": {"y": {"x": [True, False, None, 18446744073709551615 // 2]}}},
    ["emoji 🏛️", "\x00\x1f\x7f", "</script>"],
    {},
])
def test_the_json_is_the_standard_librarys(data):
    assert encode_json(data) == standard(data)


def test_a_tiny_float_is_the_same_number_with_a_shorter_exponent():
    assert encode_json([1e-7]) == b"[1e-7]" and json.loads(encode_json([1e-7])) == [1e-7]


def test_what_orjson_refuses_is_written_as_the_standard_library_does():
    assert encode_json({"n": 2**70}) == standard({"n": 2**70})


def test_a_data_file_is_one_script_whose_json_escapes_the_two_line_separators(tmp_path):
    size = write_data_file(tmp_path, "post-1", {"t": "a\u2028b\u2029c"})
    script = (tmp_path / "post-1.js").read_bytes()
    assert size == len(script)
    assert script.decode("utf-8") == 'MXSearchData("post-1",{"t":"a\\u2028b\\u2029c"});\n'
    assert read_data_file(tmp_path, "post-1") == {"t": "a\u2028b\u2029c"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post-1.js"]  # no .json twin


@pytest.mark.parametrize("garden", [REPO_ROOT / "notes", CORPUS], ids=["notes", "corpus"])
def test_every_file_of_a_real_client_index_holds_the_standard_librarys_json(garden, tmp_path):
    if not garden.is_dir():
        pytest.skip("../shared is absent")
    from museumxtd_search.site.export import export_site
    export_site(garden, tmp_path / "site")
    files = sorted((tmp_path / "site" / "search").rglob("*.js"))
    assert len(files) > 50
    assert not list((tmp_path / "site" / "search").rglob("*.json"))
    for file in files:
        name = file.relative_to(tmp_path / "site" / "search").with_suffix("").as_posix()
        written = file.read_bytes()
        json_bytes = written[len(f'MXSearchData("{name}",'):-len(");\n")]
        data = parse_data_file(written)
        assert json_bytes.replace(b"\\u2028", "\u2028".encode()).replace(
            b"\\u2029", "\u2029".encode()) == standard(data), file.name


# --- posting lists: flat and gap-coded -------------------------------------------------
def flat_list(postings: list[list[int]]) -> list[int]:
    table = Postings()
    for doc, *entry in postings:
        table.add("t", doc, tuple(entry))
    return table["t"]


POSITIONAL = [[2, 1, 9, 4], [5, 3, 12, 0, 2, 7], [6, 1, 3, 1], [40, 2, 8, 5, 1]]
PLAIN = [[0, 2, 7], [3, 1, 4], [9, 5, 20]]


def test_a_posting_list_is_written_flat_with_gaps_between_notes():
    assert flat_list(POSITIONAL) == [2, 1, 9, 4, 3, 3, 12, 0, 2, 7, 1, 1, 3, 1, 34, 2, 8, 5, 1]
    assert flat_list(PLAIN) == [0, 2, 7, 3, 1, 4, 6, 5, 20]
    assert decode_postings(flat_list(POSITIONAL), True) == POSITIONAL
    assert decode_postings(flat_list(PLAIN), False) == PLAIN


@pytest.mark.parametrize(("postings", "positional"), [(POSITIONAL, True), (PLAIN, False)])
@pytest.mark.parametrize("doc", [0, 1, 2, 3, 5, 6, 9, 40, 41])
@pytest.mark.parametrize("replaced", [True, False], ids=["put", "removed"])
def test_replacing_one_notes_posting_keeps_every_other_note_where_it_was(
        postings, positional, doc, replaced):
    posting = [doc, 2, 11, *([1, 3] if positional else [])] if replaced else None
    expected = sorted([p for p in postings if p[0] != doc] + ([posting] if posting else []))
    flat = flat_list(postings)
    replace_posting(flat, doc, flat_list([posting]) if posting else None, positional)
    assert flat == flat_list(expected) if expected else flat == []


def test_fragments_are_written_two_notes_per_file_in_note_order(tmp_path):
    from museumxtd_search.site.export import export_site
    export_site(REPO_ROOT / "notes", tmp_path / "site")
    search = tmp_path / "site" / "search"
    manifest = read_data_file(search, "manifest")
    files = list((search / "fragments").glob("*.js"))
    assert manifest["fragments_per_file"] == 2
    assert len(files) == (manifest["doc_count"] + 1) // 2
    fragments = read_fragments(search)
    assert len(fragments) == manifest["doc_count"]
    assert [f["path"] for f in fragments] == sorted(f["path"] for f in fragments)
    assert read_data_file(search, "fragments/1") == fragments[2:4]
