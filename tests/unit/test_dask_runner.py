"""Serial, local processes and a Dask LocalCluster give identical merged tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from acutesim.experiment.runner import run_experiment

pytest.importorskip("dask.distributed", reason="needs the dask extra: pip install 'acutesim[dask]'")

ROOT = Path(__file__).resolve().parents[2]

EXPERIMENT = """
name = "three-runners"
region = "{region}"
horizon_days = 21
warmup_days = 2
replications = 2
seed = 5

[[scenarios]]
name = "baseline"

[[scenarios]]
name = "short_staffed"
staff_vacancy_share = 0.2
"""


@pytest.mark.slow
def test_serial_processes_and_dask_agree(tmp_path: Path) -> None:
    exp = tmp_path / "three.toml"
    exp.write_text(EXPERIMENT.format(region=(ROOT / "regions" / "demo").as_posix()))
    tables = {}
    for label, kw in (
        ("serial", {"workers": 1}),
        ("processes", {"workers": 2}),
        ("dask", {"workers": 2, "scheduler": "local"}),
    ):
        out = tmp_path / label
        result = run_experiment(exp, out=out, **kw)
        assert result.n_run == 4
        tables[label] = {
            name: pd.read_parquet(out / f"{name}.parquet")
            for name in ("kpis", "status", "timeseries", "finance")
        }
    for label in ("processes", "dask"):
        for name, frame in tables["serial"].items():
            pd.testing.assert_frame_equal(frame, tables[label][name], check_exact=True)
    # the same bytes too: every merged table's SHA-256 in the manifests agrees
    digests = {
        label: json.loads((tmp_path / label / "manifest.json").read_text())["tables"]
        for label in ("serial", "processes", "dask")
    }
    assert digests["serial"] == digests["processes"] == digests["dask"]


@pytest.mark.slow
def test_local_cluster_workers_run_without_the_sampling_diagnostics() -> None:
    import os

    import dask
    from dask.distributed import Client

    from acutesim.experiment.parallel import LOCAL_CLUSTER_CONFIG, start_local_cluster

    environ = dict(os.environ)
    cluster = start_local_cluster(1)
    assert dict(os.environ) == environ  # the nannies' worker environment is not left here
    try:
        with Client(cluster) as client:
            for key, value in LOCAL_CLUSTER_CONFIG.items():
                seen = set(client.run(dask.config.get, key).values())
                assert seen == {value}, key
    finally:
        cluster.close()
    # this process keeps its own settings
    assert dask.config.get("distributed.worker.profile.enabled") is True
