"""An SEH reduced to one server pool behaves like M/M/c (Erlang C) and M/M/inf.

One site, Poisson arrivals (flat profile) at 0.2 per minute, exponential treatment with
mean 20 minutes, five constant staffed slots, no triage time, no admissions, bays to
spare and volmelding switched off. The mean wait from arrival to the start of treatment,
over replications, must have the Erlang C value inside its 95% replication interval.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import PatientRows, tiny_region, tiny_travel

from acutesim.analysis.stats import t_interval
from acutesim.domain.roster import build_schedule
from acutesim.domain.scenario import Scenario
from acutesim.sim.demand import StreamGenerator
from acutesim.sim.model import run_replication
from acutesim.units import days

pytestmark = pytest.mark.slow

ARRIVALS_PER_MINUTE = 0.2
MEAN_SERVICE_MINUTES = 20.0
SERVERS = 5
REPLICATIONS = 20
HORIZON_DAYS = 60.0
WARMUP_DAYS = 5.0
SEED = 20260105


def erlang_c_wait_minutes(
    arrivals_per_minute: float, mean_service_minutes: float, servers: int
) -> float:
    load = arrivals_per_minute * mean_service_minutes  # offered load [Erlang]
    if load >= servers:
        raise ValueError(f"unstable: load {load:.3f} >= servers {servers}")
    tail = load**servers / math.factorial(servers) * servers / (servers - load)
    p_wait = tail / (sum(load**k / math.factorial(k) for k in range(servers)) + tail)
    return p_wait / (servers / mean_service_minutes - arrivals_per_minute)


def erlang_c_wait_probability(
    arrivals_per_minute: float, mean_service_minutes: float, servers: int
) -> float:
    return erlang_c_wait_minutes(arrivals_per_minute, mean_service_minutes, servers) * (
        servers / mean_service_minutes - arrivals_per_minute
    )


def test_erlang_c_formula_by_hand():
    # load 4 Erlang on 5 servers: sum_{k<5} 4^k/k! = 34.333, tail 4^5/5! * 5 = 42.667
    assert erlang_c_wait_minutes(0.2, 20.0, 5) == pytest.approx(0.5541125541 / 0.05, rel=1e-9)
    assert erlang_c_wait_probability(0.2, 20.0, 5) == pytest.approx(42.6666666667 / 77.0, rel=1e-9)
    # one server: M/M/1, Wq = rho / (mu - lambda)
    assert erlang_c_wait_minutes(0.04, 20.0, 1) == pytest.approx(0.8 / (0.05 - 0.04))
    with pytest.raises(ValueError, match="unstable"):
        erlang_c_wait_minutes(0.3, 20.0, 5)


def test_the_toy_region_is_an_m_m_5_pool(toy_region, streams):
    """The fixture's arrivals, slots, service and bays are the ones the formula assumes."""
    gen = StreamGenerator(
        toy_region.streams[0], toy_region, Scenario("mmc"), streams.get("demand.x"), days(7)
    )
    assert gen.base_per_minute == pytest.approx(ARRIVALS_PER_MINUTE, rel=1e-12)
    assert set(gen.profile) == {1.0}
    site = toy_region.seh_sites[0]
    schedule = build_schedule(toy_region.rosters[site.roster], days(60), 0, streams.get("r"))
    assert list(schedule.slots) == [SERVERS]
    assert not schedule.is_closed.any()
    seh = toy_region.seh
    assert {d.family for d in seh.treatment_by_mts.values()} == {"exponential"}
    assert {d.mean_minutes for d in seh.treatment_by_mts.values()} == {MEAN_SERVICE_MINUTES}
    assert seh.triage.sample(streams.get("t"), 5).tolist() == [0.0] * 5
    assert set(seh.admission_share_by_mts.values()) == {0.0}
    assert seh.bay_factor * SERVERS >= 100  # bays never bind
    assert seh.volmelding_on_share > 1.0  # volmelding never switches on


def run_pool(replication: int, servers: int) -> pd.DataFrame:
    region = tiny_region(slots=servers, walk_in_per_minute=ARRIVALS_PER_MINUTE)
    travel = tiny_travel(region, car_area_site=0.0)
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
    return df[df["t_call"] >= days(WARMUP_DAYS)]


@pytest.fixture(scope="module")
def mm5_runs():
    return [run_pool(r, SERVERS) for r in range(REPLICATIONS)]


def test_mean_wait_matches_erlang_c(mm5_runs):
    analytic = erlang_c_wait_minutes(ARRIVALS_PER_MINUTE, MEAN_SERVICE_MINUTES, SERVERS)
    per_rep = np.array([(df["t_treatment_start"] - df["t_arrival"]).mean() for df in mm5_runs])
    mean, lo, hi = t_interval(per_rep)
    print(f"Erlang C: simulated {mean:.2f} min [{lo:.2f}, {hi:.2f}], analytic {analytic:.2f} min")
    assert lo <= analytic <= hi
    assert hi - lo < 2.5  # the interval is informative, not trivially wide


def test_share_that_waits_matches_erlang_c(mm5_runs):
    analytic = erlang_c_wait_probability(ARRIVALS_PER_MINUTE, MEAN_SERVICE_MINUTES, SERVERS)
    per_rep = np.array([(df["t_treatment_start"] > df["t_arrival"]).mean() for df in mm5_runs])
    _mean, lo, hi = t_interval(per_rep)
    assert lo <= analytic <= hi


def test_littles_law_mean_busy_slots_equal_offered_load(mm5_runs):
    """Busy slots over time equal lambda x E[S] = 4 (each patient holds one slot)."""
    t0, t1 = days(WARMUP_DAYS), days(HORIZON_DAYS)
    per_rep = []
    for df in mm5_runs:
        start = np.maximum(df["t_treatment_start"].to_numpy(), t0)
        end = np.minimum(df["t_treatment_end"].to_numpy(), t1)
        per_rep.append(np.clip(end - start, 0.0, None).sum() / (t1 - t0))
    _mean, lo, hi = t_interval(np.array(per_rep))
    assert lo <= ARRIVALS_PER_MINUTE * MEAN_SERVICE_MINUTES <= hi


def test_every_patient_is_treated_in_arrival_order_among_equals(mm5_runs):
    df = mm5_runs[0].sort_values("t_arrival")
    started = df["t_treatment_start"].to_numpy()
    assert (np.diff(started) >= 0).all()  # one colour, first come first served
    assert (df["state"] == "discharged").all()


def test_ample_slots_behave_like_m_m_inf():
    """With far more slots than load nobody waits, and the length of stay is the service."""
    per_rep = []
    for r in range(5):
        df = run_pool(r, servers=100)
        assert (df["t_treatment_start"] == df["t_arrival"]).all()
        per_rep.append((df["t_departure"] - df["t_arrival"]).mean())
    _mean, lo, hi = t_interval(np.array(per_rep))
    assert lo <= MEAN_SERVICE_MINUTES <= hi
