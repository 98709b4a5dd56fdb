"""The outline of a region with polygon areas, and the copy of it a pack can ship.

A map frames the region with its outline: the coast, the borders and the large lakes.
For polygon areas it is the union of the polygons with the slivers between neighbours
closed and small holes dropped (:func:`polygon_outline`). For the national pack (4,067
PC4 polygons) that takes seconds, so a pack may ship it, made once from its own areas,
as ``outline.parquet`` beside ``region.toml`` (:func:`write_pack_outline`). The file
records a digest of the area geometry it was made from (:func:`areas_digest`) and the
recipe's version; :func:`read_pack_outline` gives it only when both match the areas at
hand, so a stale or foreign outline is never used and the outline is made again instead.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

# Gaps between neighbouring polygons narrower than twice this close when the outline is
# made [m], and holes smaller than OUTLINE_MIN_HOLE_M2 [m2] are dropped, so the outline
# shows the coast and the lakes, not the slivers between postcode areas. No source: a
# drawing choice.
OUTLINE_CLOSE_M = 50.0
OUTLINE_MIN_HOLE_M2 = 5.0e6
# Bump when the outline's recipe changes, so outlines kept or shipped from before are
# not reused.
OUTLINE_VERSION = 1
# The outline a pack ships, beside its region.toml (GeoParquet, one row).
PACK_OUTLINE_FILE = "outline.parquet"


def areas_digest(geoms: Any, crs: Any) -> str:
    """SHA-256 of the area geometry in order (its WKB) and of its CRS, as hex.

    Parameters
    ----------
    geoms : GeoSeries or array of shapely geometries
        The areas' geometry in pack order [EPSG:28992 metres].
    crs : pyproj.CRS or str
        Their CRS (its string form is hashed).

    Returns
    -------
    str
        64 hex digits.
    """
    import numpy as np
    import shapely

    h = hashlib.sha256(str(crs).encode())
    h.update(b"".join(shapely.to_wkb(np.asarray(geoms, dtype=object))))
    return h.hexdigest()


def polygon_outline(geoms: Any) -> Any:
    """The outline of polygon areas: their union, cleaned by :func:`clean_outline`.

    Parameters
    ----------
    geoms : GeoSeries or array of shapely geometries
        Polygons or multipolygons [EPSG:28992 metres]; invalid ones are made valid.

    Returns
    -------
    shapely Polygon or MultiPolygon
        The outline [EPSG:28992 metres].
    """
    import numpy as np
    import shapely

    arr = np.asarray(geoms, dtype=object)
    return clean_outline(shapely.union_all(shapely.make_valid(arr)))


def clean_outline(union: Any) -> Any:
    """Close the slivers between polygons and drop small holes (see OUTLINE_CLOSE_M).

    Parameters
    ----------
    union : shapely geometry
        The union of the areas' polygons [EPSG:28992 metres].

    Returns
    -------
    shapely Polygon or MultiPolygon
        The polygons of the closed union, holes under OUTLINE_MIN_HOLE_M2 [m2] dropped.
    """
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


def read_pack_outline(pack_dir: str | Path, digest: str) -> Any:
    """The outline a pack ships, when it was made from these areas by this recipe.

    Parameters
    ----------
    pack_dir : str or Path
        The pack folder (holding ``region.toml``).
    digest : str
        :func:`areas_digest` of the areas the outline is wanted for.

    Returns
    -------
    shapely geometry or None
        None when the pack has no outline file, when it cannot be read, or when its
        recorded digest or recipe version differs (the outline is then made again).
    """
    path = Path(pack_dir) / PACK_OUTLINE_FILE
    if not path.is_file():
        return None
    import pyarrow.parquet as pq
    import shapely

    try:
        table = pq.read_table(path, columns=["areas_sha256", "outline_version", "geometry"])
        if table.num_rows != 1:
            return None
        record = table.to_pylist()[0]
        if record["areas_sha256"] != digest or record["outline_version"] != OUTLINE_VERSION:
            return None
        outline = shapely.from_wkb(record["geometry"])
    except (OSError, ValueError, KeyError, TypeError, shapely.errors.GEOSException):
        return None  # pyarrow's errors derive from these; an unreadable file is made again
    if outline is None or outline.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    return outline


def write_pack_outline(pack_dir: str | Path, areas: gpd.GeoDataFrame) -> Path | None:
    """Make the outline of a pack's polygon areas and write it into the pack.

    Parameters
    ----------
    pack_dir : str or Path
        The pack folder; ``outline.parquet`` is written there (atomically).
    areas : GeoDataFrame
        The pack's areas as the model sees them (``area_frame``: pack order,
        EPSG:28992).

    Returns
    -------
    Path or None
        The file written; None for point areas (their outline is a hull made in
        milliseconds, never shipped), after removing an outline file left from before.
    """
    import geopandas as gpd
    import shapely

    from acutesim.atomic import atomic_path

    path = Path(pack_dir) / PACK_OUTLINE_FILE
    geoms = areas.geometry
    if geoms.geom_type.isin(["Point", "MultiPoint"]).any():
        path.unlink(missing_ok=True)
        return None
    row = {
        "areas_sha256": [areas_digest(geoms.to_numpy(), areas.crs)],
        "n_areas": [len(areas)],
        "outline_version": [OUTLINE_VERSION],
        "geos_version": [shapely.geos_version_string],
    }
    frame = gpd.GeoDataFrame(row, geometry=[polygon_outline(geoms.to_numpy())], crs=areas.crs)
    with atomic_path(path) as tmp:
        # brotli: the smallest of Parquet's codecs for these coordinates (lossless)
        frame.to_parquet(tmp, compression="brotli", compression_level=11, index=False)
    return path


__all__ = [
    "OUTLINE_CLOSE_M",
    "OUTLINE_MIN_HOLE_M2",
    "OUTLINE_VERSION",
    "PACK_OUTLINE_FILE",
    "areas_digest",
    "clean_outline",
    "polygon_outline",
    "read_pack_outline",
    "write_pack_outline",
]
