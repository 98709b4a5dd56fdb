"""The road-network travel model: shortest paths over road segments (scipy.sparse.csgraph)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.domain.travel_table import DEFAULT_DETOUR_FACTOR
from acutesim.errors import GeoError
from acutesim.geo.travel.base import (
    ACCESS_SPEED_KM_PER_HOUR,
    M_PER_MIN_PER_KM_PER_HOUR,
    NODE_TOLERANCE_M,
    Locations,
    float_array,
    mask_access,
)
from acutesim.units import km_per_hour_to_metres_per_minute

if TYPE_CHECKING:
    from acutesim.domain.region import Ferry


# --- road network --------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A routable road graph: nodes in metres and directed edges with driving minutes.

    Parameters
    ----------
    node_xy : ndarray, shape (n_nodes, 2)
        Node coordinates [m, EPSG:28992].
    edge_from, edge_to : ndarray of int
        Node indices of each directed edge.
    edge_minutes : ndarray of float
        Driving time of each edge [min].
    """

    node_xy: np.ndarray
    edge_from: np.ndarray
    edge_to: np.ndarray
    edge_minutes: np.ndarray

    @classmethod
    def from_segments(
        cls,
        lines: Sequence[Any],
        speeds_km_per_hour: Sequence[float] | np.ndarray,
        *,
        oneway: Sequence[bool] | None = None,
        node_tolerance_m: float = NODE_TOLERANCE_M,
    ) -> RoadNetwork:
        """Build a graph from polylines (each an (k, 2) array of vertices [m]) and speeds.

        Consecutive vertices become edges; vertices closer than ``node_tolerance_m``
        become one node, so lines that share an end point are connected. Lines are
        two-way unless ``oneway`` says otherwise (then they run in vertex order).
        """
        arrays = [np.asarray(line, dtype=float).reshape(-1, 2) for line in lines]
        speeds = float_array(speeds_km_per_hour)
        if len(arrays) != speeds.size:
            raise GeoError(f"road network: {len(arrays)} lines but {speeds.size} speeds")
        bad = np.flatnonzero(~np.isfinite(speeds) | (speeds <= 0))
        if bad.size:
            raise GeoError(
                f"road network: line {int(bad[0]) + 1} has speed {float(speeds[bad[0]])!r} km/h; "
                "speeds must be positive"
            )
        if not arrays:
            raise GeoError("road network: no line segments")
        ow = np.zeros(len(arrays), bool) if oneway is None else np.asarray(oneway, bool)
        counts = np.array([len(a) for a in arrays])
        verts = np.concatenate(arrays)
        keys = np.round(verts / node_tolerance_m).astype(np.int64)
        _uniq, first, node_of_vertex = np.unique(
            keys, axis=0, return_index=True, return_inverse=True
        )
        node_of_vertex = node_of_vertex.ravel()
        node_xy = verts[first]
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        seg_line = np.repeat(np.arange(len(arrays)), np.maximum(counts - 1, 0))
        seg_a = np.concatenate(
            [np.arange(s, s + c - 1) for s, c in zip(starts, counts, strict=True)]
        )
        seg_a = seg_a.astype(np.int64)
        seg_b = seg_a + 1
        length_m = np.hypot(*(verts[seg_b] - verts[seg_a]).T)
        minutes = length_m / (speeds[seg_line] * M_PER_MIN_PER_KM_PER_HOUR)
        u, v = node_of_vertex[seg_a], node_of_vertex[seg_b]
        two_way = ~ow[seg_line]
        frm = np.concatenate([u, v[two_way]])
        to = np.concatenate([v, u[two_way]])
        mins = np.concatenate([minutes, minutes[two_way]])
        return cls(node_xy, frm, to, mins)

    def with_edges(self, frm: Any, to: Any, minutes: Any) -> RoadNetwork:
        """A copy with extra directed edges (e.g. ferry crossings) [min]."""
        return RoadNetwork(
            self.node_xy,
            np.concatenate([self.edge_from, np.asarray(frm, dtype=np.int64)]),
            np.concatenate([self.edge_to, np.asarray(to, dtype=np.int64)]),
            np.concatenate([self.edge_minutes, float_array(minutes)]),
        )


