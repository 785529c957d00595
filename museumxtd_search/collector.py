"""Pausing Python's cycle collector while millions of small objects are made.

Reading a garden, loading a snapshot and building the client index allocate millions
of small lists and tuples and no reference cycles; each automatic collection would
walk every one of them again (about 2 s of a 10,000-note export).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block. Nested pauses resume the collector
    only when the outermost ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
