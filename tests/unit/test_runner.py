"""The runner: deterministic tables, serial equals parallel, sorted rows, resume and extend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import DEMO
from pandas.testing import assert_frame_equal

from acutesim.config.load import load_experiment
from acutesim.errors import ResultsError
from acutesim.experiment import spec as sp
from acutesim.experiment.runner import run_experiment
from acutesim.experiment.store import TABLES, ResultsStore

# Scenario order on purpose not alphabetical: rows must follow the file, not the names.
SCENARIOS = (
    '[[scenarios]]\nname = "zeta_baseline"\n'
    '[[scenarios]]\nname = "alpha_short"\nstaff_vacancy_share = 0.3\n'
)


def write_experiment(directory: Path, *, seed: int = 11, extra: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "small.toml"
    path.write_text(
        f'name = "small"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 14\nwarmup_days = 2\n'
        f"replications = 2\nseed = {seed}\n{extra}{SCENARIOS}",
        encoding="utf-8",
    )
    return path


def read(out: Path, name: str) -> pd.DataFrame:
    return ResultsStore(out).read(name)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("first")
    path = write_experiment(base)
    result = run_experiment(path, out=base / "out", workers=1)
    return path, result


def test_first_run_runs_every_task(first_run):
    _path, result = first_run
    assert (result.n_tasks, result.n_run, result.n_skipped) == (4, 4, 0)
    kpis = read(result.out_dir, "kpis")
    assert result.row_counts["kpis"] == len(kpis)
    assert set(TABLES) <= set(result.row_counts)


def test_same_seed_gives_identical_tables(first_run, tmp_path):
    path, result = first_run
    again = run_experiment(path, out=tmp_path / "again", workers=1)
    for name in ("kpis", "status", "timeseries", "closures"):
        assert_frame_equal(read(result.out_dir, name), read(again.out_dir, name), check_exact=True)
    # same seed, same bytes: every merged table has the same SHA-256
    first = json.loads((result.out_dir / "manifest.json").read_text())["tables"]
    second = json.loads((again.out_dir / "manifest.json").read_text())["tables"]
    assert {k: v["sha256"] for k, v in first.items()} == {k: v["sha256"] for k, v in second.items()}


def test_another_seed_gives_different_tables(first_run, tmp_path):
    _path, result = first_run
    other = run_experiment(write_experiment(tmp_path, seed=12), out=tmp_path / "out", workers=1)
    a, b = read(result.out_dir, "kpis"), read(other.out_dir, "kpis")
    assert a[["scenario", "replication", "kpi"]].equals(b[["scenario", "replication", "kpi"]])
    assert not a["value"].equals(b["value"])


@pytest.mark.slow
def test_process_pool_equals_serial(first_run, tmp_path):
    path, result = first_run
    parallel = run_experiment(path, out=tmp_path / "parallel", workers=2)
    assert parallel.n_run == 4
    tables = [
        json.loads((d / "manifest.json").read_text())["tables"]
        for d in (result.out_dir, parallel.out_dir)
    ]
    assert tables[0] == tables[1]  # rows, bytes and SHA-256 of every merged table
    for name in ("kpis", "status", "timeseries"):
        assert_frame_equal(
            read(result.out_dir, name), read(parallel.out_dir, name), check_exact=True
        )


def test_rows_are_sorted_by_scenario_order_then_replication(first_run):
    _path, result = first_run
    for name in ("kpis", "status"):
        df = read(result.out_dir, name)
        order = df["scenario"].map({"zeta_baseline": 0, "alpha_short": 1})
        assert order.notna().all()
        keys = list(zip(order, df["replication"], strict=True))
        assert keys == sorted(keys), name
        assert keys[0] == (0, 0)
        assert keys[-1] == (1, 1)


def test_manifest_records_seed_replications_versions_and_tasks(first_run):
    path, result = first_run
    manifest = json.loads((result.out_dir / "manifest.json").read_text())
    exp, _ = load_experiment(path)
    assert manifest["root_seed"] == 11
    assert manifest["replications"] == 2
    assert manifest["scenarios"] == ["zeta_baseline", "alpha_short"]
    assert manifest["baseline"] == "zeta_baseline"
    assert manifest["config_hash"] == sp.config_hash(exp)
    assert manifest["seeds"] == [
        {"replication": 0, "entropy": [11, 0]},
        {"replication": 1, "entropy": [11, 1]},
    ]
    assert {"python", "acutesim", "simpy", "numpy"} <= set(manifest["versions"])
    assert [(t["scenario"], t["replication"]) for t in manifest["tasks"]] == [
        ("zeta_baseline", 0),
        ("zeta_baseline", 1),
        ("alpha_short", 0),
        ("alpha_short", 1),
    ]
    keys = [t["key"] for t in manifest["tasks"]]
    assert all(sp.TASK_KEY_PATTERN.match(k) for k in keys)
    assert keys[0].split("-")[0] == keys[1].split("-")[0] != keys[2].split("-")[0]
    assert manifest["status"] == "complete"
    assert set(manifest["tables"]) == {*TABLES, "finance"}
    assert manifest["tables"]["kpis"]["rows"] == result.row_counts["kpis"]
    assert manifest["end_time"] is not None


def test_tasks_are_scenario_major_and_share_the_seed(first_run):
    path, _result = first_run
    exp, _ = load_experiment(path)
    tasks = sp.expand(exp)
    assert [(t.scenario.name, t.replication, t.scenario_index) for t in tasks] == [
        ("zeta_baseline", 0, 0),
        ("zeta_baseline", 1, 0),
        ("alpha_short", 0, 1),
        ("alpha_short", 1, 1),
    ]
    assert len({t.key for t in tasks}) == 4
    assert {t.root_seed for t in tasks} == {11}
    assert len(sp.expand(exp, replications=5)) == 10


def task_key(out: Path, scenario: str, rep: int) -> str:
    tasks = json.loads((out / "manifest.json").read_text())["tasks"]
    (key,) = [t["key"] for t in tasks if (t["scenario"], t["replication"]) == (scenario, rep)]
    return key


def copy_results(result, tmp_path: Path) -> Path:
    out = tmp_path / "resume"
    shutil.copytree(result.out_dir, out)
    return out


def test_an_interrupted_task_is_redone_and_every_pair_appears_once(first_run, tmp_path):
    path, result = first_run
    out = copy_results(result, tmp_path)
    store = ResultsStore(out)
    (
        store.task_dir(task_key(out, "alpha_short", 0)) / "done.json"
    ).unlink()  # killed before its marker
    for name in [*TABLES, "finance"]:
        (out / f"{name}.parquet").unlink(missing_ok=True)
    again = run_experiment(path, out=out, workers=1)
    assert (again.n_run, again.n_skipped) == (1, 3)
    kpis = read(out, "kpis")
    pairs = kpis[["scenario", "replication"]].drop_duplicates()
    assert sorted(map(tuple, pairs.to_numpy())) == [
        ("alpha_short", 0), ("alpha_short", 1), ("zeta_baseline", 0), ("zeta_baseline", 1),
    ]  # fmt: skip
    assert not kpis.duplicated(["scenario", "replication", "kpi", "site_id"]).any()
    assert_frame_equal(kpis, read(result.out_dir, "kpis"), check_exact=True)


def test_a_partial_task_folder_is_replaced_whole(first_run, tmp_path):
    path, result = first_run
    out = copy_results(result, tmp_path)
    task = ResultsStore(out).task_dir(task_key(out, "zeta_baseline", 1))
    (task / "done.json").unlink()
    (task / "kpis.parquet").write_bytes(b"half a file")
    (task / "stale.parquet").write_bytes(b"left over")
    (task / "notes.txt").write_text("not ours")
    again = run_experiment(path, out=out, workers=1)
    assert again.n_run == 1
    assert not (task / "stale.parquet").exists()
    assert (task / "notes.txt").read_text() == "not ours"  # only its own files are removed
    assert_frame_equal(read(out, "kpis"), read(result.out_dir, "kpis"), check_exact=True)


def test_a_changed_horizon_reruns_everything_and_says_why(first_run, tmp_path):
    path, result = first_run
    out = copy_results(result, tmp_path)
    notes: list[str] = []
    shorter = run_experiment(path, out=out, workers=1, horizon_days=10, notify=notes.append)
    assert (shorter.n_run, shorter.n_skipped) == (4, 0)
    assert any("horizon_days 14.0 -> 10.0" in n and "every scenario" in n for n in notes)
    back = run_experiment(path, out=out, workers=1)  # the 14-day parts are still there
    assert (back.n_run, back.n_skipped) == (0, 4)
    assert_frame_equal(read(out, "kpis"), read(result.out_dir, "kpis"), check_exact=True)


def test_force_starts_afresh(first_run, tmp_path):
    path, result = first_run
    out = copy_results(result, tmp_path)
    forced = run_experiment(path, out=out, workers=1, force=True)
    assert (forced.n_run, forced.n_skipped) == (4, 0)
    assert_frame_equal(read(out, "kpis"), read(result.out_dir, "kpis"), check_exact=True)


def test_more_replications_extend_the_batch(first_run, tmp_path):
    path, result = first_run
    out = copy_results(result, tmp_path)
    more = run_experiment(path, out=out, workers=1, replications=3)
    assert (more.n_tasks, more.n_run, more.n_skipped) == (6, 2, 4)
    kpis = read(out, "kpis")
    counts = kpis.drop_duplicates(["scenario", "replication"]).groupby("scenario").size()
    assert counts.to_dict() == {"alpha_short": 3, "zeta_baseline": 3}
    old = read(result.out_dir, "kpis")
    kept = kpis[kpis["replication"] < 2].reset_index(drop=True)
    assert_frame_equal(kept, old, check_exact=True)
    assert json.loads((out / "manifest.json").read_text())["replications"] == 3


def test_reading_a_missing_table_is_a_results_error(tmp_path):
    with pytest.raises(ResultsError, match=r"kpis\.parquet: not found; is '.*' a finished results"):
        ResultsStore(tmp_path).read("kpis")
