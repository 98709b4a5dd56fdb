"""Typed, frozen specs of what a region pack or a scenario says about travel and money.

``config`` parses the files once into these specs (``region.toml [travel]`` into a
:class:`TravelSpec`, ``finance.toml`` into a :class:`FinanceSpec`, a scenario's
``funding`` and ``behaviour`` tables into a :class:`FundingSpec` and a
:class:`BehaviourSpec`); every layer below reads their typed fields and never parses a
dict again. A funding regime is one spec class here, one implementation in
:mod:`acutesim.funding.regimes` and one entry in :data:`REGIME_SPECS`.

Every default cites its source or is an assumption listed in ``docs/assumptions.md``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal, Union

#: A value of a TOML table as read by :mod:`tomllib` (tables and arrays nest).
TomlValue = Union[  # noqa: UP007 (a recursive alias needs the Union form)
    str,
    int,
    float,
    bool,
    dt.date,
    dt.datetime,
    dt.time,
    Sequence["TomlValue"],
    Mapping[str, "TomlValue"],
]
#: A TOML table.
TomlTable = Mapping[str, TomlValue]

MTS = Literal["red", "orange", "yellow", "green", "blue"]
Schoning = Literal["hospital", "total", "none"]
SchoningBase = Literal["organisation", "seh"]
Binding = Literal["location", "institution"]
LossBasis = Literal["seh", "organisation"]

# --- defaults of the funding regimes -----------------------------------------------------
# source: VWS, nota "Uitwerking van de ontwikkelroute passende acute zorg in de regio en
# stand van zaken invoering budgetbekostiging SEH" (20 May 2026): "ongeveer EUR 4,6 miljoen
# per SEH" from 1 January 2027; also Gupta Strategists via Skipr (2026-02-23).
DEFAULT_BUDGET_EUR_PER_YEAR = 4_600_000.0
# Beschikbaarheidbijdrage per sensitive SEH: amounts seen are about EUR 2 million a year
# (Den Helder, SEH and acute obstetrics, 2017; WZA Assen applied for about EUR 2 million
# in 2025; Saxenburgh for EUR 1.7-2.3 million). Its scope is one 24/7 physician and one
# 24/7 nurse plus material and capital (NZa, PUC_642143). Medium confidence.
DEFAULT_BESCHIKBAARHEIDBIJDRAGE_EUR_PER_YEAR = 2_000_000.0
# Assumption: under schoning "none" half of the budget is taken out of the organisation's own
# DBC prices in local contracting ("uitkomst afhankelijk van onderhandelpositie", NVZ 22 May
# 2025); the rest is a cut on other care ("Er komt geen budget in macrokader bij ... Minder
# budget voor overige zorg", same slides).
DEFAULT_SCHONING_NONE_SHARE = 0.5
# source: NVZ 22 May 2025 ("geen budget in macrokader bij"): the budget is no new money.
DEFAULT_EXTRA_MONEY_SHARE = 0.0
# Assumption: the schoning is a one-off cut in the DBC prices contracted with insurers; no
# source says that it is undone when a location closes, so it persists by default.
DEFAULT_SCHONING_PERSISTS_ON_CLOSURE = True
# source: NZa beleidsregel beschikbaarheidbijdrage SEH (scope: one 24/7 physician and one
# 24/7 nurse, PUC_642143): the contribution pays for round-the-clock availability.
DEFAULT_BESCHIKBAARHEIDBIJDRAGE_REQUIRES_24_7 = True
# source: VWS nota budgetbekostiging SEH (20 May 2026): budget funding from 1 January 2027.
DEFAULT_SWITCH_DATE = dt.date(2027, 1, 1)


# --- travel --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TravelSpec(Mapping[str, Any]):
    """``region.toml [travel]``: the travel-time model and its parameters.

    One subclass per model (:data:`TRAVEL_SPECS`); the typed fields are what other
    layers read (the norm's minutes, the model's file). ``table`` keeps the validated
    table with its per-profile sub-tables for the model's builder in :mod:`acutesim.geo`;
    the spec reads as that table (a read-only mapping of TOML values), so a builder
    asks ``spec.get("speed_factor")`` of one object.

    Parameters
    ----------
    table : mapping
        The validated ``[travel]`` table.
    dispatch_minutes, on_scene_minutes : float or None
        The 45-minute norm's fixed minutes when the pack sets them [min].
    """

    model: ClassVar[str] = "straight_line"
    #: The model's parameter names, allowed at the top of ``[travel]`` and per profile.
    parameters: ClassVar[frozenset[str]] = frozenset()
    table: TomlTable = field(default_factory=dict)
    dispatch_minutes: float | None = None
    on_scene_minutes: float | None = None

    def __getitem__(self, key: str) -> Any:
        if key == "model":
            return self.table.get("model", self.model)
        return self.table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, key: object) -> bool:
        return key == "model" or key in self.table

    def __bool__(self) -> Literal[True]:
        return True  # a pack always has a travel model (straight line by default)


@dataclass(frozen=True)
class StraightLineTravel(TravelSpec):
    """Straight-line distance times a detour factor at a profile's speed."""

    model: ClassVar[str] = "straight_line"
    parameters: ClassVar[frozenset[str]] = frozenset(
        {"detour_factor", "band_edges_km", "band_speeds_km_per_hour"}
    )


