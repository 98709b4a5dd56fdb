"""Routed travel times on a synthetic 10-node network with a one-way street, a ferry and a bridge.

The network (EPSG:28992 metres; one minute per km at 60 km/h)::

    n3 (0,2000) ====one-way 6 km, primary====> n5 (6000,2000)
     |  2 min                                    |  2 min
    n0 (0,0) -- n1 (2000,0) -- n2 (4000,0) ~~bridge~~ n4 (6000,0) -- n6 (8000,0) -- n7 (10000,0)
                                                                      ferry 4 km | (8 + 10 min)
                                                    n9 (16000,0) -- n8 (14000,0)

Every edge is primary at 60 km/h (1 min per km) except the bridge n2-n4 (secondary,
30 km/h: 4 min), the island road n8-n9 (residential, 30 km/h: 4 min) and the ferry
(30 km/h plus 10 minutes waiting: 18 min). Hand-computed shortest times (minutes):

- area A1 at n3 to site S at n5: 6 (the one-way street); S to A1: 12 (back over the bridge)
- post P at n0 to A1: 2 and back 2; post P2 at n4 to A1: 10, A1 to P2: 8
- A3 at n6 to S: 4 both ways; island area A2 at n9 to S: 28 both ways
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from acutesim.errors import GeoError
from acutesim.geo.norm import NormParameters, NormTracker
from acutesim.geo.roads import read_roads
from acutesim.geo.routing import PointSet, RoutingGraph, SpeedProfile, routed_blocks
from acutesim.geo.routing_cache import RoutedMatrices, build_matrix_cache, write_matrix_cache
from acutesim.geo.travel import CachedRoutedModel, Locations

X0, Y0 = 100_000.0, 400_000.0  # somewhere inside the Netherlands, RD New
NODES = {
    0: (0, 0),
    1: (2000, 0),
    2: (4000, 0),
    3: (0, 2000),
    4: (6000, 0),
    5: (6000, 2000),
    6: (8000, 0),
    7: (10000, 0),
    8: (14000, 0),
    9: (16000, 0),
}
# (u, v, class, oneway)
EDGES = [
    (0, 1, "primary", False),
    (1, 2, "primary", False),
    (2, 4, "secondary", False),  # the bridge
    (4, 6, "primary", False),
    (6, 7, "primary", False),
    (7, 8, "ferry", False),
    (8, 9, "residential", False),
    (0, 3, "primary", False),
    (3, 5, "primary", True),  # the one-way street
    (5, 4, "primary", False),
]
PROFILE = SpeedProfile(
    "ambulance",
    speed_by_class_km_per_hour={"primary": 60, "secondary": 30, "residential": 30},
    legal_speed_cap_factor=None,
    ferry_speed_km_per_hour=30,
    ferry_wait_minutes=10,
    access_speed_km_per_hour=15,
    access_detour_factor=1.3,
    no_snap_classes=("motorway",),
)


def xy(node):
    x, y = NODES[node]
    return (X0 + x, Y0 + y)


POINTS = {
    "area": PointSet("area", ("A1", "A2", "A3"), np.array([xy(3), xy(9), xy(6)])),
    "site": PointSet("site", ("S",), np.array([xy(5)])),
    "post": PointSet("post", ("P", "P2"), np.array([xy(0), xy(4)])),
}
# hand-computed [min]
POST_AREA = [[2, 34, 10], [10, 26, 2]]
AREA_SITE = [[6], [28], [4]]
SITE_AREA = [[12, 28, 4]]
AREA_POST = [[2, 8], [34, 26], [10, 2]]
SITE_POST = [[10, 2]]


def write_tables(folder):
    folder.mkdir()
    pd.DataFrame(
        {
            "node_id": np.arange(10, dtype=np.int32),
            "x": [xy(i)[0] for i in range(10)],
            "y": [xy(i)[1] for i in range(10)],
        }
    ).to_parquet(folder / "nodes.parquet")
    length = [float(np.hypot(*np.subtract(NODES[u], NODES[v]))) for u, v, _, _ in EDGES]
    pd.DataFrame(
        {
            "u": [e[0] for e in EDGES],
            "v": [e[1] for e in EDGES],
            "highway": [e[2] for e in EDGES],
            "oneway": [e[3] for e in EDGES],
            "length_m": length,
            "maxspeed_kmh": 50.0,
        }
    ).to_parquet(folder / "edges.parquet")
    return folder


def line_frame():
    import geopandas as gpd
    from shapely.geometry import LineString

    return gpd.GeoDataFrame(
        {
            "fclass": [e[2] for e in EDGES],
            "oneway": ["F" if e[3] else "B" for e in EDGES],
            "maxspeed": 0,
        },
        geometry=[LineString([xy(u), xy(v)]) for u, v, _, _ in EDGES],
        crs="EPSG:28992",
    )


@pytest.fixture(params=["folder", "gpkg_tables", "gpkg_lines", "geoparquet_lines", "shapefile"])
def roads(request, tmp_path):
    """The same network in every supported form."""
    import geopandas as gpd

    if request.param == "folder":
        return read_roads(write_tables(tmp_path / "net"))
    if request.param == "gpkg_tables":
        folder = write_tables(tmp_path / "net")
        nodes = pd.read_parquet(folder / "nodes.parquet")
        nodes = gpd.GeoDataFrame(
            nodes, geometry=gpd.points_from_xy(nodes.x, nodes.y), crs="EPSG:28992"
        )
        edges = pd.read_parquet(folder / "edges.parquet")
        edges = gpd.GeoDataFrame(edges, geometry=line_frame().geometry, crs="EPSG:28992")
        path = tmp_path / "net.gpkg"
        nodes.to_file(path, layer="nodes", driver="GPKG")
        edges.to_file(path, layer="edges", driver="GPKG")
        return read_roads(path)
    frame = line_frame()
    if request.param == "gpkg_lines":
        path = tmp_path / "lines.gpkg"
        frame.to_file(path, layer="roads", driver="GPKG")
    elif request.param == "shapefile":
        path = tmp_path / "lines.shp"
        frame.to_file(path)
    else:
        path = tmp_path / "lines.parquet"
        frame.to_parquet(path)
    return read_roads(path)


def test_every_form_reads_ten_nodes_and_the_one_way(roads):
    assert roads.n_nodes == 10
    assert roads.n_edges == 10
    assert int(roads.oneway.sum()) == 1
    assert sorted(set(roads.road_class)) == ["ferry", "primary", "residential", "secondary"]


def test_matrices_equal_hand_computed_times_in_both_directions(roads):
    graph = RoutingGraph(roads, PROFILE)
    blocks = routed_blocks(
        graph,
        POINTS,
        [("post", "area"), ("area", "site"), ("site", "area"), ("area", "post"), ("site", "post")],
        limit=np.inf,
    )
    np.testing.assert_allclose(blocks[("post", "area")], POST_AREA, atol=1e-4)
    np.testing.assert_allclose(blocks[("area", "site")], AREA_SITE, atol=1e-4)
    np.testing.assert_allclose(blocks[("site", "area")], SITE_AREA, atol=1e-4)
    np.testing.assert_allclose(blocks[("area", "post")], AREA_POST, atol=1e-4)
    np.testing.assert_allclose(blocks[("site", "post")], SITE_POST, atol=1e-4)


def test_distance_limit_keeps_each_origins_nearest_destination(roads):
    graph = RoutingGraph(roads, PROFILE)
    blocks = routed_blocks(graph, POINTS, [("post", "area"), ("area", "site")], limit=5)
    # P -> A3 (10) is beyond the limit and A3 has P2 at 2: left out (inf); A2 has no
    # post within the limit, so it gets its nearest post (P2, 26) from an unlimited run
    np.testing.assert_allclose(blocks[("post", "area")], [[2, np.inf, np.inf], [np.inf, 26, 2]])
    # A1 -> S (6) and A2 -> S (28) are beyond the limit but S is their only site
    np.testing.assert_allclose(blocks[("area", "site")], AREA_SITE, atol=1e-4)


def test_access_from_an_off_road_point_is_reported_and_added(roads):
    graph = RoutingGraph(roads, PROFILE)
    _, snap_m, access = graph.snap(np.array([[xy(6)[0], xy(6)[1] + 300.0]]))
    assert snap_m[0] == pytest.approx(300.0)
    # 300 m x 1.3 at 15 km/h (250 m/min)
    assert access[0] == pytest.approx(300 * 1.3 / 250.0)
    far = graph.snap(np.array([[xy(6)[0], xy(6)[1] + 9_000.0]]))[2]
    assert far[0] == np.inf  # beyond max_snap_m: no access


def test_points_do_not_snap_to_motorway_nodes(tmp_path):
    folder = write_tables(tmp_path / "net")
    edges = pd.read_parquet(folder / "edges.parquet")
    edges.loc[edges.u.eq(6) & edges.v.eq(7), "highway"] = "motorway"
    nodes = pd.read_parquet(folder / "nodes.parquet")
    edges.to_parquet(folder / "edges.parquet")
    nodes.to_parquet(folder / "nodes.parquet")
    profile = dataclasses.replace(PROFILE, no_snap_classes=("motorway", "ferry"))
    graph = RoutingGraph(read_roads(folder), profile)
    # n7 has only the motorway and the ferry: a point at n7 snaps to n6 (2 km away)
    _, snap_m, _ = graph.snap(np.array([xy(7)]))
    assert snap_m[0] == pytest.approx(2000.0)


def test_cache_round_trip_norm_and_dispatch_take_the_direction_of_travel(roads, tmp_path):
    profiles = dict.fromkeys(("ambulance", "ambulance_no_siren", "car"), PROFILE)
    table, point_rows, info = build_matrix_cache(
        roads, profiles, POINTS, network="synthetic", network_digest="x", limit=np.inf
    )
    path = write_matrix_cache(table, point_rows, info, tmp_path / "travel_matrices.parquet")
    cache = RoutedMatrices(path)
    model = CachedRoutedModel(cache, "ambulance")
    areas = Locations.from_points(("A1", "A2", "A3"), POINTS["area"].xy)
    areas = Locations(areas.ids, areas.xy, areas.zones, areas.has_access, kind="area")
    sites = Locations(("S",), POINTS["site"].xy, ("mainland",), kind="site")
    posts = Locations(("P", "P2"), POINTS["post"].xy, ("mainland",) * 2, kind="post")
    np.testing.assert_allclose(model.minutes(areas, sites), AREA_SITE, atol=1e-4)
    np.testing.assert_allclose(model.minutes(sites, areas), SITE_AREA, atol=1e-4)
    np.testing.assert_allclose(model.minutes(areas, posts), AREA_POST, atol=1e-4)
    # the norm: A1 is 2 (from P) + 6 (one-way, towards S) = 8 minutes; the reverse
    # direction would give 2 + 12 = 14
    tracker = NormTracker(
        model.minutes(posts, areas),
        model.minutes(areas, sites),
        np.array([100.0, 10.0, 1000.0]),
        NormParameters(dispatch_minutes=0.0, on_scene_minutes=0.0, norm_minutes=10.0),
    )
    ctd, _ = tracker.call_to_door_minutes(np.array([True]))
    np.testing.assert_allclose(ctd, [8, 26 + 28, 2 + 4], atol=1e-4)
    assert tracker.population_beyond(np.array([True])) == 10.0


def test_meldkamer_redispatch_from_site_and_return_from_scene_use_travel_direction(roads):
    from acutesim.sim.ambulance import AT_SITE, IDLE, Meldkamer
    from acutesim.sim.loop import Clock
    from acutesim.sim.model import TravelMatrices

    graph = RoutingGraph(roads, PROFILE)
    b = routed_blocks(
        graph,
        POINTS,
        [("post", "area"), ("area", "site"), ("site", "area"), ("area", "post"), ("site", "post")],
        limit=np.inf,
    )
    t = TravelMatrices(
        amb_post_area=b[("post", "area")],
        amb_area_site=b[("area", "site")],
        amb_site_post=b[("site", "post")],
        car_area_site=b[("area", "site")],
        car_area_hap=np.zeros((3, 0)),
        amb_site_area=b[("site", "area")],
        amb_area_post=b[("area", "post")],
    )
    env = Clock()
    mk = Meldkamer(
        env, np.array([1]), t.amb_post_area, t.amb_site_area, t.amb_site_post, None,
        area_to_post=t.amb_area_post,
    )  # fmt: skip
    mk.state[0] = IDLE
    # a vehicle at site S is sent to A1: S -> A1 is 12 minutes, not the 6 of A1 -> S
    mk.loc_kind[0], mk.loc_site[0] = AT_SITE, 0
    assert float(mk._travel_from(np.array([0]), 0)[0]) == pytest.approx(12, abs=1e-4)
    # a vehicle of post P2 leaves scene A1 and drives back: 8 minutes (A1 -> P2), not 10
    mk.release_at_scene(0, 0)
    env.run(until=7.99)
    assert mk.state[0] != IDLE
    env.run(until=8.01)
    assert mk.state[0] == IDLE


def test_missing_point_says_how_to_rebuild(roads, tmp_path):
    profiles = {"ambulance": PROFILE}
    table, point_rows, info = build_matrix_cache(
        roads, profiles, POINTS, network="synthetic", network_digest="x", limit=np.inf
    )
    cache = RoutedMatrices(write_matrix_cache(table, point_rows, info, tmp_path / "m.parquet"))
    model = CachedRoutedModel(cache, "ambulance")
    sites = Locations(("S", "NEW"), np.array([xy(5), xy(6)]), ("mainland",) * 2, kind="site")
    areas = Locations(("A1",), np.array([xy(3)]), ("mainland",), kind="area")
    with pytest.raises(GeoError, match=r"site 'NEW' has no column .*acutesim region route"):
        model.minutes(areas, sites)
    moved = Locations(("S",), np.array([xy(6)]), ("mainland",), kind="site")
    with pytest.raises(GeoError, match="stale"):
        model.minutes(areas, moved)
    with pytest.raises(GeoError, match="no car matrix"):
        CachedRoutedModel(cache, "car").minutes(
            areas, Locations(("S",), np.array([xy(5)]), ("mainland",), kind="site")
        )


def test_unknown_column_and_missing_file_are_clear(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(GeoError, match=r"needs nodes\.parquet and edges\.parquet"):
        read_roads(tmp_path / "empty")
    frame = line_frame()
    path = tmp_path / "lines.gpkg"
    frame.to_file(path, layer="roads", driver="GPKG")
    with pytest.raises(GeoError, match="no road class column 'fclas'; did you mean 'fclass'"):
        read_roads(path, class_column="fclas")


def test_contraction_removes_chain_nodes_and_keeps_every_time(roads):
    graph = RoutingGraph(roads, PROFILE)
    protect = np.array([3, 9, 6, 5, 0, 4])  # the snapped nodes of POINTS
    small = graph.contracted(protect)
    assert small.forward.nnz < graph.forward.nnz
    blocks = [("post", "area"), ("area", "site"), ("site", "area"), ("area", "post")]
    full = routed_blocks(graph, POINTS, blocks, limit=np.inf, contract=False)
    fast = routed_blocks(graph.contracted(protect), POINTS, blocks, limit=np.inf)
    for key in blocks:
        np.testing.assert_allclose(fast[key], full[key], atol=1e-4)
