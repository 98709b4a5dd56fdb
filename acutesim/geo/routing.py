"""Routed travel times on a real road network: speed profiles, Dijkstra, cached matrices.

A :class:`SpeedProfile` turns every road edge into driving minutes (km/h per road class,
a rule for classes without a speed, ferries with crossing and waiting minutes). A
:class:`RoutingGraph` holds the profile's directed graph as a scipy sparse matrix, snaps
points (area representative points, sites, posts) to their nearest allowed node and
runs scipy's Dijkstra from the smaller side of every matrix, with a distance limit and
in chunks of sources, so that the national network (3 M nodes) never needs a dense
all-pairs array. A matrix from A to B is taken in the direction of travel: when it is
computed from the B side, the Dijkstra runs on the transposed graph.

The matrices of a pack are stored as one Parquet table with a digest of the network,
the profiles and the points, and read back for ``reach``, ``map`` and the simulation:
see :mod:`acutesim.geo.routing_cache`.

References
----------
Speeds per road class: named assumptions, calibrated in docs/calibration-reachability.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np

from acutesim.errors import GeoError, did_you_mean
from acutesim.units import km_per_hour_to_metres_per_minute


class RoadTable(Protocol):
    """What routing needs of :class:`acutesim.geo.roads.RoadTable`.

    Not imported here: the reader module uses geopandas, which the simulation must not
    reach.
    """

    @property
    def node_xy(self) -> np.ndarray: ...
    @property
    def u(self) -> np.ndarray: ...
    @property
    def v(self) -> np.ndarray: ...
    @property
    def road_class(self) -> np.ndarray: ...
    @property
    def oneway(self) -> np.ndarray: ...
    @property
    def length_m(self) -> np.ndarray: ...
    @property
    def maxspeed_kmh(self) -> np.ndarray: ...
    @property
    def source(self) -> str: ...
    @property
    def n_nodes(self) -> int: ...

    @property
    def class_codes(self) -> tuple[np.ndarray, tuple[str, ...]]: ...

    def class_mask(self, classes: Sequence[str]) -> np.ndarray: ...


CACHE_VERSION = "1"
PROFILE_NAMES: tuple[str, ...] = ("ambulance", "ambulance_no_siren", "car")
DEFAULT_LIMIT_MINUTES = 60.0  # Dijkstra distance limit; assumption (see docs/regions-nl.md)
DEFAULT_CHUNK_SOURCES = 16  # sources per Dijkstra call: 16 x 3 M nodes x 8 B = 0.4 GB
CONTRACT_MIN_SOURCES = 200  # contract chains only when the runs outweigh its cost
DEFAULT_MAX_SNAP_M = 5_000.0  # a point farther from every allowed node has no access
COORD_TOLERANCE_M = 1.0  # a pack point moved more than this makes the cache stale
MIN_EDGE_MINUTES = 1e-6  # a zero weight would read as a missing edge in a sparse matrix

# assumption: speeds per OSM road class [km/h]. Ambulance with siren (A0/A1): above the
# legal speed on through roads, little gain in town; no siren (A2, returns): the car
# speeds; car: about the legal speed, less in town. Calibrated by one factor per profile
# in docs/calibration-reachability.md (scripts/calibrate_travel.py).
CAR_SPEEDS_KM_PER_HOUR: Mapping[str, float] = {
    "motorway": 100.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 50.0,
    "primary": 70.0,
    "primary_link": 50.0,
    "secondary": 60.0,
    "secondary_link": 45.0,
    "tertiary": 50.0,
    "tertiary_link": 40.0,
    "unclassified": 45.0,
    "residential": 25.0,
    "living_street": 15.0,
    "service": 15.0,
    "unpaved": 15.0,
    "connectlink": 25.0,
}
AMBULANCE_SPEEDS_KM_PER_HOUR: Mapping[str, float] = {
    "motorway": 115.0,
    "motorway_link": 70.0,
    "trunk": 95.0,
    "trunk_link": 60.0,
    "primary": 85.0,
    "primary_link": 60.0,
    "secondary": 75.0,
    "secondary_link": 55.0,
    "tertiary": 65.0,
    "tertiary_link": 50.0,
    "unclassified": 55.0,
    "residential": 35.0,
    "living_street": 20.0,
    "service": 20.0,
    "unpaved": 20.0,
    "connectlink": 35.0,
}
FERRY_CLASSES: tuple[str, ...] = ("ferry", "riverferry")
NO_SNAP_CLASSES: tuple[str, ...] = ("motorway", "motorway_link", "trunk_link", *FERRY_CLASSES)


@dataclass(frozen=True)
class SpeedProfile:
    """How fast a vehicle drives on each road class, and how points reach the network.

    Parameters
    ----------
    name : str
        ``ambulance`` (with siren, A0/A1), ``ambulance_no_siren`` (A2, returns) or ``car``.
    speed_by_class_km_per_hour : mapping of str to float
        Speed per road class [km/h].
    unlisted_speed_km_per_hour : float
        Speed on a class missing from the table [km/h] (the rule for classes without a
        speed), capped by the edge's legal speed when it has one.
    speed_factor : float
        Multiplier on every class speed [-]; the calibration knob.
    legal_speed_cap_factor : float or None
        When set, no edge is driven faster than its legal speed (``maxspeed``) times
        this factor; None (ambulance with siren): no cap.
    ferry_speed_km_per_hour : float
        Speed over a ferry edge [km/h].
    ferry_wait_minutes : float
        Boarding and waiting added to every ferry crossing [min].
    access_speed_km_per_hour : float
        Speed from a point to its snapped node, and back [km/h].
    access_detour_factor : float
        Road metres per straight metre over the snap distance [-].
    no_snap_classes : tuple of str
        Points never snap to a node whose every road is of these classes (motorways).
    access_only_classes : tuple of str
        Classes left out of the routing graph (their length is covered as access);
        empty keeps every road. They are kept within ``keep_near_ferry_m`` of a ferry
        terminal, where they often are the only link between an island and its ferry.
    keep_near_ferry_m : float
        Radius around ferry ends in which access-only classes stay routable [m].
    """

    name: str
    speed_by_class_km_per_hour: Mapping[str, float] = field(
        default_factory=lambda: dict(CAR_SPEEDS_KM_PER_HOUR)
    )
    unlisted_speed_km_per_hour: float = 30.0
    speed_factor: float = 1.0
    legal_speed_cap_factor: float | None = 1.0
    ferry_speed_km_per_hour: float = 20.0
    ferry_wait_minutes: float = 15.0
    access_speed_km_per_hour: float = 15.0
    access_detour_factor: float = 1.3
    no_snap_classes: tuple[str, ...] = NO_SNAP_CLASSES
    access_only_classes: tuple[str, ...] = ()
    keep_near_ferry_m: float = 5_000.0

    def __post_init__(self) -> None:
        problems = []
        for key, value in self.speed_by_class_km_per_hour.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                problems.append(f"speed_by_class_km_per_hour.{key}: {value!r} is not > 0 km/h")
        for key in (
            "unlisted_speed_km_per_hour",
            "speed_factor",
            "ferry_speed_km_per_hour",
            "access_speed_km_per_hour",
            "access_detour_factor",
        ):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                problems.append(f"{key}: {value!r} is not a positive number")
        if not (isinstance(self.ferry_wait_minutes, int | float) and self.ferry_wait_minutes >= 0):
            problems.append(f"ferry_wait_minutes: {self.ferry_wait_minutes!r} is not >= 0")
        cap = self.legal_speed_cap_factor
        if cap is not None and not (isinstance(cap, int | float) and cap > 0):
            problems.append(f"legal_speed_cap_factor: {cap!r} is not a positive number")
        if problems:
            raise GeoError(f"speed profile {self.name!r}: " + "; ".join(problems))
        object.__setattr__(
            self,
            "speed_by_class_km_per_hour",
            {str(k): float(v) for k, v in self.speed_by_class_km_per_hour.items()},
        )
        object.__setattr__(self, "no_snap_classes", tuple(self.no_snap_classes))
        object.__setattr__(self, "access_only_classes", tuple(self.access_only_classes))

    @classmethod
    def named(cls, name: str, **overrides: Any) -> SpeedProfile:
        """The default profile ``ambulance``, ``ambulance_no_siren`` or ``car``, with overrides."""
        if name not in PROFILE_NAMES:
            raise GeoError(
                f"unknown speed profile {name!r}{did_you_mean(name, PROFILE_NAMES)} "
                f"(known: {', '.join(PROFILE_NAMES)})"
            )
        base: dict[str, Any] = {}
        # assumption: the access from an area point to its snapped node is driven at
        # about the speed of a residential street (the classes often left to access)
        base = {"access_speed_km_per_hour": 20.0}
        if name == "ambulance":
            base = {
                "speed_by_class_km_per_hour": dict(AMBULANCE_SPEEDS_KM_PER_HOUR),
                "unlisted_speed_km_per_hour": 35.0,
                "legal_speed_cap_factor": None,
                "access_speed_km_per_hour": 30.0,
            }
        unknown = sorted(set(overrides) - set(cls.__dataclass_fields__) - {"name"})
        if unknown:
            raise GeoError(
                f"speed profile {name!r}: unknown key {unknown[0]!r}"
                f"{did_you_mean(unknown[0], cls.__dataclass_fields__)}"
            )
        base.update({k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()})
        if "speed_by_class_km_per_hour" in overrides:  # a partial table overrides classes
            default = (
                AMBULANCE_SPEEDS_KM_PER_HOUR if name == "ambulance" else CAR_SPEEDS_KM_PER_HOUR
            )
            base["speed_by_class_km_per_hour"] = {
                **default,
                **overrides["speed_by_class_km_per_hour"],
            }
        return cls(name=name, **base)

    def to_dict(self) -> dict[str, Any]:
        """Plain parameters (for the cache's digest and the documentation)."""
        out = asdict(self)
        out["no_snap_classes"] = list(self.no_snap_classes)
        out["access_only_classes"] = list(self.access_only_classes)
        return out

    def digest(self) -> str:
        """A short digest of the parameters."""
        return digest_text(json.dumps(self.to_dict(), sort_keys=True))

    def edge_minutes(self, roads: RoadTable) -> np.ndarray:
        """Driving minutes of every edge of ``roads`` [min]."""
        codes, names = roads.class_codes
        table = self.speed_by_class_km_per_hour
        by_code = np.array([table.get(n, np.nan) for n in names], dtype=float)
        speed = by_code[codes] if len(names) else np.zeros(0)
        listed = np.isfinite(speed)
        speed = np.where(listed, speed, self.unlisted_speed_km_per_hour) * self.speed_factor
        legal = roads.maxspeed_kmh
        has_legal = np.isfinite(legal)
        if self.legal_speed_cap_factor is not None:
            speed = np.where(
                has_legal, np.minimum(speed, legal * self.legal_speed_cap_factor), speed
            )
        else:  # the rule for unlisted classes: never above the legal speed
            speed = np.where(~listed & has_legal, np.minimum(speed, legal), speed)
        ferry = roads.class_mask(FERRY_CLASSES)
        speed = np.where(ferry, self.ferry_speed_km_per_hour, speed)
        minutes = roads.length_m / (speed * 1000.0 / 60.0)
        return np.where(ferry, minutes + self.ferry_wait_minutes, minutes)


def digest_text(text: str) -> str:
    """The first 16 hex digits of the SHA-256 of ``text`` (cache keys)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def points_digest(points: Mapping[str, tuple[Sequence[str], np.ndarray]]) -> str:
    """Digest of the ids and coordinates (to the decimetre) of every point kind."""
    h = hashlib.sha256()
    for kind in sorted(points):
        ids, xy = points[kind]
        h.update(kind.encode())
        h.update("\n".join(ids).encode())
        h.update(np.round(np.asarray(xy, dtype=float), 1).tobytes())
    return h.hexdigest()[:16]


class RoutingGraph:
    """The directed road graph of one speed profile, with snapping and Dijkstra.

    Parameters
    ----------
    roads : RoadTable
        The network [m].
    profile : SpeedProfile
        Speeds [km/h] and access rules.
    max_snap_m : float
        Points farther than this from every allowed node get no access (``inf``) [m].
    """

    def __init__(
        self, roads: RoadTable, profile: SpeedProfile, *, max_snap_m: float = DEFAULT_MAX_SNAP_M
    ) -> None:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import connected_components
        from scipy.spatial import cKDTree

        self.profile = profile
        self.max_snap_m = float(max_snap_m)
        minutes = profile.edge_minutes(roads)
        keep = ~roads.class_mask(profile.access_only_classes)
        ferry = roads.class_mask(FERRY_CLASSES)
        if profile.access_only_classes and ferry.any() and profile.keep_near_ferry_m > 0:
            ends = np.unique(np.concatenate([roads.u[ferry], roads.v[ferry]]))
            near, _ = cKDTree(roads.node_xy[ends]).query(
                roads.node_xy[roads.u[~keep]], distance_upper_bound=profile.keep_near_ferry_m
            )
            keep[np.flatnonzero(~keep)[np.isfinite(near)]] = True
        keep &= roads.u != roads.v
        if not keep.any():
            raise GeoError(
                f"{roads.source}: no road left for profile {profile.name!r} after leaving out "
                f"access-only classes {', '.join(profile.access_only_classes)}"
            )
        u, v, w = roads.u[keep], roads.v[keep], np.maximum(minutes[keep], MIN_EDGE_MINUTES)
        ow, snap_ok = roads.oneway[keep], ~roads.class_mask(profile.no_snap_classes)[keep]
        used = np.unique(np.concatenate([u, v]))
        local = np.full(roads.n_nodes, -1, dtype=np.int64)
        local[used] = np.arange(used.size)
        u, v = local[u], local[v]
        n = used.size
        frm = np.concatenate([u, v[~ow]])
        to = np.concatenate([v, u[~ow]])
        weight = np.concatenate([w, w[~ow]])
        # parallel edges: keep the fastest (a sparse matrix would add them up)
        order = np.lexsort((weight, to, frm))
        frm, to, weight = frm[order], to[order], weight[order]
        first = np.ones(frm.size, dtype=bool)
        first[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])
        self.forward = csr_matrix((weight[first], (frm[first], to[first])), shape=(n, n))
        self.reverse = self.forward.T.tocsr()
        self.node_xy = roads.node_xy[used]
        # snap only to nodes of the largest strongly connected part that have a road
        # other than a motorway or ferry
        _, label = connected_components(self.forward, directed=True, connection="strong")
        main = label == np.bincount(label).argmax()
        snappable = np.zeros(n, dtype=bool)
        snappable[u[snap_ok]] = True
        snappable[v[snap_ok]] = True
        self.snap_nodes = np.flatnonzero(snappable & main)
        if self.snap_nodes.size == 0:
            raise GeoError(f"{roads.source}: no node to snap to for profile {profile.name!r}")
        self._tree = cKDTree(self.node_xy[self.snap_nodes])
        self.n_nodes = n

    def snap(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Snapped node, snap distance [m] and access minutes [min] of every point."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        if xy.shape[0] == 0:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
        finite = np.isfinite(xy).all(axis=1)
        dist, k = self._tree.query(np.where(finite[:, None], xy, 0.0))
        dist = np.where(finite, dist, np.inf)
        node = self.snap_nodes[np.asarray(k, dtype=np.int64)]
        speed = km_per_hour_to_metres_per_minute(self.profile.access_speed_km_per_hour)
        access = dist * self.profile.access_detour_factor / speed
        access = np.where(dist <= self.max_snap_m, access, np.inf)
        return node, np.asarray(dist, dtype=float), access

    def contracted(self, protect: np.ndarray, *, max_passes: int = 40) -> RoutingGraph:
        """A copy with chains of two-way nodes contracted away; shortest times unchanged.

        A node that is not in ``protect`` (the snapped nodes of the points) and that has
        exactly two neighbours, joined both ways at the same time, is replaced by a
        direct edge between its neighbours (the sum of the two times). Each pass
        contracts an independent set of such nodes; node ids do not change.
        """
        from scipy.sparse import coo_matrix, csr_matrix

        n = self.n_nodes
        keep = np.zeros(n, dtype=bool)
        keep[np.asarray(protect, dtype=np.int64)] = True
        fwd = self.forward.tocsr()
        priority = (np.arange(n, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
        for _ in range(max_passes):
            fwd.sort_indices()
            rev = fwd.T.tocsr()
            rev.sort_indices()
            out_deg = np.diff(fwd.indptr)
            in_deg = np.diff(rev.indptr)
            cand = (out_deg == 2) & (in_deg == 2) & ~keep
            idx = np.flatnonzero(cand)
            if idx.size == 0:
                break
            o = fwd.indptr[idx]
            i = rev.indptr[idx]
            a, b = fwd.indices[o], fwd.indices[o + 1]
            wa, wb = fwd.data[o], fwd.data[o + 1]
            same = (
                (rev.indices[i] == a)
                & (rev.indices[i + 1] == b)
                & (rev.data[i] == wa)
                & (rev.data[i + 1] == wb)
                & (a != idx)
                & (b != idx)
            )
            idx, a, b, wa, wb = idx[same], a[same], b[same], wa[same], wb[same]
            ok = np.zeros(n, dtype=bool)
            ok[idx] = True
            p = priority[idx]
            chosen = (~ok[a] | (p > priority[a])) & (~ok[b] | (p > priority[b]))
            idx, a, b, w = idx[chosen], a[chosen], b[chosen], (wa + wb)[chosen]
            if idx.size == 0 or idx.size < n // 20_000:
                break
            gone = np.zeros(n, dtype=bool)
            gone[idx] = True
            coo = fwd.tocoo()
            stay = ~gone[coo.row] & ~gone[coo.col]
            frm = np.concatenate([coo.row[stay], a, b])
            to = np.concatenate([coo.col[stay], b, a])
            weight = np.concatenate([coo.data[stay], w, w])
            order = np.lexsort((weight, to, frm))
            frm, to, weight = frm[order], to[order], weight[order]
            first = np.ones(frm.size, dtype=bool)
            first[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])
            fwd = csr_matrix(coo_matrix((weight[first], (frm[first], to[first])), shape=(n, n)))
        out = object.__new__(RoutingGraph)
        out.__dict__.update(self.__dict__)
        out.forward = fwd
        out.reverse = fwd.T.tocsr()
        return out

    def node_minutes(
        self,
        sources: np.ndarray,
        targets: np.ndarray,
        *,
        reverse: bool = False,
        limit: float = np.inf,
        chunk: int = DEFAULT_CHUNK_SOURCES,
    ) -> np.ndarray:
        """Shortest minutes from every source node to every target node, (n_s, n_t) [min].

        With ``reverse`` the graph is transposed, so entry (i, j) is the time from
        target j to source i. Beyond ``limit`` minutes the entry is ``inf``.
        """
        from scipy.sparse.csgraph import dijkstra

        graph = self.reverse if reverse else self.forward
        out = np.full((len(sources), len(targets)), np.inf, dtype=np.float32)
        if len(sources) == 0 or len(targets) == 0:
            return out
        uniq, inverse = np.unique(sources, return_inverse=True)
        rows = np.empty((uniq.size, len(targets)), dtype=np.float32)
        for start in range(0, uniq.size, chunk):
            block = dijkstra(graph, directed=True, indices=uniq[start : start + chunk], limit=limit)
            rows[start : start + chunk] = np.atleast_2d(block)[:, targets]
        return rows[np.asarray(inverse).ravel()]


@dataclass(frozen=True)
class PointSet:
    """Points of one kind (``area``, ``site``, ``post``, ``hap``): ids and xy [m, EPSG:28992]."""

    kind: str
    ids: tuple[str, ...]
    xy: np.ndarray


def routed_blocks(
    graph: RoutingGraph,
    points: Mapping[str, PointSet],
    blocks: Sequence[tuple[str, str]],
    *,
    limit: float = DEFAULT_LIMIT_MINUTES,
    chunk: int = DEFAULT_CHUNK_SOURCES,
    contract: bool = True,
) -> dict[tuple[str, str], np.ndarray]:
    """Minute matrices (origin kind x destination kind) in the direction of travel [min].

    Each block runs Dijkstra from its side with fewer distinct nodes: forward from the
    origins, or on the transposed graph from the destinations. Blocks that share a
    source side share the runs. A row (or column) left with no finite entry by the
    distance limit gets its nearest destination (origin) from an unlimited
    multi-source run, so every origin keeps its nearest destination. Chains of two-way
    nodes are contracted first when ``contract`` is true and the blocks need more than
    ``CONTRACT_MIN_SOURCES`` Dijkstra runs (contraction costs about as much as 200 runs
    on the national network).
    """
    snapped = {k: graph.snap(p.xy) for k, p in points.items()}
    n_runs = sum(
        min(np.unique(snapped[o][0]).size, np.unique(snapped[d][0]).size) for o, d in blocks
    )
    if contract and n_runs > CONTRACT_MIN_SOURCES:
        graph = graph.contracted(np.concatenate([v[0] for v in snapped.values()]))
    plan: dict[tuple[str, bool], set[str]] = {}
    side: dict[tuple[str, str], tuple[str, bool]] = {}
    for o, d in blocks:
        n_o = np.unique(snapped[o][0]).size
        n_d = np.unique(snapped[d][0]).size
        key = (o, False) if n_o <= n_d else (d, True)
        side[(o, d)] = key
        plan.setdefault(key, set()).add(d if not key[1] else o)
    runs: dict[tuple[str, bool], dict[str, np.ndarray]] = {}
    for (src, rev), target_kinds in plan.items():
        kinds = sorted(target_kinds)
        targets = np.concatenate([snapped[k][0] for k in kinds])
        dist = graph.node_minutes(snapped[src][0], targets, reverse=rev, limit=limit, chunk=chunk)
        cuts = np.cumsum([0, *(len(snapped[k][0]) for k in kinds)])
        runs[(src, rev)] = {
            k: dist[:, a:b] for k, a, b in zip(kinds, cuts[:-1], cuts[1:], strict=True)
        }
    out: dict[tuple[str, str], np.ndarray] = {}
    for o, d in blocks:
        src, rev = side[(o, d)]
        drive = runs[(src, rev)][o if rev else d]
        drive = drive.T if rev else drive  # (n_o, n_d) in the direction of travel
        drive = _fill_in(graph, drive, snapped[o][0], snapped[d][0], chunk)
        out[(o, d)] = snapped[o][2][:, None] + drive.astype(float) + snapped[d][2][None, :]
    return out


def _fill_in(
    graph: RoutingGraph, drive: np.ndarray, o_nodes: np.ndarray, d_nodes: np.ndarray, chunk: int
) -> np.ndarray:
    """Give origins (rows) and destinations (columns) with nothing finite their nearest.

    One unlimited multi-source Dijkstra (``min_only``) per side finds, for every node,
    the nearest destination (or origin) and its time; only that pair is filled in.
    """
    from scipy.sparse.csgraph import dijkstra

    drive = np.array(drive, dtype=np.float32)
    if drive.size == 0:
        return drive
    rows = np.flatnonzero(~np.isfinite(drive).any(axis=1))
    if rows.size:
        dist, _, src = dijkstra(
            graph.reverse, indices=np.unique(d_nodes), min_only=True, return_predecessors=True
        )
        for i in rows:
            o = o_nodes[i]
            if np.isfinite(dist[o]):
                drive[i, d_nodes == src[o]] = dist[o]
    cols = np.flatnonzero(~np.isfinite(drive).any(axis=0))
    if cols.size:
        dist, _, src = dijkstra(
            graph.forward, indices=np.unique(o_nodes), min_only=True, return_predecessors=True
        )
        for j in cols:
            d = d_nodes[j]
            if np.isfinite(dist[d]):
                drive[o_nodes == src[d], j] = dist[d]
    return drive


__all__ = [
    "PROFILE_NAMES",
    "PointSet",
    "RoutingGraph",
    "SpeedProfile",
    "digest_text",
    "points_digest",
    "routed_blocks",
]
