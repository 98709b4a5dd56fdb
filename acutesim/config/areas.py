"""Read the areas layer of a region pack (GeoPackage or GeoJSON) into EPSG:28992.

Areas carry an id, a population, a zone (mainland or an island reached by ferry) and,
optionally, whether an ambulance reaches them by road.
"""

from __future__ import annotations

import io
import json
import math
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.config import checks
from acutesim.config.textfile import read_text
from acutesim.domain.region import (
    MAINLAND,
)
from acutesim.errors import did_you_mean

if TYPE_CHECKING:
    import geopandas as gpd

# --- areas ----------------------------------------------------------------------------
_TEXT_LAYERS = (".geojson", ".json")


def read_areas(
    path: Path, problems: list[str], *, count_columns: Iterable[str] = ()
) -> gpd.GeoDataFrame | None:
    """Read an areas layer into EPSG:28992 with area_id, name, population, zone, geometry.

    ``population`` and the ``count_columns`` present (age bands) must hold whole numbers
    of persons; ``road_access``, when present, true or false (empty: true).
    """
    import geopandas as gpd

    name = path.name
    if not path.exists():
        problems.append(f"{name}: file not found at '{path}'")
        return None
    source: Any = path
    text: str | None = None
    if path.suffix.lower() in _TEXT_LAYERS:
        text = read_text(path, problems)
        if text is None:
            return None
        source = io.BytesIO(text.encode("utf-8"))  # without the byte order mark
    elif path.is_file() and path.stat().st_size == 0:
        problems.append(f"{name}: the file is empty")
        return None
    try:
        with warnings.catch_warnings():
            # A text value in a numeric column: the raw values are checked below.
            warnings.filterwarnings("ignore", message="Could not parse column")
            raw = gpd.read_file(source)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        problems.append(f"{name}: cannot be read as a vector layer: {exc}")
        return None
    if raw.crs is None:
        problems.append(f"{name}: has no CRS; write it with EPSG:28992 or EPSG:4326")
        return None
    n_before = len(problems)
    for col in ("area_id", "population"):
        if col not in raw.columns:
            problems.append(
                f"{name}: missing column '{col}'{did_you_mean(col, raw.columns)} "
                f"(columns found: {', '.join(c for c in raw.columns if c != 'geometry')})"
            )
    if len(problems) > n_before:
        return None
    gdf = raw.to_crs("EPSG:28992")
    gdf["area_id"] = gdf["area_id"].astype(str)
    if "name" not in gdf.columns:
        gdf["name"] = gdf["area_id"]
    for col in ("area_id", "name", "zone"):
        if col not in gdf.columns:
            continue
        for k, value in enumerate(gdf[col]):
            bad = checks.bad_character(value) if isinstance(value, str) else None
            if bad:
                problems.append(
                    f"{name} row {k + 1} (area_id={gdf['area_id'].iloc[k]!r}), column "
                    f"'{col}': {value[:40]!r} {bad}"
                )
    for col in ("population", *(c for c in count_columns if c in raw.columns)):
        counts: list[int] = []
        for k, value in enumerate(_raw_property(text, col, raw[col].tolist())):
            count, why = checks.parse_count(value, maximum=checks.MAX_AREA_POPULATION)
            if count is None:
                problems.append(
                    f"{name} row {k + 1} (area_id={gdf['area_id'].iloc[k]!r}), column "
                    f"'{col}': {value!r} {why}"
                )
            counts.append(count or 0)
        gdf[col] = np.asarray(counts, dtype=np.int64)
    if "road_access" in gdf.columns:
        gdf["road_access"] = _road_access(name, gdf, problems)
    dup = gdf["area_id"].duplicated()
    for i in np.flatnonzero(dup.to_numpy()):
        problems.append(
            f"{name} row {i + 1} (area_id={gdf['area_id'].iloc[i]!r}): duplicate area_id"
        )
    empty = gdf.geometry.is_empty | gdf.geometry.isna()
    for i in np.flatnonzero(empty.to_numpy()):
        problems.append(f"{name} row {i + 1} (area_id={gdf['area_id'].iloc[i]!r}): empty geometry")
    if not empty.all():
        checks.check_area_extent(name, raw[~empty.to_numpy()], gdf[~empty.to_numpy()], problems)
    if "zone" not in gdf.columns:
        gdf["zone"] = MAINLAND
    gdf["zone"] = gdf["zone"].fillna(MAINLAND).astype(str).replace("", MAINLAND)
    return gdf


_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def _road_access(name: str, gdf: gpd.GeoDataFrame, problems: list[str]) -> np.ndarray:
    """The ``road_access`` column as booleans; an empty value takes the default, true."""
    out = np.ones(len(gdf), dtype=bool)
    for k, value in enumerate(gdf["road_access"].tolist()):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        text = str(value).strip().lower()
        if text in _FALSE:
            out[k] = False
        elif text and text not in _TRUE:
            problems.append(
                f"{name} row {k + 1} (area_id={gdf['area_id'].iloc[k]!r}), column "
                f"'road_access': {value!r} is not true or false"
            )
    return out


def _raw_property(text: str | None, key: str, values: list[Any]) -> list[Any]:
    """A GeoJSON property as written (GDAL turns the string "1.000" into 1.0), else ``values``.

    The raw values let a localised number be refused instead of silently parsed.
    """
    if text is None:
        return values
    try:
        features = json.loads(text).get("features", [])
        raw = [f.get("properties", {}).get(key) for f in features]
    except (ValueError, AttributeError, TypeError):
        return values
    return raw if len(raw) == len(values) else values


def zones_for_points(areas: gpd.GeoDataFrame, xy: np.ndarray) -> list[str]:
    """Zone of the area containing (or nearest to) each point."""
    import geopandas as gpd

    if len(xy) == 0:
        return []
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=areas.crs)
    joined = gpd.sjoin_nearest(pts, areas[["zone", "geometry"]], how="left")
    joined = joined[~joined.index.duplicated(keep="first")]
    return [str(z) for z in joined["zone"].to_numpy()]
