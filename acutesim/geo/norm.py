"""The 45-minute norm on arrays: call-to-door minutes per area and the population beyond it.

Every inhabitant should be able to reach a 24/7 SEH by ambulance within 45 minutes of
the 112 call. RIVM computes, for every place, the time for call handling and turnout,
the drive from the nearest 24/7 ambulance post, the time on scene and the drive to the
nearest open 24/7 SEH, and counts the inhabitants beyond 45 minutes. An SEH is
"gevoelig" when closing it puts extra inhabitants beyond the norm.

This module works on plain minute matrices (numpy only), so that the simulation can
re-evaluate the norm every time an SEH opens, closes or diverts. Indices here are
positions in the matrices; the caller maps them back to ids.

References
----------
RIVM, Bereikbaarheidsanalyse SEH's en acute verloskunde (yearly; the norm and its
inputs: 24/7 posts, 24/7 SEHs). RIVM briefrapport 270482001/2010, Tijdsduren in de
ambulancezorg (mean on-scene time 20 minutes in 2009). RUG Geodienst for RTL Nieuws,
Aanrijtijden ambulances in Nederland in beeld, 2017 (12 of the 15 response minutes
are left for driving, so 3 minutes for call handling and turnout).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from acutesim.errors import GeoError, did_you_mean
from acutesim.geo.travel import Locations, TravelTimeModel, build_travel_model

if TYPE_CHECKING:
    from acutesim.domain.region import Region, Site

Service = Literal["seh", "av"]
SERVICES: tuple[str, ...] = ("seh", "av")

NO_SITE = -1  # index returned where no open site (or no post) can be reached


NORM_MINUTES = 45.0  # the 45-minutennorm: 112 call to arrival at a 24/7 SEH [min]


@dataclass(frozen=True)
class NormParameters:
    """Fixed times of the RIVM-style norm calculation.

    Parameters
    ----------
    dispatch_minutes : float, default 3.0
        Call handling plus turnout before the ambulance drives [min]. Source: RUG
        Geodienst for RTL Nieuws 2017 (12 driving minutes inside the 15-minute
        response norm). RIVM's own value is not published.
    on_scene_minutes : float, default 20.0
        Time on scene with the patient [min]. Source: RIVM briefrapport
        270482001/2010, Tijdsduren in de ambulancezorg (mean of urgent rides, 2009).
    norm_minutes : float, default 45.0
        The 45-minutennorm, from the 112 call to arrival at the SEH [min].
    """

    dispatch_minutes: float = 3.0
    on_scene_minutes: float = 20.0
    norm_minutes: float = NORM_MINUTES

    def __post_init__(self) -> None:
        for name in ("dispatch_minutes", "on_scene_minutes", "norm_minutes"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise GeoError(
                    f"NormParameters.{name} must be a non-negative number, got {value!r}"
                )


NORM_KNOBS: tuple[str, ...] = ("dispatch_minutes", "on_scene_minutes")


def norm_parameters(region: Region | None = None, **overrides: float | None) -> NormParameters:
    """The norm's fixed minutes: code defaults, then the pack's ``[travel]``, then overrides.

    ``dispatch_minutes`` and ``on_scene_minutes`` in a pack's ``[travel]`` table replace
    the defaults of :class:`NormParameters`; keyword arguments that are not None (the
    CLI's ``--dispatch-minutes``, ``--on-scene-minutes``, ``--norm-minutes``) replace both.

    Raises
    ------
    GeoError
        On a value that is not a non-negative number.
    """
    values: dict[str, float] = {}
    travel = getattr(region, "travel", None) or {}
    for key in NORM_KNOBS:
        if key in travel:
            values[key] = travel[key]
    values.update({k: v for k, v in overrides.items() if v is not None})
    unknown = sorted(set(values) - {*NORM_KNOBS, "norm_minutes"})
    if unknown:
        raise GeoError(
            f"unknown norm parameter {unknown[0]!r}{did_you_mean(unknown[0], NORM_KNOBS)}"
        )
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise GeoError(f"[travel] {key}: must be a number of minutes, got {value!r}")
    return NormParameters(**{k: float(v) for k, v in values.items()})


def _nearest(minutes: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimum along ``axis`` and its index (``NO_SITE`` where everything is inf)."""
    if minutes.shape[axis] == 0:
        n = minutes.shape[1 - axis]
        return np.full(n, np.inf), np.full(n, NO_SITE, dtype=np.int64)
    idx = np.argmin(minutes, axis=axis)
    best = np.take_along_axis(minutes, np.expand_dims(idx, axis), axis=axis).squeeze(axis)
    idx = np.where(np.isfinite(best), idx, NO_SITE).astype(np.int64)
    return best, idx


def response_minutes(
    post_to_area: np.ndarray, params: NormParameters | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Call-to-scene minutes per area from the nearest post, and that post's index.

    Parameters
    ----------
    post_to_area : ndarray, shape (n_posts, n_areas)
        Driving time from each (24/7) post to each area [min].
    params : NormParameters, optional
        Dispatch minutes [min].

    Returns
    -------
    minutes : ndarray, shape (n_areas,)
        Dispatch + drive from the nearest post [min]; ``inf`` where no post reaches.
    nearest_post : ndarray of int, shape (n_areas,)
        Row index of the nearest post, ``NO_SITE`` (-1) where none reaches.
    """
    p = params or NormParameters()
    drive, idx = _nearest(np.asarray(post_to_area, dtype=float), axis=0)
    return drive + p.dispatch_minutes, idx


def call_to_door_minutes(
    post_to_area: np.ndarray,
    area_to_site: np.ndarray,
    open_mask: np.ndarray | None = None,
    params: NormParameters | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes from the 112 call until the ambulance is at the nearest open site.

    Parameters
    ----------
    post_to_area : ndarray, shape (n_posts, n_areas)
        Driving time from each post to each area [min].
    area_to_site : ndarray, shape (n_areas, n_sites)
        Driving time from each area to each site [min].
    open_mask : ndarray of bool, shape (n_sites,), optional
        True for sites that count as open; all open when omitted.
    params : NormParameters, optional
        Dispatch and on-scene minutes [min].

    Returns
    -------
    minutes : ndarray, shape (n_areas,)
        Dispatch + drive to scene + on scene + drive to the nearest open site [min].
    nearest_site : ndarray of int, shape (n_areas,)
        Column index of the nearest open site, ``NO_SITE`` (-1) where none.
    """
    p = params or NormParameters()
    response, _ = response_minutes(post_to_area, p)
    to_site = _masked(area_to_site, open_mask)
    drive, site = _nearest(to_site, axis=1)
    return response + p.on_scene_minutes + drive, site


def _masked(area_to_site: np.ndarray, open_mask: np.ndarray | None) -> np.ndarray:
    m = np.asarray(area_to_site, dtype=float)
    if open_mask is None:
        return m
    mask = np.asarray(open_mask, dtype=bool)
    if mask.shape != (m.shape[1],):
        raise GeoError(f"open_mask has shape {mask.shape}, expected ({m.shape[1]},) sites")
    return np.where(mask[None, :], m, np.inf)


def population_beyond_norm(
    call_to_door: np.ndarray, population: np.ndarray, norm_minutes: float = NORM_MINUTES
) -> float:
    """Inhabitants whose call-to-door time exceeds the norm.

    Parameters
    ----------
    call_to_door : ndarray, shape (n_areas,)
        Call-to-door minutes per area [min].
    population : ndarray, shape (n_areas,)
        Inhabitants per area [persons].
    norm_minutes : float, default 45.0
        The norm [min].

    Returns
    -------
    float
        Inhabitants with ``call_to_door > norm_minutes`` [persons].
    """
    beyond = np.asarray(call_to_door) > norm_minutes
    return float(np.sum(np.asarray(population, dtype=float)[beyond]))


def extra_population_beyond_norm(
    post_to_area: np.ndarray,
    area_to_site: np.ndarray,
    population: np.ndarray,
    open_mask: np.ndarray | None = None,
    params: NormParameters | None = None,
) -> np.ndarray:
    """For every site, the extra inhabitants beyond the norm if that site alone closed.

    Vectorised over areas and sites: each area's best and second-best open site are
    found once; closing site ``k`` changes only the areas whose best site is ``k``,
    which then fall back to their second best. Ties between two equally near sites
    mean closing either changes nothing.

    Parameters
    ----------
    post_to_area : ndarray, shape (n_posts, n_areas)
        Driving time from each post to each area [min].
    area_to_site : ndarray, shape (n_areas, n_sites)
        Driving time from each area to each site [min].
    population : ndarray, shape (n_areas,)
        Inhabitants per area [persons].
    open_mask : ndarray of bool, shape (n_sites,), optional
        Sites open before the closure; all when omitted.
    params : NormParameters, optional
        Dispatch, on-scene and norm minutes [min].

    Returns
    -------
    ndarray, shape (n_sites,)
        Extra inhabitants beyond the norm per closed site [persons]; 0 for sites that
        are already closed.
    """
    p = params or NormParameters()
    response, _ = response_minutes(post_to_area, p)
    return _extra_beyond(
        response + p.on_scene_minutes,
        _masked(area_to_site, open_mask),
        np.asarray(population, dtype=float),
        p.norm_minutes,
    )


def _extra_beyond(
    base_minutes: np.ndarray, to_site: np.ndarray, population: np.ndarray, norm_minutes: float
) -> np.ndarray:
    """Extra population beyond the norm per site closure, from best and second best."""
    n_areas, n_sites = to_site.shape
    if n_sites == 0:
        return np.zeros(0)
    best_drive, best = _nearest(to_site, axis=1)
    if n_sites >= 2:
        second_drive = np.partition(to_site, 1, axis=1)[:, 1]
    else:
        second_drive = np.full(n_areas, np.inf)
    # the same comparison as population_beyond_norm: beyond means total > norm
    within_now = base_minutes + best_drive <= norm_minutes
    beyond_after = base_minutes + second_drive > norm_minutes
    hit = within_now & beyond_after & (best != NO_SITE)
    return np.bincount(best[hit], weights=population[hit], minlength=n_sites).astype(float)


class NormTracker:
    """Population beyond the norm for any set of open sites, fast enough to call often.

    The post side (dispatch + nearest post + on scene) is fixed, so it is computed
    once; each distinct open mask is evaluated once and then cached.

    Parameters
    ----------
    post_to_area : ndarray, shape (n_posts, n_areas)
        Driving time from each 24/7 post to each area [min].
    area_to_site : ndarray, shape (n_areas, n_sites)
        Driving time from each area to each site that can count [min].
    population : ndarray, shape (n_areas,)
        Inhabitants per area [persons].
    params : NormParameters, optional
        Dispatch, on-scene and norm minutes [min].
    """

    def __init__(
        self,
        post_to_area: np.ndarray,
        area_to_site: np.ndarray,
        population: np.ndarray,
        params: NormParameters | None = None,
    ) -> None:
        self.params = params or NormParameters()
        self.area_to_site = np.ascontiguousarray(area_to_site, dtype=float)
        self.population = np.asarray(population, dtype=float)
        n_areas, self.n_sites = self.area_to_site.shape
        post = np.asarray(post_to_area, dtype=float)
        if post.ndim != 2 or post.shape[1] != n_areas or self.population.shape != (n_areas,):
            raise GeoError(
                f"NormTracker: post_to_area {post.shape}, area_to_site "
                f"{self.area_to_site.shape} and population {self.population.shape} do not "
                "agree on the number of areas"
            )
        response, self.nearest_post = response_minutes(post, self.params)
        self.base_minutes = response + self.params.on_scene_minutes
        # Which site keeps which area within the norm, using the same comparison as
        # population_beyond_norm (beyond means total > norm).
        total = self.base_minutes[:, None] + self.area_to_site
        self._within = total <= self.params.norm_minutes
        self._cache: dict[bytes, float] = {}

    def population_beyond(self, open_mask: np.ndarray) -> float:
        """Inhabitants beyond the norm with these sites open [persons].

        Parameters
        ----------
        open_mask : ndarray of bool, shape (n_sites,)
            True for open sites.
        """
        mask = np.asarray(open_mask, dtype=bool)
        key = mask.tobytes()
        hit = self._cache.get(key)
        if hit is None:
            if mask.shape != (self.n_sites,):
                raise GeoError(f"open_mask has shape {mask.shape}, expected ({self.n_sites},)")
            reached = (self._within & mask).any(axis=1)
            hit = float(self.population.sum() - self.population @ reached)
            self._cache[key] = hit
        return hit

    def call_to_door_minutes(self, open_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Call-to-door minutes per area [min] and the nearest open site index (-1: none)."""
        drive, site = _nearest(_masked(self.area_to_site, open_mask), axis=1)
        return self.base_minutes + drive, site

    def sensitivity(self, open_mask: np.ndarray) -> np.ndarray:
        """Extra inhabitants beyond the norm per site if it alone closed [persons]."""
        return _extra_beyond(
            self.base_minutes,
            _masked(self.area_to_site, open_mask),
            self.population,
            self.params.norm_minutes,
        )


def counted_sites(region: Region, service: str = "seh") -> tuple[Site, ...]:
    """Sites that count for the norm: 24/7 SEHs (``seh``) or acute obstetrics (``av``).

    RIVM counts only 24/7 basic SEHs; day-only SEHs do not count. For ``av`` the sites
    with 24/7 acute obstetrics count.
    """
    if service not in SERVICES:
        raise GeoError(
            f"unknown service {service!r}{did_you_mean(service, SERVICES)} "
            f"(known: {', '.join(SERVICES)})"
        )
    if service == "av":
        return tuple(s for s in region.sites if s.has_av)
    return tuple(s for s in region.sites if s.is_24_7)


@dataclass(frozen=True)
class NormInputs:
    """The minute matrices of the norm for one region: 24/7 posts, areas, counted sites.

    Parameters
    ----------
    area_ids, post_ids, site_ids : tuple of str
        Ids in the order of the matrix rows and columns.
    post_to_area_minutes : ndarray, shape (n_posts, n_areas)
        Driving time from each 24/7 post to each area [min].
    area_to_site_minutes : ndarray, shape (n_areas, n_sites)
        Driving time from each area to each counted site [min].
    population : ndarray, shape (n_areas,)
        Inhabitants per area [persons].
    """

    area_ids: tuple[str, ...]
    post_ids: tuple[str, ...]
    site_ids: tuple[str, ...]
    post_to_area_minutes: np.ndarray
    area_to_site_minutes: np.ndarray
    population: np.ndarray

    @classmethod
    def from_region(
        cls, region: Region, service: str = "seh", model: TravelTimeModel | None = None
    ) -> NormInputs:
        """Compute the matrices with the region's ambulance travel model (or ``model``)."""
        sites = counted_sites(region, service)
        posts = [p for p in region.posts if p.is_24_7]
        model = model or build_travel_model(region, "ambulance")
        areas = Locations.from_areas(region)
        post_locs = Locations.from_posts(region, posts)
        site_locs = Locations.from_sites(region, sites)
        return cls(
            area_ids=areas.ids,
            post_ids=post_locs.ids,
            site_ids=site_locs.ids,
            post_to_area_minutes=model.minutes(post_locs, areas),
            area_to_site_minutes=model.minutes(areas, site_locs),
            population=region.area_population(),
        )

    def open_mask(self, closed: tuple[str, ...] | list[str] | set[str] = ()) -> np.ndarray:
        """Boolean mask over ``site_ids``: False for the closed ids."""
        shut = set(closed)
        return np.array([s not in shut for s in self.site_ids], dtype=bool)

    def tracker(self, params: NormParameters | None = None) -> NormTracker:
        """A :class:`NormTracker` over these matrices."""
        return NormTracker(
            self.post_to_area_minutes, self.area_to_site_minutes, self.population, params
        )