@dataclass(frozen=True)
class RoadNetworkTravel(TravelSpec):
    """Shortest paths over a road network file (``network``, relative to the pack)."""

    model: ClassVar[str] = "road_network"
    parameters: ClassVar[frozenset[str]] = frozenset(
        {
            "network",
            "layer",
            "speed_column",
            "road_class_column",
            "speed_by_road_class_km_per_hour",
            "speed_factor",
            "access_speed_km_per_hour",
            "access_detour_factor",
            "node_tolerance_m",
        }
    )
    network: str | None = None


@dataclass(frozen=True)
class MatrixTravel(TravelSpec):
    """Minutes read from a matrix file (``matrix``, relative to the pack)."""

    model: ClassVar[str] = "matrix"
    parameters: ClassVar[frozenset[str]] = frozenset({"matrix"})
    matrix: str | None = None


@dataclass(frozen=True)
class RoutedTravel(TravelSpec):
    """Routed matrices cached by ``acutesim region route`` (``matrices``)."""

    model: ClassVar[str] = "routed"
    # the network and speed keys say what the cache was built from and how to rebuild it
    parameters: ClassVar[frozenset[str]] = frozenset(
        {
            "matrices",
            "network",
            "limit_minutes",
            "speed_by_class_km_per_hour",
            "unlisted_speed_km_per_hour",
            "speed_factor",
            "legal_speed_cap_factor",
            "ferry_speed_km_per_hour",
            "ferry_wait_minutes",
            "access_speed_km_per_hour",
            "access_detour_factor",
            "no_snap_classes",
            "access_only_classes",
            "keep_near_ferry_m",
            "max_snap_m",
        }
    )
    matrices: str | None = None
    network: str | None = None


#: Travel models by name: the spec class a ``[travel] model`` value selects.
TRAVEL_SPECS: dict[str, type[TravelSpec]] = {
    cls.model: cls for cls in (StraightLineTravel, RoadNetworkTravel, MatrixTravel, RoutedTravel)
}


def travel_spec(table: TomlTable) -> TravelSpec:
    """Return the typed spec of a validated ``[travel]`` table.

    Parameters
    ----------
    table : mapping
        The ``[travel]`` table; ``model`` selects the spec class (straight line when
        absent).

    Raises
    ------
    ValueError
        On an unknown model or a non-numeric norm minute (the table is validated first,
        so this is a programming error).
    """
    name = str(table.get("model", StraightLineTravel.model))
    cls = TRAVEL_SPECS.get(name)
    if cls is None:
        raise ValueError(f"unknown travel model {name!r} (known: {', '.join(TRAVEL_SPECS)})")
    own = {
        k: (str(table[k]) if k in table else None)
        for k in (f.name for f in fields(cls))
        if k not in ("table", "dispatch_minutes", "on_scene_minutes")
    }
    return cls(
        table=dict(table),
        dispatch_minutes=_minutes(table, "dispatch_minutes"),
        on_scene_minutes=_minutes(table, "on_scene_minutes"),
        **own,
    )


def _minutes(table: TomlTable, key: str) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"[travel] {key}: must be a number of minutes, got {value!r}")
    return float(value)


# --- finance.toml --------------------------------------------------------------------------
@dataclass(frozen=True)
class TariffSpec:
    """``[tariffs]``: DBC revenue per visit by MTS colour and per admission [EUR]."""

    visit_eur: Mapping[str, float]
    admitted_visit_eur: Mapping[str, float]
    admission_eur: float
    source: str = "assumption"


