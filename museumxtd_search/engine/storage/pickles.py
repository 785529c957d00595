"""Reading pickles safely: every pickle this tool reads goes through here.

Whoosh stores its table of contents, term entries, posting blocks and stored fields
as pickles, and a full build leaves its snapshot as one. An index folder may come
from elsewhere (a CI cache restored from another branch, a copied folder), and an
ordinary ``pickle.loads`` runs whatever a crafted pickle asks for. So no pickle is
read with it: ``load_data`` refuses every class and function but the one a data file
names (``_codecs.encode``, which protocol 2 writes bytes with); ``load_records`` also
admits the classes its caller lists (our own records, or plain stand-ins for
Whoosh's); and Whoosh's encoded positions (a pickled list of integers, read for every
note a phrase is checked in) are decoded without unpickling at all.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable
from typing import Any

# What a data pickle may name besides numbers, strings, tuples, lists and dictionaries
# (which need no class to be built): protocol 2 writes bytes through _codecs.encode.
DATA_GLOBALS: frozenset[tuple[str, str]] = frozenset({("_codecs", "encode")})


class _Restricted(pickle.Unpickler):
    def __init__(self, file: io.BufferedReader,
                 classes: Callable[[str, str], object | None]) -> None:
        super().__init__(file)
        self._classes = classes

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in DATA_GLOBALS:
            return super().find_class(module, name)
        found = self._classes(module, name)
        if found is None:
            raise pickle.UnpicklingError(f"refused to load {module}.{name}")
        return found


def _no_classes(module: str, name: str) -> None:
    return None


def _reader(data: bytes) -> io.BufferedReader:
    # A buffered reader holding the whole pickle lets the C unpickler peek instead of
    # asking for every few bytes (4x faster than a bare BytesIO here).
    return io.BufferedReader(io.BytesIO(data), max(len(data), 1))


def load_data(data: bytes) -> Any:
    """Unpickle plain data; a pickle naming any other class or function is refused
    (``pickle.UnpicklingError``)."""
    return _Restricted(_reader(data), _no_classes).load()


def load_from(file: io.BytesIO) -> Any:
    """``load_data`` of the pickle at ``file``'s position, which is left after it."""
    return _Restricted(file, _no_classes).load()


def load_records(data: bytes, classes: Callable[[str, str], object | None]) -> Any:
    """Unpickle data whose objects are of the classes ``classes(module, name)`` returns
    (``None``: refused)."""
    return _Restricted(_reader(data), classes).load()


# Protocol 2 opcodes of a pickled list of integers.
_PROTO, _EMPTY_LIST, MARK, _APPEND, _APPENDS, _STOP = 0x80, 0x5D, 0x28, 0x61, 0x65, 0x2E
_BINPUT, _LONG_BINPUT = 0x71, 0x72
BININT1, _BININT2, _BININT, _LONG1 = 0x4B, 0x4D, 0x4A, 0x8A


# How protocol 2 starts a list (PROTO 2, EMPTY_LIST, BINPUT 0), and its one-byte
# integers: a position delta below 256 is ``K`` and the byte.
LIST_START = b"\x80\x02]q\x00"
ONE_BYTE = b"K"


def decode_int_list(data: bytes) -> list[int]:
    """A protocol-2 pickle of a list of integers, read opcode by opcode (nothing in it
    can run); raises ``ValueError`` on anything else.

    Nearly every list of positions is a few deltas below 256: one ``K`` and its byte
    each, appended one at a time (``a``) or in one batch (``(`` ... ``e``). Those are
    read with slices (a phrase checks tens of thousands of notes at 50,000 notes);
    anything else goes through the opcode loop.
    """
    if data.startswith(LIST_START):
        size = len(data)
        if size == 9 and data[5] == BININT1 and data[7:] == b"a.":
            return [data[6]]
        if size > 9 and data[5] == MARK and data.endswith(b"e.") and size % 2 == 0:
            body = data[6:-2]
            if body[::2] == ONE_BYTE * (len(body) // 2):
                return list(body[1::2])
    return _decode_opcodes(data)


def _decode_opcodes(data: bytes) -> list[int]:
    values: list[int] = []
    append = values.append
    at, end = 0, len(data)
    while at < end:
        code = data[at]
        at += 1
        if code == BININT1:
            append(data[at])
            at += 1
        elif code == _BININT2:
            append(data[at] | data[at + 1] << 8)
            at += 2
        elif code == _BININT:
            append(int.from_bytes(data[at:at + 4], "little", signed=True))
            at += 4
        elif code == _LONG1:
            size = data[at]
            append(int.from_bytes(data[at + 1:at + 1 + size], "little", signed=True))
            at += 1 + size
        elif code in (_PROTO, _BINPUT):
            at += 1
        elif code == _LONG_BINPUT:
            at += 4
        elif code == _STOP:
            return values
        elif code not in (_EMPTY_LIST, MARK, _APPEND, _APPENDS):
            raise ValueError(f"not a pickled list of integers (opcode {code:#x})")
    raise ValueError("not a pickled list of integers (no end)")
