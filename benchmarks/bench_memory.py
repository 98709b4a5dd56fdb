"""Memory of one real task: the peak resident memory of a worker that runs it, per horizon.

``benchmarks/bench_sim.py`` measures a bare ``Model.run`` of 14 days. A worker of a
national batch does more: it loads the pack, runs a replication of a whole year with
its funding, builds the result tables and writes them. This benchmark runs the first
task of an experiment (by default ``experiments/nl-funding-2027.toml``, fee-per-DBC,
one replication) as a worker of ``acutesim run --workers N`` does
(``experiment.runner.execute_task``, handed the Region the main process loaded), each
horizon in a fresh spawned process, and prints the journeys, the CPU seconds and the
peak resident memory of that process. The reference, measured in the same run, is a
process that only builds the pack's travel matrices from that Region (what every
worker holds before its first task). Goal (issue 17): at most 400 MB per worker.

    python benchmarks/bench_memory.py [--days 30 365]
                                      [--experiment experiments/nl-funding-2027.toml]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL_MB = 400.0


def _peak_mb() -> float:
    """This process's own peak (VmHWM): ru_maxrss would include the parent's at the fork."""
    from acutesim.sim.tuning import peak_rss_mb

    return peak_rss_mb()


# modules a simulation worker does not need (each is MB resident once imported)
UNNEEDED = ("pandas", "geopandas", "pyogrio", "pyproj", "shapely", "matplotlib", "scipy")


def _unneeded_imports() -> str:
    names = [m for m in UNNEEDED if m in sys.modules]
    return ", ".join(names) or "none"


def load_only(region_path: str, region: Any) -> dict[str, Any]:
    """The reference: the travel matrices of the pack handed in, nothing else."""
    from acutesim.experiment.context import worker_context

    worker_context(region_path, region)
    return {"peak_mb": _peak_mb(), "imported": _unneeded_imports()}


def one_task(
    task: Any, region_path: str, region: Any, horizon_days: float, warmup_days: float
) -> dict[str, Any]:
    """Run one task as a pool worker does (the Region handed in by the main process)."""
    from acutesim.experiment.runner import execute_task

    cpu = time.process_time()
    with tempfile.TemporaryDirectory(prefix="acutesim-bench-memory-") as out:
        meta = execute_task(
            task,
            region_path=region_path,
            horizon_days=horizon_days,
            warmup_days=warmup_days,
            out_dir=out,
            region=region,
        )
    return {
        "scenario": task.scenario.name,
        "journeys": meta["journeys"],
        "cpu": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "imported": _unneeded_imports(),
    }


def _in_worker(fn: Any, *args: Any) -> dict[str, Any]:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, nargs="+", default=[30.0, 365.0])
    parser.add_argument("--experiment", default=str(ROOT / "experiments" / "nl-funding-2027.toml"))
    args = parser.parse_args()
    from acutesim.config.load import load_experiment, load_region
    from acutesim.experiment import spec as sp
    from acutesim.experiment.context import region_for_workers

    # the main process's part, as in a run: the experiment, its tasks, the Region
    exp, _region = load_experiment(args.experiment)
    runs = [sp.with_overrides(exp, replications=1, horizon_days=days) for days in args.days]
    tasks = [sp.expand(e, context="bench-memory")[0] for e in runs]
    region = region_for_workers(
        load_region(exp.region_path), keep_geometry=bool(tasks and tasks[0].scenario.call_log)
    )
    ref = _in_worker(load_only, exp.region_path, region)
    print(
        f"{Path(args.experiment).name}: a worker that only builds the pack's travel "
        f"matrices peaks at {ref['peak_mb']:.0f} MB (reference; unneeded modules imported: "
        f"{ref['imported']})"
    )
    for days, e, task in zip(args.days, runs, tasks, strict=True):
        r = _in_worker(one_task, task, exp.region_path, region, e.horizon_days, e.warmup_days)
        print(
            f"first task ({r['scenario']}, replication 0), {days:g} days: "
            f"{r['journeys']:,} journeys in {r['cpu']:.1f} s CPU; peak {r['peak_mb']:.0f} MB "
            f"per worker ({r['peak_mb'] - ref['peak_mb']:+.0f} MB over the reference; "
            f"goal <= {GOAL_MB:.0f} MB; unneeded modules imported: {r['imported']})"
        )


if __name__ == "__main__":
    main()
