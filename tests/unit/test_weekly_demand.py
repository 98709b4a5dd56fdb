"""Demand by hour and day: weekend SEH arrivals are about 0.87 of weekday arrivals (SAZ
2019 census) and every stream keeps its weekly total."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import PatientRows

from acutesim.domain.scenario import Scenario
from acutesim.rng import RandomStreams
from acutesim.sim.demand import StreamGenerator
from acutesim.sim.model import run_replication
from acutesim.units import MINUTES_PER_DAY, MINUTES_PER_WEEK, MINUTES_PER_YEAR, PER_THOUSAND


def test_every_stream_keeps_its_weekly_total(demo_region):
    region = dataclasses.replace(demo_region, demand_growth_per_year=0.0)
    weights = sum(a.population * a.demand_weight for a in region.areas)
    for s in region.streams:
        gen = StreamGenerator(s, region, Scenario("w"), RandomStreams(1, 0).get("x"), 1e6)
        expected = s.rate_per_1000_per_year / PER_THOUSAND * weights * MINUTES_PER_WEEK
        assert gen.hourly_rates(0.0).sum() == pytest.approx(expected / MINUTES_PER_YEAR)
        assert np.mean(s.profile) == pytest.approx(1.0)


def test_weekend_seh_arrivals_are_about_0_87_of_weekday_arrivals(demo_region, demo_travel):
    sink = PatientRows()
    run_replication(
        demo_region,
        Scenario("w"),
        horizon_days=56,
        warmup_days=0,
        root_seed=11,
        replication=0,
        travel=demo_travel,
        patient_sink=sink,
    )
    rows = sink.frame()
    arrived = rows[rows["t_first_arrival"].notna()]
    first = demo_region.calendar.start_date.weekday()
    weekday = ((arrived["t_first_arrival"] // MINUTES_PER_DAY).astype(int) + first) % 7
    per_day_weekend = (weekday >= 5).sum() / 16
    per_day_weekday = (weekday < 5).sum() / 40
    ratio = per_day_weekend / per_day_weekday
    assert 0.80 <= ratio <= 0.94, ratio
    # GP referrals at weekends come through the HAP
    weekend = arrived[weekday >= 5]
    assert (weekend["route"] == "gp").sum() > 0
    assert (weekend.loc[weekend["route"] == "gp", "arrival_route"] == "gp_hap").all()
