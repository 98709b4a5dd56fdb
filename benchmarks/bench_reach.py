"""Benchmark: the national 45-minute norm plus every SEH's sensitivity vs one sjoin_nearest.

National size: about 4,000 PC4 areas, about 80 SEHs and more than 200 ambulance posts.
It uses the Dutch open data beside the project (``../shared/data/nl``) when present and
otherwise generates a synthetic input of the same size. It prints figures; it is not a
test.

With the national road network present (``../shared/data/nl/roads``) it also times, in
the same run, the routed matrix build (read, graph, snapping and Dijkstra for the two
matrices of the norm) and the norm + sensitivity on the routed matrices.

Usage::

    python benchmarks/bench_reach.py [--repeat 5] [--no-routed]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from acutesim.geo.norm import (
    NormParameters,
    NormTracker,
    call_to_door_minutes,
    extra_population_beyond_norm,
    population_beyond_norm,
)
from acutesim.geo.travel import Locations, StraightLineModel
from acutesim.rng import RandomStreams

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "nl"


def load_real():
    """PC4 polygons, 24/7 SEH points and 24/7 post points in EPSG:28992."""
    import geopandas as gpd
    import pandas as pd

    areas = gpd.read_file(DATA / "pc4_population_2021.gpkg")
    areas = areas[areas["inwoners"].fillna(0) > 0].reset_index(drop=True)
    areas["population"] = areas["inwoners"].astype(float)

    def points(frame):
        g = gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
        return gpd.GeoDataFrame(geometry=g.to_crs("EPSG:28992"))

    hosp = pd.read_csv(DATA / "hospitals_seh_acute_obstetrics_2019_rivm.csv")
    posts = pd.read_csv(DATA / "ambulance_posts_2019_rivm.csv")
    sehs = points(hosp[hosp["seh_24_7"] == 1])
    posts = points(posts[posts["Beschikbaarheid"] == "24 uur"])
    return areas[["population", "geometry"]], sehs, posts, "Dutch open data (PC4 2021, RIVM 2019)"


def make_synthetic(n_areas=4_100, n_seh=80, n_posts=220):
    """Square areas over a 200 x 300 km box with random populations, SEHs and posts."""
    import geopandas as gpd
    from shapely import box

    rng = RandomStreams(20260105, 0)
    side = int(np.ceil(np.sqrt(n_areas * 2 / 3)))
    cell_m = 200_000.0 / side
    ij = np.array([(i, j) for i in range(side) for j in range(int(side * 1.5))])[:n_areas]
    x0, y0 = ij[:, 0] * cell_m, ij[:, 1] * cell_m
    areas = gpd.GeoDataFrame(
        {"population": rng.get("bench.population").lognormal(8.0, 1.0, n_areas)},
        geometry=box(x0, y0, x0 + cell_m, y0 + cell_m),
        crs="EPSG:28992",
    )

    def pts(name, n):
        xy = rng.get(name).uniform((0.0, 0.0), (200_000.0, 300_000.0), size=(n, 2))
        return gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs="EPSG:28992")

    return areas, pts("bench.seh", n_seh), pts("bench.posts", n_posts), "synthetic"


def norm_and_sensitivity(area_xy, pop, seh_xy, post_xy):
    """Everything the norm needs from points: both matrices, the norm, every closure."""
    model = StraightLineModel.for_profile("ambulance")
    areas = Locations.from_points([str(i) for i in range(len(area_xy))], area_xy)
    sehs = Locations.from_points([str(i) for i in range(len(seh_xy))], seh_xy)
    posts = Locations.from_points([str(i) for i in range(len(post_xy))], post_xy)
    post_to_area = model.minutes(posts, areas)
    area_to_site = model.minutes(areas, sehs)
    params = NormParameters()
    minutes, _ = call_to_door_minutes(post_to_area, area_to_site, None, params)
    beyond = population_beyond_norm(minutes, pop)
    extra = extra_population_beyond_norm(post_to_area, area_to_site, pop, None, params)
    return beyond, extra, post_to_area, area_to_site


def routed_matrices(area_xy, seh_xy, post_xy):
    """Routed post -> area and area -> SEH minutes on the national network, timed by step."""
    from acutesim.geo.roads import read_roads
    from acutesim.geo.routing import PointSet, RoutingGraph, SpeedProfile, routed_blocks
    from acutesim.packs.route import NATIONAL_ACCESS_ONLY_CLASSES

    steps = {}
    t0 = time.perf_counter()
    roads = read_roads(DATA / "roads")
    steps["read network"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    profile = SpeedProfile.named("ambulance", access_only_classes=NATIONAL_ACCESS_ONLY_CLASSES)
    graph = RoutingGraph(roads, profile)
    steps["graph + snapping index"] = time.perf_counter() - t0
    points = {
        "area": PointSet("area", tuple(map(str, range(len(area_xy)))), area_xy),
        "site": PointSet("site", tuple(map(str, range(len(seh_xy)))), seh_xy),
        "post": PointSet("post", tuple(map(str, range(len(post_xy)))), post_xy),
    }
    t0 = time.perf_counter()
    blocks = routed_blocks(graph, points, [("post", "area"), ("area", "site")], limit=45.0)
    steps["Dijkstra (post->area, area->SEH; limit 45 min)"] = time.perf_counter() - t0
    return steps, blocks[("post", "area")], blocks[("area", "site")]


def best_of(fn, repeat):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs")
    parser.add_argument("--synthetic", action="store_true", help="ignore the Dutch data")
    parser.add_argument("--no-routed", action="store_true", help="skip the routed part")
    args = parser.parse_args()
    import geopandas as gpd

    real = (DATA / "pc4_population_2021.gpkg").exists() and not args.synthetic
    areas, sehs, posts, label = load_real() if real else make_synthetic()
    rep = areas.geometry.representative_point()
    area_xy = np.column_stack([rep.x, rep.y])
    pop = areas["population"].to_numpy(dtype=float)
    seh_xy = np.column_stack([sehs.geometry.x, sehs.geometry.y])
    post_xy = np.column_stack([posts.geometry.x, posts.geometry.y])
    print(f"input: {label}: {len(areas):,} areas, {len(sehs)} SEHs, {len(posts)} posts")

    t_norm, (beyond, extra, post_to_area, area_to_site) = best_of(
        lambda: norm_and_sensitivity(area_xy, pop, seh_xy, post_xy), args.repeat
    )
    t_sjoin, _ = best_of(lambda: gpd.sjoin_nearest(areas, sehs, how="left"), args.repeat)
    tracker = NormTracker(post_to_area, area_to_site, pop)
    mask = np.ones(len(seh_xy), dtype=bool)
    n_calls = 200
    t0 = time.perf_counter()
    for k in range(n_calls):  # a different mask each call: no cache hits
        m = mask.copy()
        m[k % len(m)] = False
        m[(k * 7 + 3) % len(m)] = False
        tracker._cache.clear()
        tracker.population_beyond(m)
    t_tracker = (time.perf_counter() - t0) / n_calls

    print(f"population beyond the norm: {beyond:,.0f} of {pop.sum():,.0f}")
    print(f"SEHs with extra population beyond the norm on closure: {int((extra > 0).sum())}")
    print(f"norm + sensitivity of every SEH (straight line, matrices included): {t_norm:.4f} s")
    print(f"one geopandas.sjoin_nearest(areas, SEHs):                          {t_sjoin:.4f} s")
    print(f"ratio norm+sensitivity / sjoin_nearest: {t_norm / t_sjoin:.2f} (target < 10)")
    print(f"NormTracker.population_beyond, uncached: {t_tracker * 1e6:.0f} us per call")
    if real and (DATA / "roads" / "edges.parquet").exists() and not args.no_routed:
        steps, post_area, area_site = routed_matrices(area_xy, seh_xy, post_xy)
        for name, seconds in steps.items():
            print(f"routed matrix build, {name}: {seconds:.1f} s")
        print(f"routed matrix build, total: {sum(steps.values()):.1f} s")

        def routed_norm():
            params = NormParameters()
            minutes, _ = call_to_door_minutes(post_area, area_site, None, params)
            extra = extra_population_beyond_norm(post_area, area_site, pop, None, params)
            return population_beyond_norm(minutes, pop), extra

        t_routed, (r_beyond, r_extra) = best_of(routed_norm, args.repeat)
        t_sjoin2, _ = best_of(lambda: gpd.sjoin_nearest(areas, sehs, how="left"), args.repeat)
        print(
            f"routed: beyond the norm {r_beyond:,.0f}; sensitive SEHs {int((r_extra > 0).sum())} "
            "(default NormParameters)"
        )
        print(f"routed norm + sensitivity (matrices given): {t_routed:.4f} s")
        print(f"one geopandas.sjoin_nearest, same run:      {t_sjoin2:.4f} s")


if __name__ == "__main__":
    main()
