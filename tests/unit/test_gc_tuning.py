"""Collection settings of a run or a report are undone when it ends; a chart worker's stay."""

from __future__ import annotations

import gc

import pytest

from acutesim import gc_tuning


@pytest.fixture
def saved_gc():
    threshold = gc.get_threshold()
    gc.unfreeze()
    yield threshold
    gc.set_threshold(*threshold)
    gc.unfreeze()


def test_fewer_collections_restores_threshold_and_unfreezes(saved_gc):
    with gc_tuning.fewer_collections(12_345):
        assert gc.get_threshold() == (12_345, *saved_gc[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == saved_gc
    assert gc.get_freeze_count() == 0


def test_fewer_collections_restores_after_an_error(saved_gc):
    with pytest.raises(RuntimeError, match="boom"), gc_tuning.fewer_collections(999):
        raise RuntimeError("boom")
    assert gc.get_threshold() == saved_gc
    assert gc.get_freeze_count() == 0


def test_fewer_collections_keeps_what_a_caller_froze(saved_gc):
    gc.freeze()
    with gc_tuning.fewer_collections(999):
        pass
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == saved_gc


def test_collect_less_keeps_older_generations(saved_gc):
    gc_tuning.collect_less(4_321)
    assert gc.get_threshold() == (4_321, *saved_gc[1:])
    assert gc.get_freeze_count() > 0
