"""Travel-time models: straight line with bands and ferries, road network, matrix, config."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from acutesim.domain.region import Ferry
from acutesim.errors import GeoError
from acutesim.geo.travel import (
    Locations,
    MatrixModel,
    RoadNetwork,
    RoadNetworkModel,
    StraightLineModel,
    TravelTimeModel,
    build_travel_model,
    read_road_network,
    validate_travel_config,
)

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "regions" / "demo"

FERRY = Ferry(
    zone="isle",
    name="test ferry",
    terminal_x_m=0.0,
    terminal_y_m=10_000.0,
    port_x_m=0.0,
    port_y_m=20_000.0,
    crossing_minutes=30.0,
)
FERRY2 = Ferry("isle2", "second", 5_000.0, 0.0, 15_000.0, 0.0, 20.0)


def simple_model(**kw):
    base = {
        "detour_factor": 1.0,
        "band_edges_km": (0.0, 2.0, 5.0),
        "band_speeds_km_per_hour": (30.0, 60.0, 90.0),
    }
    base.update(kw)
    return StraightLineModel(**base)


def fake_region(travel, pack_path=".", ferries=()):
    return SimpleNamespace(travel=travel, pack_path=str(pack_path), ferries=tuple(ferries))


# --- straight line -------------------------------------------------------------------
def test_band_times_match_hand_computation():
    m = simple_model()
    # 2 km at 30 km/h = 4 min; +3 km at 60 = 3 min; +5 km at 90 = 3.333 min
    got = m.road_minutes([0.0, 1_000.0, 2_000.0, 5_000.0, 10_000.0])
    np.testing.assert_allclose(got, [0.0, 2.0, 4.0, 7.0, 7.0 + 5.0 / 90.0 * 60.0])


def test_short_trips_are_slower_on_average():
    m = StraightLineModel.for_profile("ambulance")
    d = np.array([1_000.0, 5_000.0, 20_000.0, 80_000.0])
    speed = d / m.road_minutes(d)
    assert np.all(np.diff(speed) > 0)
    assert np.all(np.diff(m.road_minutes(np.linspace(0, 100_000, 500))) > 0)


def test_detour_factor_scales_distance():
    m = simple_model(detour_factor=1.5)
    got = m.drive_minutes([(0.0, 0.0)], [(1_000.0, 0.0)])
    np.testing.assert_allclose(got, [[3.0]])  # 1.5 km at 30 km/h


def test_car_is_slower_than_ambulance():
    amb = StraightLineModel.for_profile("ambulance")
    car = StraightLineModel.for_profile("car")
    d = np.array([1_000.0, 10_000.0, 50_000.0])
    assert np.all(car.road_minutes(d) > amb.road_minutes(d))


def test_same_zone_is_direct_and_matrix_shape():
    m = simple_model()
    o = Locations.from_points(["a", "b"], [(0, 0), (3_000, 4_000)])
    d = Locations.from_points(["x", "y", "z"], [(0, 0), (0, 2_000), (0, 5_000)])
    got = m.minutes(o, d)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got[0], [0.0, 4.0, 7.0])
    np.testing.assert_allclose(got[1, 0], 7.0)


def test_mainland_to_island_goes_by_ferry():
    m = simple_model(ferries=(FERRY,))
    mainland = Locations.from_points(["m"], [(0.0, 8_000.0)])
    island = Locations.from_points(["i"], [(0.0, 21_000.0)], zones=["isle"])
    # 2 km to the terminal (4 min) + 30 min crossing + 1 km from the port (2 min),
    # although the straight line is 13 km
    np.testing.assert_allclose(m.minutes(mainland, island), [[36.0]])
    np.testing.assert_allclose(m.minutes(island, mainland), [[36.0]])


def test_island_to_island_goes_through_the_mainland():
    m = simple_model(ferries=(FERRY, FERRY2))
    a = Locations.from_points(["a"], [(0.0, 20_000.0)], zones=["isle"])
    b = Locations.from_points(["b"], [(15_000.0, 0.0)], zones=["isle2"])
    terminals = m.drive_minutes([(0.0, 10_000.0)], [(5_000.0, 0.0)])[0, 0]
    np.testing.assert_allclose(m.minutes(a, b), [[30.0 + terminals + 20.0]])


def test_zone_without_ferry_and_no_access_are_unreachable():
    m = simple_model()
    o = Locations.from_points(["m", "cut"], [(0, 0), (10, 0)], has_access=[True, False])
    d = Locations.from_points(["m2", "far"], [(100, 0), (200, 0)], zones=["mainland", "nowhere"])
    got = m.minutes(o, d)
    assert np.isfinite(got[0, 0])
    assert np.isinf(got[0, 1])
    assert np.all(np.isinf(got[1]))


def test_locations_length_mismatch_is_an_error():
    with pytest.raises(GeoError, match="same length"):
        Locations(ids=("a", "b"), xy=np.zeros((1, 2)), zones=("mainland",))


def test_bad_bands_are_rejected():
    with pytest.raises(GeoError, match="one speed per band"):
        simple_model(band_speeds_km_per_hour=(30.0, 60.0))
    with pytest.raises(GeoError, match="start at 0 and increase"):
        simple_model(band_edges_km=(1.0, 2.0, 5.0))
    with pytest.raises(GeoError, match="detour_factor must be >= 1"):
        simple_model(detour_factor=0.9)


def test_unknown_profile_has_a_hint():
    with pytest.raises(GeoError, match="did you mean 'ambulance'"):
        StraightLineModel.for_profile("ambulanse")


# --- build and validate --------------------------------------------------------------
def test_build_default_is_straight_line_and_protocol():
    model = build_travel_model(fake_region({"model": "straight_line"}))
    assert isinstance(model, StraightLineModel)
    assert isinstance(model, TravelTimeModel)
    assert model.profile == "ambulance"


def test_build_profile_overrides():
    travel = {
        "model": "straight_line",
        "detour_factor": 1.2,
        "car": {"band_edges_km": [0, 10], "band_speeds_km_per_hour": [30, 60]},
    }
    car = build_travel_model(fake_region(travel), profile="car")
    amb = build_travel_model(fake_region(travel), profile="ambulance")
    assert car.detour_factor == 1.2
    assert car.band_speeds_km_per_hour == (30.0, 60.0)
    assert amb.band_speeds_km_per_hour != (30.0, 60.0)


def test_build_rejects_invalid_table():
    with pytest.raises(GeoError, match="unknown key 'detour_factr'"):
        build_travel_model(fake_region({"detour_factr": 1.3}))


def test_validate_typo_message(tmp_path):
    problems = validate_travel_config({"model": "straight_line", "detour_factr": 1.3}, tmp_path)
    assert problems == [
        "region.toml [travel]: unknown key 'detour_factr'; did you mean 'detour_factor'?"
    ]


def test_validate_reports_every_problem(tmp_path):
    travel = {
        "model": "straight_line",
        "detour_factor": 0.5,
        "network": "roads.gpkg",
        "band_edges_km": [0, 5],
        "band_speeds_km_per_hour": [50],
        "ambulance": {"band_speedz_km_per_hour": [1, 2]},
    }
    problems = validate_travel_config(travel, tmp_path)
    text = "\n".join(problems)
    assert "detour_factor: 0.5 is below 1" in text
    assert "key 'network' belongs to model 'road_network', not 'straight_line'" in text
    assert "one speed per band (2), got 1" in text
    assert (
        "region.toml [travel.ambulance]: unknown key 'band_speedz_km_per_hour'; did you mean "
        "'band_speeds_km_per_hour'?" in text
    )
    assert len(problems) == 4


def test_validate_unknown_model_and_missing_files(tmp_path):
    assert validate_travel_config({"model": "straigt_line"}, tmp_path) == [
        "region.toml [travel] model: 'straigt_line' is not one of straight_line, road_network, "
        "matrix, routed; did you mean 'straight_line'?"
    ]
    problems = validate_travel_config({"model": "road_network"}, tmp_path)
    assert problems == [
        "region.toml [travel]: model 'road_network' needs 'network' (a .gpkg or .geojson file)"
    ]
    problems = validate_travel_config({"model": "matrix", "matrix": "times.csv"}, tmp_path)
    assert problems == [f"region.toml [travel] matrix: file 'times.csv' not found in '{tmp_path}'"]
    problems = validate_travel_config({"model": "matrix", "matrix": "times.xlsx"}, tmp_path)
    assert problems == ["region.toml [travel] matrix: 'times.xlsx' must end in .csv, .parquet"]


# --- matrix --------------------------------------------------------------------------
def write_matrix(path):
    path.write_text(
        "origin_id,destination_id,minutes\np1,a1,5.5\np1,a2,12\np2,a1,7\n", encoding="utf-8"
    )


def test_matrix_model_looks_up_pairs(tmp_path):
    write_matrix(tmp_path / "m.csv")
    model = MatrixModel.from_file(tmp_path / "m.csv")
    o = Locations.from_points(["p1", "p2"], np.zeros((2, 2)))
    d = Locations.from_points(["a2", "a1"], np.zeros((2, 2)))
    np.testing.assert_allclose(model.minutes(o, d), [[12.0, 5.5], [np.inf, 7.0]])


def test_matrix_model_unknown_id(tmp_path):
    write_matrix(tmp_path / "m.csv")
    model = MatrixModel.from_file(tmp_path / "m.csv")
    o = Locations.from_points(["p1x"], np.zeros((1, 2)))
    d = Locations.from_points(["a1"], np.zeros((1, 2)))
    with pytest.raises(GeoError, match="origin_id 'p1x' does not occur in the matrix; did you"):
        model.minutes(o, d)


def test_matrix_model_parquet_and_build(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"origin_id": ["x"], "destination_id": ["y"], "minutes": [3.0]})
    frame.to_parquet(tmp_path / "m.parquet")
    model = build_travel_model(fake_region({"model": "matrix", "matrix": "m.parquet"}, tmp_path))
    o = Locations.from_points(["x"], np.zeros((1, 2)))
    d = Locations.from_points(["y"], np.zeros((1, 2)))
    np.testing.assert_allclose(model.minutes(o, d), [[3.0]])


def test_matrix_model_bad_value(tmp_path):
    (tmp_path / "m.csv").write_text("origin_id,destination_id,minutes\na,b,soon\n")
    with pytest.raises(GeoError, match=r"m.csv row 1, column 'minutes': 'soon' is not a number"):
        MatrixModel.from_file(tmp_path / "m.csv")


# --- road network --------------------------------------------------------------------
# A tiny network, coordinates in metres:
#
#   C(0,1000) ---- D(1000,1000) ---- E(2000,1000)
#      |              |          /     straight edges 1 km, speeds [km/h]: A-B 60, B-D 30,
#   A(0,0) ------- B(1000,0) ---/      A-C 30, C-D 60, D-E 60 one-way D->E; the diagonal
#                                      B-E (sqrt 2 km) at 15 * sqrt 2 km/h takes 4 min.
#
# Shortest A->E: A-B (1) + B-D (2) + D-E (1) = 4 min (via B-E: 1 + 4 = 5).
# Shortest E->A: E-B (4) + B-A (1) = 5 min (D->E is one-way).
# Shortest C->B: C-A (2) + A-B (1) = 3, or C-D (1) + D-B (2) = 3 -> 3 min.
A, B, C, D, E = (0, 0), (1000, 0), (0, 1000), (1000, 1000), (2000, 1000)
LINES = [(A, B), (B, D), (A, C), (C, D), (D, E), (B, E)]
SPEEDS = [60.0, 30.0, 30.0, 60.0, 60.0, 15.0 * np.sqrt(2.0)]
ONEWAY = [False, False, False, False, True, False]


def tiny_network():
    return RoadNetwork.from_segments(LINES, SPEEDS, oneway=ONEWAY)


def test_network_shortest_paths_match_hand_computation():
    model = RoadNetworkModel(tiny_network())
    pts = Locations.from_points(list("ABCDE"), [A, B, C, D, E])
    got = model.minutes(pts, pts)
    expected = np.array(
        [
            [0, 1, 2, 3, 4],
            [1, 0, 3, 2, 3],
            [2, 3, 0, 1, 2],
            [3, 2, 1, 0, 1],
            [5, 4, 7, 6, 0],
        ],
        dtype=float,
    )
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_network_snap_adds_access_time():
    model = RoadNetworkModel(tiny_network(), access_speed_km_per_hour=6.0, access_detour_factor=1.0)
    o = Locations.from_points(["near_a"], [(0.0, -100.0)])  # 100 m at 6 km/h = 1 min
    d = Locations.from_points(["b"], [B])
    np.testing.assert_allclose(model.minutes(o, d), [[2.0]], atol=1e-6)


def test_network_parallel_edges_keep_fastest_and_multi_vertex_lines():
    net = RoadNetwork.from_segments(
        [[(0, 0), (500, 0), (1000, 0)], [(0, 0), (1000, 0)]], [30.0, 60.0]
    )
    model = RoadNetworkModel(net)
    pts = Locations.from_points(["s", "t"], [(0, 0), (1000, 0)])
    np.testing.assert_allclose(model.minutes(pts, pts)[0, 1], 1.0)


def test_network_ferry_edge():
    net = RoadNetwork.from_segments(
        [[(0, 0), (0, 10_000)], [(0, 20_000), (0, 21_000)]], [60.0, 60.0]
    )
    model = RoadNetworkModel(net, [FERRY])
    o = Locations.from_points(["m"], [(0, 0)])
    d = Locations.from_points(["i"], [(0, 21_000)], zones=["isle"])
    np.testing.assert_allclose(model.minutes(o, d), [[10.0 + 30.0 + 1.0]], atol=1e-6)
    unlinked = RoadNetworkModel(net)
    assert np.isinf(unlinked.minutes(o, d)[0, 0])


def test_network_no_access_is_inf():
    model = RoadNetworkModel(tiny_network())
    o = Locations.from_points(["a"], [A], has_access=[False])
    assert np.isinf(model.minutes(o, Locations.from_points(["b"], [B]))).all()


def test_network_bad_speed():
    with pytest.raises(GeoError, match=r"line 2 has speed 0\.0 km/h"):
        RoadNetwork.from_segments(LINES[:2], [50.0, 0.0])


def _feature(line, **props):
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": [list(p) for p in line]},
    }


def test_read_geojson_in_rd_new_with_road_classes(tmp_path):
    feats = [
        _feature(line, road_class="primary", oneway=ow)
        for line, ow in zip(LINES[:5], ONEWAY[:5], strict=True)
    ]
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": feats,
    }
    (tmp_path / "roads.geojson").write_text(json.dumps(data))
    net = read_road_network(
        tmp_path / "roads.geojson",
        speed_by_road_class_km_per_hour={"primary": 60.0},
        speed_factor=1.0,
    )
    model = RoadNetworkModel(net)
    pts = Locations.from_points(["a", "e"], [A, E])
    np.testing.assert_allclose(model.minutes(pts, pts), [[0, 3], [np.inf, 0]], atol=1e-6)


def test_read_geojson_unknown_road_class(tmp_path):
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:28992"}},
        "features": [_feature(LINES[0], road_class="primery")],
    }
    (tmp_path / "roads.geojson").write_text(json.dumps(data))
    with pytest.raises(GeoError, match=r"feature 1: no speed.*did you mean 'primary'"):
        read_road_network(tmp_path / "roads.geojson")


def test_read_gpkg_wgs84_and_build(tmp_path):
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import LineString

    gdf = gpd.GeoDataFrame(
        {"speed_km_per_hour": SPEEDS, "oneway": ONEWAY},
        geometry=[LineString([(x + 150_000, y + 450_000) for x, y in ln]) for ln in LINES],
        crs="EPSG:28992",
    ).to_crs("EPSG:4326")
    gdf.to_file(tmp_path / "roads.gpkg", layer="roads")
    travel = {"model": "road_network", "network": "roads.gpkg", "speed_factor": 1.0}
    assert validate_travel_config(travel, tmp_path) == []
    model = build_travel_model(fake_region(travel, tmp_path), profile="car")
    pts = Locations.from_points(
        list("AE"), [(150_000 + A[0], 450_000 + A[1]), (150_000 + E[0], 450_000 + E[1])]
    )
    np.testing.assert_allclose(model.minutes(pts, pts), [[0, 4], [5, 0]], atol=1e-3)


def test_read_gpkg_unknown_layer(tmp_path):
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import LineString

    gdf = gpd.GeoDataFrame(
        {"speed_km_per_hour": [50.0]}, geometry=[LineString(LINES[0])], crs="EPSG:28992"
    )
    gdf.to_file(tmp_path / "roads.gpkg", layer="roads")
    with pytest.raises(GeoError, match="no layer 'rods'; did you mean 'roads'"):
        read_road_network(tmp_path / "roads.gpkg", layer="rods")


# --- the demo pack -------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_region():
    if not (DEMO / "region.toml").exists():
        pytest.skip("regions/demo is not present")
    from acutesim.config.load import load_region

    return load_region(DEMO)


def test_demo_locations_and_island(demo_region):
    model = build_travel_model(demo_region)
    areas = Locations.from_areas(demo_region)
    sites = Locations.from_sites(demo_region)
    posts = Locations.from_posts(demo_region, [p.post_id for p in demo_region.posts[:2]])
    assert len(areas) == len(demo_region.areas)
    assert posts.ids == tuple(p.post_id for p in demo_region.posts[:2])
    times = model.minutes(areas, sites)
    assert times.shape == (len(areas), len(sites))
    island = [i for i, z in enumerate(areas.zones) if z != "mainland"]
    ferry_minutes = min(f.crossing_minutes for f in demo_region.ferries) if island else 0.0
    for i in island:
        assert times[i].min() > ferry_minutes


def test_unknown_site_id_in_locations(demo_region):
    with pytest.raises(GeoError, match="unknown site_id 'centrall'; did you mean 'centraal'"):
        Locations.from_sites(demo_region, ["centrall"])


def test_region_loader_reports_travel_problems(tmp_path):
    if not (DEMO / "region.toml").exists():
        pytest.skip("regions/demo is not present")
    import shutil

    from acutesim.config.load import load_region
    from acutesim.errors import ConfigError

    pack = tmp_path / "demo"
    shutil.copytree(DEMO, pack)
    toml = (pack / "region.toml").read_text(encoding="utf-8")
    toml = toml.replace('model = "straight_line"', 'model = "straight_line"\ndetour_factr = 1.3')
    (pack / "region.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"region.toml \[travel\]: unknown key 'detour_factr'; did you mean 'detour_factor'\?",
    ):
        load_region(pack)
