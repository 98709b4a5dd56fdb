"""Read a region pack or an experiment file, collect every problem, raise one ConfigError.

Loading is the border between files and the model: lon/lat become EPSG:28992 metres,
CSV rows become frozen domain objects, and every problem is reported at once, one line
each, naming the file, the row or key, the value and what was expected.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import json
import math
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from acutesim.config import checks
from acutesim.config import defaults as d
from acutesim.config import schema as sc
from acutesim.config.finance import parse_finance
from acutesim.config.funding import parse_scenario_tables
from acutesim.config.merge import deep_merge
from acutesim.config.textfile import read_csv_table, read_text, read_toml
from acutesim.domain.calendar import Calendar
from acutesim.domain.region import (
    HAP,
    MAINLAND,
    AmbulanceParameters,
    AmbulancePost,
    Area,
    DemandStream,
    Ferry,
    HAPParameters,
    Organisation,
    Region,
    SEHParameters,
    Site,
    normalise_profile,
)
from acutesim.domain.roster import RoleRule, RosterTemplate, ShiftTemplate
from acutesim.domain.scenario import Experiment, Scenario
from acutesim.domain.specs import travel_spec
from acutesim.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    import geopandas as gpd

M = TypeVar("M", bound=BaseModel)


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for obj in vars(sc).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(obj.model_fields)
    return names


KNOWN_KEYS = _all_field_names()


def _loc(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts)


def format_validation_error(err: ValidationError, where: str) -> list[str]:
    """Turn a pydantic error into located one-line problems.

    Parameters
    ----------
    err : ValidationError
        The error to format.
    where : str
        File and location prefix, e.g. ``"region.toml"``.
    """
    lines = []
    for e in err.errors():
        loc = [p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        # Strip pydantic's union/literal tags such as 'literal['24/7']' from the location.
        loc = [p for p in loc if not (isinstance(p, str) and "[" in p and p.endswith("]"))]
        key = _loc(loc)
        if e["type"] == "extra_forbidden":
            bad = str(loc[-1]) if loc else "?"
            parent = _loc(loc[:-1])
            at = f" [{parent}]" if parent else ""
            lines.append(f"{where}{at}: unknown key '{bad}'{did_you_mean(bad, KNOWN_KEYS)}")
            continue
        msg = e["msg"].removeprefix("Value error, ")
        value = e.get("input")
        if _reported_by_tree_check(value):
            continue
        if isinstance(value, str) and e["type"] in _NUMBER_ERRORS:
            msg += checks.localised_number_hint(value)
        shown = "" if isinstance(value, dict | list | tuple) else f" (got {value!r})"
        at = f" [{key}]" if key else ""
        lines.append(f"{where}{at}: {msg}{shown}")
    return lines


def _reported_by_tree_check(value: Any) -> bool:
    """True for a TOML value that :func:`checks.check_tree` has already refused."""
    if isinstance(value, float) and not math.isfinite(value):
        return True
    if isinstance(value, dt.date | dt.datetime) and not isinstance(value, bool):
        day = value.date() if isinstance(value, dt.datetime) else value
        return not checks.DATE_MIN <= day <= checks.DATE_MAX
    return False


_NONFINITE_ECHO = ("(got nan)", "(got inf)", "(got -inf)")


def _read_toml(
    path: Path, problems: list[str], *, label: str | None = None
) -> dict[str, Any] | None:
    """Read a TOML file strictly and check every number, date and text in it."""
    data = read_toml(path, problems, label=label)
    if data is not None:
        checks.check_tree(data, label or path.name, problems)
    return data


def _validate(model: type[M], data: Any, where: str, problems: list[str]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems.extend(format_validation_error(err, where))
        return None


# --- CSV -------------------------------------------------------------------------------
def _read_csv(
    path: Path, model: type[M], id_column: str, problems: list[str], *, required: bool = True
) -> list[tuple[int, M]]:
    """Read a plain CSV (header first, no comments) and validate each row with ``model``."""
    name = path.name
    if not path.exists() and not required:
        return []
    table = read_csv_table(path, problems)
    if table is None:
        return []
    columns = list(table.header)
    fields = model.model_fields
    required_cols = [
        f for f, info in fields.items() if info.is_required() and f not in ("lon", "lat", "x", "y")
    ]
    missing = [c for c in required_cols if c not in columns]
    for c in missing:
        problems.append(f"{name}: missing column '{c}' (columns found: {', '.join(columns)})")
    has_ll = {"lon", "lat"} <= set(columns)
    has_xy = {"x", "y"} <= set(columns)
    if "lon" in fields and not (has_ll or has_xy):
        problems.append(
            f"{name}: needs columns 'lon' and 'lat' (WGS84) or 'x' and 'y' (EPSG:28992)"
        )
    unknown = [c for c in columns if c not in fields]
    for c in unknown:
        problems.append(f"{name}: unknown column '{c}'{did_you_mean(c, fields)}")
    if missing or unknown:
        return []
    rows: list[tuple[int, M]] = []
    seen: dict[str, int] = {}
    bad_text = checks.check_cells(name, table.rows, id_column, problems)
    for i, rec in table.rows:
        if i in bad_text:
            continue
        data = {k: (None if v.strip() == "" else v.strip()) for k, v in rec.items()}
        data = {k: v for k, v in data.items() if v is not None}
        ident = rec.get(id_column, "")
        where = f"{name} row {i} ({id_column}={ident!r})"
        try:
            row = model.model_validate(data)
        except ValidationError as err:
            for e in err.errors():
                col = next((str(p) for p in e["loc"] if isinstance(p, str)), "")
                msg = e["msg"].removeprefix("Value error, ")
                if e["type"] == "missing":
                    msg = "is empty; a value is required"
                elif e["type"] == "literal_error":
                    allowed = msg.removeprefix("Input should be ")
                    msg = f"is not one of {allowed.replace(' or ', ', ')}"
                elif msg.startswith("Input should"):
                    # "'-3' should be greater than ...", not "'-3' Input should be ..."
                    msg = "should" + msg.removeprefix("Input should")
                value = e.get("input")
                shown = f"{value!r} " if col and not isinstance(value, dict) else ""
                column = f", column '{col}'" if col else ""
                if isinstance(value, str) and e["type"] in _NUMBER_ERRORS:
                    msg += checks.localised_number_hint(value)
                problems.append(f"{where}{column}: {shown}{msg}")
            continue
        key = getattr(row, id_column)
        if key in seen:
            problems.append(f"{where}: duplicate {id_column} (first in row {seen[key]})")
            continue
        seen[key] = i
        rows.append((i, row))
    return rows


_NUMBER_ERRORS = ("int_parsing", "float_parsing", "int_from_float", "finite_number")


def _to_rd(rows: list[Any]) -> np.ndarray:
    """Return RD New x/y [m] for rows with lon/lat or x/y."""
    xy = np.full((len(rows), 2), np.nan)
    ll_idx = [k for k, r in enumerate(rows) if r.x is None]
    for k, r in enumerate(rows):
        if r.x is not None:
            xy[k] = (r.x, r.y)
    if ll_idx:
        lon = np.array([rows[k].lon for k in ll_idx])
        lat = np.array([rows[k].lat for k in ll_idx])
        x, y = checks.lonlat_to_rd(lon, lat)
        xy[ll_idx, 0], xy[ll_idx, 1] = x, y
    return xy


def _check_positions(
    name: str, id_col: str, rows: list[tuple[int, Any]], xy: np.ndarray, problems: list[str]
) -> None:
    """Refuse points of a CSV file outside the area of use of EPSG:28992."""
    given = [
        ("xy", float(r.x), float(r.y))
        if r.x is not None
        else ("lonlat", float(r.lon), float(r.lat))
        for _, r in rows
    ]
    checks.check_points(
        name,
        id_col,
        [str(getattr(r, id_col)) for _, r in rows],
        [i for i, _ in rows],
        given,
        xy,
        problems,
    )


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


def _zones_for_points(areas: gpd.GeoDataFrame, xy: np.ndarray) -> list[str]:
    """Zone of the area containing (or nearest to) each point."""
    import geopandas as gpd

    if len(xy) == 0:
        return []
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=areas.crs)
    joined = gpd.sjoin_nearest(pts, areas[["zone", "geometry"]], how="left")
    joined = joined[~joined.index.duplicated(keep="first")]
    return [str(z) for z in joined["zone"].to_numpy()]


# --- region ---------------------------------------------------------------------------
def resolve_region_path(region: str | Path, relative_to: Path | None = None) -> Path:
    """Find a region pack folder from a path or a bare name (``demo`` -> ``regions/demo``)."""
    candidates = []
    p = Path(region)
    if relative_to is not None and not p.is_absolute():
        candidates.append(relative_to / p)
    candidates += [p, Path("regions") / p]
    for c in candidates:
        if c.is_file() and c.name == "region.toml":
            return c.parent
        if (c / "region.toml").exists():
            return c
    return candidates[0]


def load_region(path: str | Path) -> Region:
    """Load and validate a region pack folder into a :class:`Region`.

    Parameters
    ----------
    path : str or Path
        The pack folder (holding ``region.toml``), the ``region.toml`` file itself, or a
        bare pack name under ``regions/``.

    Returns
    -------
    Region
        Frozen domain objects in EPSG:28992.

    Raises
    ------
    ConfigError
        With every problem found, one per line.
    """
    pack = resolve_region_path(path)
    region, _areas = _load_region(pack)
    return region


def load_region_with_areas(path: str | Path) -> tuple[Region, gpd.GeoDataFrame]:
    """Load a region and also return its areas as a GeoDataFrame (EPSG:28992)."""
    return _load_region(resolve_region_path(path))


def _load_region(pack: Path) -> tuple[Region, gpd.GeoDataFrame]:
    subject = f"region pack '{pack}'"
    problems: list[str] = []
    if not (pack / "region.toml").exists():
        raise ConfigError(subject, [f"region.toml: not found in '{pack}' (is this a region pack?)"])
    raw = _read_toml(pack / "region.toml", problems)
    if raw is None:
        raise ConfigError(subject, problems)
    file_dirs: dict[str, Path] = {}
    if raw.get("extends"):
        from acutesim.config.extend import resolve_extends  # region selection (ROAZ packs)

        raw, file_dirs = resolve_extends(pack, raw, problems)
    spec = _validate(sc.RegionToml, raw, "region.toml", problems)
    # The other files are checked even when region.toml is invalid, so that every
    # problem of the pack comes in one message.
    files = spec.files if spec is not None else _files_section(raw)
    if files is None:
        raise ConfigError(subject, problems)

    def fpath(key: str, name: str) -> Path:
        return file_dirs.get(key, pack) / name

    bands = spec.demand.age_weights if spec is not None else d.default_age_weights()
    areas_gdf = read_areas(fpath("areas", files.areas), problems, count_columns=bands)
    n_before_sites = len(problems)
    sites = _read_csv(fpath("sites", files.sites), sc.SiteRow, "site_id", problems)
    sites_ok = len(problems) == n_before_sites
    posts = _read_csv(fpath("posts", files.posts), sc.PostRow, "post_id", problems)
    haps: list[tuple[int, sc.HAPRow]] = []
    if files.haps:
        haps = _read_csv(fpath("haps", files.haps), sc.HAPRow, "hap_id", problems)
    rosters_raw = _read_toml(fpath("rosters", files.rosters), problems) or {}
    rosters: dict[str, RosterTemplate] = {}
    invalid_rosters = set(rosters_raw)  # defined but invalid: already reported
    for rname, rdata in rosters_raw.items():
        rs = _validate(sc.RosterSpec, rdata, f"{files.rosters} [{rname}]", problems)
        if rs is not None:
            rosters[rname] = _roster(rname, rs)

    finance_raw: dict[str, Any] | None = None
    if files.finance:
        finance_raw = _read_toml(fpath("finance", files.finance), problems)
        if finance_raw is None:
            finance_raw = {}
    if finance_raw:
        # A selection (extends) keeps the parent's finance file, which also names the
        # sites and organisations left out of the selection; a broken sites file would
        # make every id look unknown.
        check_ids = sites_ok and not raw.get("extends")
        from acutesim.config.funding import validate_finance  # the funding layer's own schema

        problems.extend(
            p
            for p in validate_finance(
                finance_raw,
                site_ids=[s.site_id for _, s in sites] if check_ids else [],
                organisation_ids=[s.organisation for _, s in sites] if check_ids else [],
                roles=_seh_roles([s for _, s in sites], rosters),
                file_name=files.finance or "finance.toml",
            )
            if not p.endswith(_NONFINITE_ECHO)
        )
    if spec is None:
        raise ConfigError(subject, problems)
    if spec.extends is None and spec.select:
        problems.append("region.toml [select]: only valid together with 'extends'")

    # cross references
    invalid_rosters -= set(rosters)
    for i, s in sites:
        if s.roster not in rosters and s.roster not in invalid_rosters:
            problems.append(
                f"{spec.files.sites} row {i} (site_id={s.site_id!r}): roster {s.roster!r} is "
                f"not defined in {spec.files.rosters} "
                f"(known: {', '.join(sorted(rosters)) or 'none'})"
                f"{did_you_mean(s.roster, rosters)}"
            )
        if s.seh == "day" and s.open_hour is not None and s.close_hour is not None:
            if s.close_hour <= s.open_hour:
                problems.append(
                    f"{spec.files.sites} row {i} (site_id={s.site_id!r}): close_hour "
                    f"{s.close_hour} must be after open_hour {s.open_hour}"
                )
    for i, h in haps:
        if h.roster not in rosters and h.roster not in invalid_rosters:
            problems.append(
                f"{spec.files.haps} row {i} (hap_id={h.hap_id!r}): roster {h.roster!r} is not "
                f"defined in {spec.files.rosters}{did_you_mean(h.roster, rosters)}"
            )
    if not any(s.seh != "none" for _, s in sites) and sites:
        problems.append(f"{spec.files.sites}: no site has an SEH (seh '24/7' or 'day')")
    _check_references(spec, raw, sites, posts, haps, areas_gdf, sites_ok, problems)

    ferry_zones = {f.zone for f in spec.ferries}
    if areas_gdf is not None:
        for z in sorted(set(areas_gdf["zone"]) - {MAINLAND} - ferry_zones):
            problems.append(
                f"{spec.files.areas}: zone {z!r} has no [[ferries]] entry in region.toml "
                "(islands need a ferry link; or set zone to 'mainland')"
            )
    area_zones = set(areas_gdf["zone"]) if areas_gdf is not None else set()
    _check_ferries(spec.ferries, area_zones, problems)
    _check_travel(spec.travel, pack, problems)
    finance = finance_raw or {}

    site_rows = [s for _, s in sites]
    post_rows = [p for _, p in posts]
    hap_rows = [h for _, h in haps]
    site_xy, post_xy, hap_xy = _to_rd(site_rows), _to_rd(post_rows), _to_rd(hap_rows)
    _check_positions(spec.files.sites, "site_id", sites, site_xy, problems)
    _check_positions(spec.files.posts, "post_id", posts, post_xy, problems)
    if spec.files.haps:
        _check_positions(spec.files.haps, "hap_id", haps, hap_xy, problems)
    if problems or areas_gdf is None:
        raise ConfigError(subject, problems)

    site_zones = _zones_for_points(areas_gdf, site_xy)
    post_zones = _zones_for_points(areas_gdf, post_xy)
    hap_zones = _zones_for_points(areas_gdf, hap_xy)
    areas = _areas(areas_gdf, spec.demand.age_weights)
    seh = spec.seh
    sites_d = tuple(
        Site(
            site_id=s.site_id,
            organisation=s.organisation,
            name=s.name,
            x_m=float(xy[0]),
            y_m=float(xy[1]),
            seh=s.seh,
            has_hap=s.hap,
            has_av=s.av,
            acute_beds=s.acute_beds,
            roster=s.roster,
            zone=s.zone or z,
            open_hour=(s.open_hour if s.open_hour is not None else seh.day_open_hour)
            if s.seh == "day"
            else 0.0,
            close_hour=(s.close_hour if s.close_hour is not None else seh.day_close_hour)
            if s.seh == "day"
            else 24.0,
            sensitive=s.sensitive,
        )
        for s, xy, z in zip(site_rows, site_xy, site_zones, strict=True)
    )
    posts_d = tuple(
        AmbulancePost(
            post_id=p.post_id,
            name=p.name,
            x_m=float(xy[0]),
            y_m=float(xy[1]),
            availability=p.availability,
            vehicles_by_shift={
                "day": p.vehicles_day,
                "evening": p.vehicles_evening,
                "night": p.vehicles_night if p.availability == "24/7" else 0,
            },
            zone=p.zone or z,
        )
        for p, xy, z in zip(post_rows, post_xy, post_zones, strict=True)
    )
    haps_d = tuple(
        HAP(s.site_id, f"HAP {s.name}", s.x_m, s.y_m, _hap_roster(rosters), s.site_id, s.zone)
        for s in sites_d
        if s.has_hap
    ) + tuple(
        HAP(h.hap_id, h.name, float(xy[0]), float(xy[1]), h.roster, None, h.zone or z)
        for h, xy, z in zip(hap_rows, hap_xy, hap_zones, strict=True)
    )
    ferries = tuple(_ferry(f) for f in spec.ferries)
    orgs: dict[str, list[str]] = {}
    for site in sites_d:
        orgs.setdefault(site.organisation, []).append(site.site_id)
    organisations = tuple(
        Organisation(
            organisation_id=o,
            name=(spec.organisations[o].name if o in spec.organisations else "") or o,
            site_ids=tuple(ids),
            reserves_eur=(spec.organisations[o].reserves_eur if o in spec.organisations else 0.0),
        )
        for o, ids in orgs.items()
    )
    streams = tuple(
        DemandStream(
            name=n,
            route=s.route,
            rate_per_1000_per_year=s.rate_per_1000_per_year,
            profile=normalise_profile(spec.demand.profiles[s.profile].hour_of_week_weights()),
            source=s.source,
        )
        for n, s in spec.demand.streams.items()
    )
    seh_ids = sorted(s.site_id for s in sites_d if s.has_seh)
    pathways = spec.pathways.to_domain()
    if spec.select:  # a selected sub-region keeps the centres inside it
        pathways = dataclasses.replace(
            pathways,
            specialised_sites=tuple(x for x in pathways.specialised_sites if x in seh_ids),
        )
    problems.extend(
        f"region.toml [pathways] specialised_sites: {sid!r} is not a site with an SEH "
        f"(known: {', '.join(seh_ids)})"
        for sid in pathways.specialised_sites
        if sid not in seh_ids
    )
    if problems:
        raise ConfigError(subject, problems)
    region = Region(
        name=spec.name,
        description=spec.description,
        calendar=Calendar(spec.start_date),
        areas=areas,
        sites=sites_d,
        posts=posts_d,
        haps=haps_d,
        ferries=ferries,
        organisations=organisations,
        rosters=rosters,
        streams=streams,
        seh=SEHParameters(
            mts_shares_by_route={k: sc.str_keys(v) for k, v in seh.mts_shares.items()},
            treatment_by_mts={k: v.to_domain() for k, v in seh.treatment.items()},
            admission_share_by_mts=sc.str_keys(seh.admission_share),
            admission_extra_treatment_minutes=seh.admission_extra_treatment_minutes,
            triage=seh.triage.to_domain(),
            ward_stay=seh.ward_stay.to_domain(),
            volmelding_on_share=seh.volmelding_on_share,
            volmelding_off_share=seh.volmelding_off_share,
            bay_factor=seh.bay_factor,
            boarding_transfer_minutes=seh.boarding_transfer_minutes,
            hap_takes_self_referral_share=seh.hap_takes_self_referral_share,
            hap_self_referral_onward_share=seh.hap_self_referral_onward_share,
            day_open_hour=seh.day_open_hour,
            day_close_hour=seh.day_close_hour,
        ),
        ambulance=AmbulanceParameters(
            urgency_shares=sc.str_keys(spec.ambulance.urgency_shares),
            dispatch_delay=spec.ambulance.dispatch_delay.to_domain(),
            on_scene=spec.ambulance.on_scene.to_domain(),
            handover=spec.ambulance.handover.to_domain(),
            conveyance_share_by_urgency=sc.str_keys(spec.ambulance.conveyance_share),
            shift_start_hours=sc.str_keys(spec.ambulance.shift_start_hours),
        ),
        hap=HAPParameters(
            weekday_open_hour=spec.hap.weekday_open_hour,
            weekday_close_hour=spec.hap.weekday_close_hour,
            weekend_open_all_day=spec.hap.weekend_open_all_day,
            telephone_triage=spec.hap.telephone_triage.to_domain(),
            consult=spec.hap.consult.to_domain(),
            consult_share=spec.hap.consult_share,
            referral_share=spec.hap.referral_share,
        ),
        pathways=pathways,
        travel=travel_spec(spec.travel),
        finance=parse_finance(
            finance,
            site_ids=[s.site_id for s in sites_d],
            organisation_ids=[o.organisation_id for o in organisations],
        )
        if finance
        else None,
        demand_growth_per_year=spec.demand_growth_per_year,
        sources=spec.sources,
        pack_path=str(pack),
    )
    return region, areas_gdf


def _check_references(
    spec: sc.RegionToml,
    raw: Mapping[str, Any],
    sites: list[tuple[int, sc.SiteRow]],
    posts: list[tuple[int, sc.PostRow]],
    haps: list[tuple[int, sc.HAPRow]],
    areas_gdf: gpd.GeoDataFrame | None,
    sites_ok: bool,
    problems: list[str],
) -> None:
    """Names that point elsewhere in the pack: organisations, zones and age bands."""
    orgs = {s.organisation for _, s in sites}
    if sites_ok and spec.extends is None:
        for org in spec.organisations:
            if org not in orgs:
                problems.append(
                    f"region.toml [organisations.{org}]: no site of {spec.files.sites} belongs "
                    f"to it{did_you_mean(org, orgs)} (organisations: {', '.join(sorted(orgs))})"
                )
    if areas_gdf is None:
        return
    zones = set(areas_gdf["zone"])
    for name, id_col, rows in (
        (spec.files.sites, "site_id", sites),
        (spec.files.posts, "post_id", posts),
        (spec.files.haps or "haps.csv", "hap_id", haps),
    ):
        for i, row in rows:
            if row.zone is not None and row.zone not in zones:
                problems.append(
                    f"{name} row {i} ({id_col}={getattr(row, id_col)!r}), column 'zone': "
                    f"{row.zone!r} is not a zone of {spec.files.areas}"
                    f"{did_you_mean(row.zone, zones)} (zones: {', '.join(sorted(zones))})"
                )
    demand = raw.get("demand")
    given = demand.get("age_weights") if isinstance(demand, Mapping) else None
    if isinstance(given, Mapping):
        for band in given:
            if band not in areas_gdf.columns:
                columns = [c for c in areas_gdf.columns if c != "geometry"]
                problems.append(
                    f"region.toml [demand.age_weights]: {band!r} is not a column of "
                    f"{spec.files.areas}{did_you_mean(str(band), columns)}"
                )


def _files_section(raw: Mapping[str, Any]) -> sc.FilesSection | None:
    """The ``[files]`` table alone (its problems are already reported), or None."""
    try:
        return sc.FilesSection.model_validate(raw.get("files", {}))
    except ValidationError:
        return None


def _seh_roles(sites: Iterable[sc.SiteRow], rosters: Mapping[str, RosterTemplate]) -> list[str]:
    """Roster roles of the SEH sites: each needs a cost per staffed hour in finance.toml."""
    roles: dict[str, None] = {}
    for s in sites:
        template = rosters.get(s.roster)
        if s.seh != "none" and template is not None:
            roles.update(dict.fromkeys(template.roles))
    return list(roles)


def _check_ferries(
    ferries: Iterable[sc.FerrySpec], area_zones: set[str], problems: list[str]
) -> None:
    """Each ferry serves a zone of the areas and has both ends, inside EPSG:28992's area."""
    for k, f in enumerate(ferries):
        where = f"region.toml [ferries[{k}] zone={f.zone!r}]"
        if area_zones and f.zone not in area_zones:
            problems.append(
                f"{where}: no area has zone {f.zone!r}{did_you_mean(f.zone, area_zones)} "
                f"(zones: {', '.join(sorted(area_zones))})"
            )
        for end in ("terminal", "port"):
            lon, lat = getattr(f, f"{end}_lon"), getattr(f, f"{end}_lat")
            x, y = getattr(f, f"{end}_x"), getattr(f, f"{end}_y")
            if x is not None and y is not None:
                given, px, py = ("xy", x, y), x, y
            elif lon is not None and lat is not None and x is None and y is None:
                given = ("lonlat", lon, lat)
                tx, ty = checks.lonlat_to_rd(np.array([lon]), np.array([lat]))
                px, py = float(tx[0]), float(ty[0])
            else:
                problems.append(
                    f"{where}: needs {end}_lon and {end}_lat (WGS84) or {end}_x and {end}_y "
                    "(EPSG:28992), both of a pair"
                )
                continue
            problem = checks.point_problem(f"{where} {end}", given, px, py)
            if problem is not None:
                problems.append(problem)


