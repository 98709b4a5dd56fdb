"""Robustness sweeps: a space-filling design over contested knobs, with common random numbers.

The file and its design points come from ``config.robustness``. Every design point runs
``replications`` times with the same root seed, so replication r of every point draws the
same patients.

At the switch review the board decides under the new regime and records what it would have
decided under the old one (the counterfactual review of the same run, ``sim.board``), so
each verdict is a paired comparison within one run. Before a point's first board decision
all points share one trajectory (the old regime is in force and the random numbers are
common), so one observed run per replication, with decisions switched off, gives every
point's decisions up to its first one (the *replay*). A point whose first decision before
the switch concerns another SEH than the headline site then diverges; it is simulated on
its own (a *full run*).

The results folder holds ``manifest.json`` (``kind = "robustness"``), ``design.parquet``,
``parts/`` (one verified file per replication and per full run, so an interrupted sweep
resumes where it stopped) and, when complete, ``runs.parquet``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from acutesim.atomic import atomic_path, atomic_write_bytes
from acutesim.config.robustness import design, load_robustness, point_scenario, scenario_tables
from acutesim.domain.region import Region
from acutesim.errors import ConfigError, ResultsError
from acutesim.experiment.names import name_problem
from acutesim.experiment.parallel import run_processes
from acutesim.experiment.robustness_results import KIND, MANIFEST, read_manifest
from acutesim.experiment.store import ResultsLock

CLOSING = ("closure", "night_closure")
# The verdicts a run records; analysis.robustness words them.
VERDICTS = (
    "fee_closes_site",
    "budget_closes_site",
    "budget_keeps_site_open",
    "site_closed_before_switch",
    "budget_changes_other_sehs",
)


# --- one replication ----------------------------------------------------------------------
@dataclass(frozen=True)
class ReplayTask:
    """Replay every design point on one observed run of a replication."""

    replication: int
    points: tuple[dict[str, Any], ...]  # funding/behaviour tables per point
    base: dict[str, Any]
    horizon_days: float
    seed: int
    region_path: str
    site: str


@dataclass(frozen=True)
class FullTask:
    """Simulate one design point and replication on its own."""

    point: int
    replication: int
    tables: dict[str, Any]
    horizon_days: float
    seed: int
    region_path: str
    site: str


def _model(task: ReplayTask | FullTask, scenario: Any, region: Region | None) -> Any:
    from acutesim.experiment.context import worker_context
    from acutesim.experiment.runner import funding_setup
    from acutesim.rng import RandomStreams
    from acutesim.sim.model import Model
    from acutesim.units import MINUTES_PER_DAY

    region, travel, sensitive = worker_context(task.region_path, region)
    return Model(
        region,
        scenario,
        RandomStreams(task.seed, task.replication),
        horizon_minutes=task.horizon_days * MINUTES_PER_DAY,
        warmup_minutes=0.0,
        travel=travel,
        funding=funding_setup(region, travel, sensitive, scenario),
    )


def _verdicts(
    site: str,
    before: Mapping[str, tuple[str, str]],
    fee: Mapping[str, str],
    budget: Mapping[str, str],
) -> dict[str, Any]:
    """The verdicts from the decisions before the switch and at it (site -> action)."""
    first = before.get(site, ("none", ""))
    fee_closes = fee.get(site, "none") in CLOSING
    budget_closes = budget.get(site, "none") in CLOSING
    others = {s for s in (*fee, *budget) if s != site}
    return {
        "fee_closes_site": fee_closes,
        "budget_closes_site": budget_closes,
        "budget_keeps_site_open": fee_closes and not budget_closes,
        "site_closed_before_switch": first[0] in CLOSING and first[1] == "financial",
        "budget_changes_other_sehs": any(
            (fee.get(s, "none") in CLOSING) != (budget.get(s, "none") in CLOSING) for s in others
        ),
        "fee_decisions": ";".join(f"{s}:{a}" for s, a in sorted(fee.items()) if a != "none"),
        "budget_decisions": ";".join(f"{s}:{a}" for s, a in sorted(budget.items()) if a != "none"),
    }


def _peak_mb() -> float:
    from acutesim.sim.tuning import peak_rss_mb  # this worker's own peak, none of its parent's

    return peak_rss_mb()


def run_full(task: FullTask, region: Region | None = None) -> list[dict[str, Any]]:
    """Simulate one point and replication; return its verdicts (one row).

    ``region`` is the pack as the sweep's main process loaded it (see :func:`_map`).
    """
    t0 = time.process_time()
    model = _model(task, point_scenario(f"p{task.point:03d}", task.tables), region)
    model.run()
    rec = model.recorder
    switch_t = max((t for t, *_ in rec.shadow_decisions), default=math.inf)
    before = {c[1]: (c[2], c[3]) for c in reversed(rec.closures) if c[0] < switch_t}
    budget = {c[1]: c[2] for c in rec.closures if c[0] == switch_t}
    fee = {s: action for _, s, _, action, _ in rec.shadow_decisions}
    row = {
        "point": task.point,
        "replication": task.replication,
        **_verdicts(task.site, before, fee, budget),
        "method": "full",
        "cpu_seconds": time.process_time() - t0,
        "peak_mb": _peak_mb(),
    }
    return [row]


def run_replay(task: ReplayTask, region: Region | None = None) -> list[dict[str, Any]]:
    """Evaluate every design point's board at every review of one shared observed run.

    ``region`` is the pack as the sweep's main process loaded it (see :func:`_map`).
    """
    from acutesim.experiment.context import worker_context
    from acutesim.experiment.runner import funding_setup
    from acutesim.funding.behaviour import board_decision

    region, travel, sensitive = worker_context(task.region_path, region)
    setups = [
        funding_setup(region, travel, sensitive, point_scenario(f"p{p:03d}", tables))
        for p, tables in enumerate(task.points)
    ]
    observe = point_scenario(
        "observe",
        {"funding": task.base.get("funding", {}), "behaviour": {"board": {"enabled": False}}},
    )
    state: list[dict[str, Any]] = [{"diverged": None} for _ in setups]

    def evaluate(board: Any, regime: Any, params: Any, shares: Any, quarter: Any) -> dict:
        out = {}
        for i, s in enumerate(board.sites):
            full, night = board.effects(i, regime, shares, quarter, params)
            st = board.state(i, full, night, quarter, board.seh[i].quarters_since_change + 1, [])
            decision = board_decision(st, params)
            out[s.site_id] = (decision.action, decision.reason) if decision else ("none", "")
        return out

    def observer(board: Any, date: dt.date, shares: Any, quarter: Any) -> None:
        for setup, rec in zip(setups, state, strict=True):
            if rec["diverged"] is not None or setup is None:
                continue
            regime = setup.schedule.regime_at(date)
            previous = setup.schedule.regime_at(date - dt.timedelta(days=1))
            decided = evaluate(board, regime, setup.board, shares, quarter)
            if regime is not previous:  # the switch review
                rec["fee"] = evaluate(board, previous, setup.board, shares, quarter)
                rec["budget"] = decided
                rec["diverged"] = "at_switch"
            elif any(a != "none" for a, _ in decided.values()):
                rec["diverged"] = str(date)
                rec["before"] = decided

    t0 = time.process_time()
    model = _model(task, observe, region)
    model.board.observer = observer
    model.run()
    cpu = time.process_time() - t0
    rows = []
    for p, rec in enumerate(state):
        before = rec.get("before", {})
        first = before.get(task.site, ("none", ""))
        site_first = first[0] in CLOSING and first[1] == "financial"
        rows.append(
            {
                "point": p,
                "replication": task.replication,
                **_verdicts(
                    task.site,
                    before,
                    {s: a for s, (a, _) in rec.get("fee", {}).items()},
                    {s: a for s, (a, _) in rec.get("budget", {}).items()},
                ),
                "method": "replay",
                "first_decision": rec["diverged"] or "none",
                "needs_full_run": bool(before) and not site_first,
                "cpu_seconds": cpu,
                "peak_mb": _peak_mb(),
            }
        )
    return rows


# --- the sweep ----------------------------------------------------------------------------
@dataclass
class RobustnessResult:
    """What :func:`run_robustness` did."""

    out_dir: Path
    n_run: int
    n_skipped: int
    wall_seconds: float
    runs: pd.DataFrame


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)


def _write_manifest(out: Path, manifest: Mapping[str, Any]) -> None:
    atomic_write_bytes(out / MANIFEST, json.dumps(manifest, indent=2, default=str).encode())


def _read_part(path: Path) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError):  # a part cut short is not done; it runs again
        return None


def run_robustness(
    path: str | Path,
    *,
    out: str | Path | None = None,
    workers: int = 1,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RobustnessResult:
    """Run a robustness experiment (resuming a folder of the same file and version).

    Parameters
    ----------
    path : str or Path
        The robustness experiment TOML file.
    out : str or Path, optional
        Results folder; default ``results/<name>``.
    workers : int
        Local worker processes (1 runs in this process). Results do not depend on it.
    force : bool
        Start afresh in a folder written by another file or version.
    progress : callable, optional
        Receives one line per finished task.

    Raises
    ------
    ConfigError
        For a bad file (before anything is written).
    ResultsError
        When ``out`` holds another sweep and ``force`` is not given.
    """
    from acutesim import __version__

    spec = load_robustness(path)
    bad_name = name_problem(spec.name, scenario=False)
    if bad_name:
        raise ConfigError(f"robustness experiment '{path}'", [f"{spec.path.name} name: {bad_name}"])
    points = design(spec)
    out_dir = Path(out) if out is not None else Path("results") / spec.name
    key = spec.key(__version__)
    say = progress or (lambda _msg: None)
    lock = ResultsLock(out_dir).acquire()
    try:
        old = read_manifest(out_dir)
        if (out_dir / MANIFEST).exists() and (old is None or old.get("key") != key):
            if not force:
                why = "another kind of results" if old is None else "another file or version"
                raise ResultsError(
                    f"{out_dir}: holds {why}; pass --force to start afresh or another --out"
                )
            _clear(out_dir)
        parts = out_dir / "parts"
        parts.mkdir(parents=True, exist_ok=True)
        manifest = {
            "kind": KIND,
            "name": spec.name,
            "description": spec.file.description,
            "key": key,
            "acutesim": __version__,
            "experiment_file": str(spec.path),
            "region": str(spec.region_path),
            "config": spec.raw,
            "status": "running",
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "workers": workers,
        }
        _write_manifest(out_dir, manifest)
        _write_parquet(out_dir / "design.parquet", points.reset_index())
        start = time.perf_counter()
        n_run = n_skipped = 0
        f = spec.file
        tables = tuple(scenario_tables(f.base, row.to_dict()) for _, row in points.iterrows())
        base = f.base.model_dump()
        replay_parts: dict[int, pd.DataFrame] = {}
        todo_replay: list[ReplayTask] = []
        for r in range(f.replications):
            part = _read_part(parts / f"replay-{r:03d}.parquet")
            if part is not None and len(part) == len(points):
                replay_parts[r] = part
                n_skipped += 1
            else:
                todo_replay.append(
                    ReplayTask(
                        r, tables, base, f.horizon_days, f.seed, str(spec.region_path), f.site
                    )
                )

        def replay_done(rows: list[dict[str, Any]]) -> None:
            nonlocal n_run
            frame = pd.DataFrame(rows)
            r = int(frame["replication"].iloc[0])
            _write_parquet(parts / f"replay-{r:03d}.parquet", frame)
            replay_parts[r] = frame
            n_run += 1
            say(
                f"replication {r + 1} of {f.replications} replayed for {len(points)} points "
                f"({time.perf_counter() - start:,.0f} s)"
            )

        preloaded = _Preloaded(str(spec.region_path))
        _map(run_replay, todo_replay, workers, replay_done, preloaded)
        replayed = pd.concat([replay_parts[r] for r in sorted(replay_parts)], ignore_index=True)
        need = replayed[replayed["needs_full_run"]]
        full_parts: dict[tuple[int, int], pd.DataFrame] = {}
        todo_full: list[FullTask] = []
        for p, r in zip(need["point"], need["replication"], strict=True):
            name = parts / f"full-{int(p):04d}-{int(r):03d}.parquet"
            part = _read_part(name)
            if part is not None and len(part) == 1:
                full_parts[(int(p), int(r))] = part
                n_skipped += 1
            else:
                todo_full.append(
                    FullTask(int(p), int(r), tables[int(p)], f.horizon_days, f.seed,
                             str(spec.region_path), f.site)
                )  # fmt: skip

        def full_done(rows: list[dict[str, Any]]) -> None:
            nonlocal n_run
            frame = pd.DataFrame(rows)
            p, r = int(frame["point"].iloc[0]), int(frame["replication"].iloc[0])
            _write_parquet(parts / f"full-{p:04d}-{r:03d}.parquet", frame)
            full_parts[(p, r)] = frame
            n_run += 1
            say(f"point {p}, replication {r + 1}: simulated on its own")

        _map(run_full, todo_full, workers, full_done, preloaded)
        runs = _combine(replayed, full_parts)
        wall = time.perf_counter() - start
        _write_parquet(out_dir / "runs.parquet", runs)
        manifest.update(
            status="complete",
            finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            wall_seconds=wall,
            n_run=n_run,
            n_skipped=n_skipped,
            cpu_count=os.cpu_count(),
        )
        _write_manifest(out_dir, manifest)
    finally:
        lock.release()
    return RobustnessResult(out_dir, n_run, n_skipped, wall, runs)


def _combine(replayed: pd.DataFrame, full: Mapping[tuple[int, int], pd.DataFrame]) -> pd.DataFrame:
    """The replayed rows, with those that needed a full run replaced by it."""
    runs = replayed.set_index(["point", "replication"])
    for (p, r), frame in full.items():
        row = frame.set_index(["point", "replication"]).iloc[0]
        for col, value in row.items():
            runs.loc[(p, r), col] = value
    return runs.reset_index().sort_values(["point", "replication"], ignore_index=True)


class _Preloaded:
    """The sweep's pack as worker processes get it, loaded here at most once.

    A worker handed the Region never reads the areas layer itself (GDAL, PROJ and GEOS:
    tens of MB of its peak; see ``context.region_for_workers``), as in experiment runs.
    """

    def __init__(self, region_path: str) -> None:
        self.region_path = region_path
        self._region: Region | None = None

    def region(self) -> Region:
        if self._region is None:
            from acutesim.config.load import load_region
            from acutesim.experiment.context import region_for_workers

            self._region = region_for_workers(load_region(self.region_path))
        return self._region


def _map(
    fn: Callable[..., list[dict[str, Any]]],
    tasks: list[Any],
    workers: int,
    done: Callable[[list[dict[str, Any]]], None],
    preloaded: _Preloaded,
) -> None:
    """Run tasks in this process, or on the experiment runner's process pool.

    In this process a task loads the pack through ``context.worker_context`` (kept for
    the next task); worker processes are handed the pack loaded here instead.
    """
    if workers <= 1 or len(tasks) <= 1:
        for t in tasks:
            done(fn(t))
        return
    run_processes(partial(fn, region=preloaded.region()), tasks, min(workers, len(tasks)), done)


def _clear(out_dir: Path) -> None:
    """Delete what a sweep wrote (never anything else in the folder)."""
    for name in (MANIFEST, "design.parquet", "runs.parquet"):
        (out_dir / name).unlink(missing_ok=True)
    parts = out_dir / "parts"
    if parts.is_dir():
        for p in parts.glob("*.parquet"):
            if p.name.startswith(("replay-", "full-")):
                p.unlink()


__all__ = ["run_robustness"]
