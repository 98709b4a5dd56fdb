"""The 45-minute norm: array functions, the tracker, reachability on the demo pack, oracle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from acutesim.errors import ConfigError, GeoError
from acutesim.geo.norm import (
    NO_SITE,
    NormInputs,
    NormParameters,
    NormTracker,
    call_to_door_minutes,
    extra_population_beyond_norm,
    population_beyond_norm,
    response_minutes,
)
from acutesim.geo.travel import Locations, build_travel_model

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "regions" / "demo"

# Three areas, two posts, three sites. Fixed part: dispatch 3 + on scene 20 = 23.
POST_TO_AREA = np.array([[5.0, 10.0, np.inf], [8.0, 2.0, np.inf]])
AREA_TO_SITE = np.array([[10.0, 25.0, 30.0], [20.0, 15.0, 19.0], [1.0, 1.0, 1.0]])
POPULATION = np.array([100.0, 200.0, 50.0])
PARAMS = NormParameters(dispatch_minutes=3.0, on_scene_minutes=20.0, norm_minutes=45.0)


# --- array functions -----------------------------------------------------------------
def test_response_minutes_and_nearest_post():
    minutes, post = response_minutes(POST_TO_AREA, PARAMS)
    np.testing.assert_allclose(minutes, [8.0, 5.0, np.inf])
    assert post.tolist() == [0, 1, NO_SITE]


def test_call_to_door_by_hand():
    # area 0: 3 + 5 + 20 + 10 = 38; area 1: 3 + 2 + 20 + 15 = 40; area 2: no post -> inf
    minutes, site = call_to_door_minutes(POST_TO_AREA, AREA_TO_SITE, None, PARAMS)
    np.testing.assert_allclose(minutes, [38.0, 40.0, np.inf])
    assert site.tolist() == [0, 1, 0]
    minutes, site = call_to_door_minutes(
        POST_TO_AREA, AREA_TO_SITE, np.array([False, True, True]), PARAMS
    )
    np.testing.assert_allclose(minutes, [53.0, 40.0, np.inf])
    assert site.tolist() == [1, 1, 1]
    minutes, site = call_to_door_minutes(POST_TO_AREA, AREA_TO_SITE, np.zeros(3, bool), PARAMS)
    assert np.isinf(minutes).all()
    assert (site == NO_SITE).all()


def test_population_beyond_norm_is_strictly_greater():
    assert population_beyond_norm(np.array([45.0, 45.01, np.inf]), np.array([1, 2, 4])) == 6.0


def test_extra_population_by_hand():
    # closing site 0 moves area 0 to 53 min (beyond); closing site 1 moves area 1 to
    # 44 min (still within); site 2 is nobody's best
    extra = extra_population_beyond_norm(POST_TO_AREA, AREA_TO_SITE, POPULATION, None, PARAMS)
    np.testing.assert_allclose(extra, [100.0, 0.0, 0.0])


def test_extra_population_ignores_closed_sites_and_single_site():
    mask = np.array([True, False, False])
    extra = extra_population_beyond_norm(POST_TO_AREA, AREA_TO_SITE, POPULATION, mask, PARAMS)
    # closing the only open site puts areas 0 and 1 beyond the norm
    np.testing.assert_allclose(extra, [300.0, 0.0, 0.0])
    one = extra_population_beyond_norm(POST_TO_AREA, AREA_TO_SITE[:, :1], POPULATION, None, PARAMS)
    np.testing.assert_allclose(one, [300.0])


def test_tracker_matches_functions_and_caches():
    tracker = NormTracker(POST_TO_AREA, AREA_TO_SITE, POPULATION, PARAMS)
    for bits in range(8):
        mask = np.array([(bits >> k) & 1 for k in range(3)], dtype=bool)
        minutes, site = call_to_door_minutes(POST_TO_AREA, AREA_TO_SITE, mask, PARAMS)
        expected = population_beyond_norm(minutes, POPULATION)
        assert tracker.population_beyond(mask) == expected
        assert tracker.population_beyond(mask) == expected  # cached
        got_minutes, got_site = tracker.call_to_door_minutes(mask)
        np.testing.assert_allclose(got_minutes, minutes)
        assert got_site.tolist() == site.tolist()
        np.testing.assert_allclose(
            tracker.sensitivity(mask),
            extra_population_beyond_norm(POST_TO_AREA, AREA_TO_SITE, POPULATION, mask, PARAMS),
        )


def test_tracker_shape_errors():
    with pytest.raises(GeoError, match="do not agree on the number of areas"):
        NormTracker(POST_TO_AREA[:, :2], AREA_TO_SITE, POPULATION)
    tracker = NormTracker(POST_TO_AREA, AREA_TO_SITE, POPULATION)
    with pytest.raises(GeoError, match=r"open_mask has shape \(2,\), expected \(3,\)"):
        tracker.population_beyond(np.array([True, False]))


def test_norm_parameters_reject_negative():
    with pytest.raises(GeoError, match="on_scene_minutes must be a non-negative number"):
        NormParameters(on_scene_minutes=-1.0)


# --- the demo pack -------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    if not (DEMO / "region.toml").exists():
        pytest.skip("regions/demo is not present")
    from acutesim.config.load import load_region_with_areas

    return load_region_with_areas(DEMO)


def slow_reachability(region, closed=(), params=PARAMS, service="seh"):
    """The obvious loop: one pair at a time, nearest post, on scene, nearest open site."""
    model = build_travel_model(region)
    posts = [p for p in region.posts if p.is_24_7]
    if service == "seh":
        sites = [s for s in region.sites if s.seh == "24/7" and s.site_id not in closed]
    else:
        sites = [s for s in region.sites if s.has_av and s.site_id not in closed]
    areas = Locations.from_areas(region)
    minutes = {}
    for i, area in enumerate(region.areas):
        here = Locations.from_points(
            [area.area_id], [areas.xy[i]], [area.zone], [area.has_road_access]
        )
        best_post = min(
            (float(model.minutes(Locations.from_posts(region, [p]), here)[0, 0]) for p in posts),
            default=np.inf,
        )
        best_site = min(
            (float(model.minutes(here, Locations.from_sites(region, [s]))[0, 0]) for s in sites),
            default=np.inf,
        )
        minutes[area.area_id] = (
            params.dispatch_minutes + best_post + params.on_scene_minutes + best_site
        )
    beyond = sum(a.population for a in region.areas if minutes[a.area_id] > params.norm_minutes)
    return minutes, float(beyond)


def test_oracle_equals_vectorised(demo):
    from acutesim.geo.reachability import reachability

    region, areas = demo
    for closed in [(), ("centraal",), ("kust", "noord_hoofd")]:
        result = reachability(region, closed=closed, params=PARAMS, areas=areas)
        minutes, beyond = slow_reachability(region, closed)
        got = dict(zip(result.areas["area_id"], result.areas["call_to_door_minutes"], strict=True))
        assert got.keys() == minutes.keys()
        for area_id, value in minutes.items():
            assert got[area_id] == pytest.approx(value, rel=1e-12), area_id
        assert result.population_beyond_norm == beyond


def test_oracle_sensitivity(demo):
    from acutesim.geo.reachability import sensitivity

    region, _ = demo
    frame = sensitivity(region, params=PARAMS)
    _, base = slow_reachability(region)
    for row in frame.itertuples():
        _, closed = slow_reachability(region, (row.site_id,))
        assert row.extra_population_beyond_norm == closed - base, row.site_id


def test_result_columns_and_totals(demo):
    from acutesim.geo.reachability import AREA_COLUMNS, reachability

    region, areas = demo
    result = reachability(region, areas=areas, with_sensitivity=True)
    assert tuple(result.areas.columns) == (*AREA_COLUMNS, "geometry")
    assert result.areas.crs.to_epsg() == 28992
    assert result.population == region.population
    beyond = result.areas.loc[result.areas["beyond_norm"], "population"].sum()
    assert result.population_beyond_norm == beyond
    assert result.share_beyond_norm == pytest.approx(beyond / region.population)
    out = result.to_dict()
    assert out["settings"] == {
        "dispatch_minutes": 3.0,
        "on_scene_minutes": 20.0,
        "norm_minutes": 45.0,
        "profile": "ambulance",
        "travel_model": region.travel.get("model", "straight_line"),
        "service": "seh",
        "closed": [],
    }
    assert set(out) == {
        "settings",
        "population",
        "population_beyond_norm",
        "share_beyond_norm",
        "sensitive_sites",
    }
    assert all(s["extra_population_beyond_norm"] > 0 for s in out["sensitive_sites"])


def test_only_24_7_sites_and_posts_count(demo):
    from acutesim.geo.reachability import reachability

    region, _ = demo
    result = reachability(region)
    day_sites = {s.site_id for s in region.sites if s.seh == "day"}
    assert not day_sites & set(result.site_ids)
    assert not day_sites & set(result.areas["nearest_site_id"].dropna())
    day_posts = {p.post_id for p in region.posts if not p.is_24_7}
    assert not day_posts & set(result.areas["nearest_post_id"].dropna())
    if day_sites:  # closing a day-only SEH changes nothing for the norm
        closed = reachability(region, closed=sorted(day_sites))
        assert closed.population_beyond_norm == result.population_beyond_norm


def test_av_service_uses_acute_obstetrics(demo):
    from acutesim.geo.reachability import reachability

    region, _ = demo
    result = reachability(region, service="av")
    assert set(result.site_ids) == {s.site_id for s in region.sites if s.has_av}
    with pytest.raises(GeoError, match="unknown service 'ab'"):
        reachability(region, service="ab")


def test_unknown_closed_site(demo):
    from acutesim.geo.reachability import reachability

    region, _ = demo
    with pytest.raises(ConfigError, match="unknown site_id 'centrall'; did you mean 'centraal'"):
        reachability(region, closed=["centrall"])


def test_geographic_areas_are_an_error(demo):
    from acutesim.geo.reachability import reachability

    region, areas = demo
    with pytest.raises(GeoError, match="geographic"):
        reachability(region, areas=areas.to_crs("EPSG:4326"))


def test_norm_inputs_tracker_matches_reachability(demo):
    from acutesim.geo.reachability import reachability

    region, _ = demo
    inputs = NormInputs.from_region(region)
    tracker = inputs.tracker(PARAMS)
    for closed in [(), ("centraal",), ("kust",)]:
        expected = reachability(region, closed=closed, params=PARAMS).population_beyond_norm
        assert tracker.population_beyond(inputs.open_mask(closed)) == expected


def test_write_gpkg_layers(demo, tmp_path):
    import geopandas as gpd
    import pyogrio

    from acutesim.geo.reachability import reachability, write_gpkg

    region, areas = demo
    result = reachability(region, closed=["kust"], areas=areas)
    path = write_gpkg(result, region, tmp_path / "reach.gpkg")
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["areas", "posts", "sites"]
    sites = gpd.read_file(path, layer="sites")
    assert sites.crs.to_epsg() == 28992
    status = dict(zip(sites["site_id"], sites["status"], strict=True))
    assert status["kust"] == "closed"
    assert set(status.values()) <= {"open", "closed", "day-only", "not counted"}
    layer = gpd.read_file(path, layer="areas")
    assert len(layer) == len(region.areas)
    assert not list(tmp_path.glob(".*partial*"))


def test_cli_unknown_closed_id_exits_2(demo):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "acutesim.cli", "reach", str(DEMO), "--closed", "centrall"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "unknown site_id 'centrall'; did you mean 'centraal'?" in done.stderr
