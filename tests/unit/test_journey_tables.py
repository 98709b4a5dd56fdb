"""Per-journey and per-vehicle tables end to end: the CLI leaves patients.parquet and
vehicles.parquet, with one row per journey and per vehicle and shift."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
from helpers import DEMO, PROJECT

from acutesim.sim.recorder import PATIENT_COLUMNS, VEHICLE_ACTIVITIES


def test_record_patients_through_the_cli_leaves_one_row_per_journey(tmp_path):
    text = (PROJECT / "experiments" / "quickstart.toml").read_text(encoding="utf-8")
    text = text.replace('region = "../regions/demo"', f'region = "{DEMO.as_posix()}"')
    text = text.replace('name = "baseline"\n', 'name = "baseline"\nrecord_patients = true\n')
    assert "record_patients = true" in text
    path = tmp_path / "quickstart.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-m", "acutesim.cli", "run", str(path), "--out", str(out),
         "--replications", "1", "--horizon-days", "7", "--workers", "1"],
        capture_output=True, text=True, cwd=PROJECT, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    manifest = pd.read_json(out / "manifest.json", typ="series")
    baseline = next(t for t in manifest["tasks"] if t["scenario"] == "baseline")
    finished = sum(baseline["terminal"].values())

    patients = pd.read_parquet(out / "patients.parquet")
    part = pd.read_parquet(out / "parts" / baseline["key"] / "patients.parquet")
    assert list(patients.columns) == ["scenario", "replication", *PATIENT_COLUMNS]
    # only the scenario that asked for it records patients; one row per finished journey
    assert set(patients["scenario"]) == {"baseline"}
    assert len(patients) == len(part) == finished > 1000
    assert patients["patient_id"].is_unique
    seh = patients[patients["state"].isin(["discharged", "admitted"])]
    assert (seh["t_departure"] >= seh["t_arrival"]).all()
    amb = seh[seh["route"] == "ambulance"]
    assert amb["vehicle_id"].notna().all()
    assert amb["post_id"].notna().all()
    assert (amb["t_assigned"] >= amb["t_call"]).all()
    assert (amb["t_release"] >= amb["t_door"]).all()
    assert np.allclose(amb["handoff_minutes"], amb["t_accept"] - amb["t_door"])

    vehicles = pd.read_parquet(out / "vehicles.parquet")
    assert set(vehicles["scenario"]) == {
        "baseline",
        "short_staffed",
        "kust_closed",
        "no_hap_triage",
    }
    assert not vehicles.duplicated(
        ["scenario", "replication", "vehicle_id", "shift_start_minutes"]
    ).any()
    busy = vehicles[[f"{a}_minutes" for a in VEHICLE_ACTIVITIES]].sum(axis=1)
    assert np.allclose(busy, vehicles["busy_minutes"])
    on = vehicles["on_duty_minutes"] > 0
    assert (vehicles.loc[on, "utilisation_share"].between(0, 1)).all()
    # a shift window is at most eight hours long
    assert vehicles["on_duty_minutes"].max() <= 8 * 60 + 1e-9
    assert vehicles["busy_minutes"].sum() > 0


def test_patient_batches_keep_one_schema_when_a_column_starts_all_null(tmp_path):
    """A first batch without any unserved patient (reason all null) must not fix the
    column's type to null: a later batch, or another task, with reasons still fits."""
    from acutesim.experiment.journeys import PATIENTS_SCHEMA, merge_patients
    from acutesim.experiment.runner import PatientWriter

    def row(pid: int, reason):
        values = dict.fromkeys(PATIENT_COLUMNS, None)
        values.update(patient_id=pid, admitted=False, n_site_transfers=0, reason=reason)
        return tuple(values[c] for c in PATIENT_COLUMNS)

    for k, reasons in enumerate(([None, None], ["max_wait", None])):
        d = tmp_path / f"t{k}"
        d.mkdir()
        writer = PatientWriter(d / "patients.parquet", "s", k)
        writer(row(1, reasons[0]))
        writer.flush()
        writer(row(2, reasons[1]))
        writer.close()
    n = merge_patients([tmp_path / "t0", tmp_path / "t1"], tmp_path)
    merged = pd.read_parquet(tmp_path / "patients.parquet")
    assert n == len(merged) == 4
    assert merged["reason"].isna().tolist() == [True, True, False, True]
    assert merged["reason"].iloc[2] == "max_wait"
    assert pd.io.parquet.read_parquet(tmp_path / "t0" / "patients.parquet").shape[1] == len(
        PATIENTS_SCHEMA
    )
