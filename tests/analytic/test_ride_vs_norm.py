"""One deterministic ambulance ride in the simulation equals the norm's sum of parts.

The travel matrices are asymmetric (to an SEH is not the transpose of from an SEH), as
on a network with one-way roads: the simulation must drive to the scene from the post
(post -> area) and on to the SEH in the direction of travel (area -> SEH), exactly the
legs that the static norm adds up.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import PatientRows, stream, tiny_region, tiny_travel

from acutesim.domain.distributions import Duration
from acutesim.domain.scenario import Scenario
from acutesim.geo.norm import NormParameters, NormTracker
from acutesim.sim.model import run_replication

DISPATCH, ON_SCENE = 2.0, 15.0
POST_AREA = np.array([[8.0, 12.0]])  # 1 post x 2 areas
AREA_SITE = np.array([[10.0, 25.0], [30.0, 14.0]])  # towards the SEHs
SITE_AREA = np.array([[90.0, 95.0], [97.0, 99.0]])  # away from them: far longer


def test_simulated_call_to_door_equals_the_norm_for_the_same_trip():
    region = tiny_region(
        n_sites=2,
        slots=50,
        population=20_000,
        streams=[stream("ambulance", "ambulance", 1 / 240, 20_000)],
        treatment=Duration.fixed(30.0),
        triage=Duration.fixed(5.0),
        dispatch=Duration.fixed(DISPATCH),
        on_scene=Duration.fixed(ON_SCENE),
        handover=Duration.fixed(10.0),
        conveyance_share=1.0,
        vehicles=20,
    )
    travel = tiny_travel(region, post_area=POST_AREA, area_site=AREA_SITE, site_post=5.0)
    travel = dataclasses.replace(travel, amb_site_area=SITE_AREA)
    sink = PatientRows()
    run_replication(
        region,
        Scenario("deterministic"),
        horizon_days=2.0,
        warmup_days=0.0,
        root_seed=11,
        replication=0,
        travel=travel,
        patient_sink=sink,
    )
    rides = sink.frame()
    rides = rides[rides["route"] == "ambulance"]
    assert len(rides) >= 3
    tracker = NormTracker(
        POST_AREA,
        AREA_SITE,
        np.ones(2),
        NormParameters(dispatch_minutes=DISPATCH, on_scene_minutes=ON_SCENE),
    )
    norm_minutes, nearest = tracker.call_to_door_minutes(np.ones(2, dtype=bool))
    area = rides["area_id"].str.removeprefix("a").astype(int).to_numpy()
    simulated = (rides["t_arrival"] - rides["t_call"]).to_numpy()
    np.testing.assert_allclose(simulated, norm_minutes[area], atol=1e-9)
    site = rides["site_id"].str.removeprefix("s").astype(int).to_numpy()
    np.testing.assert_array_equal(site, nearest[area])
    assert norm_minutes[0] == pytest.approx(DISPATCH + 8 + ON_SCENE + 10)
