"""Read a road network from a line layer (GeoJSON or GeoPackage, via pyogrio) into RD New."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.errors import GeoError, did_you_mean
from acutesim.geo.travel.base import (
    NODE_TOLERANCE_M,
    RD_NEW_EPSG,
    SPEED_BY_ROAD_CLASS_KM_PER_HOUR,
    SPEED_FACTOR_BY_PROFILE,
)
from acutesim.geo.travel.road_network import RoadNetwork

if TYPE_CHECKING:
    pass


def read_road_network(
    path: str | Path,
    *,
    profile: str = "ambulance",
    speed_column: str | None = None,
    road_class_column: str | None = None,
    speed_by_road_class_km_per_hour: Mapping[str, float] | None = None,
    speed_factor: float | None = None,
    node_tolerance_m: float = NODE_TOLERANCE_M,
    layer: str | None = None,
) -> RoadNetwork:
    """Read road lines from a GeoJSON or GeoPackage file into a :class:`RoadNetwork`.

    Each feature is a LineString or MultiLineString with either a speed column
    (``speed_km_per_hour`` or ``maxspeed`` [km/h]) or a road class column (``road_class``
    or ``highway``) looked up in ``speed_by_road_class_km_per_hour``. An optional
    ``oneway`` column makes a line one-way. The profile's speed factor is applied
    (ambulance with sirens faster than the posted speed; assumption). Coordinates in
    another CRS than EPSG:28992 (e.g. WGS84 lon/lat) are converted; a file without a
    CRS is an error.

    Parameters
    ----------
    path : str or Path
        ``.geojson``/``.json`` or ``.gpkg`` file.
    profile : str
        ``ambulance`` or ``car``.
    speed_column, road_class_column : str, optional
        Column names; found automatically when omitted.
    speed_by_road_class_km_per_hour : mapping, optional
        Speed per road class [km/h]; defaults to ``SPEED_BY_ROAD_CLASS_KM_PER_HOUR``.
    speed_factor : float, optional
        Multiplier on speeds [-]; defaults per profile.
    node_tolerance_m : float
        Vertices closer than this are one node [m].
    layer : str, optional
        GeoPackage layer (the first feature table when omitted).

    Returns
    -------
    RoadNetwork
        Nodes in EPSG:28992 [m], edges in minutes.
    """
    path = Path(path)
    if not path.exists():
        raise GeoError(f"{path.name}: road network not found at '{path}'")
    suffix = path.suffix.lower()
    if suffix not in (".geojson", ".json", ".gpkg"):
        raise GeoError(f"{path.name}: road network must be a .geojson or .gpkg file")
    lines, props, epsg = _read_lines(path, layer)
    if not lines:
        raise GeoError(f"{path.name}: no LineString features found")
    if epsg != RD_NEW_EPSG:
        lines = _reproject_lines(lines, epsg, path.name)
    factor = SPEED_FACTOR_BY_PROFILE.get(profile, 1.0) if speed_factor is None else speed_factor
    columns = set().union(*(p.keys() for p in props))
    speed_col = speed_column or next(
        (c for c in ("speed_km_per_hour", "maxspeed") if c in columns), None
    )
    class_col = road_class_column or next(
        (c for c in ("road_class", "highway") if c in columns), None
    )
    table = dict(speed_by_road_class_km_per_hour or SPEED_BY_ROAD_CLASS_KM_PER_HOUR)
    speeds = np.full(len(lines), np.nan)
    for i, p in enumerate(props):
        value = p.get(speed_col) if speed_col else None
        if isinstance(value, float) and math.isnan(value):
            value = None
        if value not in (None, ""):
            try:
                speeds[i] = float(value)
                continue
            except (TypeError, ValueError):
                pass
        cls_ = p.get(class_col) if class_col else None
        if cls_ is not None and str(cls_) in table:
            speeds[i] = table[str(cls_)]
    missing = np.flatnonzero(np.isnan(speeds))
    if missing.size:
        i = int(missing[0])
        cls_ = props[i].get(class_col) if class_col else None
        hint = did_you_mean(str(cls_), table) if cls_ is not None else ""
        raise GeoError(
            f"{path.name} feature {i + 1}: no speed: needs a number in "
            f"{speed_col or 'speed_km_per_hour'!r} or a road class in "
            f"{class_col or 'road_class'!r} that is one of {', '.join(sorted(table))} "
            f"(got {cls_!r}{hint}); {missing.size} features without speed"
        )
    oneway = [str(p.get("oneway", "")).lower() in ("1", "true", "yes") for p in props]
    return RoadNetwork.from_segments(
        lines, speeds * factor, oneway=oneway, node_tolerance_m=node_tolerance_m
    )


def _read_lines(
    path: Path, layer: str | None
) -> tuple[list[np.ndarray], list[dict[str, Any]], int]:
    """LineStrings (vertex arrays), their attributes and the EPSG code, read with pyogrio."""
    import shapely

    from acutesim.geo.layers import read_layer

    frame = read_layer(path, layer)
    if frame.crs is None:
        return [], [], 0
    epsg = frame.crs.to_epsg() or 0
    frame = frame[frame.geometry.notna()].explode(index_parts=False, ignore_index=True)
    frame = frame[frame.geometry.geom_type == "LineString"].reset_index(drop=True)
    coords, index = shapely.get_coordinates(frame.geometry.to_numpy(), return_index=True)
    cuts = np.flatnonzero(np.diff(index)) + 1
    lines = [part[:, :2] for part in np.split(coords, cuts)] if len(coords) else []
    props = frame.drop(columns=frame.geometry.name).to_dict("records")
    return lines, props, int(epsg)


def _reproject_lines(lines: list[np.ndarray], epsg: int, name: str) -> list[np.ndarray]:
    if epsg <= 0:
        raise GeoError(f"{name}: has no CRS; write it with EPSG:28992 or EPSG:4326")
    from pyproj import Transformer
    from pyproj.exceptions import CRSError

    try:
        tf = Transformer.from_crs(f"EPSG:{epsg}", f"EPSG:{RD_NEW_EPSG}", always_xy=True)
    except CRSError as exc:
        raise GeoError(f"{name}: unknown CRS EPSG:{epsg}: {exc}") from None
    counts = [len(a) for a in lines]
    allv = np.concatenate(lines)
    x, y = tf.transform(allv[:, 0], allv[:, 1])
    xy = np.column_stack([x, y])
    return list(np.split(xy, np.cumsum(counts)[:-1]))
