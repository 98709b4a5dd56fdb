# ruff: noqa: E501  (the region.toml template holds long source lines)
"""Rebuild ``regions/nl`` from the raw Dutch open data in one command.

    python scripts/build_nl_pack.py [--data ../shared/data/nl] [--out regions/nl]

Reads (never copies) the raw files of ``../shared/data/nl`` and writes the derived
tables of the national pack:

- ``areas.gpkg``: CBS postcode-4 areas (polygons simplified to ``--simplify-m``, EPSG:28992)
  with CBS population on 1 January 2021, municipality and province;
- ``ambulance_posts.csv``: the RIVM list of ambulance posts (version 2.0, 2019), the
  posts available ``24 uur``, at their geocoded positions; vehicles per shift sized
  from the nearest population as ``acutesim region build`` does;
- ``sites.csv``: the pack's SEH sites (the 2025 situation: which sites, flags, rosters)
  moved to the position of the same location in the RIVM 2019 list where it has one,
  plus the ``sensitive`` column from the calibrated norm (see below);
- ``travel_matrices.parquet`` (+ ``_points.csv``): routed matrices on the national
  road network (OpenStreetMap 2021-12-21) for every profile and direction;
- ``region.toml``: files, sources and ``[travel]`` (the routed cache, the calibrated
  ``dispatch_minutes``/``on_scene_minutes``); ferries and organisations are kept;
- ``outline.parquet``: the region's outline for the maps, made from the new
  ``areas.gpkg`` as ``acutesim region outline regions/nl`` does (last, from the loaded
  pack, so its recorded digest is that of the areas a report sees).

``sensitive`` is true for a 24/7 SEH whose closure alone puts extra inhabitants beyond
the 45-minute norm, computed once here with the pack's calibrated settings.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from acutesim.packs import size_posts, slugify, unique_ids  # noqa: E402
from acutesim.packs.outline import write_outline  # noqa: E402
from acutesim.packs.route import (  # noqa: E402
    NATIONAL_ACCESS_ONLY_CLASSES,
    ROUTED_DISPATCH_MINUTES,
    ROUTED_ON_SCENE_MINUTES,
    route_pack,
)

# Calibrated in docs/calibration-reachability.md (scripts/calibrate_travel.py): the
# non-driving minutes that reproduce RIVM 2024's share beyond 45 minutes with this pack.
DISPATCH_MINUTES = ROUTED_DISPATCH_MINUTES  # RUG/RTL 2017: 12 of 15 response minutes drive
ON_SCENE_MINUTES = ROUTED_ON_SCENE_MINUTES  # implied; the measured mean (RIVM 2010) is 20
LIMIT_MINUTES = 45.0  # beyond the norm itself no pair can count for the norm
MAX_SNAP_M = 10_000.0  # every PC4 point gets access (the largest snap is 6.4 km)
SITE_MATCH_M = 8_000.0  # a pack site moves to the nearest RIVM location within this
ISLANDS = {  # PC4 ranges of the Wadden islands -> zone (matches the [[ferries]])
    "texel": (1791, 1797),
    "vlieland": (8899, 8899),
    "terschelling": (8881, 8897),
    "ameland": (9160, 9164),
    "schiermonnikoog": (9166, 9166),
}


def _rd(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(28992)
    return np.column_stack([pts.x, pts.y])


def _lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pts = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=28992).to_crs(4326)
    return pts.x.round(6).to_numpy(), pts.y.round(6).to_numpy()


def build_areas(data: Path, simplify_m: float) -> gpd.GeoDataFrame:
    pc4 = gpd.read_file(data / "pc4_population_2021.gpkg")
    attrs = pd.read_csv(data / "pc4_attributes_2021.csv", dtype={"postcode": str})
    pc4["postcode"] = pc4["postcode"].astype(str)
    pc4 = pc4.merge(attrs[["postcode", "plaats", "gemeente", "provincie"]], "left", "postcode")
    pc4 = pc4[~pc4.geometry.is_empty & pc4.geometry.notna()].copy()
    code = pc4["postcode"].astype(int)
    zone = np.full(len(pc4), "mainland", dtype=object)
    for name, (lo, hi) in ISLANDS.items():
        zone[(code >= lo).to_numpy() & (code <= hi).to_numpy()] = name
    # Fill a missing place, municipality or province from the nearest PC4 that has one
    from scipy.spatial import cKDTree

    rp = pc4.geometry.representative_point()
    xy = np.column_stack([rp.x, rp.y])
    for col in ("provincie", "gemeente", "plaats"):
        missing = pc4[col].isna().to_numpy()
        if missing.any():
            _, k = cKDTree(xy[~missing]).query(xy[missing])
            vals = pc4[col].to_numpy().copy()
            vals[missing] = pc4[col].to_numpy()[~missing][k]
            pc4[col] = vals
    geom = pc4.geometry.simplify(simplify_m, preserve_topology=True)
    return gpd.GeoDataFrame(
        {
            "area_id": pc4["postcode"].to_numpy(),
            "name": (pc4["postcode"] + " " + pc4["plaats"].fillna("")).str.strip().to_numpy(),
            "municipality": pc4["gemeente"].fillna("").to_numpy(),
            "province": pc4["provincie"].fillna("").to_numpy(),
            "population": pc4["inwoners"].fillna(0).round().astype(int).to_numpy(),
            "zone": zone,
        },
        geometry=geom.to_numpy(),
        crs=28992,
    )


def build_posts(data: Path, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    raw = pd.read_csv(data / "ambulance_posts_2019_rivm.csv", dtype={"post_id": str})
    raw = raw[raw["Beschikbaarheid"] == "24 uur"].reset_index(drop=True)
    xy = _rd(raw["lon"].to_numpy(), raw["lat"].to_numpy())
    names = raw["Standplaats"].astype(str).str.strip()
    posts = pd.DataFrame(
        {
            "post_id": unique_ids(slugify(n) for n in names),
            "name": names,
            "availability": "24/7",
        }
    )
    rp = areas.geometry.representative_point()
    area_xy = np.column_stack([rp.x, rp.y])
    posts = size_posts(posts, xy, area_xy, areas["population"].to_numpy(dtype=float))
    lon, lat = _lonlat(xy)
    posts.insert(2, "lon", lon)
    posts.insert(3, "lat", lat)
    return posts


def _tokens(text: str) -> set[str]:
    return {t for t in re.split(r"[^a-z]+", text.lower()) if len(t) > 2}


def place_sites(data: Path, sites: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Move each pack site to the nearest RIVM 2019 location (names help break ties)."""
    from scipy.optimize import linear_sum_assignment

    rivm = pd.read_csv(data / "hospitals_seh_acute_obstetrics_2019_rivm.csv")
    r_xy = _rd(rivm["lon"].to_numpy(), rivm["lat"].to_numpy())
    s_xy = _rd(sites["lon"].astype(float).to_numpy(), sites["lat"].astype(float).to_numpy())
    dist = np.hypot(s_xy[:, 0, None] - r_xy[None, :, 0], s_xy[:, 1, None] - r_xy[None, :, 1])
    bonus = np.array(
        [
            [
                len(_tokens(f"{n} {o}") & _tokens(f"{lo} {pl} {org}")) * 1_500.0
                for lo, pl, org in zip(
                    rivm["locatie"], rivm["plaats"], rivm["organisatie"], strict=True
                )
            ]
            for n, o in zip(sites["name"], sites["organisation"], strict=True)
        ]
    )
    cost = np.where(dist <= SITE_MATCH_M, dist - bonus, 1e9)
    rows, cols = linear_sum_assignment(cost)
    out = sites.copy()
    lines = []
    moved = np.zeros(len(sites), dtype=bool)
    for i, j in zip(rows, cols, strict=True):
        if cost[i, j] >= 1e9:
            continue
        moved[i] = True
        out.loc[out.index[i], "lon"] = f"{float(rivm['lon'].iloc[j]):.6f}"
        out.loc[out.index[i], "lat"] = f"{float(rivm['lat'].iloc[j]):.6f}"
        lines.append(
            f"{sites['site_id'].iloc[i]:<28} -> {rivm['locatie'].iloc[j]} "
            f"({rivm['plaats'].iloc[j]}), moved {dist[i, j]:,.0f} m"
        )
    for i in np.flatnonzero(~moved):
        lines.append(f"{sites['site_id'].iloc[i]:<28} -> no RIVM 2019 location; kept")
    return out, lines