def _hap_roster(rosters: Mapping[str, RosterTemplate]) -> str:
    for name in ("hap_default", *sorted(rosters)):
        if name in rosters and name.startswith("hap"):
            return name
    return "hap_default"


def _check_travel(travel: Mapping[str, Any], pack: Path, problems: list[str]) -> None:
    """Let the travel-time layer validate its own section, when it offers a validator."""
    try:
        from acutesim.geo.travel_time import validate_travel_config
    except ImportError:
        return
    problems.extend(validate_travel_config(dict(travel), pack))


def _areas(gdf: gpd.GeoDataFrame, age_weights: Mapping[str, float]) -> tuple[Area, ...]:
    pts = gdf.geometry.representative_point()
    pop = gdf["population"].to_numpy(dtype=float)
    bands = [c for c in age_weights if c in gdf.columns]
    if bands:
        weighted = sum(
            pd.to_numeric(gdf[c], errors="coerce").fillna(0).to_numpy() * age_weights[c]
            for c in bands
        )
        per_person = np.divide(weighted, pop, out=np.ones_like(pop), where=pop > 0)
        mean = float(np.sum(weighted) / max(pop.sum(), 1.0))
        weights = per_person / mean if mean > 0 else np.ones_like(pop)
    else:
        weights = np.ones_like(pop)
    access = (
        gdf["road_access"].to_numpy(dtype=bool)
        if "road_access" in gdf.columns
        else np.ones(len(gdf), dtype=bool)
    )
    return tuple(
        Area(
            area_id=str(aid),
            name=str(nm),
            population=int(p),
            x_m=float(pt.x),
            y_m=float(pt.y),
            zone=str(z),
            has_road_access=bool(acc),
            demand_weight=float(w),
            geometry=geom,
        )
        for aid, nm, p, pt, z, acc, w, geom in zip(
            gdf["area_id"],
            gdf["name"],
            gdf["population"],
            pts,
            gdf["zone"],
            access,
            weights,
            gdf.geometry,
            strict=True,
        )
    )


