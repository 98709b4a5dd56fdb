"""Report timeline: when each phase of ``acutesim report`` runs, in the command and its worker.

The national report is built by two processes (the command and one chart worker), and
its time is set by whichever ends last. This runs the command once as a new process
and prints, per process, when each phase starts and how long it takes (seconds since
the command was started): the interpreter coming up, the report's modules imported,
the results summarised and loaded, the region read, the norm maps, the content, each
chart drawn and saved, the companion files, and the end. It prints figures; it is not
a test.

    python benchmarks/report_timeline.py RESULTS_DIR [--figure-processes N]

The phases are timed by wrapping the functions named in :data:`PHASES` as their
modules are imported, in both processes (a ``sitecustomize`` module on the path of the
command, which the spawned worker inherits); the report itself is unchanged.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# module -> functions timed (a function drawing a slot is labelled with its key)
PHASES: dict[str, tuple[str, ...]] = {
    "acutesim.report.html": ("write_report", "_draw", "figure_png", "render_html"),
    "acutesim.report.figure_pool": ("draw_slot", "_warm_up"),
    "acutesim.report.data": ("load_results", "_load_region", "_load_reachability"),
    "acutesim.analysis.stats": ("summarise",),
    "acutesim.report.content": ("build_content",),
    "acutesim.report.exports": (
        "summary_sheets",
        "xlsx_bytes",
        "summary_csv",
        "write_reach_gpkgs",
    ),
    "acutesim.report.explorer": ("write_explorer",),
    "acutesim.report.markdown": ("render_markdown",),
    "acutesim.config.load": ("load_region_with_areas",),
    "acutesim.experiment.workers": ("end_pool",),
}

SITECUSTOMIZE = """
import functools, importlib.abc, os, sys, threading, time

_T0 = float(os.environ["REPORT_TIMELINE_T0"])
_LOG = os.environ["REPORT_TIMELINE_LOG"]
_PHASES = {phases!r}
_lock = threading.Lock()


def _log(text):
    with _lock, open(_LOG, "a", encoding="utf-8") as f:
        f.write(f"{{time.time() - _T0:.3f}}\\t{{os.getpid()}}\\t{{text}}\\n")


def _wrap(module, name):
    fn = getattr(module, name, None)
    if fn is None:
        return

    @functools.wraps(fn)
    def timed(*args, **kwargs):
        label = name
        if args and hasattr(args[0], "key"):
            label += f"[{{args[0].key}}]"
        start = time.time()
        try:
            return fn(*args, **kwargs)
        finally:
            _log(f"{{label}}\\t{{time.time() - start:.3f}}")

    setattr(module, name, timed)


class _Loader(importlib.abc.Loader):
    def __init__(self, inner, name):
        self.inner, self.name = inner, name

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module):
        self.inner.exec_module(module)
        for name in _PHASES[self.name]:
            _wrap(module, name)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname not in _PHASES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                spec.loader = _Loader(spec.loader, fullname)
                return spec
        return None


sys.meta_path.insert(0, _Finder())
_log("interpreter up\\t0")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results_dir", type=Path, help="a results folder (national)")
    parser.add_argument("--figure-processes", type=int, default=None, help="chart workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sitecustomize.py").write_text(
            SITECUSTOMIZE.format(phases=PHASES), encoding="utf-8"
        )
        log = Path(tmp) / "timeline.tsv"
        command = [sys.executable, "-m", "acutesim.cli", "report", str(args.results_dir)]
        if args.figure_processes is not None:
            command += ["--figure-processes", str(args.figure_processes)]
        path = os.pathsep.join([tmp, str(ROOT), os.environ.get("PYTHONPATH", "")])
        t0 = time.time()
        env = dict(
            os.environ,
            PYTHONPATH=path,
            REPORT_TIMELINE_T0=repr(t0),
            REPORT_TIMELINE_LOG=str(log),
        )
        subprocess.run(command, check=True, env=env, stderr=subprocess.DEVNULL)
        wall = time.time() - t0
        rows = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    names: dict[str, str] = {}
    busy = {pid for _end, pid, label, _seconds in rows if label != "interpreter up"}
    for _end, pid, label, _seconds in rows:
        if label == "interpreter up" and pid not in names:
            # the command comes up first; a process that times nothing is multiprocessing's
            names[pid] = "command" if not names else ("worker" if pid in busy else "helper")
    print(f"acutesim report {args.results_dir}: {wall:.2f} s wall; load average {os.getloadavg()}")
    print(f"{'process':>10} {'start':>7} {'end':>7} {'seconds':>7}  phase")
    for end, pid, label, seconds in sorted(rows, key=lambda r: float(r[0]) - float(r[3])):
        start, stop, took = float(end) - float(seconds), float(end), float(seconds)
        print(f"{names.get(pid, pid):>10} {start:7.3f} {stop:7.3f} {took:7.3f}  {label}")


if __name__ == "__main__":
    main()
