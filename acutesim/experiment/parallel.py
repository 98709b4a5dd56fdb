"""Run an experiment's tasks in parallel: a local process pool or a Dask cluster.

Each task is one (scenario, replication) of an experiment; a worker runs it and writes
its own Parquet parts, so only a small dict of metadata comes back. The local pool keeps
at most two tasks per worker in flight; Dask runs on a ``LocalCluster`` or on the
scheduler at a given address. Either way the caller's ``done`` is called once per
finished task, in the order tasks finish.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from functools import partial
from typing import Any, TypeVar

from acutesim.errors import ResultsError
from acutesim.experiment import spec as sp
from acutesim.experiment.workers import pool_initializer

DASK_CONNECT_SECONDS = 10
T = TypeVar("T")
R = TypeVar("R")


def run_processes(
    run: Callable[[T], R],
    todo: list[T],
    n_workers: int,
    done: Callable[[R], None],
) -> None:
    """Run tasks on a spawn-context pool, at most two per worker in flight.

    Workers watch this process (``workers.pool_initializer``) and end when it dies;
    on an interrupt or a failed task the workers are terminated here at once. ``run``
    must be picklable (a module-level function or a partial of one); experiment tasks
    and robustness sweeps both run through here.
    """
    import multiprocessing

    pool = ProcessPoolExecutor(
        max_workers=n_workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=pool_initializer,
        initargs=(os.getpid(),),
    )
    queue = list(reversed(todo))
    try:
        pending: set[Future[R]] = set()
        while queue or pending:
            while queue and len(pending) < 2 * n_workers:
                pending.add(pool.submit(run, queue.pop()))
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                done(f.result())
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM) or a task failed: stop the workers now. A task cut
        # off mid-way has no done.json, so the next run redoes it; finished tasks stay.
        procs = list(getattr(pool, "_processes", {}).values())
        for proc in procs:
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
        raise
    pool.shutdown(wait=True)


def run_dask(
    run: Callable[[sp.Task], dict[str, Any]],
    todo: list[sp.Task],
    scheduler: str,
    n_workers: int,
    done: Callable[[dict[str, Any]], None],
) -> None:
    """Run tasks on Dask: a ``LocalCluster`` of ``n_workers`` processes or a scheduler address."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise ResultsError(
            "--scheduler needs dask[distributed]: pip install 'acutesim[dask]'"
        ) from exc
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        # Local workers end themselves when this process is gone.
        run = partial(run, watch_pid=os.getpid())  # type: ignore[call-arg]
    else:
        try:
            client = Client(scheduler, timeout=DASK_CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise ResultsError(
                f"--scheduler {scheduler!r}: cannot reach a Dask scheduler there within "
                f"{DASK_CONNECT_SECONDS} s ({exc}); expected an address like "
                "tcp://host:8786, or 'local'"
            ) from None
    try:
        futures = [
            client.submit(run, t, pure=False, key=f"acutesim-{t.key}-{time.time_ns()}")
            for t in todo
        ]
        for f in as_completed(futures):
            done(f.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
