"""The report's region is loaded once per pack copy and read back from a private cache."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from acutesim.cachedir import user_cache
from acutesim.experiment.snapshot import SNAPSHOT_KEY, write_region_snapshot
from acutesim.report import region_cache

DEMO = Path(__file__).resolve().parents[2] / "regions" / "demo"


@pytest.fixture
def results(tmp_path, monkeypatch):
    """A results folder holding a copy of the demo pack, a private cache and a load counter."""
    if not (DEMO / "region.toml").exists():
        pytest.skip("regions/demo is not in this checkout")
    monkeypatch.setenv("ACUTESIM_CACHE_DIR", str(tmp_path / "cache"))
    d = tmp_path / "results"
    d.mkdir()
    record, _ = write_region_snapshot(d, DEMO)
    loads = []
    real = region_cache.run_region

    def counted(results_dir, manifest=None):
        loads.append(results_dir)
        return real(results_dir, manifest)

    monkeypatch.setattr(region_cache, "run_region", counted)
    return d, {SNAPSHOT_KEY: record}, loads


def test_second_report_reads_the_kept_region(results):
    d, manifest, loads = results
    first = region_cache.cached_run_region(d, manifest)
    again = region_cache.cached_run_region(d, manifest)
    assert len(loads) == 1
    assert again.region is not first.region  # read back, not the same object
    assert again.region == first.region
    assert again.areas.geometry.equals(first.areas.geometry)
    assert list(again.areas["area_id"]) == list(first.areas["area_id"])
    assert again.path == first.path
    assert again.note is None


def test_another_results_folder_of_the_same_pack_shares_the_kept_region(results, tmp_path):
    d, manifest, loads = results
    first = region_cache.cached_run_region(d, manifest)
    other = tmp_path / "other"
    other.mkdir()
    record, _ = write_region_snapshot(other, DEMO)
    found = region_cache.cached_run_region(other, {SNAPSHOT_KEY: record})
    assert len(loads) == 1
    loaded = region_cache.run_region(other, {SNAPSHOT_KEY: record})  # counted: a 2nd load
    assert found.region == loaded.region  # with this folder's pack_path
    assert found.region.pack_path != first.region.pack_path
    assert found.path == loaded.path


def test_changed_pack_copy_is_not_read_from_the_cache(results):
    d, manifest, loads = results
    region_cache.cached_run_region(d, manifest)
    sites = d / "region" / "sites.csv"
    sites.write_text(sites.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = region_cache.cached_run_region(d, manifest)
    assert len(loads) == 2
    assert changed.region is None
    assert "changed since the run" in (changed.note or "")


def test_cache_others_may_write_to_is_not_read(results):
    d, manifest, loads = results
    region_cache.cached_run_region(d, manifest)
    folder = user_cache("regions")
    folder.chmod(0o777)
    try:
        found = region_cache.cached_run_region(d, manifest)
    finally:
        folder.chmod(0o700)
    assert len(loads) == 2
    assert found.region is not None


def test_a_linked_or_group_writable_cache_file_is_not_read(tmp_path):
    assert region_cache.keep_bytes("explorers", "page.html", b"kept") is not None
    assert region_cache.read_kept_bytes("explorers", "page.html") == b"kept"
    folder = user_cache("explorers")
    (folder / "page.html").chmod(0o620)
    assert region_cache.read_kept_bytes("explorers", "page.html") is None
    outside = tmp_path / "elsewhere.html"
    outside.write_bytes(b"not kept here")
    outside.chmod(0o600)
    (folder / "linked.html").symlink_to(outside)
    assert region_cache.read_kept_bytes("explorers", "linked.html") is None


def test_an_unusable_cache_folder_only_means_nothing_is_kept(tmp_path, monkeypatch):
    from acutesim.cachedir import CACHE_ENV

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker))
    assert region_cache.keep_bytes("reach", "x.gpkg", b"data") is None
    assert region_cache.keep_object("regions", "x.pickle", {"a": 1}) is None
    assert region_cache.read_kept_object("regions", "x.pickle") is None
    assert region_cache.keep_object("regions", "lambda.pickle", lambda: None) is None


def test_each_kind_keeps_its_own_number_of_files(tmp_path, monkeypatch):
    from acutesim.cachedir import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    n = region_cache.KEPT["reach"] + 3
    for i in range(n):  # a report with more norm maps than regions are kept
        path = region_cache.keep_bytes("reach", f"m{i:03d}.gpkg", b"x")
        assert path is not None
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    kept = sorted(p.name for p in user_cache("reach").glob("*.gpkg"))
    assert len(kept) == region_cache.KEPT["reach"] > region_cache.KEPT["regions"]
    assert kept[0] == "m003.gpkg"  # the three least recently used went


def test_damaged_cache_file_is_made_again(results):
    d, manifest, loads = results
    region_cache.cached_run_region(d, manifest)
    (kept,) = user_cache("regions").glob("*.pickle")
    kept.write_bytes(b"not a pickle")
    found = region_cache.cached_run_region(d, manifest)
    assert len(loads) == 2
    assert found.region is not None
    assert region_cache.cached_run_region(d, manifest).region == found.region
    assert len(loads) == 2  # written afresh and read back


def test_cache_keeps_only_the_most_recent_regions(results):
    d, manifest, _loads = results
    found = region_cache.cached_run_region(d, manifest)
    folder = user_cache("regions")
    kept = region_cache.KEPT["regions"]
    for i in range(kept + 2):  # older regions, the oldest first
        old = folder / f"old{i:02d}.pickle"
        old.write_bytes(b"")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    new = region_cache.keep("new", found.region, found.areas)
    names = sorted(p.stem for p in folder.glob("*.pickle"))
    assert len(names) == kept
    assert "new" in names
    assert "old00" not in names
    assert f"old{region_cache.KEPT['regions'] + 1:02d}" in names
    assert new.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o077 == 0


def test_explorer_page_is_kept_with_the_region(results, monkeypatch, tmp_path):
    from acutesim.geo.norm import NormParameters
    from acutesim.report import explorer

    d, manifest, _loads = results
    key = region_cache.run_region_key(d, manifest)
    found = region_cache.cached_run_region(d, manifest, key)
    made = []
    real = explorer.explorer_payload
    monkeypatch.setattr(
        explorer, "explorer_payload", lambda *a, **k: made.append(1) or real(*a, **k)
    )
    first = explorer.write_explorer(found.region, tmp_path / "a.html", found.areas, region_key=key)
    again = explorer.write_explorer(found.region, tmp_path / "b.html", found.areas, region_key=key)
    assert len(made) == 1
    assert again.read_bytes() == first.read_bytes()
    uncached = explorer.write_explorer(found.region, tmp_path / "c.html", found.areas)
    assert uncached.read_bytes() == first.read_bytes()
    assert len(made) == 2  # without a key the page is always made
    other = NormParameters(dispatch_minutes=5.0)
    explorer.write_explorer(
        found.region, tmp_path / "d.html", found.areas, params=other, region_key=key
    )
    assert len(made) == 3  # other default minutes: another page


def test_norm_maps_and_their_geopackages_are_kept(results, monkeypatch, tmp_path):
    import geopandas as gpd
    import pandas as pd

    import acutesim.geo.reachability as reach_module
    from acutesim.report import data as rd
    from acutesim.report.exports import write_reach_gpkgs

    d, manifest, _loads = results
    summary = SimpleNamespace(manifest=manifest, scenarios=["a", "b"], baseline="a")
    computed = []
    real = reach_module.reachability
    monkeypatch.setattr(
        reach_module, "reachability", lambda *a, **k: computed.append(1) or real(*a, **k)
    )

    def load() -> rd.ResultsData:
        empty = pd.DataFrame()
        data = rd.ResultsData(d, summary, empty, empty, empty, empty, empty, empty, empty)
        rd._load_region(data)
        shut = next(s.site_id for s in data.region.sites if s.is_24_7)
        data.closed_at_end = {"a": (), "b": (shut,)}
        rd._load_reachability(data)
        return data

    first = load()
    again = load()
    assert len(computed) == 2  # one map per closed set, computed once
    assert set(again.reach_names) == {"a", "b"}
    for s in ("a", "b"):
        assert again.reach[s].closed == first.reach[s].closed
        assert again.reach[s].population_beyond_norm == first.reach[s].population_beyond_norm
        pd.testing.assert_frame_equal(again.reach[s].areas, first.reach[s].areas)
    gpkgs = []
    real_write = reach_module.write_gpkg
    monkeypatch.setattr(
        reach_module, "write_gpkg", lambda *a, **k: gpkgs.append(1) or real_write(*a, **k)
    )
    made = write_reach_gpkgs(first, tmp_path / "one")
    copied = write_reach_gpkgs(again, tmp_path / "two")
    assert len(gpkgs) == 2  # the second report copies the kept files
    assert [p.name for p in made] == [p.name for p in copied] == ["a.gpkg", "b.gpkg"]
    for x, y in zip(made, copied, strict=True):
        for layer in ("areas", "sites", "posts"):
            pd.testing.assert_frame_equal(
                gpd.read_file(x, layer=layer), gpd.read_file(y, layer=layer)
            )
