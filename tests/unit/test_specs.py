"""Typed specs at the edge: no raw tables in the domain, funding phases, echoes and registries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import pkgutil
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import acutesim.domain
from acutesim.config.funding import (
    FundingKnobs,
    funding_spec,
    parse_scenario_tables,
    resolved_knobs,
)
from acutesim.config.load import load_experiment, load_region
from acutesim.domain import specs
from acutesim.domain.region import Region
from acutesim.domain.scenario import Scenario
from acutesim.domain.specs import (
    REGIME_SPECS,
    TRAVEL_SPECS,
    FeePerDBCSpec,
    FixedBudgetSpec,
    FundingSpec,
    MatrixTravel,
    RegimePhase,
    StraightLineTravel,
    travel_spec,
)
from acutesim.funding.regimes import REGIME_BUILDERS, FeePerDBC, FixedBudget, baseline_volumes
from acutesim.funding.setup import build_funding

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "regions" / "demo"

THREE_PHASES: dict[str, Any] = {
    "sensitive_sites": ["kust"],
    "phases": [
        {"regime": "fee-per-dbc"},
        {"regime": "fixed-budget", "from": dt.date(2027, 1, 1), "budget_eur_per_year": 5e6},
        {"regime": "fee-per-dbc", "from": dt.date(2029, 1, 1)},
    ],
}


# --- no raw tables in the domain ----------------------------------------------------------------
def _raw_tables(hint: Any) -> bool:
    """True when a type hint is, or contains, a mapping from str to Any."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        if len(args) == 2 and args[1] is Any:
            return True
    return any(_raw_tables(a) for a in args)


def _domain_dataclasses() -> list[type]:
    found = []
    for info in pkgutil.iter_modules(acutesim.domain.__path__):
        module = importlib.import_module(f"acutesim.domain.{info.name}")
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and dataclasses.is_dataclass(obj)
                and obj.__module__ == module.__name__
            ):
                found.append(obj)
    return found


def test_the_detector_finds_a_raw_table() -> None:
    @dataclasses.dataclass(frozen=True)
    class Raw:
        table: Mapping[str, Any]
        maybe: dict[str, Any] | None = None

    hints = typing.get_type_hints(Raw)
    assert _raw_tables(hints["table"])
    assert _raw_tables(hints["maybe"])
    assert not _raw_tables(Mapping[str, float])


def test_no_domain_dataclass_has_a_raw_table_field() -> None:
    classes = _domain_dataclasses()
    assert {"Region", "Scenario", "Experiment", "FundingSpec"} <= {c.__name__ for c in classes}
    offenders = [
        f"{cls.__module__}.{cls.__name__}.{f.name}"
        for cls in classes
        for f in dataclasses.fields(cls)
        if _raw_tables(typing.get_type_hints(cls, localns=vars(specs))[f.name])
    ]
    assert offenders == []


# --- travel ---------------------------------------------------------------------------------
def test_travel_spec_is_chosen_by_the_registry_and_reads_as_its_table() -> None:
    assert set(TRAVEL_SPECS) == {"straight_line", "road_network", "matrix", "routed"}
    spec = travel_spec({"model": "matrix", "matrix": "m.csv", "dispatch_minutes": 2})
    assert isinstance(spec, MatrixTravel)
    assert spec.matrix == "m.csv"
    assert spec.dispatch_minutes == 2.0
    assert spec.get("model") == "matrix"
    assert dict(spec)["matrix"] == "m.csv"
    default = StraightLineTravel()
    assert default.get("model") == "straight_line"
    assert len(default) == 0
    assert bool(default)
    with pytest.raises(ValueError, match="unknown travel model 'teleport'"):
        travel_spec({"model": "teleport"})


def test_a_loaded_pack_carries_typed_travel_and_finance() -> None:
    region = load_region(DEMO)
    assert isinstance(region.travel, StraightLineTravel)
    assert region.finance is not None
    assert region.finance.tariffs.admission_eur > 0
    assert set(region.finance.organisations) <= {o.organisation_id for o in region.organisations}


