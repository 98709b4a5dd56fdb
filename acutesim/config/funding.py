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

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from acutesim.config import checks
from acutesim.domain import specs
from acutesim.domain.region import MTS_COLOURS, Region
from acutesim.domain.scenario import Scenario
from acutesim.domain.specs import (
    DEFAULT_BESCHIKBAARHEIDBIJDRAGE_EUR_PER_YEAR,
    DEFAULT_BESCHIKBAARHEIDBIJDRAGE_REQUIRES_24_7,
    DEFAULT_BUDGET_EUR_PER_YEAR,
    DEFAULT_EXTRA_MONEY_SHARE,
    DEFAULT_SCHONING_NONE_SHARE,
    DEFAULT_SCHONING_PERSISTS_ON_CLOSURE,
    DEFAULT_SWITCH_DATE,
    REGIME_SPECS,
    BehaviourSpec,
    FeePerDBCSpec,
    FinanceSpec,
    FixedBudgetSpec,
    FundingSpec,
    RegimePhase,
    RegimeSpec,
)
from acutesim.errors import ConfigError, did_you_mean
from acutesim.funding.behaviour import BoardBehaviour, VolmeldingBehaviour

__all__ = [
    "DEFAULT_BESCHIKBAARHEIDBIJDRAGE_EUR_PER_YEAR",
    "DEFAULT_BESCHIKBAARHEIDBIJDRAGE_REQUIRES_24_7",
    "DEFAULT_BUDGET_EUR_PER_YEAR",
    "DEFAULT_EXTRA_MONEY_SHARE",
    "DEFAULT_SCHONING_NONE_SHARE",
    "DEFAULT_SCHONING_PERSISTS_ON_CLOSURE",
    "DEFAULT_SWITCH_DATE",
    "BehaviourKnobs",
    "FinanceToml",
    "FundingKnobs",
    "behaviour_spec",
    "finance_spec",
    "funding_spec",
    "parse_finance",
    "parse_scenario_tables",
    "resolved_knobs",
    "validate_finance",
    "validate_funding_knobs",
    "validate_funding_pack",
]

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


# --- typed specs ----------------------------------------------------------------------------
def _subject(region: Region) -> str:
    return f"region pack '{region.pack_path or region.name}'"


def parse_finance(
    finance: Mapping[str, Any],
    *,
    site_ids: Iterable[str] | None = None,
    organisation_ids: Iterable[str] | None = None,
) -> FinanceSpec:
    """Return the typed spec of a validated ``finance.toml`` (defaults for absent tables).

    Parameters
    ----------
    finance : mapping
        The file as read; :func:`validate_finance` has found no problem in it.
    site_ids, organisation_ids : iterable of str, optional
        The pack's ids: rows of other sites and organisations are left out (a pack that
        ``extends`` another inherits the parent's file with rows it did not select).

    Raises
    ------
    ConfigError
        When the file is invalid after all.
    """
    problems: list[str] = []
    toml = _parse(FinanceToml, finance, "finance.toml", problems, in_file=True)
    if toml is None:
        raise ConfigError("finance.toml", problems)
    sites = set(site_ids) if site_ids is not None else set(toml.sites)
    orgs = set(organisation_ids) if organisation_ids is not None else set(toml.organisations)
    t = toml.tariffs
    admitted = t.admitted_visit_eur or {
        c: v + DEFAULT_ADMITTED_VISIT_EXTRA_EUR for c, v in t.visit_eur.items()
    }
    return FinanceSpec(
        tariffs=specs.TariffSpec(dict(t.visit_eur), dict(admitted), t.admission_eur, t.source),
        staff={r: specs.StaffRateSpec(v.eur_per_hour, v.source) for r, v in toml.staff.items()},
        costs=specs.CostSpec(**toml.costs.model_dump()),
        organisations={
            o: specs.OrganisationFinanceSpec(**v.model_dump())
            for o, v in toml.organisations.items()
            if o in orgs
        },
        sites={
            k: specs.SiteFinanceSpec(**v.model_dump()) for k, v in toml.sites.items() if k in sites
        },
        description=toml.description,
        sources=tuple(toml.sources),
    )


