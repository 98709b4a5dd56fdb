"""Interpreter settings for the event loop: garbage collection during a run.

A run builds its model (regions, matrices, rosters: long-lived objects) and then creates
millions of short-lived ones (events, patients) that reference counting frees. Cyclic
collection finds almost nothing to free but keeps traversing the long-lived objects, so
:func:`tuned_gc` moves everything alive at the start of the run to the permanent
generation (``gc.freeze``) and raises the generation-0 threshold for the run; both are
restored afterwards. Results do not depend on it: collection never changes what the
model computes.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

GEN0_THRESHOLD = 50_000  # allocations between generation-0 collections during a run


@contextlib.contextmanager
def tuned_gc(gen0_threshold: int = GEN0_THRESHOLD) -> Iterator[None]:
    """Freeze what is alive now and collect less often until the block ends.

    Parameters
    ----------
    gen0_threshold : int
        Generation-0 threshold while the block runs (CPython's default is 700).
    """
    saved = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(gen0_threshold, *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)
        gc.unfreeze()
