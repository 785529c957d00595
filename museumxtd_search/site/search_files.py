"""Write the client index to disk: each JSON file plus its ``.js`` twin for ``file://``.

The JSON is compact, with sorted keys and unescaped UTF-8, so two builds of the same
notes give the same bytes. orjson writes it: posting lists are millions of small
integers, which the standard library encodes at about 20 MB/s and orjson ten times
faster (a one-note edit of a 10,000-note preview rewrites some 10 MB of them). Its
bytes are the standard library's (``json.dumps(..., ensure_ascii=False,
sort_keys=True, separators=(",", ":"))``, tested on real client indexes), but for
floats below 1e-4, written ``1e-7`` rather than ``1e-07``; data it refuses (a lone surrogate,
an integer beyond 64 bits) goes to the standard library, which answers as it always did.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson

from museumxtd_search.site.client_index import ClientIndex
from museumxtd_search.site.writer import write_bytes

_standard_dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True,
                                  separators=(",", ":")).encode
# JSON is valid JavaScript except for two line separators; escaped for <script>.
_LINE_SEPARATORS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


def encode_json(data: object) -> bytes:
    """``data`` as the client index's JSON, in UTF-8."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate, a huge integer
        return _standard_dump(data).encode("utf-8")


def write_data_file(folder: Path, name: str, data: object, digest=None) -> int:
    """Write ``name.json`` and ``name.js`` (``MXSearchData("name", …);``) into ``folder``,
    which must exist; return the JSON's size in bytes. ``digest`` (a ``hashlib`` object),
    if given, is updated with the file's name and JSON."""
    encoded = encode_json(data)
    base = os.path.join(folder, name)
    size = write_bytes(base + ".json", encoded)
    if digest is not None:
        digest.update(name.encode() + b"\0" + encoded + b"\0")
    script = encoded
    for separator, escaped in _LINE_SEPARATORS:
        if separator in script:
            script = script.replace(separator, escaped)
    write_bytes(base + ".js", b'MXSearchData("' + name.encode() + b'",' + script + b");\n")
    return size


def write_client_index(index: ClientIndex, folder: Path,
                       previous: ClientIndex | None = None, digest=None) -> int:
    """Write every file of the client index under ``folder`` (the site's ``search/``):
    the manifest, the words shards, the posting buckets, the fragments and the whole
    vocabulary (for typo corrections). Given the ``previous`` index written there, only
    the files whose data changed are written (a live preview's update). ``digest``, if
    given, is updated with every file written, name and content, in a fixed order.
    Returns the number of files written (JSON and ``.js`` twins count once)."""
    (folder / "fragments").mkdir(parents=True, exist_ok=True)
    old = previous or ClientIndex({}, {}, [], [], {})
    files = [("manifest", index.manifest, old.manifest),
             ("vocabulary", index.vocabulary, old.vocabulary),
             ("notes", index.notes, old.notes),
             ("facets", index.facets, old.facets)]
    files += [(f"words-{name}", shard, old.shards.get(name))
              for name, shard in sorted(index.shards.items())]
    files += [(f"post-{number}", bucket, old.buckets[number] if number < len(old.buckets)
               else None) for number, bucket in enumerate(index.buckets)]
    files += [(f"fragments/{number}", fragment, old.fragments[number]
               if number < len(old.fragments) else None)
              for number, fragment in enumerate(index.fragments)]
    written = 0
    for name, data, before in files:
        if previous is None or data != before:
            write_data_file(folder, name, data, digest)
            written += 1
    return written
