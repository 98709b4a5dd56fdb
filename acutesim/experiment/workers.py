"""Worker processes that die with the run that started them.

A worker (process pool or Dask) calls ``watch_parent(pid)`` with the pid of the run's
main process. On Linux the kernel sends it SIGKILL when its parent dies
(``PR_SET_PDEATHSIG``); everywhere a daemon thread also checks every
``WATCH_SECONDS`` that the run's process is still alive and ends the worker at once
(``os._exit``) when it is not. So after ``kill -9`` of a run no worker lives on, and
none keeps writing task folders.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

WATCH_SECONDS = 0.5
EXIT_ORPHANED = 75
_watched: set[int] = set()
_lock = threading.Lock()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _set_pdeathsig() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)


def _watch(pid: int, parent_at_start: int) -> None:
    stop = threading.Event()
    while not stop.wait(WATCH_SECONDS):
        if not _alive(pid) or os.getppid() != parent_at_start:
            os._exit(EXIT_ORPHANED)


def watch_parent(pid: int) -> None:
    """End this process as soon as process ``pid`` (the run) is gone; once per process.

    Parameters
    ----------
    pid : int
        The run's main process.
    """
    with _lock:
        if pid in _watched or pid == os.getpid():
            return
        _watched.add(pid)
    if os.getppid() == pid:
        _set_pdeathsig()
    if not _alive(pid):
        os._exit(EXIT_ORPHANED)
    threading.Thread(
        target=_watch, args=(pid, os.getppid()), name="acutesim-watch-parent", daemon=True
    ).start()


def pool_initializer(pid: int) -> None:
    """``ProcessPoolExecutor`` initializer: watch the run and ignore Ctrl-C.

    The run's main process handles SIGINT/SIGTERM and stops its workers itself; a
    worker ignores SIGINT so a Ctrl-C in the terminal does not print a traceback per
    worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(pid)


def end_pool(pool: ProcessPoolExecutor) -> None:
    """End a ``ProcessPoolExecutor`` now: terminate its workers, then wait until reaped.

    Used on an interrupt, a failed task or a worker still importing. Workers keep the
    default SIGTERM action (``pool_initializer`` ignores only SIGINT), so they die at
    once. The executor's own thread reaps them; waiting for it (rather than joining the
    processes here too) avoids racing it for their exit status, which could leave a dead
    worker looking alive, or signal a pid that had already been reaped.
    """
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