def _ferry(f: sc.FerrySpec) -> Ferry:
    tf = checks.wgs84_to_rd()
    if f.terminal_x is not None and f.terminal_y is not None:
        tx, ty = f.terminal_x, f.terminal_y
    else:
        tx, ty = tf.transform(f.terminal_lon, f.terminal_lat)
    if f.port_x is not None and f.port_y is not None:
        px, py = f.port_x, f.port_y
    else:
        px, py = tf.transform(f.port_lon, f.port_lat)
    return Ferry(
        f.zone, f.name or f.zone, float(tx), float(ty), float(px), float(py), f.crossing_minutes
    )


def _roster(name: str, rs: sc.RosterSpec) -> RosterTemplate:
    return RosterTemplate(
        name=name,
        shifts=tuple(
            ShiftTemplate(s.name, s.start_hour, s.hours, dict(s.staff), s.weekdays)
            for s in rs.shifts
        ),
        roles={
            r: RoleRule(
                v.slots_per_staff,
                v.min_staff,
                v.vacancy_share,
                v.absence_probability,
                v.locum_fill_share,
            )
            for r, v in rs.roles.items()
        },
    )


# --- experiments ----------------------------------------------------------------------
def _scenario_from(spec: Mapping[str, Any], where: str, problems: list[str]) -> Scenario:
    fields = Scenario.__dataclass_fields__
    kw = {k: v for k, v in spec.items() if k in fields}
    if "closed_sites" in kw:
        kw["closed_sites"] = tuple(kw["closed_sites"])
    # The funding layer's tables, parsed once into typed specs; non-finite values are
    # refused once, by the file's tree check.
    kw["funding"], kw["behaviour"], found = parse_scenario_tables(
        kw.get("funding"), kw.get("behaviour")
    )
    problems.extend(f"{where} {p}" for p in found if not p.endswith(_NONFINITE_ECHO))
    return Scenario(**kw)


