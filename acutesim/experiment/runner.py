"""Run an experiment's tasks serially, in local processes or on Dask; write atomically; resume.

``run_experiment`` validates the whole experiment (every scenario of the grid and the
region pack) before anything runs, then runs each (scenario, replication) task that is
not already on disk. Each task writes its own Parquet parts from the worker, so results
never travel back through the scheduler, and the merged tables are sorted by scenario
and replication whatever order tasks finish in. Serial, process-pool and Dask runs give
identical tables: a task's results depend only on its scenario, replication and seed.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from acutesim.config.load import load_experiment, load_region
from acutesim.domain.region import Region
from acutesim.domain.scenario import Experiment, Scenario
from acutesim.errors import ResultsError
from acutesim.experiment import spec as sp
from acutesim.experiment.journeys import (
    PATIENTS_FILE,
    PATIENTS_SCHEMA,
    call_log_of,
    merge_patients,
    staged_patients_path,
    vehicles_table,
)
from acutesim.experiment.store import TABLES, ResultsStore
from acutesim.funding.books import FundingSetup
from acutesim.sim.model import (
    ReplicationResult,
    TravelMatrices,
    expected_seh_visits_per_year,
    run_replication,
    travel_matrices,
)
from acutesim.sim.recorder import PATIENT_COLUMNS

PACKAGES = (
    "acutesim",
    "simpy",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "geopandas",
    "shapely",
    "pyproj",
    "pydantic",
)
PATIENT_BATCH_ROWS = 50_000

# Arrival-route mix of SEH visits used to value baseline volumes for schoning.
# source: [SAZ-2019] SAZ SEH benchmark 2019 (ambulance ~20%, GP/HAP ~55%, self ~12%, other).
BASELINE_ROUTE_SHARES = {"ambulance": 0.20, "gp": 0.55, "self": 0.12, "other": 0.13}

_CONTEXT: dict[str, tuple[Region, TravelMatrices, frozenset[str]]] = {}


def _context(region_path: str) -> tuple[Region, TravelMatrices, frozenset[str]]:
    """Region, travel matrices and sensitive SEHs, computed once per worker process."""
    if region_path not in _CONTEXT:
        region = load_region(region_path)
        travel = travel_matrices(region)
        _CONTEXT[region_path] = (region, travel, sensitive_sites(region, travel))
    return _CONTEXT[region_path]


def sensitive_sites(region: Region, travel: TravelMatrices) -> frozenset[str]:
    """24/7 SEHs whose closure alone puts extra inhabitants beyond the 45-minute norm."""
    from acutesim.geo.norm import NormTracker

    sites = region.seh_sites
    is_24_7 = np.array([s.is_24_7 for s in sites], dtype=bool)
    posts_24_7 = np.array([p.is_24_7 for p in region.posts], dtype=bool)
    if not is_24_7.any() or not posts_24_7.any():
        return frozenset()
    tracker = NormTracker(
        travel.amb_post_area[posts_24_7], travel.amb_area_site[:, is_24_7], region.area_population()
    )
    extra = tracker.sensitivity(np.ones(int(is_24_7.sum()), dtype=bool))
    ids = [s.site_id for s in sites if s.is_24_7]
    return frozenset(sid for sid, x in zip(ids, extra, strict=True) if x > 0)


def funding_setup(
    region: Region, travel: TravelMatrices, sensitive: frozenset[str], scenario: Scenario
) -> FundingSetup | None:
    """The scenario's funding regimes and behaviour, or None when the region keeps no books."""
    if not region.finance and not scenario.funding and not scenario.behaviour:
        return None
    from acutesim.config.funding import build_funding
    from acutesim.funding.regimes import baseline_volumes, mts_shares_from_routes

    visits = expected_seh_visits_per_year(region, travel)
    mix = mts_shares_from_routes(BASELINE_ROUTE_SHARES, region.seh.mts_shares_by_route)
    baseline = baseline_volumes(visits, mix, region.seh.admission_share_by_mts)
    return build_funding(region, scenario, sensitive, baseline)


