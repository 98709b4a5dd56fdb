"""Memory of a replication: the model is freed when run_replication returns, and the
C allocator's mmap threshold can be fixed and its heap trimmed (no-ops without glibc)."""

from __future__ import annotations

import ctypes
import gc
import platform

import pytest
from helpers import DEMO

from acutesim.config.load import load_region
from acutesim.domain.scenario import Scenario
from acutesim.sim import tuning
from acutesim.sim.model import Model, run_replication
from acutesim.sim.recorder import Recorder


def _alive(kind: type) -> int:
    return sum(isinstance(o, kind) for o in gc.get_objects())


def test_run_replication_leaves_no_model_or_recorder_alive():
    region = load_region(DEMO)
    gc.collect()
    models, recorders = _alive(Model), _alive(Recorder)
    result = run_replication(
        region, Scenario("baseline"), horizon_days=2.0, warmup_days=0.0, root_seed=3, replication=0
    )
    assert result.n_created > 100
    # no gc.collect() here: run_replication itself must have freed the model's cycles
    assert _alive(Model) == models
    assert _alive(Recorder) == recorders


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_fix_mmap_threshold_is_accepted_by_glibc():
    assert tuning.fix_mmap_threshold() is True


@pytest.fixture
def no_libc(monkeypatch):
    """No C library to load, with the per-process loader's cache cleared around the test."""

    def missing(*_args, **_kwargs):
        raise OSError("no C library here")

    monkeypatch.setattr(ctypes, "CDLL", missing)
    tuning._libc.cache_clear()  # the C library is loaded once per process
    yield
    tuning._libc.cache_clear()


def test_trim_heap_says_whether_it_trimmed():
    assert isinstance(tuning.trim_heap(), bool)


@pytest.mark.parametrize("call", [tuning.fix_mmap_threshold, tuning.trim_heap])
def test_tuning_is_a_no_op_without_a_c_library(no_libc, call):
    assert call() is False


def test_wait_for_treatment_keeps_only_moved_patients_own_values():
    """The wait equals door to doctor except after a move from another SEH; both stay exact."""
    from acutesim.sim.patient import Patient

    rec = Recorder(["a", "b"], [], ["x"], warmup_minutes=0.0, horizon_minutes=1440.0)
    times = [(10.0, 10.0, 25.3), (20.0, 12.1, 47.9), (30.0, 30.0, 30.7), (41.0, 0.3, 99.1)]
    for k, (t_arrival, t_first, t_start) in enumerate(times):
        p = Patient(k, "self", "self", 0, t_call=0.0)
        p.site, p.t_arrival, p.t_first_arrival = 1, t_arrival, t_first
        p.t_treatment_start = p.t_treatment_end = t_start
        p.t_departure, p.state = t_start + 60.0, "discharged"
        rec.seh_journey(p)
    site = rec.sites[1]
    assert list(site.door_to_doctor_minutes) == [s - a for a, _, s in times]
    assert list(site.wait_moved_index) == [1, 3]
    assert site.wait_for_treatment_minutes.tolist() == [s - f for _, f, s in times]
    assert len(rec.sites[0].wait_for_treatment_minutes) == 0
    assert rec.wait_for_treatment_minutes().tolist() == [s - f for _, f, s in times]
    # a visit at the first site shifts the second site's moved indices in the whole
    p = Patient(9, "self", "self", 0, t_call=0.0)
    p.site, p.t_arrival, p.t_first_arrival = 0, 5.0, 1.5
    p.t_treatment_start = p.t_treatment_end = 8.25
    p.t_departure, p.state = 70.0, "discharged"
    rec.seh_journey(p)
    expected = [8.25 - 1.5] + [s - f for _, f, s in times]
    assert rec.wait_for_treatment_minutes().tolist() == expected


def test_quantiles_taken_in_place_equal_those_of_a_copy():
    import numpy as np

    from acutesim.sim.kpis import _q

    values = np.random.default_rng(5).gamma(2.0, 30.0, 10_001)
    expected = [_q(values, q) for q in (0.5, 0.9, 0.95)]
    own = values.copy()
    got = [_q(own, q, reorder=True) for q in (0.5, 0.9, 0.95)]
    assert got == expected  # bit for bit, one partition after another
    assert not np.array_equal(own, values)  # it did work in place
    assert np.array_equal(np.sort(own), np.sort(values))


def test_vehicle_table_built_after_the_model_is_freed_equals_the_models_own():
    from acutesim.rng import RandomStreams
    from acutesim.sim.kpis import compute_kpis
    from acutesim.sim.travel import travel_matrices
    from acutesim.units import days

    region = load_region(DEMO)
    result = run_replication(
        region, Scenario("baseline"), horizon_days=3.0, warmup_days=1.0, root_seed=7, replication=0
    )
    model = Model(
        region,
        Scenario("baseline"),
        RandomStreams(7, 0),
        horizon_minutes=days(3.0),
        warmup_minutes=days(1.0),
        travel=travel_matrices(region),
    )
    model.run()
    direct = compute_kpis(model)
    assert compute_kpis(model, vehicles=False).vehicles is None
    assert result.vehicles is not None
    assert direct.vehicles is not None
    assert len(result.vehicles) > 50
    assert list(result.vehicles) == list(direct.vehicles)
    assert repr(result.kpis) == repr(direct.kpis)  # NaN rows too (repr: bit for bit)


def test_result_tables_are_written_in_row_groups(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from acutesim.experiment import store

    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 1000)
    table = pa.table({"x": list(range(2500)), "y": [float(k) / 3 for k in range(2500)]})
    store.atomic_write_table(table, tmp_path / "t.parquet")
    meta = pq.ParquetFile(tmp_path / "t.parquet").metadata
    assert [meta.row_group(k).num_rows for k in range(meta.num_row_groups)] == [1000, 1000, 500]
    assert pq.read_table(tmp_path / "t.parquet").equals(table)


def _child_peaks(_: object) -> tuple[float, float]:
    import resource

    return tuning.peak_rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.skipif(platform.system() != "Linux", reason="VmHWM and ru_maxrss as Linux keeps them")
def test_a_spawned_worker_reports_its_own_peak_not_its_parents():
    import multiprocessing

    held = bytearray(300 * 2**20)
    held[::4096] = b"\1" * len(held[::4096])  # resident in this process
    assert tuning.peak_rss_mb() > 300
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        own, inherited = pool.map(_child_peaks, [None])[0]
    assert inherited > 300, "ru_maxrss carries the parent's resident memory over the fork"
    assert own < 250, own
    del held
