"""Funding regimes: what a hospital earns for an SEH patient and for keeping an SEH open.

``base`` holds tariffs, baseline volumes, the regime interface and helpers over any
regime; ``fee_per_dbc`` and ``fixed_budget`` one regime each; ``schedule`` the regimes in
force over time; ``registry`` the builder of each regime from its typed spec
(:data:`acutesim.domain.specs.REGIME_SPECS`). Every public name is re-exported here.
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
from acutesim.funding.regimes.registry import REGIME_BUILDERS, discover
from acutesim.funding.regimes.schedule import RegimeSchedule, month_year_share, parse_month_key

discover()

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