class RoadNetworkModel:
    """Shortest driving times over a road graph, with scipy's multi-source Dijkstra.

    Origins and destinations snap to their nearest node; the snap distance is covered at
    ``access_speed_km_per_hour`` (with the detour factor), both at the start and at the
    end of a trip. Ferries become edges from the node nearest to the mainland terminal
    to the node nearest to the island port, taking ``crossing_minutes`` each way.

    Parameters
    ----------
    network : RoadNetwork
        The graph [m, min].
    ferries : sequence of Ferry
        Ferry links to add as edges.
    access_speed_km_per_hour : float
        Speed over the snap distance [km/h]; assumption.
    access_detour_factor : float
        Detour factor over the snap distance [-].
    """

    def __init__(
        self,
        network: RoadNetwork,
        ferries: Sequence[Ferry] = (),
        *,
        access_speed_km_per_hour: float = ACCESS_SPEED_KM_PER_HOUR,
        access_detour_factor: float = DEFAULT_DETOUR_FACTOR,
    ) -> None:
        from scipy.sparse import csr_matrix
        from scipy.spatial import cKDTree

        if not access_speed_km_per_hour > 0:
            raise GeoError(
                f"access_speed_km_per_hour must be positive, got {access_speed_km_per_hour!r}"
            )
        self._tree = cKDTree(network.node_xy)
        if ferries:
            ends = [(f.terminal_x_m, f.terminal_y_m, f.port_x_m, f.port_y_m) for f in ferries]
            e = np.asarray(ends, dtype=float)
            _, a = self._tree.query(e[:, :2])
            _, b = self._tree.query(e[:, 2:])
            crossing = [f.crossing_minutes for f in ferries]
            network = network.with_edges(
                np.concatenate([a, b]), np.concatenate([b, a]), crossing + crossing
            )
        self.network = network
        self.access_m_per_min = km_per_hour_to_metres_per_minute(access_speed_km_per_hour)
        self.access_detour_factor = access_detour_factor
        n = len(network.node_xy)
        frm, to, w = network.edge_from, network.edge_to, network.edge_minutes
        keep = frm != to
        frm, to, w = frm[keep], to[keep], w[keep]
        # Parallel edges: keep the fastest (a sparse matrix would sum duplicates). Zero
        # weights would read as missing edges, so give them a tiny positive time.
        order = np.lexsort((w, to, frm))
        frm, to, w = frm[order], to[order], w[order]
        first = np.ones(frm.size, dtype=bool)
        first[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])
        w = np.maximum(w[first], 1e-9)
        self._graph = csr_matrix((w, (frm[first], to[first])), shape=(n, n))

    def snap(self, points: Locations) -> tuple[np.ndarray, np.ndarray]:
        """Nearest node of every point and the access time to it [min]."""
        dist_m, node = self._tree.query(points.xy)
        access = dist_m * self.access_detour_factor / self.access_m_per_min
        return np.asarray(node, dtype=np.int64), np.asarray(access, dtype=float)

    def minutes(self, origins: Locations, destinations: Locations) -> np.ndarray:
        """Shortest driving time from every origin to every destination [min]."""
        from scipy.sparse.csgraph import dijkstra

        o_node, o_access = self.snap(origins)
        d_node, d_access = self.snap(destinations)
        if len(origins) == 0 or len(destinations) == 0:
            return np.zeros((len(origins), len(destinations)))
        sources, inverse = np.unique(o_node, return_inverse=True)
        dist = dijkstra(self._graph, directed=True, indices=sources)
        dist = np.atleast_2d(dist)[inverse.ravel()][:, d_node]
        out = o_access[:, None] + dist + d_access[None, :]
        return mask_access(out, origins, destinations)
