"""Processes: workers die with their parent, SIGTERM ends a run, one run per results folder.

These start ``acutesim run`` as a real process, so they exercise the CLI, the process
pool and Dask as a user would. The 10 s and 30 s bounds are what the behaviour promises
(no worker left 10 s after the parent is killed), not measurements of speed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from acutesim.experiment.runner import run_experiment
from acutesim.experiment.store import LOCK_NAME

ROOT = Path(__file__).resolve().parents[2]
PROC = Path("/proc")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (PROC / "self" / "task").exists(), reason="needs Linux /proc"),
]

EXPERIMENT = """
name = "workers"
region = "{region}"
horizon_days = {days}
warmup_days = 1
replications = {reps}
seed = 7

[[scenarios]]
name = "baseline"

[[scenarios]]
name = "more_demand"
demand_multiplier = 1.2
"""


def experiment(tmp_path: Path, *, days: int = 60, reps: int = 3) -> Path:
    path = tmp_path / "workers.toml"
    region = (ROOT / "regions" / "demo").as_posix()
    path.write_text(EXPERIMENT.format(region=region, days=days, reps=reps), encoding="utf-8")
    return path


def start(exp: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "acutesim.cli", "run", str(exp), "--out", str(out), *extra]
    return subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def alive(pid: int) -> bool:
    """True for a process that exists and is not a zombie."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def descendants(pid: int) -> set[int]:
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in (PROC / str(p) / "task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for k in map(int, kids):
                if k not in out:
                    out.add(k)
                    todo.append(k)
    return out


def wait_for(predicate, proc: subprocess.Popen[bytes], what: str, limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        assert proc.poll() is None, f"the run ended before {what}: {proc.stderr.read()!r}"
        assert time.monotonic() < deadline, f"no {what} within {limit} s"
        time.sleep(0.05)


def assert_all_end(pids: set[int], after: str, limit: float = 10) -> None:
    """Every process in ``pids`` is gone within ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = sorted(p for p in pids if alive(p))
    assert left == [], f"processes still alive {limit:g} s after {after}: {left}"


def cleanup(proc: subprocess.Popen[bytes], pids: set[int]) -> None:
    for pid in [proc.pid, *pids]:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("runner", ["processes", "dask"])
def test_kill_9_of_the_parent_leaves_no_worker(tmp_path, runner):
    if runner == "dask":
        pytest.importorskip("dask.distributed", reason="needs the dask extra")
    extra = ["--workers", "2"] + (["--scheduler", "local"] if runner == "dask" else [])
    out = tmp_path / "out"
    proc = start(experiment(tmp_path), out, *extra)
    workers: set[int] = set()
    try:
        wait_for(lambda: len(list(out.glob("parts/*"))) >= 2, proc, "two tasks started")
        workers = descendants(proc.pid)
        assert len(workers) >= 2, "expected at least two worker processes"
        os.kill(proc.pid, signal.SIGKILL)  # the parent only, not its process group
        assert proc.wait() == -signal.SIGKILL
        assert_all_end(workers, "kill -9")  # so none can write another task folder
    finally:
        cleanup(proc, workers)


def test_sigterm_ends_a_run_with_workers_within_seconds(tmp_path):
    out = tmp_path / "out"
    proc = start(experiment(tmp_path), out, "--workers", "2")
    workers: set[int] = set()
    try:
        wait_for(lambda: len(list(out.glob("parts/*"))) >= 2, proc, "two tasks started")
        workers = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        assert code in (130, 143)
        assert b"interrupted" in proc.stderr.read() or code == 143
        # The run terminates and joins its pool workers before it exits; helpers such as
        # multiprocessing's resource tracker end when they see the parent's pipe close,
        # which on a loaded machine can take a moment. The promise is "within seconds".
        assert_all_end(workers, "the run ended")
    finally:
        cleanup(proc, workers)


def test_two_runs_into_one_folder_the_second_is_refused(tmp_path):
    exp = experiment(tmp_path, days=30, reps=2)
    out = tmp_path / "out"
    out.mkdir()
    # The first holder takes the lock exactly as a run does and keeps it until its standard
    # input closes, so the test does not depend on how long a run takes.
    holder = (
        "import sys\n"
        "from acutesim.experiment.store import ResultsLock\n"
        "ResultsLock(sys.argv[1]).acquire()\n"
        "print('locked', flush=True)\n"
        "sys.stdin.read()\n"
    )
    first = subprocess.Popen(
        [sys.executable, "-c", holder, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == b"locked"
        assert json.loads((out / LOCK_NAME).read_text())["pid"] == first.pid
        second = subprocess.run(
            [sys.executable, "-m", "acutesim.cli", "run", str(exp), "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 2
        assert f"in use by another acutesim run (pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
        # The holder dies (kill -9): its lock is taken over at once and the batch completes.
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        result = run_experiment(exp, out=out, workers=1)
        assert result.n_run + result.n_skipped == 4
        assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    finally:
        cleanup(first, set())


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:9", "not an address"])
def test_a_bad_scheduler_address_is_a_located_error(tmp_path, address):
    pytest.importorskip("dask.distributed", reason="needs the dask extra")
    exp = experiment(tmp_path, days=5, reps=1)
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "acutesim.cli",
            "run",
            str(exp),
            "--out",
            str(tmp_path / "o"),
            "--scheduler",
            address,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2
    assert f"--scheduler {address!r}: cannot reach a Dask scheduler" in res.stderr
    assert "Traceback" not in res.stderr
