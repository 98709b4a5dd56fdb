"""Ambulance classes: siren and no-siren travel, B rides on their own vehicles, urgency
drawn jointly with the MTS colour, conveyance per class and A1 rides to a specialised
centre past the nearest SEH."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import PatientRows, build_model, stream, tiny_region, tiny_travel

from acutesim.domain.distributions import Duration
from acutesim.domain.pathways import PathwayParameters
from acutesim.domain.scenario import Scenario
from acutesim.errors import SimulationError
from acutesim.sim.model import run_replication

FACTOR = 1.25


def _amb_region(**pathway_knobs):
    pathways = PathwayParameters(
        max_wait_for_treatment_minutes=np.inf,
        lwbs_colours=(),
        handoff_nurses_per_seh=np.inf,
        no_siren_travel_factor=FACTOR,
        **pathway_knobs,
    )
    return tiny_region(
        n_sites=2,
        n_areas=1,
        streams=[stream("ambulance", "ambulance", 0.01, 100_000)],
        dispatch=Duration.fixed(0.0),
        vehicles=20,
        conveyance_share=1.0,
        pathways=pathways,
    )


def _rows(region, days=20.0):
    sink = PatientRows()
    build_model(region, horizon_days=days, travel=tiny_travel(region), sink=sink).run()
    return sink.frame()


def test_a2_and_b_drive_without_siren_and_b_rides_use_their_own_vehicles():
    rows = _rows(_amb_region(b_ride_rule="own_vehicles"))
    a1, a2, b = (rows[rows["urgency"] == u] for u in ("A1", "A2", "B"))
    assert len(a1) > 50
    assert len(a2) > 50
    assert len(b) > 20
    # post to area is 8 minutes with siren
    assert np.allclose(a1["drive_to_scene_minutes"], 8.0)
    assert np.allclose(a2["drive_to_scene_minutes"], 8.0 * FACTOR)
    assert np.allclose(a1["t_on_scene"] - a1["t_call"], 8.0)  # 20 idle vehicles: no wait
    assert b["vehicle_id"].isna().all()
    assert a2["vehicle_id"].notna().all()
    shared = _rows(_amb_region(b_ride_rule="shared"))
    assert shared.loc[shared["urgency"] == "B", "vehicle_id"].notna().all()


def test_a1_share_goes_past_the_nearest_seh_to_the_specialised_centre():
    region = _amb_region(
        specialised_sites=("s1",),
        a1_specialised_share=1.0,
        seh_share_of_conveyed={"A1": 1.0, "A2": 1.0, "B": 0.0},
    )
    rows = _rows(region)
    seh = rows[rows["state"].isin(["discharged", "admitted"])]
    assert set(seh.loc[seh["urgency"] == "A1", "site_id"]) == {"s1"}  # s0 is nearer
    assert set(seh.loc[seh["urgency"] == "A2", "site_id"]) == {"s0"}
    # B rides are planned transports past the SEH
    assert (rows.loc[rows["urgency"] == "B", "state"] == "conveyed_direct").all()


def test_urgency_is_drawn_jointly_with_the_triage_colour_and_conveyance_follows_the_class(
    demo_region, demo_travel
):
    sink = PatientRows()
    run_replication(
        demo_region,
        Scenario("b"),
        horizon_days=28,
        warmup_days=0,
        root_seed=3,
        replication=0,
        travel=demo_travel,
        patient_sink=sink,
    )
    rows = sink.frame()
    amb = rows[rows["route"] == "ambulance"]
    red_orange = amb["mts"].isin(["red", "orange"])
    by_class = red_orange.groupby(amb["urgency"]).mean()
    assert by_class["A1"] > 0.5 > by_class["A2"] > by_class["B"]
    assert (amb.loc[amb["urgency"] == "B", "mts"] != "red").all()
    # about a quarter of deployments are not conveyed [Non-conveyance-2025]
    not_conveyed = (amb["state"] == "not_conveyed").mean()
    assert not_conveyed == pytest.approx(0.25, abs=0.03)
    assert (amb.loc[amb["urgency"] == "B", "state"] != "not_conveyed").all()
    # non-conveyed rides free the vehicle at the scene
    nc = amb[amb["state"] == "not_conveyed"]
    assert np.isnan(nc["t_door"]).all()
    assert nc["transport_minutes"].isna().all()
    assert (nc["t_release"] > nc["t_on_scene"]).all()


def test_specialised_sites_must_be_seh_sites():
    region = _amb_region(specialised_sites=("nowhere",))
    with pytest.raises(SimulationError, match="nowhere"):
        build_model(region, horizon_days=1, travel=tiny_travel(region))


def test_conveyed_direct_rides_are_handed_over_at_the_nearest_hospital():
    region = _amb_region(seh_share_of_conveyed={"A1": 0.0, "A2": 0.0, "B": 0.0})
    region = dataclasses.replace(
        region, ambulance=dataclasses.replace(region.ambulance, handover=Duration.fixed(12.0))
    )
    rows = _rows(region, days=5)
    assert (rows["state"] == "conveyed_direct").all()
    fleet = rows[rows["vehicle_id"].notna()]
    assert set(fleet["site_id"]) == {"s0"}
    assert np.allclose(fleet["t_release"] - fleet["t_door"], 12.0)


def test_a_pack_naming_an_unknown_specialised_site_is_a_located_config_error(tmp_path):
    from helpers import copy_demo

    from acutesim.config.load import load_region
    from acutesim.errors import ConfigError

    pack = copy_demo(tmp_path)
    toml = pack / "region.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'specialised_sites = ["centraal"]', 'specialised_sites = ["centrale"]'
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"\[pathways\] specialised_sites: 'centrale'"):
        load_region(pack)


def test_quiet_hours_rule_keeps_a_reserve_of_vehicles_for_emergencies():
    """Three vehicles: with a reserve of three, B rides never take one (they wait to be
    planned); with a reserve of zero they behave as under ``shared``."""
    streams = [stream("ambulance", "ambulance", 0.01, 100_000)]

    def rows(rule: str, reserve: int):
        region = tiny_region(
            n_sites=2,
            n_areas=1,
            streams=streams,
            dispatch=Duration.fixed(0.0),
            vehicles=3,
            conveyance_share=1.0,
            pathways=dataclasses.replace(
                _amb_region().pathways, b_ride_rule=rule, b_reserve_vehicles=reserve
            ),
        )
        return _rows(region, days=5)

    blocked = rows("quiet_hours", 3)
    assert (blocked["urgency"] != "B").all()  # no B ride finished
    assert len(blocked[blocked["urgency"] == "A1"]) > 20
    assert rows("quiet_hours", 0).equals(rows("shared", 0))
    assert (rows("shared", 0)["urgency"] == "B").any()
