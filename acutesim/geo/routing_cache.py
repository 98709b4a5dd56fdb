"""The routed matrix cache of a pack: one Parquet table of travel minutes and its digest.

The matrices a model drives (posts and sites to areas, areas to sites, per profile) are
computed by :mod:`acutesim.geo.routing`, stored with a digest of the network, the
profiles and the points (:func:`write_matrix_cache`), and read back by
:class:`RoutedMatrices` for ``reach``, ``map`` and the simulation; a stale cache is an
error with a hint to rebuild it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from acutesim.errors import GeoError
from acutesim.geo.routing import (
    CACHE_VERSION,
    COORD_TOLERANCE_M,
    DEFAULT_CHUNK_SOURCES,
    DEFAULT_LIMIT_MINUTES,
    DEFAULT_MAX_SNAP_M,
    PointSet,
    RoadTable,
    RoutingGraph,
    SpeedProfile,
    digest_text,
    points_digest,
    routed_blocks,
)

# --- the cache -----------------------------------------------------------------------
# Which matrices the model drives, per profile: (origin kind, destination kind).
BLOCKS_BY_PROFILE: Mapping[str, tuple[tuple[str, str], ...]] = {
    "ambulance": (
        ("post", "area"),  # response
        ("site", "area"),  # re-dispatch from a hospital
        ("area", "site"),  # transport
        ("area", "post"),  # return from a scene
        ("site", "post"),  # return from a hospital
        ("site", "site"),  # transfers
    ),
    "ambulance_no_siren": (("post", "area"), ("area", "site")),
    "car": (("area", "site"), ("area", "hap")),
}
MATRIX_COLUMNS = (
    "profile",
    "origin_kind",
    "origin_id",
    "destination_kind",
    "destination_id",
    "minutes",
)


@dataclass(frozen=True)
class CacheInfo:
    """What a matrix cache was built from (stored as Parquet metadata)."""

    network: str
    network_digest: str
    points_digest: str
    profiles: Mapping[str, Mapping[str, Any]]
    limit_minutes: float
    seconds: float = 0.0
    version: str = CACHE_VERSION
    max_snap_m: float = DEFAULT_MAX_SNAP_M

    def key(self) -> str:
        """The digest that decides whether a rebuild is needed."""
        profiles = json.dumps(self.profiles, sort_keys=True)
        return digest_text(
            f"{self.version}|{self.network_digest}|{self.points_digest}|{profiles}|"
            f"{self.limit_minutes}|{self.max_snap_m}"
        )


def build_matrix_cache(
    roads: RoadTable,
    profiles: Mapping[str, SpeedProfile],
    points: Mapping[str, PointSet],
    *,
    network: str,
    network_digest: str,
    limit: float = DEFAULT_LIMIT_MINUTES,
    chunk: int = DEFAULT_CHUNK_SOURCES,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
) -> tuple[Any, Any, CacheInfo]:
    """Compute every profile's blocks; return (matrix table, point table, info).

    The matrix table is a pyarrow Table with :data:`MATRIX_COLUMNS` holding the finite
    pairs only; the point table (pandas) has kind, id, x_m, y_m, snap_m per profile.
    """
    import time

    import pandas as pd
    import pyarrow as pa

    t0 = time.perf_counter()
    present = {k: p for k, p in points.items() if len(p.ids)}
    parts: list[pd.DataFrame] = []
    point_rows = pd.DataFrame(
        {
            "kind": np.concatenate([[k] * len(p.ids) for k, p in present.items()]),
            "id": np.concatenate([list(p.ids) for p in present.values()]),
            "x_m": np.concatenate([p.xy[:, 0] for p in present.values()]).round(1),
            "y_m": np.concatenate([p.xy[:, 1] for p in present.values()]).round(1),
        }
    )
    for name, profile in profiles.items():
        graph = RoutingGraph(roads, profile, max_snap_m=max_snap_m)
        _, snap_m, _ = graph.snap(np.column_stack([point_rows["x_m"], point_rows["y_m"]]))
        point_rows[f"snap_m_{name}"] = snap_m.round(1)
        wanted = [b for b in BLOCKS_BY_PROFILE[name] if b[0] in present and b[1] in present]
        for (o, d), minutes in routed_blocks(
            graph, present, wanted, limit=limit, chunk=chunk
        ).items():
            i, j = np.nonzero(np.isfinite(minutes))
            parts.append(
                pd.DataFrame(
                    {
                        "profile": name,
                        "origin_kind": o,
                        "origin_id": np.asarray(present[o].ids, dtype=object)[i],
                        "destination_kind": d,
                        "destination_id": np.asarray(present[d].ids, dtype=object)[j],
                        "minutes": minutes[i, j].astype(np.float32),
                    }
                )
            )
        del graph
    frame = pd.concat(parts, ignore_index=True)
    info = CacheInfo(
        network=network,
        network_digest=network_digest,
        points_digest=points_digest({k: (p.ids, p.xy) for k, p in present.items()}),
        profiles={k: p.to_dict() for k, p in profiles.items()},
        limit_minutes=float(limit),
        seconds=round(time.perf_counter() - t0, 1),
        max_snap_m=float(max_snap_m),
    )
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for col in ("profile", "origin_kind", "origin_id", "destination_kind", "destination_id"):
        i = table.schema.get_field_index(col)
        table = table.set_column(i, col, table[col].dictionary_encode())
    return table, point_rows, info


def write_matrix_cache(table: Any, point_rows: Any, info: CacheInfo, path: str | Path) -> Path:
    """Write the matrices (Parquet, info in its metadata) and ``<stem>_points.csv`` beside."""
    import pyarrow.parquet as pq

    path = Path(path)
    meta = {b"acutesim": json.dumps({**asdict(info), "key": info.key()}).encode()}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
    tmp = path.with_name(f".{path.name}.partial")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(path)
    point_rows.to_csv(points_path(path), index=False)
    return path


def points_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}_points.csv")


def read_cache_info(path: str | Path) -> dict[str, Any] | None:
    """The stored info of a cache, or None when the file is absent or not a cache."""
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.exists():
        return None
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"acutesim")
    return json.loads(raw) if raw else None


REBUILD_HINT = (
    "rebuild the cache with `acutesim region route PACK --roads NETWORK` (or rebuild the "
    "pack with `acutesim region build ... --roads NETWORK`)"
)


def _int32_codes(indices: Any) -> np.ndarray:
    """A dictionary column's indices as int32, read from Arrow's buffer (no copy).

    Arrow's own ``to_numpy`` imports pandas, which a simulation worker never needs.
    """
    import pyarrow as pa

    if indices.null_count:
        return np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    indices = indices.cast(pa.int32())
    return np.frombuffer(
        indices.buffers()[1], dtype=np.int32, count=len(indices), offset=4 * indices.offset
    )


def _float_values(values: Any) -> np.ndarray:
    """A float column's values as stored (float32 or float64), from Arrow's buffer."""
    import pyarrow as pa

    width = {pa.float32(): np.float32, pa.float64(): np.float64}.get(values.type)
    if width is None or values.null_count:
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=float)
    return np.frombuffer(
        values.buffers()[1],
        dtype=width,
        count=len(values),
        offset=np.dtype(width).itemsize * values.offset,
    )


class RoutedMatrices:
    """Cached routed matrices of a pack, as dense blocks per profile and direction.

    Parameters
    ----------
    path : str or Path
        The Parquet cache written by :func:`write_matrix_cache`.
    """

    def __init__(self, path: str | Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path = Path(path)
        if not self.path.exists():
            raise GeoError(f"travel matrix cache '{self.path}' not found; {REBUILD_HINT}")
        # One column at a time, on this thread, without pre-buffering the file: Arrow's
        # reader then holds one column's pages at a time, not the whole table and a
        # buffer per thread beside it (reading a national cache: tens of MB less).
        source = pq.ParquetFile(self.path, pre_buffer=False)
        raw = (source.schema_arrow.metadata or {}).get(b"acutesim")
        self.info: dict[str, Any] = json.loads(raw) if raw else {}
        codes: dict[str, np.ndarray] = {}
        names: dict[str, list[str]] = {}
        for col in MATRIX_COLUMNS[:-1]:
            arr = source.read(columns=[col], use_threads=False).unify_dictionaries()[0]
            arr = arr.combine_chunks()
            if not pa.types.is_dictionary(arr.type):
                arr = arr.dictionary_encode()
            # int32 dictionary codes as they are read (a national cache has ~800,000 rows)
            codes[col] = _int32_codes(arr.indices)
            names[col] = [str(v) for v in arr.dictionary.to_pylist()]
            del arr
        minutes = source.read(columns=["minutes"], use_threads=False).column(0)
        # as stored (float32): a dense block is filled from it, converted exactly as a
        # float64 copy would be
        self._minutes = _float_values(minutes.combine_chunks())
        del minutes, source
        self._names = names
        key = (
            codes.pop("profile").astype(np.int64) * len(names["origin_kind"])
            + codes.pop("origin_kind")
        ) * len(names["destination_kind"]) + codes.pop("destination_kind")
        self._codes = codes  # origin and destination ids; the kinds are in the key
        order = np.argsort(key, kind="stable")
        uniq, start = np.unique(key[order], return_index=True)
        del key
        stop = np.append(start[1:], len(order))
        self._rows_of: dict[tuple[str, str, str], np.ndarray] = {}
        n_ok, n_dk = len(names["origin_kind"]), len(names["destination_kind"])
        for k, a, b in zip(uniq, start, stop, strict=True):
            p, rest = divmod(int(k), n_ok * n_dk)
            o, d = divmod(rest, n_dk)
            block_key = (names["profile"][p], names["origin_kind"][o], names["destination_kind"][d])
            self._rows_of[block_key] = order[a:b]
        self._blocks: dict[
            tuple[str, str, str], tuple[dict[str, int], dict[str, int], np.ndarray]
        ] = {}
        # the points the cache was built for (kind, id, x_m, y_m; read with the csv
        # module: a simulation worker never needs pandas)
        pts = points_path(self.path)
        self._xy: dict[tuple[str, str], tuple[float, float]] = {}
        if pts.exists():
            with pts.open(encoding="utf-8", newline="") as fh:
                self._xy = {
                    (row["kind"], row["id"]): (float(row["x_m"]), float(row["y_m"]))
                    for row in csv.DictReader(fh)
                }

    def _dense(
        self, key: tuple[str, str, str]
    ) -> tuple[dict[str, int], dict[str, int], np.ndarray]:
        """The dense block of one (profile, origin kind, destination kind), built on first use."""
        if key not in self._blocks:
            rows = self._rows_of[key]
            o_codes, o_inv = np.unique(self._codes["origin_id"][rows], return_inverse=True)
            d_codes, d_inv = np.unique(self._codes["destination_id"][rows], return_inverse=True)
            dense = np.full((o_codes.size, d_codes.size), np.inf)
            dense[o_inv.ravel(), d_inv.ravel()] = self._minutes[rows]
            o_names, d_names = self._names["origin_id"], self._names["destination_id"]
            self._blocks[key] = (
                {o_names[c]: i for i, c in enumerate(o_codes)},
                {d_names[c]: i for i, c in enumerate(d_codes)},
                dense,
            )
        return self._blocks[key]

    def forget_dense(self) -> None:
        """Drop the dense blocks built so far (rebuilt on the next use).

        A simulation worker takes each block once and keeps its own copy: dropping each
        block once taken keeps the cache from holding a second copy of every matrix.
        """
        self._blocks.clear()

    @property
    def profiles(self) -> tuple[str, ...]:
        """Profiles in the cache."""
        return tuple(sorted({p for p, _, _ in self._rows_of}))

    def block(
        self,
        profile: str,
        origin_kind: str,
        origin_ids: Sequence[str],
        destination_kind: str,
        destination_ids: Sequence[str],
    ) -> np.ndarray:
        """Minutes from the origins to the destinations [min], in the direction of travel."""
        key = (profile, origin_kind, destination_kind)
        if key not in self._rows_of:
            have = sorted(f"{p}:{o}->{d}" for p, o, d in self._rows_of)
            raise GeoError(
                f"{self.path.name}: no {profile} matrix from {origin_kind}s to "
                f"{destination_kind}s (has {', '.join(have)}); {REBUILD_HINT}"
            )
        row_of, col_of, dense = self._dense(key)
        out = np.full((len(origin_ids), len(destination_ids)), np.inf)
        r = np.array([row_of.get(i, -1) for i in origin_ids], dtype=np.int64)
        c = np.array([col_of.get(i, -1) for i in destination_ids], dtype=np.int64)
        for kind, ids, idx in (
            (origin_kind, origin_ids, r),
            (destination_kind, destination_ids, c),
        ):
            missing = [
                i for i, k in zip(ids, idx, strict=True) if k < 0 and (kind, i) not in self._xy
            ]
            if missing:
                raise GeoError(
                    f"{self.path.name}: {kind} {missing[0]!r} has no column in the travel "
                    f"matrix cache ({len(missing)} {kind}s missing); {REBUILD_HINT}"
                )
        ok_r, ok_c = r >= 0, c >= 0
        out[np.ix_(ok_r, ok_c)] = dense[np.ix_(r[ok_r], c[ok_c])]
        return out

    def check_points(self, kind: str, ids: Sequence[str], xy: np.ndarray) -> None:
        """Raise GeoError when a point is missing from the cache or has moved."""
        if not self._xy:
            return
        for pid, (x, y) in zip(ids, np.asarray(xy, dtype=float).reshape(-1, 2), strict=True):
            at = self._xy.get((kind, pid))
            if at is None:
                raise GeoError(
                    f"{self.path.name}: {kind} {pid!r} has no column in the travel matrix "
                    f"cache; {REBUILD_HINT}"
                )
            if np.hypot(at[0] - x, at[1] - y) > COORD_TOLERANCE_M:
                raise GeoError(
                    f"{self.path.name}: {kind} {pid!r} is at ({x:.0f}, {y:.0f}) in the pack but "
                    f"at ({at[0]:.0f}, {at[1]:.0f}) in the cache (stale); {REBUILD_HINT}"
                )


__all__ = [
    "BLOCKS_BY_PROFILE",
    "CacheInfo",
    "RoutedMatrices",
    "build_matrix_cache",
    "read_cache_info",
    "write_matrix_cache",
]
