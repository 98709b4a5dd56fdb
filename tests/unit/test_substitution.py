"""Substitution at a spoedplein: under the budget, low-urgency self-referrals go to the HAP."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from acutesim.config import checks
from acutesim.config.funding import behaviour_spec, funding_spec, resolved_knobs
from acutesim.domain.scenario import Scenario
from acutesim.errors import ConfigError
from acutesim.experiment.context import worker_context
from acutesim.experiment.runner import funding_setup
from acutesim.funding.behaviour import SubstitutionBehaviour
from acutesim.sim.model import ReplicationResult, run_replication

ROOT = Path(__file__).resolve().parents[2]
DAYS = 28.0
FEE = {"regime": "fee-per-dbc"}
BUDGET = {"regime": "fixed-budget", "budget_eur_per_year": 4_600_000, "schoning": "hospital"}
NEUTRAL = {"board": {"enabled": False}, "volmelding": {"neutral": True}}


def _run(funding: dict, rate: float | None) -> ReplicationResult:
    region, travel, sensitive = worker_context(str(ROOT / "regions" / "demo"))
    behaviour = dict(NEUTRAL)
    if rate is not None:
        behaviour["substitution"] = {"rate": rate}
    scenario = Scenario("s", funding=funding_spec(funding), behaviour=behaviour_spec(behaviour))
    return run_replication(
        region,
        scenario,
        horizon_days=DAYS,
        warmup_days=0.0,
        root_seed=2027,
        replication=0,
        travel=travel,
        funding=funding_setup(region, travel, sensitive, scenario),
    )


def _kpi(result: ReplicationResult, kpi: str, site: str | None = None) -> float:
    return next(v for k, v, s in result.kpis if k == kpi and s == site)


def _self_visits(result: ReplicationResult) -> float:
    return _kpi(result, "seh_visits") * _kpi(result, "share_arrival_self")


def _same(a: ReplicationResult, b: ReplicationResult) -> bool:
    return repr(a.kpis) == repr(b.kpis) and repr(a.finance) == repr(b.finance)


@pytest.fixture(scope="module")
def budget_default() -> ReplicationResult:
    return _run(BUDGET, None)


def test_rate_zero_is_identical_to_no_substitution(budget_default: ReplicationResult) -> None:
    assert _same(_run(BUDGET, 0.0), budget_default)


def test_under_the_budget_self_referrals_move_from_the_seh_to_the_hap(
    budget_default: ReplicationResult,
) -> None:
    steered = _run(BUDGET, 0.8)
    fewer = _self_visits(budget_default) - _self_visits(steered)
    more = _kpi(steered, "hap_contacts") - _kpi(budget_default, "hap_contacts")
    assert fewer > 0
    assert more > 0
    # a steered patient is one more HAP contact; some of them are referred back
    assert more >= fewer
    # only low-urgency walk-ins are steered: ambulance arrivals are untouched
    share_amb = "share_arrival_ambulance"
    amb = _kpi(steered, "seh_visits") * _kpi(steered, share_amb)
    amb0 = _kpi(budget_default, "seh_visits") * _kpi(budget_default, share_amb)
    assert amb == pytest.approx(amb0, rel=0.02)


def test_under_fee_per_dbc_nothing_changes() -> None:
    assert _same(_run(FEE, 0.8), _run(FEE, None))


def test_only_while_the_budget_is_in_force(budget_default: ReplicationResult) -> None:
    # the budget starts after the horizon: fee-per-DBC throughout, nothing is steered
    late = {**BUDGET, "switch_date": dt.date(2027, 1, 1)}
    assert _same(_run(late, 0.8), _run(late, None))


def test_knob_is_checked_and_echoed() -> None:
    with pytest.raises(ValueError, match="substitution rate"):
        SubstitutionBehaviour(rate=1.5)
    scenario = Scenario(
        "s",
        funding=funding_spec(BUDGET),
        behaviour=behaviour_spec({"substitution": {"rate": 0.3}}),
    )
    assert resolved_knobs(scenario)["behaviour"]["substitution"] == {
        "rate": 0.3,
        "mts": ["green", "blue"],
    }
    with pytest.raises(ConfigError, match="substitution"):
        behaviour_spec({"substitution": {"rate": 2}})


def test_a_substitution_rate_on_fee_per_dbc_is_refused() -> None:
    (problem,) = checks.check_regime_knobs(FEE, {"substitution": {"rate": 0.4}})
    assert problem.startswith("behaviour.substitution.rate = 0.4: a behaviour of regime")
    assert checks.check_regime_knobs(FEE, {"substitution": {"rate": 0}}) == []
    assert checks.check_regime_knobs(BUDGET, {"substitution": {"rate": 0.4}}) == []