def _expand(spec: sc.ExperimentToml, where: str, problems: list[str]) -> list[dict[str, Any]]:
    """Resolve inheritance and the grid into flat scenario dicts, in file order."""
    by_name: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    raw = [s.model_dump(exclude_unset=True) for s in spec.scenarios]
    for i, s in enumerate(raw):
        name = s["name"]
        if name in by_name:
            problems.append(f"{where} [scenarios[{i}]]: duplicate scenario name {name!r}")
            continue
        parent = s.pop("inherits", None)
        if parent is not None:
            if parent not in by_name:
                problems.append(
                    f"{where} [scenarios[{i}] name={name!r}]: inherits {parent!r}, which is not "
                    f"defined above it{did_you_mean(parent, by_name)}"
                )
                continue
            base = {k: v for k, v in by_name[parent].items() if k not in ("name", "description")}
            s = deep_merge(base, s)
        by_name[name] = s
        order.append(name)
    if spec.grid is not None:
        g = spec.grid
        base_name = g.base or (order[0] if order else None)
        if base_name is not None and base_name not in by_name:
            problems.append(
                f"{where} [grid]: base {base_name!r} is not a scenario"
                f"{did_you_mean(base_name, by_name)}"
            )
            return []
        base = {
            k: v
            for k, v in (by_name.get(base_name, {}) if base_name else {}).items()
            if k not in ("name", "description")
        }
        knob_fields = sc.ScenarioKnobs.model_fields
        for k in g.knobs:
            top = k.split(".")[0]
            if top not in knob_fields:
                problems.append(
                    f"{where} [grid.knobs]: unknown knob {k!r}{did_you_mean(top, knob_fields)}"
                )
        if problems:
            return []
        keys = list(g.knobs)
        for combo in itertools.product(*(g.knobs[k] for k in keys)):
            label = ",".join(f"{k}={_fmt(v)}" for k, v in zip(keys, combo, strict=True))
            s = dict(base)
            for k, v in zip(keys, combo, strict=True):
                s = deep_merge(s, _nested(k, v))
            name = f"{g.prefix}{label}"
            s["name"] = name
            if name in by_name:
                problems.append(f"{where} [grid]: scenario name {name!r} already exists")
                continue
            by_name[name] = s
            order.append(name)
    return [by_name[n] for n in order]


