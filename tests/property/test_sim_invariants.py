"""Invariants of the simulation over generated small regions and scenarios.

Every patient ends in exactly one terminal state or is still in the system at the
horizon; timestamps never run backwards; busy treatment slots never exceed the staffed
capacity of the roster at that minute; and capacity changes leave the incidents
untouched (common random numbers).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from helpers import PatientRows, build_model, run_stepwise, shift_roster, stream, tiny_region
from hypothesis import given
from hypothesis import strategies as st

from acutesim.domain.distributions import Duration
from acutesim.domain.scenario import Scenario
from acutesim.rng import RandomStreams
from acutesim.sim.demand import StreamGenerator
from acutesim.sim.kpis import compute_kpis
from acutesim.sim.model import STREAM_ID_STRIDE, run_replication
from acutesim.sim.patient import TERMINAL_STATES
from acutesim.units import days

HORIZON_DAYS = 3.0
WARMUP_DAYS = 0.5
POPULATION = 30_000
CHAIN = (
    "t_call",
    "t_on_scene",
    "t_arrival",
    "t_accept",
    "t_treatment_start",
    "t_treatment_end",
    "t_ward",
    "t_departure",
)


@st.composite
def configs(draw):
    n_sites = draw(st.integers(1, 2))
    rosters = [
        shift_roster(
            f"seh_r{i}",
            day_staff=draw(st.integers(1, 4)),
            night_staff=draw(st.integers(0, 2)),
            slots_per_staff=draw(st.sampled_from([1.0, 2.0, 3.0])),
            min_staff=1,
            absence_probability=draw(st.sampled_from([0.0, 0.1, 0.3])),
        )
        for i in range(n_sites)
    ]
    mult = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))
    on_share = draw(st.sampled_from([0.7, 0.9, 1.2]))
    region = tiny_region(
        n_sites=n_sites,
        rosters=rosters,
        beds=draw(st.integers(0, 6)),
        population=POPULATION,
        n_areas=3,
        streams=[
            stream("ambulance", "ambulance", 1 / 60, POPULATION),
            stream("gp_referral", "gp", 1 / 45, POPULATION),
            stream("self_referral", "self", 1 / 45, POPULATION),
            stream("hap_contact", "hap", 1 / 40, POPULATION),
        ],
        mts_shares={"red": 0.05, "orange": 0.2, "yellow": 0.45, "green": 0.25, "blue": 0.05},
        treatment=Duration.lognormal(60.0, 40.0),
        triage=Duration.exponential(5.0),
        admission_share=draw(st.sampled_from([0.0, 0.3, 0.8])),
        ward_stay=Duration.lognormal(600.0, 400.0),
        bay_factor=draw(st.sampled_from([1.0, 1.5, 3.0])),
        volmelding_on_share=on_share,
        volmelding_off_share=on_share - 0.2,
        handover=Duration.fixed(10.0),
        conveyance_share=0.7,
        vehicles=draw(st.integers(1, 3)),
        with_hap=draw(st.booleans()),
        hap_referral_share=0.3,
        hap_takes_self_referral_share=0.5,
        day_only_last_site=draw(st.booleans()),
    )
    scenario = Scenario(
        "generated",
        demand_multiplier=mult,
        staff_vacancy_share=draw(st.sampled_from([None, 0.0, 0.2, 0.5])),
        beds_multiplier=draw(st.sampled_from([0.5, 1.0, 2.0])),
    )
    seed = draw(st.integers(0, 2**31 - 1))
    return region, scenario, seed


def check_capacity(model) -> None:
    """Busy slots never exceed staffed slots while an SEH receives patients (when it does
    not, the closing crew finishes the treatments under way: rule ``finish``); once an
    instant settles, slots are the roster's."""
    env = model.env
    settled = env.peek() > env.now
    for seh, schedule in zip(model.sehs, model.schedules, strict=True):
        if not seh.accepts_walk_in:
            assert not seh.queued, (seh.site_id, env.now)  # nobody waits at a closed SEH
            continue
        assert len(seh.treating) <= seh.slots, (seh.site_id, env.now, len(seh.treating), seh.slots)
        assert 0 <= seh.free_bays <= seh.bays
        assert seh.n_present >= 0
        if settled:
            slots, closed = schedule.at(env.now)
            assert seh.slots == slots, (seh.site_id, env.now, seh.slots, slots)
            assert seh.is_closed_shift == closed
            assert len(seh.treating) <= slots


