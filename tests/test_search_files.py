"""The client index's files: orjson writes exactly the standard library's JSON, and a
file whose JSON packs shorter (deflate, base 85) holds it packed."""

from __future__ import annotations

import json
import random
import zlib
from base64 import b85decode
from pathlib import Path

import pytest
from node_support import run_node_lines, write_engine

from museumxtd_search.site.client_index import Postings, decode_postings, replace_posting
from museumxtd_search.site.search_files import (
    data_file_bytes,
    encode_json,
    pack_json,
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


def test_a_small_data_file_is_one_script_whose_json_escapes_the_two_line_separators(tmp_path):
    size = write_data_file(tmp_path, "post-1", {"t": "a\u2028b\u2029c"})
    script = (tmp_path / "post-1.js").read_bytes()
    assert size == len(script)
    assert script.decode("utf-8") == 'MXSearchData("post-1",{"t":"a\\u2028b\\u2029c"});\n'
    assert read_data_file(tmp_path, "post-1") == {"t": "a\u2028b\u2029c"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post-1.js"]  # no .json twin


def test_a_data_file_that_packs_shorter_holds_its_json_deflated_in_base_85_digits():
    data = {"réseau": [[doc, 1, 12, doc % 7] for doc in range(300)], "t": "\u2028 « musée »"}
    script = data_file_bytes("post-7", data)
    prefix, suffix = b'MXSearchData("post-7","', b'");\n'
    assert script.startswith(prefix) and script.endswith(suffix)
    digits = script[len(prefix):-len(suffix)]
    assert b'"' not in digits and b"\\" not in digits and digits.isascii()
    assert zlib.decompress(b85decode(digits), -zlib.MAX_WBITS) == encode_json(data)
    assert len(script) < len(encode_json(data)) / 3
    assert parse_data_file(script) == data


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 97, 4096])
def test_packed_json_reads_back_whatever_its_length(size):
    chooser = random.Random(size)
    data = ["".join(chooser.choice("aé’ \"\\\n") for _ in range(size))]
    assert parse_data_file(b'MXSearchData("x",' + pack_json(encode_json(data)) + b");\n") == data


def test_the_browser_engine_reads_every_data_file_as_python_does(node, tmp_path):
    # Node runs the page's own reader (MXSearch.parseDataFile: base 85 digits, then
    # DecompressionStream), on plain and packed files of every length modulo 4.
    script = write_engine(tmp_path)
    chooser = random.Random(7)
    written = []
    for number in range(40):
        data = {"n": number, "words": ["".join(chooser.choice("aéz’ \"\\\u2028🏛")
                                                for _ in range(chooser.randrange(60)))
                                        for _ in range(number * 5)]}
        write_data_file(tmp_path, f"post-{number}", data)
        written.append(data)
    reader = tmp_path / "read.js"
    reader.write_text(
        "const fs = require('fs'), path = require('path');"
        f"const MXSearch = require({json.dumps(str(script))});"
        "const names = fs.readFileSync(0, 'utf8').split('\\n').filter(Boolean);"
        "(async () => { for (const name of names) {"
        "  const text = fs.readFileSync(path.join(process.argv[2], name + '.js'), 'utf8');"
        "  process.stdout.write(JSON.stringify(await MXSearch.parseDataFile(text)) + '\\n');"
        "} })();", encoding="utf-8")
    lines = run_node_lines(node, reader, [str(tmp_path)], [f"post-{n}" for n in range(40)])
    assert [json.loads(line) for line in lines] == written
    assert sum(read_data_file(tmp_path, f"post-{n}") == written[n] for n in range(40)) == 40
    assert sum((tmp_path / f"post-{n}.js").read_bytes().startswith(b'MXSearchData("post-'
               + str(n).encode() + b'","') for n in range(40)) > 30  # most are packed


