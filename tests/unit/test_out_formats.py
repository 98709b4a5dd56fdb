"""``reach --out`` and ``map --out``: the suffix picks a real format; any other is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from helpers import DEMO

from acutesim.config.load import load_region_with_areas
from acutesim.errors import GeoError
from acutesim.geo.reachability import layer_format, reachability, write_layers


def cli(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acutesim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def reach():
    pack, areas = load_region_with_areas(DEMO)
    return reachability(pack, areas=areas), pack


def test_gpkg_holds_three_layers(reach, tmp_path):
    result, pack = reach
    (path,) = write_layers(result, pack, tmp_path / "r.gpkg")
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    import pyogrio

    assert [name for name, _ in pyogrio.list_layers(path)] == ["areas", "sites", "posts"]


def test_shp_is_a_real_shapefile_with_its_sidecars(reach, tmp_path):
    result, pack = reach
    files = write_layers(result, pack, tmp_path / "r.shp")
    assert [f.name for f in files] == ["r.shp", "r_sites.shp", "r_posts.shp"]
    assert files[0].read_bytes()[:4] == b"\x00\x00\x27\x0a"  # the shapefile magic number
    for suffix in (".shx", ".dbf", ".prj"):
        assert (tmp_path / f"r{suffix}").exists()
    areas = gpd.read_file(files[0])
    assert len(areas) == len(result.areas)
    assert areas.crs.to_epsg() == 28992
    assert not list(tmp_path.glob(".*partial*"))


def test_geojson_is_wgs84_json(reach, tmp_path):
    result, pack = reach
    files = write_layers(result, pack, tmp_path / "r.geojson")
    data = json.loads(files[0].read_text())
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == len(result.areas)
    lon, lat = gpd.read_file(files[0]).geometry.representative_point().iloc[0].coords[0]
    assert 3 < lon < 8
    assert 50 < lat < 54


def test_parquet_is_geoparquet(reach, tmp_path):
    result, pack = reach
    files = write_layers(result, pack, tmp_path / "r.parquet")
    assert files[0].read_bytes()[:4] == b"PAR1"
    areas = gpd.read_parquet(files[0])
    assert len(areas) == len(result.areas)
    assert areas.crs.to_epsg() == 28992


@pytest.mark.parametrize("name", ["r.txt", "r.csv", "r", "r.png"])
def test_other_layer_suffixes_are_refused(name):
    with pytest.raises(GeoError, match=r"unknown output suffix .*expected one of \.gpkg, \.shp"):
        layer_format(name)


def test_cli_refuses_unknown_suffixes_with_exit_2(tmp_path):
    res = cli("reach", DEMO, "--out", tmp_path / "x.kml", cwd=tmp_path)
    assert res.returncode == 2
    assert "unknown output suffix '.kml'" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "x.kml").exists()
    res = cli("map", DEMO, "--out", tmp_path / "x.jpg", cwd=tmp_path)
    assert res.returncode == 2
    assert "x.jpg: unknown suffix '.jpg'" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "x.jpg").exists()


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".pdf", b"%PDF"), (".svg", b"<?xml"), (".png", b"\x89PNG")]
)
def test_map_suffix_picks_the_format(reach, tmp_path, suffix, magic):
    from acutesim.report.maps import write_reachability_map

    result, pack = reach
    path = write_reachability_map(result, pack, tmp_path / f"m{suffix}", dpi=40)
    assert path.read_bytes()[: len(magic)] == magic


def test_a_site_name_with_dollars_is_drawn_as_text(tmp_path):
    import shutil

    from acutesim.report.maps import write_reachability_map

    pack = tmp_path / "pack"
    shutil.copytree(DEMO, pack)
    sites = pack / "sites.csv"
    sites.write_text(sites.read_text().replace("Ziekenhuis Ammerstad", "Ziekenhuis $x_{$"))
    region, areas = load_region_with_areas(pack)
    assert any("$x_{$" in s.name for s in region.sites)
    path = write_reachability_map(
        reachability(region, areas=areas), region, tmp_path / "m.png", dpi=40
    )
    assert path.read_bytes()[:4] == b"\x89PNG"
