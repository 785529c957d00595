"""The one way this tool writes and reads its own JSON files: compact, unescaped UTF-8.

orjson does the work: the client index's posting lists and the index's side files
(``notes.json.gz``, ``links.json.gz``, ``stamps.json.gz``: about 10 MB of JSON at
10,000 notes, read and written again by every one-note update) are millions of small
values, which the standard library encodes about ten times slower and parses about
three times slower.
The bytes are the standard library's (``json.dumps(..., ensure_ascii=False,
separators=(",", ":"))``, tested on real client indexes), but for floats below 1e-4,
written ``1e-7`` rather than ``1e-07``; data orjson refuses (an integer beyond 64
bits, a key that is not a string) goes to the standard library, which answers as it
always did.
"""

from __future__ import annotations

import json
from typing import Any

# Below this size the standard library parses: the query command reads only small side
# files (the manifest), has ``json`` loaded anyway, and importing orjson costs it 2 ms.
_SMALL = 1 << 16

_STANDARD = {sort: json.JSONEncoder(ensure_ascii=False, sort_keys=sort,
                                    separators=(",", ":")).encode
             for sort in (True, False)}


def encode_json(data: object, sort_keys: bool = True) -> bytes:
    """``data`` as compact JSON in UTF-8; ``sort_keys=False`` keeps dicts' order."""
    import orjson  # here: see _SMALL

    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except TypeError:  # orjson.JSONEncodeError: a huge integer, a key not a string
        return _STANDARD[sort_keys](data).encode("utf-8")


def decode_json(data: bytes) -> Any:
    """JSON bytes as Python data (``ValueError`` when they are not JSON)."""
    if len(data) < _SMALL:
        return json.loads(data)
    import orjson  # here: see _SMALL

    return orjson.loads(data)
