"""Golden run: experiments/golden.toml end to end against reviewed CSV tables.

Counts must match exactly and other floats to ``rtol=1e-9``. After an intended change of
the model, regenerate with ``pytest tests/golden --update-golden`` and review the diff
of ``tests/golden/expected/*.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import PROJECT

from acutesim.experiment.runner import run_experiment
from acutesim.experiment.store import ResultsStore

GOLDEN = PROJECT / "experiments" / "golden.toml"
EXPECTED = Path(__file__).resolve().parent / "expected"
COUNT_KPIS = {"seh_visits", "diversions", "hap_contacts", "journeys"}
KEYS = {
    "kpis": ["scenario", "replication", "kpi", "site_id"],
    "status": ["scenario", "replication", "site_id", "status"],
}
FLOATS = {"kpis": ["value"], "status": ["t_start", "t_end"]}
RTOL = 1e-9


def read_expected(name: str) -> pd.DataFrame:
    return pd.read_csv(
        EXPECTED / f"{name}.csv",
        dtype={c: str for c in KEYS[name] if c != "replication"},
        keep_default_na=False,
        na_values={c: [""] for c in FLOATS[name]},
    )


def normalise(df: pd.DataFrame, name: str) -> pd.DataFrame:
    df = df.copy()
    for c in KEYS[name]:
        df[c] = df[c].fillna("").astype(str) if c != "replication" else df[c].astype(np.int64)
    return df.reset_index(drop=True)


@pytest.fixture(scope="module")
def golden_tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden") / "results"
    run_experiment(GOLDEN, out=out, workers=1)
    store = ResultsStore(out)
    return {name: normalise(store.read(name), name) for name in KEYS}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(KEYS))
def test_golden_tables_match_the_reviewed_csv(golden_tables, name, update_golden):
    actual = golden_tables[name]
    if update_golden:
        EXPECTED.mkdir(parents=True, exist_ok=True)
        actual.to_csv(EXPECTED / f"{name}.csv", index=False)
    expected = normalise(read_expected(name), name)
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected), f"{name}: {len(actual)} rows, expected {len(expected)}"
    for c in KEYS[name]:
        mismatch = actual[c] != expected[c]
        assert not mismatch.any(), f"{name}.{c} differs first at row {int(mismatch.idxmax())}"
    for c in FLOATS[name]:
        a, e = actual[c].to_numpy(float), expected[c].to_numpy(float)
        if name == "kpis":
            counts = actual["kpi"].isin(COUNT_KPIS).to_numpy()
            np.testing.assert_array_equal(a[counts], e[counts], err_msg=f"{name}: counts")
        np.testing.assert_allclose(a, e, rtol=RTOL, atol=0.0, equal_nan=True, err_msg=f"{name}.{c}")


@pytest.mark.slow
def test_golden_run_shows_the_staffing_effect(golden_tables):
    kpis = golden_tables["kpis"]
    region = kpis[kpis["site_id"] == ""].pivot_table(
        index="replication", columns=["scenario", "kpi"], values="value"
    )
    for kpi in ("closed_shift_hours", "diversions"):
        assert (region[("short_staffed", kpi)] > region[("baseline", kpi)]).all(), kpi
    # common random numbers: both scenarios see the same incidents
    assert (region[("short_staffed", "journeys")] == region[("baseline", "journeys")]).all()