def _nested(key: str, value: Any) -> dict[str, Any]:
    parts = key.split(".")
    out: dict[str, Any] = {parts[-1]: value}
    for p in reversed(parts[:-1]):
        out = {p: out}
    return out


def _fmt(v: Any) -> str:
    # Scenario names allow no '+': 4e6 is written 4000000, and 1e20 as 1e20.
    if isinstance(v, float):
        return f"{v:.0f}" if v.is_integer() and abs(v) < 1e15 else f"{v:g}".replace("e+", "e")
    return str(v)


def load_experiment(path: str | Path, *, check_region: bool = True) -> tuple[Experiment, Region]:
    """Load and validate an experiment file and its region pack.

    Every scenario of the grid is validated before anything runs.

    Parameters
    ----------
    path : str or Path
        The experiment TOML file.
    check_region : bool
        Also load the region and check scenario references (closed sites) against it.

    Returns
    -------
    (Experiment, Region)

    Raises
    ------
    ConfigError
        With every problem in the experiment file and the region pack.
    """
    path = Path(path)
    where = path.name
    subject = f"experiment '{path}'"
    problems: list[str] = []
    raw = _read_toml(path, problems)
    if raw is None:
        raise ConfigError(subject, problems)
    spec = _validate(sc.ExperimentToml, raw, where, problems)
    if spec is None:
        raise ConfigError(subject, problems)
    flat = _expand(spec, where, problems)
    scenarios: list[Scenario] = []
    for s in flat:
        checked = _validate(sc.ScenarioSpec, s, f"{where} [scenario {s.get('name')!r}]", problems)
        if checked is not None:
            scenarios.append(_scenario_from(s, f"{where} [scenario {s.get('name')!r}]", problems))
    scenarios = [
        dataclasses.replace(s, call_log=str((path.parent / s.call_log).resolve()))
        if s.call_log
        else s
        for s in scenarios
    ]
    region_path = resolve_region_path(spec.region, path.parent)
    region: Region | None = None
    if check_region:
        try:
            region = load_region(region_path)
        except ConfigError as err:
            problems.append(f"{where} [region]: {err.subject} is invalid:")
            problems.extend(f"  {p}" for p in err.problems)
    if region is not None:
        start = region.calendar.start_date
        if spec.horizon_days > (checks.DATE_MAX - start).days:
            problems.append(
                f"{where} [horizon_days]: {spec.horizon_days:g} days from the region's "
                f"start_date {start.isoformat()} end after {checks.DATE_MAX.isoformat()} "
                f"(at most {(checks.DATE_MAX - start).days:,} days)"
            )
        known = {s.site_id for s in region.sites}
        seh_ids = {s.site_id for s in region.sites if s.seh != "none"}
        for sc_ in scenarios:
            for sid in sc_.closed_sites:
                if sid not in known:
                    problems.append(
                        f"{where} [scenario {sc_.name!r}] closed_sites: unknown site_id {sid!r}"
                        f"{did_you_mean(sid, known)} (known: {', '.join(sorted(known))})"
                    )
            _check_hysteresis(sc_, region, f"{where} [scenario {sc_.name!r}]", problems)
            checks.check_site_refs(
                sc_.funding.sensitive_sites if sc_.funding is not None else None,
                seh_ids,
                f"{where} [scenario {sc_.name!r}] funding.sensitive_sites",
                "an SEH site of the region",
                problems,
            )
        _check_funding_pack(region, scenarios, where, problems)
        _check_call_logs(scenarios, region, where, problems)
    if problems:
        raise ConfigError(subject, problems)
    assert region is not None or not check_region
    experiment = Experiment(
        name=spec.name,
        description=spec.description,
        region_path=str(region_path),
        horizon_days=spec.horizon_days,
        warmup_days=spec.warmup_days,
        replications=spec.replications,
        seed=spec.seed,
        scenarios=tuple(scenarios),
        source_path=str(path),
        config=_jsonable(raw),
    )
    return experiment, region  # type: ignore[return-value]


