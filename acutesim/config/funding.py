"""Validate the funding and behaviour knobs and the finance file, and build funding objects.

A scenario chooses its funding regime in a ``funding`` table and its contested behaviour
in a ``behaviour`` table; a region pack gives tariffs and costs in ``finance.toml``. This
module checks all three with pydantic (unknown keys are errors, with a did-you-mean
hint) and turns them, with the region, the SEHs sensitive to the 45-minutennorm and
the baseline volumes, into the plain objects of :mod:`acutesim.funding`: a
:class:`~acutesim.funding.regimes.RegimeSchedule`, cost rates, reserves and behaviour
parameters, bundled as a :class:`~acutesim.funding.books.FundingSetup`.

Every default cites its source or is marked as an assumption; ``docs/assumptions.md``
lists them all.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from acutesim.domain.region import MTS_COLOURS, Region
from acutesim.domain.scenario import Scenario
from acutesim.errors import ConfigError, did_you_mean
from acutesim.funding.behaviour import (
    BoardBehaviour,
    SubstitutionBehaviour,
    VolmeldingBehaviour,
)
from acutesim.funding.books import CostRates, FundingSetup
from acutesim.funding.regimes import (
    DEFAULT_BUDGET_EUR_PER_YEAR,
    BaselineVolume,
    DBCTariff,
    FeePerDBC,
    FixedBudget,
    FundingRegime,
    RegimeSchedule,
)
from acutesim.units import HOURS_PER_WEEK

# --- defaults of finance.toml (the demo pack repeats them explicitly) ----------------------
# Revenue per SEH visit and per admission: NOT FOUND in official sources (no NZa tariff
# table or price list with SEH lines was available). Assumption, chosen so that an
# average non-admitted visit earns about EUR 270, just above the EUR 250 advance that
# Bernhoven asks of uninsured SEH patients (an upper-bound proxy), and so that a 24/7 SEH
# of about 13,500 visits a year makes a margin while one of 4,500 does not.
DEFAULT_VISIT_EUR: dict[str, float] = {
    "red": 480.0,
    "orange": 360.0,
    "yellow": 270.0,
    "green": 180.0,
    "blue": 140.0,
}
# Assumption: admitted patients get more diagnostics on the SEH (CT in 17% of all visits,
# SAZ SEH DATA 2018 en 2019), so their SEH part earns EUR 120 more.
DEFAULT_ADMITTED_VISIT_EXTRA_EUR = 120.0
# Assumption: the part of an admission's clinical DBC that the hospital books against the
# SEH that fed it (the ministry's point that the SEH brings in a large part of revenue).
DEFAULT_ADMISSION_EUR = 1_700.0

# source: TNO/SAZ seh-spreiding tool, personeel parameters: SEH-arts EUR 172,500 per fte,
# SEH nurse EUR 81,000 per fte, and 1.96 fte per position staffed for one 8-hour block a
# day. Derived: 8 h x 365 d / 1.96 = 1,490 productive hours per fte (within the
# 1,450-1,600 h usually assumed), so a staffed hour costs EUR 172,500 / 1,490 = 115.77
# (physician) and EUR 81,000 / 1,490 = 54.36 (nurse). Low confidence.
DEFAULT_PRODUCTIVE_HOURS_PER_FTE = 1_490.0
DEFAULT_SEH_PHYSICIAN_EUR_PER_FTE = 172_500.0
DEFAULT_SEH_NURSE_EUR_PER_FTE = 81_000.0
# Assumption: hourly cost of a GP shift at a HAP (no source found).
DEFAULT_HAP_GP_EUR_PER_HOUR = 95.0

# Assumption: fixed cost of a 24/7 SEH beyond the roster (material, capital, back-up
# specialists, radiology and laboratory readiness, support staff). Order-of-magnitude
# check: the 2027 budget of EUR 4.6 million covers the front-line staff (about 6 fte
# physicians and 6 fte nurses, about EUR 1.5 million at the rates above), material,
# capital and back-up specialists (NVZ, 22 May 2025), leaving about EUR 3.1 million.
DEFAULT_FIXED_EUR_PER_SEH_PER_YEAR = 2_800_000.0
# Assumption: consumables, laboratory and imaging per visit (SAZ 2019: lab 103%, X-ray
# 55%, CT 17% of visits; unit costs not found).
DEFAULT_VARIABLE_EUR_PER_PATIENT = 90.0
# Extra cost of an hour worked by a locum (zzp/agency) filling a vacancy, as a share of
# the normal cost per staffed hour. Assumption (docs/assumptions.md section 3.4).
DEFAULT_LOCUM_PREMIUM_SHARE = 0.5

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

M = TypeVar("M", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- finance.toml --------------------------------------------------------------------------
class TariffSpec(_Strict):
    """``[tariffs]``: DBC revenue per visit by MTS colour and per admission [EUR]."""

    visit_eur: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_VISIT_EUR))
    admitted_visit_eur: dict[str, float] | None = None
    admission_eur: float = Field(default=DEFAULT_ADMISSION_EUR, ge=0)
    source: str = "assumption"

    @model_validator(mode="after")
    def _check(self) -> TariffSpec:
        for name, table in (
            ("visit_eur", self.visit_eur),
            ("admitted_visit_eur", self.admitted_visit_eur),
        ):
            if table is None:
                continue
            missing = [c for c in MTS_COLOURS if c not in table]
            unknown = [c for c in table if c not in MTS_COLOURS]
            if missing or unknown:
                raise ValueError(
                    f"{name} needs one tariff per MTS colour ({', '.join(MTS_COLOURS)}); "
                    f"missing {missing}, unknown {unknown}"
                )
            negative = {c: v for c, v in table.items() if v < 0}
            if negative:
                raise ValueError(f"{name}: tariffs must be >= 0 EUR, got {negative}")
        return self

    def to_domain(self) -> DBCTariff:
        """Return the tariff as a :class:`DBCTariff`."""
        admitted = self.admitted_visit_eur or {
            c: v + DEFAULT_ADMITTED_VISIT_EXTRA_EUR for c, v in self.visit_eur.items()
        }
        return DBCTariff(dict(self.visit_eur), dict(admitted), self.admission_eur)


class StaffRateSpec(_Strict):
    """``[staff.<role>]``: cost of a staffed hour, directly or from the cost per fte."""

    eur_per_staffed_hour: float | None = Field(default=None, ge=0)
    eur_per_fte_per_year: float | None = Field(default=None, ge=0)
    productive_hours_per_fte: float = Field(default=DEFAULT_PRODUCTIVE_HOURS_PER_FTE, gt=0)
    source: str = "assumption"

    @model_validator(mode="after")
    def _check(self) -> StaffRateSpec:
        if (self.eur_per_staffed_hour is None) == (self.eur_per_fte_per_year is None):
            raise ValueError("give either eur_per_staffed_hour or eur_per_fte_per_year, not both")
        return self

    @property
    def eur_per_hour(self) -> float:
        """Cost of one staffed hour [EUR/h]."""
        if self.eur_per_staffed_hour is not None:
            return self.eur_per_staffed_hour
        assert self.eur_per_fte_per_year is not None
        return self.eur_per_fte_per_year / self.productive_hours_per_fte


def _default_staff() -> dict[str, StaffRateSpec]:
    tool = "TNO/SAZ seh-spreiding tool, personeel parameters"
    return {
        "seh_physician": StaffRateSpec(
            eur_per_fte_per_year=DEFAULT_SEH_PHYSICIAN_EUR_PER_FTE, source=tool
        ),
        "seh_nurse": StaffRateSpec(eur_per_fte_per_year=DEFAULT_SEH_NURSE_EUR_PER_FTE, source=tool),
        "hap_gp": StaffRateSpec(eur_per_staffed_hour=DEFAULT_HAP_GP_EUR_PER_HOUR),
    }


class CostSpec(_Strict):
    """``[costs]``: fixed cost per SEH and variable cost per patient."""

    fixed_eur_per_seh_per_year: float = Field(default=DEFAULT_FIXED_EUR_PER_SEH_PER_YEAR, ge=0)
    fixed_cost_pro_rata_opening_hours: bool = True
    variable_eur_per_patient: float = Field(default=DEFAULT_VARIABLE_EUR_PER_PATIENT, ge=0)
    locum_premium_share: float = Field(default=DEFAULT_LOCUM_PREMIUM_SHARE, ge=0, le=10)
    source: str = "assumption"


class OrganisationFinanceSpec(_Strict):
    """``[organisations.<id>]``: reserves and DBC revenue outside the modelled SEH tariffs."""

    reserves_eur: float | None = None
    other_dbc_revenue_eur_per_year: float = Field(default=0.0, ge=0)
    bargaining_weight: float = Field(default=1.0, ge=0)
    source: str = "assumption"


class SiteFinanceSpec(_Strict):
    """``[sites.<site_id>]``: site-specific fixed cost."""

    fixed_eur_per_year: float | None = Field(default=None, ge=0)


class FinanceToml(_Strict):
    """``finance.toml`` of a region pack: tariffs, staff rates, costs, organisations."""

    description: str = ""
    sources: tuple[str, ...] = ()
    tariffs: TariffSpec = Field(default_factory=TariffSpec)
    staff: dict[str, StaffRateSpec] = Field(default_factory=_default_staff)
    costs: CostSpec = Field(default_factory=CostSpec)
    organisations: dict[str, OrganisationFinanceSpec] = Field(default_factory=dict)
    sites: dict[str, SiteFinanceSpec] = Field(default_factory=dict)


# --- the scenario's funding and behaviour tables --------------------------------------------
class FundingKnobs(_Strict):
    """The scenario ``funding`` table: the regime and its parameters."""

    regime: Literal["fee-per-dbc", "fixed-budget"] = "fee-per-dbc"
    switch_date: dt.date | None = None
    budget_eur_per_year: float = Field(default=DEFAULT_BUDGET_EUR_PER_YEAR, ge=0)
    schoning: Literal["hospital", "total", "none"] = "hospital"
    schoning_none_share: float = Field(default=DEFAULT_SCHONING_NONE_SHARE, ge=0, le=1)
    schoning_base: Literal["organisation", "seh"] = "organisation"
    schoning_exempts_beschikbaarheidbijdrage: bool = True
    extra_money_share: float = Field(default=DEFAULT_EXTRA_MONEY_SHARE, ge=0, le=1)
    schoning_persists_on_closure: bool = DEFAULT_SCHONING_PERSISTS_ON_CLOSURE
    beschikbaarheidbijdrage_requires_24_7: bool = DEFAULT_BESCHIKBAARHEIDBIJDRAGE_REQUIRES_24_7
    binding: Literal["location", "institution"] = "location"
    beschikbaarheidbijdrage_eur_per_year: float = Field(
        default=DEFAULT_BESCHIKBAARHEIDBIJDRAGE_EUR_PER_YEAR, ge=0
    )
    budget_beschikbaarheidbijdrage_eur_per_year: float = Field(default=0.0, ge=0)
    sensitive_sites: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _check(self) -> FundingKnobs:
        if self.switch_date is not None and self.regime == "fee-per-dbc":
            raise ValueError(
                "switch_date needs regime = 'fixed-budget' (fee-per-dbc applies before the date)"
            )
        return self


_VB = VolmeldingBehaviour
_BB = BoardBehaviour


class VolmeldingKnobs(_Strict):
    """``behaviour.volmelding``: thresholds of the SEH status and their money sensitivity."""

    neutral: bool = _VB.neutral
    base_on_share: float | None = Field(default=None, gt=0, le=2)
    base_off_share: float | None = Field(default=None, gt=0, le=2)
    sensitivity_per_1000_eur: float = _VB.sensitivity_per_1000_eur
    reference_marginal_revenue_eur: float | None = Field(default=None, ge=0)
    min_on_share: float = Field(default=_VB.min_on_share, gt=0, le=2)
    max_on_share: float = Field(default=_VB.max_on_share, gt=0, le=2)
    min_off_share: float = Field(default=_VB.min_off_share, gt=0, le=2)
    min_gap_share: float = Field(default=_VB.min_gap_share, gt=0, le=1)

    @model_validator(mode="after")
    def _check(self) -> VolmeldingKnobs:
        self.to_domain(
            self.base_on_share or _VB.base_on_share, self.base_off_share or _VB.base_off_share
        )
        return self

    def to_domain(
        self, base_on_share: float, base_off_share: float, reference: float | None = None
    ) -> VolmeldingBehaviour:
        """Return the parameters; base shares given here fill the unset ones."""
        ref = self.reference_marginal_revenue_eur
        return VolmeldingBehaviour(
            base_on_share=self.base_on_share if self.base_on_share is not None else base_on_share,
            base_off_share=(
                self.base_off_share if self.base_off_share is not None else base_off_share
            ),
            sensitivity_per_1000_eur=self.sensitivity_per_1000_eur,
            reference_marginal_revenue_eur=ref if ref is not None else reference,
            neutral=self.neutral,
            min_on_share=self.min_on_share,
            max_on_share=self.max_on_share,
            min_off_share=self.min_off_share,
            min_gap_share=self.min_gap_share,
        )


class BoardKnobs(_Strict):
    """``behaviour.board``: the board's quarterly review."""

    enabled: bool = _BB.enabled
    loss_quarters: int = Field(default=_BB.loss_quarters, ge=1)
    loss_basis: Literal["seh", "organisation"] = _BB.loss_basis
    reserve_threshold_eur: float = _BB.reserve_threshold_eur
    night_closure_first: bool = _BB.night_closure_first
    staff_closed_shift_share_threshold: float = Field(
        default=_BB.staff_closed_shift_share_threshold, ge=0, le=1
    )
    reopen_staff_closed_shift_share: float = Field(
        default=_BB.reopen_staff_closed_shift_share, ge=0, le=1
    )
    reopen_after_quarters_in_surplus: int = Field(
        default=_BB.reopen_after_quarters_in_surplus, ge=1
    )
    protect_sensitive: bool = _BB.protect_sensitive
    protect_all: bool = _BB.protect_all
    min_quarters_between_changes: int = Field(default=_BB.min_quarters_between_changes, ge=0)
    retained_patient_share: float = Field(default=_BB.retained_patient_share, ge=0, le=1)
    concentrate: bool = _BB.concentrate

    @model_validator(mode="after")
    def _check(self) -> BoardKnobs:
        self.to_domain()
        return self

    def to_domain(self) -> BoardBehaviour:
        """Return the parameters as a :class:`BoardBehaviour`."""
        return BoardBehaviour(**self.model_dump())