# --- funding phases -------------------------------------------------------------------------
def test_three_phases_parse_into_a_typed_sequence() -> None:
    spec = funding_spec(THREE_PHASES)
    assert spec.phased
    assert spec.sensitive_sites == ("kust",)
    assert [type(p.regime) for p in spec.phases] == [FeePerDBCSpec, FixedBudgetSpec, FeePerDBCSpec]
    assert [p.start for p in spec.phases] == [None, dt.date(2027, 1, 1), dt.date(2029, 1, 1)]
    budget = spec.phases[1].regime
    assert isinstance(budget, FixedBudgetSpec)
    assert budget.budget_eur_per_year == 5e6


@pytest.fixture(scope="module")
def demo() -> Region:
    return load_region(DEMO)


def _baseline(region: Region) -> dict[str, Any]:
    visits = {"noord_hoofd": 8_400.0, "noord_dag": 3_600.0, "centraal": 13_500.0, "kust": 4_500.0}
    mix = {"red": 0.023, "orange": 0.188, "yellow": 0.524, "green": 0.24, "blue": 0.025}
    return baseline_volumes(visits, mix, region.seh.admission_share_by_mts)


def test_three_phases_build_one_schedule_with_fee_per_dbc_built_once(demo: Region) -> None:
    scenario = Scenario("three", funding=funding_spec(THREE_PHASES))
    setup = build_funding(demo, scenario, [], _baseline(demo))
    at = setup.schedule.regime_at
    first, budget, last = at(dt.date(2026, 6, 1)), at(dt.date(2028, 6, 1)), at(dt.date(2030, 1, 1))
    assert isinstance(first, FeePerDBC)
    assert isinstance(budget, FixedBudget)
    assert last is first  # the same spec is built once
    assert budget.budget_eur_per_year == 5e6
    assert first.sensitive_site_ids == frozenset({"kust"})
    assert len(setup.schedule.regimes) == 3


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            {"phases": [{"regime": "fee-per-dbc", "schoning": "total"}]},
            "funding.phases[0].schoning: a knob of regime 'fixed-budget', but this phase's "
            "regime is 'fee-per-dbc'",
        ),
        (
            {"phases": [{"regime": "fee-per-dbc"}, {"regime": "fixed-budgt", "from": "x"}]},
            "funding.phases[1].regime: 'fixed-budgt' is not one of fee-per-dbc, fixed-budget; "
            "did you mean 'fixed-budget'?",
        ),
        (
            {"phases": [{"regime": "fee-per-dbc"}, {"regime": "fixed-budget"}]},
            "funding.phases: funding phase 1: needs 'from'",
        ),
        (
            {
                "phases": [
                    {"regime": "fee-per-dbc"},
                    {"regime": "fixed-budget", "from": dt.date(2028, 1, 1)},
                    {"regime": "fee-per-dbc", "from": dt.date(2027, 1, 1)},
                ]
            },
            "funding.phases: funding phase 2: 'from' 2027-01-01 must be after 2028-01-01",
        ),
        (
            {"regime": "fixed-budget", "phases": [{"regime": "fee-per-dbc"}]},
            "funding.regime: not allowed next to [[funding.phases]]",
        ),
        (
            {"phases": [{"regime": "fixed-budget", "budget_eur_per_yr": 1}]},
            "funding.phases[0]: unknown key 'budget_eur_per_yr'; did you mean "
            "'budget_eur_per_year'?",
        ),
        (
            {"phases": [{"regime": "fixed-budget", "budget_eur_per_year": -1}]},
            "funding.phases[0].budget_eur_per_year: Input should be greater than or equal to 0",
        ),
    ],
)
def test_bad_phases_are_located(table: dict[str, Any], expected: str) -> None:
    spec, _, problems = parse_scenario_tables(table, None)
    assert spec is None
    assert any(p.startswith(expected) for p in problems), problems


