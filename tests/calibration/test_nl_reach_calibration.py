"""Calibration against Dutch open data: the code defaults reproduce the documented fit.

Needs the Dutch data folder beside the project (``../shared/data/nl``); skipped with a
reason when it is absent.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from acutesim.geo.norm import NormParameters, NormTracker, extra_population_beyond_norm
from acutesim.geo.travel import (
    AMBULANCE_BAND_SPEEDS_KM_PER_HOUR,
    CAR_BAND_SPEEDS_KM_PER_HOUR,
    StraightLineModel,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".." / "shared" / "data" / "nl"
SCRIPT = ROOT / "scripts" / "calibrate_travel.py"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not (DATA / "pc4_population_2021.gpkg").exists(),
        reason="Dutch open data not found at ../shared/data/nl beside the project",
    ),
]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("calibrate_travel", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def data(script):
    return script.load_nl(DATA)


@pytest.fixture(scope="module")
def calibration(script, data):
    return script.calibrate(data)


def test_data_sizes(data):
    assert len(data.pc4_pop) > 4000
    assert len(data.seh_xy) == 83
    assert len(data.post_xy) == 224
    assert data.iso_hosp_member.shape == (89, len(data.pc4_pop))


def test_code_defaults_match_the_fit(calibration):
    assert tuple(CAR_BAND_SPEEDS_KM_PER_HOUR) == calibration.car_speeds
    assert tuple(AMBULANCE_BAND_SPEEDS_KM_PER_HOUR) == calibration.amb_speeds


def test_ambulance_fit_reproduces_rug_rtl_2017(calibration):
    # 385,000 of about 17.1 million beyond a 12-minute drive (RUG Geodienst/RTL 2017)
    assert calibration.checks["share_beyond_12"] == pytest.approx(385_000 / 17.1e6, abs=0.002)


def test_car_fit_against_isochrones(calibration):
    checks = calibration.checks
    # ORS polygons are conservative; RIVM reports about 99% within 30 min by car
    assert checks["iso_union_within_30"] - 0.01 <= checks["car_seh_within_30"] <= 0.995
    for key in ("matched15", "matched30"):
        _, mismatch = calibration.radii[key]
        assert mismatch < 0.35
    assert 0.85 < calibration.cover30["ratio_median"] < 1.15


def test_ambulances_faster_than_cars(calibration):
    assert 1.0 < calibration.amb_factor < 2.0
    car = StraightLineModel.for_profile("car")
    amb = StraightLineModel.for_profile("ambulance")
    d = np.array([1_000.0, 10_000.0, 40_000.0])
    assert np.all(amb.road_minutes(d) < car.road_minutes(d))


def test_national_sensitivity_is_consistent(data):
    model = StraightLineModel.for_profile("ambulance")
    detour = model.detour_factor

    def dist(a, b):
        return np.hypot(a[:, 0, None] - b[None, :, 0], a[:, 1, None] - b[None, :, 1])

    post_to_area = model.road_minutes(dist(data.post_xy, data.pc4_xy) * detour)
    area_to_site = model.road_minutes(dist(data.pc4_xy, data.seh_xy) * detour)
    params = NormParameters()
    tracker = NormTracker(post_to_area, area_to_site, data.pc4_pop, params)
    open_mask = np.ones(len(data.seh_xy), dtype=bool)
    extra = extra_population_beyond_norm(
        post_to_area, area_to_site, data.pc4_pop, open_mask, params
    )
    base = tracker.population_beyond(open_mask)
    assert 0 < base < data.pc4_pop.sum()
    for k in np.argsort(-extra)[:5]:
        closed = open_mask.copy()
        closed[k] = False
        assert extra[k] == pytest.approx(tracker.population_beyond(closed) - base)
