"""Reads an ambulance call log (CSV) into a domain :class:`CallLog`, locating every error.

Columns (``docs/formats.md``): ``time`` (local date and time, Europe/Amsterdam) or
``t_minutes`` (sim minutes); ``area_id`` or ``lon`` and ``lat`` (WGS84, placed in the area
that contains the point, else the nearest area point); ``urgency`` (``A0``, ``A1``, ``A2``
or ``B``; A0 counts as A1); optional ``on_scene_minutes`` and ``conveyed`` (yes/no,
true/false, 1/0). Every bad row is reported with its row number (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np

from acutesim.domain.calls import CallLog
from acutesim.domain.region import Region
from acutesim.errors import ConfigError

URGENCY_INDEX = {"A0": 0, "A1": 0, "A2": 1, "B": 2}
TRUE = {"1", "true", "yes", "y", "ja"}
FALSE = {"0", "false", "no", "n", "nee"}
MAX_PROBLEMS = 50


def read_call_log(path: str | Path, region: Region) -> CallLog:
    """Read and check a call log against ``region``; raise one ConfigError listing problems."""
    path = Path(path)
    subject = f"call log '{path}'"
    if not path.exists():
        raise ConfigError(subject, [f"{path}: file not found"])
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = list(reader)
    problems = _check_header(header)
    if problems:
        raise ConfigError(subject, problems)
    area_of = {a: i for i, a in enumerate(region.area_ids)}
    t, area, urg, scene, conv = [], [], [], [], []
    lonlat: list[tuple[int, float, float]] = []  # (position, lon, lat) placed below
    for n, raw in enumerate(rows, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        bad = len(problems)
        t.append(_time(row, region, n, problems))
        area.append(_area(row, area_of, n, len(t) - 1, lonlat, problems))
        u = row.get("urgency", "").upper()
        if u not in URGENCY_INDEX:
            problems.append(f"row {n}: urgency {row.get('urgency')!r}; expected A0, A1, A2 or B")
        urg.append(URGENCY_INDEX.get(u, 0))
        scene.append(_on_scene(row, n, problems))
        conv.append(_conveyed(row, n, problems))
        if len(problems) >= MAX_PROBLEMS and len(problems) > bad:
            problems.append(f"stopped after {MAX_PROBLEMS} problems")
            break
    if not rows:
        problems.append(f"{path}: no calls (only a header)")
    if problems:
        raise ConfigError(subject, problems)
    area_arr = np.asarray(area, dtype=np.int64)
    if lonlat:
        area_arr[[i for i, _, _ in lonlat]] = _place(region, lonlat)
    t_arr = np.asarray(t, dtype=float)
    order = np.argsort(t_arr, kind="stable")
    return CallLog(
        t_minutes=t_arr[order],
        area=area_arr[order],
        urgency=np.asarray(urg, dtype=np.int64)[order],
        on_scene_minutes=np.asarray(scene, dtype=float)[order],
        conveyed=np.asarray(conv, dtype=np.int8)[order],
        source=str(path),
    )


def _check_header(header: list[str]) -> list[str]:
    problems = []
    if ("time" in header) == ("t_minutes" in header):
        problems.append("header: needs exactly one of the columns 'time' and 't_minutes'")
    if "area_id" not in header and not {"lon", "lat"} <= set(header):
        problems.append("header: needs a column 'area_id' or the columns 'lon' and 'lat'")
    if "urgency" not in header:
        problems.append("header: needs a column 'urgency' (A0, A1, A2 or B)")
    known = {"time", "t_minutes", "area_id", "lon", "lat", "urgency", "on_scene_minutes",
             "conveyed", "call_id"}  # fmt: skip
    problems.extend(f"header: unknown column {h!r}" for h in header if h not in known)
    return problems


def _time(row: dict[str, str], region: Region, n: int, problems: list[str]) -> float:
    if "t_minutes" in row:
        try:
            value = float(row["t_minutes"])
        except ValueError:
            problems.append(f"row {n}: t_minutes {row['t_minutes']!r} is not a number")
            return 0.0
    else:
        try:
            value = region.calendar.minutes_at(dt.datetime.fromisoformat(row["time"]))
        except ValueError:
            problems.append(
                f"row {n}: time {row['time']!r}; expected a local date and time such as "
                "'2026-01-05 08:12'"
            )
            return 0.0
    if not math.isfinite(value) or value < 0:
        problems.append(
            f"row {n}: call at {value:.1f} min, before the region's start date "
            f"{region.calendar.start_date.isoformat()}"
        )
    return value


def _area(
    row: dict[str, str],
    area_of: dict[str, int],
    n: int,
    position: int,
    lonlat: list[tuple[int, float, float]],
    problems: list[str],
) -> int:
    aid = row.get("area_id", "")
    if aid:
        if aid not in area_of:
            problems.append(f"row {n}: area_id {aid!r} is not an area of the region")
            return 0
        return area_of[aid]
    try:
        lon, lat = float(row.get("lon", "")), float(row.get("lat", ""))
    except ValueError:
        problems.append(
            f"row {n}: needs an area_id or numeric lon and lat (got lon {row.get('lon')!r}, "
            f"lat {row.get('lat')!r})"
        )
        return 0
    if not (3.0 <= lon <= 7.5 and 50.5 <= lat <= 53.7):
        problems.append(
            f"row {n}: lon {lon}, lat {lat} is outside the Netherlands; are they swapped?"
        )
        return 0
    lonlat.append((position, lon, lat))
    return 0


def _on_scene(row: dict[str, str], n: int, problems: list[str]) -> float:
    text = row.get("on_scene_minutes", "")
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and value >= 0):
        problems.append(f"row {n}: on_scene_minutes {text!r}; expected minutes >= 0 or empty")
        return math.nan
    return value


def _conveyed(row: dict[str, str], n: int, problems: list[str]) -> int:
    text = row.get("conveyed", "").lower()
    if not text:
        return -1
    if text in TRUE:
        return 1
    if text in FALSE:
        return 0
    problems.append(f"row {n}: conveyed {row.get('conveyed')!r}; expected yes/no, true/false, 1/0")
    return -1


def _place(region: Region, lonlat: list[tuple[int, float, float]]) -> np.ndarray:
    """Area index of each lon/lat: the area containing it, else the nearest area point."""
    import shapely
    from pyproj import Transformer

    tf = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    x, y = tf.transform([p[1] for p in lonlat], [p[2] for p in lonlat])
    pts = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    xy = region.area_xy()
    out = np.empty(len(pts), dtype=np.int64)
    for k in range(0, len(pts), 1024):  # chunks keep the distance matrix small
        d2 = ((pts[k : k + 1024, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
        out[k : k + 1024] = np.argmin(d2, axis=1)
    geoms = [a.geometry for a in region.areas]
    if all(g is not None for g in geoms):
        tree = shapely.STRtree(geoms)
        point_idx, area_idx = tree.query(shapely.points(pts), predicate="within")
        first: dict[int, int] = {}
        for p, a in zip(point_idx.tolist(), area_idx.tolist(), strict=True):
            first.setdefault(p, min(a, first.get(p, a)))
        for p, a in first.items():
            out[p] = a
    return out.astype(np.int64)