def generated_incidents(region, scenario, seed, replication=0) -> pd.DataFrame:
    """Every incident the demand streams release, regenerated independently of the model."""
    streams = RandomStreams(seed, replication)
    rows = []
    for k, s in enumerate(region.streams):
        gen = StreamGenerator(
            s, region, scenario, streams.get(f"demand.{s.name}"), days(HORIZON_DAYS)
        )
        seq = k * STREAM_ID_STRIDE
        for batch in gen.weeks():
            for t, area in zip(batch.t_minutes, batch.area, strict=True):
                rows.append((seq, s.name, float(t), region.areas[int(area)].area_id))
                seq += 1
    return pd.DataFrame(rows, columns=["patient_id", "stream", "t_call", "area_id"])


def assert_patient_rows_are_consistent(df: pd.DataFrame) -> None:
    assert not df["patient_id"].duplicated().any()
    assert df["state"].isin(TERMINAL_STATES).all()
    chain = df[list(CHAIN)].to_numpy(dtype=float)
    for row in chain:
        seen = row[~np.isnan(row)]
        assert (np.diff(seen) >= 0).all(), row
    at_seh = df["state"].isin(["discharged", "admitted"])
    for col in ("t_arrival", "t_treatment_start", "t_treatment_end", "t_departure"):
        assert df.loc[at_seh, col].notna().all(), col
    assert df.loc[at_seh, "site_id"].notna().all()
    admitted = df["state"] == "admitted"
    assert df.loc[admitted, "admitted"].all()
    assert df.loc[admitted, "t_ward"].notna().all()
    assert not df.loc[df["state"] == "discharged", "admitted"].any()
    assert (df.loc[df["state"] == "not_conveyed", "route"] == "ambulance").all()
    hap_done = df["state"] == "hap_done"
    assert df.loc[hap_done, "route"].isin(["hap", "self"]).all()
    assert df.loc[hap_done, "site_id"].isna().all()
    amb = df["route"] == "ambulance"
    assert df.loc[amb & at_seh, "t_accept"].notna().all()
    assert df.loc[amb, "t_on_scene"].notna().all()


@given(configs())
def test_patients_timestamps_and_capacity(config):
    region, scenario, seed = config
    sink = PatientRows()
    model = build_model(
        region, scenario, horizon_days=HORIZON_DAYS, warmup_days=WARMUP_DAYS, seed=seed, sink=sink
    )
    run_stepwise(model, check_capacity)
    result = compute_kpis(model)
    df = sink.frame()

    # exactly one terminal state per journey, or still in the system at the horizon
    assert len(df) == sum(result.n_terminal.values())
    assert result.n_in_system >= sum(seh.n_present for seh in model.sehs) >= 0
    assert result.n_created == len(df) + result.n_in_system
    assert_patient_rows_are_consistent(df)

    # the KPIs count the same journeys the patient table shows
    kpis = {(k, s): v for k, v, s in result.kpis}
    measured = df[df["t_call"] >= days(WARMUP_DAYS)]
    visits = measured[measured["state"].isin(["discharged", "admitted"])]
    assert kpis[("seh_visits", None)] == len(visits)
    for site in model.sites:
        assert kpis[("seh_visits", site.site_id)] == (visits["site_id"] == site.site_id).sum()
    assert kpis[("journeys", None)] == result.n_created

    # the model released exactly the incidents the demand streams generate
    incidents = generated_incidents(region, scenario, seed)
    assert result.n_created == len(incidents)
    merged = df.merge(incidents, on="patient_id", how="left", suffixes=("", "_born"))
    assert merged["t_call_born"].notna().all()
    assert (merged["t_call"] == merged["t_call_born"]).all()
    assert (merged["area_id"] == merged["area_id_born"]).all()
    assert (merged["stream"] == merged["stream_born"]).all()


CAPACITY_CHANGES = {
    "unlimited_staff": {"unlimited_staff": True},
    "many_beds": {"beds_multiplier": 5.0},
    "no_beds": {"beds_multiplier": 0.0},
    "short_staffed": {"staff_vacancy_share": 0.6},
    "close_s0": {"closed_sites": ("s0",)},
}


def incident_rows(region, scenario, seed) -> tuple[pd.DataFrame, int]:
    sink = PatientRows()
    result = run_replication(
        region,
        scenario,
        horizon_days=HORIZON_DAYS,
        warmup_days=0.5,
        root_seed=seed,
        replication=1,
        travel=build_model(region, horizon_days=HORIZON_DAYS).travel,
        patient_sink=sink,
    )
    df = sink.frame()[["patient_id", "stream", "t_call", "area_id"]]
    return df.set_index("patient_id").sort_index(), result.n_created


@given(configs(), st.sampled_from(sorted(CAPACITY_CHANGES)))
def test_capacity_changes_leave_the_incident_stream_identical(config, change):
    region, scenario, seed = config
    if change == "close_s0" and len(region.seh_sites) < 2:
        change = "short_staffed"
    changed = dataclasses.replace(scenario, name=change, **CAPACITY_CHANGES[change])
    base, n_base = incident_rows(region, scenario, seed)
    other, n_other = incident_rows(region, changed, seed)
    assert n_base == n_other
    shared = base.index.intersection(other.index)
    assert len(shared) >= 0.5 * min(len(base), len(other))
    pd.testing.assert_frame_equal(base.loc[shared], other.loc[shared], check_exact=True)


