"""Cyclic garbage collection during a simulation run, a report, and when a process ends.

A run builds its model (regions, matrices, rosters: long-lived objects) and then creates
millions of short-lived ones (events, patients); a national report keeps what it reads
to the end (result tables, the region, its shapes) and creates a few hundred thousand
matplotlib artists on the way. Reference counting frees the short-lived objects. With
CPython's default thresholds a generation-0 collection runs every 700 allocations and
each walks objects that are all still alive, finding almost nothing to free: about 800
collections and 1 s of the 10 s ``acutesim report`` took on national results here.
:func:`fewer_collections` freezes what is alive when the block starts (``gc.freeze``:
the model, or the imported modules) and raises the generation-0 threshold until it
ends (``Model.run``, ``report.html.write_report``); a chart worker does the same for its
whole life (:func:`collect_less`). Neither results nor reports depend on it:
collection never changes what is computed.

A command that ends right after its work has a second cost: the interpreter's final
collections walk everything still alive once more (0.6 s after a national report).
:func:`freeze_before_exit` moves it all to the permanent generation, which those
collections skip.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# Allocations between generation-0 collections during a run or a report (CPython: 700).
# A national report: 815 collections and 0.97 s at the default, 10 and 0.29 s at this.
GEN0_THRESHOLD = 50_000


@contextlib.contextmanager
def fewer_collections(gen0_threshold: int = GEN0_THRESHOLD) -> Iterator[None]:
    """Freeze what is alive now and collect less often until the block ends.

    The threshold is restored when the block ends, and the frozen objects go back to
    the oldest generation, unless some were already frozen when it began: CPython can
    only unfreeze everything, so then what the block froze stays frozen with them.

    Parameters
    ----------
    gen0_threshold : int
        Generation-0 threshold while the block runs [allocations].
    """
    saved = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(gen0_threshold, *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)
        if not frozen_before:
            gc.unfreeze()


def collect_less(gen0_threshold: int = GEN0_THRESHOLD) -> None:
    """For a process that only draws charts: freeze what is alive and collect less often.

    Parameters
    ----------
    gen0_threshold : int
        Generation-0 threshold from now on [allocations].
    """
    gc.freeze()
    gc.set_threshold(gen0_threshold, *gc.get_threshold()[1:])


def freeze_before_exit() -> None:
    """Spare a process about to end the interpreter's last collections over what is alive.

    Call it only where the process ends next (a command that has done its work): the
    objects alive now are never collected afterwards.
    """
    gc.freeze()


__all__ = ["GEN0_THRESHOLD", "collect_less", "fewer_collections", "freeze_before_exit"]