def region_toml(old_text: str, n_areas: int, population: int, n_posts: int) -> str:
    tail = old_text[old_text.index("[[ferries]]") :]
    head = f"""name = "nl"
description = "The Netherlands: {n_areas:,} CBS postcode-4 areas ({population:,} inhabitants, CBS 1 January 2021), the SEH locations of the 2025 situation (77 of them 24/7) at their RIVM 2019 positions, {n_posts} 24/7 ambulance posts of the RIVM list (2019), the Wadden ferries, and travel times routed on the OpenStreetMap road network (2021-12-21), cached in travel_matrices.parquet. Rebuilt by scripts/build_nl_pack.py; see README.md."
start_date = "2027-01-04"  # a Monday; the fixed SEH budget starts on 1 January 2027
sources = [
    "CBS, Bevolking per postcode (83502NED/83503NED), 1 January 2021, and CBS Gebiedsindelingen (PC4 polygons); CC BY 4.0, Bron: CBS; via the certegis R package",
    "RIVM, ambulancestandplaatsen versie 2.0 (2019): the '24 uur' posts, geocoded with the PDOK Locatieserver (TNO, Selectie van ziekenhuizen)",
    "RIVM, locaties 24/7 SEH en acute verloskunde, peildatum juni 2019 (positions); the 2025 situation of the sites: RIVM Kennisnotitie bereikbaarheid SEH en acute verloskunde 2025, via Skipr 2025-07",
    "VZinfo (RIVM), Acute zorg: aanbod HAP, 2020: 72 of 80 24/7 SEHs with a HAP on site",
    "Road network: OpenStreetMap (Geofabrik extract 2021-12-21) via ObjectVision's accessibility model; ODbL, (c) OpenStreetMap contributors",
    "Ferry crossing times: TESO, Rederij Doeksen and Wagenborg timetables as generally known; wait on top is an assumption",
]

[files]
areas = "areas.gpkg"
sites = "sites.csv"
posts = "ambulance_posts.csv"
rosters = "rosters.toml"
finance = "finance.toml"

[travel]
model = "routed"
matrices = "travel_matrices.parquet"
network = "../../../shared/data/nl/roads"  # only needed to rebuild the cache
limit_minutes = {LIMIT_MINUTES:g}
# PC4 1779 (Den Oever) has its representative point in the Wadden Sea, 6.4 km from a road
max_snap_m = {MAX_SNAP_M:g}
access_only_classes = [{", ".join(f'"{c}"' for c in NATIONAL_ACCESS_ONLY_CLASSES)}]
# The norm's fixed minutes, calibrated against RIVM 2024 (docs/calibration-reachability.md);
# the measured mean on scene, 20 minutes (RIVM 2010), is the named alternative.
dispatch_minutes = {DISPATCH_MINUTES:g}
on_scene_minutes = {ON_SCENE_MINUTES:g}
source = "routed on the OpenStreetMap network by scripts/build_nl_pack.py; speeds per road class are assumptions calibrated in docs/calibration-reachability.md"

"""
    return head + tail


