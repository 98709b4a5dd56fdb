"""Batch speed-up: serial against 2 local processes against a Dask LocalCluster.

Runs the same 8 tasks (2 scenarios x 4 replications of regions/demo, long enough that a
task takes at least about 10 s) three times into fresh directories: serially
(``--workers 1``), on a local process pool of 2 workers and on a Dask LocalCluster of 2
workers. Prints the wall times and the CPU seconds of each runner (this process and
its workers, Dask's scheduler and nannies included), the speed-up of the pool over
serial (goal >= 1.7), the Dask time relative to the pool (goal within 5%), the same
ratio in CPU seconds (what Dask costs beyond the tasks, whatever else the machine is
running), the load average, and checks that the three merged KPI tables are identical.
A shared machine's speed drifts by more than 5% within minutes, so ``--repeat N`` runs
the pool and Dask N times each, alternating (serial once), and prints each round's
Dask/pool ratio with their median; the headline figures are those of the median round.

    python benchmarks/bench_batch.py [--horizon-days 1826] [--repeat 1]
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


def _run(exp: Path, out: Path, label: str, **kw: object) -> tuple[float, float, pd.DataFrame]:
    """Run the experiment into ``out``; wall and CPU seconds, and the merged KPI table."""
    from acutesim.experiment.runner import run_experiment

    load = os.getloadavg()[0]
    c, t = _cpu(), time.perf_counter()
    result = run_experiment(exp, out=out, **kw)  # type: ignore[arg-type]
    wall, cpu = time.perf_counter() - t, _cpu() - c
    print(
        f"{label:>10}: {result.n_run} tasks in {wall:.1f} s, "
        f"CPU {cpu:.1f} s (load average {load:.1f} at the start)",
        flush=True,
    )
    return wall, cpu, pd.read_parquet(out / "kpis.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon-days", type=float, default=1826.0)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of pool and Dask")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1 (got {args.repeat})")

    import json
    import statistics

    tmp = Path(tempfile.mkdtemp(prefix="acutesim-bench-"))
    exp = tmp / "bench.toml"
    region = (ROOT / "regions" / "demo").as_posix()
    exp.write_text(EXPERIMENT.format(region=region, horizon=args.horizon_days))
    serial_wall, _, serial_table = _run(exp, tmp / "serial", "serial", workers=1)
    manifest = json.loads((tmp / "serial" / "manifest.json").read_text())
    per_task = [m["wall_seconds"] for m in manifest["tasks"]]
    rounds: list[tuple[float, float, float, float]] = []  # pool wall, cpu; Dask wall, cpu
    same = True
    for k in range(args.repeat):
        pool = _run(exp, tmp / f"processes{k}", "processes", workers=2)
        dask = _run(exp, tmp / f"dask{k}", "dask", workers=2, scheduler="local")
        rounds.append((pool[0], pool[1], dask[0], dask[1]))
        same = same and serial_table.equals(pool[2]) and serial_table.equals(dask[2])
    ratios = [d / p for p, _, d, _ in rounds]
    median = statistics.median_low(ratios)
    pool_wall, pool_cpu, dask_wall, dask_cpu = rounds[ratios.index(median)]
    print(f"task wall time: min {min(per_task):.1f} s, mean {sum(per_task) / len(per_task):.1f} s")
    speedup = serial_wall / pool_wall
    print(f"speed-up of 2 processes over serial: {speedup:.2f}x (goal >= 1.7)")
    print(f"Dask LocalCluster / process pool: {dask_wall / pool_wall:.3f} (goal <= 1.05)")
    print(f"Dask LocalCluster / process pool in CPU seconds: {dask_cpu / pool_cpu:.3f}")
    if args.repeat > 1:
        shown = ", ".join(f"{r:.3f}" for r in ratios)
        print(f"Dask / pool per round: {shown} (median {median:.3f}: the round shown above)")
    print(f"merged KPI tables identical across runners: {same}")


if __name__ == "__main__":
    main()
