"""Memory of a replication: the model is freed when run_replication returns, and the
C allocator's mmap threshold can be fixed (a no-op without glibc)."""

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


def test_fix_mmap_threshold_is_a_no_op_without_a_c_library(monkeypatch):
    def no_libc(*_args, **_kwargs):
        raise OSError("no C library here")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    assert tuning.fix_mmap_threshold() is False
