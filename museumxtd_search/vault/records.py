"""The garden's small frozen records pickle as a call of their class with their field
values.

A dataclass with ``slots=True`` unpickles through ``dataclasses``' own ``__setstate__``,
which asks ``fields()`` again for every object. An index snapshot holds some fifteen
such records per note (notes, entries, headings, sections, links): at 10,000 notes,
read back that way it took 3.1 s, as calls of their classes 2.2 s, and the export
waits for it before anything else can start. Worker processes send notes back the
same way. The restricted unpickler (``engine.storage.pickles``) still builds only the
classes it is given.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

_VALUES: dict[type, attrgetter] = {}


class FieldsPickled:
    """Base of a frozen dataclass (two fields or more, all given to ``__init__``) that
    pickles as ``cls(*field values)``."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        cls = type(self)
        values = _VALUES.get(cls)
        if values is None:
            from dataclasses import fields

            values = _VALUES[cls] = attrgetter(*(f.name for f in fields(self)))
        return cls, values(self)
