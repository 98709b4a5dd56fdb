"""Invariants of the 45-minute norm: closing an SEH never lowers the population beyond it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from acutesim.geo.norm import (
    NormInputs,
    NormParameters,
    NormTracker,
    extra_population_beyond_norm,
)
from acutesim.geo.travel import StraightLineModel

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "regions" / "demo"

minutes = st.one_of(st.floats(0.0, 60.0), st.just(np.inf))


@st.composite
def norm_problems(draw):
    n_posts = draw(st.integers(1, 4))
    n_areas = draw(st.integers(1, 8))
    n_sites = draw(st.integers(1, 5))
    post_to_area = draw(arrays(float, (n_posts, n_areas), elements=minutes))
    area_to_site = draw(arrays(float, (n_areas, n_sites), elements=minutes))
    population = draw(arrays(float, (n_areas,), elements=st.integers(0, 10_000)))
    open_mask = draw(arrays(bool, (n_sites,)))
    params = NormParameters(
        dispatch_minutes=draw(st.floats(0.0, 5.0)),
        on_scene_minutes=draw(st.floats(0.0, 30.0)),
        norm_minutes=draw(st.floats(10.0, 90.0)),
    )
    return post_to_area, area_to_site, population, open_mask, params


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(norm_problems(), st.data())
def test_closing_a_site_never_lowers_population_beyond(problem, data):
    post_to_area, area_to_site, population, open_mask, params = problem
    tracker = NormTracker(post_to_area, area_to_site, population, params)
    k = data.draw(st.integers(0, len(open_mask) - 1))
    closed = open_mask.copy()
    closed[k] = False
    assert tracker.population_beyond(closed) >= tracker.population_beyond(open_mask)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(norm_problems())
def test_sensitivity_equals_difference_of_closures(problem):
    post_to_area, area_to_site, population, open_mask, params = problem
    tracker = NormTracker(post_to_area, area_to_site, population, params)
    extra = extra_population_beyond_norm(post_to_area, area_to_site, population, open_mask, params)
    base = tracker.population_beyond(open_mask)
    for k in range(len(open_mask)):
        closed = open_mask.copy()
        closed[k] = False
        assert extra[k] == pytest.approx(tracker.population_beyond(closed) - base)
        assert extra[k] >= 0


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(
    st.lists(st.floats(0.0, 200_000.0), min_size=2, max_size=20),
    st.floats(1.0, 2.0),
)
def test_straight_line_time_grows_with_distance(distances, detour):
    model = StraightLineModel.for_profile("ambulance", detour_factor=detour)
    d = np.sort(np.asarray(distances))
    assert np.all(np.diff(model.road_minutes(d)) >= 0)


@pytest.fixture(scope="module")
def demo_inputs():
    if not (DEMO / "region.toml").exists():
        pytest.skip("regions/demo is not present")
    from acutesim.config.load import load_region

    return NormInputs.from_region(load_region(DEMO))


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.data())
def test_demo_closing_any_seh_never_lowers(demo_inputs, data):
    n = len(demo_inputs.site_ids)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    k = data.draw(st.integers(0, n - 1))
    tracker = demo_inputs.tracker()
    closed = mask.copy()
    closed[k] = False
    assert tracker.population_beyond(closed) >= tracker.population_beyond(mask)
