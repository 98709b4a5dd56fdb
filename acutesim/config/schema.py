"""Pydantic models of the region pack and experiment files.

Every model forbids unknown keys (so a misspelt key is an error with a did-you-mean hint)
and is frozen. Durations are given by family and parameters in minutes; rates and
shares carry their unit in the key. ``config/load.py`` turns validated models into
frozen ``domain`` objects.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from acutesim.config import checks
from acutesim.config import defaults as d
from acutesim.domain.distributions import Duration
from acutesim.domain.pathways import (
    A1_SPECIALISED_SHARE,
    B_RESERVE_VEHICLES,
    HANDOFF_NURSES_PER_SEH,
    LWBS_COLOURS,
    LWBS_PATIENCE_MEAN_MINUTES,
    LWBS_PATIENCE_SD_MINUTES,
    MAX_WAIT_FOR_TREATMENT_MINUTES,
    MTS_SHARES_BY_URGENCY,
    NO_SIREN_TRAVEL_FACTOR,
    SEH_SHARE_OF_CONVEYED,
    PathwayParameters,
)
from acutesim.domain.routes import Route
from acutesim.units import MINUTES_PER_DAY, MINUTES_PER_YEAR

ID_PATTERN = r"^[A-Za-z0-9_\-.]+$"
SITE_ID_PATTERN = r"^[a-z0-9_]+$"


class Strict(BaseModel):
    """Base model: unknown keys are errors, values are frozen, numbers are finite."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# A share of a whole [0-1].
Share = Annotated[float, Field(ge=0, le=1)]
# Upper bounds of counts in pack files: far above any real Dutch site or post, so that a
# typo (an extra digit, a pasted id) is caught. Assumptions, see docs/assumptions.md.
MAX_ACUTE_BEDS = 5_000
MAX_VEHICLES_PER_POST = 200
MAX_STAFF_PER_SHIFT = 1_000
StaffCount = Annotated[int, Field(ge=0, le=MAX_STAFF_PER_SHIFT)]
# A duration parameter of a pack is at most a year: longer is a unit error (hours or
# seconds given as minutes). Assumption, see docs/assumptions.md.
MAX_DURATION_MINUTES = MINUTES_PER_YEAR
Minutes = Annotated[float, Field(ge=0, le=MAX_DURATION_MINUTES)]
MTS_COLOURS = ("red", "orange", "yellow", "green", "blue")
URGENCIES = ("A1", "A2", "B")


def _complete(table: Collection[str], keys: tuple[str, ...], what: str) -> None:
    """Refuse a partial table that would silently drop the other keys' defaults."""
    missing = [k for k in keys if k not in table]
    if missing:
        raise ValueError(
            f"{what} is incomplete: missing {', '.join(repr(k) for k in missing)} "
            f"(a table given here replaces the default; give all of {', '.join(keys)})"
        )


# --- durations --------------------------------------------------------------------------
class DurationSpec(Strict):
    """A duration by family and parameters in minutes (never raw mu/sigma)."""

    family: Literal["fixed", "exponential", "lognormal", "gamma", "uniform", "empirical"]
    mean_minutes: Minutes = 0.0
    sd_minutes: Minutes = 0.0
    shift_minutes: Minutes = 0.0
    min_minutes: Minutes = 0.0
    # +inf (no truncation) is the one non-finite value a duration accepts.
    max_minutes: Annotated[float, Field(allow_inf_nan=True)] = math.inf
    values_minutes: tuple[Minutes, ...] = ()
    weights: tuple[Annotated[float, Field(ge=0)], ...] = ()
    truncation: Literal["clip", "redraw"] = "clip"
    source: str = ""

    @field_validator("max_minutes")
    @classmethod
    def _max(cls, v: float) -> float:
        if math.isnan(v) or v < 0:
            raise ValueError("max_minutes must be a number >= 0 (or inf for no truncation)")
        return v

    @model_validator(mode="after")
    def _check(self) -> DurationSpec:
        if self.family == "empirical":
            if not self.values_minutes or len(self.values_minutes) != len(self.weights):
                raise ValueError("empirical needs values_minutes and weights of equal length")
            if sum(self.weights) <= 0:
                raise ValueError("empirical weights must have a positive sum")
        if self.max_minutes < self.min_minutes:
            raise ValueError("max_minutes must be >= min_minutes")
        return self

    def to_domain(self) -> Duration:
        """Return the domain :class:`Duration`."""
        return Duration(
            family=self.family,
            mean_minutes=self.mean_minutes,
            sd_minutes=self.sd_minutes,
            shift_minutes=self.shift_minutes,
            min_minutes=self.min_minutes,
            max_minutes=self.max_minutes,
            values_minutes=self.values_minutes,
            weights=self.weights,
            truncation=self.truncation,
        )


