"""A pack's shipped outline is used while its areas match, and made again when they do not."""

from __future__ import annotations

import geopandas as gpd
import pyarrow.parquet as pq
import pytest
import shapely
from helpers import PROJECT, copy_demo
from typer.testing import CliRunner

from acutesim.cli import app
from acutesim.config.load import load_region_with_areas
from acutesim.experiment.snapshot import plan_snapshot
from acutesim.geo import outline as geo_outline
from acutesim.geo.outline import (
    PACK_OUTLINE_FILE,
    areas_digest,
    polygon_outline,
    read_pack_outline,
    write_pack_outline,
)
from acutesim.geo.reachability import area_frame
from acutesim.packs.outline import write_outline
from acutesim.report import cells

NL = PROJECT / "regions" / "nl"


def _frame(pack):
    region, areas = load_region_with_areas(pack)
    return area_frame(region, areas)


def _fresh(monkeypatch, tmp_path):
    """An empty user cache and no shapes in memory: the first map of a pack."""
    monkeypatch.setenv("ACUTESIM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cells, "_SHAPES", {})


def _count_made(monkeypatch):
    made = []
    make = cells._polygon_outline
    monkeypatch.setattr(cells, "_polygon_outline", lambda g: made.append(1) or make(g))
    return made


@pytest.mark.slow
def test_the_nl_pack_ships_the_outline_of_its_areas():
    frame = _frame(NL)
    digest = areas_digest(frame.geometry.to_numpy(), frame.crs)
    shipped = read_pack_outline(NL, digest)
    assert shipped is not None, "regions/nl/outline.parquet is stale: acutesim region outline"
    made = polygon_outline(frame.geometry.to_numpy())
    made_by = pq.read_table(NL / PACK_OUTLINE_FILE)["geos_version"][0].as_py()
    if made_by == shapely.geos_version_string:
        assert shapely.to_wkb(shipped) == shapely.to_wkb(made)
    else:  # another GEOS may place the computed vertices a little differently
        assert shapely.hausdorff_distance(shipped, made) < 1.0
        assert shapely.symmetric_difference(shipped, made).area < 1e-6 * made.area
    assert (NL / PACK_OUTLINE_FILE).stat().st_size < 1_000_000


def test_a_matching_shipped_outline_is_used_and_nothing_is_made(monkeypatch, tmp_path):
    pack = copy_demo(tmp_path)
    assert write_outline(pack).path == pack / PACK_OUTLINE_FILE
    frame = _frame(pack)
    _fresh(monkeypatch, tmp_path)
    made = _count_made(monkeypatch)
    shapes = cells.area_shapes(frame, pack)
    assert made == []
    expected = polygon_outline(frame.geometry.to_numpy())
    assert shapely.to_wkb(shapes.outline) == shapely.to_wkb(expected)
    assert not (tmp_path / "cache" / "outlines").exists()  # the pack's copy is enough


def test_a_shipped_outline_of_other_areas_is_ignored(monkeypatch, tmp_path):
    pack = copy_demo(tmp_path)
    write_outline(pack)
    frame = _frame(pack)
    shipped = gpd.read_parquet(pack / PACK_OUTLINE_FILE).geometry.iloc[0]
    _fresh(monkeypatch, tmp_path)
    made = _count_made(monkeypatch)
    moved = frame.copy()
    moved["geometry"] = frame.geometry.translate(10.0, 0.0)
    shapes = cells.area_shapes(moved, pack)
    assert made == [1]
    assert shapes.outline.bounds[0] == pytest.approx(shipped.bounds[0] + 10.0)
    fewer = frame.iloc[1:]  # one area less: another digest, made again too
    cells.area_shapes(fewer, pack)
    assert made == [1, 1]
    cells.area_shapes(frame)  # no pack named: made as before
    assert made == [1, 1, 1]


def test_an_outline_of_another_recipe_or_a_damaged_file_is_ignored(monkeypatch, tmp_path):
    pack = copy_demo(tmp_path)
    write_outline(pack)
    frame = _frame(pack)
    digest = areas_digest(frame.geometry.to_numpy(), frame.crs)
    assert read_pack_outline(pack, digest) is not None
    assert read_pack_outline(pack, "0" * 64) is None
    monkeypatch.setattr(geo_outline, "OUTLINE_VERSION", geo_outline.OUTLINE_VERSION + 1)
    assert read_pack_outline(pack, digest) is None
    monkeypatch.undo()
    (pack / PACK_OUTLINE_FILE).write_bytes(b"not parquet")
    assert read_pack_outline(pack, digest) is None
    (pack / PACK_OUTLINE_FILE).unlink()
    assert read_pack_outline(pack, digest) is None


def test_point_areas_ship_no_outline(tmp_path):
    (tmp_path / PACK_OUTLINE_FILE).write_bytes(b"left from a polygon pack")
    points = gpd.GeoDataFrame(
        {"area_id": ["a", "b"]}, geometry=shapely.points([(0, 0), (5000, 0)]), crs="EPSG:28992"
    )
    assert write_pack_outline(tmp_path, points) is None
    assert not (tmp_path / PACK_OUTLINE_FILE).exists()


def test_the_results_copy_of_a_pack_keeps_its_outline(tmp_path):
    pack = copy_demo(tmp_path)
    assert PACK_OUTLINE_FILE not in plan_snapshot(pack).sources
    write_outline(pack)
    assert PACK_OUTLINE_FILE in plan_snapshot(pack).sources


def test_region_outline_command_writes_the_file(tmp_path):
    pack = copy_demo(tmp_path)
    result = CliRunner().invoke(app, ["region", "outline", str(pack)])
    assert result.exit_code == 0, result.output
    assert "outline of 40 areas written to" in result.output
    assert (pack / PACK_OUTLINE_FILE).is_file()
