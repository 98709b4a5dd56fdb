"""Patients of one priority are treated in the order they arrived, whatever their stream."""

from __future__ import annotations

import numpy as np
from helpers import PatientRows, build_model, one_colour, stream, tiny_region

POPULATION = 100_000


def test_same_priority_is_first_come_first_served_across_streams() -> None:
    # Two walk-in streams of the same colour into one SEH with a queue: the stream a
    # patient came from must not decide who is treated first.
    region = tiny_region(
        slots=2,
        population=POPULATION,
        streams=[
            stream("gp_referral", "gp", 0.06, POPULATION),
            stream("other_referral", "other", 0.06, POPULATION),
        ],
        mts_shares=one_colour("yellow"),
    )
    sink = PatientRows()
    model = build_model(region, horizon_days=10, sink=sink)
    model.run()
    df = sink.frame()
    df = df[df["state"].isin(["discharged", "admitted"])].sort_values("t_arrival")
    started = df["t_treatment_start"].to_numpy()
    waits = df["t_treatment_start"] - df["t_arrival"]
    assert (waits > 1.0).mean() > 0.3, "the test needs a queue"
    # First come, first served: treatment starts are in arrival order.
    assert np.all(np.diff(started) >= 0)
    # and neither stream waits systematically longer
    by_stream = waits.groupby(df["stream"]).mean()
    assert abs(by_stream["gp_referral"] - by_stream["other_referral"]) < 0.25 * waits.mean()
