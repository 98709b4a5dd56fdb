"""The results store: verified parts, an all-or-nothing merge, incomplete folders refused,
incremental experiments (only new or changed tasks run) and --force owning only its files."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import DEMO
from pandas.testing import assert_frame_equal

from acutesim.analysis.stats import summarise
from acutesim.config.load import load_region
from acutesim.errors import ResultsError
from acutesim.experiment import runner, store
from acutesim.experiment import spec as sp
from acutesim.experiment.runner import run_experiment
from acutesim.experiment.store import ResultsStore

MERGED = ("kpis", "status", "closures", "timeseries", "finance")


def experiment_text(
    *, replications: int = 2, third: bool = False, vacancy: float = 0.3, desc: str = "a"
) -> str:
    text = (
        f'name = "store"\ndescription = "{desc}"\nregion = "{DEMO.as_posix()}"\n'
        f"horizon_days = 10\nwarmup_days = 1\nreplications = {replications}\nseed = 3\n"
        f'[[scenarios]]\nname = "baseline"\ndescription = "{desc}"\n'
        f'[[scenarios]]\nname = "short"\nstaff_vacancy_share = {vacancy}\n'
    )
    if third:
        text += '[[scenarios]]\nname = "more_demand"\ndemand_multiplier = 1.2\n'
    return text


def write(path: Path, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(experiment_text(**kw), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def done_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("store")
    exp = write(base / "store.toml")
    result = run_experiment(exp, out=base / "out", workers=1)
    return exp, result.out_dir


@pytest.fixture
def copy(done_run, tmp_path):
    exp, out = done_run
    dst = tmp_path / "out"
    shutil.copytree(out, dst)
    new_exp = tmp_path / "store.toml"
    shutil.copy(exp, new_exp)
    return new_exp, dst


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def key_of(out: Path, scenario: str, replication: int) -> str:
    (key,) = [
        t["key"]
        for t in manifest(out)["tasks"]
        if (t["scenario"], t["replication"]) == (scenario, replication)
    ]
    return key


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: ResultsStore(out).read(name) for name in MERGED}


def assert_same_tables(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in MERGED:
        assert_frame_equal(ta[name], tb[name], check_exact=True)


# --- parts are verified -------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["delete", "swap", "truncate", "foreign_done"])
def test_a_damaged_part_runs_again(copy, done_run, damage):
    exp, out = copy
    st = ResultsStore(out)
    victim = st.task_dir(key_of(out, "short", 0))
    other = st.task_dir(key_of(out, "short", 1))
    if damage == "delete":
        (victim / "kpis.parquet").unlink()
    elif damage == "swap":  # another replication's file, whole and valid Parquet
        shutil.copy(other / "kpis.parquet", victim / "kpis.parquet")
    elif damage == "truncate":
        data = (victim / "kpis.parquet").read_bytes()
        (victim / "kpis.parquet").write_bytes(data[: len(data) // 2])
    else:  # a done.json copied from another task
        shutil.copy(other / "done.json", victim / "done.json")
    notes: list[str] = []
    again = run_experiment(exp, out=out, workers=1, notify=notes.append)
    assert (again.n_run, again.n_skipped) == (1, 3)
    assert any("'short' replication 0" in n and "runs again" in n for n in notes), notes
    kpis = ResultsStore(out).read("kpis")
    assert kpis.groupby(["scenario", "replication"]).ngroups == 4
    assert_same_tables(out, done_run[1])


def test_merge_refuses_a_part_that_does_not_hold_its_task(copy):
    _exp, out = copy
    st = ResultsStore(out)
    k0, k1 = key_of(out, "baseline", 0), key_of(out, "baseline", 1)
    tasks = [
        {"key": k0, "scenario": "baseline", "replication": 0},
        {"key": k1, "scenario": "baseline", "replication": 0},  # claims the wrong replication
    ]
    before = (out / "kpis.parquet").read_bytes()
    with pytest.raises(ResultsError, match=r"replication\(s\) \[1\], expected 'baseline' repl"):
        st.merge(tasks, ["baseline", "short"])
    assert (out / "kpis.parquet").read_bytes() == before
    assert not list(out.glob(".*.merge.tmp"))


# --- the final merge is all or nothing ----------------------------------------------------
def test_a_disk_full_final_merge_replaces_no_table_and_is_refused(copy, monkeypatch):
    exp, out = copy
    before = {n: (out / f"{n}.parquet").read_bytes() for n in MERGED}
    real = store.write_parquet
    calls = []

    def full_disk(table, path):
        if Path(path).name.endswith(".merge.tmp"):  # the final merge's tables
            calls.append(Path(path).name)
            if len(calls) == 3:  # kpis and status fit, then the disk is full
                real(table, path)
                raise OSError(errno.ENOSPC, "No space left on device")
        real(table, path)

    monkeypatch.setattr(store, "write_parquet", full_disk)
    exp.write_text(experiment_text(replications=3), encoding="utf-8")
    with pytest.raises(ResultsError, match=r"final merge failed .*No space left.*no merged table"):
        run_experiment(exp, out=out, workers=1)
    assert calls[:3] == [
        ".kpis.parquet.merge.tmp",
        ".status.parquet.merge.tmp",
        ".closures.parquet.merge.tmp",
    ]
    after = {n: (out / f"{n}.parquet").read_bytes() for n in MERGED}
    assert after == before  # all tables are the old ones: none was replaced
    assert not list(out.glob(".*.tmp"))
    assert manifest(out)["status"] == "running"
    with pytest.raises(ResultsError, match="INCOMPLETE results"):
        summarise(out)
    monkeypatch.setattr(store, "write_parquet", real)
    again = run_experiment(exp, out=out, workers=1)
    assert (again.n_run, again.n_skipped) == (0, 6)  # the parts were all written before
    m = manifest(out)
    assert (m["status"], m["replications"]) == ("complete", 3)
    assert ResultsStore(out).read("kpis").groupby(["scenario", "replication"]).ngroups == 6
    assert summarise(out).manifest["replications"] == 3


def test_the_2_to_4_extension_interrupted_is_not_reported_as_4(copy, monkeypatch):
    exp, out = copy
    real = runner.execute_task
    ran: list[str] = []

    def interrupted(task, *args, **kw):
        if len(ran) == 1:
            raise KeyboardInterrupt
        ran.append(task.key)
        return real(task, *args, **kw)

    monkeypatch.setattr(runner, "execute_task", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(exp, out=out, workers=1, replications=4)
    m = manifest(out)
    assert m["status"] == "running"
    assert m["replications"] == 2  # what the merged tables hold, not what was asked
    with pytest.raises(ResultsError, match="INCOMPLETE"):
        summarise(out)
    monkeypatch.setattr(runner, "execute_task", real)
    notes: list[str] = []
    done = run_experiment(exp, out=out, workers=1, replications=4, notify=notes.append)
    assert (done.n_tasks, done.n_run, done.n_skipped) == (8, 3, 5)
    assert summarise(out).manifest["replications"] == 4
    reps = ResultsStore(out).read("kpis").groupby("scenario")["replication"].unique()
    assert {k: sorted(v) for k, v in reps.items()} == {
        "baseline": [0, 1, 2, 3],
        "short": [0, 1, 2, 3],
    }


def test_a_table_changed_after_the_run_is_refused(copy):
    _exp, out = copy
    shutil.copy(out / "status.parquet", out / "kpis.parquet")
    with pytest.raises(ResultsError, match=r"kpis\.parquet: not the table the manifest records"):
        summarise(out)


def test_a_folder_of_the_old_store_format_is_refused_and_not_reused(copy):
    exp, out = copy
    m = manifest(out)
    m.pop("store_format")  # as the first store wrote it: no format, parts by position
    (out / "manifest.json").write_text(json.dumps(m))
    for i, part in enumerate(sorted((out / "parts").iterdir())):
        part.rename(part.with_name(f"s{i // 2:03d}_r{i % 2:03d}"))
    with pytest.raises(ResultsError, match="without table checks"):
        summarise(out)
    notes: list[str] = []
    again = run_experiment(exp, out=out, workers=1, notify=notes.append)
    assert again.n_run == 4
    assert any("older acutesim" in n for n in notes)
    assert summarise(out).manifest["status"] == "complete"


# --- incremental experiments --------------------------------------------------------------
def test_adding_a_scenario_runs_only_its_tasks(copy, done_run):
    exp, out = copy
    write(exp, third=True)
    notes: list[str] = []
    more = run_experiment(exp, out=out, workers=1, notify=notes.append)
    assert (more.n_tasks, more.n_run, more.n_skipped) == (6, 2, 4)
    assert notes == ["scenario 'more_demand' is new: 2 task(s) to run"]
    kpis = ResultsStore(out).read("kpis")
    old = ResultsStore(done_run[1]).read("kpis")
    assert_frame_equal(
        kpis[kpis["scenario"] != "more_demand"].reset_index(drop=True), old, check_exact=True
    )


def test_editing_a_description_runs_nothing(copy, done_run):
    exp, out = copy
    write(exp, desc="a longer, clearer description")
    notes: list[str] = []
    again = run_experiment(exp, out=out, workers=1, notify=notes.append)
    assert (again.n_run, again.n_skipped) == (0, 4)
    assert notes == [
        "description of the experiment, scenario 'baseline' changed: nothing runs again for it"
    ]
    assert manifest(out)["description"] == "a longer, clearer description"
    assert_same_tables(out, done_run[1])


def test_a_changed_scenario_reruns_only_itself_and_says_how(copy):
    exp, out = copy
    base0 = (ResultsStore(out).task_dir(key_of(out, "baseline", 0)) / "done.json").read_bytes()
    write(exp, vacancy=0.4)
    notes: list[str] = []
    again = run_experiment(exp, out=out, workers=1, notify=notes.append)
    assert (again.n_run, again.n_skipped) == (2, 2)
    assert notes == [
        "scenario 'short' changed (staff_vacancy_share 0.3 -> 0.4): 2 task(s) run again"
    ]
    assert (ResultsStore(out).task_dir(key_of(out, "baseline", 0)) / "done.json").read_bytes() == (
        base0
    )


def test_results_of_another_acutesim_version_are_never_merged(copy, monkeypatch):
    exp, out = copy
    monkeypatch.setattr(runner, "acutesim_version", lambda: "99.0")
    notes: list[str] = []
    again = run_experiment(exp, out=out, workers=1, notify=notes.append)
    assert (again.n_run, again.n_skipped) == (4, 0)
    assert "acutesim 0.1.0 -> 99.0" in notes[0] or "-> 99.0" in notes[0]
    keys = {t["key"] for t in manifest(out)["tasks"]}
    assert len(list((out / "parts").iterdir())) == 8  # old parts stay, unmerged
    assert all(ResultsStore(out).task_meta(k)["key"] == k for k in keys)


def test_task_keys_ignore_descriptions_and_follow_settings(done_run, tmp_path):
    from acutesim.config.load import load_experiment

    a, _ = load_experiment(write(tmp_path / "a.toml"))
    b, _ = load_experiment(write(tmp_path / "b.toml", desc="other words"))
    c, _ = load_experiment(write(tmp_path / "c.toml", vacancy=0.2))
    ka = [t.key for t in sp.expand(a, context="x")]
    assert ka == [t.key for t in sp.expand(b, context="x")]
    kc = [t.key for t in sp.expand(c, context="x")]
    assert ka[:2] == kc[:2]
    assert ka[2:] != kc[2:]
    assert ka != [t.key for t in sp.expand(a, context="y")]


# --- everything read is hashed ------------------------------------------------------------
def test_a_pack_file_outside_the_pack_folder_is_in_the_hash(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(DEMO, pack)
    outside = tmp_path / "x.csv"
    shutil.move(pack / "sites.csv", outside)
    toml = (pack / "region.toml").read_text()
    assert 'sites = "sites.csv"' in toml
    (pack / "region.toml").write_text(toml.replace('sites = "sites.csv"', 'sites = "../x.csv"'))
    load_region(pack)  # a valid pack reading a file outside its folder
    h1 = sp.region_hash(pack)
    outside.write_text(outside.read_text().replace(",", ", ", 1))
    assert sp.region_hash(pack) != h1


# --- --force deletes only what acutesim wrote ---------------------------------------------
def test_force_deletes_only_what_acutesim_wrote(copy):
    exp, out = copy
    mine = out / "parts" / "important.txt"
    mine.write_text("keep me")
    (out / "notes.md").write_text("mine too")
    removed = ResultsStore(out).clear()
    assert "kpis.parquet" in removed
    assert mine.read_text() == "keep me"
    assert (out / "notes.md").read_text() == "mine too"
    assert not (out / "kpis.parquet").exists()
    assert [p.name for p in (out / "parts").iterdir()] == ["important.txt"]
    again = run_experiment(exp, out=out, workers=1, force=True)
    assert again.n_run == 4
    assert mine.read_text() == "keep me"


def test_force_ignores_foreign_paths_listed_in_a_manifest(copy, tmp_path):
    _exp, out = copy
    victim = tmp_path / "victim.txt"
    victim.write_text("x")
    m = manifest(out)
    m["written"] += ["../victim.txt", str(victim), "parts/../../victim.txt"]
    (out / "manifest.json").write_text(json.dumps(m))
    ResultsStore(out).clear()
    assert victim.exists()


def test_record_patients_part_is_kept_and_verified(tmp_path):
    exp = tmp_path / "p.toml"
    exp.write_text(
        f'name = "p"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 3\nreplications = 1\n'
        '[[scenarios]]\nname = "baseline"\nrecord_patients = true\n',
        encoding="utf-8",
    )
    result = run_experiment(exp, out=tmp_path / "out", workers=1)
    st = ResultsStore(result.out_dir)
    (task,) = manifest(result.out_dir)["tasks"]
    patients = st.task_dir(task["key"]) / "patients.parquet"
    assert pd.read_parquet(patients)["scenario"].eq("baseline").all()
    assert st.task_meta(task["key"])["files"]["patients.parquet"]["rows"] > 0
    patients.write_bytes(patients.read_bytes()[:100])
    assert (
        st.part_problem(task["key"])
        == "patients.parquet has 100 bytes, "
        + str(st.task_meta(task["key"])["files"]["patients.parquet"]["bytes"])
        + " were written"
    )


def test_eta_is_the_mean_task_time_of_the_whole_run_times_the_tasks_left(monkeypatch):
    clock = iter([0.0, 100.0, 160.0])  # created, entered, asked
    monkeypatch.setattr(runner.time, "perf_counter", lambda: next(clock))
    bar = runner._Progress(10, 4, enabled=False)  # 4 tasks done before this run
    with bar:  # t0 = 100
        assert bar.eta_seconds() is None
        bar.advance({"scenario": "s", "replication": 0})
        bar.advance({"scenario": "s", "replication": 1})
        # 60 s for the 2 tasks of this run so far: 30 s each, 4 tasks left
        assert bar.eta_seconds() == pytest.approx(30.0 * 4)


def test_summary_of_a_folder_being_written_names_the_run(copy):
    _exp, out = copy
    m = manifest(out)
    m["status"] = "running"
    (out / "manifest.json").write_text(json.dumps(m))
    with store.ResultsLock(out):
        assert f"pid {os.getpid()}" in (store.lock_holder(out) or "")
        with pytest.raises(
            ResultsError, match=rf"a run is writing these results now \(pid {os.getpid()}"
        ):
            summarise(out)
    assert store.lock_holder(out) is None
    with pytest.raises(ResultsError, match="INCOMPLETE"):
        summarise(out)


def test_a_second_lock_on_a_folder_is_refused_with_its_holder(tmp_path):
    with (
        store.ResultsLock(tmp_path),
        pytest.raises(ResultsError, match=rf"in use by another acutesim run \(pid {os.getpid()}"),
    ):
        # a second open file description conflicts even within one process
        store.ResultsLock(tmp_path).acquire()
    store.ResultsLock(tmp_path).acquire().release()  # free again once released


def test_a_results_folder_that_is_a_file_is_a_results_error(tmp_path):
    (tmp_path / "taken").write_text("a file")
    with pytest.raises(ResultsError, match="taken: cannot be used as a results folder"):
        store.ResultsLock(tmp_path / "taken").acquire()
