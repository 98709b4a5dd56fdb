"""The accounting choices behind the demo's funding verdicts, each shown to matter or not.

Macro neutrality of every schoning variant, the price-cut persistence knob that decides
whether the budget keeps `kust` open, partial months pro rata, the concentration rule
that separates location- from institution-bound budgets, and the knobs written into the
results.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from acutesim.config.funding import behaviour_spec, funding_spec, resolved_knobs
from acutesim.domain.scenario import Scenario
from acutesim.experiment.context import worker_context
from acutesim.experiment.runner import funding_setup
from acutesim.funding.behaviour import (
    BoardBehaviour,
    SEHBoardState,
    SEHYearFigures,
    board_decision,
    closure_effect,
)
from acutesim.funding.books import FundingSetup
from acutesim.funding.regimes import (
    FundingRegime,
    baseline_dbc_revenue_eur,
    baseline_revenue_by_org_eur,
    month_year_share,
    periodic_forfeit_eur_per_year,
)
from acutesim.rng import RandomStreams
from acutesim.sim.model import Model, run_replication
from acutesim.units import MINUTES_PER_DAY

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "regions" / "demo")
FEE = {"regime": "fee-per-dbc"}
BUDGET = {"regime": "fixed-budget"}
NIGHT_SHARE = 15.0 / 24.0  # hours a night-closed SEH keeps
NIGHT_PATIENT_SHARE = 0.2  # share of visits between 23:00 and 08:00 (test value)
NIGHT_STAFF_SHARE = 9.0 / 24.0  # the demo's SEH rosters are flat over the day


def _setup(funding: dict, behaviour: dict | None = None) -> FundingSetup:
    region, travel, sensitive = worker_context(DEMO)
    scenario = Scenario(
        "s",
        funding=funding_spec(funding) if funding else None,
        behaviour=behaviour_spec(behaviour) if behaviour else None,
    )
    setup = funding_setup(region, travel, sensitive, scenario)
    assert setup is not None
    return setup


def _regime(funding: dict) -> FundingRegime:
    return _setup(funding).schedule.first


# --- macro neutrality ---------------------------------------------------------------------
@pytest.mark.parametrize("schoning", ["hospital", "total", "none"])
@pytest.mark.parametrize("base", ["organisation", "seh"])
def test_every_schoning_variant_keeps_the_macro_total_at_baseline_volume(
    schoning: str, base: str
) -> None:
    fee = sum(baseline_revenue_by_org_eur(_regime(FEE)).values())
    budget = _regime({**BUDGET, "schoning": schoning, "schoning_base": base})
    shortfall = sum(budget.schoning_shortfall_eur_per_year_by_org.values())  # type: ignore[attr-defined]
    total = sum(baseline_revenue_by_org_eur(budget).values())
    # an amount that cannot be cut (a price cut above 100%) stays with the hospital
    # and is reported; otherwise the budget adds nothing to the macro total
    assert abs(total - shortfall - fee) < 1.0
    if base == "organisation":
        assert shortfall == 0.0


def test_schoning_none_redistributes_but_adds_no_money() -> None:
    fee = baseline_revenue_by_org_eur(_regime(FEE))
    none = baseline_revenue_by_org_eur(_regime({**BUDGET, "schoning": "none"}))
    assert none["kust"] > fee["kust"] + 1e5  # the small organisation gains ...
    assert none["centraal"] < fee["centraal"] - 1e5  # ... the large one pays
    assert abs(sum(none.values()) - sum(fee.values())) < 1.0
    extra = baseline_revenue_by_org_eur(
        _regime({**BUDGET, "schoning": "none", "extra_money_share": 0.5})
    )
    assert sum(extra.values()) - sum(fee.values()) > 1e6


# --- the cut-persistence knob decides the demo's closure -----------------------------------
def _kust_state(regime: FundingRegime, setup: FundingSetup) -> SEHBoardState:
    """Kust's board state with the same margins and costs under any regime."""
    region, _, _ = worker_context(DEMO)
    kust = next(s for s in region.sites if s.site_id == "kust")
    roster = region.rosters[kust.roster]
    rates = setup.costs.staff_eur_per_hour_by_role
    staff = sum(
        shift.hours * n * rates[role] * len(shift.weekdays) / 7.0 * 365.0
        for shift in roster.shifts
        for role, n in shift.staff_by_role.items()
    )
    volume = regime.baseline["kust"]
    figures = SEHYearFigures(
        revenue_dbc_eur_per_year=sum(
            baseline_dbc_revenue_eur(
                regime.tariff, volume, price_factor=regime.price_factor("kust")
            )
        ),
        cost_staff_eur_per_year=staff,
        cost_variable_eur_per_year=volume.visits_per_year * setup.costs.variable_eur_per_patient,
        cost_fixed_eur_per_year=setup.costs.fixed_eur_per_year_by_site["kust"],
    )
    full = closure_effect(
        figures, periodic_forfeit_eur_per_year=periodic_forfeit_eur_per_year(regime, "kust")
    )
    night = closure_effect(
        figures,
        periodic_forfeit_eur_per_year=periodic_forfeit_eur_per_year(
            regime, "kust", new_open_hours_share=NIGHT_SHARE
        ),
        patient_share=NIGHT_PATIENT_SHARE,
        staff_share=NIGHT_STAFF_SHARE,
        fixed_share=0.0,
    )
    return SEHBoardState(
        site_id="kust",
        status="open",
        is_24_7=True,
        margin_history_eur=(-1e5,) * 4,  # the same loss quarters under every regime
        reserves_eur=4e6,  # the demo's kust reserves, below the board's threshold
        closure_saves_eur_per_year=full.saves_eur_per_year,
        closure_forfeits_eur_per_year=full.forfeits_eur_per_year,
        night_closure_saves_eur_per_year=night.saves_eur_per_year,
        night_closure_forfeits_eur_per_year=night.forfeits_eur_per_year,
        is_sensitive=True,
    )


