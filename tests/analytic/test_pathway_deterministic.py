"""Deterministic pathways: fixed durations and no queues, so every time is a sum.

An ambulance patient reaches the SEH door after dispatch + drive to the scene + time on
scene + transport, with drive minutes taken from the travel matrices handed to the
model; a walk-in stays triage + treatment; with one ward bed, admissions wait for it in
arrival order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import PatientRows, stream, tiny_region, tiny_travel

from acutesim.domain.distributions import Duration
from acutesim.domain.scenario import Scenario
from acutesim.sim.model import run_replication

pytestmark = pytest.mark.slow

DISPATCH, ON_SCENE, HANDOVER = 2.0, 15.0, 10.0
TRIAGE, TREATMENT, EXTRA_ADMITTED = 5.0, 30.0, 40.0
POST_AREA = np.array([[8.0, 12.0]])  # 1 post x 2 areas
AREA_SITE = np.array([[10.0, 25.0], [30.0, 14.0]])  # 2 areas x 2 sites
SITE_POST = np.array([[5.0], [9.0]])
CAR_AREA_SITE = np.array([[11.0, 26.0], [31.0, 15.0]])
POPULATION = 20_000


def pathway_region(**kw):
    streams = [
        stream("ambulance", "ambulance", 1 / 240, POPULATION),  # ~6 calls a day
        stream("gp_referral", "gp", 1 / 120, POPULATION),
    ]
    defaults = {
        "n_sites": 2,
        "slots": 50,
        "population": POPULATION,
        "streams": streams,
        "treatment": Duration.fixed(TREATMENT),
        "triage": Duration.fixed(TRIAGE),
        "dispatch": Duration.fixed(DISPATCH),
        "on_scene": Duration.fixed(ON_SCENE),
        "handover": Duration.fixed(HANDOVER),
        "conveyance_share": 1.0,
        "vehicles": 20,
    }
    defaults.update(kw)
    return tiny_region(**defaults)


def run(region, scenario=None, days=3.0):
    travel = tiny_travel(
        region,
        post_area=POST_AREA,
        area_site=AREA_SITE,
        site_post=SITE_POST,
        car_area_site=CAR_AREA_SITE,
    )
    sink = PatientRows()
    result = run_replication(
        region,
        scenario or Scenario("deterministic"),
        horizon_days=days,
        warmup_days=0.0,
        root_seed=5,
        replication=0,
        travel=travel,
        patient_sink=sink,
    )
    kpis = {(k, s): v for k, v, s in result.kpis}
    return sink.frame(), kpis


def area_index(df: pd.DataFrame) -> np.ndarray:
    return df["area_id"].str.removeprefix("a").astype(int).to_numpy()


def site_index(df: pd.DataFrame) -> np.ndarray:
    return df["site_id"].str.removeprefix("s").astype(int).to_numpy()


def test_ambulance_call_to_door_is_the_sum_of_its_parts():
    df, kpis = run(pathway_region())
    amb = df[df["route"] == "ambulance"]
    assert len(amb) >= 5
    a = area_index(amb)
    nearest = AREA_SITE.argmin(axis=1)[a]
    np.testing.assert_array_equal(site_index(amb), nearest)
    response = DISPATCH + POST_AREA[0, a]
    call_to_door = response + ON_SCENE + AREA_SITE[a, nearest]
    np.testing.assert_allclose(amb["t_on_scene"] - amb["t_call"], response, atol=1e-9)
    np.testing.assert_allclose(amb["t_arrival"] - amb["t_call"], call_to_door, atol=1e-9)
    np.testing.assert_allclose(amb["t_accept"], amb["t_arrival"], atol=0)  # handoff delay 0
    np.testing.assert_allclose(amb["t_treatment_start"] - amb["t_arrival"], TRIAGE, atol=1e-9)
    np.testing.assert_allclose(amb["t_departure"] - amb["t_treatment_start"], TREATMENT, atol=1e-9)
    assert kpis[("handoff_delay_p90_minutes", None)] == 0.0
    assert kpis[("diversions", None)] == 0.0
    assert kpis[("ambulance_call_to_door_p95_minutes", None)] == pytest.approx(
        np.quantile(call_to_door, 0.95)
    )


def test_walk_in_length_of_stay_is_triage_plus_treatment():
    df, kpis = run(pathway_region())
    walk = df[df["route"] == "gp"]
    assert len(walk) >= 10
    a = area_index(walk)
    nearest = CAR_AREA_SITE.argmin(axis=1)[a]
    np.testing.assert_array_equal(site_index(walk), nearest)
    np.testing.assert_allclose(
        walk["t_arrival"] - walk["t_call"], CAR_AREA_SITE[a, nearest], atol=1e-9
    )
    np.testing.assert_allclose(
        walk["t_departure"] - walk["t_arrival"], TRIAGE + TREATMENT, atol=1e-9
    )
    assert walk["t_accept"].isna().all()
    assert kpis[("seh_los_mean_minutes", None)] == pytest.approx(TRIAGE + TREATMENT)
    assert kpis[("door_to_doctor_p50_minutes", None)] == pytest.approx(TRIAGE)
    assert kpis[("seh_los_over_4h_share", None)] == 0.0


def test_a_closed_seh_sends_ambulances_to_the_next_and_is_no_diversion():
    df, kpis = run(pathway_region(), Scenario("s0_closed", closed_sites=("s0",)))
    amb = df[df["route"] == "ambulance"]
    assert len(amb) >= 5
    assert (amb["site_id"] == "s1").all()
    a = area_index(amb)
    expected = DISPATCH + POST_AREA[0, a] + ON_SCENE + AREA_SITE[a, 1]
    np.testing.assert_allclose(amb["t_arrival"] - amb["t_call"], expected, atol=1e-9)
    assert kpis[("diversions", None)] == 0.0
    assert (df["site_id"] == "s1").all()  # walk-ins go round the closed SEH as well


def test_not_conveyed_calls_end_on_scene():
    df, _ = run(pathway_region(conveyance_share=0.0))
    amb = df[df["route"] == "ambulance"]
    assert len(amb) >= 5
    assert (amb["state"] == "not_conveyed").all()
    assert amb["t_arrival"].isna().all()
    assert amb["site_id"].isna().all()
    a = area_index(amb)
    np.testing.assert_allclose(
        amb["t_on_scene"] - amb["t_call"], DISPATCH + POST_AREA[0, a], atol=1e-9
    )


def test_admissions_add_their_extra_time_and_queue_for_the_one_bed_in_order():
    ward = 100.0
    region = pathway_region(
        n_sites=1,
        beds=1,
        streams=[stream("gp_referral", "gp", 1 / 60, POPULATION)],
        admission_share=1.0,
        admission_extra_minutes=EXTRA_ADMITTED,
        ward_stay=Duration.fixed(ward),
    )
    sink = PatientRows()
    result = run_replication(
        region,
        Scenario("one_bed"),
        horizon_days=2.0,
        warmup_days=0.0,
        root_seed=9,
        replication=0,
        travel=tiny_travel(region, car_area_site=0.0),
        patient_sink=sink,
    )
    df = sink.frame().sort_values("t_treatment_end")
    assert len(df) >= 5
    assert (df["state"] == "admitted").all()
    np.testing.assert_allclose(
        df["t_treatment_end"] - df["t_treatment_start"], TREATMENT + EXTRA_ADMITTED, atol=1e-9
    )
    expected_ward = []
    bed_free = -np.inf
    for t_end in df["t_treatment_end"]:
        t_ward = max(t_end, bed_free)
        expected_ward.append(t_ward)
        bed_free = t_ward + ward
    np.testing.assert_allclose(df["t_ward"], expected_ward, atol=1e-9)
    np.testing.assert_allclose(df["t_departure"], df["t_ward"], atol=0)
    assert (df["t_ward"] > df["t_treatment_end"]).any()  # someone boarded
    boarding_hours = (df["t_departure"] - df["t_treatment_end"]).sum() / 60.0
    kpis = {(k, s): v for k, v, s in result.kpis}
    assert kpis[("boarding_hours", None)] == pytest.approx(boarding_hours)
    assert result.n_in_system == result.n_created - len(df)
    assert result.n_in_system > 0  # the queue for the bed outlasts the horizon
