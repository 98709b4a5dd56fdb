"""The ambulance system reduced to one post of c vehicles is an M/M/c queue (Erlang C).

One post, ``c`` vehicles on every shift, Poisson calls (flat profile), no dispatch delay
and no travel, exponential time on scene, nobody conveyed (the vehicle is free at the
scene and back at its post at once): a call waits for a vehicle with the Erlang C
probability, which must lie inside the 95% replication interval of the simulated share.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import PatientRows, stream, tiny_region, tiny_travel
from test_erlang_c import erlang_c_wait_minutes, erlang_c_wait_probability

from acutesim.analysis.stats import t_interval
from acutesim.domain.distributions import Duration
from acutesim.domain.scenario import Scenario
from acutesim.sim.model import run_replication
from acutesim.units import days

pytestmark = pytest.mark.slow

CALLS_PER_MINUTE = 0.05
MEAN_ON_SCENE_MINUTES = 40.0  # offered load 2 Erlang
VEHICLES = 3
REPLICATIONS = 12
HORIZON_DAYS = 40.0
WARMUP_DAYS = 2.0
SEED = 20260105


def run_fleet(replication: int) -> np.ndarray:
    region = tiny_region(
        streams=[stream("ambulance", "ambulance", CALLS_PER_MINUTE, 100_000)],
        dispatch=Duration.fixed(0.0),
        on_scene=Duration.exponential(MEAN_ON_SCENE_MINUTES),
        urgency_shares={"A1": 1.0, "A2": 0.0, "B": 0.0},
        conveyance_share=0.0,
        vehicles=VEHICLES,
    )
    travel = tiny_travel(region, post_area=0.0, area_site=0.0, site_post=0.0)
    sink = PatientRows()
    run_replication(
        region,
        Scenario("mmc"),
        horizon_days=HORIZON_DAYS,
        warmup_days=WARMUP_DAYS,
        root_seed=SEED,
        replication=replication,
        travel=travel,
        patient_sink=sink,
    )
    df = sink.frame()
    df = df[df["t_call"] >= days(WARMUP_DAYS)]
    assert (df["state"] == "not_conveyed").all()
    return (df["t_assigned"] - df["t_call"]).to_numpy()


@pytest.fixture(scope="module")
def waits():
    return [run_fleet(r) for r in range(REPLICATIONS)]


def test_share_of_calls_that_wait_for_a_vehicle_matches_erlang_c(waits):
    analytic = erlang_c_wait_probability(CALLS_PER_MINUTE, MEAN_ON_SCENE_MINUTES, VEHICLES)
    per_rep = np.array([(w > 1e-9).mean() for w in waits])
    mean, lo, hi = t_interval(per_rep)
    print(f"P(wait): simulated {mean:.3f} [{lo:.3f}, {hi:.3f}], Erlang C {analytic:.3f}")
    assert lo <= analytic <= hi
    assert hi - lo < 0.1


def test_mean_wait_for_a_vehicle_matches_erlang_c(waits):
    analytic = erlang_c_wait_minutes(CALLS_PER_MINUTE, MEAN_ON_SCENE_MINUTES, VEHICLES)
    per_rep = np.array([w.mean() for w in waits])
    _mean, lo, hi = t_interval(per_rep)
    assert lo <= analytic <= hi