class SubstitutionKnobs(_Strict):
    """``behaviour.substitution``: low-urgency self-referrals steered to the HAP."""

    rate: float = Field(default=0.0, ge=0, le=1)
    mts: tuple[Literal["red", "orange", "yellow", "green", "blue"], ...] = ("green", "blue")

    def to_domain(self) -> SubstitutionBehaviour:
        """Return the parameters as a :class:`SubstitutionBehaviour`."""
        return SubstitutionBehaviour(rate=self.rate, mts=tuple(self.mts))


class BehaviourKnobs(_Strict):
    """The scenario ``behaviour`` table."""

    volmelding: VolmeldingKnobs = Field(default_factory=VolmeldingKnobs)
    board: BoardKnobs = Field(default_factory=BoardKnobs)
    substitution: SubstitutionKnobs = Field(default_factory=SubstitutionKnobs)


# --- located messages ----------------------------------------------------------------------
def _fields_at(model: type[BaseModel], path: Sequence[Any]) -> list[str]:
    """Field names of the (nested) model at ``path``, for did-you-mean hints."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            continue  # a key of a table of models, e.g. the role in staff.<role>
        current = _model_in(info.annotation)
    return list(current.model_fields) if current is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _where(table: str, path: Sequence[Any], *, in_file: bool) -> str:
    """``funding.regime`` for a scenario table, ``finance.toml [tariffs]`` for a file."""
    keys = ".".join(str(p) for p in path)
    if not keys:
        return table
    return f"{table} [{keys}]" if in_file else f"{table}.{keys}"


def _format(
    err: ValidationError, table: str, model: type[BaseModel], *, in_file: bool = False
) -> list[str]:
    lines: list[str] = []
    for e in err.errors():
        loc = [p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        loc = [p for p in loc if not (isinstance(p, str) and "[" in p and p.endswith("]"))]
        if e["type"] == "extra_forbidden":
            bad = str(loc[-1]) if loc else "?"
            hint = did_you_mean(bad, _fields_at(model, loc[:-1]))
            lines.append(f"{_where(table, loc[:-1], in_file=in_file)}: unknown key '{bad}'{hint}")
            continue
        where = _where(table, loc, in_file=in_file)
        value = e.get("input")
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "literal_error":
            expected = msg.removeprefix("Input should be ").replace(" or ", ", ")
            choices = [c.strip(" '") for c in expected.split(",")]
            hint = did_you_mean(str(value), choices)
            lines.append(f"{where}: {value!r} is not one of {expected}{hint}")
            continue
        shown = "" if isinstance(value, dict | list | tuple) else f" (got {value!r})"
        lines.append(f"{where}: {msg}{shown}")
    return lines


def _parse(
    model: type[M], data: Any, table: str, problems: list[str], *, in_file: bool = False
) -> M | None:
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as err:
        problems.extend(_format(err, table, model, in_file=in_file))
        return None


def validate_funding_knobs(funding: Mapping[str, Any], behaviour: Mapping[str, Any]) -> list[str]:
    """Return located one-line problems of a scenario's ``funding`` and ``behaviour`` tables.

    Parameters
    ----------
    funding : mapping
        The scenario's ``funding`` table.
    behaviour : mapping
        The scenario's ``behaviour`` table.

    Returns
    -------
    list of str
        One problem per line, e.g. ``funding: unknown key 'budget_eur_per_yr'; did you
        mean 'budget_eur_per_year'?``; empty when both tables are valid.
    """
    problems: list[str] = []
    _parse(FundingKnobs, funding, "funding", problems)
    _parse(BehaviourKnobs, behaviour, "behaviour", problems)
    return problems


def validate_finance(
    finance: Mapping[str, Any],
    *,
    site_ids: Iterable[str] = (),
    organisation_ids: Iterable[str] = (),
    roles: Iterable[str] = (),
    file_name: str = "finance.toml",
) -> list[str]:
    """Return located one-line problems of a region pack's ``finance.toml``.

    Parameters
    ----------
    finance : mapping
        The parsed file (``Region.finance``).
    site_ids, organisation_ids : iterable of str
        Known ids; ``[sites.*]`` and ``[organisations.*]`` must name them.
    roles : iterable of str
        Roster roles of SEH rosters; each needs a cost per staffed hour.
    file_name : str
        Name used in the messages.
    """
    problems: list[str] = []
    spec = _parse(FinanceToml, finance, file_name, problems, in_file=True)
    if spec is None:
        return problems
    for kind, known, given in (
        ("sites", set(site_ids), spec.sites),
        ("organisations", set(organisation_ids), spec.organisations),
    ):
        if not known:
            continue
        for key in given:
            if key not in known:
                problems.append(
                    f"{file_name} [{kind}.{key}]: unknown id {key!r}{did_you_mean(key, known)} "
                    f"(known: {', '.join(sorted(known))})"
                )
    for role in roles:
        if role not in spec.staff:
            problems.append(
                f"{file_name} [staff]: no cost for roster role {role!r} "
                f"(add [staff.{role}] with eur_per_staffed_hour or eur_per_fte_per_year)"
            )
    return problems


# --- builders --------------------------------------------------------------------------------
def _subject(region: Region) -> str:
    return f"region pack '{region.pack_path or region.name}'"


def _seh_roles(region: Region) -> list[str]:
    roles: dict[str, None] = {}
    for s in region.seh_sites:
        template = region.rosters.get(s.roster)
        if template is not None:
            roles.update(dict.fromkeys(template.roles))
    return list(roles)


def finance_spec(region: Region) -> FinanceToml:
    """Return the region's validated ``finance.toml`` (defaults when the pack has none).

    Raises
    ------
    ConfigError
        With every problem of the file, one per line.
    """
    finance = _selected_finance(region)
    problems = validate_finance(
        finance,
        site_ids=[s.site_id for s in region.sites],
        organisation_ids=[o.organisation_id for o in region.organisations],
        roles=_seh_roles(region),
    )
    if problems:
        raise ConfigError(_subject(region), problems)
    return FinanceToml.model_validate(finance)


def _selected_finance(region: Region) -> dict[str, Any]:
    """The finance file, limited to the pack's selection when it extends a parent pack.

    A pack that ``extends`` another (a ROAZ selection of ``regions/nl``) inherits the
    parent's ``finance.toml`` with rows for organisations and sites it did not select.
    """
    finance = dict(region.finance)
    toml = Path(region.pack_path) / "region.toml" if region.pack_path else None
    if toml is None or not toml.exists():
        return finance
    try:
        extends = tomllib.loads(toml.read_text(encoding="utf-8")).get("extends")
    except (OSError, tomllib.TOMLDecodeError):
        return finance
    if not extends:
        return finance
    orgs = {o.organisation_id for o in region.organisations}
    sites = {s.site_id for s in region.sites}
    for key, known in (("organisations", orgs), ("sites", sites)):
        table = finance.get(key)
        if isinstance(table, Mapping):
            finance[key] = {k: v for k, v in table.items() if k in known}
    return finance


def funding_knobs(scenario: Scenario) -> tuple[FundingKnobs, BehaviourKnobs]:
    """Return a scenario's validated funding and behaviour knobs.

    Raises
    ------
    ConfigError
        When a table is invalid.
    """
    problems: list[str] = []
    funding = _parse(FundingKnobs, scenario.funding, "funding", problems)
    behaviour = _parse(BehaviourKnobs, scenario.behaviour, "behaviour", problems)
    if funding is None or behaviour is None:
        raise ConfigError(f"scenario {scenario.name!r}", problems)
    return funding, behaviour


def build_cost_rates(region: Region, spec: FinanceToml | None = None) -> CostRates:
    """Return the SEHs' cost rates from the region's finance file.

    Fixed cost per SEH: the site's own value in ``[sites.<id>]``, else the default,
    pro rata to opening hours (``opening_hours_per_week / 168``) unless
    ``fixed_cost_pro_rata_opening_hours = false``.
    """
    spec = spec or finance_spec(region)
    fixed: dict[str, float] = {}
    for s in region.seh_sites:
        own = spec.sites.get(s.site_id, SiteFinanceSpec()).fixed_eur_per_year
        if own is not None:
            fixed[s.site_id] = own
            continue
        scale = (
            s.opening_hours_per_week / HOURS_PER_WEEK
            if spec.costs.fixed_cost_pro_rata_opening_hours
            else 1.0
        )
        fixed[s.site_id] = spec.costs.fixed_eur_per_seh_per_year * scale
    return CostRates(
        staff_eur_per_hour_by_role={r: v.eur_per_hour for r, v in spec.staff.items()},
        fixed_eur_per_year_by_site=fixed,
        variable_eur_per_patient=spec.costs.variable_eur_per_patient,
        locum_premium_share=spec.costs.locum_premium_share,
    )


def initial_reserves(region: Region, spec: FinanceToml | None = None) -> dict[str, float]:
    """Return every organisation's starting reserves [EUR].

    ``finance.toml [organisations.<id>] reserves_eur`` wins over ``region.toml``.
    """
    spec = spec or finance_spec(region)
    out: dict[str, float] = {}
    for o in region.organisations:
        own = spec.organisations.get(o.organisation_id, OrganisationFinanceSpec()).reserves_eur
        out[o.organisation_id] = float(own if own is not None else o.reserves_eur)
    return out


def _sensitive(
    region: Region, knobs: FundingKnobs, sensitive_site_ids: Iterable[str], scenario: str
) -> frozenset[str]:
    seh_ids = {s.site_id for s in region.seh_sites}
    if knobs.sensitive_sites is None:
        return frozenset(s for s in sensitive_site_ids if s in seh_ids)
    problems = [
        f"funding.sensitive_sites: {s!r} is not an SEH site{did_you_mean(s, seh_ids)} "
        f"(known: {', '.join(sorted(seh_ids))})"
        for s in knobs.sensitive_sites
        if s not in seh_ids
    ]
    if problems:
        raise ConfigError(f"scenario {scenario!r}", problems)
    return frozenset(knobs.sensitive_sites)


def build_regime_schedule(
    region: Region,
    scenario: Scenario,
    sensitive_site_ids: Iterable[str],
    baseline: Mapping[str, BaselineVolume],
    *,
    spec: FinanceToml | None = None,
) -> RegimeSchedule:
    """Return the funding regimes of a scenario over time.

    Parameters
    ----------
    region : Region
        The region (sites, organisations, finance file).
    scenario : Scenario
        The scenario with its ``funding`` table.
    sensitive_site_ids : iterable of str
        SEHs sensitive to the 45-minutennorm (from the reachability analysis); the
        ``funding.sensitive_sites`` knob overrides them.
    baseline : mapping of str to BaselineVolume
        Expected baseline volume and mix per SEH site [visits/yr].
    spec : FinanceToml, optional
        The validated finance file (read from the region when omitted).

    Returns
    -------
    RegimeSchedule
        ``fee-per-dbc`` only; ``fixed-budget`` from the start; or ``fee-per-dbc`` until
        the day before ``switch_date`` and ``fixed-budget`` from it.
    """
    spec = spec or finance_spec(region)
    knobs, _ = funding_knobs(scenario)
    sensitive = _sensitive(region, knobs, sensitive_site_ids, scenario.name)
    tariff = spec.tariffs.to_domain()
    sites = region.sites
    try:
        fee = FeePerDBC(
            sites,
            tariff,
            baseline,
            sensitive_site_ids=sensitive,
            beschikbaarheidbijdrage_eur_per_year=knobs.beschikbaarheidbijdrage_eur_per_year,
            beschikbaarheidbijdrage_requires_24_7=knobs.beschikbaarheidbijdrage_requires_24_7,
        )
        if knobs.regime == "fee-per-dbc":
            return RegimeSchedule(fee)
        exempt: dict[str, float] = {}
        if knobs.schoning_exempts_beschikbaarheidbijdrage:
            for s in sensitive:
                org = fee.organisation_by_site[s]
                exempt[org] = exempt.get(org, 0.0) + knobs.beschikbaarheidbijdrage_eur_per_year
        bb_on_top = knobs.budget_beschikbaarheidbijdrage_eur_per_year
        budget: FundingRegime = FixedBudget(
            sites,
            tariff,
            baseline,
            budget_eur_per_year=knobs.budget_eur_per_year,
            schoning=knobs.schoning,
            binding=knobs.binding,
            schoning_none_share=knobs.schoning_none_share,
            schoning_base=knobs.schoning_base,
            other_dbc_revenue_eur_per_year_by_org={
                o: v.other_dbc_revenue_eur_per_year
                for o, v in spec.organisations.items()
                if o in fee.site_ids_by_organisation
            },
            schoning_exempt_eur_per_year_by_org=exempt,
            extra_money_share=knobs.extra_money_share,
            schoning_persists_on_closure=knobs.schoning_persists_on_closure,
            bargaining_weight_by_org={
                o: v.bargaining_weight
                for o, v in spec.organisations.items()
                if o in fee.site_ids_by_organisation
            },
            sensitive_site_ids=sensitive if bb_on_top else (),
            beschikbaarheidbijdrage_eur_per_year=bb_on_top,
            beschikbaarheidbijdrage_requires_24_7=knobs.beschikbaarheidbijdrage_requires_24_7,
        )
    except ValueError as exc:
        raise ConfigError(f"scenario {scenario.name!r}", [f"funding: {exc}"]) from None
    if knobs.switch_date is None:
        return RegimeSchedule(budget)
    return RegimeSchedule(fee, ((knobs.switch_date, budget),))


def build_volmelding_by_site(
    region: Region,
    scenario: Scenario,
    baseline: Mapping[str, BaselineVolume],
    *,
    spec: FinanceToml | None = None,
) -> dict[str, VolmeldingBehaviour]:
    """Return the volmelding parameters of every SEH.

    Base thresholds come from ``behaviour.volmelding``, else the scenario's
    ``volmelding_on_share``/``volmelding_off_share``, else the region's SEH parameters.
    The reference marginal revenue of each site is its marginal revenue under today's
    DBC tariffs (no schoning), unless the knob sets one for all sites: thresholds then
    equal the base ones under fee-per-DBC and move only when a regime changes the
    revenue of a patient.
    """
    spec = spec or finance_spec(region)
    _, behaviour = funding_knobs(scenario)
    on = (
        scenario.volmelding_on_share
        if scenario.volmelding_on_share is not None
        else region.seh.volmelding_on_share
    )
    off = (
        scenario.volmelding_off_share
        if scenario.volmelding_off_share is not None
        else region.seh.volmelding_off_share
    )
    today = FeePerDBC(region.sites, spec.tariffs.to_domain(), baseline)
    try:
        return {
            s.site_id: behaviour.volmelding.to_domain(
                on, off, reference=today.marginal_revenue_eur(s.site_id)
            )
            for s in region.seh_sites
        }
    except ValueError as exc:
        raise ConfigError(f"scenario {scenario.name!r}", [f"behaviour.volmelding: {exc}"]) from None


def build_board_behaviour(scenario: Scenario) -> BoardBehaviour:
    """Return the board parameters of a scenario (``behaviour.board``)."""
    _, behaviour = funding_knobs(scenario)
    return behaviour.board.to_domain()


def build_funding(
    region: Region,
    scenario: Scenario,
    sensitive_site_ids: Iterable[str],
    baseline: Mapping[str, BaselineVolume],
) -> FundingSetup:
    """Return everything the simulation needs for funding and behaviour in one scenario.

    Parameters
    ----------
    region : Region
        The region.
    scenario : Scenario
        The scenario (``funding`` and ``behaviour`` tables).
    sensitive_site_ids : iterable of str
        SEHs sensitive to the 45-minutennorm.
    baseline : mapping of str to BaselineVolume
        Expected baseline volumes per SEH site [visits/yr].

    Raises
    ------
    ConfigError
        With the problems of the finance file or the scenario's tables.
    """
    spec = finance_spec(region)
    schedule = build_regime_schedule(region, scenario, sensitive_site_ids, baseline, spec=spec)
    knobs, behaviour = funding_knobs(scenario)
    return FundingSetup(
        schedule=schedule,
        costs=build_cost_rates(region, spec),
        reserves_eur_by_org=initial_reserves(region, spec),
        volmelding_by_site=build_volmelding_by_site(region, scenario, baseline, spec=spec),
        board=build_board_behaviour(scenario),
        sensitive_site_ids=_sensitive(region, knobs, sensitive_site_ids, scenario.name),
        sites=tuple(region.sites),
        substitution=behaviour.substitution.to_domain(),
    )


def resolved_knobs(scenario: Scenario) -> dict[str, Any]:
    """Return every funding and behaviour knob of a scenario, defaults filled in (JSON-ready).

    Written into the results (``manifest.json``, ``funding_knobs``) so that every output
    names the accounting choices and behaviour it was made with.

    Raises
    ------
    ConfigError
        When a table is invalid.
    """
    funding, behaviour = funding_knobs(scenario)
    return {
        "funding": funding.model_dump(mode="json"),
        "behaviour": behaviour.model_dump(mode="json"),
    }


def validate_funding_pack(
    region: Region, scenarios: Iterable[Scenario]
) -> tuple[list[str], list[str]]:
    """Check that a pack carries the data its funding scenarios need.

    Parameters
    ----------
    region : Region
        The experiment's region pack.
    scenarios : iterable of Scenario
        The experiment's scenarios; those with a ``funding`` or ``behaviour`` table are
        funding scenarios.

    Returns
    -------
    (list of str, list of str)
        Problems (a funding scenario on a pack without ``finance.toml``) and warnings (no
        gevoelig list: no ``sensitive`` column in ``sites.csv`` and no scenario names the
        sensitive sites, so no SEH gets the beschikbaarheidbijdrage or protection).
    """
    funded = [s for s in scenarios if s.funding or s.behaviour]
    if not funded:
        return [], []
    names = ", ".join(repr(s.name) for s in funded)
    problems: list[str] = []
    warns: list[str] = []
    subject = _subject(region)
    if not region.finance:
        problems.append(
            f"{subject} has no finance.toml (region.toml [files] finance), but scenario(s) "
            f"{names} set funding or behaviour: add per-organisation finance data "
            "(other DBC revenue, reserves, tariffs); see docs/formats.md"
        )
    has_list = any(s.sensitive is not None for s in region.seh_sites)
    named = all(s.funding.get("sensitive_sites") is not None for s in funded)
    if not has_list and not named:
        warns.append(
            f"{subject} has no gevoelig list (sites.csv column 'sensitive'): no SEH gets the "
            "beschikbaarheidbijdrage or protect_sensitive; add the column from RIVM's analysis "
            "(scripts/derive_sensitive.py) or set funding.sensitive_sites"
        )
    return problems, warns
