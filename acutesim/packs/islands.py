"""Find islands among the areas of a pack and give each a ferry link.

CBS polygons of the Wadden islands are not connected to the mainland: an ambulance
reaches them by ferry. Areas closer than a small gap are taken as connected land, the
largest connected group is the mainland and every other inhabited group is an island
zone with a ferry between its nearest point and the mainland's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import geopandas as gpd

from acutesim.packs.inputs import DEFAULT_CROSSING_MINUTES, DEFAULT_ISLAND_GAP_M, Island, slugify


def detect_islands(
    areas: gpd.GeoDataFrame,
    *,
    gap_m: float = DEFAULT_ISLAND_GAP_M,
    crossing_minutes: float = DEFAULT_CROSSING_MINUTES,
    fixed_links: Sequence[str] = (),
) -> tuple[np.ndarray, list[Island]]:
    """Find inhabited land not connected to the mainland, and a ferry link for each.

    Polygons closer than ``gap_m`` to each other are connected; the connected group with
    the largest land area is the mainland. Every other group with inhabitants becomes an
    island zone named after its most populous area (``island_<name>``); uninhabited
    groups stay ``mainland`` (they generate no demand). The ferry's mainland terminal
    and island port are the nearest points between the island and the mainland.

    Parameters
    ----------
    areas : GeoDataFrame
        Polygons in EPSG:28992 with ``area_id``, ``name`` and ``population``.
    gap_m : float
        Gap bridged between neighbouring polygons [m].
    crossing_minutes : float
        Crossing time given to every ferry [min]; see ``DEFAULT_CROSSING_MINUTES``.
    fixed_links : sequence of str
        Area ids whose group is joined to the mainland (a bridge, dam or tunnel).

    Returns
    -------
    zones : ndarray of str
        Zone per area, in row order.
    islands : list of Island
        The island zones with their ferry ends [m].
    """
    import shapely
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(areas)
    zones = np.full(n, "mainland", dtype=object)
    if n == 0:
        return zones, []
    geoms = shapely.make_valid(areas.geometry.to_numpy())
    tree = shapely.STRtree(geoms)
    i, j = tree.query(shapely.buffer(geoms, gap_m / 2.0), predicate="intersects")
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    n_parts, label = connected_components(graph, directed=False)
    if n_parts == 1:
        return zones, []
    area_m2 = shapely.area(geoms)
    land = np.bincount(label, weights=area_m2, minlength=n_parts)
    people = np.bincount(label, weights=areas["population"].to_numpy(float), minlength=n_parts)
    main = int(np.argmax(land))
    ids = areas["area_id"].astype(str).to_numpy()
    joined = {int(label[k]) for k in np.flatnonzero(np.isin(ids, list(fixed_links)))}
    main_idx = np.flatnonzero((label == main) | np.isin(label, list(joined)))
    main_tree = shapely.STRtree(geoms[main_idx])
    islands: list[Island] = []
    taken: set[str] = {"mainland"}
    # islands in order of decreasing population, so that names and ids are stable
    for part in sorted(range(n_parts), key=lambda p: (-people[p], p)):
        if part == main or part in joined or people[part] <= 0:
            continue
        members = np.flatnonzero(label == part)
        top = members[np.argmax(areas["population"].to_numpy()[members])]
        zone = f"island_{slugify(str(areas['name'].iloc[top]))}"
        while zone in taken:
            zone += "_2"
        taken.add(zone)
        zones[members] = zone
        island_geom = shapely.union_all(geoms[members])
        near = main_idx[main_tree.nearest(island_geom)]
        port, terminal = shapely.ops.nearest_points(island_geom, geoms[near])
        islands.append(
            Island(
                zone=zone,
                n_areas=len(members),
                population=int(people[part]),
                terminal_xy=(float(terminal.x), float(terminal.y)),
                port_xy=(float(port.x), float(port.y)),
                crossing_minutes=float(crossing_minutes),
            )
        )
    return zones, islands