@dataclass(frozen=True)
class StaffRateSpec:
    """``[staff.<role>]``: the cost of one staffed hour [EUR/h] and where it comes from."""

    eur_per_hour: float
    source: str = "assumption"


@dataclass(frozen=True)
class CostSpec:
    """``[costs]``: fixed cost per SEH, variable cost per patient, locum premium."""

    fixed_eur_per_seh_per_year: float
    fixed_cost_pro_rata_opening_hours: bool
    variable_eur_per_patient: float
    locum_premium_share: float
    source: str = "assumption"


@dataclass(frozen=True)
class OrganisationFinanceSpec:
    """``[organisations.<id>]``: reserves and DBC revenue outside the SEH tariffs."""

    reserves_eur: float | None = None
    other_dbc_revenue_eur_per_year: float = 0.0
    bargaining_weight: float = 1.0
    source: str = "assumption"


@dataclass(frozen=True)
class SiteFinanceSpec:
    """``[sites.<site_id>]``: a site's own fixed cost [EUR/yr]."""

    fixed_eur_per_year: float | None = None


@dataclass(frozen=True)
class FinanceSpec:
    """``finance.toml`` of a region pack, validated and limited to the pack's ids."""

    tariffs: TariffSpec
    staff: Mapping[str, StaffRateSpec]
    costs: CostSpec
    organisations: Mapping[str, OrganisationFinanceSpec] = field(default_factory=dict)
    sites: Mapping[str, SiteFinanceSpec] = field(default_factory=dict)
    description: str = ""
    sources: tuple[str, ...] = ()


# Bounds of a knob, read by the parser config derives from a spec class.
_EUR = {"ge": 0}  # an amount of money [EUR], >= 0
_SHARE = {"ge": 0, "le": 1}  # a share [0-1]
_OCCUPANCY = {"gt": 0, "le": 2}  # patients present per bay [share of capacity]


# --- funding regimes -----------------------------------------------------------------------
@dataclass(frozen=True)
class FeePerDBCSpec:
    """Today's regime: DBC tariffs per visit and admission plus a beschikbaarheidbijdrage.

    Parameters
    ----------
    beschikbaarheidbijdrage_eur_per_year : float
        Paid to every SEH sensitive to the 45-minutennorm [EUR/yr].
    beschikbaarheidbijdrage_requires_24_7 : bool
        Paid only while the sensitive SEH is open around the clock.
    """

    regime: ClassVar[str] = "fee-per-dbc"
    beschikbaarheidbijdrage_eur_per_year: float = field(
        default=DEFAULT_BESCHIKBAARHEIDBIJDRAGE_EUR_PER_YEAR, metadata=_EUR
    )
    beschikbaarheidbijdrage_requires_24_7: bool = DEFAULT_BESCHIKBAARHEIDBIJDRAGE_REQUIRES_24_7


@dataclass(frozen=True)
class FixedBudgetSpec:
    """Budget funding per SEH location, made budget-neutral by a schoning of DBC prices.

    The knobs are those of :class:`acutesim.funding.regimes.FixedBudget`;
    ``schoning_exempt_eur_per_sensitive_seh`` is the beschikbaarheidbijdrage a sensitive
    SEH already had, which the schoning leaves out when
    ``schoning_exempts_beschikbaarheidbijdrage`` is set, and
    ``beschikbaarheidbijdrage_eur_per_year`` is a contribution paid on top of the budget.
    """

    regime: ClassVar[str] = "fixed-budget"
    budget_eur_per_year: float = field(default=DEFAULT_BUDGET_EUR_PER_YEAR, metadata=_EUR)
    schoning: Schoning = "hospital"
    schoning_none_share: float = field(default=DEFAULT_SCHONING_NONE_SHARE, metadata=_SHARE)
    schoning_base: SchoningBase = "organisation"
    schoning_exempts_beschikbaarheidbijdrage: bool = True
    schoning_exempt_eur_per_sensitive_seh: float = field(
        default=DEFAULT_BESCHIKBAARHEIDBIJDRAGE_EUR_PER_YEAR, metadata=_EUR
    )
    extra_money_share: float = field(default=DEFAULT_EXTRA_MONEY_SHARE, metadata=_SHARE)
    schoning_persists_on_closure: bool = DEFAULT_SCHONING_PERSISTS_ON_CLOSURE
    binding: Binding = "location"
    beschikbaarheidbijdrage_eur_per_year: float = field(default=0.0, metadata=_EUR)
    beschikbaarheidbijdrage_requires_24_7: bool = DEFAULT_BESCHIKBAARHEIDBIJDRAGE_REQUIRES_24_7


