"""Routing respects SEH status, and what happens at a closing time.

Closed SEHs (for good, for the shift, outside their hours) take no patients; a patient
with no receiving SEH is unserved with a reason; waiting patients at a closing SEH are
transferred; nobody waits longer than the named maximum; leaving without being seen is
counted.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import PatientRows, build_model, stream, tiny_region, tiny_travel

from acutesim.domain.distributions import Duration
from acutesim.domain.pathways import PathwayParameters
from acutesim.domain.scenario import Scenario
from acutesim.sim.model import run_replication
from acutesim.sim.patient import UNSERVED_REASONS
from acutesim.units import MINUTES_PER_DAY, MINUTES_PER_HOUR

DAYS = 14
SEED = 20260105
SEH_STATES = ("discharged", "admitted")


def _run(region, travel, scenario):
    sink = PatientRows()
    result = run_replication(
        region,
        scenario,
        horizon_days=DAYS,
        warmup_days=0,
        root_seed=SEED,
        replication=0,
        travel=travel,
        patient_sink=sink,
    )
    kpis = {(k, s): v for k, v, s in result.kpis}
    return result, kpis, sink.frame()


def test_closing_every_seh_gives_no_visits_and_every_patient_unserved_with_a_reason(
    demo_region, demo_travel
):
    all_sites = tuple(s.site_id for s in demo_region.seh_sites)
    _, kpis, rows = _run(demo_region, demo_travel, Scenario("none", closed_sites=all_sites))
    assert kpis[("seh_visits", None)] == 0
    assert not rows["state"].isin(SEH_STATES).any()
    # only rides handed over past the SEH (cath lab, ward) still reach a hospital
    assert rows.loc[rows["state"] != "conveyed_direct", "site_id"].isna().all()
    unserved = rows[rows["state"] == "unserved"]
    assert set(unserved["reason"]) <= set(UNSERVED_REASONS)
    assert unserved["reason"].notna().all()
    # everyone who needed an SEH: walk-ins, referrals, conveyed ambulance patients, HAP referrals
    needing = rows[~rows["state"].isin(["hap_done", "not_conveyed", "conveyed_direct"])]
    assert len(needing) == len(unserved) > 500
    assert kpis[("unserved", None)] == len(unserved)
    assert kpis[("unserved_no_open_seh", None)] == (unserved["reason"] == "no_open_seh").sum()


def test_closing_all_but_one_sends_everyone_who_can_reach_it_there(demo_region, demo_travel):
    keep = "centraal"
    assert np.isfinite(demo_travel.car_area_site).all()  # every area can reach it
    closed = tuple(s.site_id for s in demo_region.seh_sites if s.site_id != keep)
    _, kpis, rows = _run(demo_region, demo_travel, Scenario("one", closed_sites=closed))
    at_seh = rows[rows["site_id"].notna() & (rows["state"] != "conveyed_direct")]
    assert set(at_seh["site_id"]) == {keep}
    assert (rows["reason"] != "no_open_seh").all()
    assert kpis[("seh_visits", keep)] == kpis[("seh_visits", None)] > 500
    for sid in closed:
        assert kpis[("seh_visits", sid)] == 0


def test_with_a_quarter_of_positions_vacant_no_wait_exceeds_the_maximum(demo_region, demo_travel):
    limit = demo_region.pathways.max_wait_for_treatment_minutes
    _, kpis, rows = _run(demo_region, demo_travel, Scenario("vac", staff_vacancy_share=0.25))
    treated = rows[rows["state"].isin(SEH_STATES)]
    wait = treated["t_treatment_start"] - treated["t_first_arrival"]
    assert wait.notna().all()
    assert wait.max() <= limit + 1e-9
    assert kpis[("wait_for_treatment_max_minutes", None)] <= limit + 1e-9
    assert kpis[("closed_shift_hours", None)] > 0
    left = rows[rows["state"] == "left_unseen"]
    assert len(left) > 0
    assert kpis[("left_without_being_seen", None)] == len(left)
    share = kpis[("left_without_being_seen_share", None)]
    assert share == pytest.approx(
        len(left) / (len(treated) + len(left) + (rows["reason"] == "max_wait").sum())
    )
    # nobody leaves within the waiting they were promised: the walk-in waited before leaving
    assert ((left["t_departure"] - left["t_first_arrival"]) > 0).all()
    assert (rows.loc[rows["route"] == "ambulance", "state"] != "left_unseen").all()


def test_a_short_maximum_wait_sends_patients_home_and_is_never_exceeded(demo_region, demo_travel):
    limit = 45.0
    pathways = dataclasses.replace(demo_region.pathways, max_wait_for_treatment_minutes=limit)
    region = dataclasses.replace(demo_region, pathways=pathways)
    _, kpis, rows = _run(region, demo_travel, Scenario("vac", staff_vacancy_share=0.25))
    treated = rows[rows["state"].isin(SEH_STATES)]
    assert (treated["t_treatment_start"] - treated["t_first_arrival"]).max() <= limit + 1e-9
    home = rows[rows["reason"] == "max_wait"]
    assert len(home) == kpis[("unserved_max_wait", None)] > 0
    waited = home["t_departure"] - home["t_first_arrival"]
    # sent home at the deadline, or at the queue when triage or a transfer ran past it
    assert (waited >= limit - 1e-9).all()
    assert np.isclose(waited, limit).mean() > 0.5, waited.describe()


def test_a_day_only_seh_hands_its_waiting_patients_on_at_closing_time():
    """Site s1 (08-23 h, one slot, 100-min treatments) is swamped; at 23:00 the patients
    in treatment finish there and the waiting ones go on to s0."""
    region = tiny_region(
        n_sites=2,
        slots=[20, 1],
        day_only_last_site=True,
        treatment=Duration.fixed(100.0),
        streams=[stream("gp", "gp", 0.05, 100_000)],
        n_areas=2,
        pathways=PathwayParameters(),
    )
    travel = tiny_travel(region)  # area 1 is nearest to s1
    sink = PatientRows()
    model = build_model(region, horizon_days=3.5, travel=travel, sink=sink)
    model.run()
    rows = sink.frame()
    at_s1 = rows[(rows["site_id"] == "s1") & rows["state"].isin(SEH_STATES)]
    hour = (at_s1["t_treatment_start"] % MINUTES_PER_DAY) / MINUTES_PER_HOUR
    assert ((hour >= 8.0) & (hour < 23.0)).all()  # no treatment starts while closed
    end_hour = (at_s1["t_treatment_end"] % MINUTES_PER_DAY) / MINUTES_PER_HOUR
    assert (end_hour > 23.0).any() or (end_hour < 8.0).any()  # treatments finish after 23:00
    moved = rows[rows["n_site_transfers"] > 0]
    assert len(moved) > 0
    assert set(moved["site_id"].dropna()) == {"s0"}
    assert model.recorder.sites[1].closing_transfers == len(moved)