@pytest.mark.parametrize("night_first", [True, False])
def test_with_a_reverting_cut_the_budget_closes_kust_like_fee_per_dbc(night_first: bool) -> None:
    params = BoardBehaviour(night_closure_first=night_first)
    fee_setup = _setup(FEE)
    fee_state = _kust_state(fee_setup.schedule.first, fee_setup)
    revert_setup = _setup({**BUDGET, "schoning_persists_on_closure": False})
    revert_state = _kust_state(revert_setup.schedule.first, revert_setup)
    persist_setup = _setup({**BUDGET, "schoning_persists_on_closure": True})
    persist_state = _kust_state(persist_setup.schedule.first, persist_setup)

    # closing kust altogether is worth exactly the same to its organisation
    fee_net = fee_state.closure_saves_eur_per_year - fee_state.closure_forfeits_eur_per_year
    revert_net = (
        revert_state.closure_saves_eur_per_year - revert_state.closure_forfeits_eur_per_year
    )
    assert revert_net == pytest.approx(fee_net, abs=1.0)
    assert 0.0 < fee_net < 1e6  # it pays, by a few hundred thousand euros a year

    fee_decision = board_decision(fee_state, params)
    revert_decision = board_decision(revert_state, params)
    persist_decision = board_decision(persist_state, params)
    assert fee_decision is not None
    assert fee_decision.reason == "financial"
    assert revert_decision is not None
    assert revert_decision.reason == "financial"
    # the pre-paid budget keeps kust open only when the cut persists
    assert persist_decision is None
    if not night_first:
        assert fee_decision.action == revert_decision.action == "closure"