def finance_spec(region: Region) -> FinanceSpec:
    """Return the region's finance spec, or the defaults of ``finance.toml`` when it has none."""
    return region.finance if region.finance is not None else parse_finance({})


# --- funding phases ---------------------------------------------------------------------------
def _phase_model(cls: type[RegimeSpec]) -> type[BaseModel]:
    """A strict pydantic model of one regime phase, made from the regime's spec class.

    Bounds come from the spec fields' metadata (``ge``, ``le``, ``gt``); ``from`` is the
    date the phase takes effect.
    """
    hints = get_type_hints(cls, vars(specs))
    fields: dict[str, Any] = {
        "regime": (Literal[cls.regime], ...),
        "start": (dt.date | None, Field(default=None, alias="from")),
    }
    for f in dataclasses.fields(cls):
        fields[f.name] = (hints[f.name], Field(default=f.default, **dict(f.metadata)))
    return create_model(
        f"{cls.__name__}Phase",
        __config__=ConfigDict(extra="forbid", frozen=True, populate_by_name=False),
        **fields,
    )


_PHASE_MODELS: dict[str, type[BaseModel]] = {n: _phase_model(c) for n, c in REGIME_SPECS.items()}


class _PhasedFunding(_Strict):
    phases: list[dict[str, Any]] = Field(min_length=1)
    sensitive_sites: tuple[str, ...] | None = None


def _parse_phases(table: Mapping[str, Any], problems: list[str]) -> FundingSpec | None:
    n_before = len(problems)
    flat = [k for k in table if k not in _PhasedFunding.model_fields]
    for k in flat:
        problems.append(
            f"funding.{k}: not allowed next to [[funding.phases]] (give each phase its "
            "'regime', 'from' and knobs; only sensitive_sites is shared)"
        )
    top = _parse(
        _PhasedFunding, {k: v for k, v in table.items() if k not in flat}, "funding", problems
    )
    if top is None:
        return None
    phases: list[RegimePhase] = []
    for i, raw in enumerate(top.phases):
        where = f"funding.phases[{i}]"
        name = raw.get("regime")
        if name not in REGIME_SPECS:
            problems.append(
                f"{where}.regime: {name!r} is not one of {', '.join(REGIME_SPECS)}"
                f"{did_you_mean(str(name), REGIME_SPECS)}"
            )
            continue
        model = _PHASE_MODELS[name]
        own = {k: v for k, v in raw.items() if k in model.model_fields or k == "from"}
        for k in raw:
            if k in own:
                continue
            other = [n for n, m in _PHASE_MODELS.items() if n != name and k in m.model_fields]
            if other:
                problems.append(
                    f"{where}.{k}: a knob of regime {other[0]!r}, but this phase's regime is "
                    f"{name!r}, which ignores it"
                )
            else:
                known = [f for f in model.model_fields if f != "start"] + ["from"]
                problems.append(f"{where}: unknown key {k!r}{did_you_mean(k, known)}")
        parsed = _parse(model, own, where, problems)
        if parsed is None:
            continue
        cls = REGIME_SPECS[name]
        values = {f.name: getattr(parsed, f.name) for f in dataclasses.fields(cls)}
        phases.append(RegimePhase(cls(**values), parsed.model_dump()["start"]))
    if len(problems) > n_before:
        return None
    try:
        return FundingSpec(tuple(phases), top.sensitive_sites, phased=True)
    except ValueError as exc:
        problems.append(f"funding.phases: {exc}")
        return None


