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
from acutesim.experiment.workers import end_pool, pool_initializer

DASK_CONNECT_SECONDS = 10
# Settings of the LocalCluster that ``--scheduler local`` starts. Its workers run our
# tasks and nothing else, so the diagnostics that wake every few milliseconds are off or
# slowed: the statistical profiler (a stack sample of the running task every 10 ms),
# the event-loop health tick (20 ms, in the scheduler, each nanny and each worker), the
# system monitor (500 ms) and the memory monitor (100 ms). With defaults an idle
# two-worker cluster burns about 16% of a core and each task's process about 6% beyond
# the task itself, all taken from the tasks on a machine whose cores the workers fill;
# with these about 2% (benchmarks/bench_batch.py). Results do not depend on them.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}
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
        end_pool(pool)
        raise
    pool.shutdown(wait=True)


def start_local_cluster(n_workers: int) -> Any:
    """A Dask ``LocalCluster``: ``n_workers`` one-thread processes, :data:`LOCAL_CLUSTER_CONFIG`.

    The settings are read when the scheduler, the nannies and the workers start (the
    nannies hand them to their workers), so they hold for the cluster's lifetime without
    changing this process's Dask settings afterwards. The nannies run in this process
    and set their workers' environment (``MALLOC_TRIM_THRESHOLD_``, ``OMP_NUM_THREADS``,
    ``PYTHONHASHSEED``) in ours before spawning them; it is put back once they have
    started, so that a process pool started later here gets the environment it would
    have had.
    """
    import dask
    from dask.distributed import LocalCluster

    environ = dict(os.environ)
    try:
        with dask.config.set(LOCAL_CLUSTER_CONFIG):
            return LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
    finally:
        for name in set(os.environ) - set(environ):
            del os.environ[name]
        os.environ.update(environ)


def run_dask(
    run: Callable[[sp.Task], dict[str, Any]],
    todo: list[sp.Task],
    scheduler: str,
    n_workers: int,
    done: Callable[[dict[str, Any]], None],
) -> None:
    """Run tasks on Dask: a ``LocalCluster`` of ``n_workers`` processes or a scheduler address."""
    try:
        from dask.distributed import Client, as_completed
    except ImportError as exc:
        raise ResultsError(
            "--scheduler needs dask[distributed]: pip install 'acutesim[dask]'"
        ) from exc
    cluster = None
    if scheduler == "local":
        cluster = start_local_cluster(n_workers)
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
