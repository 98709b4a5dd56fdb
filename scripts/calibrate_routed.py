"""Calibrate the routed travel times of ``regions/nl`` against independent targets.

    python scripts/calibrate_routed.py [--pack regions/nl] [--data ../shared/data/nl]

Writes the section "Routed travel times" of docs/calibration-reachability.md (between
its markers; the straight-line sections above it come from scripts/calibrate_travel.py).
Reads the pack's cached routed matrices and the raw files of ``../shared/data/nl``:

1. ambulance profile: share of the population beyond a 12-minute drive from the nearest
   24/7 post, against RUG Geodienst / RTL Nieuws 2017 (385,000 of 17.1 M, computed with
   RIVM's ambulance speeds); the speed factor that would match it is reported;
2. car speeds (the no-siren profile uses them): (post, PC4) pairs within 15 minutes
   against the OSRM isochrones, and (hospital, PC4) pairs within 30 minutes against the
   ORS isochrones: share of the population in pairs classified alike, per safety region;
3. mean ambulance drive from the scene to the nearest 24/7 SEH, population-weighted,
   against RIVM 2010 ("just over 12 minutes");
4. the non-driving minutes: with 3 dispatch minutes, the on-scene minutes at which the
   share beyond 45 minutes equals RIVM 2024's 0.4%, beside the measured mean of 20.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from acutesim.config.load import load_region  # noqa: E402
from acutesim.geo.norm import NormParameters, norm_parameters  # noqa: E402
from acutesim.geo.travel import Locations, build_travel_model  # noqa: E402

DOC = PROJECT / "docs" / "calibration-reachability.md"
BEGIN = "<!-- routed: begin (scripts/calibrate_routed.py) -->"
END = "<!-- routed: end -->"
RUG_RTL_BEYOND_12 = 385_000 / 17.1e6  # RUG Geodienst / RTL Nieuws 2017
RIVM_2024_BEYOND_45 = 0.004  # RIVM Bereikbaarheidsanalyse 2024, reported 25 June 2024
RIVM_2010_TRANSPORT_MINUTES = 12.0  # RIVM 2010: mean transport time "just over 12 minutes"
MEASURED_ON_SCENE = 20.0  # RIVM briefrapport 270482001/2010


def _share(pop: np.ndarray, mask: np.ndarray) -> float:
    return float(pop[mask].sum() / pop.sum())


def _on_scene_for_share(
    post_area: np.ndarray, area_site: np.ndarray, pop: np.ndarray, dispatch: float, target: float
) -> float:
    base = dispatch + post_area.min(axis=0) + area_site.min(axis=1)
    lo, hi = 0.0, 45.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if _share(pop, base + mid > 45.0) > target:
            hi = mid
        else:
            lo = mid
    return lo


def _agreement(
    inside: np.ndarray, within: np.ndarray, pop: np.ndarray, region: np.ndarray
) -> pd.DataFrame:
    """Population share of (facility, PC4) pairs classified alike, per safety region."""
    weight = np.broadcast_to(pop[None, :], inside.shape)
    alike = inside == within
    either = inside | within
    rows = []
    for vr in [*sorted(set(region)), "all"]:
        cols = region == vr if vr != "all" else np.ones(len(region), dtype=bool)
        w = weight[:, cols]
        e = w * either[:, cols]
        rows.append(
            (
                vr,
                float((w * alike[:, cols]).sum() / w.sum()),
                float((e * alike[:, cols]).sum() / max(e.sum(), 1.0)),
            )
        )
    return pd.DataFrame(rows, columns=["vr_code", "alike", "alike_near"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pack", type=Path, default=PROJECT / "regions" / "nl")
    ap.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "data" / "nl")
    args = ap.parse_args(argv)
    region = load_region(args.pack)
    amb = build_travel_model(region, "ambulance")
    car2 = build_travel_model(region, "ambulance_no_siren")
    car = build_travel_model(region, "car")
    areas = Locations.from_areas(region)
    pop = region.area_population()
    posts = Locations.from_posts(region, [p for p in region.posts if p.is_24_7])
    sites = Locations.from_sites(region, [s for s in region.sites if s.is_24_7])
    post_area = amb.minutes(posts, areas)
    area_site = amb.minutes(areas, sites)
    lines = [BEGIN, "", "## Routed travel times (`regions/nl`)", ""]
    lines.append(
        f"The pack's cached routed matrices ({region.travel.get('matrices')}; network "
        f"{region.travel.get('network')}, distance limit {region.travel.get('limit_minutes')} "
        f"min, access-only classes {', '.join(region.travel.get('access_only_classes', []))}): "
        f"{len(areas):,} PC4 areas, {len(posts)} 24/7 posts, {len(sites)} 24/7 SEHs."
    )
    lines.append("")
    # 1. ambulance vs RUG/RTL 12 minutes
    drive = post_area.min(axis=0)
    share12 = _share(pop, drive > 12.0)
    lo, hi = 0.5, 2.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if _share(pop, drive / mid > 12.0) > RUG_RTL_BEYOND_12:
            lo = mid
        else:
            hi = mid
    lines += [
        "| target | source | target value | model | note |",
        "| --- | --- | --- | --- | --- |",
        f"| population beyond a 12-minute drive from the nearest 24/7 post | RUG Geodienst / RTL "
        f"Nieuws 2017 | {RUG_RTL_BEYOND_12:.2%} | {share12:.2%} | a speed factor of "
        f"{hi:.3f} on every drive would match it |",
    ]
    # 3. transport time
    nearest = area_site.min(axis=1)
    ok = np.isfinite(nearest)
    mean_transport = float(np.average(nearest[ok], weights=pop[ok]))
    lines.append(
        f"| mean ambulance drive from the scene to the nearest 24/7 SEH (population-weighted) "
        f"| RIVM 2010 | just over {RIVM_2010_TRANSPORT_MINUTES:g} min | {mean_transport:.1f} min "
        "| RIVM's is the mean of real rides (not always to the nearest SEH) |"
    )
    # 4. non-driving minutes
    p = norm_parameters(region)
    implied = _on_scene_for_share(
        post_area, area_site, pop, p.dispatch_minutes, RIVM_2024_BEYOND_45
    )
    tracker_share = {}
    for on_scene in (5.0, 10.0, 15.0, MEASURED_ON_SCENE, p.on_scene_minutes):
        q = NormParameters(p.dispatch_minutes, on_scene, 45.0)
        ctd = q.dispatch_minutes + post_area.min(axis=0) + q.on_scene_minutes + nearest
        tracker_share[on_scene] = _share(pop, ctd > 45.0)
    lines.append(
        f"| share beyond 45 minutes (dispatch {p.dispatch_minutes:g} min) | RIVM 2024 (77 24/7 "
        f"SEHs, 221 posts) | {RIVM_2024_BEYOND_45:.1%} | {tracker_share[p.on_scene_minutes]:.2%} "
        f"with the pack's {p.on_scene_minutes:g} on-scene minutes | implied on-scene minutes: "
        f"{implied:.1f} (measured mean: {MEASURED_ON_SCENE:g}) |"
    )
    lines += [
        "",
        f"Share beyond 45 minutes by on-scene minutes (dispatch {p.dispatch_minutes:g} min):",
        "",
        "| on scene [min] | beyond 45 min |",
        "| --- | --- |",
    ]
    lines += [f"| {k:g} | {v:.2%} |" for k, v in sorted(tracker_share.items())]
    # 2. car against isochrones
    vr = gpd.read_file(args.data / "veiligheidsregios_2023_generalised.geojson").to_crs(28992)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(areas.xy[:, 0], areas.xy[:, 1]), crs=28992)
    area_vr = gpd.sjoin(pts, vr[["vr_code", "geometry"]], how="left", predicate="within")
    area_vr = area_vr[~area_vr.index.duplicated()]["vr_code"].fillna("none").to_numpy()
    iso = gpd.read_file(args.data / "isochrones_hospitals_ors_30min.geojson").to_crs(28992)
    hosp = pd.read_csv(args.data / "hospitals_seh_acute_obstetrics_2019_rivm.csv")
    all_sites = Locations.from_sites(region)
    h_xy = gpd.GeoSeries(gpd.points_from_xy(hosp.lon, hosp.lat), crs=4326).to_crs(28992)
    h_xy = np.column_stack([h_xy.x, h_xy.y])
    d = np.hypot(
        all_sites.xy[:, 0, None] - h_xy[None, :, 0], all_sites.xy[:, 1, None] - h_xy[None, :, 1]
    )
    pairs = [(i, int(np.argmin(d[i]))) for i in range(len(all_sites)) if d[i].min() < 1.0]
    car_area_site = car.minutes(areas, all_sites)
    inside = np.zeros((len(pairs), len(areas)), dtype=bool)
    within = np.zeros_like(inside)
    for k, (i, j) in enumerate(pairs):
        poly = iso.loc[iso["tno_id"] == hosp["tno_id"].iloc[j], "geometry"]
        if poly.empty:
            continue
        inside[k] = pts.within(poly.iloc[0]).to_numpy()
        within[k] = car_area_site[:, i] <= 30.0
    ors = _agreement(inside, within, pop, area_vr)
    iso_p = gpd.read_file(args.data / "isochrones_ambulance_posts_osrm_15min.geojson").to_crs(28992)
    if "qa_flag" in iso_p.columns:
        iso_p = iso_p[iso_p["qa_flag"].fillna("").astype(str) == ""]
    post_locs = Locations.from_posts(region)
    p_car = car2.minutes(post_locs, areas)
    inside_p, within_p = [], []
    post_xy = post_locs.xy
    for k in range(len(iso_p)):
        geom = iso_p.geometry.iloc[k]
        c = geom.centroid
        dd = np.hypot(post_xy[:, 0] - c.x, post_xy[:, 1] - c.y)
        i = int(np.argmin(dd))
        if not geom.buffer(200).contains(gpd.points_from_xy([post_xy[i, 0]], [post_xy[i, 1]])[0]):
            continue
        inside_p.append(pts.within(geom).to_numpy())
        within_p.append(p_car[i] <= 15.0)
    osrm = _agreement(np.array(inside_p), np.array(within_p), pop, area_vr)
    table = ors.merge(osrm, on="vr_code", suffixes=("_ors30", "_osrm15"))
    table = table.rename(
        columns={"alike_near_ors30": "alike_near_ors30", "alike_near_osrm15": "alike_near_osrm15"}
    )
    lines += [
        "",
        f"Car speeds against the isochrones: share of the population in (facility, PC4) pairs "
        f"that the model and the isochrone classify alike (inside/outside), ORS 30 minutes "
        f"around {len(pairs)} of the pack's sites (car profile) and OSRM 15 minutes around "
        f"{len(inside_p)} posts (no-siren profile, car speeds), per safety region:",
        "",
        "The second figure of each pair counts only the pairs that the model or the "
        "isochrone puts inside (the far pairs, outside in both, make the first look good).",
        "",
        "| safety region | ORS 30 min: all pairs | inside either | OSRM 15 min: all pairs | "
        "inside either |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r.vr_code} | {r.alike_ors30:.1%} | {r.alike_near_ors30:.1%} | "
        f"{r.alike_osrm15:.1%} | {r.alike_near_osrm15:.1%} |"
        for r in table.itertuples()
    ]
    lines += [
        "",
        "Reading: the routed ambulance is slightly faster than RIVM's measured speeds in the "
        "12-minute check (1.60% against 2.25% beyond), yet the 45-minute share needs only "
        "about 5 non-driving minutes on top of 3 for dispatch to match RIVM 2024, against a "
        "measured mean of 20 on scene: the model's long drives (remote PC4 points, the "
        "transport to the nearest SEH) are longer than RIVM's. The 5 minutes absorb that "
        "difference; they are a calibration constant, not a time on scene. The measured 20 "
        "minutes remain the named alternative (`--on-scene-minutes 20`).",
        "",
        "Post list: the pack has the 224 posts marked `24 uur` in RIVM's list version 2.0 "
        "(2019); RIVM 2024 counted 221 posts staffed 24/7. The 26 `24 uur DAM/VWS` posts, "
        "29 day/evening posts, one night post and one standby point are left out.",
        "",
        END,
    ]
    text = DOC.read_text(encoding="utf-8")
    block = "\n".join(lines) + "\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) + 1 :]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    DOC.write_text(text, encoding="utf-8")
    print(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