def test_substitution_needs_a_budget_phase() -> None:
    fee_only = {"phases": [{"regime": "fee-per-dbc"}]}
    _, _, problems = parse_scenario_tables(fee_only, {"substitution": {"rate": 0.3}})
    assert [p.split(":")[0] for p in problems] == ["behaviour.substitution.rate = 0.3"]
    _, _, problems = parse_scenario_tables(THREE_PHASES, {"substitution": {"rate": 0.3}})
    assert problems == []


# --- echoes -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "table",
    [
        {},
        {"regime": "fee-per-dbc", "beschikbaarheidbijdrage_eur_per_year": 1.5e6},
        {"regime": "fixed-budget", "budget_eur_per_year": 4_000_000, "schoning": "none"},
        {
            "regime": "fixed-budget",
            "switch_date": dt.date(2027, 1, 1),
            "binding": "institution",
            "beschikbaarheidbijdrage_eur_per_year": 1e6,
            "budget_beschikbaarheidbijdrage_eur_per_year": 5e5,
            "beschikbaarheidbijdrage_requires_24_7": False,
            "sensitive_sites": ["kust"],
        },
    ],
)
def test_the_flat_form_echoes_as_before(table: dict[str, Any]) -> None:
    before = json.dumps(FundingKnobs.model_validate(table).model_dump(mode="json"))
    spec = funding_spec(table) if table else None
    after = json.dumps(resolved_knobs(Scenario("s", funding=spec))["funding"])
    assert after == before


def test_phases_echo_as_a_list() -> None:
    echo = resolved_knobs(Scenario("s", funding=funding_spec(THREE_PHASES)))["funding"]
    assert [p["regime"] for p in echo["phases"]] == ["fee-per-dbc", "fixed-budget", "fee-per-dbc"]
    assert [p["from"] for p in echo["phases"]] == [None, "2027-01-01", "2029-01-01"]
    assert echo["phases"][1]["budget_eur_per_year"] == 5e6
    json.dumps(echo)  # JSON-ready


# --- registries and precedence --------------------------------------------------------------
def test_every_regime_spec_has_a_builder() -> None:
    assert set(REGIME_SPECS) == set(REGIME_BUILDERS) == {"fee-per-dbc", "fixed-budget"}


def test_the_threshold_precedence_is_the_scenarios_then_the_regions(demo: Region) -> None:
    seh = demo.seh
    assert Scenario("s").volmelding_shares(seh) == (
        seh.volmelding_on_share,
        seh.volmelding_off_share,
    )
    assert Scenario("s", volmelding_on_share=1.2).volmelding_shares(seh) == (
        1.2,
        seh.volmelding_off_share,
    )


def test_behaviour_base_shares_win_over_the_scenarios(demo: Region) -> None:
    _, behaviour, _ = parse_scenario_tables(None, {"volmelding": {"base_on_share": 1.1}})
    scenario = Scenario("s", volmelding_on_share=1.3, volmelding_off_share=0.7, behaviour=behaviour)
    setup = build_funding(demo, scenario, [], _baseline(demo))
    params = setup.volmelding_by_site["kust"]
    assert (params.base_on_share, params.base_off_share) == (1.1, 0.7)


def test_an_experiment_file_with_phases_loads(tmp_path: Path) -> None:
    path = tmp_path / "phases.toml"
    path.write_text(
        f'name = "phases"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 7\n'
        '[[scenarios]]\nname = "baseline"\n'
        '[[scenarios]]\nname = "three"\n'
        '[[scenarios.funding.phases]]\nregime = "fee-per-dbc"\n'
        '[[scenarios.funding.phases]]\nregime = "fixed-budget"\nfrom = 2027-01-01\n'
        '[[scenarios.funding.phases]]\nregime = "fee-per-dbc"\nfrom = 2029-01-01\n',
        encoding="utf-8",
    )
    experiment, _ = load_experiment(path)
    three = experiment.scenarios[1].funding
    assert isinstance(three, FundingSpec)
    assert len(three.phases) == 3
    assert three.phases[2] == RegimePhase(FeePerDBCSpec(), dt.date(2029, 1, 1))
    assert experiment.scenarios[0].funding is None