def test_the_knob_is_written_into_the_results() -> None:
    knobs = resolved_knobs(
        Scenario("s", funding=funding_spec({**BUDGET, "schoning_persists_on_closure": False}))
    )
    assert knobs["funding"]["schoning_persists_on_closure"] is False
    assert knobs["funding"]["extra_money_share"] == 0.0
    assert knobs["behaviour"]["board"]["concentrate"] is False
    defaults = resolved_knobs(Scenario("d"))
    assert defaults["funding"]["schoning_persists_on_closure"] is True
    assert defaults["funding"]["beschikbaarheidbijdrage_requires_24_7"] is True


# --- location- against institution-bound budgets under the concentration rule --------------
def _noord_dag_state(binding: str) -> SEHBoardState:
    regime = _regime({**BUDGET, "binding": binding})
    setup = _setup({**BUDGET, "binding": binding})
    volume = regime.baseline["noord_dag"]
    figures = SEHYearFigures(
        revenue_dbc_eur_per_year=sum(
            baseline_dbc_revenue_eur(
                regime.tariff, volume, price_factor=regime.price_factor("noord_dag")
            )
        ),
        cost_staff_eur_per_year=1.0e6,
        cost_variable_eur_per_year=volume.visits_per_year * setup.costs.variable_eur_per_patient,
        cost_fixed_eur_per_year=setup.costs.fixed_eur_per_year_by_site["noord_dag"],
    )
    full = closure_effect(
        figures,
        periodic_forfeit_eur_per_year=periodic_forfeit_eur_per_year(regime, "noord_dag"),
        retained_patient_share=0.5,
    )
    return SEHBoardState(
        site_id="noord_dag",
        status="open",
        is_24_7=False,
        margin_history_eur=(2e5,) * 4,  # in surplus: the loss rule never fires
        reserves_eur=20e6,
        closure_saves_eur_per_year=full.saves_eur_per_year,
        closure_forfeits_eur_per_year=full.forfeits_eur_per_year,
    )


def test_concentration_separates_location_and_institution_budgets() -> None:
    concentrate = BoardBehaviour(concentrate=True)
    neutral = BoardBehaviour()
    location = _noord_dag_state("location")
    institution = _noord_dag_state("institution")
    # neutral board: the SEH is in surplus, so the binding does not matter
    assert board_decision(location, neutral) is None
    assert board_decision(institution, neutral) is None
    # concentration: the institution keeps the day location's budget when it closes it
    assert board_decision(location, concentrate) is None
    decision = board_decision(institution, concentrate)
    assert decision is not None
    assert decision.action == "closure"
    assert "concentration" in decision.detail


# --- partial months ------------------------------------------------------------------------
def test_a_partial_month_books_its_share_of_fixed_cost_and_schoning() -> None:
    region, travel, sensitive = worker_context(DEMO)
    scenario = Scenario(
        "budget",
        funding=funding_spec(BUDGET),
        behaviour=behaviour_spec({"board": {"enabled": False}}),
    )
    setup = funding_setup(region, travel, sensitive, scenario)
    assert setup is not None
    # the demo starts on Monday 5 January 2026; 40 days end at the start of 14 February
    result = run_replication(
        region,
        scenario,
        horizon_days=40.0,
        warmup_days=0.0,
        root_seed=1,
        replication=0,
        travel=travel,
        funding=setup,
    )
    fixed = setup.costs.fixed_eur_per_year_by_site["kust"]
    regime = setup.schedule.first
    other_cut = regime.organisation_periodic_eur("kust", year_share=1.0)["schoning_other"]
    assert other_cut < 0.0
    for month, days, days_in_month in (("2026-01", 27, 31), ("2026-02", 13, 28)):
        share = days / days_in_month
        site = next(r for r in result.finance if r["site_id"] == "kust" and r["month"] == month)
        org = next(
            r
            for r in result.finance
            if r["site_id"] is None and r["organisation"] == "kust" and r["month"] == month
        )
        full_month = month_year_share(month)
        assert site["month_share"] == pytest.approx(share)
        assert site["cost_fixed_eur"] == pytest.approx(fixed * full_month * share)
        assert site["revenue_budget_eur"] == pytest.approx(4_600_000.0 * full_month * share)
        assert org["revenue_schoning_other_eur"] == pytest.approx(other_cut * full_month * share)


