"""Read a region pack (region.toml and the files it names) into a frozen Region.

Loading is the border between files and the model: lon/lat become EPSG:28992 metres,
CSV rows become frozen domain objects, and every problem is reported at once, one line
each, naming the file, the row or key, the value and what was expected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ValidationError

from acutesim.config import checks
from acutesim.config import defaults as d
from acutesim.config import schema as sc
from acutesim.config.areas import read_areas, zones_for_points
from acutesim.config.csvfiles import check_positions, read_csv_rows, to_rd
from acutesim.config.finance import parse_finance
from acutesim.config.validation import NONFINITE_ECHO, read_toml_checked, validate
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
from acutesim.domain.specs import travel_spec
from acutesim.domain.travel_table import validate_travel_config
from acutesim.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    import geopandas as gpd


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
    raw = read_toml_checked(pack / "region.toml", problems)
    if raw is None:
        raise ConfigError(subject, problems)
    file_dirs: dict[str, Path] = {}
    if raw.get("extends"):
        from acutesim.config.extend import resolve_extends  # region selection (ROAZ packs)

        raw, file_dirs = resolve_extends(pack, raw, problems)
    spec = validate(sc.RegionToml, raw, "region.toml", problems)
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
    sites = read_csv_rows(fpath("sites", files.sites), sc.SiteRow, "site_id", problems)
    sites_ok = len(problems) == n_before_sites
    posts = read_csv_rows(fpath("posts", files.posts), sc.PostRow, "post_id", problems)
    haps: list[tuple[int, sc.HAPRow]] = []
    if files.haps:
        haps = read_csv_rows(fpath("haps", files.haps), sc.HAPRow, "hap_id", problems)
    rosters_raw = read_toml_checked(fpath("rosters", files.rosters), problems) or {}
    rosters: dict[str, RosterTemplate] = {}
    invalid_rosters = set(rosters_raw)  # defined but invalid: already reported
    for rname, rdata in rosters_raw.items():
        rs = validate(sc.RosterSpec, rdata, f"{files.rosters} [{rname}]", problems)
        if rs is not None:
            rosters[rname] = _roster(rname, rs)

    finance_raw: dict[str, Any] | None = None
    if files.finance:
        finance_raw = read_toml_checked(fpath("finance", files.finance), problems)
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
            if not p.endswith(NONFINITE_ECHO)
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
    site_xy, post_xy, hap_xy = to_rd(site_rows), to_rd(post_rows), to_rd(hap_rows)
    check_positions(spec.files.sites, "site_id", sites, site_xy, problems)
    check_positions(spec.files.posts, "post_id", posts, post_xy, problems)
    if spec.files.haps:
        check_positions(spec.files.haps, "hap_id", haps, hap_xy, problems)
    if problems or areas_gdf is None:
        raise ConfigError(subject, problems)

    site_zones = zones_for_points(areas_gdf, site_xy)
    post_zones = zones_for_points(areas_gdf, post_xy)
    hap_zones = zones_for_points(areas_gdf, hap_xy)
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
    """Check ``[travel]`` against its models and their parameters (domain.travel_table)."""
    problems.extend(validate_travel_config(dict(travel), pack))


def _areas(gdf: gpd.GeoDataFrame, age_weights: Mapping[str, float]) -> tuple[Area, ...]:
    import pandas as pd  # with the areas layer (geopandas) only: not for a worker's imports

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
