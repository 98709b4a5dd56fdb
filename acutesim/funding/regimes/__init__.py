"""Funding regimes: what a hospital earns for an SEH patient and for keeping an SEH open.

Today a Dutch hospital is paid per DBC (zorgproduct) for every SEH visit and for the
admissions the SEH feeds, and a few SEHs that are sensitive to the 45-minutennorm get a
beschikbaarheidbijdrage on top. From 2027 every SEH location gets a fixed budget of
about EUR 4.6 million a year (pro rata for fewer opening hours), introduced budget-neutral
by lowering ("schoning") DBC prices. A regime here answers four questions: the revenue of
an event (a visit, an admission), the periodic payments of a period (budget,
beschikbaarheidbijdrage), organisation-wide price effects of the schoning, and the
marginal revenue of one more average patient, which drives the contested behaviour in
:mod:`acutesim.funding.behaviour`.

Sources are listed in ``docs/sources.md``; every number without a source is a named
parameter documented in ``docs/assumptions.md``.
"""

from acutesim.domain.specs import DEFAULT_BUDGET_EUR_PER_YEAR
from acutesim.funding.regimes.base import (
    BESCHIKBAARHEIDBIJDRAGE,
    BUDGET,
    SCHONING_OTHER,
    BaselineVolume,
    DBCTariff,
    FundingRegime,
    RegimeContext,
    baseline_dbc_revenue_eur,
    baseline_revenue_by_org_eur,
    baseline_volumes,
    mts_shares_from_routes,
    periodic_forfeit_eur_per_year,
)
from acutesim.funding.regimes.fee_per_dbc import FeePerDBC
from acutesim.funding.regimes.fixed_budget import FixedBudget
from acutesim.funding.regimes.registry import REGIME_BUILDERS
from acutesim.funding.regimes.schedule import RegimeSchedule, month_year_share, parse_month_key

__all__ = [
    "BESCHIKBAARHEIDBIJDRAGE",
    "BUDGET",
    "DEFAULT_BUDGET_EUR_PER_YEAR",
    "REGIME_BUILDERS",
    "SCHONING_OTHER",
    "BaselineVolume",
    "DBCTariff",
    "FeePerDBC",
    "FixedBudget",
    "FundingRegime",
    "RegimeContext",
    "RegimeSchedule",
    "baseline_dbc_revenue_eur",
    "baseline_revenue_by_org_eur",
    "baseline_volumes",
    "month_year_share",
    "mts_shares_from_routes",
    "parse_month_key",
    "periodic_forfeit_eur_per_year",
]
