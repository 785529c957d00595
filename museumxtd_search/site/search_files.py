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
             ("notes", index.notes, old.notes)]
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
