"""Draw the report's charts in a second process while this one draws the maps.

A national report spends most of its time in matplotlib: the charts (status per site,
per-site bars, the differences) and the maps. The charts need only the result tables,
so :class:`ChartData` (those tables and a few names and dates, no region) can go to
spawned workers, while the calling process draws the maps, writes the companion files
and then draws the charts no worker has started. PNG bytes are the same whichever
process draws a chart (same matplotlib, same settings), so the report is the same as a
serial one. Library calls draw serially unless asked (:func:`figure_workers`); the
command starts one worker on a machine with two or more cores (:func:`command_figure_workers`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from acutesim.experiment.workers import end_pool, pool_initializer

if TYPE_CHECKING:
    import pandas as pd

    from acutesim.report.blocks import FigureSlot
    from acutesim.report.data import ResultsData

T = TypeVar("T")

# Charts that need the result tables alone (see ChartData), the slowest to draw first
# (national, seconds: 1.6, 1.5, 1.0, 0.8, 0.7, 0.2); every other slot (maps, the
# per-patient ECDF, slots added later) is drawn here.
POOL_ORDER = ("status", "call_to_door", "finance", "volmelding", "differences", "population")
POOL_KEYS = frozenset(POOL_ORDER)
# The rc settings every report figure is drawn with, here and in a worker.
RC_SETTINGS: dict[str, Any] = {"text.parse_math": False}  # names are text, not mathtext


@dataclass
class ChartData:
    """What the charts of :data:`POOL_KEYS` read from :class:`ResultsData`, picklable.

    The attribute names are those of ``ResultsData``, so the same drawing code reads
    either; ``events_by_scenario`` is kept as computed in the calling process.
    """

    table: pd.DataFrame
    kpis: pd.DataFrame
    status: pd.DataFrame
    closures: pd.DataFrame
    finance: pd.DataFrame
    timeseries: pd.DataFrame
    scenarios: list[str]
    baseline: str
    site_names: dict[str, str]
    warmup_days: float
    start_date: dt.date | None
    events: dict[str, list[tuple[float, str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, data: ResultsData) -> ChartData:
        """The chart inputs of loaded results."""
        return cls(
            table=data.table,
            kpis=data.kpis,
            status=data.status,
            closures=data.closures,
            finance=data.finance,
            timeseries=data.timeseries,
            scenarios=list(data.scenarios),
            baseline=data.baseline,
            site_names=dict(data.site_names),
            warmup_days=data.warmup_days,
            start_date=data.start_date,
            events=data.events_by_scenario(),
        )

    def events_by_scenario(self) -> dict[str, list[tuple[float, str]]]:
        """Scenario -> dated funding switches, as in ``ResultsData``."""
        return self.events


# What drawing one slot gives: PNG bytes, or a note saying why there is no figure.
Drawn = tuple[bytes | None, str | None]


def draw_slot(slot: FigureSlot, data: Any) -> Drawn:
    """Draw one slot to PNG bytes, or say why it cannot be drawn (as the serial report)."""
    import matplotlib

    from acutesim.report.html import _draw, figure_png

    with matplotlib.rc_context(RC_SETTINGS):
        try:
            fig = _draw(slot, data)
        except ImportError as exc:
            return None, f"This figure needs a module that is not available here ({exc})."
        if fig is None:
            return None, "Nothing to draw."
        return figure_png(fig), None


def _warm_up() -> None:
    """Import the drawing modules in a worker while the caller loads the results."""
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401  (0.4 s, else imported by the first chart)

    import acutesim.report.fast_text
    import acutesim.report.figures
    import acutesim.report.html  # noqa: F401
    from acutesim.gc_tuning import collect_less

    collect_less()  # this process only draws: its modules and tables live to the end


def figure_workers(requested: int | None = None) -> int:
    """Extra processes for charts: ``requested``; none by default (library calls).

    A worker costs about 2 s of CPU to start (its imports), so :func:`write_report`
    starts none unless asked. ``acutesim report`` asks for :func:`command_figure_workers`.
    """
    return max(0, int(requested)) if requested is not None else 0


def command_figure_workers() -> int:
    """Chart workers ``acutesim report`` starts by default: one when the machine has two cores.

    On the 2-core reference machine the national ``write_report`` took 9.62 s drawn in
    one process and 6.22 s with one chart worker, best of 3 each, and the demo report
    7.83 and 4.78 s (``benchmarks/bench_report.py --figure-processes 0 1``), once the
    companion files handed an idle worker its next chart (:meth:`FigurePool.tick`).
    Since text is drawn a string at a time (:mod:`acutesim.report.fast_text`) and the
    worker takes its first chart before the maps are computed (:meth:`FigurePool.start_charts`),
    the serial national report costs about a quarter less CPU; one worker still pays off:
    the command on 7-day national results took 9.75 and 10.46 s with it against 13.04 and
    15.11 s with ``--figure-processes 0``, alternating, after the worker took the next
    chart as soon as it finished one and wrote the workbook.
    """
    return 1 if (os.cpu_count() or 1) >= 2 else 0


class FigurePool:
    """Spawned chart workers, started early so their imports overlap the loading.

    A worker gets a chart only once it has started and has nothing else to draw, so a
    small report never waits for a worker: this process draws whatever is left. ``FigurePool(0)``
    draws everything in the calling process. Use as a context manager; leaving it ends
    the workers (at once when one is still starting).
    """

    def __init__(self, n_workers: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._n_workers = n_workers
        self._started: list[Future[None]] = []
        self._queue: list[FigureSlot] = []  # charts no process has taken, largest first
        self._chart: ChartData | None = None
        self._taken: list[tuple[FigureSlot, Future[Drawn]]] = []
        # the queue is shared with the executor's thread, which hands a worker that has
        # just finished a chart its next one (_next)
        self._lock = threading.RLock()  # re-entered when a chart is done at once
        if n_workers > 0:
            import multiprocessing

            try:
                self._pool = ProcessPoolExecutor(
                    max_workers=n_workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=pool_initializer,  # ends with this process, ignores Ctrl-C
                    initargs=(os.getpid(),),
                )
                self._started = [self._pool.submit(_warm_up) for _ in range(n_workers)]
            except OSError:  # no processes to be had here: draw serially
                self._pool = None
            for started in self._started:  # a worker ready meanwhile takes a chart at once
                started.add_done_callback(self._next)

    def __enter__(self) -> FigurePool:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the workers (see the class); the pool then draws nothing more."""
        if self._pool is None:
            return
        # Done, failed, interrupted or still importing: nothing a worker holds is needed
        # any more (draw() has every chart back), so the workers are ended rather than
        # left to shut down; a spawned interpreter with matplotlib and pandas loaded
        # takes about 0.7 s to tear itself down, at the end of every report.
        end_pool(self._pool)
        self._pool = None

    def _ready(self) -> bool:
        """True once every worker has started without error."""
        return all(f.done() and f.exception() is None for f in self._started)

    def draw(
        self, slots: list[FigureSlot], data: ResultsData, meanwhile: Callable[[], None]
    ) -> None:
        """Draw ``slots`` into ``slot.png`` (or ``slot.note``), calling ``meanwhile`` on the way.

        This process draws the slots outside :data:`POOL_KEYS` (the maps), then runs
        ``meanwhile`` (the companion files), then the charts no worker has taken. A
        started, idle worker takes the next chart, largest first, as soon as it has
        finished one, and whenever this process looks between two of its own figures or
        calls :meth:`tick`.
        """
        pool = self._pool
        mine = [s for s in slots if pool is None or s.key not in POOL_KEYS]
        pooled = {s.key: s for s in slots if pool is not None and s.key in POOL_KEYS}
        # charts taken by start_charts go to their slots; one the content has no slot for
        # (nothing to draw after all) is dropped
        with self._lock:
            taken = [(pooled[s.key], f) for s, f in self._taken if s.key in pooled]
            self._taken = taken
            early = {s.key for s, _ in taken}
            self._queue = sorted(
                (s for s in pooled.values() if s.key not in early),
                key=lambda s: POOL_ORDER.index(s.key),
            )
            if self._chart is None and self._queue:
                self._chart = ChartData.of(data)
        for slot in mine:
            self.tick()
            slot.png, slot.note = draw_slot(slot, data)
        self.tick()
        meanwhile()
        queue = self._queue
        while True:
            self.tick()
            with self._lock:
                if not queue:
                    break
                slot = queue.pop()  # the smallest chart left
            slot.png, slot.note = draw_slot(slot, data)
        for slot, future in self._taken:
            slot.png, slot.note = future.result()
        self.forget()

    def forget(self) -> None:
        """Drop this report's charts, drawn or not: the pool may draw another report's next.

        ``write_report`` calls it when it ends, also after an error between
        :meth:`start_charts` and :meth:`draw`, so no chart of a report that failed is put
        into the next report's slots.
        """
        with self._lock:
            self._queue = []
            self._taken = []
            self._chart = None

    def elsewhere(self, fn: Callable[..., T], *args: Any) -> Callable[[], T]:
        """Run ``fn(*args)`` in a started worker, after the chart it draws; here without one.

        For work that needs only picklable tables (the Excel companion). Returns a
        function that gives the result, waiting for the worker if need be.
        """
        if self._pool is None or not self._ready():
            result = fn(*args)
            return lambda: result
        return self._pool.submit(fn, *args).result

    def start_charts(self, data: ResultsData) -> None:
        """Give an idle, started worker the largest chart before the report's content exists.

        The charts read only the result tables, the site names and the calendar
        (:class:`ChartData`), which :func:`~acutesim.report.data.load_results` has before
        it computes the reachability maps; a worker then draws while this process
        computes them and builds the content. A worker still starting takes the largest
        chart as soon as it is ready (its start's callback), and one that finishes a chart
        before :meth:`draw` takes the next. :meth:`draw` hands each chart taken here to
        its slot (and drops one the content has no slot for) and queues the rest.
        """
        from acutesim.report.blocks import FigureSlot

        if self._pool is None or self._chart is not None:
            return
        with self._lock:
            self._chart = ChartData.of(data)
            self._queue = [FigureSlot(key=key, title=key) for key in POOL_ORDER]
            self._taken = []
        self.tick()

    def tick(self) -> None:
        """Give each started, idle worker the largest chart left (nothing without workers)."""
        pool = self._pool
        if pool is None or not self._queue or not self._ready():
            return
        with self._lock:
            taken = self._taken
            while self._queue and sum(not f.done() for _, f in taken) < self._n_workers:
                future = pool.submit(draw_slot, self._queue[0], self._chart)
                slot = self._queue.pop(0)  # taken only once submitted
                taken.append((slot, future))
                future.add_done_callback(self._next)

    def _next(self, future: Future[Any]) -> None:
        """A worker has started or finished a chart: hand it the next one at once.

        Called in the executor's thread (or here, when the future is already done).

        Without this a worker that finishes while this process writes a companion file or
        renders a figure of its own waits until this process looks again.
        """
        if future.cancelled() or future.exception() is not None:
            return  # draw() raises it; the pool is being ended
        with contextlib.suppress(RuntimeError):  # shut down meanwhile: the chart stays queued
            self.tick()
