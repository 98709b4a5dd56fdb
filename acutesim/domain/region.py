"""The region model: areas where people live, hospital sites with an SEH, HAPs, ambulance posts.

A region is what a region pack describes once loaded: population units (areas), the
hospital sites of one or more organisations, the ambulance posts of the RAV, HAPs,
ferry links to islands, staff rosters, demand streams and the operational parameters
of the patient pathways. Everything is frozen, keyed by stable string ids, and located
in EPSG:28992 (RD New, metres).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from acutesim.domain.calendar import Calendar
from acutesim.domain.distributions import Duration
from acutesim.domain.pathways import PathwayParameters
from acutesim.domain.roster import RosterTemplate
from acutesim.domain.routes import Route
from acutesim.domain.specs import FinanceSpec, StraightLineTravel, TravelSpec

SEHHours = Literal["24/7", "day", "none"]
MTS_COLOURS: tuple[str, ...] = ("red", "orange", "yellow", "green", "blue")
URGENCIES: tuple[str, ...] = ("A1", "A2", "B")
MAINLAND = "mainland"
CRS_RD_NEW = "EPSG:28992"


@dataclass(frozen=True)
class Area:
    """A population unit (municipality, postcode-4 area or grid cell).

    ``x_m``/``y_m`` is a representative point inside the area [m, EPSG:28992]; ``zone``
    is ``mainland`` or the id of an island reached by ferry (see :class:`Ferry`);
    ``has_road_access`` is False for an area no ambulance can reach by road or ferry.
    ``demand_weight`` scales demand per inhabitant (1.0 without age bands).
    """

    area_id: str
    name: str
    population: int
    x_m: float
    y_m: float
    zone: str = MAINLAND
    has_road_access: bool = True
    demand_weight: float = 1.0
    geometry: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Site:
    """A hospital location, possibly with an SEH, a co-located HAP and acute obstetrics (AV)."""

    site_id: str
    organisation: str
    name: str
    x_m: float
    y_m: float
    seh: SEHHours
    has_hap: bool
    has_av: bool
    acute_beds: int
    roster: str
    zone: str = MAINLAND
    open_hour: float = 0.0
    close_hour: float = 24.0
    #: RIVM's gevoelig verdict from the pack's ``sites.csv`` (None: the pack has no list).
    sensitive: bool | None = None

    @property
    def has_seh(self) -> bool:
        """True when the site runs an SEH (24/7 or day-only)."""
        return self.seh != "none"

    @property
    def is_24_7(self) -> bool:
        """True for a 24/7 SEH, the kind the 45-minute norm counts."""
        return self.seh == "24/7"

    @property
    def opening_hours_per_week(self) -> float:
        """Hours per week the SEH is open [h]."""
        if self.seh == "24/7":
            return 168.0
        if self.seh == "none":
            return 0.0
        return 7.0 * (self.close_hour - self.open_hour)


@dataclass(frozen=True)
class AmbulancePost:
    """An ambulance post (standplaats) and its vehicles per shift (day, evening, night)."""

    post_id: str
    name: str
    x_m: float
    y_m: float
    availability: Literal["24/7", "day"]
    vehicles_by_shift: Mapping[str, int]
    zone: str = MAINLAND

    @property
    def is_24_7(self) -> bool:
        """True for a post staffed around the clock (the posts the 45-minute norm uses)."""
        return self.availability == "24/7"


@dataclass(frozen=True)
class HAP:
    """A huisartsenpost; ``site_id`` is the hospital site it shares, or None when standalone."""

    hap_id: str
    name: str
    x_m: float
    y_m: float
    roster: str
    site_id: str | None = None
    zone: str = MAINLAND


@dataclass(frozen=True)
class Ferry:
    """Access to an island zone: drive to the mainland terminal, cross, drive on from the port.

    ``crossing_minutes`` includes boarding and the average wait for the ambulance crossing.
    """

    zone: str
    name: str
    terminal_x_m: float
    terminal_y_m: float
    port_x_m: float
    port_y_m: float
    crossing_minutes: float


@dataclass(frozen=True)
class Organisation:
    """A hospital organisation (board) owning one or more sites."""

    organisation_id: str
    name: str
    site_ids: tuple[str, ...]
    reserves_eur: float = 0.0


@dataclass(frozen=True)
class DemandStream:
    """One stream of incidents or arrivals, Poisson in time with an hour-of-week profile.

    Parameters
    ----------
    name : str
        Stream name, e.g. ``ambulance``, ``hap_contact``, ``self_referral``.
    route : str
        How patients of this stream reach care: ``ambulance``, ``hap``, ``gp``,
        ``self`` or ``other``.
    rate_per_1000_per_year : float
        Incidents per 1,000 inhabitants per year [1/(1000 persons * yr)].
    profile : tuple of float
        168 hour-of-week weights, Monday 00:00 first, mean 1.0.
    source : str
        Where the rate comes from, or ``assumption``.
    """

    name: str
    route: Route
    rate_per_1000_per_year: float
    profile: tuple[float, ...]
    source: str = "assumption"

    def __post_init__(self) -> None:
        if len(self.profile) != 168:
            raise ValueError(f"stream {self.name}: profile has {len(self.profile)} hours, not 168")


@dataclass(frozen=True)
class SEHParameters:
    """Clinical parameters of every SEH in the region: triage mix, treatment, admission.

    Keys of the mappings are MTS colours (``red`` ... ``blue``) or arrival routes.
    """

    mts_shares_by_route: Mapping[str, Mapping[str, float]]
    treatment_by_mts: Mapping[str, Duration]
    admission_share_by_mts: Mapping[str, float]
    admission_extra_treatment_minutes: float = 0.0
    triage: Duration = field(default_factory=lambda: Duration.fixed(5.0))
    ward_stay: Duration = field(default_factory=lambda: Duration.lognormal(4320.0, 3600.0))
    volmelding_on_share: float = 0.95
    volmelding_off_share: float = 0.8
    bay_factor: float = 1.5
    boarding_transfer_minutes: float = math.inf
    hap_takes_self_referral_share: float = 0.0
    hap_self_referral_onward_share: float = 0.0
    day_open_hour: float = 8.0
    day_close_hour: float = 23.0


@dataclass(frozen=True)
class AmbulanceParameters:
    """Parameters of the meldkamer and ambulance chain (urgency mix, durations, conveyance)."""

    urgency_shares: Mapping[str, float]
    dispatch_delay: Duration
    on_scene: Duration
    handover: Duration
    conveyance_share_by_urgency: Mapping[str, float]
    shift_start_hours: Mapping[str, float] = field(
        default_factory=lambda: {"day": 7.0, "evening": 15.0, "night": 23.0}
    )


@dataclass(frozen=True)
class HAPParameters:
    """Parameters of the HAP: opening hours, telephone triage, consult and referral."""

    weekday_open_hour: float = 17.0
    weekday_close_hour: float = 8.0
    weekend_open_all_day: bool = True
    telephone_triage: Duration = field(default_factory=lambda: Duration.fixed(8.0))
    consult: Duration = field(default_factory=lambda: Duration.lognormal(15.0, 8.0))
    consult_share: float = 0.6
    referral_share: float = 0.08


@dataclass(frozen=True)
class Region:
    """A loaded region pack: everything the model needs about one region.

    Use the ``*_by_id`` mappings for look-ups and the ``area_*`` arrays for vectorised
    work; positional indices never leave a function.
    """

    name: str
    description: str
    calendar: Calendar
    areas: tuple[Area, ...]
    sites: tuple[Site, ...]
    posts: tuple[AmbulancePost, ...]
    haps: tuple[HAP, ...]
    ferries: tuple[Ferry, ...]
    organisations: tuple[Organisation, ...]
    rosters: Mapping[str, RosterTemplate]
    streams: tuple[DemandStream, ...]
    seh: SEHParameters
    ambulance: AmbulanceParameters
    hap: HAPParameters
    pathways: PathwayParameters = field(default_factory=PathwayParameters)
    travel: TravelSpec = field(default_factory=StraightLineTravel)
    finance: FinanceSpec | None = None  # None: the pack has no finance.toml
    demand_growth_per_year: float = 0.0
    sources: tuple[str, ...] = ()
    pack_path: str = ""

    # -- look-ups ---------------------------------------------------------------------
    @property
    def area_ids(self) -> tuple[str, ...]:
        """Area ids in pack order."""
        return tuple(a.area_id for a in self.areas)

    @property
    def site_by_id(self) -> dict[str, Site]:
        """Sites keyed by ``site_id``."""
        return {s.site_id: s for s in self.sites}

    @property
    def seh_sites(self) -> tuple[Site, ...]:
        """Sites that run an SEH (24/7 or day-only)."""
        return tuple(s for s in self.sites if s.has_seh)

    @property
    def ferry_by_zone(self) -> dict[str, Ferry]:
        """Ferry links keyed by island zone."""
        return {f.zone: f for f in self.ferries}

    @property
    def population(self) -> int:
        """Total inhabitants [persons]."""
        return int(sum(a.population for a in self.areas))

    def area_xy(self) -> np.ndarray:
        """Representative points of the areas, shape (n_areas, 2) [m]."""
        return np.array([(a.x_m, a.y_m) for a in self.areas], dtype=float).reshape(-1, 2)

    def area_population(self) -> np.ndarray:
        """Inhabitants per area [persons]."""
        return np.array([a.population for a in self.areas], dtype=float)

    def describe(self) -> dict[str, Any]:
        """Return a short summary (counts and population) for messages and manifests."""
        return {
            "name": self.name,
            "population": self.population,
            "n_areas": len(self.areas),
            "n_sites": len(self.sites),
            "n_seh": len(self.seh_sites),
            "n_seh_24_7": sum(s.is_24_7 for s in self.sites),
            "n_posts": len(self.posts),
            "n_haps": len(self.haps),
            "n_ferries": len(self.ferries),
        }


def flat_profile() -> tuple[float, ...]:
    """Return a flat hour-of-week profile (168 ones)."""
    return tuple([1.0] * 168)


def normalise_profile(weights: list[float] | tuple[float, ...] | np.ndarray) -> tuple[float, ...]:
    """Scale 168 non-negative weights to mean 1.0."""
    arr = np.asarray(weights, dtype=float)
    mean = float(arr.mean())
    if not math.isfinite(mean) or mean <= 0:
        raise ValueError("profile weights must be non-negative with a positive mean")
    return tuple(float(x) for x in arr / mean)