# --- the stepwise runner mirrors Model.run ------------------------------------------------
def test_stepwise_run_gives_the_same_patients_as_model_run():
    region, scenario, seed = (
        tiny_region(
            n_sites=2,
            rosters=[shift_roster("a", absence_probability=0.3), shift_roster("b", night_staff=0)],
            streams=[
                stream("ambulance", "ambulance", 1 / 60, 100_000),
                stream("gp_referral", "gp", 1 / 30, 100_000),
            ],
            treatment=Duration.lognormal(60.0, 40.0),
            bay_factor=1.5,
            volmelding_on_share=0.9,
            volmelding_off_share=0.7,
        ),
        Scenario("x"),
        4,
    )
    a, b = PatientRows(), PatientRows()
    build_model(region, scenario, horizon_days=4, seed=seed, sink=a).run()
    run_stepwise(build_model(region, scenario, horizon_days=4, seed=seed, sink=b), lambda m: None)
    assert len(a.rows) > 100
    pd.testing.assert_frame_equal(a.frame(), b.frame())


def test_capacity_drops_pause_treatments_without_losing_time():
    """At a drop in staffing the excess treatments pause and later finish in full."""
    region = tiny_region(
        rosters=[shift_roster("drop", day_staff=4, night_staff=1, slots_per_staff=1.0)],
        streams=[stream("gp_referral", "gp", 1 / 20, 100_000)],
        treatment=Duration.fixed(250.0),  # not a multiple of the shift grid
    )
    sink = PatientRows()
    model = build_model(region, horizon_days=3, seed=2, sink=sink)
    paused = []

    def watch(m):
        check_capacity(m)
        paused.append(len(m.sehs[0].queue_bay))

    run_stepwise(model, watch)
    df = sink.frame()
    assert max(paused) > 0  # some treatment was paused at 20:00
    elapsed = df["t_treatment_end"] - df["t_treatment_start"]
    assert (elapsed >= 250.0 - 1e-9).all()
    assert (elapsed > 250.0 + 1e-9).any()


# --- extreme values -----------------------------------------------------------------------
def test_zero_staff_treats_nobody_closes_every_shift_and_leaves_everyone_unserved():
    region = tiny_region(
        n_sites=2,
        rosters=[shift_roster("a"), shift_roster("b")],
        streams=[stream("gp_referral", "gp", 1 / 30, 100_000)],
    )
    sink = PatientRows()
    result = run_replication(
        region,
        Scenario("nobody", staff_vacancy_share=1.0),
        horizon_days=2,
        warmup_days=0,
        root_seed=1,
        replication=0,
        travel=build_model(region, horizon_days=2).travel,
        patient_sink=sink,
    )
    kpis = {(k, s): v for k, v, s in result.kpis}
    # every SEH is closed for every shift: nobody waits in place, all are unserved
    rows = sink.frame()
    assert (rows["state"] == "unserved").all()
    assert (rows["reason"] == "no_open_seh").all()
    assert result.n_in_system == 0
    assert len(rows) == result.n_created > 0
    assert kpis[("closed_shift_hours", None)] == pytest.approx(2 * 48.0)
    assert kpis[("seh_visits", None)] == 0
    assert math.isnan(kpis[("seh_los_mean_minutes", None)])


def demo_kpis(demo_region, demo_travel, scenario: Scenario) -> dict:
    result = run_replication(
        demo_region,
        scenario,
        horizon_days=28,
        warmup_days=2,
        root_seed=20261123,
        replication=0,
        travel=demo_travel,
    )
    return {(k, s): v for k, v, s in result.kpis}


@pytest.mark.slow
def test_staff_vacancies_close_shifts_and_divert_ambulances(demo_region, demo_travel):
    kpis = demo_kpis(demo_region, demo_travel, Scenario("vacancies", staff_vacancy_share=0.3))
    assert kpis[("closed_shift_hours", None)] > 0
    assert kpis[("diversions", None)] > 0


@pytest.mark.slow
def test_ample_staff_neither_closes_nor_diverts(demo_region, demo_travel):
    ample = Scenario("ample", unlimited_staff=True, volmelding_on_share=2.0)
    kpis = demo_kpis(demo_region, demo_travel, ample)
    assert kpis[("closed_shift_hours", None)] == 0
    assert kpis[("diversions", None)] == 0
    assert kpis[("volmelding_hours", None)] == 0
    assert kpis[("seh_visits", None)] > 1000
