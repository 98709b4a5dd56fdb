"""The explorer's SVG paths, built for all areas at once, equal the ring-by-ring ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Polygon

from acutesim.report.explorer import _path, _paths

PROJECT = Path(__file__).resolve().parents[2]


def _ring_by_ring(geom: Any, transform: Any) -> str:
    """The path as the explorer first built it: one ring at a time."""
    out = []
    for poly in shapely.get_parts(geom):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = transform(np.asarray(ring.coords))
            if len(xy) < 3:
                continue
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy[:-1])
            out.append(f"M{pts}Z")
    return "".join(out)


def _transform(xy: np.ndarray) -> np.ndarray:
    x0, y1, scale = 10_000.0, 620_000.0, 1000.0 / 290_000.0
    return np.column_stack([(xy[:, 0] - x0) * scale, (y1 - xy[:, 1]) * scale])


def test_paths_of_holes_multipolygons_and_skipped_parts():
    square = Polygon([(0, 0), (40_000, 0), (40_000, 40_000), (0, 40_000)])
    holed = Polygon(square.exterior, [[(5e3, 5e3), (9e3, 5e3), (9e3, 9e3)]])
    geoms = [
        holed,
        MultiPolygon([square, shapely.affinity.translate(square, 50_000.0, 12_345.678)]),
        Polygon(),
        GeometryCollection([LineString([(0, 0), (1, 1)]), square]),
        shapely.affinity.scale(square, 0.33, 0.77),
    ]
    expected = [_ring_by_ring(g, _transform) for g in geoms]
    assert _paths(geoms, _transform) == expected
    assert [_path(g, _transform) for g in geoms] == expected
    assert expected[2] == ""  # an empty polygon draws nothing
    assert expected[0].count("M") == 2  # exterior and hole
    assert expected[3].count("M") == 1  # the line of the collection is left out


def test_paths_of_the_demo_region_equal_ring_by_ring():
    if not (PROJECT / "regions" / "demo" / "region.toml").exists():
        pytest.skip("regions/demo is not present")
    from acutesim.config.load import load_region_with_areas
    from acutesim.geo.reachability import area_frame
    from acutesim.report.cells import area_shapes

    region, areas = load_region_with_areas(PROJECT / "regions" / "demo")
    cells = area_shapes(area_frame(region, areas)).cells.simplify(50.0)
    assert _paths(cells, _transform) == [_ring_by_ring(c, _transform) for c in cells]
