"""Contested behaviour: volmelding thresholds and the board's quarterly decisions."""

from __future__ import annotations

import dataclasses

import pytest

from acutesim.domain.region import Site
from acutesim.funding.behaviour import (
    BoardBehaviour,
    SEHBoardState,
    SEHYearFigures,
    VolmeldingBehaviour,
    board_decision,
    closure_effect,
    is_protected,
    volmelding_thresholds,
)
from acutesim.funding.regimes import DBCTariff, FeePerDBC, FixedBudget, baseline_volumes

VISIT = {"red": 480.0, "orange": 360.0, "yellow": 270.0, "green": 180.0, "blue": 140.0}
TARIFF = DBCTariff(VISIT, {c: v + 120.0 for c, v in VISIT.items()}, 1_700.0)
SITES = (
    Site("big", "large_org", "big", 0.0, 0.0, "24/7", False, False, 10, "r"),
    Site("small", "small_org", "small", 0.0, 0.0, "24/7", False, False, 10, "r"),
)
BASELINE = baseline_volumes(
    {"big": 13_500.0, "small": 4_500.0},
    {"red": 0.02, "orange": 0.19, "yellow": 0.52, "green": 0.24, "blue": 0.03},
    {"red": 0.8, "orange": 0.55, "yellow": 0.33, "green": 0.08, "blue": 0.04},
)
OTHER = {"large_org": 420e6, "small_org": 110e6}

REFERENCE = 900.0
PARAMS = VolmeldingBehaviour(reference_marginal_revenue_eur=REFERENCE)


# --- volmelding --------------------------------------------------------------------------------
def test_thresholds_equal_base_at_the_reference() -> None:
    assert volmelding_thresholds(REFERENCE, PARAMS) == pytest.approx((0.95, 0.80))


def test_lower_marginal_revenue_declares_full_earlier() -> None:
    on_low, off_low = volmelding_thresholds(REFERENCE - 500.0, PARAMS)
    on_ref, off_ref = volmelding_thresholds(REFERENCE, PARAMS)
    assert on_low < on_ref
    assert off_low < off_ref
    assert on_low == pytest.approx(0.95 - PARAMS.sensitivity_per_1000_eur * 0.5)
    assert on_low - off_low == pytest.approx(0.15)  # the gap is kept


def test_thresholds_are_clamped_and_keep_hysteresis() -> None:
    on, off = volmelding_thresholds(-1e9, PARAMS)
    assert on == PARAMS.min_on_share
    assert off == pytest.approx(PARAMS.min_off_share)
    on, off = volmelding_thresholds(1e9, PARAMS)
    assert on == PARAMS.max_on_share
    assert off == pytest.approx(on - PARAMS.min_gap_share)


def test_neutral_thresholds_identical_across_regimes() -> None:
    fee = FeePerDBC(SITES, TARIFF, BASELINE)
    budget = FixedBudget(
        SITES, TARIFF, BASELINE, schoning_base="seh", other_dbc_revenue_eur_per_year_by_org=OTHER
    )
    neutral = dataclasses.replace(PARAMS, neutral=True)
    for s in BASELINE:
        assert budget.marginal_revenue_eur(s) < fee.marginal_revenue_eur(s)
        assert volmelding_thresholds(budget.marginal_revenue_eur(s), neutral) == (
            volmelding_thresholds(fee.marginal_revenue_eur(s), neutral)
        )
        reacting = dataclasses.replace(
            PARAMS, reference_marginal_revenue_eur=fee.marginal_revenue_eur(s)
        )
        assert volmelding_thresholds(budget.marginal_revenue_eur(s), reacting)[0] < 0.95