def dur(**kw: Any) -> DurationSpec:
    """Build a :class:`DurationSpec` default."""
    return DurationSpec(**kw)


# --- CSV rows ---------------------------------------------------------------------------
class SiteRow(Strict):
    """One row of ``sites.csv``."""

    site_id: str = Field(pattern=SITE_ID_PATTERN)
    organisation: str = Field(min_length=1)
    name: str = Field(min_length=1)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    x: float | None = None
    y: float | None = None
    seh: Literal["24/7", "day", "none"]
    hap: bool = False
    av: bool = False
    acute_beds: int = Field(ge=0, le=MAX_ACUTE_BEDS)
    roster: str = Field(min_length=1)
    open_hour: float | None = Field(default=None, ge=0, le=24)
    close_hour: float | None = Field(default=None, ge=0, le=24)
    zone: str | None = None
    # RIVM's gevoelig verdict (true/false); empty or no column: no list (pack README
    # gives its source and date).
    sensitive: bool | None = None

    @model_validator(mode="after")
    def _coords(self) -> SiteRow:
        if (self.lon is None or self.lat is None) and (self.x is None or self.y is None):
            raise ValueError("needs lon and lat (WGS84) or x and y (EPSG:28992)")
        return self


class PostRow(Strict):
    """One row of ``ambulance_posts.csv``."""

    post_id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    x: float | None = None
    y: float | None = None
    availability: Literal["24/7", "day"]
    vehicles_day: int = Field(ge=0, le=MAX_VEHICLES_PER_POST)
    vehicles_evening: int = Field(ge=0, le=MAX_VEHICLES_PER_POST)
    vehicles_night: int = Field(ge=0, le=MAX_VEHICLES_PER_POST)
    zone: str | None = None

    @model_validator(mode="after")
    def _coords(self) -> PostRow:
        if (self.lon is None or self.lat is None) and (self.x is None or self.y is None):
            raise ValueError("needs lon and lat (WGS84) or x and y (EPSG:28992)")
        return self


class HAPRow(Strict):
    """One row of ``haps.csv`` (a HAP that is not on a hospital site)."""

    hap_id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    x: float | None = None
    y: float | None = None
    roster: str = Field(min_length=1)
    zone: str | None = None

    @model_validator(mode="after")
    def _coords(self) -> HAPRow:
        if (self.lon is None or self.lat is None) and (self.x is None or self.y is None):
            raise ValueError("needs lon and lat (WGS84) or x and y (EPSG:28992)")
        return self


# --- rosters.toml -----------------------------------------------------------------------
class RoleSpec(Strict):
    """How one role turns into treatment slots, its minimum staff and its absence."""

    slots_per_staff: float = Field(default=0.0, ge=0)
    min_staff: int = Field(default=0, ge=0)
    vacancy_share: float = Field(default=0.0, ge=0, le=1)
    absence_probability: float = Field(default=0.0, ge=0, le=1)
    locum_fill_share: float = Field(default=0.0, ge=0, le=1)


class ShiftSpec(Strict):
    """One shift of a roster template."""

    name: str
    start_hour: float = Field(ge=0, lt=24)
    hours: float = Field(gt=0, le=24)
    staff: dict[str, StaffCount]
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if any(w < 0 or w > 6 for w in v):
            raise ValueError("weekdays are 0 (Monday) .. 6 (Sunday)")
        return v


