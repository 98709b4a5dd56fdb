"""Validate a region pack's ``finance.toml`` and parse it into a typed :class:`FinanceSpec`.

Tariffs, staff rates, costs, organisations' reserves and other DBC revenue, and
site-specific fixed costs. Every default cites its source or is marked as an assumption;
``docs/assumptions.md`` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import Field, model_validator

from acutesim.config.located import StrictModel, parse_model
from acutesim.domain import specs
from acutesim.domain.region import MTS_COLOURS
from acutesim.domain.specs import (
    FinanceSpec,
)
from acutesim.errors import ConfigError, did_you_mean

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


# --- finance.toml --------------------------------------------------------------------------
class TariffSpec(StrictModel):
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


class StaffRateSpec(StrictModel):
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


class CostSpec(StrictModel):
    """``[costs]``: fixed cost per SEH and variable cost per patient."""

    fixed_eur_per_seh_per_year: float = Field(default=DEFAULT_FIXED_EUR_PER_SEH_PER_YEAR, ge=0)
    fixed_cost_pro_rata_opening_hours: bool = True
    variable_eur_per_patient: float = Field(default=DEFAULT_VARIABLE_EUR_PER_PATIENT, ge=0)
    locum_premium_share: float = Field(default=DEFAULT_LOCUM_PREMIUM_SHARE, ge=0, le=10)
    source: str = "assumption"


class OrganisationFinanceSpec(StrictModel):
    """``[organisations.<id>]``: reserves and DBC revenue outside the modelled SEH tariffs."""

    reserves_eur: float | None = None
    other_dbc_revenue_eur_per_year: float = Field(default=0.0, ge=0)
    bargaining_weight: float = Field(default=1.0, ge=0)
    source: str = "assumption"


class SiteFinanceSpec(StrictModel):
    """``[sites.<site_id>]``: site-specific fixed cost."""

    fixed_eur_per_year: float | None = Field(default=None, ge=0)


class FinanceToml(StrictModel):
    """``finance.toml`` of a region pack: tariffs, staff rates, costs, organisations."""

    description: str = ""
    sources: tuple[str, ...] = ()
    tariffs: TariffSpec = Field(default_factory=TariffSpec)
    staff: dict[str, StaffRateSpec] = Field(default_factory=_default_staff)
    costs: CostSpec = Field(default_factory=CostSpec)
    organisations: dict[str, OrganisationFinanceSpec] = Field(default_factory=dict)
    sites: dict[str, SiteFinanceSpec] = Field(default_factory=dict)


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
    spec = parse_model(FinanceToml, finance, file_name, problems, in_file=True)
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
    toml = parse_model(FinanceToml, finance, "finance.toml", problems, in_file=True)
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