def test_no_reference_keeps_base_thresholds() -> None:
    params = VolmeldingBehaviour()
    assert volmelding_thresholds(0.0, params) == (0.95, 0.80)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"base_off_share": 0.95}, "base_off_share"),
        ({"min_gap_share": 0.0}, "min_gap_share must be > 0"),
        ({"min_on_share": 2.0}, "must not exceed max_on_share"),
        ({"min_off_share": 0.59}, "min_off_share \\+ min_gap_share"),
        ({"sensitivity_per_1000_eur": float("nan")}, "finite"),
    ],
)
def test_invalid_volmelding_parameters(change: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        VolmeldingBehaviour(**change)  # type: ignore[arg-type]


# --- board ---------------------------------------------------------------------------------------
BOARD = BoardBehaviour()
LOSING = SEHBoardState(
    site_id="small",
    status="open",
    is_24_7=True,
    margin_history_eur=(-300_000.0,) * 4,
    reserves_eur=1_000_000.0,
    closure_saves_eur_per_year=5_000_000.0,
    closure_forfeits_eur_per_year=4_000_000.0,
    night_closure_saves_eur_per_year=1_000_000.0,
    night_closure_forfeits_eur_per_year=400_000.0,
)


def test_financial_night_closure_after_n_loss_quarters_with_low_reserves() -> None:
    decision = board_decision(LOSING, BOARD)
    assert decision is not None
    assert (decision.action, decision.reason) == ("night_closure", "financial")
    assert decision.new_status == "night_closed"


def test_financial_closure_when_night_closure_does_not_pay() -> None:
    state = dataclasses.replace(LOSING, night_closure_forfeits_eur_per_year=2e6)
    decision = board_decision(state, BOARD)
    assert decision is not None
    assert (decision.action, decision.reason) == ("closure", "financial")
    night_closed = dataclasses.replace(LOSING, status="night_closed", closure_reason="financial")
    decision = board_decision(night_closed, BOARD)
    assert decision is not None
    assert decision.action == "closure"


def test_no_financial_closure_before_n_loss_quarters() -> None:
    state = dataclasses.replace(LOSING, margin_history_eur=(-1.0, -1.0, 5.0, -1.0))
    assert board_decision(state, BOARD) is None
    short = dataclasses.replace(LOSING, margin_history_eur=(-1.0,) * 3)
    assert board_decision(short, BOARD) is None


def test_no_financial_closure_with_enough_reserves() -> None:
    assert board_decision(dataclasses.replace(LOSING, reserves_eur=50e6), BOARD) is None


def test_no_financial_closure_when_closing_forfeits_more_than_it_saves() -> None:
    # a location-bound budget: closing loses the budget, so keeping the SEH is cheaper
    state = dataclasses.replace(
        LOSING, closure_forfeits_eur_per_year=8e6, night_closure_forfeits_eur_per_year=2e6
    )
    assert board_decision(state, BOARD) is None


def test_loss_basis_organisation() -> None:
    params = dataclasses.replace(BOARD, loss_basis="organisation")
    profitable_org = dataclasses.replace(LOSING, organisation_margin_history_eur=(1.0,) * 4)
    assert board_decision(profitable_org, params) is None
    losing_org = dataclasses.replace(
        LOSING, margin_history_eur=(1.0,) * 4, organisation_margin_history_eur=(-1.0,) * 4
    )
    decision = board_decision(losing_org, params)
    assert decision is not None
    assert decision.reason == "financial"


@pytest.mark.parametrize("status", ["open", "night_closed"])
def test_protected_sensitive_seh_never_closes_for_money(status: str) -> None:
    state = dataclasses.replace(
        LOSING,
        is_sensitive=True,
        status=status,
        closure_reason=None if status == "open" else "staff",
        reserves_eur=-1e9,
    )
    protecting = dataclasses.replace(BOARD, protect_sensitive=True)
    assert is_protected(state, protecting)
    decision = board_decision(state, protecting)
    assert decision is None or decision.reason != "financial"


def test_protect_all_protects_every_seh() -> None:
    params = dataclasses.replace(BOARD, protect_all=True)
    assert board_decision(LOSING, params) is None


def test_unprotected_sensitive_seh_can_close() -> None:
    params = dataclasses.replace(BOARD, protect_sensitive=False)
    decision = board_decision(dataclasses.replace(LOSING, is_sensitive=True), params)
    assert decision is not None
    assert decision.reason == "financial"


def test_staff_driven_closure_above_threshold() -> None:
    healthy = dataclasses.replace(LOSING, margin_history_eur=(1.0,) * 4, reserves_eur=1e9)
    below = dataclasses.replace(healthy, closed_shift_share=0.10)
    assert board_decision(below, BOARD) is None
    above = dataclasses.replace(healthy, closed_shift_share=0.20, is_sensitive=True)
    decision = board_decision(above, BOARD)
    assert decision is not None
    assert (decision.action, decision.reason) == ("night_closure", "staff")
    no_night_first = board_decision(above, dataclasses.replace(BOARD, night_closure_first=False))
    assert no_night_first is not None
    assert no_night_first.action == "closure"
    night = dataclasses.replace(above, status="night_closed", closure_reason="staff")
    decision = board_decision(night, BOARD)
    assert decision is not None
    assert (decision.action, decision.reason) == ("closure", "staff")


def test_day_only_seh_closes_without_night_step() -> None:
    state = dataclasses.replace(LOSING, is_24_7=False, closed_shift_share=0.5)
    decision = board_decision(state, BOARD)
    assert decision is not None
    assert decision.action == "closure"


def test_reopen_after_staff_recovers() -> None:
    closed = dataclasses.replace(
        LOSING, status="closed", closure_reason="staff", closed_shift_share=0.01
    )
    decision = board_decision(closed, BOARD)
    assert decision is not None
    assert (decision.action, decision.reason, decision.new_status) == ("reopen", "staff", "open")
    still_short = dataclasses.replace(closed, closed_shift_share=0.05)
    assert board_decision(still_short, BOARD) is None


def test_reopen_after_quarters_in_surplus() -> None:
    closed = dataclasses.replace(
        LOSING,
        status="closed",
        closure_reason="financial",
        reopen_margin_history_eur=(-1.0, 1.0, 1.0, 1.0),
    )
    assert board_decision(closed, BOARD) is None
    paying = dataclasses.replace(closed, reopen_margin_history_eur=(1.0,) * 4)
    decision = board_decision(paying, BOARD)
    assert decision is not None
    assert (decision.action, decision.reason) == ("reopen", "financial")


def test_protection_reopens_a_sensitive_seh_closed_for_money() -> None:
    closed = dataclasses.replace(
        LOSING, status="closed", closure_reason="financial", is_sensitive=True
    )
    decision = board_decision(closed, dataclasses.replace(BOARD, protect_sensitive=True))
    assert decision is not None
    assert (decision.action, decision.reason) == ("reopen", "policy")


def test_policy_closure_is_left_alone_and_board_can_be_switched_off() -> None:
    policy = dataclasses.replace(
        LOSING, status="closed", closure_reason="policy", reopen_margin_history_eur=(1.0,) * 9
    )
    assert board_decision(policy, BOARD) is None
    assert board_decision(LOSING, dataclasses.replace(BOARD, enabled=False)) is None


def test_no_change_within_minimum_dwell() -> None:
    assert board_decision(dataclasses.replace(LOSING, quarters_since_change=1), BOARD) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"loss_quarters": 0}, "loss_quarters"),
        ({"retained_patient_share": 1.5}, "retained_patient_share"),
        ({"reopen_staff_closed_shift_share": 0.5}, "hysteresis"),
        ({"loss_basis": "region"}, "loss_basis"),
    ],
)
def test_invalid_board_parameters(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BoardBehaviour(**change)  # type: ignore[arg-type]


# --- valuing a closure ----------------------------------------------------------------------------
def test_closure_effect() -> None:
    figures = SEHYearFigures(
        revenue_dbc_eur_per_year=4e6,
        cost_staff_eur_per_year=2e6,
        cost_variable_eur_per_year=0.4e6,
        cost_fixed_eur_per_year=2.8e6,
    )
    full = closure_effect(figures, periodic_forfeit_eur_per_year=4.6e6)
    assert full.saves_eur_per_year == pytest.approx(5.2e6)
    assert full.forfeits_eur_per_year == pytest.approx(8.6e6)
    assert full.net_eur_per_year < 0
    retained = closure_effect(
        figures, periodic_forfeit_eur_per_year=0.0, retained_patient_share=0.5
    )
    assert retained.saves_eur_per_year == pytest.approx(2e6 + 2.8e6 + 0.2e6)
    assert retained.forfeits_eur_per_year == pytest.approx(2e6)
    night = closure_effect(
        figures,
        periodic_forfeit_eur_per_year=0.0,
        patient_share=0.1,
        staff_share=0.3,
        fixed_share=0.0,
    )
    assert night.saves_eur_per_year == pytest.approx(0.6e6 + 0.04e6)
    assert night.forfeits_eur_per_year == pytest.approx(0.4e6)
