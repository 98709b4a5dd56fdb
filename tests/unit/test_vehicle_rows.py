"""The vehicle table as columns (VehicleRows): the same rows, values and Arrow table as the
tuples it replaced, with far less memory per row."""

from __future__ import annotations

import math

import numpy as np
from helpers import DEMO

from acutesim.config.load import load_region
from acutesim.domain.scenario import Scenario
from acutesim.experiment.journeys import vehicles_table
from acutesim.experiment.runner import result_tables
from acutesim.sim.model import run_replication
from acutesim.sim.recorder import ON_DUTY, VEHICLE_COLUMNS, VehicleLog


def _tuple_rows(log: VehicleLog, ids: list[str], posts: list[str]) -> list[tuple]:
    """The rows as the log built them before the columns (one tuple of Python scalars each)."""
    out = []
    minutes = log.minutes
    busy = minutes[:, :, :ON_DUTY].sum(axis=2)
    on = minutes[:, :, ON_DUTY]
    for v, i in zip(*np.nonzero((on > 0) | (busy > 0)), strict=True):
        out.append(
            (
                ids[v],
                posts[v],
                float(log.starts[i]),
                log.names[i],
                float(on[v, i]),
                *(float(x) for x in minutes[v, i, :ON_DUTY]),
                float(busy[v, i]),
                float(busy[v, i] / on[v, i]) if on[v, i] > 0 else float("nan"),
            )
        )
    return out


def _same(a: tuple, b: tuple) -> bool:
    return all(
        (isinstance(x, float) and math.isnan(x) and math.isnan(y))
        or (x == y and type(x) is type(y))
        for x, y in zip(a, b, strict=True)
    )


def test_vehicle_rows_iterate_as_the_tuples_they_replace():
    log = VehicleLog(3, {"day": 8.0, "night": 20.0}, 60.0, 2 * 1440.0)
    log.add(0, 0, 100.0, 200.0)
    log.add(0, ON_DUTY, 0.0, 2 * 1440.0)  # on duty throughout, clipped to [60, 2880]
    log.add(2, 3, 400.0, 1000.0)  # busy across the 20:00 edge, never on duty: NaN share
    log.add(1, ON_DUTY, 500.0, 500.0)  # empty: no row
    rows = log.rows(["a", "b", "c"], ["p", "q", "r"])
    expected = _tuple_rows(log, ["a", "b", "c"], ["p", "q", "r"])
    got = list(rows)
    assert len(rows) == len(expected) == len(got) > 4
    assert all(len(r) == len(VEHICLE_COLUMNS) for r in got)
    assert all(_same(a, b) for a, b in zip(got, expected, strict=True))
    assert {r[0] for r in got} == {"a", "c"}
    assert any(math.isnan(r[-1]) for r in got)
    numbers = rows.numbers()
    assert list(numbers) == [c for c in VEHICLE_COLUMNS if c.endswith(("minutes", "share"))]
    assert all(a.dtype == np.float64 and a.shape == (len(rows),) for a in numbers.values())


def test_result_tables_vehicles_equal_the_table_built_from_tuples():
    region = load_region(DEMO)
    result = run_replication(
        region,
        Scenario("baseline"),
        horizon_days=3.0,
        warmup_days=0.5,
        root_seed=7,
        replication=0,
    )
    result.scenario, result.replication = "baseline", 0
    assert result.vehicles is not None
    assert len(result.vehicles) > 50
    table = result_tables(result, region)["vehicles"]
    reference = vehicles_table(list(result.vehicles), "baseline", 0, region.calendar)
    assert table.schema.equals(reference.schema)
    assert table.num_rows == reference.num_rows
    assert table.to_pandas().equals(reference.to_pandas())
    assert table.column("date").unique().to_pylist()[:2] == [
        region.calendar.date(0.0).isoformat(),
        region.calendar.date(1440.0).isoformat(),
    ]
    # the float columns wrap the rows' arrays (no second copy of a national year's table)
    shared = table.column("on_duty_minutes").chunks[0].buffers()[1].address
    assert shared == result.vehicles.on_duty.ctypes.data
    shared = table.column("handoff_minutes").chunks[0].buffers()[1].address
    assert shared == result.vehicles.activities[3].ctypes.data
