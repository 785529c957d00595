"""Write the client index to disk: each JSON file plus its ``.js`` twin for ``file://``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from museumxtd_search.site.client_index import ClientIndex
from museumxtd_search.site.writer import write_text

_dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def write_data_file(folder: Path, name: str, data: object, digest=None) -> int:
    """Write ``name.json`` and ``name.js`` (``MXSearchData("name", …);``) into ``folder``,
    which must exist; return the JSON's size in bytes. ``digest`` (a ``hashlib`` object),
    if given, is updated with the file's name and JSON."""
    text = _dump(data)
    base = os.path.join(folder, name)
    size = write_text(base + ".json", text)
    if digest is not None:
        digest.update(f"{name}\0{text}\0".encode())
    # JSON is valid JavaScript except for two line separators; escape them for <script>.
    script = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    write_text(base + ".js", f'MXSearchData("{name}",{script});\n')
    return size


def write_client_index(index: ClientIndex, folder: Path, digest=None) -> None:
    """Write every file of the client index under ``folder`` (the site's ``search/``):
    the manifest, the words shards, the posting buckets, the fragments and the whole
    vocabulary (for typo corrections). ``digest``, if given, is updated with every
    file's name and content, in a fixed order."""
    (folder / "fragments").mkdir(parents=True, exist_ok=True)
    write_data_file(folder, "manifest", index.manifest, digest)
    write_data_file(folder, "vocabulary", index.vocabulary, digest)
    for name, shard in sorted(index.shards.items()):
        write_data_file(folder, f"words-{name}", shard, digest)
    for number, bucket in enumerate(index.buckets):
        write_data_file(folder, f"post-{number}", bucket, digest)
    for number, fragment in enumerate(index.fragments):
        write_data_file(folder, f"fragments/{number}", fragment, digest)