class RosterSpec(Strict):
    """A roster template: role rules and shifts."""

    roles: dict[str, RoleSpec]
    shifts: tuple[ShiftSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _roles_known(self) -> RosterSpec:
        for s in self.shifts:
            unknown = set(s.staff) - set(self.roles)
            if unknown:
                raise ValueError(
                    f"shift '{s.name}' staffs unknown role(s) {sorted(unknown)} "
                    f"(roles: {sorted(self.roles)})"
                )
        return self


# --- region.toml ------------------------------------------------------------------------
class FilesSection(Strict):
    """File names inside the pack."""

    areas: str = "areas.geojson"
    sites: str = "sites.csv"
    posts: str = "ambulance_posts.csv"
    haps: str | None = None
    rosters: str = "rosters.toml"
    finance: str | None = None


class FerrySpec(Strict):
    """A ferry link to an island zone (lon/lat of both ends, or RD x/y)."""

    zone: str = Field(min_length=1)
    name: str = ""
    terminal_lon: float | None = Field(default=None, ge=-180, le=180)
    terminal_lat: float | None = Field(default=None, ge=-90, le=90)
    port_lon: float | None = Field(default=None, ge=-180, le=180)
    port_lat: float | None = Field(default=None, ge=-90, le=90)
    terminal_x: float | None = None
    terminal_y: float | None = None
    port_x: float | None = None
    port_y: float | None = None
    crossing_minutes: float = Field(ge=0, le=MINUTES_PER_DAY)
    source: str = ""


class ProfileSpec(Strict):
    """An hour-of-week profile: 24 weekday and 24 weekend weights, or 168 weights."""

    weekday: tuple[float, ...] | None = None
    weekend: tuple[float, ...] | None = None
    hour_of_week: tuple[float, ...] | None = None
    source: str = ""

    @model_validator(mode="after")
    def _shape(self) -> ProfileSpec:
        if self.hour_of_week is not None:
            if len(self.hour_of_week) != 168:
                raise ValueError(f"hour_of_week needs 168 weights, got {len(self.hour_of_week)}")
        elif self.weekday is None or len(self.weekday) != 24:
            raise ValueError("weekday needs 24 weights (or give hour_of_week with 168)")
        elif self.weekend is not None and len(self.weekend) != 24:
            raise ValueError("weekend needs 24 weights")
        values = self.hour_of_week or (*self.weekday, *(self.weekend or ()))  # type: ignore[misc]
        if any(v < 0 for v in values) or sum(values) <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        return self

    def hour_of_week_weights(self) -> list[float]:
        """Return 168 weights, Monday 00:00 first."""
        if self.hour_of_week is not None:
            return list(self.hour_of_week)
        assert self.weekday is not None
        weekend = self.weekend if self.weekend is not None else self.weekday
        return [*(list(self.weekday) * 5), *(list(weekend) * 2)]


class StreamSpec(Strict):
    """A demand stream: route, rate per 1,000 inhabitants per year and profile name."""

    route: Route
    rate_per_1000_per_year: float = Field(ge=0, le=1000)
    profile: str
    source: str = "assumption"


class DemandSection(Strict):
    """Demand streams, their hour-of-week profiles and age weighting."""

    streams: dict[str, StreamSpec] = Field(default_factory=d.default_streams)
    profiles: dict[str, ProfileSpec] = Field(default_factory=d.default_profiles)
    age_weights: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=d.default_age_weights
    )

    @model_validator(mode="after")
    def _profiles_known(self) -> DemandSection:
        for name, s in self.streams.items():
            if s.profile not in self.profiles:
                raise ValueError(
                    f"stream '{name}' names profile '{s.profile}', which is not defined "
                    f"(known: {', '.join(sorted(self.profiles))})"
                )
        return self


Colour = Literal["red", "orange", "yellow", "green", "blue"]


def _factory(make: Callable[[], Any]) -> Callable[[], Any]:
    """A ``default_factory`` whose plain-``str``-keyed default pydantic checks like input.

    The defaults in :mod:`acutesim.config.defaults` are keyed by plain strings; the fields
    are keyed by ``Literal`` names, which the validator enforces on every value.
    """
    return make