# --- the counterfactual review at the switch -------------------------------------------------
@pytest.mark.slow
def test_the_shadow_review_at_the_switch_is_what_fee_per_dbc_decides() -> None:
    region, travel, sensitive = worker_context(DEMO)
    horizon = 362.0  # the demo starts on 5 January 2026: the review of 1 January 2027 is in
    results = {}
    for name, funding in (
        ("fee", FEE),
        ("switch", {**BUDGET, "switch_date": dt.date(2027, 1, 1)}),
    ):
        scenario = Scenario(name, funding=funding_spec(funding))
        streams = RandomStreams(2027, 0)
        model = Model(
            region,
            scenario,
            streams,
            horizon_minutes=horizon * MINUTES_PER_DAY,
            warmup_minutes=0.0,
            travel=travel,
            funding=funding_setup(region, travel, sensitive, scenario),
        )
        model.run()
        results[name] = model.recorder
    switch_t = max(t for t, *_ in results["switch"].shadow_decisions)
    shadow = {(site, action) for t, site, regime, action, _ in results["switch"].shadow_decisions}
    assert {regime for _, _, regime, _, _ in results["switch"].shadow_decisions} == {"fee-per-dbc"}
    fee_at_switch = {
        (site, action) for t, site, action, _ in results["fee"].closures if t == switch_t
    }
    assert fee_at_switch, "fee-per-DBC decides something at the switch review"
    assert fee_at_switch <= shadow
    assert results["fee"].shadow_decisions == []


# --- the pack must carry what funding scenarios need -----------------------------------------
def test_a_funding_scenario_needs_finance_data_and_warns_without_a_gevoelig_list() -> None:
    from acutesim.config.funding import validate_funding_pack

    region, _, _ = worker_context(DEMO)
    funded = [Scenario("budget", funding=funding_spec(BUDGET))]
    assert validate_funding_pack(region, funded) == ([], [])
    assert validate_funding_pack(region, [Scenario("plain")]) == ([], [])
    no_finance = dataclasses.replace(region, finance=None)
    problems, _ = validate_funding_pack(no_finance, funded)
    assert len(problems) == 1
    assert "has no finance.toml" in problems[0]
    assert "'budget'" in problems[0]
    no_list = dataclasses.replace(
        region, sites=tuple(dataclasses.replace(s, sensitive=None) for s in region.sites)
    )
    problems, warns = validate_funding_pack(no_list, funded)
    assert problems == []
    assert len(warns) == 1
    assert "no gevoelig list" in warns[0]
    # naming the sensitive sites in the scenario is a list too
    named = [Scenario("budget", funding=funding_spec({**BUDGET, "sensitive_sites": ["kust"]}))]
    assert validate_funding_pack(no_list, named) == ([], [])


def test_the_gevoelig_list_is_read_from_the_pack_not_recomputed() -> None:
    from acutesim.experiment.context import listed_sensitive_sites

    region, _, sensitive = worker_context(DEMO)
    assert sensitive == listed_sensitive_sites(region) == {"noord_hoofd", "centraal", "kust"}
    only_kust = dataclasses.replace(
        region,
        sites=tuple(dataclasses.replace(s, sensitive=s.site_id == "kust") for s in region.sites),
    )
    assert listed_sensitive_sites(only_kust) == {"kust"}


def test_the_report_names_the_accounting_choices() -> None:
    from acutesim.report.sections import _accounting_choice_rows

    knobs = {
        "revert": resolved_knobs(
            Scenario(
                "revert",
                funding=funding_spec({**BUDGET, "schoning_persists_on_closure": False}),
            )
        )
    }
    (row,) = _accounting_choice_rows(knobs)
    assert row[0] == "revert"
    assert "fixed-budget" in row
    assert "false" in [c.lower() for c in row]