def _check_hysteresis(scenario: Scenario, region: Region, where: str, problems: list[str]) -> None:
    """The volmelding thresholds a scenario ends up with keep off below on.

    Each threshold comes from ``behaviour.volmelding.base_*_share``, else the scenario's
    ``volmelding_*_share``, else the region's ``[seh]``; a scenario that sets one of them
    can invert the pair.
    """
    volmelding = scenario.behaviour.volmelding if scenario.behaviour is not None else None
    shares = dict(zip(("on", "off"), scenario.volmelding_shares(region.seh), strict=True))
    chosen: dict[str, tuple[float, str]] = {}
    for side in ("on", "off"):
        given = getattr(volmelding, f"base_{side}_share", None)
        if given is not None:
            chosen[side] = (given, f"behaviour.volmelding.base_{side}_share")
        elif getattr(scenario, f"volmelding_{side}_share") is not None:
            chosen[side] = (shares[side], f"volmelding_{side}_share")
        else:
            chosen[side] = (shares[side], f"region.toml [seh] volmelding_{side}_share")
    (on, on_from), (off, off_from) = chosen["on"], chosen["off"]
    both_in_behaviour = on_from.startswith("behaviour.") and off_from.startswith("behaviour.")
    if off >= on and not both_in_behaviour:  # the funding table's own check covers that
        problems.append(
            f"{where} volmelding: the off threshold {off:g} ({off_from}) must be below the on "
            f"threshold {on:g} ({on_from})"
        )


def _check_call_logs(
    scenarios: list[Scenario], region: Region, where: str, problems: list[str]
) -> None:
    """Read every scenario's call log once against the region; report its located problems."""
    from acutesim.config.calls import read_call_log

    seen: set[str] = set()
    for s in scenarios:
        if s.call_log and s.call_log not in seen:
            seen.add(s.call_log)
            try:
                read_call_log(s.call_log, region)
            except ConfigError as err:
                problems.append(
                    f"{where} [scenario {s.name!r}] call_log: {err.subject} is invalid:"
                )
                problems.extend(f"  {p}" for p in err.problems)


def _check_funding_pack(
    region: Region, scenarios: list[Scenario], where: str, problems: list[str]
) -> None:
    """Let the funding layer check that the pack carries the data funding scenarios need."""
    from acutesim.config.funding import validate_funding_pack

    errors, warns = validate_funding_pack(region, scenarios)
    problems.extend(f"{where} [region]: {p}" for p in errors)
    for w in warns:
        warnings.warn(f"{where} [region]: {w}", UserWarning, stacklevel=3)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, dt.date | dt.datetime | dt.time):
        return obj.isoformat()
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    return obj
