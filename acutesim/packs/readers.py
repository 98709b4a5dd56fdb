"""Read the open-data inputs of a pack: a population layer, a hospital list, ambulance posts.

Dutch open data come in a few recurring shapes: CBS population polygons (postcode-4,
municipalities, wijken and buurten, or 100 m grid cells) with an inhabitants column;
RIVM's list of hospital locations with yes/no columns for a 24/7 SEH, a day-and-evening
SEH and acute obstetrics; and RIVM's list of ambulance posts with their availability
("24 uur", "Dag/avond", ...). These readers map their columns onto the pack format of
``docs/formats.md`` and collect every problem (file, column or row, value, expectation).
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from acutesim.errors import did_you_mean

if TYPE_CHECKING:
    import geopandas as gpd

from acutesim.packs.inputs import (
    AREA_ID_COLUMNS,
    AREA_NAME_COLUMNS,
    AREA_POPULATION_COLUMNS,
    FALSE_WORDS,
    HAP_ON_SEH_SITE_DEFAULT,
    POST_COLUMN_DEFAULTS,
    POSTS_24_7_VALUES,
    POSTS_DAY_VALUES,
    RD_BOUNDS,
    RD_NEW,
    SITE_COLUMN_DEFAULTS,
    TRUE_WORDS,
    WGS84,
    BuildInputs,
    BuildReport,
    slugify,
    unique_ids,
)


def _find_column(
    columns: Sequence[str],
    explicit: str | None,
    candidates: Sequence[str],
    *,
    where: str,
    role: str,
    option: str,
    problems: list[str],
    required: bool = True,
) -> str | None:
    """Return the column for a role: the one named, or the first candidate present."""
    shown = ", ".join(str(c) for c in columns if c != "geometry")
    if explicit:
        if explicit in columns:
            return explicit
        lowered = {str(c).lower(): str(c) for c in columns}
        if explicit.lower() in lowered:
            return lowered[explicit.lower()]
        problems.append(
            f"{where}: missing column '{explicit}' ({option}){did_you_mean(explicit, columns)} "
            f"(columns found: {shown})"
        )
        return None
    lowered = {str(c).lower(): str(c) for c in columns}
    for cand in candidates:
        if cand.lower() in lowered:
            return lowered[cand.lower()]
    if required:
        problems.append(
            f"{where}: no column for the {role} (looked for {', '.join(candidates)}); name "
            f"it with {option} (columns found: {shown})"
        )
    return None


def _read_csv(path: Path, what: str, problems: list[str]) -> pd.DataFrame | None:
    """Read a CSV with a comma, semicolon or tab separator as strings."""
    if not path.exists():
        problems.append(f"{path.name}: {what} file not found at '{path}'")
        return None
    if path.is_dir():
        problems.append(f"{path.name}: '{path}' is a folder, not a {what} CSV file")
        return None
    last: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with path.open(encoding=encoding) as fh:
                header = fh.readline()
            sep = max((",", ";", "\t"), key=header.count)
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError as exc:
            last = exc
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            problems.append(f"{path.name}: cannot be read as a {what} CSV file: {exc}")
            return None
        frame.columns = [str(c).strip() for c in frame.columns]
        if frame.empty:
            problems.append(f"{path.name}: the {what} file has a header but no rows")
            return None
        return frame
    problems.append(f"{path.name}: cannot be read as text (UTF-8 or Windows-1252): {last}")
    return None


def _as_float(values: pd.Series) -> pd.Series:
    """Numbers from strings; a decimal comma is accepted (``"5,12"`` -> 5.12)."""
    text = values.astype(str).str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def _flag(values: pd.Series, where: str, column: str, problems: list[str]) -> np.ndarray:
    """Yes/no column to booleans; anything else is a located problem."""
    text = values.astype(str).str.strip().str.lower()
    bad = ~text.isin(TRUE_WORDS | FALSE_WORDS)
    for i in np.flatnonzero(bad.to_numpy())[:5]:
        problems.append(
            f"{where} row {i + 1}, column '{column}': {values.iloc[i]!r} is not a yes/no "
            "value (1/0, true/false, ja/nee)"
        )
    return np.asarray(text.isin(TRUE_WORDS).to_numpy(), dtype=bool)


def _points_rd(
    frame: pd.DataFrame,
    cols: Mapping[str, str | None],
    where: str,
    option: str,
    problems: list[str],
) -> np.ndarray:
    """RD New x/y [m] of the rows, from lon/lat (WGS84) or x/y (RD New) columns."""
    from pyproj import Transformer

    n = len(frame)
    if cols.get("lon") and cols.get("lat"):
        a, b = _as_float(frame[cols["lon"]]), _as_float(frame[cols["lat"]])
        kind = "lonlat"
    elif cols.get("x") and cols.get("y"):
        a, b = _as_float(frame[cols["x"]]), _as_float(frame[cols["y"]])
        kind = "rd"
    else:
        problems.append(
            f"{where}: needs columns for lon and lat (WGS84) or x and y (EPSG:28992); name "
            f"them with {option} lon=COLUMN {option} lat=COLUMN (columns found: "
            f"{', '.join(frame.columns)})"
        )
        return np.full((n, 2), np.nan)
    bad = a.isna() | b.isna()
    for i in np.flatnonzero(bad.to_numpy())[:5]:
        problems.append(f"{where} row {i + 1}: coordinates {a.iloc[i]!r}, {b.iloc[i]!r} missing")
    if kind == "lonlat":
        if bool(((a.abs() > 180) | (b.abs() > 90)).any()):
            problems.append(
                f"{where}: lon/lat values beyond 180/90 degrees; are these RD x/y metres? "
                f"name them with {option} x=COLUMN {option} y=COLUMN"
            )
            return np.full((n, 2), np.nan)
        tf = Transformer.from_crs(WGS84, RD_NEW, always_xy=True)
        x, y = tf.transform(a.to_numpy(dtype=float), b.to_numpy(dtype=float))
        xy = np.column_stack([x, y])
    else:
        xy = np.column_stack([a.to_numpy(dtype=float), b.to_numpy(dtype=float)])
    x0, y0, x1, y1 = RD_BOUNDS
    outside = ~bad.to_numpy() & ~(
        (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    )
    for i in np.flatnonzero(outside)[:5]:
        problems.append(
            f"{where} row {i + 1}: position ({xy[i, 0]:.0f}, {xy[i, 1]:.0f}) m lies outside "
            "the Netherlands in EPSG:28992; are lon and lat swapped?"
        )
    return np.asarray(xy, dtype=float)


def _parse_filters(
    filters: Sequence[str], where: str, problems: list[str]
) -> list[tuple[str, str]]:
    out = []
    for f in filters:
        if "=" not in f:
            problems.append(f"{where}: filter {f!r} must look like COLUMN=VALUE (e.g. seh_24_7=1)")
            continue
        col, value = f.split("=", 1)
        out.append((col.strip(), value.strip()))
    return out


def column_map(
    value: Mapping[str, str] | Sequence[str], option: str, problems: list[str]
) -> dict[str, str]:
    """Role -> column from a mapping or from ``ROLE=COLUMN`` strings (a bad one is a problem)."""
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    out: dict[str, str] = {}
    for item in value:
        role, sep, column = str(item).partition("=")
        if not sep or not role.strip() or not column.strip():
            problems.append(f"{option} {item!r}: expected ROLE=COLUMN (e.g. name=locatie)")
            continue
        out[role.strip()] = column.strip()
    return out


def _role_columns(
    frame: pd.DataFrame,
    named: Mapping[str, str] | Sequence[str],
    defaults: Mapping[str, tuple[str, ...]],
    option: str,
    *,
    required: set[str],
    where: str,
    problems: list[str],
) -> dict[str, str | None]:
    """The column of each role: named with ``option ROLE=COLUMN`` or found among the defaults.

    An unknown role, or a required role without a column, is a problem.
    """
    mapping = column_map(named, option, problems)
    for role in sorted(set(mapping) - set(defaults)):
        problems.append(
            f"{option} {role}=...: unknown role {role!r}"
            f"{did_you_mean(role, defaults)} "
            f"(roles: {', '.join(defaults)})"
        )
    cols: dict[str, str | None] = {}
    for role, candidates in defaults.items():
        cols[role] = _find_column(
            list(frame.columns), mapping.get(role), candidates, where=where,
            role=role.replace("_", " "), option=f"{option} {role}=COLUMN",
            problems=problems, required=role in required,
        )  # fmt: skip
    return cols


def _equals(values: pd.Series, wanted: str) -> np.ndarray:
    """Exact match after trimming spaces; numbers compare as numbers (1 == 1.0)."""
    text = values.astype(str).str.strip()
    match = (text == wanted).to_numpy()
    try:
        number = float(wanted.replace(",", "."))
    except ValueError:
        return np.asarray(match, dtype=bool)
    numeric = _as_float(values).to_numpy(dtype=float)
    return np.asarray(match | (numeric == number), dtype=bool)


# --- areas ----------------------------------------------------------------------------
def read_population_layer(
    inputs: BuildInputs, report: BuildReport, problems: list[str]
) -> gpd.GeoDataFrame | None:
    """Read the areas layer into EPSG:28992 with ``area_id``, ``name``, ``population``.

    Rows with a missing (NaN) population are dropped and counted; so are rows with a
    negative one (CBS marks suppressed small counts with codes such as -99997) and rows
    with an empty geometry. Rows with population 0 are kept.

    Returns
    -------
    GeoDataFrame or None
        None when a problem was added to ``problems``.
    """
    import geopandas as gpd

    path = inputs.areas
    name = path.name
    if not path.exists():
        problems.append(f"{name}: areas file not found at '{path}'")
        return None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gdf = gpd.read_file(path, layer=inputs.areas_layer)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        problems.append(
            f"{name}: cannot be read as a vector layer (GeoPackage, GeoJSON, Shapefile): {exc}"
        )
        return None
    report.notes += [f"note: reading {name}: {w.message}" for w in caught]
    if gdf.crs is None:
        problems.append(
            f"{name}: has no CRS; write the layer with its CRS (EPSG:28992 or EPSG:4326), for "
            "a Shapefile the .prj file next to it"
        )
        return None
    if len(gdf) == 0:
        problems.append(f"{name}: the layer has no features")
        return None
    cols = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    where = name
    id_col = _find_column(
        cols, inputs.area_id_column, AREA_ID_COLUMNS, where=where, role="area id",
        option="--id-column", problems=problems,
    )  # fmt: skip
    pop_col = _find_column(
        cols, inputs.population_column, AREA_POPULATION_COLUMNS, where=where,
        role="population", option="--population-column", problems=problems,
    )  # fmt: skip
    name_col = _find_column(
        cols, inputs.name_column, AREA_NAME_COLUMNS, where=where, role="name",
        option="--name-column", problems=problems, required=False,
    )  # fmt: skip
    if id_col is None or pop_col is None:
        return None
    report.n_areas_read = len(gdf)
    pop = pd.to_numeric(gdf[pop_col], errors="coerce")
    empty = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    missing = pop.isna().to_numpy()
    negative = (pop.fillna(0) < 0).to_numpy()
    report.n_areas_dropped_empty_geometry = int(empty.sum())
    report.n_areas_dropped_missing_population = int((missing & ~empty).sum())
    report.n_areas_dropped_negative_population = int((negative & ~empty).sum())
    keep = ~(empty | missing | negative)
    gdf = gdf.loc[keep].copy()
    pop = pop[keep]
    ids = gdf[id_col].astype(str).str.strip()
    # numeric ids read from a GeoPackage come as floats ("1011.0"): keep them integral
    ids = ids.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        shown = ", ".join(repr(v) for v in sorted(set(ids[dup]))[:5])
        problems.append(
            f"{name}, column '{id_col}': {int(dup.sum())} rows share an id ({shown}); ids must "
            "be unique (dissolve multi-part areas first or name another --id-column)"
        )
        return None
    names = gdf[name_col].astype(str).str.strip() if name_col else ids
    out = gpd.GeoDataFrame(
        {
            "area_id": ids.to_numpy(),
            "name": names.to_numpy(),
            "population": pop.round().astype(np.int64).to_numpy(),
        },
        geometry=gdf.geometry.to_numpy(),
        crs=gdf.crs,
    ).to_crs(RD_NEW)
    report.n_areas = len(out)
    report.population = int(out["population"].sum())
    report.n_areas_zero_population = int((out["population"] == 0).sum())
    kinds = set(out.geometry.geom_type)
    report.geometry_kind = "polygons" if kinds <= {"Polygon", "MultiPolygon"} else "points"
    if not kinds <= {"Polygon", "MultiPolygon", "Point", "MultiPoint"}:
        problems.append(f"{name}: geometry types {sorted(kinds)}; areas must be polygons or points")
        return None
    report.area_columns = {"id": id_col, "population": pop_col}
    if name_col:
        report.area_columns["name"] = name_col
    return out


# --- sites ----------------------------------------------------------------------------
@dataclass
class _Sites:
    frame: pd.DataFrame
    xy: np.ndarray
    org_names: dict[str, str]


def read_hospital_list(
    inputs: BuildInputs, report: BuildReport, problems: list[str]
) -> _Sites | None:
    """Read the hospital list CSV into ``sites.csv`` rows (without rosters and beds).

    The RIVM list has ``organisatie``, ``locatie``, ``plaats``, ``seh_24_7``,
    ``seh_dag_avond``, ``acute_verloskunde_24_7``, ``lon`` and ``lat``; other lists are
    mapped with ``site_columns``. A row with neither SEH flag becomes ``seh = none``.
    """
    path = inputs.sites
    frame = _read_csv(path, "hospital list", problems)
    if frame is None:
        return None
    where = path.name
    n_before = len(problems)
    cols = _role_columns(
        frame, inputs.site_columns, SITE_COLUMN_DEFAULTS, "--sites-column",
        required={"name", "seh_24_7"}, where=where, problems=problems,
    )  # fmt: skip
    filters = _parse_filters(inputs.site_filters, f"{where} --sites-filter", problems)
    keep = np.ones(len(frame), dtype=bool)
    for col, value in filters:
        if col not in frame.columns:
            problems.append(
                f"{where}: --sites-filter {col}={value}: no column '{col}'"
                f"{did_you_mean(col, frame.columns)} (columns found: {', '.join(frame.columns)})"
            )
            continue
        keep &= _equals(frame[col], value)
    if len(problems) > n_before:
        return None
    report.n_sites_read = len(frame)
    report.n_sites_filtered_out = int((~keep).sum())
    if not keep.any():
        problems.append(
            f"{where}: no rows left after the filter(s) {', '.join(inputs.site_filters)}"
        )
        return None
    frame = frame.loc[keep].reset_index(drop=True)
    xy = _points_rd(frame, cols, where, "--sites-column", problems)
    seh24 = _flag(frame[cols["seh_24_7"]], where, str(cols["seh_24_7"]), problems)
    sehday = (
        _flag(frame[cols["seh_day"]], where, cols["seh_day"], problems)
        if cols["seh_day"]
        else np.zeros(len(frame), dtype=bool)
    )
    av = (
        _flag(frame[cols["av"]], where, cols["av"], problems)
        if cols["av"]
        else np.zeros(len(frame), dtype=bool)
    )
    seh = np.where(seh24, "24/7", np.where(sehday, "day", "none"))
    if cols["hap"]:
        hap = _flag(frame[cols["hap"]], where, cols["hap"], problems)
    else:
        hap = (seh != "none") & HAP_ON_SEH_SITE_DEFAULT
        report.notes.append(
            "assumption: no HAP column, so every SEH site has a HAP on site (VZinfo: 72 of "
            "80 24/7 SEHs had one in 2020)"
        )
    names = frame[cols["name"]].astype(str).str.strip()
    org_col = cols["organisation"]
    orgs = frame[org_col].astype(str).str.strip() if org_col else names
    if cols["id"]:
        raw_ids = frame[cols["id"]].astype(str).str.strip()
        bad = ~raw_ids.str.fullmatch(r"[a-z0-9_]+")
        for i in np.flatnonzero(bad.to_numpy())[:5]:
            report.notes.append(f"note: site id {raw_ids.iloc[i]!r} rewritten as an id")
        ids = unique_ids(slugify(v) for v in raw_ids)
    else:
        ids = unique_ids(slugify(v) for v in names)
    org_ids = [slugify(o) for o in orgs]
    org_names = dict(zip(org_ids, orgs, strict=True))
    out = pd.DataFrame(
        {
            "site_id": ids,
            "organisation": org_ids,
            "name": names.to_numpy(),
            "seh": seh,
            "hap": np.where(hap, "true", "false"),
            "av": np.where(av, "true", "false"),
        }
    )
    report.site_columns = {k: v for k, v in cols.items() if v}
    report.n_seh_24_7 = int((seh == "24/7").sum())
    report.n_seh_day = int((seh == "day").sum())
    report.n_av = int(av.sum())
    return _Sites(out, xy, org_names)


# --- posts ----------------------------------------------------------------------------
def read_post_list(
    inputs: BuildInputs, report: BuildReport, problems: list[str]
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Read the ambulance post CSV into ``ambulance_posts.csv`` rows (without vehicles).

    With ``post_availability`` only rows whose availability equals one of the values
    exactly are kept, as 24/7 posts; otherwise RIVM's values are mapped (``24 uur`` to
    24/7, ``Dag/avond`` to day) and every other value is dropped and counted.
    """
    path = inputs.posts
    frame = _read_csv(path, "ambulance post", problems)
    if frame is None:
        return None
    where = path.name
    n_before = len(problems)
    cols = _role_columns(
        frame, inputs.post_columns, POST_COLUMN_DEFAULTS, "--posts-column",
        required={"name", "availability"}, where=where, problems=problems,
    )  # fmt: skip
    if len(problems) > n_before:
        return None
    report.n_posts_read = len(frame)
    value = frame[cols["availability"]].astype(str).str.strip()
    if inputs.post_availability:
        wanted = [v.strip() for v in inputs.post_availability]
        is247 = value.isin(wanted).to_numpy()
        isday = np.zeros(len(frame), dtype=bool)
        if not is247.any():
            seen = sorted(set(value))
            problems.append(
                f"{where}, column '{cols['availability']}': no row has availability "
                f"{' or '.join(repr(w) for w in wanted)}{did_you_mean(wanted[0], seen)} "
                f"(values found: {', '.join(repr(s) for s in seen[:10])})"
            )
            return None
    else:
        is247 = value.str.lower().isin([v.lower() for v in POSTS_24_7_VALUES]).to_numpy()
        isday = value.str.lower().isin([v.lower() for v in POSTS_DAY_VALUES]).to_numpy()
    keep = is247 | isday
    report.posts_dropped_by_value = dict(Counter(value[~keep]))
    if not keep.any():
        problems.append(f"{where}: no ambulance post left after selecting by availability")
        return None
    frame = frame.loc[keep].reset_index(drop=True)
    xy = _points_rd(frame, cols, where, "--posts-column", problems)
    names = frame[cols["name"]].astype(str).str.strip()
    if cols["id"]:
        raw = frame[cols["id"]].astype(str).str.strip()
        raw = raw.str.replace(r"[^A-Za-z0-9_\-.]+", "_", regex=True)
        ids = unique_ids(raw)
    else:
        ids = unique_ids(slugify(v) for v in names)
    out = pd.DataFrame(
        {
            "post_id": ids,
            "name": names.to_numpy(),
            "availability": np.where(is247[keep], "24/7", "day"),
        }
    )
    report.post_columns = {k: v for k, v in cols.items() if v}
    report.n_posts_24_7 = int((out["availability"] == "24/7").sum())
    report.n_posts_day = int((out["availability"] == "day").sum())
    return out, xy
