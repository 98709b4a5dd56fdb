"""Funding and behaviour knobs, finance.toml validation and the funding builders."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

import pytest

from acutesim.config.funding import (
    FinanceToml,
    behaviour_spec,
    funding_spec,
    parse_finance,
    validate_finance,
    validate_funding_knobs,
)
from acutesim.config.load import load_experiment, load_region
from acutesim.domain.region import Region
from acutesim.domain.scenario import Scenario
from acutesim.errors import ConfigError
from acutesim.funding.behaviour import volmelding_thresholds
from acutesim.funding.regimes import BaselineVolume, FeePerDBC, FixedBudget, baseline_volumes
from acutesim.funding.setup import build_funding

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "regions" / "demo"


# --- knobs -------------------------------------------------------------------------------------
def test_empty_tables_are_valid() -> None:
    assert validate_funding_knobs({}, {}) == []


def test_full_tables_are_valid() -> None:
    funding = {
        "regime": "fixed-budget",
        "switch_date": dt.date(2027, 1, 1),
        "budget_eur_per_year": 4_600_000,
        "schoning": "total",
        "binding": "institution",
    }
    behaviour = {
        "volmelding": {"neutral": True, "sensitivity_per_1000_eur": 0.1},
        "board": {"loss_quarters": 2, "protect_sensitive": False},
    }
    assert validate_funding_knobs(funding, behaviour) == []


def test_unknown_funding_key_with_hint() -> None:
    assert validate_funding_knobs({"budget_eur_per_yr": 1}, {}) == [
        "funding: unknown key 'budget_eur_per_yr'; did you mean 'budget_eur_per_year'?"
    ]


def test_unknown_nested_behaviour_keys_with_hint() -> None:
    problems = validate_funding_knobs({}, {"volmelding": {"base_on_shar": 0.9}, "bord": {}})
    assert "behaviour.volmelding: unknown key 'base_on_shar'; did you mean 'base_on_share'?" in (
        problems
    )
    assert "behaviour: unknown key 'bord'; did you mean 'board'?" in problems


def test_bad_choice_names_the_choices() -> None:
    assert validate_funding_knobs({"regime": "fixed_budget"}, {}) == [
        "funding.regime: 'fixed_budget' is not one of 'fee-per-dbc', 'fixed-budget'; "
        "did you mean 'fixed-budget'?"
    ]


def test_bad_values_are_located() -> None:
    problems = validate_funding_knobs({"schoning_none_share": 1.5}, {"board": {"loss_quarters": 0}})
    assert problems == [
        "funding.schoning_none_share: Input should be less than or equal to 1 (got 1.5)",
        "behaviour.board.loss_quarters: Input should be greater than or equal to 1 (got 0)",
    ]


def test_switch_date_needs_the_budget_regime() -> None:
    (problem,) = validate_funding_knobs({"switch_date": "2027-01-01"}, {})
    assert problem.startswith("funding: switch_date needs regime = 'fixed-budget'")


def test_volmelding_hysteresis_is_checked() -> None:
    (problem,) = validate_funding_knobs(
        {}, {"volmelding": {"base_on_share": 0.8, "base_off_share": 0.9}}
    )
    assert problem.startswith("behaviour.volmelding: base_off_share (0.9) must be below")


def test_experiment_loader_reports_funding_problems(tmp_path: Path) -> None:
    experiment = tmp_path / "exp.toml"
    experiment.write_text(
        f'name = "x"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 30\n'
        '[[scenarios]]\nname = "budget"\n'
        'funding = { regime = "fixed-budget", budget_eur_per_yr = 4_600_000 }\n',
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError,
        match=r"exp.toml \[scenario 'budget'\] funding: unknown key 'budget_eur_per_yr'; "
        r"did you mean 'budget_eur_per_year'\?",
    ):
        load_experiment(experiment, check_region=False)


# --- finance.toml ---------------------------------------------------------------------------
def test_defaults_are_a_valid_finance_file() -> None:
    assert validate_finance({}, roles=["seh_physician", "seh_nurse"]) == []


def test_finance_problems_are_located() -> None:
    raw = {
        "tariffs": {"visit_eur": {"red": 1.0}, "admision_eur": 3},
        "staff": {"seh_nurse": {"eur_per_fte_per_year": 81_000, "eur_per_staffed_hour": 50}},
        "organisations": {"kustt": {"reserves_eur": 1}},
    }
    problems = validate_finance(raw, organisation_ids=["kust", "centraal"], roles=["seh_nurse"])
    assert "finance.toml [tariffs]: unknown key 'admision_eur'; did you mean 'admission_eur'?" in (
        problems
    )
    assert any(p.startswith("finance.toml [staff.seh_nurse]: give either") for p in problems)
    # a file with schema problems is not cross-checked
    problems = validate_finance(
        {"organisations": {"kustt": {}}},
        organisation_ids=["kust", "centraal"],
        roles=["seh_nurse", "porter"],
    )
    assert problems == [
        "finance.toml [organisations.kustt]: unknown id 'kustt'; did you mean 'kust'? "
        "(known: centraal, kust)",
        "finance.toml [staff]: no cost for roster role 'porter' "
        "(add [staff.porter] with eur_per_staffed_hour or eur_per_fte_per_year)",
    ]


def test_staff_rate_from_cost_per_fte() -> None:
    spec = FinanceToml.model_validate({"staff": {"seh_nurse": {"eur_per_fte_per_year": 81_000}}})
    assert spec.staff["seh_nurse"].eur_per_hour == pytest.approx(81_000 / 1_490)


# --- builders on the demo region ------------------------------------------------------------
@pytest.fixture(scope="module")
def demo() -> Region:
    region = load_region(DEMO)
    with (DEMO / "finance.toml").open("rb") as fh:
        return dataclasses.replace(region, finance=parse_finance(tomllib.load(fh)))


@pytest.fixture(scope="module")
def baseline(demo: Region) -> dict[str, BaselineVolume]:
    visits = {"noord_hoofd": 8_400.0, "noord_dag": 3_600.0, "centraal": 13_500.0, "kust": 4_500.0}
    mix = {"red": 0.023, "orange": 0.188, "yellow": 0.524, "green": 0.24, "blue": 0.025}
    return baseline_volumes(visits, mix, demo.seh.admission_share_by_mts)


def test_demo_finance_file_is_valid(demo: Region) -> None:
    spec = demo.finance
    assert spec is not None
    assert spec.organisations["kust"].other_dbc_revenue_eur_per_year > 0


def test_build_funding_switches_to_the_budget(
    demo: Region, baseline: dict[str, BaselineVolume]
) -> None:
    scenario = Scenario(
        name="reform",
        funding=funding_spec({"regime": "fixed-budget", "switch_date": dt.date(2027, 1, 1)}),
    )
    setup = build_funding(demo, scenario, ["kust"], baseline)
    before = setup.schedule.regime_at(dt.date(2026, 6, 1))
    after = setup.schedule.regime_at(dt.date(2027, 6, 1))
    assert isinstance(before, FeePerDBC)
    assert isinstance(after, FixedBudget)
    assert before.sensitive_site_ids == frozenset({"kust"})
    # the former beschikbaarheidbijdrage is not cleaned
    assert (
        after.schoning_share_by_org["kust"]
        < FixedBudget(
            demo.sites,
            before.tariff,
            baseline,
            other_dbc_revenue_eur_per_year_by_org={"kust": 110e6},
        ).schoning_share_by_org["kust"]
    )
    # thresholds equal the base ones today and drop a little under the budget
    params = setup.volmelding_by_site["kust"]
    assert volmelding_thresholds(before.marginal_revenue_eur("kust"), params) == pytest.approx(
        (demo.seh.volmelding_on_share, demo.seh.volmelding_off_share)
    )
    on, _ = volmelding_thresholds(after.marginal_revenue_eur("kust"), params)
    assert on < demo.seh.volmelding_on_share
    assert setup.reserves_eur_by_org["kust"] == 4_000_000
    assert setup.costs.staff_eur_per_hour_by_role["seh_physician"] == pytest.approx(172_500 / 1_490)
    books = setup.new_books()
    assert books.reserves_eur("kust") == 4_000_000


def test_demo_kust_loses_under_fee_and_gains_under_budget(
    demo: Region, baseline: dict[str, BaselineVolume]
) -> None:
    setup = build_funding(demo, Scenario(name="today"), [], baseline)
    books = setup.new_books()
    roster = demo.rosters["seh_small"]
    hours = {
        r: sum(sh.staff_by_role.get(r, 0) * sh.hours for sh in roster.shifts) for r in roster.roles
    }
    # feed one baseline month (31 days) at the kust SEH
    volume = baseline["kust"]
    for (mts, admitted), n in volume.visits_per_year_by_kind().items():
        for _ in range(round(n * 31 / 365)):
            books.add_visit("kust", mts, admitted)
    for role, h in hours.items():
        books.add_staff_hours("kust", role, h * 31)
    (kust,) = [r for r in books.close_month("2026-01") if r.site_id == "kust"]
    assert kust.margin_eur < 0

    budget = build_funding(
        demo, Scenario(name="b", funding=funding_spec({"regime": "fixed-budget"})), [], baseline
    )
    books = budget.new_books()
    for (mts, admitted), n in volume.visits_per_year_by_kind().items():
        for _ in range(round(n * 31 / 365)):
            books.add_visit("kust", mts, admitted)
    for role, h in hours.items():
        books.add_staff_hours("kust", role, h * 31)
    (kust,) = [r for r in books.close_month("2027-01") if r.site_id == "kust"]
    assert kust.margin_eur > 0


def test_sensitive_sites_knob_is_checked(demo: Region, baseline: dict[str, BaselineVolume]) -> None:
    scenario = Scenario(name="s", funding=funding_spec({"sensitive_sites": ["kusst"]}))
    with pytest.raises(ConfigError, match="'kusst' is not an SEH site; did you mean 'kust'"):
        build_funding(demo, scenario, [], baseline)


def test_bad_behaviour_raises_config_error(
    demo: Region, baseline: dict[str, BaselineVolume]
) -> None:
    with pytest.raises(ConfigError, match="did you mean 'loss_quarters'"):
        behaviour_spec({"board": {"loss_quarter": 2}})
