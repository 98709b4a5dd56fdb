"""Travel-time matrices of one region, as the simulation reads them.

Ambulances drive from posts to incident areas and on to SEH sites, walk-ins and
referrals drive by car to SEHs and HAPs; ``geo`` computes each leg once per region with
the region's travel-time models, and the model only indexes these arrays (area x site,
post x area, ...) during a run [minutes].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from acutesim.domain.region import Region
from acutesim.sim.tuning import release_arrow_memory, trim_heap

_UNSET: Final = np.empty((0, 0))  # marks a TravelMatrices field left out


@dataclass(frozen=True)
class TravelMatrices:
    """Travel minutes the model needs, indexed by model position, in the direction of travel.

    The ambulance profile (with siren): ``amb_post_area`` (posts x areas, response),
    ``amb_site_area`` (SEH sites x areas, re-dispatch from a hospital), ``amb_area_site``
    (areas x sites, transport), ``amb_area_post`` (areas x posts, return from a scene),
    ``amb_site_post`` (sites x posts, return from a hospital) and ``amb_site_site``
    (sites x sites, transfers). The no-siren profile (A2 rides): ``amb2_post_area`` and
    ``amb2_area_site``. The private-car profile: ``car_area_site`` and ``car_area_hap``.
    Fields left out default to the transpose of the reverse matrix (or the siren
    matrix; site to site: :func:`site_site_through_areas`), for hand-built matrices in
    tests.
    """

    amb_post_area: np.ndarray
    amb_area_site: np.ndarray
    amb_site_post: np.ndarray
    car_area_site: np.ndarray
    car_area_hap: np.ndarray
    amb_site_area: np.ndarray = field(default_factory=lambda: _UNSET)
    amb_area_post: np.ndarray = field(default_factory=lambda: _UNSET)
    amb_site_site: np.ndarray = field(default_factory=lambda: _UNSET)
    amb2_post_area: np.ndarray = field(default_factory=lambda: _UNSET)
    amb2_area_site: np.ndarray = field(default_factory=lambda: _UNSET)

    def __post_init__(self) -> None:
        defaults: dict[str, Callable[[], np.ndarray]] = {
            "amb_site_area": lambda: self.amb_area_site.T,
            "amb_area_post": lambda: self.amb_post_area.T,
            "amb_site_site": lambda: site_site_through_areas(self.amb_area_site),
            "amb2_post_area": lambda: self.amb_post_area,
            "amb2_area_site": lambda: self.amb_area_site,
        }
        for name, value in defaults.items():
            if getattr(self, name) is _UNSET:
                object.__setattr__(self, name, np.ascontiguousarray(value()))


def site_site_through_areas(amb_area_site: np.ndarray) -> np.ndarray:
    """Site-to-site minutes bounded through the areas: min over a of t(a, i) + t(a, j)."""
    n = amb_area_site.shape[1]
    out = np.full((n, n), np.inf)
    for i in range(n):
        out[i] = np.min(amb_area_site[:, [i]] + amb_area_site, axis=0)
        out[i, i] = 0.0
    return out


def travel_matrices(region: Region) -> TravelMatrices:
    """Compute the model's travel matrices with the region's travel-time models [min]."""
    from acutesim.geo.travel import Locations, build_travel_model
    from acutesim.geo.travel.matrix import release_dense_blocks, release_routed_matrices

    # a routed pack's models read its matrix cache (a Parquet table) on first use: hand
    # the table's pages back at once, before the dense matrices are built beside them
    amb = build_travel_model(region, profile="ambulance")
    release_arrow_memory()
    amb2 = build_travel_model(region, profile="ambulance_no_siren")
    car = build_travel_model(region, profile="car")
    release_arrow_memory()
    areas = Locations.from_areas(region)
    sites = Locations.from_sites(region, region.seh_sites)
    posts = Locations.from_posts(region)
    haps = Locations(
        ids=tuple(h.hap_id for h in region.haps),
        xy=np.array([(h.x_m, h.y_m) for h in region.haps], dtype=float).reshape(-1, 2),
        zones=tuple(h.zone for h in region.haps),
        kind="hap",
    )

    def taken(minutes: np.ndarray) -> np.ndarray:
        # each routed block is taken once: the cache's dense copy goes at once
        release_dense_blocks()
        return minutes

    matrices = TravelMatrices(
        amb_post_area=taken(amb.minutes(posts, areas)),
        amb_area_site=taken(amb.minutes(areas, sites)),
        amb_site_post=taken(amb.minutes(sites, posts)),
        car_area_site=taken(car.minutes(areas, sites)),
        car_area_hap=(
            taken(car.minutes(areas, haps)) if region.haps else np.zeros((len(areas.ids), 0))
        ),
        amb_site_area=taken(amb.minutes(sites, areas)),
        amb_area_post=taken(amb.minutes(areas, posts)),
        amb_site_site=taken(amb.minutes(sites, sites)),
        amb2_post_area=taken(amb2.minutes(posts, areas)),
        amb2_area_site=taken(amb2.minutes(areas, sites)),
    )
    # the model reads these copies only: drop the routed cache (its long table and dense
    # blocks are as large again) before the run, so it does not add to a worker's peak
    del amb, amb2, car
    release_routed_matrices()
    trim_heap()  # the freed cache and loading temporaries: back to the system
    return matrices
