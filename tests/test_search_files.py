"""The client index's files: orjson writes exactly the standard library's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from museumxtd_search.site.search_files import encode_json, write_data_file

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


def test_the_script_twin_escapes_the_two_line_separators(tmp_path):
    size = write_data_file(tmp_path, "post-1", {"t": "a\u2028b\u2029c"})
    written = (tmp_path / "post-1.json").read_bytes()
    assert size == len(written) and written == standard({"t": "a\u2028b\u2029c"})
    script = (tmp_path / "post-1.js").read_text(encoding="utf-8")
    assert script == 'MXSearchData("post-1",{"t":"a\\u2028b\\u2029c"});\n'


@pytest.mark.parametrize("garden", [REPO_ROOT / "notes", CORPUS], ids=["notes", "corpus"])
def test_every_file_of_a_real_client_index_is_the_standard_librarys_json(garden, tmp_path):
    if not garden.is_dir():
        pytest.skip("../shared is absent")
    from museumxtd_search.site.export import export_site
    export_site(garden, tmp_path / "site")
    files = sorted((tmp_path / "site" / "search").rglob("*.json"))
    assert len(files) > 50
    for file in files:
        written = file.read_bytes()
        assert written == standard(json.loads(written)), file.name