RegimeSpec = FeePerDBCSpec | FixedBudgetSpec

#: Funding regimes by name: the spec class a ``regime`` value selects.
REGIME_SPECS: dict[str, type[RegimeSpec]] = {
    cls.regime: cls for cls in (FeePerDBCSpec, FixedBudgetSpec)
}


@dataclass(frozen=True)
class RegimePhase:
    """One regime and the date it takes effect (None: from the start of the run)."""

    regime: RegimeSpec
    start: dt.date | None = None


@dataclass(frozen=True)
class FundingSpec:
    """A scenario's funding: a sequence of regime phases and the sensitive SEHs.

    Parameters
    ----------
    phases : tuple of RegimePhase
        The first has no start; later ones start at strictly increasing dates.
    sensitive_sites : tuple of str or None
        SEHs that get the beschikbaarheidbijdrage (None: the reachability analysis or the
        pack's ``sensitive`` column decides).
    phased : bool
        The file wrote ``[[funding.phases]]`` (False: the flat ``regime`` and
        ``switch_date`` form); only the echo in the manifest depends on it.
    written : mapping
        The table as written (after inheritance and the grid), kept only as the
        scenario's part of a task's resume key (:meth:`settings`); never read to run.
    """

    phases: tuple[RegimePhase, ...] = (RegimePhase(FeePerDBCSpec()),)
    sensitive_sites: tuple[str, ...] | None = None
    phased: bool = False
    written: TomlTable = field(default_factory=dict, compare=False, repr=False)

    def settings(self) -> TomlTable:
        """The table that keys the scenario's results: as written, else every knob."""
        if self.written:
            return self.written
        phases: list[TomlValue] = []
        for p in self.phases:
            phase: dict[str, TomlValue] = {"regime": type(p.regime).regime, **_fields(p.regime)}
            if p.start is not None:
                phase["from"] = p.start
            phases.append(phase)
        out: dict[str, TomlValue] = {"phases": phases}
        if self.sensitive_sites is not None:
            out["sensitive_sites"] = list(self.sensitive_sites)
        return out

    def __post_init__(self) -> None:
        if not self.phases:
            raise ValueError("funding needs at least one regime phase")
        if self.phases[0].start is not None:
            raise ValueError("the first funding phase starts with the run: give it no 'from'")
        dates: list[dt.date] = []
        for i, phase in enumerate(self.phases[1:], start=1):
            if phase.start is None:
                raise ValueError(f"funding phase {i}: needs 'from' (the date it takes effect)")
            if dates and phase.start <= dates[-1]:
                raise ValueError(
                    f"funding phase {i}: 'from' {phase.start.isoformat()} must be after "
                    f"{dates[-1].isoformat()}"
                )
            dates.append(phase.start)


# --- behaviour -----------------------------------------------------------------------------
@dataclass(frozen=True)
class VolmeldingSpec:
    """``behaviour.volmelding``: thresholds of the SEH status and their money sensitivity.

    Unset base shares (None) come from the scenario's ``volmelding_*_share``, else the
    region's ``[seh]``; the other fields are those of
    :class:`acutesim.funding.behaviour.VolmeldingBehaviour`, with its defaults.
    """

    base_on_share: float | None = field(default=None, metadata=_OCCUPANCY)
    base_off_share: float | None = field(default=None, metadata=_OCCUPANCY)
    sensitivity_per_1000_eur: float = 0.25
    reference_marginal_revenue_eur: float | None = field(default=None, metadata=_EUR)
    neutral: bool = False
    min_on_share: float = field(default=0.6, metadata=_OCCUPANCY)
    max_on_share: float = field(default=1.5, metadata=_OCCUPANCY)
    min_off_share: float = field(default=0.3, metadata=_OCCUPANCY)
    min_gap_share: float = field(default=0.05, metadata={"gt": 0, "le": 1})

    def __post_init__(self) -> None:
        bases = [v for v in (self.base_on_share, self.base_off_share) if v is not None]
        values = (
            *bases,
            self.sensitivity_per_1000_eur,
            self.min_on_share,
            self.max_on_share,
            self.min_off_share,
            self.min_gap_share,
        )
        if not all(math.isfinite(v) for v in values):
            raise ValueError("volmelding: every parameter must be finite")
        if not self.min_gap_share > 0:
            raise ValueError(f"min_gap_share must be > 0, got {self.min_gap_share}")
        if not self.min_on_share <= self.max_on_share:
            raise ValueError(
                f"min_on_share ({self.min_on_share}) must not exceed max_on_share "
                f"({self.max_on_share})"
            )
        if not self.min_off_share + self.min_gap_share <= self.min_on_share:
            raise ValueError(
                f"min_off_share + min_gap_share ({self.min_off_share} + {self.min_gap_share}) "
                f"must not exceed min_on_share ({self.min_on_share})"
            )
        on, off = self.base_on_share, self.base_off_share
        if on is not None and off is not None and not off < on:
            raise ValueError(f"base_off_share ({off}) must be below base_on_share ({on})")


