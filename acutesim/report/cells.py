"""Drawable area shapes and the region's outline, for packs with polygons or with points.

A map of call-to-door minutes colours each area. Packs with polygons draw them as they
are; packs with population points (one per municipality, say) get Voronoi cells around
the points, clipped to the region's outline, so that the map reads as a surface rather
than as dots under the hospital symbols. The outline is the union of the polygons, or,
for points, a concave hull of the points widened by :data:`POINT_OUTLINE_BUFFER_M`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acutesim.cachedir import user_cache

if TYPE_CHECKING:
    import geopandas as gpd

# How far the outline of a point pack reaches beyond its outermost points [m]; an
# assumption that keeps coastal cells from ending at the town centre.
POINT_OUTLINE_BUFFER_M = 8_000.0
# Concave hull tightness for point packs (shapely ``ratio``: 0 = tightest, 1 = convex).
POINT_OUTLINE_RATIO = 0.12
# Polygon packs: gaps between neighbouring polygons narrower than twice this close when
# the outline is made [m], and holes smaller than OUTLINE_MIN_HOLE_M2 are dropped, so
# the outline shows the coast and the lakes, not the slivers between postcode areas.
OUTLINE_CLOSE_M = 50.0
OUTLINE_MIN_HOLE_M2 = 5.0e6


@dataclass(frozen=True)
class AreaShapes:
    """Polygons to draw per area (in area order) and the outline of the region.

    Attributes
    ----------
    cells : GeoSeries
        One polygon per area, EPSG:28992, index as the areas' rows.
    outline : shapely geometry
        The region's outline (a polygon or multipolygon).
    from_points : bool
        True when the cells are Voronoi cells around population points.
    """

    cells: gpd.GeoSeries
    outline: Any
    from_points: bool


def area_shapes(areas: gpd.GeoDataFrame) -> AreaShapes:
    """The drawable cells and outline of a region's areas (EPSG:28992).

    Parameters
    ----------
    areas : GeoDataFrame
        Areas in EPSG:28992 with polygon or point geometry.

    Returns
    -------
    AreaShapes
        Polygons as given, or Voronoi cells clipped to the outline for points.
    """
    import hashlib

    import shapely

    # A report draws the same region's areas several times (maps, difference maps, the
    # explorer): the shapes depend on the geometry alone, so they are made once.
    wkb = shapely.to_wkb(areas.geometry.to_numpy())
    key = (str(areas.crs), tuple(areas.index), hashlib.sha1(b"".join(wkb)).hexdigest())
    if key not in _SHAPES:
        if len(_SHAPES) >= SHAPES_CACHE_SIZE:
            _SHAPES.pop(next(iter(_SHAPES)))
        _SHAPES[key] = _area_shapes(areas, outline_file=_outline_file(key))
    return _SHAPES[key]


def _outline_file(key: tuple[Any, ...]) -> Path:
    """Where the outline of these areas is kept between runs.

    ``<user cache>/acutesim/outlines/<digest>.wkb`` (``$ACUTESIM_CACHE_DIR`` replaces
    ``<user cache>/acutesim``): the outline of 4,068 PC4 polygons takes seconds to make
    and depends on the geometry alone, so every later report and map reads it back.
    """
    import hashlib

    root = user_cache("outlines")
    digest = hashlib.sha1(repr((OUTLINE_VERSION, key)).encode()).hexdigest()[:24]
    return root / f"{digest}.wkb"


SHAPES_CACHE_SIZE = 4  # regions whose shapes are kept in memory
_SHAPES: dict[tuple[Any, ...], AreaShapes] = {}


# Bump when the outline's recipe changes, so outlines kept from before are not reused.
OUTLINE_VERSION = 1


def _area_shapes(areas: gpd.GeoDataFrame, outline_file: Path | None = None) -> AreaShapes:
    import geopandas as gpd
    import shapely

    geoms = areas.geometry
    is_point = geoms.geom_type.isin(["Point", "MultiPoint"]).to_numpy()
    if not is_point.any():
        outline = _read_outline(outline_file)
        if outline is None:
            union = shapely.union_all(shapely.make_valid(geoms.to_numpy()))
            outline = _clean_outline(union)
            _write_outline(outline_file, outline)
        return AreaShapes(geoms, outline, from_points=False)
    points = shapely.union_all(geoms.to_numpy())
    hull = shapely.concave_hull(points, ratio=POINT_OUTLINE_RATIO)
    outline = hull.buffer(POINT_OUTLINE_BUFFER_M)
    polygons = list(geoms[~is_point])
    if polygons:
        outline = shapely.union_all([outline, *polygons])
    regions = shapely.voronoi_polygons(points, extend_to=outline)
    cells = []
    parts = list(shapely.get_parts(regions))
    tree = shapely.STRtree(parts)
    for geom, point in zip(geoms, is_point, strict=True):
        if not point:
            cells.append(geom)
            continue
        hit = tree.query(geom, predicate="intersects")
        cell = parts[int(hit[0])] if len(hit) else geom.buffer(1_000.0)
        cells.append(shapely.intersection(cell, outline))
    return AreaShapes(gpd.GeoSeries(cells, index=areas.index, crs=areas.crs), outline, True)


def _clean_outline(union: Any) -> Any:
    """Close the slivers between polygons and drop small holes (see OUTLINE_CLOSE_M)."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    # closing can erase polygons narrower than the gap width; the union brings them back
    closed = shapely.union(union.buffer(OUTLINE_CLOSE_M).buffer(-OUTLINE_CLOSE_M), union)
    parts = []
    for poly in shapely.get_parts(closed):
        if poly.geom_type != "Polygon":
            continue
        holes = [r for r in poly.interiors if Polygon(r).area >= OUTLINE_MIN_HOLE_M2]
        parts.append(Polygon(poly.exterior, holes))
    return MultiPolygon(parts) if len(parts) != 1 else parts[0]


def _read_outline(path: Path | None) -> Any:
    import shapely

    if path is None or not path.is_file():
        return None
    try:
        return shapely.from_wkb(path.read_bytes())
    except (OSError, shapely.errors.GEOSException):
        return None  # unreadable: made again and written anew


def _write_outline(path: Path | None, outline: Any) -> None:
    import shapely

    if path is None:
        return
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(shapely.to_wkb(outline))
        os.replace(tmp, path)
