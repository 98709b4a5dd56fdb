"""Read a region pack or an experiment file, collect every problem, raise one ConfigError.

Loading is the border between files and the model: lon/lat become EPSG:28992 metres,
CSV rows become frozen domain objects, and every problem is reported at once, one line
each, naming the file, the row or key, the value and what was expected.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from acutesim.config import schema as sc
from acutesim.config.merge import deep_merge
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
from acutesim.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    import geopandas as gpd

M = TypeVar("M", bound=BaseModel)

# RD New is defined for the Netherlands; points far outside are almost surely swapped
# lon/lat or the wrong CRS.
RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)


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
        shown = "" if isinstance(value, dict | list | tuple) else f" (got {value!r})"
        at = f" [{key}]" if key else ""
        lines.append(f"{where}{at}: {msg}{shown}")
    return lines


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        problems.append(f"{path.name}: file not found at '{path}'")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path.name}: not valid TOML: {exc}")
    return None


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
    if not path.exists():
        if required:
            problems.append(f"{name}: file not found at '{path}'")
        return []
    with path.open(encoding="utf-8-sig") as fh:
        first = fh.readline()
    if first.lstrip().startswith("#"):
        problems.append(
            f"{name} line 1: starts with a comment ({first.strip()[:40]!r}); CSV files are "
            "plain: the header is the first line (put notes in README.md or region.toml)"
        )
        return []
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        problems.append(f"{name}: cannot be read as CSV: {exc}")
        return []
    frame.columns = [c.strip() for c in frame.columns]
    fields = model.model_fields
    required_cols = [
        f for f, info in fields.items() if info.is_required() and f not in ("lon", "lat", "x", "y")
    ]
    missing = [c for c in required_cols if c not in frame.columns]
    for c in missing:
        problems.append(f"{name}: missing column '{c}' (columns found: {', '.join(frame.columns)})")
    has_ll = {"lon", "lat"} <= set(frame.columns)
    has_xy = {"x", "y"} <= set(frame.columns)
    if "lon" in fields and not (has_ll or has_xy):
        problems.append(
            f"{name}: needs columns 'lon' and 'lat' (WGS84) or 'x' and 'y' (EPSG:28992)"
        )
    unknown = [c for c in frame.columns if c not in fields]
    for c in unknown:
        problems.append(f"{name}: unknown column '{c}'{did_you_mean(c, fields)}")
    if missing or unknown:
        return []
    rows: list[tuple[int, M]] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(frame.to_dict(orient="records"), start=1):
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
                if e["type"] == "literal_error":
                    allowed = msg.removeprefix("Input should be ")
                    msg = f"is not one of {allowed.replace(' or ', ', ')}"
                elif msg.startswith("Input should"):
                    # "'-3' should be greater than ...", not "'-3' Input should be ..."
                    msg = "should" + msg.removeprefix("Input should")
                value = e.get("input")
                shown = f"{value!r} " if col and not isinstance(value, dict) else ""
                column = f", column '{col}'" if col else ""
                problems.append(f"{where}{column}: {shown}{msg}".replace(": ", ": ", 1))
            continue
        key = getattr(row, id_column)
        if key in seen:
            problems.append(f"{where}: duplicate {id_column} (first in row {seen[key]})")
            continue
        seen[key] = i
        rows.append((i, row))
    return rows


def _to_rd(rows: list[Any]) -> np.ndarray:
    """Return RD New x/y [m] for rows with lon/lat or x/y."""
    from pyproj import Transformer

    xy = np.full((len(rows), 2), np.nan)
    ll_idx = [k for k, r in enumerate(rows) if r.x is None]
    for k, r in enumerate(rows):
        if r.x is not None:
            xy[k] = (r.x, r.y)
    if ll_idx:
        tf = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
        lon = np.array([rows[k].lon for k in ll_idx])
        lat = np.array([rows[k].lat for k in ll_idx])
        x, y = tf.transform(lon, lat)
        xy[ll_idx, 0], xy[ll_idx, 1] = x, y
    return xy


def _check_bounds(
    name: str, ids: list[str], xy: np.ndarray, id_col: str, problems: list[str]
) -> None:
    x0, y0, x1, y1 = RD_BOUNDS
    for ident, (x, y) in zip(ids, xy, strict=True):
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            problems.append(
                f"{name} ({id_col}={ident!r}): position ({x:.0f}, {y:.0f}) m lies outside the "
                "Netherlands in EPSG:28992; are lon and lat swapped?"
            )


# --- areas ----------------------------------------------------------------------------
def read_areas(path: Path, problems: list[str]) -> gpd.GeoDataFrame | None:
    """Read an areas layer into EPSG:28992 with area_id, name, population, zone, geometry."""
    import geopandas as gpd

    name = path.name
    if not path.exists():
        problems.append(f"{name}: file not found at '{path}'")
        return None
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        problems.append(f"{name}: cannot be read as a vector layer: {exc}")
        return None
    if gdf.crs is None:
        problems.append(f"{name}: has no CRS; write it with EPSG:28992 or EPSG:4326")
        return None
    n_before = len(problems)
    for col in ("area_id", "population"):
        if col not in gdf.columns:
            problems.append(
                f"{name}: missing column '{col}'{did_you_mean(col, gdf.columns)} "
                f"(columns found: {', '.join(c for c in gdf.columns if c != 'geometry')})"
            )
    if len(problems) > n_before:
        return None
    gdf = gdf.to_crs("EPSG:28992")
    gdf["area_id"] = gdf["area_id"].astype(str)
    if "name" not in gdf.columns:
        gdf["name"] = gdf["area_id"]
    pop = pd.to_numeric(gdf["population"], errors="coerce")
    for i in np.flatnonzero(pop.isna().to_numpy() | (pop.fillna(0).to_numpy() < 0)):
        problems.append(
            f"{name} row {i + 1} (area_id={gdf['area_id'].iloc[i]!r}), column 'population': "
            f"{gdf['population'].iloc[i]!r} is not a non-negative number"
        )
    gdf["population"] = pop.fillna(0).round().astype(np.int64)
    dup = gdf["area_id"].duplicated()
    for i in np.flatnonzero(dup.to_numpy()):
        problems.append(
            f"{name} row {i + 1} (area_id={gdf['area_id'].iloc[i]!r}): duplicate area_id"
        )
    empty = gdf.geometry.is_empty | gdf.geometry.isna()
    for i in np.flatnonzero(empty.to_numpy()):
        problems.append(f"{name} row {i + 1} (area_id={gdf['area_id'].iloc[i]!r}): empty geometry")
    if "zone" not in gdf.columns:
        gdf["zone"] = MAINLAND
    gdf["zone"] = gdf["zone"].fillna(MAINLAND).astype(str).replace("", MAINLAND)
    return gdf


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
    if spec is None:
        raise ConfigError(subject, problems)

    def fpath(key: str, name: str) -> Path:
        return file_dirs.get(key, pack) / name

    areas_gdf = read_areas(fpath("areas", spec.files.areas), problems)
    sites = _read_csv(fpath("sites", spec.files.sites), sc.SiteRow, "site_id", problems)
    posts = _read_csv(fpath("posts", spec.files.posts), sc.PostRow, "post_id", problems)
    haps: list[tuple[int, sc.HAPRow]] = []
    if spec.files.haps:
        haps = _read_csv(fpath("haps", spec.files.haps), sc.HAPRow, "hap_id", problems)
    rosters_raw = _read_toml(fpath("rosters", spec.files.rosters), problems) or {}
    rosters: dict[str, RosterTemplate] = {}
    for rname, rdata in rosters_raw.items():
        rs = _validate(sc.RosterSpec, rdata, f"{spec.files.rosters} [{rname}]", problems)
        if rs is not None:
            rosters[rname] = _roster(rname, rs)

    if spec.extends is None and spec.select:
        problems.append("region.toml [select]: only valid together with 'extends'")

    # cross references
    for i, s in sites:
        if s.roster not in rosters:
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
        if h.roster not in rosters:
            problems.append(
                f"{spec.files.haps} row {i} (hap_id={h.hap_id!r}): roster {h.roster!r} is not "
                f"defined in {spec.files.rosters}{did_you_mean(h.roster, rosters)}"
            )
    if not any(s.seh != "none" for _, s in sites) and sites:
        problems.append(f"{spec.files.sites}: no site has an SEH (seh '24/7' or 'day')")

    ferry_zones = {f.zone for f in spec.ferries}
    if areas_gdf is not None:
        for z in sorted(set(areas_gdf["zone"]) - {MAINLAND} - ferry_zones):
            problems.append(
                f"{spec.files.areas}: zone {z!r} has no [[ferries]] entry in region.toml "
                "(islands need a ferry link; or set zone to 'mainland')"
            )
    for f in spec.ferries:
        if f.terminal_x is None and (f.terminal_lon is None or f.terminal_lat is None):
            problems.append(f"region.toml [ferries zone={f.zone!r}]: needs terminal_lon/lat or x/y")
        if f.port_x is None and (f.port_lon is None or f.port_lat is None):
            problems.append(f"region.toml [ferries zone={f.zone!r}]: needs port_lon/lat or x/y")
    _check_travel(spec.travel, pack, problems)

    site_rows = [s for _, s in sites]
    post_rows = [p for _, p in posts]
    hap_rows = [h for _, h in haps]
    site_xy, post_xy, hap_xy = _to_rd(site_rows), _to_rd(post_rows), _to_rd(hap_rows)
    _check_bounds(spec.files.sites, [s.site_id for s in site_rows], site_xy, "site_id", problems)
    _check_bounds(spec.files.posts, [p.post_id for p in post_rows], post_xy, "post_id", problems)
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
    for s in sites_d:
        orgs.setdefault(s.organisation, []).append(s.site_id)
    organisations = tuple(
        Organisation(
            organisation_id=o,
            name=str(spec.organisations.get(o, {}).get("name", o)),
            site_ids=tuple(ids),
            reserves_eur=float(spec.organisations.get(o, {}).get("reserves_eur", 0.0)),
        )
        for o, ids in orgs.items()
    )
    finance: dict[str, Any] = {}
    if spec.files.finance:
        finance = _read_toml(fpath("finance", spec.files.finance), problems) or {}
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
            mts_shares_by_route={k: dict(v) for k, v in seh.mts_shares.items()},
            treatment_by_mts={k: v.to_domain() for k, v in seh.treatment.items()},
            admission_share_by_mts=dict(seh.admission_share),
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
            urgency_shares=dict(spec.ambulance.urgency_shares),
            dispatch_delay=spec.ambulance.dispatch_delay.to_domain(),
            on_scene=spec.ambulance.on_scene.to_domain(),
            handover=spec.ambulance.handover.to_domain(),
            conveyance_share_by_urgency=dict(spec.ambulance.conveyance_share),
            shift_start_hours=dict(spec.ambulance.shift_start_hours),
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
        travel=dict(spec.travel),
        finance=finance,
        demand_growth_per_year=spec.demand_growth_per_year,
        sources=spec.sources,
        pack_path=str(pack),
    )
    return region, areas_gdf


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
        gdf["road_access"].astype(str).str.lower().isin(["true", "1", "yes"]).to_numpy()
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
    from pyproj import Transformer

    tf = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    tx, ty = (
        (f.terminal_x, f.terminal_y)
        if f.terminal_x is not None
        else tf.transform(f.terminal_lon, f.terminal_lat)
    )
    px, py = (f.port_x, f.port_y) if f.port_x is not None else tf.transform(f.port_lon, f.port_lat)
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
            r: RoleRule(v.slots_per_staff, v.min_staff, v.vacancy_share, v.absence_probability)
            for r, v in rs.roles.items()
        },
    )


# --- experiments ----------------------------------------------------------------------
def _scenario_from(spec: Mapping[str, Any]) -> Scenario:
    fields = Scenario.__dataclass_fields__
    kw = {k: v for k, v in spec.items() if k in fields}
    if "closed_sites" in kw:
        kw["closed_sites"] = tuple(kw["closed_sites"])
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
            scenarios.append(_scenario_from(s))
    _check_funding_knobs(scenarios, where, problems)
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
        known = {s.site_id for s in region.sites}
        for sc_ in scenarios:
            for sid in sc_.closed_sites:
                if sid not in known:
                    problems.append(
                        f"{where} [scenario {sc_.name!r}] closed_sites: unknown site_id {sid!r}"
                        f"{did_you_mean(sid, known)} (known: {', '.join(sorted(known))})"
                    )
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


def _check_funding_knobs(scenarios: list[Scenario], where: str, problems: list[str]) -> None:
    """Let the funding layer validate the ``funding``/``behaviour`` tables it owns."""
    hook: Callable[[Mapping[str, Any], Mapping[str, Any]], list[str]] | None
    try:
        from acutesim.config.funding import validate_funding_knobs as hook
    except ImportError:
        hook = None
    for s in scenarios:
        if hook is not None:
            problems.extend(
                f"{where} [scenario {s.name!r}] {p}" for p in hook(s.funding, s.behaviour)
            )


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
