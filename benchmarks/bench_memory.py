"""Memory of one real task: the peak resident memory of a worker that runs it, per horizon.

``benchmarks/bench_sim.py`` measures a bare ``Model.run`` of 14 days. A worker of a
national batch does more: it loads the pack, runs a replication of a whole year with
its funding, builds the result tables and writes them. This benchmark runs the first
task of an experiment (by default ``experiments/nl-funding-2027.toml``, fee-per-DBC,
one replication) as ``acutesim run`` does (``experiment.runner.execute_task``), each
horizon in a fresh spawned process, and prints the journeys, the CPU seconds and the
peak resident memory of that process. The reference, measured in the same run, is a
process that only loads the pack and its travel matrices (what every worker holds before
its first task). Goal (issue 17): at most 400 MB per worker.

    python benchmarks/bench_memory.py [--days 30 365]
                                      [--experiment experiments/nl-funding-2027.toml]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL_MB = 400.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_only(experiment: str) -> dict[str, Any]:
    """The reference: load the experiment's pack and its travel matrices, nothing else."""
    from acutesim.config.load import load_experiment
    from acutesim.experiment.context import worker_context

    exp, _region = load_experiment(experiment)
    worker_context(exp.region_path)
    return {"peak_mb": _peak_mb()}


def one_task(experiment: str, days: float) -> dict[str, Any]:
    """Run the experiment's first task (first scenario, replication 0) for ``days``."""
    from acutesim.config.load import load_experiment
    from acutesim.experiment import spec as sp
    from acutesim.experiment.runner import execute_task

    exp, _region = load_experiment(experiment)
    exp = sp.with_overrides(exp, replications=1, horizon_days=days)
    task = sp.expand(exp, context="bench-memory")[0]
    cpu = time.process_time()
    with tempfile.TemporaryDirectory(prefix="acutesim-bench-memory-") as out:
        meta = execute_task(
            task,
            region_path=exp.region_path,
            horizon_days=exp.horizon_days,
            warmup_days=exp.warmup_days,
            out_dir=out,
        )
    return {
        "scenario": task.scenario.name,
        "journeys": meta["journeys"],
        "cpu": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
    }


def _in_worker(fn: Any, *args: Any) -> dict[str, Any]:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, nargs="+", default=[30.0, 365.0])
    parser.add_argument("--experiment", default=str(ROOT / "experiments" / "nl-funding-2027.toml"))
    args = parser.parse_args()
    ref = _in_worker(load_only, args.experiment)
    print(
        f"{Path(args.experiment).name}: a worker that only loads the pack and its travel "
        f"matrices peaks at {ref['peak_mb']:.0f} MB (reference)"
    )
    for days in args.days:
        r = _in_worker(one_task, args.experiment, days)
        print(
            f"first task ({r['scenario']}, replication 0), {days:g} days: "
            f"{r['journeys']:,} journeys in {r['cpu']:.1f} s CPU; peak {r['peak_mb']:.0f} MB "
            f"per worker ({r['peak_mb'] - ref['peak_mb']:+.0f} MB over the reference; "
            f"goal <= {GOAL_MB:.0f} MB)"
        )


if __name__ == "__main__":
    main()
