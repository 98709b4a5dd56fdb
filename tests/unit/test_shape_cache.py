"""Area shapes are made once per region geometry and reused by maps and the explorer."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Polygon

from acutesim.report import cells


def _areas(dx: float = 0.0) -> gpd.GeoDataFrame:
    squares = [
        Polygon([(x + dx, 0), (x + dx + 1000, 0), (x + dx + 1000, 1000), (x + dx, 1000)])
        for x in (0.0, 1000.0, 2000.0)
    ]
    return gpd.GeoDataFrame({"area_id": ["a", "b", "c"]}, geometry=squares, crs="EPSG:28992")


def test_same_geometry_gives_the_cached_shapes(monkeypatch, tmp_path):
    monkeypatch.setenv("ACUTESIM_CACHE_DIR", str(tmp_path))
    calls = []
    make = cells._area_shapes
    monkeypatch.setattr(cells, "_area_shapes", lambda a, **kw: calls.append(1) or make(a, **kw))
    monkeypatch.setattr(cells, "_SHAPES", {})
    first = cells.area_shapes(_areas())
    again = cells.area_shapes(_areas())  # a new frame with the same geometry
    assert again is first
    assert len(calls) == 1
    moved = cells.area_shapes(_areas(dx=10.0))
    assert len(calls) == 2
    assert moved.outline.bounds == (10.0, 0.0, 3010.0, 1000.0)
    assert first.outline.bounds == (0.0, 0.0, 3000.0, 1000.0)


def test_the_cache_keeps_a_few_regions(monkeypatch, tmp_path):
    monkeypatch.setenv("ACUTESIM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cells, "_SHAPES", {})
    for k in range(cells.SHAPES_CACHE_SIZE + 2):
        cells.area_shapes(_areas(dx=float(k)))
    assert len(cells._SHAPES) == cells.SHAPES_CACHE_SIZE


def test_the_outline_is_kept_between_runs(monkeypatch, tmp_path):
    monkeypatch.setenv("ACUTESIM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cells, "_SHAPES", {})
    first = cells.area_shapes(_areas())
    (kept,) = (tmp_path / "outlines").glob("*.wkb")
    monkeypatch.setattr(cells, "_SHAPES", {})  # a new process: only the file is left
    monkeypatch.setattr(cells, "_polygon_outline", lambda g: (_ for _ in ()).throw(AssertionError))
    again = cells.area_shapes(_areas())
    assert again.outline.equals_exact(first.outline, 0.0)
    kept.write_bytes(b"not wkb")  # a damaged file is made again
    monkeypatch.setattr(cells, "_SHAPES", {})
    monkeypatch.undo()
    monkeypatch.setenv("ACUTESIM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cells, "_SHAPES", {})
    remade = cells.area_shapes(_areas())
    assert remade.outline.equals_exact(first.outline, 0.0)
    assert kept.read_bytes() != b"not wkb"