def _from_flat(k: FundingKnobs) -> FundingSpec:
    """The phases of the flat form: fee-per-DBC, the budget, or the first then the second."""
    fee = FeePerDBCSpec(
        beschikbaarheidbijdrage_eur_per_year=k.beschikbaarheidbijdrage_eur_per_year,
        beschikbaarheidbijdrage_requires_24_7=k.beschikbaarheidbijdrage_requires_24_7,
    )
    if k.regime == "fee-per-dbc":
        return FundingSpec((RegimePhase(fee),), k.sensitive_sites)
    budget = FixedBudgetSpec(
        budget_eur_per_year=k.budget_eur_per_year,
        schoning=k.schoning,
        schoning_none_share=k.schoning_none_share,
        schoning_base=k.schoning_base,
        schoning_exempts_beschikbaarheidbijdrage=k.schoning_exempts_beschikbaarheidbijdrage,
        schoning_exempt_eur_per_sensitive_seh=k.beschikbaarheidbijdrage_eur_per_year,
        extra_money_share=k.extra_money_share,
        schoning_persists_on_closure=k.schoning_persists_on_closure,
        binding=k.binding,
        beschikbaarheidbijdrage_eur_per_year=k.budget_beschikbaarheidbijdrage_eur_per_year,
        beschikbaarheidbijdrage_requires_24_7=k.beschikbaarheidbijdrage_requires_24_7,
    )
    if k.switch_date is None:
        return FundingSpec((RegimePhase(budget),), k.sensitive_sites)
    return FundingSpec((RegimePhase(fee), RegimePhase(budget, k.switch_date)), k.sensitive_sites)


def _to_flat(spec: FundingSpec) -> FundingKnobs:
    """The flat form of a spec made by :func:`_from_flat` (for the manifest's echo)."""
    first = spec.phases[0].regime
    last = spec.phases[-1].regime
    values: dict[str, Any] = {"sensitive_sites": spec.sensitive_sites}
    if isinstance(first, FeePerDBCSpec):
        values["beschikbaarheidbijdrage_eur_per_year"] = first.beschikbaarheidbijdrage_eur_per_year
    if isinstance(last, FixedBudgetSpec):
        values.update(
            regime="fixed-budget",
            switch_date=spec.phases[-1].start,
            budget_eur_per_year=last.budget_eur_per_year,
            schoning=last.schoning,
            schoning_none_share=last.schoning_none_share,
            schoning_base=last.schoning_base,
            schoning_exempts_beschikbaarheidbijdrage=last.schoning_exempts_beschikbaarheidbijdrage,
            extra_money_share=last.extra_money_share,
            schoning_persists_on_closure=last.schoning_persists_on_closure,
            binding=last.binding,
            budget_beschikbaarheidbijdrage_eur_per_year=last.beschikbaarheidbijdrage_eur_per_year,
        )
        values.setdefault(
            "beschikbaarheidbijdrage_eur_per_year", last.schoning_exempt_eur_per_sensitive_seh
        )
    values["beschikbaarheidbijdrage_requires_24_7"] = last.beschikbaarheidbijdrage_requires_24_7
    return FundingKnobs(**values)


def _phased_echo(spec: FundingSpec) -> dict[str, Any]:
    phases = [
        {
            "regime": type(p.regime).regime,
            "from": p.start.isoformat() if p.start is not None else None,
            **dataclasses.asdict(p.regime),
        }
        for p in spec.phases
    ]
    sensitive = list(spec.sensitive_sites) if spec.sensitive_sites is not None else None
    return {"phases": phases, "sensitive_sites": sensitive}


def _behaviour_spec(knobs: BehaviourKnobs) -> BehaviourSpec:
    sub = knobs.substitution
    return BehaviourSpec(
        volmelding=specs.VolmeldingSpec(**knobs.volmelding.model_dump()),
        board=specs.BoardSpec(**knobs.board.model_dump()),
        substitution=specs.SubstitutionSpec(rate=sub.rate, mts=tuple(sub.mts)),
    )


