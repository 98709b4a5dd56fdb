"""Replaying an ambulance call log from CSV: deterministic, the log's fields are kept,
and errors are located by row."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import DEMO, PatientRows
from pyproj import Transformer

from acutesim.config.load import load_experiment
from acutesim.errors import ConfigError
from acutesim.sim.model import run_replication

HEADER = "time,area_id,lon,lat,urgency,on_scene_minutes,conveyed\n"


def _experiment(tmp_path, csv_text: str):
    (tmp_path / "calls.csv").write_text(csv_text, encoding="utf-8")
    path = tmp_path / "replay.toml"
    path.write_text(
        f'name = "replay"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 3\n'
        '[[scenarios]]\nname = "log"\ncall_log = "calls.csv"\n',
        encoding="utf-8",
    )
    return load_experiment(path)


def _lonlat(region, k: int) -> tuple[float, float]:
    tf = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    a = region.areas[k]
    return tf.transform(a.x_m, a.y_m)


def _replay(experiment, region, travel):
    from acutesim.config.calls import read_call_log

    scenario = experiment.scenarios[0]
    sink = PatientRows()
    run_replication(
        region,
        scenario,
        horizon_days=3,
        warmup_days=0,
        root_seed=5,
        replication=0,
        travel=travel,
        patient_sink=sink,
        call_log=read_call_log(scenario.call_log, region),
    )
    rows = sink.frame()
    return rows[rows["route"] == "ambulance"].sort_values("t_call").reset_index(drop=True)


def test_a_small_log_replays_deterministically_with_its_own_fields(
    tmp_path, demo_region, demo_travel
):
    a0, a3 = demo_region.areas[0].area_id, demo_region.areas[3].area_id
    lon, lat = _lonlat(demo_region, 5)
    text = HEADER + (
        f"2026-01-05 08:00,{a0},,,A1,,\n"
        f"2026-01-05 09:30,,{lon},{lat},A2,35,yes\n"
        f"2026-01-05 09:00,{a3},,,A0,12.5,no\n"  # out of order: sorted by time
        f"2026-01-06 14:15,{a0},,,A1,,\n"
        f"2026-01-07 02:00,{a3},,,A2,,no\n"
        f"2026-01-20 02:00,{a3},,,A2,,no\n"  # after the horizon: never released
    )
    experiment, _region = _experiment(tmp_path, text)
    rows = _replay(experiment, demo_region, demo_travel)
    again = _replay(experiment, demo_region, demo_travel)
    assert rows.equals(again)
    assert len(rows) == 5
    np.testing.assert_allclose(rows["t_call"], [480.0, 540.0, 570.0, 1440 + 855.0, 2880 + 120.0])
    assert rows["urgency"].tolist() == ["A1", "A1", "A2", "A1", "A2"]  # A0 counts as A1
    assert rows["area_id"].tolist()[:3] == [a0, a3, demo_region.areas[5].area_id]
    # on scene and conveyance from the log
    a0_row = rows.iloc[1]
    assert a0_row["state"] == "not_conveyed"
    assert a0_row["t_release"] - a0_row["t_on_scene"] == pytest.approx(12.5)
    conveyed = rows.iloc[2]
    assert conveyed["state"] != "not_conveyed"
    assert rows.iloc[4]["state"] == "not_conveyed"


def test_errors_in_the_log_are_located_by_row(tmp_path, demo_region):
    a0 = demo_region.areas[0].area_id
    text = HEADER + (
        f"2026-01-05 08:00,{a0},,,A1,,\n"  # row 2: fine
        f"2026-01-05 09:00,{a0},,,A9,,\n"  # row 3: urgency
        "2026-01-05 09:30,nowhere,,,A2,,\n"  # row 4: area
        f"5 January,{a0},,,A2,,\n"  # row 5: time
        f"2026-01-05 10:00,{a0},,,B,-3,maybe\n"  # row 6: on scene, conveyed
        "2026-01-05 10:00,,52.9,5.5,B,,\n"  # row 7: lon/lat swapped
        f"2025-12-31 23:00,{a0},,,A1,,\n"  # row 8: before the start date
    )
    with pytest.raises(ConfigError) as err:
        _experiment(tmp_path, text)
    msg = str(err.value)
    assert "[scenario 'log'] call_log" in msg
    for expected in (
        "row 3: urgency 'A9'",
        "row 4: area_id 'nowhere'",
        "row 5: time '5 January'",
        "row 6: on_scene_minutes '-3'",
        "row 6: conveyed 'maybe'",
        "row 7: lon 52.9, lat 5.5 is outside the Netherlands",
        "row 8: call at",
    ):
        assert expected in msg
    assert "row 2" not in msg


def test_a_log_without_time_or_place_is_rejected_by_its_header(tmp_path):
    with pytest.raises(ConfigError, match="exactly one of the columns 'time' and 't_minutes'"):
        _experiment(tmp_path, "area_id,urgency,speed\nx,A1,3\n")


def test_an_experiment_replays_its_log_through_the_runner(tmp_path, demo_region):
    from acutesim.experiment.runner import run_experiment
    from acutesim.experiment.store import ResultsStore

    a0 = demo_region.areas[0].area_id
    _experiment(tmp_path, HEADER + f"2026-01-05 08:00,{a0},,,A1,20,no\n")
    text = (tmp_path / "replay.toml").read_text(encoding="utf-8")
    (tmp_path / "replay.toml").write_text(
        text.replace(
            'call_log = "calls.csv"\n', 'call_log = "calls.csv"\nrecord_patients = true\n'
        ),
        encoding="utf-8",
    )
    res = run_experiment(tmp_path / "replay.toml", out=tmp_path / "out", workers=1)
    patients = ResultsStore(res.out_dir).read("patients")
    amb = patients[patients["route"] == "ambulance"]
    assert len(amb) == 1
    assert amb.iloc[0]["t_call"] == 480.0
    assert amb.iloc[0]["state"] == "not_conveyed"


def test_the_cli_reports_a_bad_log_by_row_and_exits_2_without_a_traceback(tmp_path, demo_region):
    import subprocess
    import sys

    from helpers import PROJECT

    a0 = demo_region.areas[0].area_id
    with pytest.raises(ConfigError):  # writes calls.csv and replay.toml
        _experiment(tmp_path, HEADER + f"2026-01-05 08:00,{a0},,,A7,,\n")
    res = subprocess.run(
        [sys.executable, "-m", "acutesim.cli", "run", str(tmp_path / "replay.toml"),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=PROJECT, check=False,
    )  # fmt: skip
    assert res.returncode == 2
    assert "row 2: urgency 'A7'; expected A0, A1, A2 or B" in res.stderr
    assert "Traceback" not in res.stderr
