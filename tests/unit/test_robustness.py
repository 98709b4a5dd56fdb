"""Robustness sweeps: the design, the file checks, the verdict shares, the replay's oracle.

The replay (one observed run per replication, every design point's board evaluated on it)
is checked against its oracle: each point simulated on its own must give the same verdicts.
Serial and parallel sweeps give identical tables, and a sweep resumes from its parts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acutesim.analysis.robustness import knob_influence, robustness_frame, verdict_robustness
from acutesim.config.robustness import design, is_robustness_file, load_robustness
from acutesim.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
DEMO = (ROOT / "regions" / "demo").as_posix()

SMALL = """
name = "small-robustness"
region = "{region}"
horizon_days = 90
replications = {reps}
seed = 2027
site = "kust"

[design]
method = "{method}"
points = {points}
seed = 3

[base]
funding = {{ regime = "fixed-budget", switch_date = 2026-04-01 }}

[knobs."funding.schoning_persists_on_closure"]
values = [true, false]

[knobs."behaviour.board.loss_quarters"]
range = [1, 2]
integer = true

[knobs."behaviour.board.reserve_threshold_eur"]
range = [2_000_000, 8_000_000]
{extra}
"""


def small(tmp_path: Path, *, points=4, reps=1, method="lhs", extra="", name="small.toml") -> Path:
    path = tmp_path / name
    text = SMALL.format(region=DEMO, points=points, reps=reps, method=method, extra=extra)
    path.write_text(text, encoding="utf-8")
    return path


# -- the design ------------------------------------------------------------------------------
def test_latin_hypercube_balances_every_level_and_stays_in_range(tmp_path):
    spec = load_robustness(small(tmp_path, points=64))
    points = design(spec)
    assert len(points) == 64
    assert list(points.columns) == list(spec.file.knobs)
    # A Latin hypercube puts exactly n/k points in each of k equal strata of every knob.
    assert points["funding.schoning_persists_on_closure"].value_counts().tolist() == [32, 32]
    assert points["behaviour.board.loss_quarters"].value_counts().tolist() == [32, 32]
    reserve = points["behaviour.board.reserve_threshold_eur"]
    assert reserve.between(2e6, 8e6).all()
    assert np.histogram(reserve, bins=8, range=(2e6, 8e6))[0].tolist() == [8] * 8
    assert design(spec).equals(points)  # the design seed fixes it


def test_sobol_needs_a_power_of_two(tmp_path):
    with pytest.raises(ConfigError, match="power of 2"):
        load_robustness(small(tmp_path, points=6, method="sobol"))
    assert len(design(load_robustness(small(tmp_path, points=8, method="sobol")))) == 8


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('[knobs."funding.schoning"]\nvalues = ["hospital", "everything"]', "schoning"),
        ('[knobs."funding.budget_eur_per_yr"]\nrange = [1, 2]', "budget_eur_per_year"),
        ('[knobs."staff.vacancy"]\nrange = [0, 1]', "a knob is 'funding.<key>'"),
        ('[knobs."funding.binding"]\nvalues = ["location"]', "at least 2"),
        ('[knobs."funding.binding"]\nrange = [2, 1]', "low < high"),
        ('[knobs."funding.binding"]\nvalues = ["a", "b"]\nrange = [0, 1]', "exactly one"),
        ("colour = 'red'", "colour"),
    ],
)
def test_bad_files_name_the_key(tmp_path, extra, expected):
    with pytest.raises(ConfigError) as err:
        load_robustness(small(tmp_path, extra=extra))
    assert expected in str(err.value)
    assert "small.toml" in str(err.value)


def test_a_misspelt_site_and_a_missing_switch_are_refused(tmp_path):
    path = small(tmp_path)
    path.write_text(path.read_text().replace('site = "kust"', 'site = "kusst"'))
    with pytest.raises(ConfigError, match="did you mean 'kust'"):
        load_robustness(path)
    path = small(tmp_path)
    path.write_text(path.read_text().replace(", switch_date = 2026-04-01", ""))
    with pytest.raises(ConfigError, match="switch_date"):
        load_robustness(path)


def test_cli_refuses_a_bad_file_with_exit_2_and_writes_nothing(tmp_path):
    path = small(tmp_path, extra="colour = 'red'")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "acutesim.cli", "robustness", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "colour" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_run_sends_a_robustness_file_to_its_command(tmp_path):
    path = small(tmp_path)
    assert is_robustness_file(path)
    assert not is_robustness_file(ROOT / "experiments" / "quickstart.toml")
    proc = subprocess.run(
        [sys.executable, "-m", "acutesim.cli", "run", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "acutesim robustness" in proc.stderr


def test_the_shipped_sweep_file_is_valid():
    spec = load_robustness(ROOT / "experiments" / "funding-robustness.toml")
    assert spec.file.design.points >= 64
    assert spec.file.replications >= 3


# -- the shares ------------------------------------------------------------------------------
def test_a_knob_that_decides_the_verdict_has_spread_one_and_others_zero():
    points = pd.DataFrame(
        {"a": [True, False] * 8, "b": [1.0 + i for i in range(16)]},
        index=pd.RangeIndex(16, name="point"),
    )
    holds = points["a"].copy()
    influence = dict(knob_influence(points, holds))
    assert influence["a"] == 1.0
    assert influence["b"] == 0.0  # both halves of b hold the verdict half the time


def test_verdict_shares_use_the_majority_of_replications_and_an_exact_interval():
    points = pd.DataFrame({"k": ["x", "y", "x", "y"]}, index=pd.RangeIndex(4, name="point"))
    runs = pd.DataFrame(
        {
            "point": [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3],
            "replication": [0, 1, 2] * 4,
            "budget_keeps_site_open": [1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0],
        }
    ).astype({"budget_keeps_site_open": bool})
    (v,) = verdict_robustness(points, runs, {"budget_keeps_site_open": "keeps it open"})
    assert (v.points_holding, v.n_points) == (2, 4)  # points 0 and 2 (2 of 3, 3 of 3)
    assert v.share_of_runs == pytest.approx(6 / 12)
    assert v.ci_low == pytest.approx(0.0676, abs=1e-4)  # Clopper-Pearson, 2 of 4
    assert v.ci_high == pytest.approx(0.9324, abs=1e-4)
    assert v.top_knobs[0] == ("k", 1.0)
    frame = robustness_frame([v])
    assert frame.loc[0, "knob_1"] == "k"
    assert frame.loc[0, "share_of_points"] == 0.5


# -- running ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    from acutesim.experiment.robustness import run_robustness

    tmp = tmp_path_factory.mktemp("sweep")
    path = small(tmp, points=4, reps=2)
    result = run_robustness(path, out=tmp / "out", workers=2)
    return path, result


@pytest.mark.slow
def test_serial_and_parallel_sweeps_agree_and_a_sweep_resumes(sweep, tmp_path):
    from acutesim.experiment.robustness import run_robustness

    path, parallel = sweep
    out = tmp_path / "serial"
    serial = run_robustness(path, out=out, workers=1)
    cols = ["point", "replication", "fee_closes_site", "budget_keeps_site_open",
            "site_closed_before_switch", "fee_decisions", "budget_decisions"]  # fmt: skip
    pd.testing.assert_frame_equal(serial.runs[cols], parallel.runs[cols])
    # Interrupted after the first replication: only the missing one runs again.
    (out / "parts" / "replay-001.parquet").unlink()
    (out / "runs.parquet").unlink()
    again = run_robustness(path, out=out, workers=1)
    assert (again.n_run, again.n_skipped) == (1, 1 + serial.n_skipped)
    pd.testing.assert_frame_equal(again.runs[cols], serial.runs[cols])


def test_worker_processes_are_handed_the_pack_without_its_polygons(tmp_path, monkeypatch):
    import acutesim.experiment.robustness as rb

    handed = []

    def fake_pool(fn, tasks, n_workers, done):
        handed.append(fn.keywords["region"])
        for t in tasks:
            done(fn(t))

    monkeypatch.setattr(rb, "run_processes", fake_pool)
    path = small(tmp_path, points=2, reps=2)
    rb.run_robustness(path, out=tmp_path / "out", workers=2)
    assert handed, "two replications on two workers go to the pool"
    assert handed[0].areas
    assert all(a.geometry is None for a in handed[0].areas)
    assert all(r is handed[0] for r in handed), "the pack is loaded once per sweep"


@pytest.mark.slow
def test_the_replay_gives_what_each_point_simulated_on_its_own_gives(sweep):
    from acutesim.config.robustness import scenario_tables
    from acutesim.experiment.robustness import FullTask, run_full

    path, result = sweep
    spec = load_robustness(path)
    points = design(spec)
    runs = result.runs.set_index(["point", "replication"])
    assert runs["fee_closes_site"].any(), "the check needs a point where the verdict holds"
    for p, row in points.iterrows():
        for r in range(spec.file.replications):
            task = FullTask(int(p), r, scenario_tables(spec.file.base, row.to_dict()),
                            spec.file.horizon_days, spec.file.seed, str(spec.region_path),
                            spec.file.site)  # fmt: skip
            (oracle,) = run_full(task)
            for key in ("fee_closes_site", "budget_closes_site", "site_closed_before_switch",
                        "fee_decisions", "budget_decisions"):  # fmt: skip
                assert runs.loc[(p, r), key] == oracle[key], (p, r, key)


@pytest.mark.slow
def test_summary_and_report_state_each_verdict_with_its_share(sweep):
    _, result = sweep
    for command in ("summary", "report"):
        proc = subprocess.run(
            [sys.executable, "-m", "acutesim.cli", command, str(result.out_dir)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
    summary = subprocess.run(
        [sys.executable, "-m", "acutesim.cli", "summary", str(result.out_dir)],
        capture_output=True,
        text=True,
    ).stdout
    md = (result.out_dir / "report.md").read_text(encoding="utf-8")
    csv = pd.read_csv(result.out_dir / "summary.csv")
    keeps = csv.set_index("verdict").loc["budget_keeps_site_open"]
    share = f"holds in {keeps['points_holding']} of 4 design points"
    assert share in summary
    assert share in md
    assert "depends most on" in md or "no knob moves it" in md
    assert (result.out_dir / "report.html").stat().st_size > 1000


def test_unreadable_files_are_located_errors(tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "caf\xe9"\n'.encode("cp1252"))
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    for path, expected in ((latin, "UTF-8"), (deep, "nested"), (tmp_path / "gone.toml", "gone")):
        with pytest.raises(ConfigError, match=expected):
            load_robustness(path)
        assert not is_robustness_file(path)


@pytest.mark.slow
def test_the_report_of_a_sweep_starts_no_chart_worker(sweep, monkeypatch, tmp_path):
    from acutesim.report import command

    def no_pool(*args, **kwargs):
        raise AssertionError("a sweep's report drew in a chart worker")

    monkeypatch.setattr(command, "FigurePool", no_pool)
    _, result = sweep
    said = command.report_results(result.out_dir, tmp_path / "sweep.html", "en", None)
    assert "sweep.html" in said
    assert (tmp_path / "sweep.md").is_file()
