"""Report speed: time `acutesim report` on the quickstart results (goal: under 15 s).

Runs ``experiments/quickstart.toml`` into a temporary folder (or uses a results
directory you name), then times :func:`acutesim.report.html.write_report` in this
process, matplotlib and geopandas imports included, and prints the time and the sizes of
the files it wrote. It prints figures; it is not a test.

    python benchmarks/bench_report.py [RESULTS_DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL_SECONDS = 15.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results_dir", nargs="?", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="time the report this often")
    args = parser.parse_args()

    os.chdir(ROOT)  # the manifest names the region pack relative to the project
    with tempfile.TemporaryDirectory() as tmp:
        results = args.results_dir
        if results is None:
            from acutesim.experiment.runner import run_experiment

            results = Path(tmp) / "quickstart"
            t = time.perf_counter()
            run_experiment(ROOT / "experiments" / "quickstart.toml", out=results)
            print(f"quickstart run: {time.perf_counter() - t:.1f} s (not counted)")
        from acutesim.report.html import companion_paths, write_report

        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            html = write_report(results)
            times.append(time.perf_counter() - t)
        md, csv = companion_paths(html)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1024:,.0f} kB" for p in (html, md, csv))
        runs = " ".join(f"{x:.2f}" for x in times)
        print(f"report of {results.name}: first {times[0]:.2f} s (all runs: {runs} s); {sizes}")
        verdict = "within" if times[0] < GOAL_SECONDS else "OVER"
        print(f"goal: first report under {GOAL_SECONDS:g} s -> {verdict}")


if __name__ == "__main__":
    main()
