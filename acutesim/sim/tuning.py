"""Memory settings for a run: the C allocator, Arrow's pool, and a worker's peak.

Garbage collection during a run is set in :mod:`acutesim.gc_tuning`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

# glibc's M_MMAP_THRESHOLD, and the value a run fixes it at (glibc's initial default)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


def release_arrow_memory() -> None:
    """Give the pages Arrow's allocator keeps after a table is freed back to the system.

    Arrow's default pool (mimalloc or jemalloc) keeps freed memory for reuse; after the
    routed matrix cache's Parquet table is read and dropped, that is tens of MB that the
    model's own arrays (allocated by numpy, elsewhere) never reuse, on top of a worker's
    peak. Does nothing when pyarrow was not imported.
    """
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()


def trim_heap() -> bool:
    """Return the C heap's free pages to the system (glibc ``malloc_trim``), if it can.

    Loading a pack and building its travel matrices frees many mid-sized blocks that the
    heap keeps; a worker calls this once they are built, so the run's accumulators grow
    from what is in use rather than on top of that. Returns whether anything was
    trimmed; False on a C library without ``malloc_trim`` (not glibc).
    """
    trim = getattr(_libc(), "malloc_trim", None)
    return bool(trim(0)) if trim is not None else False


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD_BYTES) -> bool:
    """Serve every C allocation of ``threshold`` bytes or more by its own mapping (glibc).

    glibc raises its mmap threshold each time a mapped block is freed (up to 32 MB), and
    building a model frees large temporaries: after that, the run's growing accumulators
    (arrays of doubles per SEH, hundreds of KB each) are reallocated inside the heap,
    leaving holes behind every move. A fixed threshold keeps them in mappings, which
    grow in place and give their pages back when freed (national run, 60 days: RSS 349
    -> 325 MB). Returns whether it was set; False on a C library without ``mallopt``.
    """
    mallopt = getattr(_libc(), "mallopt", None)
    return bool(mallopt(M_MMAP_THRESHOLD, threshold)) if mallopt is not None else False


def peak_rss_mb() -> float:
    """Peak resident memory of the calling process [MB], its own and nothing inherited.

    Linux's ``VmHWM`` (``/proc/self/status``). ``getrusage``'s ``ru_maxrss`` is not that in
    a worker process: it carries over the parent's resident memory at the fork, across
    the exec of a spawned worker, so every worker of a run whose main process holds
    240 MB would report at least 240 MB. ``ru_maxrss`` is used where there is no
    ``/proc`` (it is in kB on Linux, bytes on macOS).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024.0


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, loaded once per process; None where it cannot be loaded."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