class PatientWriter:
    """Streams per-patient rows to a Parquet file in batches (never the whole table in memory)."""

    def __init__(self, path: Path, scenario: str, replication: int) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.scenario, self.replication = scenario, replication
        self.rows: list[tuple[Any, ...]] = []
        self.writer: pq.ParquetWriter | None = None

    def __call__(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= PATIENT_BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows."""
        if not self.rows:
            return
        cols = list(zip(*self.rows, strict=True))
        data = {
            "scenario": [self.scenario] * len(self.rows),
            "replication": [self.replication] * len(self.rows),
        }
        data.update({name: list(c) for name, c in zip(PATIENT_COLUMNS, cols, strict=True)})
        table = pa.table(data, schema=PATIENTS_SCHEMA)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, table.schema)
        self.writer.write_table(table)
        self.rows.clear()

    def close(self) -> None:
        """Flush and move the file into place."""
        self.flush()
        if self.writer is not None:
            self.writer.close()
            os.replace(self.tmp, self.path)


def result_tables(result: ReplicationResult, region: Region) -> dict[str, pa.Table]:
    """Turn one replication's rows into the tidy Arrow tables of the results store."""
    s, r = result.scenario, result.replication
    cal = region.calendar
    tables = {
        "kpis": pa.table(
            {
                "scenario": [s] * len(result.kpis),
                "replication": [r] * len(result.kpis),
                "kpi": [k for k, _, _ in result.kpis],
                "value": [v for _, v, _ in result.kpis],
                "site_id": [site for _, _, site in result.kpis],
            },
            schema=TABLES["kpis"],
        ),
        "status": pa.table(
            {
                "scenario": [s] * len(result.status),
                "replication": [r] * len(result.status),
                "site_id": [x[0] for x in result.status],
                "t_start": [x[1] for x in result.status],
                "t_end": [x[2] for x in result.status],
                "status": [x[3] for x in result.status],
            },
            schema=TABLES["status"],
        ),
        "closures": pa.table(
            {
                "scenario": [s] * len(result.closures),
                "replication": [r] * len(result.closures),
                "site_id": [x[1] for x in result.closures],
                "date": [cal.date(x[0]).isoformat() for x in result.closures],
                "t_minutes": [x[0] for x in result.closures],
                "action": [x[2] for x in result.closures],
                "reason": [x[3] for x in result.closures],
            },
            schema=TABLES["closures"],
        ),
        "timeseries": pa.table(
            {
                "scenario": [s] * len(result.timeseries),
                "replication": [r] * len(result.timeseries),
                "t_days": [x[0] for x in result.timeseries],
                "kpi": [x[1] for x in result.timeseries],
                "value": [x[2] for x in result.timeseries],
            },
            schema=TABLES["timeseries"],
        ),
    }
    tables["vehicles"] = vehicles_table(result.vehicles, s, r, cal)
    if result.finance:
        rows = [{"scenario": s, "replication": r, **row} for row in result.finance]
        tables["finance"] = pa.Table.from_pylist(rows)
    return tables


def execute_task(
    task: sp.Task, region_path: str, horizon_days: float, warmup_days: float, out_dir: str
) -> dict[str, Any]:
    """Run one task and write its parts; safe to call in any worker process.

    Returns
    -------
    dict
        Task metadata (key, counts, wall time), also written as the task's ``done.json``.
    """
    region, travel, sensitive = _context(region_path)
    store = ResultsStore(out_dir)
    store.parts.mkdir(parents=True, exist_ok=True)
    # staged outside the task folder, which write_task clears when it holds a partial task
    staged = staged_patients_path(store.parts, task.key)
    writer = (
        PatientWriter(staged, task.scenario.name, task.replication)
        if task.scenario.record_patients
        else None
    )
    result = run_replication(
        region,
        task.scenario,
        horizon_days=horizon_days,
        warmup_days=warmup_days,
        root_seed=task.root_seed,
        replication=task.replication,
        travel=travel,
        patient_sink=writer,
        funding=funding_setup(region, travel, sensitive, task.scenario),
        call_log=call_log_of(task.scenario.call_log, region) if task.scenario.call_log else None,
    )
    if writer is not None:
        writer.close()
    meta = {
        "key": task.key,
        "scenario": task.scenario.name,
        "replication": task.replication,
        "root_seed": task.root_seed,
        "journeys": result.n_created,
        "in_system_at_horizon": result.n_in_system,
        "terminal": result.n_terminal,
        "wall_seconds": round(result.wall_seconds, 3),
    }
    files = {PATIENTS_FILE: staged} if writer is not None and staged.exists() else None
    store.write_task(task.key, result_tables(result, region), meta, files)
    return meta


@dataclass
class RunResult:
    """What a finished (or resumed) batch produced."""

    out_dir: Path
    experiment: Experiment
    n_tasks: int
    n_run: int
    n_skipped: int
    wall_seconds: float
    row_counts: dict[str, int] = field(default_factory=dict)


def package_versions() -> dict[str, str]:
    """Versions of acutesim and its main dependencies, and of Python."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _prepare(store: ResultsStore, experiment: Experiment, force: bool) -> dict[str, Any]:
    chash = sp.config_hash(experiment)
    rhash = sp.region_hash(experiment.region_path)
    old = store.read_manifest()
    if force:
        store.clear()
        old = None
    if old is not None:
        if old.get("config_hash") != chash:
            raise ResultsError(
                f"{store.out_dir} holds results of a different experiment or horizon (config hash "
                f"{old.get('config_hash')} there, {chash} now); use --force to start afresh or "
                "--out for another directory"
            )
        if old.get("region_hash") != rhash:
            raise ResultsError(
                f"{store.out_dir}: the region pack '{experiment.region_path}' changed since these "
                f"results were made (hash {old.get('region_hash')} there, {rhash} now); use "
                "--force to start afresh or --out for another directory"
            )
    return {
        "experiment": experiment.name,
        "description": experiment.description,
        "experiment_file": experiment.source_path,
        "config": dict(experiment.config),
        "config_hash": chash,
        "region": experiment.region_path,
        "region_hash": rhash,
        "horizon_days": experiment.horizon_days,
        "warmup_days": experiment.warmup_days,
        "root_seed": experiment.seed,
        "replications": max(experiment.replications, int((old or {}).get("replications", 0))),
        "scenarios": [s.name for s in experiment.scenarios],
        "baseline": experiment.baseline,
        "seeds": [
            {"replication": r, "entropy": [experiment.seed, r]}
            for r in range(experiment.replications)
        ],
        "stream_keying": "numpy SeedSequence([root_seed, replication, crc32(stream name)])",
        "versions": package_versions(),
        "start_time": (old or {}).get("start_time") or _now(),
        "end_time": None,
    }


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def run_experiment(
    experiment_path: str | Path,
    *,
    out: str | Path | None = None,
    replications: int | None = None,
    horizon_days: float | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    progress: bool = False,
) -> RunResult:
    """Run (or resume) every (scenario, replication) task of an experiment.

    Parameters
    ----------
    experiment_path : str or Path
        The experiment TOML file.
    out : str or Path, optional
        Results directory; default ``results/<experiment name>``.
    replications : int, optional
        Override the experiment's replication count (more than before extends a batch).
    horizon_days : float, optional
        Override the horizon [days] (the warm-up is capped at half of it).
    workers : int, optional
        Worker processes; 1 runs serially in this process. Default: CPU count.
    scheduler : str, optional
        A Dask scheduler address, or ``"local"`` for a LocalCluster of ``workers``.
    force : bool
        Discard existing results first.
    progress : bool
        Show a progress bar with ETA on stderr.

    Returns
    -------
    RunResult
    """
    experiment, _region = load_experiment(experiment_path)
    experiment = sp.with_overrides(experiment, replications=replications, horizon_days=horizon_days)
    out_dir = Path(out) if out is not None else Path("results") / experiment.name
    store = ResultsStore(out_dir)
    manifest = _prepare(store, experiment, force)
    if _region is not None:  # the named pathway rules in force (docs/assumptions.md s. 13)
        manifest["pathways"] = _region.pathways.describe()
    store.write_manifest(manifest)
    tasks = sp.expand(experiment)
    todo = [t for t in tasks if not store.is_done(t.key)]
    t0 = time.perf_counter()
    run = partial(
        execute_task,
        region_path=experiment.region_path,
        horizon_days=experiment.horizon_days,
        warmup_days=experiment.warmup_days,
        out_dir=str(out_dir),
    )
    n_workers = max(1, min(workers or (os.cpu_count() or 1), len(todo) or 1))
    with _Progress(len(tasks), len(tasks) - len(todo), enabled=progress) as bar:
        if scheduler:
            _run_dask(run, todo, scheduler, workers or (os.cpu_count() or 1), bar.advance)
        elif n_workers == 1:
            for t in todo:
                bar.advance(run(t))
        else:
            _run_processes(run, todo, n_workers, bar.advance)
    counts = store.merge([t.key for t in tasks], list(experiment.scenario_names))
    n_patients = merge_patients((store.task_dir(t.key) for t in tasks), out_dir)
    if n_patients:
        counts["patients"] = n_patients
    manifest["end_time"] = _now()
    manifest["tasks"] = [store.task_meta(t.key) for t in tasks]
    store.write_manifest(manifest)
    return RunResult(
        out_dir=out_dir,
        experiment=experiment,
        n_tasks=len(tasks),
        n_run=len(todo),
        n_skipped=len(tasks) - len(todo),
        wall_seconds=time.perf_counter() - t0,
        row_counts=counts,
    )


def _run_processes(
    run: Callable[[sp.Task], dict[str, Any]],
    todo: list[sp.Task],
    n_workers: int,
    done: Callable[[dict[str, Any]], None],
) -> None:
    import multiprocessing

    pool = ProcessPoolExecutor(
        max_workers=n_workers, mp_context=multiprocessing.get_context("spawn")
    )
    try:
        pending: set[Future[dict[str, Any]]] = {pool.submit(run, t) for t in todo}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                done(f.result())
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM) or a task failed: stop the workers now. A task cut
        # off mid-way has no done.json, so the next run redoes it; finished tasks stay.
        workers = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in workers:
            proc.terminate()
        raise
    pool.shutdown(wait=True)


def _run_dask(
    run: Callable[[sp.Task], dict[str, Any]],
    todo: list[sp.Task],
    scheduler: str,
    n_workers: int,
    done: Callable[[dict[str, Any]], None],
) -> None:
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
    else:
        client = Client(scheduler)
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


class _Progress:
    """A rich progress bar on stderr with ETA (or nothing when disabled)."""

    def __init__(self, total: int, completed: int, *, enabled: bool) -> None:
        self.enabled = enabled and total > 0
        self.total, self.completed = total, completed
        self._progress: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]tasks"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=self.total, completed=self.completed)
        return self

    def advance(self, meta: dict[str, Any]) -> None:
        """Count one finished task."""
        if self._progress is not None:
            self._progress.update(
                self._task, advance=1, description=f"{meta['scenario']} r{meta['replication']}"
            )

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


__all__ = ["RunResult", "execute_task", "package_versions", "run_experiment"]
