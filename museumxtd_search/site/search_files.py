"""Write the client index to disk: one ``.js`` file per shard, read over HTTP and from ``file://``.

Each file is ``MXSearchData("name",<data>);``: a page opened from disk loads it with a
``<script>`` tag (browsers refuse ``fetch`` on ``file://``), a page served over HTTP
fetches it and parses the data between the first comma and the last parenthesis. One
file per shard, where there used to be a ``.json`` file and its ``.js`` twin, halves
the files and bytes a host must store (10,000 notes: 29,000 files and 124 MB before).

``<data>`` is the JSON itself, or, where that is shorter, the JSON packed: compressed
(raw deflate) and written as one string of base 85 digits (Python's ``b85encode``
alphabet, which has no quote or backslash). Pagefind stores its files gzipped and
inflates them in WebAssembly; a script that must also load from ``file://`` cannot
hold bytes, so packing is how ours stay no larger on disk (10,000 notes: 51.6 MB of
JSON, 24.8 MB packed, Pagefind 25.7 MB). Base 85 rather than base 64 because its
quarter of overhead instead of a third is that difference; the browser unpacks with
its own ``DecompressionStream`` (``unpackData`` in ``engine/client-files.js``).

The JSON is compact, with sorted keys and unescaped UTF-8 (``text.compact_json``), so two
builds of the same notes give the same bytes.
"""

from __future__ import annotations

import os
import zlib
from base64 import b85decode, b85encode
from pathlib import Path

from museumxtd_search.site.client_index import ClientIndex, fragment_files
from museumxtd_search.site.writer import write_bytes
from museumxtd_search.text.compact_json import decode_json, encode_json

# JSON is valid JavaScript except for two line separators; escaped for <script>.
_LINE_SEPARATORS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


# The suffix of every data file of the client index.
DATA_SUFFIX = ".js"
_CALL = b"MXSearchData("


# zlib's default level: level 9 is 0.6 % smaller and three times slower, level 4 4 %
# larger (at 10,000 notes, where it costs about 3 s of the export's CPU, as much again
# going for the base 85 digits).
PACK_LEVEL = 6


def pack_json(encoded: bytes) -> bytes:
    """JSON bytes packed: raw deflate, as a JSON string of base 85 digits."""
    compressor = zlib.compressobj(PACK_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return b'"' + b85encode(compressor.compress(encoded) + compressor.flush()) + b'"'


def unpack_json(packed: str) -> object:
    """The data of a packed data file's string (``pack_json``'s inverse)."""
    return decode_json(zlib.decompress(b85decode(packed), -zlib.MAX_WBITS))


def data_file_bytes(name: str, data: object, packed: bool = True) -> bytes:
    """The bytes of data file ``name``: ``MXSearchData("name",<data>);`` and a newline,
    where ``<data>`` is the JSON, its two line separators escaped (valid JSON, and
    valid in a script), or, if ``packed``, the JSON packed when that is shorter. Data
    files hold objects and lists, never a string: a string is packed data."""
    script = encode_json(data)
    packing = pack_json(script) if packed else script
    if len(packing) < len(script):
        script = packing
    else:
        for separator, escaped in _LINE_SEPARATORS:
            if separator in script:
                script = script.replace(separator, escaped)
    return _CALL + b'"' + name.encode() + b'",' + script + b");\n"


def parse_data_file(content: bytes) -> object:
    """The data of a data file's bytes (what the browser does over HTTP)."""
    start = content.index(b",") + 1
    data = decode_json(content[start:content.rindex(b")")])
    return unpack_json(data) if isinstance(data, str) else data


def read_data_file(folder: Path, name: str) -> object:
    """The data of data file ``name`` (``"manifest"``, ``"fragments/3"``…) in ``folder``."""
    return parse_data_file((Path(folder) / (name + DATA_SUFFIX)).read_bytes())


def read_fragments(folder: Path) -> list[dict]:
    """Every note's fragment in ``folder`` (a client index), in note order."""
    files = sorted((Path(folder) / "fragments").glob("*" + DATA_SUFFIX),
                   key=lambda path: int(path.stem))
    return [fragment for path in files
            for fragment in read_data_file(folder, f"fragments/{path.stem}")]


def write_data_file(folder: Path, name: str, data: object, digest=None,
                    packed: bool = True) -> int:
    """Write data file ``name`` (``name.js``) into ``folder``, which must exist; return
    its size in bytes. ``digest`` (a ``hashlib`` object), if given, is updated with the
    file's name and content. ``packed=False`` writes the JSON as it is (a live
    preview's rewrites: see ``write_client_index``)."""
    content = data_file_bytes(name, data, packed)
    if digest is not None:
        digest.update(name.encode() + b"\0" + content + b"\0")
    return write_bytes(os.path.join(folder, name + DATA_SUFFIX), content)


def write_json_file(folder: Path, name: str, data: object, digest=None) -> int:
    """Write plain ``name.json`` into ``folder`` (a file only ``fetch`` reads, such as a
    bundle's related notes, which host sites serve over HTTP); return its size."""
    encoded = encode_json(data)
    if digest is not None:
        digest.update(name.encode() + b"\0" + encoded + b"\0")
    return write_bytes(os.path.join(folder, name + ".json"), encoded)


def write_client_index(index: ClientIndex, folder: Path,
                       previous: ClientIndex | None = None, digest=None,
                       packed: bool = True) -> int:
    """Write every file of the client index under ``folder`` (the site's ``search/``):
    the manifest, the words shards, the posting buckets, the fragments and the whole
    vocabulary (for typo corrections). Given the ``previous`` index written there, only
    the files whose data changed are written (a live preview's update). ``digest``, if
    given, is updated with every file written, name and content, in a fixed order.
    Returns the number of files written.

    ``packed=False`` writes plain JSON: what a live preview rewrites after an edit. A
    one-note edit of a 10,000-note garden rewrites some 200 files and 5 MB of JSON;
    packing them took 1.6-1.8 s, where the whole refresh took 0.8 s. The preview's
    pages read both kinds; ``export`` packs them all again."""
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
    packs, old_packs = fragment_files(index.fragments), fragment_files(old.fragments)
    files += [(f"fragments/{number}", pack, old_packs[number]
               if number < len(old_packs) else None)
              for number, pack in enumerate(packs)]
    written = 0
    for name, data, before in files:
        if previous is None or data != before:
            write_data_file(folder, name, data, digest, packed)
            written += 1
    return written
