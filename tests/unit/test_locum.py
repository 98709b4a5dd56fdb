"""Locum premium: a vacancy filled by a locum costs more, an unfilled one costs nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from acutesim.config.funding import (
    behaviour_spec,
    funding_spec,
    parse_finance,
    validate_finance,
)
from acutesim.config.load import load_experiment, load_region
from acutesim.domain.region import Region
from acutesim.domain.roster import (
    RoleRule,
    RosterTemplate,
    ShiftTemplate,
    build_schedule,
    locum_share,
)
from acutesim.domain.scenario import Scenario
from acutesim.experiment.context import worker_context
from acutesim.experiment.runner import funding_setup
from acutesim.funding.books import CostRates, FinanceBooks, FundingSetup
from acutesim.funding.regimes import baseline_volumes
from acutesim.funding.setup import build_cost_rates, build_funding
from acutesim.sim.model import run_replication
from acutesim.units import MINUTES_PER_DAY

ROOT = Path(__file__).resolve().parents[2]
DOC = "seh_physician"
RATE = 100.0


def _template(vacancy: float, fill: float) -> RosterTemplate:
    rule = RoleRule(1.0, 0, vacancy_share=vacancy, locum_fill_share=fill)
    return RosterTemplate("t", (ShiftTemplate("day", 0, 24, {DOC: 4}),), {DOC: rule})


def _schedule(vacancy: float, fill: float, seed: int = 7):
    return build_schedule(
        _template(vacancy, fill), 60 * MINUTES_PER_DAY, 0, np.random.default_rng(seed)
    )


def test_locum_share_is_the_locums_part_of_the_filled_positions() -> None:
    assert locum_share(0.3, 1.0) == pytest.approx(0.3)
    assert locum_share(0.3, 0.0) == 0.0
    # 0.8 permanent + 0.2 x 0.5 locum positions filled: locums work 0.1 / 0.9 of them
    assert locum_share(0.2, 0.5) == pytest.approx(0.1 / 0.9)
    assert locum_share(1.0, 0.0) == 0.0


def test_a_fully_filled_vacancy_keeps_the_staff_of_no_vacancy() -> None:
    none = _schedule(0.0, 0.0)
    filled = _schedule(0.4, 1.0)
    unfilled = _schedule(0.4, 0.0)
    assert np.array_equal(none.staff, filled.staff)
    assert filled.locum_share_by_role[DOC] == pytest.approx(0.4)
    assert none.locum_share_by_role[DOC] == 0.0
    assert unfilled.locum_share_by_role[DOC] == 0.0
    assert unfilled.staff_hours_by_role[DOC] < 0.8 * none.staff_hours_by_role[DOC]


def test_fill_share_zero_draws_the_same_schedule_as_before() -> None:
    # locum_fill_share = 0 is the neutral setting: the same draws as a rule without it
    a = _schedule(0.25, 0.0, seed=11)
    rule = RoleRule(1.0, 0, 0.25, 0.0)
    b = build_schedule(
        RosterTemplate("t", (ShiftTemplate("day", 0, 24, {DOC: 4}),), {DOC: rule}),
        60 * MINUTES_PER_DAY,
        0,
        np.random.default_rng(11),
    )
    assert np.array_equal(a.staff, b.staff)
    assert np.array_equal(a.t_start_minutes, b.t_start_minutes)


@pytest.fixture(scope="module")
def demo() -> Region:
    return load_region(ROOT / "regions" / "demo")


@pytest.fixture(scope="module")
def fee_setup(demo: Region) -> FundingSetup:
    visits = {"noord_hoofd": 8_400.0, "noord_dag": 3_600.0, "centraal": 13_500.0, "kust": 4_500.0}
    mix = {"red": 0.023, "orange": 0.188, "yellow": 0.524, "green": 0.24, "blue": 0.025}
    baseline = baseline_volumes(visits, mix, demo.seh.admission_share_by_mts)
    return build_funding(demo, Scenario(name="fee"), [], baseline)


def _books(setup: FundingSetup, premium: float) -> FinanceBooks:
    fixed = {s.site_id: 0.0 for s in setup.sites if s.has_seh}
    costs = CostRates({DOC: RATE}, fixed, 0.0, locum_premium_share=premium)
    return dataclasses.replace(setup, costs=costs).new_books()


def _staff_cost(setup: FundingSetup, schedule, premium: float) -> float:
    books = _books(setup, premium)
    books.add_staff_hours(
        "kust",
        DOC,
        schedule.staff_hours_by_role[DOC],
        locum_share=schedule.locum_share_by_role[DOC],
    )
    (row,) = [r for r in books.close_month("2026-01") if r.site_id == "kust"]
    return row.cost_staff_eur


def test_a_filled_vacancy_costs_the_premium_and_an_unfilled_one_costs_nothing(
    fee_setup: FundingSetup,
) -> None:
    none = _schedule(0.0, 0.0)
    filled = _schedule(0.4, 1.0)
    unfilled = _schedule(0.4, 0.0)
    base = _staff_cost(fee_setup, none, 0.5)
    assert base == pytest.approx(none.staff_hours_by_role[DOC] * RATE)
    # the locums' 40% of the hours cost 1.5 x: the SEH is dearer, not cheaper
    assert _staff_cost(fee_setup, filled, 0.5) == pytest.approx(base * (1 + 0.5 * 0.4))
    assert _staff_cost(fee_setup, filled, 0.0) == pytest.approx(base)
    # unfilled hours are not worked and not paid (capacity falls instead)
    cost_unfilled = _staff_cost(fee_setup, unfilled, 0.5)
    assert cost_unfilled == pytest.approx(unfilled.staff_hours_by_role[DOC] * RATE)
    assert cost_unfilled < base


def test_books_reject_a_bad_locum_share_and_premium(fee_setup: FundingSetup) -> None:
    with pytest.raises(ValueError, match="locum_premium_share"):
        CostRates({DOC: RATE}, {"kust": 0.0}, 0.0, locum_premium_share=-0.1)
    books = _books(fee_setup, 0.5)
    with pytest.raises(ValueError, match="locum_share must be in"):
        books.add_staff_hours("kust", DOC, 8.0, locum_share=1.5)


def test_finance_toml_knob_reaches_the_cost_rates(demo: Region) -> None:
    assert build_cost_rates(demo).locum_premium_share == 0.5
    assert (
        build_cost_rates(
            demo, parse_finance({"costs": {"locum_premium_share": 0.8}})
        ).locum_premium_share
        == 0.8
    )
    problems = validate_finance(
        {"costs": {"locum_premium_share": -1}},
        site_ids=[s.site_id for s in demo.sites],
        organisation_ids=[o.organisation_id for o in demo.organisations],
        roles=["seh_physician", "seh_nurse"],
    )
    assert any("locum_premium_share" in p for p in problems)


def _staff_cost_in_sim(fill: float, *, by_scenario: bool = False) -> tuple[float, float]:
    region, travel, sensitive = worker_context(str(ROOT / "regions" / "demo"))
    if not by_scenario:
        rosters = {
            name: dataclasses.replace(
                t,
                roles={
                    r: dataclasses.replace(rule, locum_fill_share=fill)
                    for r, rule in t.roles.items()
                },
            )
            for name, t in region.rosters.items()
        }
        region = dataclasses.replace(region, rosters=rosters)
    scenario = Scenario(
        "v",
        staff_vacancy_share=0.3,
        locum_fill_share=fill if by_scenario else None,
        funding=funding_spec({"regime": "fee-per-dbc"}),
        behaviour=behaviour_spec({"board": {"enabled": False}}),
    )
    result = run_replication(
        region,
        scenario,
        horizon_days=31.0,
        warmup_days=0.0,
        root_seed=2027,
        replication=0,
        travel=travel,
        funding=funding_setup(region, travel, sensitive, scenario),
    )
    rows = [r for r in result.finance if r["site_id"] is not None]
    cost = sum(r["cost_staff_eur"] for r in rows)
    hours = sum(r["staff_hours"] for r in rows)
    return cost, hours


def test_in_the_simulation_filled_vacancies_cost_more_per_staffed_hour() -> None:
    unfilled_cost, unfilled_hours = _staff_cost_in_sim(0.0)
    filled_cost, filled_hours = _staff_cost_in_sim(1.0)
    assert filled_hours > unfilled_hours
    assert filled_cost > unfilled_cost
    # unfilled: every hour at the normal rate; filled: 30% of hours at 1.5 x
    assert filled_cost / filled_hours == pytest.approx(
        unfilled_cost / unfilled_hours * (1 + 0.5 * 0.3), rel=0.02
    )


def test_the_scenario_knob_overrides_every_roles_fill_share() -> None:
    assert _staff_cost_in_sim(1.0, by_scenario=True) == _staff_cost_in_sim(1.0)
    assert _staff_cost_in_sim(0.0, by_scenario=True) == _staff_cost_in_sim(0.0)


def test_the_scenario_knob_is_read_from_an_experiment_file(tmp_path: Path) -> None:
    exp = tmp_path / "e.toml"
    exp.write_text(
        f'name = "e"\nregion = "{ROOT / "regions" / "demo"}"\nhorizon_days = 7\n'
        "replications = 1\n\n[[scenarios]]\n"
        'name = "locums"\nstaff_vacancy_share = 0.2\nlocum_fill_share = 0.5\n',
        encoding="utf-8",
    )
    experiment, _ = load_experiment(exp)
    (scenario,) = experiment.scenarios
    assert scenario.locum_fill_share == 0.5
