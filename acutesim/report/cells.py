"""Drawable area shapes and the region's outline, for packs with polygons or with points.

A map of call-to-door minutes colours each area. Packs with polygons draw them as they
are; packs with population points (one per municipality, say) get Voronoi cells around
the points, clipped to the region's outline, so that the map reads as a surface rather
than as dots under the hospital symbols. The outline is the union of the polygons
(:func:`acutesim.geo.outline.polygon_outline`, which a pack may ship ready-made), or, for
points, a concave hull of the points widened by :data:`POINT_OUTLINE_BUFFER_M`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acutesim.cachedir import user_cache
from acutesim.geo.outline import (
    OUTLINE_VERSION,
    areas_digest,
    polygon_outline,
    read_pack_outline,
)

if TYPE_CHECKING:
    import geopandas as gpd

# How far the outline of a point pack reaches beyond its outermost points [m]; an
# assumption that keeps coastal cells from ending at the town centre.
POINT_OUTLINE_BUFFER_M = 8_000.0
# Concave hull tightness for point packs (shapely ``ratio``: 0 = tightest, 1 = convex).
POINT_OUTLINE_RATIO = 0.12


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


def area_shapes(areas: gpd.GeoDataFrame, pack_dir: str | Path | None = None) -> AreaShapes:
    """The drawable cells and outline of a region's areas (EPSG:28992).

    The outline of polygons is read from the user's cache, else from the outline the
    pack ships (``outline.parquet``, used only when made from these very areas, see
    :mod:`acutesim.geo.outline`), else made and kept in the cache.

    Parameters
    ----------
    areas : GeoDataFrame
        Areas in EPSG:28992 with polygon or point geometry.
    pack_dir : str or Path, optional
        The region pack the areas come from, whose shipped outline may be used.

    Returns
    -------
    AreaShapes
        Polygons as given, or Voronoi cells clipped to the outline for points.
    """
    # A report draws the same region's areas several times (maps, difference maps, the
    # explorer): the shapes depend on the geometry alone, so they are made once.
    digest = areas_digest(areas.geometry.to_numpy(), areas.crs)
    key = (str(areas.crs), tuple(areas.index), digest)
    if key not in _SHAPES:
        if len(_SHAPES) >= SHAPES_CACHE_SIZE:
            _SHAPES.pop(next(iter(_SHAPES)))
        shipped = _Shipped(Path(pack_dir), digest) if pack_dir else None
        _SHAPES[key] = _area_shapes(areas, outline_file=_outline_file(key), shipped=shipped)
    return _SHAPES[key]


@dataclass(frozen=True)
class _Shipped:
    """Where a pack's shipped outline may be, and the digest of the areas it must match."""

    pack_dir: Path
    digest: str


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


def _area_shapes(
    areas: gpd.GeoDataFrame, outline_file: Path | None = None, shipped: _Shipped | None = None
) -> AreaShapes:
    import geopandas as gpd
    import shapely

    geoms = areas.geometry
    is_point = geoms.geom_type.isin(["Point", "MultiPoint"]).to_numpy()
    if not is_point.any():
        outline = _read_outline(outline_file)
        if outline is None and shipped is not None:
            outline = read_pack_outline(shipped.pack_dir, shipped.digest)
        if outline is None:
            outline = _polygon_outline(geoms.to_numpy())
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


_polygon_outline = polygon_outline  # the recipe the pack's shipped copy is made with


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