def str_keys(mapping: Mapping[Any, float]) -> dict[str, float]:
    """A copy of ``mapping`` keyed by plain ``str`` (for the domain's ``dict[str, float]``)."""
    return {str(k): float(v) for k, v in mapping.items()}


class SEHSection(Strict):
    """Clinical parameters of SEHs: MTS mix by route, treatment, admission, volmelding."""

    mts_shares: dict[str, dict[Colour, Share]] = Field(
        default_factory=_factory(d.default_mts_shares)
    )
    treatment: dict[Colour, DurationSpec] = Field(default_factory=_factory(d.default_treatment))
    admission_share: dict[Colour, Share] = Field(
        default_factory=_factory(d.default_admission_share)
    )
    admission_extra_treatment_minutes: float = Field(default=d.ADMISSION_EXTRA_MINUTES, ge=0)
    triage: DurationSpec = Field(default_factory=lambda: dur(family="fixed", mean_minutes=5.0))
    ward_stay: DurationSpec = Field(default_factory=d.default_ward_stay)
    volmelding_on_share: float = Field(default=0.95, gt=0, le=2)
    volmelding_off_share: float = Field(default=0.80, gt=0, le=2)
    bay_factor: float = Field(default=d.BAY_FACTOR, gt=0)
    boarding_transfer_minutes: float = Field(default=d.BOARDING_TRANSFER_MINUTES, gt=0)
    hap_takes_self_referral_share: float = Field(default=d.HAP_TAKES_SELF_SHARE, ge=0, le=1)
    hap_self_referral_onward_share: float = Field(default=d.HAP_SELF_ONWARD_SHARE, ge=0, le=1)
    day_open_hour: float = Field(default=8.0, ge=0, le=24)
    day_close_hour: float = Field(default=23.0, ge=0, le=24)

    @model_validator(mode="after")
    def _check(self) -> SEHSection:
        _complete(self.treatment, MTS_COLOURS, "treatment")
        _complete(self.admission_share, MTS_COLOURS, "admission_share")
        for route, shares in self.mts_shares.items():
            total = sum(shares.values())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"mts_shares.{route} sums to {total:.4f}, not 1")
        if self.volmelding_off_share >= self.volmelding_on_share:
            raise ValueError("volmelding_off_share must be below volmelding_on_share (hysteresis)")
        return self


class AmbulanceSection(Strict):
    """Meldkamer and ambulance chain parameters."""

    urgency_shares: dict[Literal["A1", "A2", "B"], Share] = Field(
        default_factory=_factory(lambda: dict(d.URGENCY_SHARES))
    )
    conveyance_share: dict[Literal["A1", "A2", "B"], Share] = Field(
        default_factory=_factory(lambda: dict(d.CONVEYANCE_SHARE))
    )
    dispatch_delay: DurationSpec = Field(default_factory=d.default_dispatch_delay)
    on_scene: DurationSpec = Field(default_factory=d.default_on_scene)
    handover: DurationSpec = Field(default_factory=d.default_handover)
    shift_start_hours: dict[
        Literal["day", "evening", "night"], Annotated[float, Field(ge=0, lt=24)]
    ] = Field(default_factory=_factory(lambda: {"day": 7.0, "evening": 15.0, "night": 23.0}))

    @model_validator(mode="after")
    def _check(self) -> AmbulanceSection:
        _complete(self.urgency_shares, URGENCIES, "urgency_shares")
        _complete(self.conveyance_share, URGENCIES, "conveyance_share")
        _complete(self.shift_start_hours, ("day", "evening", "night"), "shift_start_hours")
        total = sum(self.urgency_shares.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"urgency_shares sums to {total:.4f}, not 1")
        return self


