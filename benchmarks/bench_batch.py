"""Batch speed-up: serial against 2 local processes against a Dask LocalCluster.

Runs the same 8 tasks (2 scenarios x 4 replications of regions/demo, long enough that a
task takes at least about 10 s) three times into fresh directories: serially
(``--workers 1``), on a local process pool of 2 workers and on a Dask LocalCluster of 2
workers. Prints the wall times and the CPU seconds of each runner (this process and
its workers, Dask's scheduler and nannies included), the speed-up of the pool over
serial (goal >= 1.7), the Dask time relative to the pool (goal within 5%), the same
ratio in CPU seconds (what Dask costs beyond the tasks, whatever else the machine is
running), the load average, and checks that the three merged KPI tables are identical.

    python benchmarks/bench_batch.py [--horizon-days 1826]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EXPERIMENT = """
name = "bench_batch"
region = "{region}"
horizon_days = {horizon}
warmup_days = 7
replications = 4
seed = 7

[[scenarios]]
name = "baseline"

[[scenarios]]
name = "short_staffed"
staff_vacancy_share = 0.2
"""


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon-days", type=float, default=1826.0)
    args = parser.parse_args()

    from acutesim.experiment.runner import run_experiment

    tmp = Path(tempfile.mkdtemp(prefix="acutesim-bench-"))
    exp = tmp / "bench.toml"
    region = (ROOT / "regions" / "demo").as_posix()
    exp.write_text(EXPERIMENT.format(region=region, horizon=args.horizon_days))
    times: dict[str, float] = {}
    cpus: dict[str, float] = {}
    tables: dict[str, pd.DataFrame] = {}
    per_task: list[float] = []
    for label, kw in (
        ("serial", {"workers": 1}),
        ("processes", {"workers": 2}),
        ("dask", {"workers": 2, "scheduler": "local"}),
    ):
        out = tmp / label
        load = os.getloadavg()[0]
        c, t = _cpu(), time.perf_counter()
        result = run_experiment(exp, out=out, **kw)
        times[label] = time.perf_counter() - t
        cpus[label] = _cpu() - c
        tables[label] = pd.read_parquet(out / "kpis.parquet")
        if label == "serial":
            import json

            manifest = json.loads((out / "manifest.json").read_text())
            per_task = [m["wall_seconds"] for m in manifest["tasks"]]
        print(
            f"{label:>10}: {result.n_run} tasks in {times[label]:.1f} s, "
            f"CPU {cpus[label]:.1f} s (load average {load:.1f} at the start)"
        )
    print(f"task wall time: min {min(per_task):.1f} s, mean {sum(per_task) / len(per_task):.1f} s")
    speedup = times["serial"] / times["processes"]
    print(f"speed-up of 2 processes over serial: {speedup:.2f}x (goal >= 1.7)")
    ratio = times["dask"] / times["processes"]
    print(f"Dask LocalCluster / process pool: {ratio:.3f} (goal <= 1.05)")
    cpu_ratio = cpus["dask"] / cpus["processes"]
    print(f"Dask LocalCluster / process pool in CPU seconds: {cpu_ratio:.3f}")
    same = all(tables["serial"].equals(tables[k]) for k in ("processes", "dask"))
    print(f"merged KPI tables identical across runners: {same}")


if __name__ == "__main__":
    main()
