"""The one JSON writer and reader of our own files (client index, the index's side
files): orjson's speed, the standard library's bytes and answers."""

from __future__ import annotations

import json

import pytest

from museumxtd_search.text.compact_json import decode_json, encode_json


def standard(data: object, sort_keys: bool) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=sort_keys,
                      separators=(",", ":")).encode("utf-8")


@pytest.mark.parametrize("sort_keys", [True, False])
def test_the_bytes_are_the_standard_librarys_in_either_key_order(sort_keys):
    data = {"z": [1, 2.5, None, True], "é": {"b": "l’œuvre \u2028", "a": []},
            "stamps": [1796290920487189039, 0, -1]}
    assert encode_json(data, sort_keys) == standard(data, sort_keys)
    assert decode_json(encode_json(data, sort_keys)) == data


def test_what_orjson_refuses_is_written_by_the_standard_library():
    for data in ({1: "a key that is not a string"}, {"n": 2**70}):
        assert encode_json(data) == standard(data, True)


@pytest.mark.parametrize("size", [10, 100_000], ids=["small", "large"])
def test_small_and_large_files_read_alike_and_bad_bytes_are_a_value_error(size):
    data = {"paths": [f"Notes/note {n}.md" for n in range(size // 20)], "n": [1.5, None]}
    encoded = encode_json(data, sort_keys=False)
    assert decode_json(encoded) == data
    with pytest.raises(ValueError):
        decode_json(encoded[:-1])