class HAPSection(Strict):
    """HAP opening hours, telephone triage, consult and referral."""

    weekday_open_hour: float = Field(default=17.0, ge=0, le=24)
    weekday_close_hour: float = Field(default=8.0, ge=0, le=24)
    weekend_open_all_day: bool = True
    telephone_triage: DurationSpec = Field(
        default_factory=lambda: dur(family="lognormal", mean_minutes=6.0, sd_minutes=3.0)
    )
    consult: DurationSpec = Field(
        default_factory=lambda: dur(family="lognormal", mean_minutes=15.0, sd_minutes=8.0)
    )
    consult_share: float = Field(default=d.HAP_CONSULT_SHARE, ge=0, le=1)
    referral_share: float = Field(default=d.HAP_REFERRAL_SHARE, ge=0, le=1)


class OrganisationSpec(Strict):
    """``[organisations.<id>]`` of ``region.toml``: display name and starting reserves."""

    name: str = ""
    reserves_eur: float = 0.0


class PathwaysSection(Strict):
    """Named pathway rules (``[pathways]``): maximum wait, leaving without being seen."""

    max_wait_for_treatment_minutes: float = Field(default=MAX_WAIT_FOR_TREATMENT_MINUTES, gt=0)
    lwbs_patience: DurationSpec = Field(
        default_factory=lambda: dur(
            family="lognormal",
            mean_minutes=LWBS_PATIENCE_MEAN_MINUTES,
            sd_minutes=LWBS_PATIENCE_SD_MINUTES,
        )
    )
    lwbs_colours: tuple[Colour, ...] = LWBS_COLOURS  # type: ignore[assignment]
    closing_rule: Literal["finish"] = "finish"
    handoff_nurses_per_seh: float = Field(default=HANDOFF_NURSES_PER_SEH, ge=1)
    no_siren_travel_factor: float = Field(default=NO_SIREN_TRAVEL_FACTOR, ge=1)
    seh_share_of_conveyed: dict[Literal["A1", "A2", "B"], float] = Field(
        default_factory=_factory(lambda: dict(SEH_SHARE_OF_CONVEYED))
    )
    b_ride_rule: Literal["own_vehicles", "shared", "quiet_hours"] = "own_vehicles"
    b_reserve_vehicles: int = Field(default=B_RESERVE_VEHICLES, ge=0)
    a1_specialised_share: float = Field(default=A1_SPECIALISED_SHARE, ge=0, le=1)
    specialised_sites: tuple[str, ...] = ()
    mts_shares_by_urgency: dict[Literal["A1", "A2", "B"], dict[Colour, float]] = Field(
        default_factory=_factory(lambda: {k: dict(v) for k, v in MTS_SHARES_BY_URGENCY.items()})
    )
    gp_referrals_via_hap_when_open: bool = True

    @model_validator(mode="after")
    def _check(self) -> PathwaysSection:
        for u, share in self.seh_share_of_conveyed.items():
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"seh_share_of_conveyed.{u} is {share}, expected 0-1")
        for u, shares in self.mts_shares_by_urgency.items():
            total = sum(shares.values())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"mts_shares_by_urgency.{u} sums to {total:.4f}, not 1")
        return self

    def to_domain(self) -> PathwayParameters:
        """Return the domain :class:`PathwayParameters`."""
        return PathwayParameters(
            max_wait_for_treatment_minutes=self.max_wait_for_treatment_minutes,
            lwbs_patience=self.lwbs_patience.to_domain(),
            lwbs_colours=tuple(self.lwbs_colours),
            closing_rule=self.closing_rule,
            handoff_nurses_per_seh=self.handoff_nurses_per_seh,
            no_siren_travel_factor=self.no_siren_travel_factor,
            seh_share_of_conveyed=str_keys(self.seh_share_of_conveyed),
            b_ride_rule=self.b_ride_rule,
            b_reserve_vehicles=self.b_reserve_vehicles,
            a1_specialised_share=self.a1_specialised_share,
            specialised_sites=tuple(self.specialised_sites),
            mts_shares_by_urgency={k: str_keys(v) for k, v in self.mts_shares_by_urgency.items()},
            gp_referrals_via_hap_when_open=self.gp_referrals_via_hap_when_open,
        )