def mark_sensitive(out: Path) -> list[str]:
    from acutesim.config.load import load_region
    from acutesim.geo.reachability import sensitivity

    region = load_region(out)
    frame = sensitivity(region)
    sens = set(frame.loc[frame["extra_population_beyond_norm"] > 0, "site_id"])
    sites = pd.read_csv(out / "sites.csv", dtype=str, keep_default_na=False)
    sites["sensitive"] = np.where(sites["site_id"].isin(sens), "true", "false")
    sites.to_csv(out / "sites.csv", index=False, lineterminator="\n")
    return sorted(sens)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "data" / "nl")
    ap.add_argument("--out", type=Path, default=PROJECT / "regions" / "nl")
    ap.add_argument("--simplify-m", type=float, default=75.0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    out: Path = args.out
    old_toml = (out / "region.toml").read_text(encoding="utf-8")
    tomllib.loads(old_toml)  # must parse
    areas = build_areas(args.data, args.simplify_m)
    for stale in ("areas.geojson", "areas.gpkg", "roads.geojson"):
        (out / stale).unlink(missing_ok=True)
    areas.to_file(out / "areas.gpkg", layer="areas", driver="GPKG")
    posts = build_posts(args.data, areas)
    posts.to_csv(out / "ambulance_posts.csv", index=False, lineterminator="\n")
    sites = pd.read_csv(out / "sites.csv", dtype=str, keep_default_na=False)
    sites = sites.drop(columns=["sensitive"], errors="ignore")
    sites, lines = place_sites(args.data, sites)
    sites.to_csv(out / "sites.csv", index=False, lineterminator="\n", na_rep="")
    (out / "region.toml").write_text(
        region_toml(old_toml, len(areas), int(areas["population"].sum()), len(posts)),
        encoding="utf-8",
    )
    report = route_pack(out, args.data / "roads")
    sens = mark_sensitive(out)
    outline = write_outline(out)
    print("\n".join(lines))
    print(report.to_text())
    print(outline.to_text())
    print(f"sensitive SEHs ({len(sens)}): {', '.join(sens)}")
    print(f"regions/nl rebuilt in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
