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
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from acutesim.atomic import temporary_sibling
from acutesim.config.load import load_experiment, load_region
from acutesim.domain.region import Region
from acutesim.domain.scenario import Experiment, Scenario
from acutesim.errors import ConfigError, ResultsError
from acutesim.experiment import plan
from acutesim.experiment import spec as sp
from acutesim.experiment.context import region_for_workers, worker_context
from acutesim.experiment.journeys import (
    PATIENTS_FILE,
    PATIENTS_SCHEMA,
    call_log_of,
    merge_patients,
    staged_patients_path,
    vehicles_table,
)
from acutesim.experiment.names import name_problems
from acutesim.experiment.parallel import run_dask, run_processes
from acutesim.experiment.snapshot import (
    SNAPSHOT_DIR,
    SNAPSHOT_KEY,
    snapshot_pack_dir,
    write_region_snapshot,
)
from acutesim.experiment.store import (
    STORE_FORMAT,
    TABLES,
    ResultsLock,
    ResultsStore,
    file_record,
    merged_tables,
)
from acutesim.experiment.workers import watch_parent
from acutesim.funding.books import FundingSetup
from acutesim.sim.model import (
    ReplicationResult,
    TravelMatrices,
    expected_seh_visits_per_year,
    run_replication,
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


def funding_setup(
    region: Region, travel: TravelMatrices, sensitive: frozenset[str], scenario: Scenario
) -> FundingSetup | None:
    """The scenario's funding regimes and behaviour, or None when the region keeps no books."""
    if not region.finance and not scenario.funding and not scenario.behaviour:
        return None
    from acutesim.funding.regimes import baseline_volumes, mts_shares_from_routes
    from acutesim.funding.setup import build_funding

    visits = expected_seh_visits_per_year(region, travel)
    mix = mts_shares_from_routes(BASELINE_ROUTE_SHARES, region.seh.mts_shares_by_route)
    baseline = baseline_volumes(visits, mix, region.seh.admission_share_by_mts)
    return build_funding(region, scenario, sensitive, baseline)


class PatientWriter:
    """Streams per-patient rows to a Parquet file in batches (never the whole table in memory)."""

    def __init__(self, path: Path, scenario: str, replication: int) -> None:
        self.path = path
        self.tmp = temporary_sibling(path)
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

    def from_rows(name: str, rows: list, names: tuple[str, ...], **extra: list) -> pa.Table:
        # the rows' fields by name, after the scenario and replication (schema order)
        cols = list(zip(*rows, strict=True)) if rows else [()] * len(names)
        data = {"scenario": [s] * len(rows), "replication": [r] * len(rows), **extra}
        data.update({n: list(c) for n, c in zip(names, cols, strict=True)})
        return pa.table(data, schema=TABLES[name])

    tables = {
        "kpis": from_rows("kpis", result.kpis, ("kpi", "value", "site_id")),
        "status": from_rows("status", result.status, ("site_id", "t_start", "t_end", "status")),
        "closures": from_rows(
            "closures",
            result.closures,
            ("t_minutes", "site_id", "action", "reason"),
            date=[cal.date(x[0]).isoformat() for x in result.closures],
        ),
        "timeseries": from_rows("timeseries", result.timeseries, ("t_days", "kpi", "value")),
    }
    veh = result.vehicles
    if veh is None or not len(veh):
        tables["vehicles"] = vehicles_table([], s, r, cal)
    else:  # from the columns: a national year has ~400,000 rows, never Python tuples
        windows, row_window = np.unique(veh.window, return_inverse=True)
        dates = [cal.date(float(veh.window_starts[w])).isoformat() for w in windows]
        columns: dict[str, Any] = {
            "scenario": pa.array([s], pa.string()).take(np.zeros(len(veh), dtype=np.int64)),
            "replication": np.full(len(veh), r, dtype=np.int64),
            "date": pa.array(dates, pa.string()).take(row_window.astype(np.int64)),
            "vehicle_id": pa.array(veh.vehicle_ids, pa.string()).take(veh.vehicle),
            "post_id": pa.array(veh.vehicle_posts, pa.string()).take(veh.vehicle),
            "shift": pa.array(veh.window_names, pa.string()).take(veh.window),
            **veh.numbers(),
        }
        schema = TABLES["vehicles"]
        tables["vehicles"] = pa.table([columns[n] for n in schema.names], schema=schema)
    if result.finance:
        rows = [{"scenario": s, "replication": r, **row} for row in result.finance]
        tables["finance"] = pa.Table.from_pylist(rows)
    return tables


def execute_task(
    task: sp.Task,
    region_path: str,
    horizon_days: float,
    warmup_days: float,
    out_dir: str,
    watch_pid: int | None = None,
    region: Region | None = None,
) -> dict[str, Any]:
    """Run one task and write its parts; safe to call in any worker process.

    Parameters
    ----------
    watch_pid : int, optional
        The run's main process: a worker ends itself when that process is gone.
    region : Region, optional
        The pack at ``region_path`` as the main process loaded it
        (``context.region_for_workers``); a worker without a context for that pack uses
        it instead of reading the pack (and importing the geometry stack) itself.

    Returns
    -------
    dict
        Task metadata (key, counts, wall time), also written in the task's ``done.json``.
    """
    if watch_pid is not None:
        watch_parent(watch_pid)
    region, travel, sensitive = worker_context(region_path, region)
    store = ResultsStore(out_dir)
    store.start_task(task.key)
    # staged outside the task folder; write_task moves it in once the task has finished
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
        "scenario_key": task.scenario_key,
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
    notes: list[str] = field(default_factory=list)


def package_versions() -> dict[str, str]:
    """Versions of acutesim and its main dependencies, and of Python."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _funding_knobs(experiment: Experiment) -> dict[str, Any]:
    """Every scenario's funding and behaviour knobs with defaults (the accounting choices)."""
    from acutesim.config.funding import resolved_knobs

    return {s.name: resolved_knobs(s) for s in experiment.scenarios}


def norm_settings(experiment: Experiment, region: Region | None) -> dict[str, Any]:
    """Per scenario: the norm's fixed minutes, travel model and profile, and closed sites.

    The minutes are the scenario's ``dispatch_minutes``/``on_scene_minutes`` where set,
    else the pack's ``[travel]`` values, else the code defaults (``geo.norm``); the
    norm's drives are the ambulance profile's matrices.
    """
    from acutesim.geo.norm import norm_parameters

    travel = dict(getattr(region, "travel", None) or {})
    out: dict[str, Any] = {}
    for s in experiment.scenarios:
        p = norm_parameters(
            region, dispatch_minutes=s.dispatch_minutes, on_scene_minutes=s.on_scene_minutes
        )
        out[s.name] = {
            "dispatch_minutes": p.dispatch_minutes,
            "on_scene_minutes": p.on_scene_minutes,
            "norm_minutes": p.norm_minutes,
            "travel_model": str(travel.get("model", "straight_line")),
            "travel_profile": "ambulance",
            "closed_sites": list(s.closed_sites),
        }
    return out


def acutesim_version() -> str:
    """The running acutesim's version (part of every task key)."""
    from acutesim import __version__

    return __version__


def _expect(task: sp.Task) -> dict[str, Any]:
    return {
        "scenario": task.scenario.name,
        "replication": task.replication,
        "root_seed": task.root_seed,
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
    yes: bool = False,
    notify: Callable[[str], None] | None = None,
) -> RunResult:
    """Run (or resume, or extend) every (scenario, replication) task of an experiment.

    Only tasks whose verified part is not on disk run: adding scenarios or replications
    runs the new tasks, a changed scenario reruns itself, a description edit nothing.

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
        Delete what acutesim wrote in the results directory first, and start afresh.
    progress : bool
        Show a progress bar with ETA on stderr.
    yes : bool
        Run a plan over the request limits (``plan.check_request``) anyway.
    notify : callable, optional
        Receives one sentence per change found since the folder's last run, and per
        part that must run again, before anything runs.

    Returns
    -------
    RunResult

    Raises
    ------
    ConfigError
        Bad experiment, unsafe names, or a plan over the limits without ``yes``.
    ResultsError
        The folder is locked by another run, or its final merge failed.
    """
    plan.check_file(experiment_path, yes=yes)
    experiment, region = load_experiment(experiment_path)
    experiment = sp.with_overrides(experiment, replications=replications, horizon_days=horizon_days)
    bad_names = name_problems(experiment)
    if bad_names:
        raise ConfigError(f"experiment '{experiment_path}'", bad_names)
    plan.check_request(experiment, region, yes=yes)
    out_dir = Path(out) if out is not None else Path("results") / experiment.name
    say = notify or (lambda _msg: None)
    rules = region.pathways.describe() if region is not None else None
    with ResultsLock(out_dir):
        return _run_locked(
            experiment,
            ResultsStore(out_dir),
            workers=workers,
            scheduler=scheduler,
            force=force,
            progress=progress,
            say=say,
            pathways=rules,
            norm=norm_settings(experiment, region),
        )


def _run_locked(
    experiment: Experiment,
    store: ResultsStore,
    *,
    workers: int | None,
    scheduler: str | None,
    force: bool,
    progress: bool,
    say: Callable[[str], None],
    pathways: dict[str, Any] | None = None,
    norm: dict[str, Any] | None = None,
) -> RunResult:
    t0 = time.perf_counter()
    if force:
        store.clear()
    old = store.read_manifest_or_none()
    if old is not None and old.get("store_format") != STORE_FORMAT:
        say(f"{store.out_dir} was written by an older acutesim: its results are not reused")
        old = None
    version = acutesim_version()
    rhash = sp.region_hash(experiment.region_path)
    context = sp.context_hash(experiment, version=version, inputs=rhash)
    tasks = sp.expand(experiment, context=context)
    problems = {t.key: store.part_problem(t.key, _expect(t)) for t in tasks}
    todo = [t for t in tasks if problems[t.key] is not None]
    new_plan = plan.plan_record(experiment, tasks, version=version, region_hash=rhash)
    per_scenario: dict[str, int] = {}
    for t in todo:
        per_scenario[t.scenario.name] = per_scenario.get(t.scenario.name, 0) + 1
    notes = plan.describe_changes((old or {}).get("plan"), new_plan, per_scenario)
    for t in todo:
        if problems[t.key] not in ("not run",):
            notes.append(
                f"part {t.key} ({t.scenario.name!r} replication {t.replication}): "
                f"{problems[t.key]}; it runs again"
            )
    for note in notes:
        say(note)

    # the copy of the region pack the report reads (rewritten only when a file differs)
    snapshot, _ = write_region_snapshot(
        store.out_dir, experiment.region_path, (old or {}).get(SNAPSHOT_KEY)
    )
    written = set((old or {}).get("written") or []) | {SNAPSHOT_DIR}
    written.update(f"parts/{t.key}" for t in tasks)
    written.update(f"{name}.parquet" for name in (*merged_tables(), "patients"))
    manifest = _manifest(experiment, store, old, new_plan, written)
    if pathways is not None:  # the named pathway rules in force (docs/assumptions.md)
        manifest["pathways"] = pathways
    if norm is not None:  # each scenario's norm minutes, travel model and closed sites
        manifest["norm"] = norm
    manifest[SNAPSHOT_KEY] = snapshot
    store.write_manifest(manifest)

    # Tasks read the region from that copy, not from the pack: a pack edited while a long
    # run goes on cannot reach the tasks that start later, and what ran is what is kept.
    region_path = str(snapshot_pack_dir(store.out_dir, snapshot))
    n_workers = max(1, min(workers or (os.cpu_count() or 1), len(todo) or 1))
    preloaded = None
    if todo and (scheduler or n_workers > 1):
        # Worker processes get the copy loaded here, so none of them reads the areas
        # layer (GDAL, PROJ and GEOS: tens of MB of a worker's peak) for itself.
        preloaded = region_for_workers(
            load_region(region_path), keep_geometry=any(t.scenario.call_log for t in todo)
        )
    run = partial(
        execute_task,
        region_path=region_path,
        horizon_days=experiment.horizon_days,
        warmup_days=experiment.warmup_days,
        out_dir=str(store.out_dir),
        region=preloaded,
    )
    with _Progress(len(tasks), len(tasks) - len(todo), enabled=progress) as bar:
        if scheduler:
            run_dask(run, todo, scheduler, workers or (os.cpu_count() or 1), bar.advance)
        elif n_workers == 1:
            for t in todo:
                bar.advance(run(t))
        else:
            run_processes(run, todo, n_workers, bar.advance)

    broken = [(t, store.part_problem(t.key, _expect(t))) for t in tasks]
    broken = [(t, p) for t, p in broken if p is not None]
    if broken:
        t, p = broken[0]
        raise ResultsError(
            f"{store.task_dir(t.key)}: {p} after the run ({len(broken)} part(s) in all; "
            "did another process touch the folder?); run the same command again to redo them"
        )
    merged = [
        {"key": t.key, "scenario": t.scenario.name, "replication": t.replication} for t in tasks
    ]
    tables = store.merge(merged, list(experiment.scenario_names))
    n_patients = merge_patients((store.task_dir(t.key) for t in tasks), store.out_dir)
    if n_patients:
        tables["patients"] = file_record(store.out_dir / PATIENTS_FILE, n_patients)
    manifest.update(
        status="complete",
        tables=tables,
        end_time=_now(),
        replications=experiment.replications,
        scenarios=list(experiment.scenario_names),
        tasks=[{k: v for k, v in store.task_meta(t.key).items() if k != "files"} for t in tasks],
        seeds=[
            {"replication": r, "entropy": [experiment.seed, r]}
            for r in range(experiment.replications)
        ],
    )
    store.write_manifest(manifest)
    return RunResult(
        out_dir=store.out_dir,
        experiment=experiment,
        n_tasks=len(tasks),
        n_run=len(todo),
        n_skipped=len(tasks) - len(todo),
        wall_seconds=time.perf_counter() - t0,
        row_counts={name: int(rec["rows"]) for name, rec in tables.items()},
        notes=notes,
    )


def _manifest(
    experiment: Experiment,
    store: ResultsStore,
    old: dict[str, Any] | None,
    new_plan: dict[str, Any],
    written: set[str],
) -> dict[str, Any]:
    """The manifest while the run is going: status ``running``; what the tables held kept."""
    held = {k: (old or {}).get(k) for k in ("replications", "scenarios", "tables")}
    return {
        "store_format": STORE_FORMAT,
        "status": "running",
        "experiment": experiment.name,
        "description": experiment.description,
        "experiment_file": experiment.source_path,
        "config": dict(experiment.config),
        "funding_knobs": _funding_knobs(experiment),
        "config_hash": sp.config_hash(experiment),
        "region": experiment.region_path,
        "region_hash": new_plan["region_hash"],
        "horizon_days": experiment.horizon_days,
        "warmup_days": experiment.warmup_days,
        "root_seed": experiment.seed,
        **held,
        "baseline": experiment.baseline,
        "plan": new_plan,
        "stream_keying": "numpy SeedSequence([root_seed, replication, crc32(stream name)])",
        "task_keying": "sha256 of acutesim version, input files, experiment settings and the "
        "scenario's own settings, plus the replication index",
        "versions": package_versions(),
        "start_time": _now(),
        "end_time": None,
        "written": sorted(written | {"manifest.json"}),
    }


class _Progress:
    """A rich progress bar on stderr with ETA (or nothing when disabled).

    The ETA is the mean time per task over this whole run (wall time since the first
    task started, divided by the tasks finished since) times the tasks left; tasks
    already done before the run are counted as done but not timed.
    """

    def __init__(self, total: int, completed: int, *, enabled: bool) -> None:
        self.enabled = enabled and total > 0
        self.total, self.completed = total, completed
        self.n_this_run = 0
        self.t0 = time.perf_counter()
        self._progress: Any = None

    def eta_seconds(self) -> float | None:
        """Seconds left at the mean task time of this run so far (None before a task ends)."""
        if self.n_this_run == 0:
            return None
        per_task = (time.perf_counter() - self.t0) / self.n_this_run
        return per_task * (self.total - self.completed)

    def __enter__(self) -> _Progress:
        self.t0 = time.perf_counter()
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]tasks"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("eta {task.fields[eta]}"),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                "", total=self.total, completed=self.completed, eta="-:--:--"
            )
        return self

    def advance(self, meta: dict[str, Any]) -> None:
        """Count one finished task."""
        self.n_this_run += 1
        self.completed += 1
        if self._progress is not None:
            eta = self.eta_seconds()
            shown = "-:--:--" if eta is None else str(dt.timedelta(seconds=round(eta)))
            self._progress.update(
                self._task,
                advance=1,
                eta=shown,
                description=f"{meta['scenario']} r{meta['replication']}",
            )

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


__all__ = ["RunResult", "execute_task", "package_versions", "run_experiment"]