def parse_scenario_tables(
    funding: Mapping[str, Any] | None, behaviour: Mapping[str, Any] | None
) -> tuple[FundingSpec | None, BehaviourSpec | None, list[str]]:
    """Parse a scenario's ``funding`` and ``behaviour`` tables into typed specs, once.

    Unknown keys (with a did-you-mean hint), values out of range and knobs of another
    regime are refused.

    Parameters
    ----------
    funding, behaviour : mapping or None
        The tables as written (after inheritance and the grid); empty or None: absent.

    Returns
    -------
    (FundingSpec or None, BehaviourSpec or None, list of str)
        The specs (None for an absent table, or when it has problems) and the located
        one-line problems.
    """
    problems: list[str] = []
    funding_out: FundingSpec | None = None
    behaviour_out: BehaviourSpec | None = None
    if funding and "phases" in funding:
        funding_out = _parse_phases(funding, problems)
        has_budget = funding_out is not None and any(
            isinstance(p.regime, FixedBudgetSpec) for p in funding_out.phases
        )
        if funding_out is not None and not has_budget:
            problems.extend(
                p for p in checks.check_regime_knobs({}, behaviour) if p.startswith("behaviour.")
            )
    elif funding:
        knobs = _parse(FundingKnobs, funding, "funding", problems)
        funding_out = _from_flat(knobs) if knobs is not None else None
    if not (funding and "phases" in funding):
        problems.extend(checks.check_regime_knobs(funding or {}, behaviour))
    if behaviour:
        bk = _parse(BehaviourKnobs, behaviour, "behaviour", problems)
        behaviour_out = _behaviour_spec(bk) if bk is not None else None
    return funding_out, behaviour_out, problems


def funding_spec(table: Mapping[str, Any]) -> FundingSpec:
    """Return the spec of one ``funding`` table.

    Raises
    ------
    ConfigError
        With the table's problems.
    """
    spec, _, problems = parse_scenario_tables(table, None)
    if problems or spec is None:
        raise ConfigError("funding", problems or ["empty table"])
    return spec


def behaviour_spec(table: Mapping[str, Any]) -> BehaviourSpec:
    """Return the spec of one ``behaviour`` table (see :func:`funding_spec`)."""
    problems: list[str] = []
    knobs = _parse(BehaviourKnobs, table, "behaviour", problems)
    if knobs is None:
        raise ConfigError("behaviour", problems)
    return _behaviour_spec(knobs)


def resolved_knobs(scenario: Scenario) -> dict[str, Any]:
    """Return every funding and behaviour knob of a scenario, defaults filled in (JSON-ready).

    Written into the results (``manifest.json``, ``funding_knobs``) so that every output
    names the accounting choices and behaviour it was made with. The flat form echoes as
    it always did; ``[[funding.phases]]`` echo as a list of phases.
    """
    funding = scenario.funding
    if funding is None:
        funding_echo = FundingKnobs().model_dump(mode="json")
    elif funding.phased:
        funding_echo = _phased_echo(funding)
    else:
        funding_echo = _to_flat(funding).model_dump(mode="json")
    behaviour = scenario.behaviour or BehaviourSpec()
    return {
        "funding": funding_echo,
        "behaviour": BehaviourKnobs.model_validate(dataclasses.asdict(behaviour)).model_dump(
            mode="json"
        ),
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
    funded = [s for s in scenarios if s.funding is not None or s.behaviour is not None]
    if not funded:
        return [], []
    names = ", ".join(repr(s.name) for s in funded)
    problems: list[str] = []
    warns: list[str] = []
    subject = _subject(region)
    if region.finance is None:
        problems.append(
            f"{subject} has no finance.toml (region.toml [files] finance), but scenario(s) "
            f"{names} set funding or behaviour: add per-organisation finance data "
            "(other DBC revenue, reserves, tariffs); see docs/formats.md"
        )
    has_list = any(s.sensitive is not None for s in region.seh_sites)
    named = all(s.funding is not None and s.funding.sensitive_sites is not None for s in funded)
    if not has_list and not named:
        warns.append(
            f"{subject} has no gevoelig list (sites.csv column 'sensitive'): no SEH gets the "
            "beschikbaarheidbijdrage or protect_sensitive; add the column from RIVM's analysis "
            "(scripts/derive_sensitive.py) or set funding.sensitive_sites"
        )
    return problems, warns
