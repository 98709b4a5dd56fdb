"""A batch killed with SIGKILL midway completes on the next run, each task exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from acutesim.experiment.runner import run_experiment

ROOT = Path(__file__).resolve().parents[2]

EXPERIMENT = """
name = "killed"
region = "{region}"
horizon_days = 60
warmup_days = 2
replications = 3
seed = 11

[[scenarios]]
name = "baseline"

[[scenarios]]
name = "more_demand"
demand_multiplier = 1.2
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_sigkill_midway_then_resume(tmp_path: Path) -> None:
    exp = tmp_path / "killed.toml"
    exp.write_text(EXPERIMENT.format(region=(ROOT / "regions" / "demo").as_posix()))
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "acutesim.cli",
        "run",
        str(exp),
        "--out",
        str(out),
        "--workers",
        "1",
    ]
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 180
    # Wait (polling the file system, not timing anything) until one task is on disk.
    while not list(out.glob("parts/*/done.json")):
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "no task finished within 180 s"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    done_before = {p.parent.name for p in out.glob("parts/*/done.json")}
    assert 1 <= len(done_before) < 6, "the kill should land midway through the 6 tasks"

    result = run_experiment(exp, out=out, workers=1)
    assert result.n_skipped == len(done_before)
    assert result.n_run == 6 - len(done_before)
    kpis = pd.read_parquet(out / "kpis.parquet")
    journeys = kpis[(kpis["kpi"] == "journeys") & kpis["site_id"].isna()]
    counts = journeys.groupby(["scenario", "replication"]).size()
    assert len(counts) == 6
    assert (counts == 1).all()
    # the tasks finished before the kill are identical to a fresh run of the same task
    fresh = tmp_path / "fresh"
    run_experiment(exp, out=fresh, workers=1)
    pd.testing.assert_frame_equal(kpis, pd.read_parquet(fresh / "kpis.parquet"))
