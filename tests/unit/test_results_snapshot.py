"""The results directory stands alone: it carries a copy of the region pack it ran on.

A tiny run of a copy of the demo pack is moved elsewhere, the pack copy renamed and the
working directory changed: ``acutesim report`` and ``acutesim summary`` still build,
with the same norm maps and reachability as the original pack gives.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from acutesim.cli import app
from acutesim.config.load import load_region, load_region_with_areas
from acutesim.errors import ResultsError
from acutesim.experiment.results import run_region
from acutesim.experiment.runner import run_experiment
from acutesim.experiment.snapshot import (
    SNAPSHOT_KEY,
    plan_snapshot,
    snapshot_problem,
    write_region_snapshot,
)
from acutesim.experiment.store import ResultsStore
from acutesim.geo.reachability import reachability
from acutesim.report.data import load_results, scenario_norm

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "regions" / "demo"

pytestmark = pytest.mark.skipif(
    not (DEMO / "region.toml").exists(), reason="regions/demo is not present"
)

EXPERIMENT = """\
name = "snap"
region = "../packs/demo"
horizon_days = 3
warmup_days = 1
replications = 1
seed = 11

[[scenarios]]
name = "baseline"

[[scenarios]]
name = "kust_closed"
closed_sites = ["kust"]
"""


def _demo_copy(where: Path) -> Path:
    pack = where / "packs" / "demo"
    shutil.copytree(DEMO, pack, ignore=shutil.ignore_patterns("__pycache__"))
    return pack


def _snapshot_stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted((out / "region").rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A 3-day run of a copy of the demo pack, from a working directory beside it."""
    base = tmp_path_factory.mktemp("snap")
    pack = _demo_copy(base)
    (base / "experiments").mkdir()
    (base / "experiments" / "snap.toml").write_text(EXPERIMENT, encoding="utf-8")
    here = Path.cwd()
    os.chdir(base)  # relative paths in the manifest, as a user's run writes them
    try:
        run_experiment("experiments/snap.toml", out="results/snap", workers=1)
    finally:
        os.chdir(here)
    return base, pack, base / "results" / "snap"


def _copy_results(tiny_run, dest: Path) -> Path:
    _, _, out = tiny_run
    shutil.copytree(out, dest, ignore=shutil.ignore_patterns(".acutesim.lock"))
    return dest


def test_run_writes_the_snapshot_and_records_it(tiny_run):
    _, pack, out = tiny_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    record = manifest[SNAPSHOT_KEY]
    assert record["path"] == "region"
    assert record["pack"] == "."
    assert "region" in manifest["written"]
    names = set(record["files"])
    # the files the loader reads, and the README for licence and attribution; not generate.py
    assert {"region.toml", "areas.geojson", "sites.csv", "ambulance_posts.csv"} <= names
    assert {"haps.csv", "rosters.toml", "finance.toml", "README.md"} <= names
    assert "generate.py" not in names
    for name in names:
        assert (out / "region" / name).read_bytes() == (pack / name).read_bytes()
    assert snapshot_problem(out, record) is None
    assert not any(p.name.startswith(".region") for p in out.iterdir())