def test_a_browser_that_cannot_inflate_says_so_and_still_reads_plain_files(node, tmp_path):
    script = write_engine(tmp_path)
    write_data_file(tmp_path, "post-1", {"a": [1]})
    write_data_file(tmp_path, "post-2", {"a": list(range(500))})
    reader = tmp_path / "old_browser.js"
    reader.write_text(
        "const fs = require('fs'), path = require('path');"
        f"const MXSearch = require({json.dumps(str(script))});"
        "delete globalThis.DecompressionStream;"
        "const read = (name) => MXSearch.parseDataFile("
        "  fs.readFileSync(path.join(process.argv[2], name + '.js'), 'utf8'));"
        "(async () => {"
        "  process.stdout.write(JSON.stringify(await read('post-1')) + '\\n');"
        "  await read('post-2').then(() => process.stdout.write('read\\n'),"
        "    (error) => process.stdout.write(error.message + '\\n'));"
        "})();", encoding="utf-8")
    plain, packed = run_node_lines(node, reader, [str(tmp_path)], ["", ""])
    assert json.loads(plain) == {"a": [1]}
    assert packed.startswith("this browser cannot unpack the search index (")


@pytest.mark.parametrize("garden", [REPO_ROOT / "notes", CORPUS], ids=["notes", "corpus"])
def test_every_file_of_a_real_client_index_holds_the_standard_librarys_json(garden, tmp_path):
    if not garden.is_dir():
        pytest.skip("../shared is absent")
    from museumxtd_search.site.export import export_site
    export_site(garden, tmp_path / "site")
    files = sorted((tmp_path / "site" / "search").rglob("*.js"))
    assert len(files) > 50
    assert not list((tmp_path / "site" / "search").rglob("*.json"))
    packed = 0
    for file in files:
        name = file.relative_to(tmp_path / "site" / "search").with_suffix("").as_posix()
        written = file.read_bytes()
        inside = written[len(f'MXSearchData("{name}",'):-len(");\n")]
        data = parse_data_file(written)
        if inside.startswith(b'"'):
            packed += 1
            json_bytes = zlib.decompress(b85decode(inside[1:-1]), -zlib.MAX_WBITS)
            assert len(inside) < len(json_bytes), file.name  # packed only when shorter
        else:
            json_bytes = inside.replace(b"\\u2028", "\u2028".encode()).replace(
                b"\\u2029", "\u2029".encode())
            assert len(pack_json(json_bytes)) >= len(inside), file.name
        assert json_bytes == standard(data), file.name
    assert packed > len(files) / 2


# --- posting lists: flat and gap-coded -------------------------------------------------
def flat_list(postings: list[list[int]]) -> list[int]:
    table = Postings()
    for doc, *entry in postings:
        table.add("t", doc, tuple(entry))
    return table["t"]


POSITIONAL = [[2, 1, 9, 4], [5, 3, 12, 0, 2, 7], [6, 1, 3, 1], [40, 2, 8, 5, 1]]
PLAIN = [[0, 2, 7], [3, 1, 4], [9, 5, 20]]


def test_a_notes_field_adds_the_postings_that_add_would_append(corpus_dir):
    # _add_postings writes Postings.add out (2.4 million calls at 10,000 notes).
    from collections import Counter
    from itertools import pairwise

    from museumxtd_search.analysis.documents import analyze_note
    from museumxtd_search.engine.storage.postings import quantized_length
    from museumxtd_search.site.client_index import _add_postings
    from museumxtd_search.vault.reading import read_vault

    vault = read_vault(corpus_dir)
    fields = [analyze_note(note, vault.links.resolve_all(note), vault.links).fields
              for note in vault.notes if note.searchable]
    for name in fields[0]:
        for positional in (False, True):
            fast, spec = Postings(), Postings()
            for doc, terms in enumerate(f[name] for f in fields):
                _add_postings(fast, doc, terms, positional)
                length = quantized_length(len(terms))
                for term, count in Counter(terms).items():
                    where = [at for at, word in enumerate(terms) if word == term]
                    gaps = [b - a for a, b in pairwise(where)]
                    spec.add(term, doc, (count, length, where[0], *gaps) if positional
                             else (count, length))
            assert dict(fast.items()) == dict(spec.items()), (name, positional)


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
