"""Calibrate the straight-line travel-time profiles against Dutch open data.

Fits the private-car profile to OpenRouteService 30-minute isochrones around the RIVM
2019 hospital locations and OSRM 15-minute isochrones around the RIVM 2019 ambulance
posts, and the ambulance profile to the RUG Geodienst / RTL Nieuws 2017 count of
inhabitants beyond a 12-minute drive from the nearest 24/7 post. Then it shows how
sensitive the national population beyond the 45-minute norm is to speed, on-scene
time and dispatch time, and writes ``docs/calibration-reachability.md``.

The data are not part of the project; by default they are looked for in
``<project root>/../shared/data/nl`` (pass ``--data DIR`` to point elsewhere). See the
data folder's README for provenance and licences.

Usage::

    python scripts/calibrate_travel.py [--data DIR] [--out docs/calibration-reachability.md]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from acutesim.geo.norm import NormParameters, NormTracker
from acutesim.geo.travel import (
    AMBULANCE_BAND_SPEEDS_KM_PER_HOUR,
    CAR_BAND_SPEEDS_KM_PER_HOUR,
    DEFAULT_BAND_EDGES_KM,
    DEFAULT_DETOUR_FACTOR,
    StraightLineModel,
)
from acutesim.units import METRES_PER_KM

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "nl"
DEFAULT_OUT = ROOT / "docs" / "calibration-reachability.md"

# Wadden islands: reached only by ferry, which the national straight-line run does not
# model (no ferry table in the open data); they are left out of every fit.
ISLAND_PC4_RANGES = ((1791, 1797), (8881, 8899), (9161, 9166))

# Targets. source: RUG Geodienst for RTL Nieuws, "Aanrijtijden ambulances in Nederland
# in beeld", 2017: 385,000 inhabitants beyond a 12-minute drive (15 minutes minus 3 for
# call handling and turnout) from the nearest post; about 17.1 million inhabitants.
RUG_2017_OUTSIDE = 385_000.0
NL_2017_POPULATION = 17_100_000.0
AMBULANCE_DRIVE_BUDGET_MINUTES = 12.0
# Alternatives shown beside the chosen target (shares outside).
# source: RTL Nieuws via Metro 2025-02 (0.5% in 2019, 2.1% in 2024, 15-minute norm);
# RIVM/Adviesbureau Botter, Ambulances binnen bereik, 2003 (93% within 13 minutes'
# driving from 195 posts in 2001).
ALTERNATIVE_TARGETS = (
    ("RTL 2019: 0.5% outside 15 min (taken as 12 min driving)", 0.005, 12.0),
    ("RTL 2024: 2.1% outside 15 min (taken as 12 min driving)", 0.021, 12.0),
    ("RIVM 2003: 7% beyond 13 min driving (195 posts in 2001)", 0.07, 13.0),
)
# source: VZinfo acute verloskunde 2022: 99.3% reach 24/7 acute obstetrics by car
# within 30 minutes.
VZINFO_AV_CAR_30_SHARE = 0.993
CAR_ISO_HOSPITAL_MINUTES = 30.0
CAR_ISO_POST_MINUTES = 15.0


@dataclass
class NLData:
    """Dutch open data prepared for calibration (EPSG:28992 metres)."""

    pc4_xy: np.ndarray
    pc4_pop: np.ndarray
    n_pc4_islands: int
    pop_islands: float
    seh_xy: np.ndarray  # 24/7 SEHs
    seh_names: list[str]
    av_xy: np.ndarray  # 24/7 acute obstetrics
    post_xy: np.ndarray  # 24/7 posts
    iso_hosp_xy: np.ndarray
    iso_hosp_member: np.ndarray  # (n_iso, n_pc4) PC4 point inside the 30-min polygon
    iso_post_xy: np.ndarray
    iso_post_member: np.ndarray  # (n_iso, n_pc4) PC4 point inside the 15-min polygon


def _is_island(codes: np.ndarray) -> np.ndarray:
    out = np.zeros(codes.shape, dtype=bool)
    for lo, hi in ISLAND_PC4_RANGES:
        out |= (codes >= lo) & (codes <= hi)
    return out


def load_nl(data_dir: Path) -> NLData:
    """Read PC4 population, hospitals, posts and isochrones; convert to EPSG:28992."""
    import geopandas as gpd
    import pandas as pd

    pc4 = gpd.read_file(data_dir / "pc4_population_2021.gpkg")
    pc4 = pc4[pc4["inwoners"].fillna(0) > 0].reset_index(drop=True)
    codes = pc4["postcode"].astype(int).to_numpy()
    island = _is_island(codes)
    pop_islands = float(pc4.loc[island, "inwoners"].sum())
    pc4 = pc4[~island].reset_index(drop=True)
    points = gpd.GeoDataFrame(
        {"i": np.arange(len(pc4))}, geometry=pc4.geometry.representative_point(), crs=pc4.crs
    )
    xy = np.column_stack([points.geometry.x, points.geometry.y])

    def rd(frame: pd.DataFrame, lon: str = "lon", lat: str = "lat") -> np.ndarray:
        g = gpd.GeoSeries(gpd.points_from_xy(frame[lon], frame[lat]), crs="EPSG:4326")
        g = g.to_crs("EPSG:28992")
        return np.column_stack([g.x, g.y])

    hosp = pd.read_csv(data_dir / "hospitals_seh_acute_obstetrics_2019_rivm.csv")
    seh = hosp[hosp["seh_24_7"] == 1]
    av = hosp[hosp["acute_verloskunde_24_7"] == 1]
    posts = pd.read_csv(data_dir / "ambulance_posts_2019_rivm.csv", dtype={"post_id": str})
    # RIVM counts posts staffed 24/7; standby (DAM) points and part-time posts do not.
    posts_24 = posts[posts["Beschikbaarheid"] == "24 uur"]

    def membership(iso: gpd.GeoDataFrame) -> np.ndarray:
        iso = iso.to_crs("EPSG:28992").reset_index(drop=True)
        iso["k"] = np.arange(len(iso))
        joined = gpd.sjoin(points, iso[["k", "geometry"]], predicate="within")
        member = np.zeros((len(iso), len(points)), dtype=bool)
        member[joined["k"].to_numpy(), joined["i"].to_numpy()] = True
        return member

    iso_h = gpd.read_file(data_dir / "isochrones_hospitals_ors_30min.geojson")
    iso_p = gpd.read_file(data_dir / "isochrones_ambulance_posts_osrm_15min.geojson")
    iso_p = iso_p[iso_p["qa_flag"].fillna("") == ""]  # Asten's polygon has a wrong origin
    iso_p = iso_p.merge(
        posts[["Standplaats", "Postcode", "lon", "lat"]], on=["Standplaats", "Postcode"]
    )
    return NLData(
        pc4_xy=xy,
        pc4_pop=pc4["inwoners"].to_numpy(dtype=float),
        n_pc4_islands=int(island.sum()),
        pop_islands=pop_islands,
        seh_xy=rd(seh),
        seh_names=seh["locatie"].astype(str).tolist(),
        av_xy=rd(av),
        post_xy=rd(posts_24),
        iso_hosp_xy=rd(iso_h, "center_lon", "center_lat"),
        iso_hosp_member=membership(iso_h),
        iso_post_xy=rd(iso_p),
        iso_post_member=membership(iso_p),
    )


def distances_m(a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
    """Straight-line distances (len(a), len(b)) [m]."""
    return np.hypot(a_xy[:, 0, None] - b_xy[None, :, 0], a_xy[:, 1, None] - b_xy[None, :, 1])


def matched_radius_m(dist: np.ndarray, member: np.ndarray, pop: np.ndarray) -> float:
    """The circle radius at which the circles hold as many people as the isochrones.

    Summed over facilities: the population of (facility, PC4) pairs within the radius
    equals the population of pairs inside the isochrone polygons [m].
    """
    w = np.broadcast_to(pop, dist.shape).ravel()
    d = dist.ravel()
    order = np.argsort(d, kind="stable")
    target = float(np.sum(np.broadcast_to(pop, dist.shape)[member]))
    k = int(np.searchsorted(np.cumsum(w[order]), target))
    return float(d[order][min(k, d.size - 1)])


def mismatch(dist: np.ndarray, member: np.ndarray, pop: np.ndarray, radius_m: float) -> float:
    """Population of pairs classified differently by polygon and circle, over inside [0-1]."""
    w = np.broadcast_to(pop, dist.shape)
    differ = member != (dist <= radius_m)
    return float(w[differ].sum() / w[member].sum())


def best_radius_m(dist: np.ndarray, member: np.ndarray, pop: np.ndarray) -> float:
    """The circle radius that minimises :func:`mismatch` (exact, by sorting pairs) [m]."""
    w = np.broadcast_to(pop, dist.shape)
    d = dist.ravel()
    sign = np.where(member.ravel(), -1.0, 1.0) * w.ravel()
    order = np.argsort(d, kind="stable")
    xor = np.cumsum(sign[order])
    return float(d[order][int(np.argmin(xor))])


def covered_share(dist: np.ndarray, member: np.ndarray, pop: np.ndarray, radius_m: float) -> dict:
    """Population inside isochrones vs inside circles: totals and per-facility spread."""
    inside_obs = member @ pop
    inside_mod = (dist <= radius_m) @ pop
    ratio = inside_mod[inside_obs > 0] / inside_obs[inside_obs > 0]
    return {
        "obs_total": float(inside_obs.sum()),
        "mod_total": float(inside_mod.sum()),
        "ratio_p10": float(np.percentile(ratio, 10)),
        "ratio_median": float(np.median(ratio)),
        "ratio_p90": float(np.percentile(ratio, 90)),
    }


def reach_road_m(model: StraightLineModel, minutes: float) -> float:
    """Road distance driven in ``minutes`` [min -> m] (inverse of road_minutes)."""
    lo, hi = 0.0, 500_000.0
    for _ in range(100):
        mid = (lo + hi) / 2.0
        if model.road_minutes(mid) <= minutes:
            lo = mid
        else:
            hi = mid
    return lo


def fit_car_speeds(
    r15_m: float, r30_m: float, detour: float, base: tuple[float, ...]
) -> tuple[tuple[float, ...], float, float]:
    """Scale the car bands so that 15 and 30 minutes reach the fitted radii [m].

    Bands below 10 km share one factor and the others a second; returns the speeds
    [km/h] and the two factors.
    """
    from scipy.optimize import least_squares

    base_arr = np.asarray(base)
    low = np.asarray(DEFAULT_BAND_EDGES_KM) < 10.0

    def speeds(s: np.ndarray) -> tuple[float, ...]:
        return tuple(float(v) for v in base_arr * np.where(low, s[0], s[1]))

    def residual(log_s: np.ndarray) -> np.ndarray:
        m = StraightLineModel(detour, DEFAULT_BAND_EDGES_KM, speeds(np.exp(log_s)))
        return (
            np.array(
                [
                    reach_road_m(m, CAR_ISO_POST_MINUTES) / detour - r15_m,
                    reach_road_m(m, CAR_ISO_HOSPITAL_MINUTES) / detour - r30_m,
                ]
            )
            / METRES_PER_KM
        )

    fit = least_squares(residual, x0=np.zeros(2), bounds=(np.log(0.3), np.log(3.0)))
    s = np.exp(fit.x)
    return tuple(round(v, 1) for v in speeds(s)), float(s[0]), float(s[1])


def share_beyond(min_minutes: np.ndarray, pop: np.ndarray, limit: float) -> float:
    """Population share with ``min_minutes > limit`` [0-1]."""
    return float(pop[min_minutes > limit].sum() / pop.sum())


def factor_for_share(
    car: StraightLineModel, dmin_road_m: np.ndarray, pop: np.ndarray, share: float, budget: float
) -> float:
    """Speed factor over the car bands at which ``share`` is beyond ``budget`` minutes."""
    order = np.argsort(-dmin_road_m)
    cum = np.cumsum(pop[order]) / pop.sum()
    k = int(np.searchsorted(cum, share))
    radius_road_m = float(dmin_road_m[order][min(k, len(order) - 1)])
    # all speeds x f divides every time by f: f = car minutes at the radius / budget
    return float(car.road_minutes(radius_road_m)) / budget


def on_scene_for_share(
    post_to_area: np.ndarray, area_to_site: np.ndarray, pop: np.ndarray, share: float
) -> float:
    """On-scene minutes (dispatch 3) at which ``share`` of the population is beyond 45."""
    all_open = np.ones(area_to_site.shape[1], dtype=bool)
    lo, hi = 0.0, 30.0
    for _ in range(40):
        mid = (lo + hi) / 2.0
        tracker = NormTracker(post_to_area, area_to_site, pop, NormParameters(on_scene_minutes=mid))
        if tracker.population_beyond(all_open) / pop.sum() <= share:
            lo = mid
        else:
            hi = mid
    return lo


@dataclass
class Calibration:
    """Fitted parameters and the figures shown in the report."""

    detour: float
    radii: dict
    cover15: dict
    cover30: dict
    car_speeds: tuple[float, ...]
    car_scale_low: float
    car_scale_high: float
    amb_factor: float
    amb_speeds: tuple[float, ...]
    alternatives: list[tuple[str, float, tuple[float, ...]]]
    checks: dict
    sensitivity: list[tuple[str, float, int, float]]
    data: NLData


def calibrate(data: NLData) -> Calibration:
    """Run every fit and check on the loaded data."""
    detour = DEFAULT_DETOUR_FACTOR
    pop = data.pc4_pop
    d_post_iso = distances_m(data.iso_post_xy, data.pc4_xy)
    d_hosp_iso = distances_m(data.iso_hosp_xy, data.pc4_xy)
    r15 = matched_radius_m(d_post_iso, data.iso_post_member, pop)
    r30 = matched_radius_m(d_hosp_iso, data.iso_hosp_member, pop)
    b15 = best_radius_m(d_post_iso, data.iso_post_member, pop)
    b30 = best_radius_m(d_hosp_iso, data.iso_hosp_member, pop)
    radii = {
        "matched15": (r15, mismatch(d_post_iso, data.iso_post_member, pop, r15)),
        "matched30": (r30, mismatch(d_hosp_iso, data.iso_hosp_member, pop, r30)),
        "best15": (b15, mismatch(d_post_iso, data.iso_post_member, pop, b15)),
        "best30": (b30, mismatch(d_hosp_iso, data.iso_hosp_member, pop, b30)),
    }
    car_speeds, s_low, s_high = fit_car_speeds(r15, r30, detour, CAR_BAND_SPEEDS_KM_PER_HOUR)
    car = StraightLineModel(detour, DEFAULT_BAND_EDGES_KM, car_speeds, profile="car")

    d_post = distances_m(data.post_xy, data.pc4_xy)
    dmin_road = d_post.min(axis=0) * detour
    target = RUG_2017_OUTSIDE / NL_2017_POPULATION
    f = factor_for_share(car, dmin_road, pop, target, AMBULANCE_DRIVE_BUDGET_MINUTES)
    amb_speeds = tuple(round(v * f, 1) for v in car_speeds)
    amb = StraightLineModel(detour, DEFAULT_BAND_EDGES_KM, amb_speeds)
    alternatives = []
    for label, share, budget in ALTERNATIVE_TARGETS:
        fa = factor_for_share(car, dmin_road, pop, share, budget)
        alternatives.append((label, fa, tuple(round(v * fa, 1) for v in car_speeds)))

    resp_drive = amb.road_minutes(dmin_road)
    d_seh = distances_m(data.pc4_xy, data.seh_xy)
    to_seh_amb = amb.road_minutes(d_seh.min(axis=1) * detour)
    to_seh_car = car.road_minutes(d_seh.min(axis=1) * detour)
    to_av_car = car.road_minutes(distances_m(data.pc4_xy, data.av_xy).min(axis=1) * detour)
    union30 = data.iso_hosp_member.any(axis=0)
    checks = {
        "share_beyond_12": share_beyond(resp_drive, pop, 12.0),
        "share_beyond_13": share_beyond(resp_drive, pop, 13.0),
        "share_beyond_15": share_beyond(resp_drive, pop, 15.0),
        "mean_response_drive": float(resp_drive @ pop / pop.sum()),
        "mean_to_seh_drive": float(to_seh_amb @ pop / pop.sum()),
        "car_seh_within_30": 1.0 - share_beyond(to_seh_car, pop, 30.0),
        "car_av_within_30": 1.0 - share_beyond(to_av_car, pop, 30.0),
        "iso_union_within_30": float(pop[union30].sum() / pop.sum()),
        "n_seh": len(data.seh_xy),
        "n_av": len(data.av_xy),
        "n_posts": len(data.post_xy),
        "n_pc4": len(pop),
        "population": float(pop.sum()),
    }

    sensitivity = []
    post_to_area = amb.road_minutes(d_post * detour)
    area_to_site = amb.road_minutes(d_seh * detour)
    base = NormParameters()
    cases = [
        ("fitted ambulance speeds, dispatch 3, on scene 20", 1.0, base),
        ("speeds -10%", 0.9, base),
        ("speeds +10%", 1.1, base),
        ("speeds -20%", 0.8, base),
        (
            "on scene 10 min (often quoted, no source found)",
            1.0,
            NormParameters(on_scene_minutes=10.0),
        ),
        ("on scene 15 min", 1.0, NormParameters(on_scene_minutes=15.0)),
        ("on scene 25 min", 1.0, NormParameters(on_scene_minutes=25.0)),
        ("dispatch 2 min", 1.0, NormParameters(dispatch_minutes=2.0)),
        ("dispatch 4 min", 1.0, NormParameters(dispatch_minutes=4.0)),
    ]
    all_open = np.ones(len(data.seh_xy), dtype=bool)
    for label, speed, params in cases:
        tracker = NormTracker(post_to_area / speed, area_to_site / speed, pop, params)
        beyond = tracker.population_beyond(all_open)
        extra = tracker.sensitivity(all_open)
        sensitivity.append((label, beyond, int((extra > 0).sum()), float(extra.sum())))
    checks["on_scene_for_1_share"] = on_scene_for_share(post_to_area, area_to_site, pop, 0.01)
    return Calibration(
        detour,
        radii,
        covered_share(d_post_iso, data.iso_post_member, pop, r15),
        covered_share(d_hosp_iso, data.iso_hosp_member, pop, r30),
        car_speeds,
        s_low,
        s_high,
        f,
        amb_speeds,
        alternatives,
        checks,
        sensitivity,
        data,
    )


def _speeds(v: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{x:g}" for x in v) + ")"


def report(cal: Calibration) -> str:
    """The markdown report."""
    c = cal.checks
    edges = _speeds(DEFAULT_BAND_EDGES_KM)
    in_code = (
        tuple(CAR_BAND_SPEEDS_KM_PER_HOUR) == cal.car_speeds
        and tuple(AMBULANCE_BAND_SPEEDS_KM_PER_HOUR) == cal.amb_speeds
    )
    lines = [
        "# Calibration of the travel-time model and the 45-minute norm",
        "",
        "Generated by `scripts/calibrate_travel.py`; do not edit by hand. Run it again",
        "when the data or the model change.",
        "",
        "## Data",
        "",
        f"- Population: CBS inhabitants per postcode-4 area (PC4), 1 January 2021, at one "
        f"representative point per PC4: {c['n_pc4']:,} inhabited PC4 areas, "
        f"{c['population']:,.0f} inhabitants. The {cal.data.n_pc4_islands} PC4 areas on "
        f"the Wadden islands ({cal.data.pop_islands:,.0f} inhabitants) are left out: "
        "they are reached by ferry, which the national run does not model.",
        f"- Supply: RIVM location list of the Bereikbaarheidsanalyse 2019: {c['n_seh']} "
        f"24/7 SEHs, {c['n_av']} 24/7 acute obstetrics units; RIVM ambulance posts 2019: "
        f"{c['n_posts']} posts staffed 24 hours (standby points and part-time posts do not "
        "count, as in RIVM's calculation).",
        "- Car isochrones: OpenRouteService `driving-car` 30-minute polygons around the "
        "hospitals, and OSRM 15-minute polygons around the ambulance posts (both from "
        'TNO\'s "Selectie van ziekenhuizen" tool, 2020; OpenStreetMap data).',
        "- Ambulance coverage: RUG Geodienst for RTL Nieuws (2017): 385,000 inhabitants "
        "are beyond a 12-minute drive from the nearest post (15-minute norm minus 3 "
        "minutes for call handling and turnout), about "
        f"{RUG_2017_OUTSIDE / NL_2017_POPULATION:.2%} of 17.1 million.",
        "",
        "## Model",
        "",
        "The straight-line model multiplies the straight-line distance by a detour factor "
        f"({cal.detour:g}) and drives each part of the trip at the speed of its distance "
        f"band (band edges {edges} km of road). With straight lines, the detour factor and "
        "the speeds are not separately identified (only distance x detour / speed "
        "matters), so the detour factor is kept at its conventional value (an "
        "assumption) and the speeds are fitted. Both profiles share the band shape.",
        "",
        "## Private-car profile",
        "",
        "A straight-line model turns each isochrone into a circle. For each data set the "
        "radius was chosen at which the circles, summed over all facilities, hold as many "
        "inhabitants as the isochrone polygons (the count the norm is about). The radius "
        "that minimises the mismatch (the population of (facility, PC4) pairs that the "
        "polygon and the circle classify differently) is shown beside it; it is smaller, "
        "because the polygons follow roads and a circle cannot.",
        "",
        "| data set | minutes | radius, population matched | mismatch | radius, least "
        "mismatch | mismatch | model / isochrone population per facility: p10, median, "
        "p90 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *[
            f"| {label} | {minutes:g} | {cal.radii['matched' + key][0] / METRES_PER_KM:.1f} km"
            f" | {cal.radii['matched' + key][1]:.1%} | "
            f"{cal.radii['best' + key][0] / METRES_PER_KM:.1f} km | "
            f"{cal.radii['best' + key][1]:.1%} | {cover['ratio_p10']:.2f}, "
            f"{cover['ratio_median']:.2f}, {cover['ratio_p90']:.2f} |"
            for label, minutes, key, cover in (
                ("OSRM, 279 posts", CAR_ISO_POST_MINUTES, "15", cal.cover15),
                ("ORS, 89 hospitals", CAR_ISO_HOSPITAL_MINUTES, "30", cal.cover30),
            )
        ],
        "",
        "The car bands were then scaled (bands below 10 km by one factor, "
        f"{cal.car_scale_low:.3f}, the others by a second, {cal.car_scale_high:.3f}) so "
        "that 15 and 30 minutes reach exactly these radii:",
        "",
        f"- fitted car speeds per band: {_speeds(cal.car_speeds)} km/h.",
        f"- model share within 30 minutes of a 24/7 SEH by car: "
        f"{c['car_seh_within_30']:.1%}; the union of the ORS polygons around the same "
        f"SEHs covers {c['iso_union_within_30']:.1%} (all 89 hospitals).",
        f"- model share within 30 minutes of 24/7 acute obstetrics by car: "
        f"{c['car_av_within_30']:.1%}; VZinfo (RIVM, 2022) reports "
        f"{VZINFO_AV_CAR_30_SHARE:.1%}. ORS isochrones are known to be conservative.",
        "",
        "## Ambulance profile",
        "",
        "Chosen target: the RUG/RTL 2017 figure. It is a population count, it uses the "
        "same split as the norm calculation here (12 minutes of driving after 3 minutes "
        "of call handling and turnout, which is the `dispatch_minutes` default), it was "
        "computed with RIVM's ambulance speeds, and its date is closest to the 2019 post "
        "list. The ambulance speeds are the car speeds times one factor, solved so that "
        "the share beyond a 12-minute drive from the nearest 24/7 post matches.",
        "",
        f"- fitted factor over the car speeds: {cal.amb_factor:.3f}",
        f"- fitted ambulance speeds per band: {_speeds(cal.amb_speeds)} km/h",
        f"- share beyond 12 / 13 / 15 minutes' drive from the nearest 24/7 post: "
        f"{c['share_beyond_12']:.2%} / {c['share_beyond_13']:.2%} / "
        f"{c['share_beyond_15']:.2%}",
        f"- population-weighted mean drive from the nearest 24/7 post: "
        f"{c['mean_response_drive']:.1f} min (observed mean response time of urgent rides "
        "9.3-9.4 minutes in 2016-2017 including call handling and turnout, AZN via NRC; "
        "real rides do not always start at the nearest post)",
        f"- population-weighted mean drive to the nearest 24/7 SEH: "
        f"{c['mean_to_seh_drive']:.1f} min (observed mean transport time to hospital just "
        "over 12 minutes in 2009, RIVM 270482001/2010, and 13:05 in 2021, regional "
        "broadcasters' data; patients do not always go to the nearest SEH)",
        "",
        "The other published coverage figures would give these factors:",
        "",
        "| target | factor over car speeds | ambulance speeds per band [km/h] |",
        "| --- | --- | --- |",
        *[f"| {label} | {fa:.3f} | {_speeds(v)} |" for label, fa, v in cal.alternatives],
        "",
        "They were not chosen: the RTL 2019 and 2024 figures differ fourfold within five "
        "years with nearly the same posts, so they cannot both come from the same method, "
        "and their method is not published; the RIVM 2003 figure is for 195 posts in "
        "2001, not the 224 of 2019, so fitting it with the 2019 posts would make the "
        "ambulances too slow.",
        "",
        "## Population beyond the 45-minute norm, and its sensitivity",
        "",
        "National run with the fitted ambulance profile: dispatch + drive from the nearest "
        "24/7 post + on scene + drive to the nearest 24/7 SEH, per PC4 point.",
        "",
        "| case | population beyond 45 min | gevoelige SEHs | extra population if each "
        "gevoelige SEH closed (sum) |",
        "| --- | --- | --- | --- |",
        *[
            f"| {label} | {beyond:,.0f} ({beyond / c['population']:.2%}) | {n} | {extra:,.0f} |"
            for label, beyond, n, extra in cal.sensitivity
        ],
        "",
        f"With 20 minutes on scene (the measured 2009 mean) far more people come out beyond "
        f'the norm than RIVM\'s yearly analyses describe ("virtually every resident" '
        f"within 45 minutes): the drives from post to patient and on to the SEH must "
        f"then fit in 22 minutes. The on-scene time at which 1% of the population is "
        f"beyond the norm is {c['on_scene_for_1_share']:.1f} minutes. RIVM's norm "
        "calculation therefore almost surely assumes a shorter fixed on-scene time than "
        "the measured mean; treat `on_scene_minutes` as the main uncertain parameter.",
        "",
        "The result depends strongly on the on-scene time and on speed: RIVM's fixed "
        "minutes for call handling, turnout and on-scene time are not published, so the "
        "defaults (3 and 20 minutes) come from RUG/RTL 2017 and RIVM 2010 and are "
        "parameters (`NormParameters`). A straight line also cuts across water and "
        "ignores the road pattern, so PC4 points near estuaries and lakes come out "
        "too close; use the road-network or matrix model where that matters.",
        "",
        "## Defaults in the code",
        "",
        "`acutesim/domain/travel_table.py` holds `CAR_BAND_SPEEDS_KM_PER_HOUR` and "
        "`AMBULANCE_BAND_SPEEDS_KM_PER_HOUR`; they "
        + ("match this fit." if in_code else "do NOT match this fit: update them."),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the calibration and write the report; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the nl data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown report")
    args = parser.parse_args(argv)
    if not (args.data / "pc4_population_2021.gpkg").exists():
        sys.stderr.write(f"calibrate_travel: no Dutch data in '{args.data}'\n")
        return 2
    cal = calibrate(load_nl(args.data))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = report(cal)
    begin, end = "<!-- routed: begin", "<!-- routed: end -->"
    if args.out.exists():  # keep the routed section that scripts/calibrate_routed.py writes
        old = args.out.read_text(encoding="utf-8")
        if begin in old and end in old:
            routed = old[old.index(begin) : old.index(end) + len(end)]
            text = text.rstrip("\n") + "\n\n" + routed + "\n"
    args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(
        f"car speeds [km/h]: {_speeds(cal.car_speeds)}\n"
        f"ambulance speeds [km/h]: {_speeds(cal.amb_speeds)}\n"
        f"report written to {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
