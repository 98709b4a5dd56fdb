"""Funding regimes in the simulation: closures, volmelding direction, neutrality."""

from __future__ import annotations

from pathlib import Path

import pytest

from acutesim.config.funding import behaviour_spec, funding_spec
from acutesim.domain.scenario import Scenario
from acutesim.experiment.context import worker_context
from acutesim.experiment.runner import funding_setup
from acutesim.sim.model import ReplicationResult, run_replication

ROOT = Path(__file__).resolve().parents[2]
FIVE_YEARS_DAYS = 1826.0

FEE = {"regime": "fee-per-dbc"}
BUDGET = {"regime": "fixed-budget", "budget_eur_per_year": 4_600_000, "schoning": "hospital"}
BUDGET_SEH = {**BUDGET, "schoning_base": "seh"}
BOARD_OFF = {"board": {"enabled": False}}


def _run(
    name: str, funding: dict, behaviour: dict, days: float, replication: int = 0
) -> ReplicationResult:
    region, travel, sensitive = worker_context(str(ROOT / "regions" / "demo"))
    scenario = Scenario(
        name,
        funding=funding_spec(funding) if funding else None,
        behaviour=behaviour_spec(behaviour) if behaviour else None,
    )
    return run_replication(
        region,
        scenario,
        horizon_days=days,
        warmup_days=0.0,
        root_seed=2027,
        replication=replication,
        travel=travel,
        funding=funding_setup(region, travel, sensitive, scenario),
    )


def _kpi(result: ReplicationResult, kpi: str, site: str | None = None) -> float:
    return next(v for k, v, s in result.kpis if k == kpi and s == site)


@pytest.mark.slow
def test_fee_per_dbc_closes_the_low_volume_seh_and_the_budget_keeps_it() -> None:
    fee = _run("fee-per-dbc", FEE, {}, FIVE_YEARS_DAYS)
    budget = _run("fixed-budget", BUDGET, {}, FIVE_YEARS_DAYS)
    fee_financial = {
        (site, action) for _, site, action, reason in fee.closures if reason == "financial"
    }
    assert ("kust", "closure") in fee_financial or ("kust", "night_closure") in fee_financial
    budget_financial = [c for c in budget.closures if c[1] == "kust" and c[3] == "financial"]
    assert budget_financial == []
    # the books explain it: kust's SEH margin is negative under fees, positive under the budget
    fee_margin = sum(r["margin_eur"] for r in fee.finance if r["site_id"] == "kust")
    budget_margin = sum(r["margin_eur"] for r in budget.finance if r["site_id"] == "kust")
    assert fee_margin < 0 < budget_margin


@pytest.mark.slow
def test_volmelding_follows_marginal_revenue_in_the_documented_direction() -> None:
    # Board decisions off, so only the thresholds differ. Schoning on the SEH's own
    # tariffs lowers the marginal revenue of a patient; with a positive sensitivity the
    # SEHs then declare themselves full sooner (the NZa's warning).
    fee = _run("fee", FEE, BOARD_OFF, 120.0)
    budget = _run("budget-seh", BUDGET_SEH, BOARD_OFF, 120.0)
    assert _kpi(budget, "volmelding_hours") > _kpi(fee, "volmelding_hours")
    # and the other way round with a negative sensitivity
    reverse = {**BOARD_OFF, "volmelding": {"sensitivity_per_1000_eur": -0.25}}
    fee_r = _run("fee", FEE, reverse, 120.0)
    budget_r = _run("budget-seh", BUDGET_SEH, reverse, 120.0)
    assert _kpi(budget_r, "volmelding_hours") < _kpi(fee_r, "volmelding_hours")


@pytest.mark.slow
def test_neutral_behaviour_without_board_makes_the_regime_irrelevant() -> None:
    neutral = {**BOARD_OFF, "volmelding": {"neutral": True}}
    fee = _run("fee", FEE, neutral, 120.0)
    budget = _run("budget", BUDGET_SEH, neutral, 120.0)
    # NaN KPIs (e.g. B response times when B rides use their own vehicles) equal NaN
    assert repr(fee.kpis) == repr(budget.kpis)
    assert fee.status == budget.status
    assert fee.closures == budget.closures == []
    # the money differs, the care does not
    assert fee.finance != budget.finance


def test_a_site_closed_by_the_scenario_books_nothing_and_gets_no_budget() -> None:
    region, travel, sensitive = worker_context(str(ROOT / "regions" / "demo"))
    scenario = Scenario("kust-closed", funding=funding_spec(BUDGET), closed_sites=("kust",))
    result = run_replication(
        region,
        scenario,
        horizon_days=70.0,
        warmup_days=0.0,
        root_seed=1,
        replication=0,
        travel=travel,
        funding=funding_setup(region, travel, sensitive, scenario),
    )
    kust = [r for r in result.finance if r["site_id"] == "kust"]
    assert kust, "the books still list the site"
    for row in kust:
        assert row["revenue_budget_eur"] == 0.0
        assert row["cost_staff_eur"] == 0.0
        assert row["cost_fixed_eur"] == 0.0
    # the board leaves a policy closure alone
    assert [c for c in result.closures if c[1] == "kust"] == [(0.0, "kust", "closure", "policy")]
