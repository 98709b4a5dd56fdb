"""The national road network of ../shared/data/nl/roads: read, route, and match the pack.

Skipped with a reason where the folder is absent (a user's machine). Reads 3.08 M nodes
and 3.88 M edges (about 10 s); the full pack build is measured, not tested (see
docs/regions-nl.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
ROADS = ROOT / ".." / "shared" / "data" / "nl" / "roads"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not (ROADS / "edges.parquet").exists(),
        reason="national road network not found at ../shared/data/nl/roads beside the project",
    ),
]


@pytest.fixture(scope="module")
def roads():
    from acutesim.geo.roads import read_roads

    return read_roads(ROADS)


def test_the_folder_reads_as_a_node_and_edge_table(roads):
    assert roads.n_nodes == 3_076_770
    assert roads.n_edges == 3_882_807
    assert {"motorway", "ferry", "residential", "connectlink"} <= set(roads.class_codes[1])
    # only motorways and their links are one-way in this network
    one_way = set(np.asarray(roads.road_class, dtype=object)[roads.oneway])
    assert one_way == {"motorway", "motorway_link"}


def test_pack_matrices_match_a_fresh_route_on_the_network(roads):
    """regions/nl's cache equals routing the same points again (same network, profile)."""
    from acutesim.config.load import load_region
    from acutesim.geo.routing import RoutingGraph, routed_blocks
    from acutesim.geo.travel import Locations, build_travel_model
    from acutesim.packs.route import travel_points, travel_profiles

    nl = load_region(ROOT / "regions" / "nl")
    points = travel_points(nl)
    wanted = ["umcg", "zorgsaam_terneuzen", "erasmus_mc"]
    pick = [i for i, s in enumerate(points["site"].ids) if s in wanted]
    site = type(points["site"])("site", tuple(points["site"].ids[i] for i in pick),
                                points["site"].xy[pick])  # fmt: skip
    profile = travel_profiles(nl.travel)["ambulance"]
    graph = RoutingGraph(roads, profile)
    fresh = routed_blocks(
        graph, {"area": points["area"], "site": site}, [("area", "site")], limit=45.0
    )[("area", "site")]
    cached = build_travel_model(nl, "ambulance").minutes(
        Locations.from_areas(nl), Locations.from_sites(nl, list(site.ids))
    )
    both = np.isfinite(fresh) & np.isfinite(cached)
    assert both.sum() > 500
    np.testing.assert_allclose(fresh[both], cached[both], atol=1e-3)
