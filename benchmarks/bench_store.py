"""Cost of a results store that checks everything: resume, part verification and merge.

Runs 2 scenarios x 10 replications of regions/demo (7 days each) once, then times a
resume that runs nothing (every part's files re-hashed with SHA-256, the merge written
under temporary names, the manifest sealed with each table's hash), the verification of
all parts on its own, and ``check_complete`` (what ``summary`` and ``report`` do first).

    python benchmarks/bench_store.py [--replications 10] [--horizon-days 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EXPERIMENT = """
name = "bench_store"
region = "{region}"
horizon_days = {horizon}
warmup_days = 1
replications = {reps}
seed = 7

[[scenarios]]
name = "baseline"

[[scenarios]]
name = "short_staffed"
staff_vacancy_share = 0.2
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--horizon-days", type=float, default=7.0)
    args = parser.parse_args()

    from acutesim.experiment.runner import run_experiment
    from acutesim.experiment.store import ResultsStore

    tmp = Path(tempfile.mkdtemp(prefix="acutesim-bench-store-"))
    exp = tmp / "bench.toml"
    region = (ROOT / "regions" / "demo").as_posix()
    exp.write_text(
        EXPERIMENT.format(region=region, horizon=args.horizon_days, reps=args.replications)
    )
    out = tmp / "out"
    t = time.perf_counter()
    first = run_experiment(exp, out=out, workers=2)
    print(f"first run: {first.n_run} tasks in {time.perf_counter() - t:.1f} s")
    store = ResultsStore(out)
    keys = [p.name for p in sorted(store.parts.iterdir())]
    part_bytes = sum(f.stat().st_size for k in keys for f in store.task_dir(k).iterdir())
    t = time.perf_counter()
    bad = [k for k in keys if store.part_problem(k) is not None]
    verify = time.perf_counter() - t
    print(
        f"verify {len(keys)} parts ({part_bytes / 1e6:.2f} MB): {verify * 1000:.0f} ms "
        f"({verify / len(keys) * 1000:.1f} ms a part), {len(bad)} bad"
    )
    t = time.perf_counter()
    again = run_experiment(exp, out=out, workers=2)
    print(f"resume running nothing ({again.n_skipped} parts kept): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    store.check_complete()
    print(f"check_complete (summary/report): {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