class RegionToml(Strict):
    """``region.toml``: the pack's identity, files and parameters."""

    name: str = Field(min_length=1)
    description: str = ""
    start_date: dt.date = dt.date(2026, 1, 5)
    demand_growth_per_year: float = Field(default=0.0, ge=-0.5, le=0.5)
    sources: tuple[str, ...] = ()
    files: FilesSection = Field(default_factory=FilesSection)
    travel: dict[str, Any] = Field(default_factory=lambda: {"model": "straight_line"})
    ferries: tuple[FerrySpec, ...] = ()
    demand: DemandSection = Field(default_factory=DemandSection)
    seh: SEHSection = Field(default_factory=SEHSection)
    ambulance: AmbulanceSection = Field(default_factory=AmbulanceSection)
    hap: HAPSection = Field(default_factory=HAPSection)
    pathways: PathwaysSection = Field(default_factory=PathwaysSection)
    organisations: dict[str, OrganisationSpec] = Field(default_factory=dict)
    extends: str | None = None
    select: dict[str, Any] = Field(default_factory=dict)

    @field_validator("start_date")
    @classmethod
    def _start_date(cls, v: dt.date) -> dt.date:
        if not checks.DATE_MIN <= v <= checks.DATE_MAX:
            raise ValueError(
                f"start_date {v.isoformat()} lies outside {checks.DATE_MIN.isoformat()} .. "
                f"{checks.DATE_MAX.isoformat()}"
            )
        return v


# --- experiment files -------------------------------------------------------------------
class ScenarioKnobs(Strict):
    """The knobs a scenario may set; every one defaults to the region pack's value."""

    demand_multiplier: float = Field(default=1.0, ge=0)
    demand_growth_per_year: float | None = Field(default=None, ge=-0.5, le=0.5)
    staff_vacancy_share: float | None = Field(default=None, ge=0, le=1)
    locum_fill_share: float | None = Field(default=None, ge=0, le=1)
    absence_scale: float = Field(default=1.0, ge=0)
    unlimited_staff: bool = False
    beds_multiplier: float = Field(default=1.0, ge=0)
    ambulance_vehicles_multiplier: float = Field(default=1.0, ge=0)
    hap_takes_self_referral_share: float | None = Field(default=None, ge=0, le=1)
    hap_referral_share: float | None = Field(default=None, ge=0, le=1)
    volmelding_on_share: float | None = Field(default=None, gt=0, le=2)
    volmelding_off_share: float | None = Field(default=None, gt=0, le=2)
    closed_sites: tuple[str, ...] = ()
    dispatch_minutes: float | None = Field(default=None, ge=0)
    on_scene_minutes: float | None = Field(default=None, ge=0)
    record_patients: bool = False
    call_log: str | None = None
    funding: dict[str, Any] = Field(default_factory=dict)
    behaviour: dict[str, Any] = Field(default_factory=dict)


class ScenarioSpec(ScenarioKnobs):
    """A named scenario; ``inherits`` names another scenario whose knobs it starts from."""

    name: str = Field(pattern=r"^[A-Za-z0-9_\-.=,]+$")
    description: str = ""
    inherits: str | None = None


class GridSpec(Strict):
    """A cartesian grid of scenarios over named knobs, starting from ``base``."""

    base: str | None = None
    prefix: str = ""
    knobs: dict[str, list[Any]] = Field(min_length=1)


class ExperimentToml(Strict):
    """An experiment file: region, horizon, replications, seed and scenarios."""

    name: str = Field(pattern=r"^[A-Za-z0-9_\-.]+$")
    description: str = ""
    region: str
    horizon_days: float = Field(gt=0)
    warmup_days: float = Field(default=0.0, ge=0)
    replications: int = Field(default=1, ge=1)
    seed: int = Field(default=1, ge=0)
    scenarios: tuple[ScenarioSpec, ...] = ()
    grid: GridSpec | None = None

    @model_validator(mode="after")
    def _check(self) -> ExperimentToml:
        if self.warmup_days >= self.horizon_days:
            raise ValueError(
                f"warmup_days ({self.warmup_days}) must be less than horizon_days "
                f"({self.horizon_days})"
            )
        if not self.scenarios and self.grid is None:
            raise ValueError("needs at least one [[scenarios]] entry or a [grid]")
        return self