@dataclass(frozen=True)
class BoardSpec:
    """``behaviour.board``: the board's quarterly review (see ``BoardBehaviour``)."""

    enabled: bool = True
    loss_quarters: int = field(default=4, metadata={"ge": 1})
    loss_basis: LossBasis = "seh"
    reserve_threshold_eur: float = 5_000_000.0
    night_closure_first: bool = True
    staff_closed_shift_share_threshold: float = field(default=0.15, metadata=_SHARE)
    reopen_staff_closed_shift_share: float = field(default=0.02, metadata=_SHARE)
    reopen_after_quarters_in_surplus: int = field(default=4, metadata={"ge": 1})
    protect_sensitive: bool = False
    protect_all: bool = False
    min_quarters_between_changes: int = field(default=2, metadata={"ge": 0})
    retained_patient_share: float = field(default=0.5, metadata=_SHARE)
    concentrate: bool = False

    def __post_init__(self) -> None:
        if self.loss_quarters < 1:
            raise ValueError(f"loss_quarters must be >= 1, got {self.loss_quarters}")
        if self.reopen_after_quarters_in_surplus < 1:
            raise ValueError(
                "reopen_after_quarters_in_surplus must be >= 1, got "
                f"{self.reopen_after_quarters_in_surplus}"
            )
        if self.loss_basis not in ("seh", "organisation"):
            raise ValueError(f"loss_basis must be 'seh' or 'organisation', got {self.loss_basis!r}")
        if self.min_quarters_between_changes < 0:
            raise ValueError("min_quarters_between_changes must be >= 0")
        for name in (
            "staff_closed_shift_share_threshold",
            "reopen_staff_closed_shift_share",
            "retained_patient_share",
        ):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {v}")
        if self.reopen_staff_closed_shift_share >= self.staff_closed_shift_share_threshold:
            raise ValueError(
                "reopen_staff_closed_shift_share must be below "
                "staff_closed_shift_share_threshold (hysteresis)"
            )


@dataclass(frozen=True)
class SubstitutionSpec:
    """``behaviour.substitution``: low-urgency self-referrals steered to the HAP."""

    rate: float = field(default=0.0, metadata=_SHARE)
    mts: tuple[MTS, ...] = ("green", "blue")


@dataclass(frozen=True)
class BehaviourSpec:
    """A scenario's contested behaviour: volmelding, the board and substitution.

    ``written`` is the table as written, kept only for the resume key (see
    :class:`FundingSpec`).
    """

    volmelding: VolmeldingSpec = field(default_factory=VolmeldingSpec)
    board: BoardSpec = field(default_factory=BoardSpec)
    substitution: SubstitutionSpec = field(default_factory=SubstitutionSpec)
    written: TomlTable = field(default_factory=dict, compare=False, repr=False)

    def settings(self) -> TomlTable:
        """The table that keys the scenario's results: as written, else every knob."""
        if self.written:
            return self.written
        return {
            "volmelding": _fields(self.volmelding),
            "board": _fields(self.board),
            "substitution": _fields(self.substitution),
        }


def _fields(spec: object) -> dict[str, TomlValue]:
    """The fields of a spec dataclass (tuples as lists), for keys and echoes."""
    out: dict[str, TomlValue] = {}
    for f in fields(spec):  # type: ignore[arg-type]
        value = getattr(spec, f.name)
        if f.name != "written":
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return out
