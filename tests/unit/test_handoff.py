"""Ambulance handoff at the SEH door queues for a bay and a handoff nurse, so its delay
grows with crowding, and vanishes when bays and nurses are unlimited."""

from __future__ import annotations

import dataclasses
import math

from acutesim.domain.scenario import Scenario
from acutesim.sim.model import run_replication

CROWDED = Scenario("crowded", beds_multiplier=0.4, staff_vacancy_share=0.25)


def _kpis(region, travel, scenario):
    result = run_replication(
        region, scenario, horizon_days=14, warmup_days=2, root_seed=7, replication=0, travel=travel
    )
    return {(k, s): v for k, v, s in result.kpis}


def test_handoff_delay_is_positive_when_crowded_and_zero_with_unlimited_bays(
    demo_region, demo_travel
):
    crowded = _kpis(demo_region, demo_travel, CROWDED)
    assert crowded[("handoff_delay_p90_minutes", None)] > 0
    assert crowded[("handoff_hours_lost", None)] > 0
    baseline = _kpis(demo_region, demo_travel, Scenario("baseline"))
    assert crowded[("handoff_hours_lost", None)] > baseline[("handoff_hours_lost", None)]

    unlimited = dataclasses.replace(
        demo_region,
        seh=dataclasses.replace(demo_region.seh, bay_factor=1000.0),
        pathways=dataclasses.replace(demo_region.pathways, handoff_nurses_per_seh=math.inf),
    )
    free = _kpis(unlimited, demo_travel, CROWDED)
    assert free[("handoff_delay_p90_minutes", None)] == 0.0
    assert free[("handoff_delay_p50_minutes", None)] == 0.0
    assert free[("handoff_hours_lost", None)] == 0.0