def test_the_documented_phases_example_loads(tmp_path: Path) -> None:
    text = (PROJECT / "docs" / "formats.md").read_text(encoding="utf-8")
    section = text[text.index("#### Funding regime phases") :]
    example = section[section.index("```toml") + len("```toml") : section.index("```\n\n")]
    path = tmp_path / "doc.toml"
    path.write_text(
        f'name = "doc"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 7\n{example}',
        encoding="utf-8",
    )
    experiment, region = load_experiment(path)
    (scenario,) = experiment.scenarios
    setup = build_funding(region, scenario, [], _baseline(region))
    assert [type(r).__name__ for r in setup.schedule.regimes] == [
        "FeePerDBC",
        "FixedBudget",
        "FeePerDBC",
    ]


def test_fee_per_dbc_is_built_once_per_task(demo: Region, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    original = FeePerDBC.__init__

    def counting(self: FeePerDBC, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(FeePerDBC, "__init__", counting)
    switch = {"regime": "fixed-budget", "switch_date": dt.date(2027, 1, 1)}
    for table in (switch, {"regime": "fixed-budget"}, {}):
        built.clear()
        scenario = Scenario("s", funding=funding_spec(table) if table else None)
        build_funding(demo, scenario, [], _baseline(demo))
        assert len(built) == 1


def test_validate_funding_knobs_reads_phases_too() -> None:
    from acutesim.config.funding import validate_funding_knobs

    assert validate_funding_knobs(THREE_PHASES, {}) == []
    (problem,) = validate_funding_knobs({"phases": [{"regime": "fee-per-dbc", "from": 1}]}, {})
    assert problem.startswith("funding.phases[0].from:")


def test_specs_cross_process_boundaries(demo: Region) -> None:
    import pickle

    scenario = Scenario("three", funding=funding_spec(THREE_PHASES))
    assert pickle.loads(pickle.dumps(scenario)) == scenario
    travel = pickle.loads(pickle.dumps(demo.travel))
    assert travel == demo.travel
    assert dict(travel) == dict(demo.travel)
    assert pickle.loads(pickle.dumps(demo.finance)) == demo.finance


def test_a_builder_needs_a_known_regime_spec() -> None:
    from acutesim.funding.regimes.registry import register

    @dataclasses.dataclass(frozen=True)
    class Stranger:
        regime: typing.ClassVar[str] = "stranger"

    with pytest.raises(ValueError, match="not in REGIME_SPECS"):
        register(Stranger)(lambda spec, context: REGIME_BUILDERS["fee-per-dbc"](spec, context))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="has a builder already"):
        register(FeePerDBCSpec)(lambda spec, context: REGIME_BUILDERS["fee-per-dbc"](spec, context))
    assert set(REGIME_BUILDERS) == {"fee-per-dbc", "fixed-budget"}


def test_the_resume_key_reads_the_tables_as_written() -> None:
    from acutesim.experiment.spec import scenario_settings

    table = {"regime": "fixed-budget", "switch_date": dt.date(2027, 1, 1)}
    keyed = scenario_settings(Scenario("s", funding=funding_spec(table)))
    assert keyed["funding"] == {"regime": "fixed-budget", "switch_date": "2027-01-01"}
    assert keyed["behaviour"] == {}
    # specs made in code (nothing written) are keyed by every knob, so they differ
    low = FundingSpec((RegimePhase(FixedBudgetSpec(budget_eur_per_year=1e6)),))
    high = FundingSpec((RegimePhase(FixedBudgetSpec(budget_eur_per_year=2e6)),))
    assert scenario_settings(Scenario("s", funding=low)) != scenario_settings(
        Scenario("s", funding=high)
    )
    assert low == dataclasses.replace(low, written={"regime": "fixed-budget"})