def test_moved_results_report_and_summary_equal_the_original_pack(tiny_run, tmp_path):
    _base, pack, _ = tiny_run
    moved = _copy_results(tiny_run, tmp_path / "elsewhere" / "renamed")
    # the expectation: the original pack, loaded before it goes away
    region, areas = load_region_with_areas(pack)
    renamed_pack = pack.with_name("demo-renamed")
    pack.rename(renamed_pack)
    empty = tmp_path / "cwd"
    empty.mkdir()
    here = Path.cwd()
    os.chdir(empty)
    try:
        data = load_results(moved)
        res = CliRunner().invoke(app, ["summary", str(moved)])
        rep = CliRunner().invoke(app, ["report", str(moved)])
    finally:
        os.chdir(here)
        renamed_pack.rename(pack)
    assert data.region is not None
    assert data.region_note is None
    assert data.region_path is not None
    assert data.region_path.is_relative_to(moved)
    assert [s.site_id for s in data.region.sites] == [s.site_id for s in region.sites]
    for scenario in ("baseline", "kust_closed"):
        params = scenario_norm(data, scenario)
        expected = reachability(
            region,
            closed=tuple(data.closed_at_end[scenario]),
            norm_minutes=params.norm_minutes,
            params=params,
            areas=areas,
        )
        got = data.reach[scenario]
        assert got.population_beyond_norm == expected.population_beyond_norm
        np.testing.assert_array_equal(
            got.areas["call_to_door_minutes"].to_numpy(),
            expected.areas["call_to_door_minutes"].to_numpy(),
        )
    assert res.exit_code == 0, res.output
    assert res.output.startswith("Region 'demo': a SYNTHETIC region")
    assert rep.exit_code == 0, rep.output
    md = (moved / "report.md").read_text(encoding="utf-8")
    assert "predate region snapshots" not in md
    assert "cannot be used" not in md
    assert "Region 'demo': a SYNTHETIC region" in md
    # the maps' data, as written for QGIS beside the report
    import pyogrio

    gpkg = pyogrio.read_dataframe(moved / "reach" / "baseline.gpkg", layer="areas")
    mine = pd.Series(gpkg["call_to_door_minutes"].to_numpy(), index=gpkg["area_id"])
    want = data.reach["baseline"].areas.set_index("area_id")["call_to_door_minutes"]
    pd.testing.assert_series_equal(
        mine.sort_index(), want.sort_index(), check_names=False, check_dtype=False
    )
    html = (moved / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64") >= 2  # the figures and the maps


def test_results_without_their_snapshot_say_so_without_crashing(tiny_run, tmp_path):
    gone = _copy_results(tiny_run, tmp_path / "gone")
    shutil.rmtree(gone / "region")
    data = load_results(gone)
    assert data.region is None
    assert data.reach == {}
    assert "the copy of the region pack is missing" in (data.region_note or "")
    res = CliRunner().invoke(app, ["summary", str(gone)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("The copy of the region pack in the results cannot be used")
    assert "acutesim run experiments/snap.toml --out" in res.output


def test_results_that_predate_snapshots_name_the_rerun_command(tiny_run, tmp_path, monkeypatch):
    base, _, _ = tiny_run
    old = _copy_results(tiny_run, tmp_path / "old")
    shutil.rmtree(old / "region")
    store = ResultsStore(old)
    manifest = store.read_manifest() or {}
    del manifest[SNAPSHOT_KEY]
    store.seal(manifest)
    from acutesim.report.html import write_report

    write_report(old)
    md = (old / "report.md").read_text(encoding="utf-8")
    assert "These results predate region snapshots" in md
    assert f"'acutesim run experiments/snap.toml --out {old}'" in md
    assert "(from the folder the experiment was run in)" in md
    # the named command adds the copy and reuses every finished task
    monkeypatch.chdir(base)
    result = run_experiment("experiments/snap.toml", out=old, workers=1)
    assert result.n_run == 0
    assert run_region(old).region is not None


def test_a_changed_snapshot_file_is_not_read(tiny_run, tmp_path):
    changed = _copy_results(tiny_run, tmp_path / "changed")
    sites = changed / "region" / "sites.csv"
    sites.write_text(sites.read_text(encoding="utf-8").replace("Kolderveen", "X"), "utf-8")
    found = run_region(changed)
    assert found.region is None
    assert "sites.csv: changed since the run" in (found.note or "")


def test_resume_with_an_unchanged_pack_does_not_rewrite_the_snapshot(tiny_run):
    base, _, out = tiny_run
    before = _snapshot_stamps(out)
    record = json.loads((out / "manifest.json").read_text(encoding="utf-8"))[SNAPSHOT_KEY]
    here = Path.cwd()
    os.chdir(base)
    try:
        result = run_experiment("experiments/snap.toml", out="results/snap", workers=1)
    finally:
        os.chdir(here)
    assert result.n_run == 0
    assert _snapshot_stamps(out) == before
    after = json.loads((out / "manifest.json").read_text(encoding="utf-8"))[SNAPSHOT_KEY]
    assert after == record


def test_tasks_read_the_snapshot_not_a_pack_edited_after_the_run_started(
    tiny_run, tmp_path, monkeypatch
):
    from acutesim.experiment import context, runner

    pack = _demo_copy(tmp_path)
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "snap.toml").write_text(EXPERIMENT, encoding="utf-8")
    write = runner.write_region_snapshot

    def write_then_edit_the_pack(*args, **kwargs):
        record = write(*args, **kwargs)
        (pack / "sites.csv").write_text("not,the,sites\n", encoding="utf-8")  # unreadable
        return record

    monkeypatch.setattr(runner, "write_region_snapshot", write_then_edit_the_pack)
    monkeypatch.setattr(context, "_CONTEXT", {})  # nothing loaded before in this process
    monkeypatch.chdir(tmp_path)
    run_experiment("experiments/snap.toml", out="results/snap", workers=1)
    _, _, original = tiny_run
    for table in ("kpis", "status", "vehicles"):
        a = pd.read_parquet(original / f"{table}.parquet")
        b = pd.read_parquet(tmp_path / "results" / "snap" / f"{table}.parquet")
        pd.testing.assert_frame_equal(a, b)


def test_a_serial_run_after_a_pack_edit_simulates_the_edited_pack(tiny_run, tmp_path):
    # Same process, same relative names as tiny_run's: the region loaded for that run
    # must not be reused for a pack whose files have changed since.
    pack = _demo_copy(tmp_path)
    sites = pack / "sites.csv"
    text = sites.read_text(encoding="utf-8")
    sites.write_text(text.replace(",40,seh_medium,", ",4,seh_medium,", 1), encoding="utf-8")
    assert sites.read_text(encoding="utf-8") != text
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "snap.toml").write_text(EXPERIMENT, encoding="utf-8")
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        run_experiment("experiments/snap.toml", out="results/snap", workers=1)
    finally:
        os.chdir(here)
    _, _, original = tiny_run
    a = pd.read_parquet(original / "kpis.parquet")
    b = pd.read_parquet(tmp_path / "results" / "snap" / "kpis.parquet")
    assert not a.equals(b)  # 4 acute beds instead of 40 at noord_hoofd


def test_the_worker_context_is_reloaded_when_a_pack_file_changes(tmp_path, monkeypatch):
    from acutesim.experiment import context

    monkeypatch.setattr(context, "_CONTEXT", {})
    pack = _demo_copy(tmp_path)
    first = context.worker_context(str(pack))
    assert context.worker_context(str(pack)) is first  # unchanged: loaded once
    sites = pack / "sites.csv"
    text = sites.read_text(encoding="utf-8")
    sites.write_text(text.replace(",40,seh_medium,", ",4,seh_medium,", 1), encoding="utf-8")
    again = context.worker_context(str(pack))
    assert again is not first
    beds = {s.site_id: s.acute_beds for s in again[0].seh_sites}
    assert beds["noord_hoofd"] == 4
    assert {s.site_id: s.acute_beds for s in first[0].seh_sites}["noord_hoofd"] == 40


def test_a_changed_pack_rewrites_the_snapshot_whole(tmp_path):
    pack = _demo_copy(tmp_path)
    out = tmp_path / "results"
    out.mkdir()
    first, rewritten = write_region_snapshot(out, pack)
    assert rewritten
    again, rewritten = write_region_snapshot(out, pack, first)
    assert not rewritten
    assert again == first
    (pack / "README.md").write_text("changed\n", encoding="utf-8")
    (pack / "haps.csv").unlink()
    text = (pack / "region.toml").read_text(encoding="utf-8").replace('haps = "haps.csv"\n', "")
    (pack / "region.toml").write_text(text, encoding="utf-8")
    third, rewritten = write_region_snapshot(out, pack, again)
    assert rewritten
    assert third["sha256"] != first["sha256"]
    assert "haps.csv" not in third["files"]
    assert not (out / "region" / "haps.csv").exists()  # a file the pack no longer reads
    assert (out / "region" / "README.md").read_text(encoding="utf-8") == "changed\n"
    assert sorted(p.name for p in out.iterdir()) == ["region"]  # no temporary folders left


def test_files_outside_the_pack_keep_their_places(tmp_path):
    pack = _demo_copy(tmp_path)
    common = tmp_path / "packs" / "common"
    common.mkdir()
    (pack / "sites.csv").rename(common / "sites.csv")
    text = (pack / "region.toml").read_text(encoding="utf-8")
    (pack / "region.toml").write_text(
        text.replace('sites = "sites.csv"', 'sites = "../common/sites.csv"'), encoding="utf-8"
    )
    expected = load_region(pack)
    plan = plan_snapshot(pack)
    assert plan.pack_in_snapshot == "demo"
    assert "common/sites.csv" in plan.sources
    out = tmp_path / "results"
    out.mkdir()
    record, _ = write_region_snapshot(out, pack)
    shutil.rmtree(tmp_path / "packs")
    found = run_region(out, {SNAPSHOT_KEY: record})
    assert found.note is None
    assert found.region is not None
    assert found.region.site_by_id.keys() == expected.site_by_id.keys()
    assert [s.name for s in found.region.sites] == [s.name for s in expected.sites]


def test_absolute_names_are_listed_as_outside_and_not_copied(tmp_path):
    pack = _demo_copy(tmp_path)
    elsewhere = tmp_path / "elsewhere" / "sites.csv"
    elsewhere.parent.mkdir()
    (pack / "sites.csv").rename(elsewhere)
    text = (pack / "region.toml").read_text(encoding="utf-8")
    absolute = elsewhere.as_posix()
    (pack / "region.toml").write_text(
        text.replace('sites = "sites.csv"', f'sites = "{absolute}"'), encoding="utf-8"
    )
    out = tmp_path / "results"
    out.mkdir()
    record, _ = write_region_snapshot(out, pack)
    assert record["outside"] == [absolute]
    assert record["pack"] == "."
    assert "sites.csv" not in record["files"]
    assert run_region(out, {SNAPSHOT_KEY: record}).region is not None  # read from its place


def test_a_pack_that_extends_another_is_copied_with_its_parent(tmp_path, monkeypatch):
    monkeypatch.setenv("ACUTESIM_CACHE_DIR", str(tmp_path / "cache"))
    _demo_copy(tmp_path)
    child = tmp_path / "packs" / "north"
    child.mkdir()
    (child / "region.toml").write_text(
        'name = "north"\ndescription = "The north of the demo region."\n'
        'extends = "../demo"\n\n[select]\narea_ids = ["a01", "a02", "a03"]\nbuffer_km = 40\n',
        encoding="utf-8",
    )
    expected = load_region(child)
    out = tmp_path / "results"
    out.mkdir()
    record, _ = write_region_snapshot(out, child)
    assert record["pack"] == "north"
    assert "demo/areas.geojson" in record["files"]
    assert "north/region.toml" in record["files"]
    shutil.rmtree(tmp_path / "packs")
    found = run_region(out, {SNAPSHOT_KEY: record})
    assert found.region is not None, found.note
    assert [a.area_id for a in found.region.areas] == [a.area_id for a in expected.areas]
    assert found.region.site_by_id.keys() == expected.site_by_id.keys()


def test_foreign_files_in_the_snapshot_folder_are_refused_and_kept(tmp_path):
    pack = _demo_copy(tmp_path)
    out = tmp_path / "results"
    (out / "region").mkdir(parents=True)
    (out / "region" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ResultsError, match=r"region: holds files acutesim did not write \(notes"):
        write_region_snapshot(out, pack)
    assert (out / "region" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_file_named_region_is_refused_and_kept(tmp_path):
    pack = _demo_copy(tmp_path)
    out = tmp_path / "results"
    out.mkdir()
    (out / "region").write_text("mine", encoding="utf-8")
    with pytest.raises(ResultsError, match=r"region: a file acutesim did not write"):
        write_region_snapshot(out, pack)
    assert (out / "region").read_text(encoding="utf-8") == "mine"


def test_leftovers_of_an_interrupted_write_are_replaced(tmp_path):
    pack = _demo_copy(tmp_path)
    out = tmp_path / "results"
    (out / ".region.tmp").mkdir(parents=True)
    (out / ".region.tmp" / "half.csv").write_text("x", encoding="utf-8")
    (out / ".region.old").write_text("x", encoding="utf-8")
    record, rewritten = write_region_snapshot(out, pack)
    assert rewritten
    assert sorted(p.name for p in out.iterdir()) == ["region"]
    assert snapshot_problem(out, record) is None


def test_force_removes_the_snapshot_but_nothing_else(tmp_path):
    pack = _demo_copy(tmp_path)
    out = tmp_path / "results"
    out.mkdir()
    record, _ = write_region_snapshot(out, pack)
    store = ResultsStore(out)
    store.write_manifest({SNAPSHOT_KEY: record, "written": ["region", "manifest.json"]})
    (out / "region" / "sub").mkdir()
    (out / "region" / "sub" / "keep.txt").write_text("mine", encoding="utf-8")
    removed = store.clear()
    assert "region/sites.csv" in removed
    assert "manifest.json" in removed
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "region/sub/keep.txt"
    ]
