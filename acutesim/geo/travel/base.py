"""The shared parts of every travel model: profiles, default parameters, places and the protocol.

An ambulance leaves a post, drives to the patient and then on to an SEH; a patient may
also drive to a hospital by car. Every travel model answers one question behind
:class:`TravelTimeModel`: the minutes from each origin to each destination, with
places given as :class:`Locations` (ids, RD New points, zones and road access).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np

from acutesim.errors import GeoError, did_you_mean
from acutesim.units import METRES_PER_KM, MINUTES_PER_HOUR

if TYPE_CHECKING:
    from acutesim.domain.region import AmbulancePost, Region, Site


Profile = Literal["ambulance", "ambulance_no_siren", "car"]
MAINLAND = "mainland"
RD_NEW_EPSG = 28992

# Road network defaults. assumption: no source gives Dutch ambulance speeds by road
# type (RIVM's rijtijdenmodel table is not public); these are legal car speeds, lower in
# town, with an ambulance factor for driving with sirens.
SPEED_BY_ROAD_CLASS_KM_PER_HOUR: Mapping[str, float] = {
    "motorway": 100.0,
    "trunk": 80.0,
    "primary": 70.0,
    "secondary": 60.0,
    "tertiary": 50.0,
    "residential": 30.0,
    "unclassified": 40.0,
    "service": 15.0,
}
SPEED_FACTOR_BY_PROFILE: Mapping[str, float] = {"ambulance": 1.15, "car": 1.0}  # assumption
ACCESS_SPEED_KM_PER_HOUR = 15.0  # assumption: from an area point to the nearest road node
NODE_TOLERANCE_M = 1.0  # vertices closer than this are one node
M_PER_MIN_PER_KM_PER_HOUR = METRES_PER_KM / MINUTES_PER_HOUR  # 1 km/h in m/min


def float_array(values: Any) -> np.ndarray:
    """``values`` as a float numpy array."""
    return np.asarray(values, dtype=float)


# --- locations -----------------------------------------------------------------------
@dataclass(frozen=True, eq=False)  # arrays: compare by identity, hash by id
class Locations:
    """Points that trips start or end at, with the zone (mainland or island) of each.

    Parameters
    ----------
    ids : tuple of str
        Stable ids (area, site or post ids), in the order of the rows of ``xy``.
    xy : ndarray, shape (n, 2)
        Coordinates [m, EPSG:28992].
    zones : tuple of str
        ``mainland`` or an island zone reached by ferry, one per point.
    has_access : ndarray of bool, shape (n,)
        False for a point no vehicle can reach; its travel times are ``inf``.
    kind : str
        ``area``, ``site``, ``post`` or ``hap`` (empty when unknown); a cached routed
        matrix is looked up by kind and id.
    """

    ids: tuple[str, ...]
    xy: np.ndarray
    zones: tuple[str, ...]
    has_access: np.ndarray = field(default_factory=lambda: np.ones(0, dtype=bool))
    kind: str = ""

    def __post_init__(self) -> None:
        xy = np.asarray(self.xy, dtype=float).reshape(-1, 2)
        n = len(self.ids)
        access = np.asarray(self.has_access, dtype=bool)
        if access.size == 0 and n > 0:
            access = np.ones(n, dtype=bool)
        if xy.shape[0] != n or len(self.zones) != n or access.shape != (n,):
            raise GeoError(
                f"Locations: {n} ids, {xy.shape[0]} points, {len(self.zones)} zones and "
                f"{access.size} access flags; all must have the same length"
            )
        object.__setattr__(self, "ids", tuple(str(i) for i in self.ids))
        object.__setattr__(self, "zones", tuple(str(z) for z in self.zones))
        object.__setattr__(self, "xy", xy)
        object.__setattr__(self, "has_access", access)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_points(
        cls,
        ids: Sequence[str],
        xy: Any,
        zones: Sequence[str] | None = None,
        has_access: Any = None,
    ) -> Locations:
        """Build locations from ids and coordinates [m, EPSG:28992]; zones default to mainland."""
        n = len(ids)
        return cls(
            ids=tuple(ids),
            xy=np.asarray(xy, dtype=float).reshape(-1, 2),
            zones=tuple(zones) if zones is not None else (MAINLAND,) * n,
            has_access=(
                np.ones(n, dtype=bool) if has_access is None else np.asarray(has_access, bool)
            ),
        )

    @classmethod
    def from_areas(cls, region: Region) -> Locations:
        """The representative points of the region's areas [m], in pack order."""
        return cls(
            ids=region.area_ids,
            xy=region.area_xy(),
            zones=tuple(a.zone for a in region.areas),
            has_access=np.array([a.has_road_access for a in region.areas], dtype=bool),
            kind="area",
        )

    @classmethod
    def from_sites(cls, region: Region, sites: Iterable[Site | str] | None = None) -> Locations:
        """Hospital sites (all, or the given sites or site ids, in that order) [m]."""
        chosen = _pick(region.sites, sites, "site_id", region.site_by_id)
        return cls(
            ids=tuple(s.site_id for s in chosen),
            xy=np.array([(s.x_m, s.y_m) for s in chosen], dtype=float).reshape(-1, 2),
            zones=tuple(s.zone for s in chosen),
            has_access=np.ones(len(chosen), dtype=bool),
            kind="site",
        )

    @classmethod
    def from_posts(
        cls, region: Region, posts: Iterable[AmbulancePost | str] | None = None
    ) -> Locations:
        """Ambulance posts (all, or the given posts or post ids, in that order) [m]."""
        by_id = {p.post_id: p for p in region.posts}
        chosen = _pick(region.posts, posts, "post_id", by_id)
        return cls(
            ids=tuple(p.post_id for p in chosen),
            xy=np.array([(p.x_m, p.y_m) for p in chosen], dtype=float).reshape(-1, 2),
            zones=tuple(p.zone for p in chosen),
            has_access=np.ones(len(chosen), dtype=bool),
            kind="post",
        )


def _pick(
    all_items: Sequence[Any], chosen: Iterable[Any] | None, key: str, by_id: Any
) -> list[Any]:
    if chosen is None:
        return list(all_items)
    out = []
    for item in chosen:
        if isinstance(item, str):
            if item not in by_id:
                raise GeoError(f"unknown {key} {item!r}{did_you_mean(item, by_id)}")
            out.append(by_id[item])
        else:
            out.append(item)
    return out


# --- the protocol --------------------------------------------------------------------
@runtime_checkable
class TravelTimeModel(Protocol):
    """Anything that gives driving minutes from every origin to every destination."""

    def minutes(self, origins: Locations, destinations: Locations) -> np.ndarray:
        """Driving time, shape (n_origins, n_destinations) [min]; ``inf`` where unreachable."""
        ...


def mask_access(out: np.ndarray, origins: Locations, destinations: Locations) -> np.ndarray:
    """Set minutes from or to places without road access to infinity (in place) [min]."""
    out[~origins.has_access, :] = np.inf
    out[:, ~destinations.has_access] = np.inf
    return out
