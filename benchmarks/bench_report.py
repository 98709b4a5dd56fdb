"""Report speed: time `acutesim report` on national results, with the demo as reference.

The goal is a national report (regions/nl, about 4,000 PC4 areas, 80 SEHs) built in
under 8 s. Make the national results once (a few minutes) and name the folder:

    acutesim run experiments/nl-funding-2027.toml --replications 1 --horizon-days 7 \\
        --workers 1 --out /tmp/nlrep
    python benchmarks/bench_report.py /tmp/nlrep [--repeat 3] [--figure-processes 0 1]

It runs ``experiments/quickstart.toml`` into a temporary folder (the in-run reference:
a demo report, timed the same way). For each results folder it times the command
``acutesim report DIR`` as a new process, imports included: once with an empty cache
folder (``ACUTESIM_CACHE_DIR``: the first report of a pack on this machine, which loads
the pack, computes its norm maps and explorer and keeps them, see
:mod:`acutesim.report.region_cache`), then ``--repeat`` times as it runs (the cache as
the user has it, warm after the first report); then,
in this process, :func:`acutesim.report.html.write_report` once per number of chart
processes given, and checks that every setting wrote the same report. It prints wall
seconds and CPU seconds (the report's process and its chart workers) and the load
average (the machine is shared: compare runs made in one go). It prints figures; it
is not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL_SECONDS = 8.0  # the national report


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _time(results: Path, processes: int | None, repeat: int) -> tuple[list[float], float, bytes]:
    from acutesim.report.html import write_report

    walls, cpus = [], []
    html = b""
    for _ in range(repeat):
        c, t = _cpu(), time.perf_counter()
        path = write_report(results, figure_processes=processes)
        walls.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
        html = path.read_bytes()
    return walls, min(cpus), html


def _time_cli(results: Path, repeat: int, cache: Path | None = None) -> tuple[list[float], float]:
    walls, cpus = [], []
    env = dict(os.environ, ACUTESIM_CACHE_DIR=str(cache)) if cache is not None else None
    for _ in range(repeat):
        c, t = _cpu(), time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "acutesim.cli", "report", str(results)],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        walls.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    return walls, min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "results_dir", nargs="?", type=Path, default=None, help="national results folder"
    )
    parser.add_argument("--repeat", type=int, default=2, help="time each report this often")
    parser.add_argument(
        "--figure-processes",
        type=int,
        nargs="+",
        default=[-1],
        help="chart processes to try; -1 is the default (none)",
    )
    args = parser.parse_args()

    os.chdir(ROOT)  # the manifest names the region pack relative to the project
    print(f"cores: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        from acutesim.experiment.runner import run_experiment

        demo = Path(tmp) / "quickstart"
        t = time.perf_counter()
        run_experiment(ROOT / "experiments" / "quickstart.toml", out=demo)
        print(f"quickstart run: {time.perf_counter() - t:.1f} s (not counted)")
        folders = [("demo", demo)] + ([("national", args.results_dir)] if args.results_dir else [])
        for label, results in folders:
            walls, cpu = _time_cli(results, 1, cache=Path(tmp) / f"cache-{label}")
            print(
                f"{label}: acutesim report, empty cache folder (first report of the pack): "
                f"{walls[0]:.2f} s, CPU {cpu:.2f} s incl. chart workers"
            )
            walls, cpu = _time_cli(results, args.repeat)
            runs = " ".join(f"{x:.2f}" for x in walls)
            print(
                f"{label}: acutesim report: best {min(walls):.2f}, median "
                f"{statistics.median(walls):.2f}, worst {max(walls):.2f} s (runs {runs} s), "
                f"CPU {cpu:.2f} s incl. chart workers"
            )
            if label == "national":  # every run, not the best one
                verdict = "within" if max(walls) < GOAL_SECONDS else "OVER"
                print(f"goal: every national report under {GOAL_SECONDS:g} s -> {verdict}")
            pages = set()
            for n in args.figure_processes:
                processes = None if n < 0 else n
                walls, cpu, html = _time(results, processes, args.repeat)
                pages.add(html)
                runs = " ".join(f"{x:.2f}" for x in walls)
                setting = "default" if processes is None else str(processes)
                print(
                    f"{label}: write_report in-process, chart processes {setting}: "
                    f"best {min(walls):.2f} s (runs {runs} s), CPU {cpu:.2f} s incl. workers"
                )
            if len(args.figure_processes) > 1:
                print(f"{label}: the same report with every setting: {len(pages) == 1}")
        print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
