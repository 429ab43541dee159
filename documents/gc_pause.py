"""Pause Python's cyclic garbage collector while a bulk import builds its rows.

A 10,000-row roster makes hundreds of thousands of small objects (cells, checked rows,
tuples of the rows on file) that live until the import ends. Each allocation burst makes the
collector walk the whole heap again, and none of it is cyclic garbage: on PostgreSQL a
re-import with nothing changed spent 0.5 s of its 1.1 s write in such collections
(bench/bench_imports.py --postgres; cProfile put it on whichever line happened to allocate).
Reference counting still frees everything acyclic as usual; the collector runs again at the
first allocation after the pause. The pause is process-wide, so it is held only around one
import's reading or writing (seconds), and only the caller that turned the collector off
turns it back on (nested pauses, another thread's pause and a collector someone else
disabled are left as they are).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
