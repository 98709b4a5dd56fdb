"""Reading the routed matrix cache column by column gives the blocks the table holds,
whatever its row groups; a block dropped after use is rebuilt the same."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from acutesim.geo.routing_cache import RoutedMatrices
from acutesim.geo.travel import matrix as tm

# (profile, origin kind, origin, destination kind, destination, minutes)
ROWS = [
    ("ambulance", "post", "P1", "area", "A1", 3.1),
    ("car", "area", "A2", "site", "S1", 12.7),
    ("ambulance", "post", "P2", "area", "A2", 7.3),
    ("ambulance", "area", "A1", "site", "S1", 11.9),
    ("ambulance", "post", "P1", "area", "A2", 9.05),
    ("car", "area", "A1", "site", "S1", 14.2),
    ("ambulance", "area", "A2", "site", "S1", 4.4),
    ("ambulance", "post", "P2", "area", "A1", 1.0 / 3.0),
]
NAMES = ("profile", "origin_kind", "origin_id", "destination_kind", "destination_id")


def _write(path, rows, row_group_size):
    cols = {n: pa.array([r[k] for r in rows]).dictionary_encode() for k, n in enumerate(NAMES)}
    cols["minutes"] = pa.array([r[5] for r in rows], pa.float32())
    pq.write_table(pa.table(cols), path, row_group_size=row_group_size)
    return path


def test_blocks_equal_the_table_whatever_the_row_groups(tmp_path):
    one = RoutedMatrices(_write(tmp_path / "one.parquet", ROWS, len(ROWS)))
    # three row groups: each holds its own dictionaries, in another order
    many = RoutedMatrices(_write(tmp_path / "many.parquet", ROWS, 3))
    expect = np.array([[3.1, 9.05], [1.0 / 3.0, 7.3]], dtype=np.float32).astype(
        np.float64
    )  # stored as float32, read back exactly as a float64 copy would be
    for cache in (one, many):
        got = cache.block("ambulance", "post", ["P1", "P2"], "area", ["A1", "A2"])
        assert got.dtype == np.float64
        assert got.tobytes() == expect.tobytes()
        car = cache.block("car", "area", ["A1", "A2"], "site", ["S1"])
        np.testing.assert_array_equal(car, np.array([[14.2], [12.7]], np.float32).astype(float))
        assert cache.profiles == ("ambulance", "car")


def test_a_dropped_dense_block_is_rebuilt_the_same(tmp_path, monkeypatch):
    path = _write(tmp_path / "m.parquet", ROWS, 3)
    monkeypatch.setattr(tm, "_ROUTED_CACHE", {})
    cache = tm.routed_matrices(path)
    first = cache.block("ambulance", "area", ["A2", "A1"], "site", ["S1"])
    assert cache._blocks  # built on first use
    tm.release_dense_blocks()
    assert not cache._blocks
    again = cache.block("ambulance", "area", ["A2", "A1"], "site", ["S1"])
    assert again.tobytes() == first.tobytes()
    np.testing.assert_array_equal(first, np.array([[4.4], [11.9]], np.float32).astype(float))
