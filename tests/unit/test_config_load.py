"""Loading region packs and experiment files: domain objects out, every problem reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DEMO, PROJECT, copy_demo, drop_column, make_bad_pack, set_cell

from acutesim.config.load import load_experiment, load_region, resolve_region_path
from acutesim.domain.specs import FixedBudgetSpec, FundingSpec, RegimePhase
from acutesim.errors import ConfigError

RD_X = (-7_000.0, 300_000.0)
RD_Y = (289_000.0, 629_000.0)


def problems_of(pack: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_region(pack)
    return info.value.problems


def experiment(tmp_path: Path, body: str, *, header: str | None = None) -> Path:
    head = header or (
        f'name = "t"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 10\nwarmup_days = 2\n'
    )
    path = tmp_path / "experiment.toml"
    path.write_text(head + body, encoding="utf-8")
    return path


def experiment_problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    return info.value.problems


# --- the demo pack ------------------------------------------------------------------------
def test_demo_pack_loads_into_domain_objects_in_rd_new(demo_region):
    r = demo_region
    assert r.describe() == {
        "name": "demo",
        "population": 250_000,
        "n_areas": 40,
        "n_sites": 4,
        "n_seh": 4,
        "n_seh_24_7": 3,
        "n_posts": 11,
        "n_haps": 3,
        "n_ferries": 1,
    }
    for obj in (*r.sites, *r.posts, *r.areas):
        assert RD_X[0] <= obj.x_m <= RD_X[1]
        assert RD_Y[0] <= obj.y_m <= RD_Y[1]
    sites = r.site_by_id
    assert (sites["noord_dag"].open_hour, sites["noord_dag"].close_hour) == (8.0, 23.0)
    assert (sites["centraal"].open_hour, sites["centraal"].close_hour) == (0.0, 24.0)
    assert sites["centraal"].acute_beds == 55
    posts = {p.post_id: p for p in r.posts}
    assert posts["p01"].vehicles_by_shift == {"day": 3, "evening": 3, "night": 2}
    assert posts["p10"].vehicles_by_shift["night"] == 0  # a day post has no night vehicles
    assert {h.hap_id for h in r.haps} == {"noord_hoofd", "centraal", "hap_strandhoorn"}
    assert {s.name for s in r.streams} == {
        "ambulance",
        "hap_contact",
        "gp_referral",
        "self_referral",
        "other_referral",
    }
    for s in r.streams:
        assert len(s.profile) == 168
        assert sum(s.profile) / 168 == pytest.approx(1.0)
    assert r.calendar.start_hour_of_week == 0
    assert {"eiland"} == {a.zone for a in r.areas} - {"mainland"}


def test_region_can_be_named_by_its_region_toml(tmp_path):
    pack = copy_demo(tmp_path)
    assert load_region(pack / "region.toml").name == "demo"
    assert resolve_region_path("demo", PROJECT / "regions") == PROJECT / "regions" / "demo"


# --- bad packs ----------------------------------------------------------------------------
def test_four_problems_in_one_pack_are_all_named_with_file_and_row(tmp_path):
    problems = problems_of(make_bad_pack(tmp_path))
    assert len(problems) == 4, problems
    text = "\n".join(problems)
    assert (
        "sites.csv row 1 (site_id='noord_hoofd'), column 'seh': 'daytime' is not one of "
        "'24/7', 'day', 'none'" in text
    )
    assert "ambulance_posts.csv: missing column 'vehicles_night'" in text
    assert (
        "sites.csv row 3 (site_id='centraal'): roster 'seh_huge' is not defined in "
        "rosters.toml" in text
    )
    assert "did you mean 'seh_large'?" in text
    assert "sites.csv row 4 (site_id='noord_dag'): duplicate site_id (first in row 2)" in text


def test_config_error_message_counts_and_lists_every_problem(tmp_path):
    pack = make_bad_pack(tmp_path)
    with pytest.raises(ConfigError, match=r"region pack '.*bad' has 4 problems\n  sites\.csv"):
        load_region(pack)


def test_a_missing_column_does_not_hide_problems_of_other_files(tmp_path):
    pack = copy_demo(tmp_path)
    drop_column(pack / "sites.csv", "acute_beds")
    set_cell(pack / "ambulance_posts.csv", "p03", "availability", "sometimes")
    problems = problems_of(pack)
    assert any(p.startswith("sites.csv: missing column 'acute_beds'") for p in problems)
    assert any(
        p.startswith(
            "ambulance_posts.csv row 3 (post_id='p03'), column 'availability': "
            "'sometimes' is not one of '24/7', 'day'"
        )
        for p in problems
    ), problems


def test_bad_values_name_row_column_value_and_expectation(tmp_path):
    pack = copy_demo(tmp_path)
    set_cell(pack / "sites.csv", "noord_dag", "acute_beds", "-3")
    set_cell(pack / "sites.csv", "centraal", "lon", "abc")
    problems = problems_of(pack)
    assert problems == [
        "sites.csv row 2 (site_id='noord_dag'), column 'acute_beds': '-3' should be greater "
        "than or equal to 0",
        "sites.csv row 3 (site_id='centraal'), column 'lon': 'abc' should be a valid number, "
        "unable to parse string as a number",
    ]


def test_unknown_column_gets_a_hint(tmp_path):
    pack = copy_demo(tmp_path)
    path = pack / "sites.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("acute_beds", "acute_bed"), "utf-8")
    problems = problems_of(pack)
    assert "sites.csv: unknown column 'acute_bed'; did you mean 'acute_beds'?" in problems


def test_unknown_key_in_region_toml_has_did_you_mean(tmp_path):
    pack = copy_demo(tmp_path)
    toml = pack / "region.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "demand_growth_per_year", "demand_grow_per_year"
    )
    toml.write_text(text + "\n[seh]\nvolmelding_on = 0.9\n", encoding="utf-8")
    problems = problems_of(pack)
    assert (
        "region.toml: unknown key 'demand_grow_per_year'; did you mean 'demand_growth_per_year'?"
        in problems
    )
    assert (
        "region.toml [seh]: unknown key 'volmelding_on'; did you mean 'volmelding_on_share'?"
        in problems
    )


def test_csv_starting_with_a_comment_line_is_rejected(tmp_path):
    pack = copy_demo(tmp_path)
    path = pack / "sites.csv"
    path.write_text("# hospitals of the demo region\n" + path.read_text("utf-8"), "utf-8")
    with pytest.raises(
        ConfigError, match=r"sites\.csv line 1: starts with a comment .*header is the first line"
    ):
        load_region(pack)


def test_toml_syntax_error_names_file_and_line(tmp_path):
    pack = copy_demo(tmp_path)
    toml = pack / "region.toml"
    toml.write_text(toml.read_text("utf-8") + "\n[seh\nbay_factor = 2\n", "utf-8")
    with pytest.raises(ConfigError, match=r"region\.toml: not valid TOML: .*line \d+"):
        load_region(pack)


def test_swapped_lon_lat_lies_outside_the_netherlands(tmp_path):
    pack = copy_demo(tmp_path)
    set_cell(pack / "sites.csv", "kust", "lon", "52.966701")
    set_cell(pack / "sites.csv", "kust", "lat", "5.440789")
    with pytest.raises(
        ConfigError,
        match=r"sites\.csv row 4 \(site_id='kust'\), columns 'lon, lat': \(52\.9667, 5\.44079\) "
        r"lies outside the area of use of EPSG:28992 \(the Netherlands\); lon and lat look swapped",
    ):
        load_region(pack)


def test_missing_file_and_missing_pack(tmp_path):
    pack = copy_demo(tmp_path)
    (pack / "ambulance_posts.csv").unlink()
    with pytest.raises(
        ConfigError, match=r"ambulance_posts\.csv: file not found at '.*ambulance_posts\.csv'"
    ):
        load_region(pack)
    with pytest.raises(
        ConfigError, match=r"region\.toml: not found in '.*' \(is this a region pack\?\)"
    ):
        load_region(tmp_path / "nowhere")


def test_roster_problems_and_day_hours(tmp_path):
    pack = copy_demo(tmp_path)
    rosters = pack / "rosters.toml"
    rosters.write_text(
        rosters.read_text("utf-8").replace(
            "staff = { seh_physician = 1, seh_nurse = 2 }\n\n[[seh_day.shifts]]",
            "staff = { seh_physician = 1, seh_nures = 2 }\n\n[[seh_day.shifts]]",
        ),
        "utf-8",
    )
    set_cell(pack / "sites.csv", "noord_dag", "open_hour", "23")
    set_cell(pack / "sites.csv", "noord_dag", "close_hour", "8")
    problems = problems_of(pack)
    assert any(
        p.startswith("rosters.toml [seh_day]: shift 'day' staffs unknown role(s) ['seh_nures']")
        for p in problems
    ), problems
    assert (
        "sites.csv row 2 (site_id='noord_dag'): close_hour 8.0 must be after open_hour 23.0"
        in problems
    )


# --- experiments --------------------------------------------------------------------------
def test_quickstart_experiment_loads_every_scenario():
    exp, region = load_experiment(PROJECT / "experiments" / "quickstart.toml")
    assert exp.scenario_names == ("baseline", "short_staffed", "kust_closed", "no_hap_triage")
    assert exp.baseline == "baseline"
    assert (exp.horizon_days, exp.warmup_days, exp.replications) == (56, 7, 3)
    assert Path(exp.region_path).resolve() == DEMO.resolve()
    assert region.name == "demo"
    by_name = {s.name: s for s in exp.scenarios}
    assert by_name["short_staffed"].staff_vacancy_share == 0.25
    assert by_name["kust_closed"].closed_sites == ("kust",)


def test_unknown_closed_site_is_named_with_a_hint(tmp_path):
    path = experiment(tmp_path, '[[scenarios]]\nname = "a"\nclosed_sites = ["kusst"]\n')
    assert experiment_problems(path) == [
        "experiment.toml [scenario 'a'] closed_sites: unknown site_id 'kusst'; did you mean "
        "'kust'? (known: centraal, kust, noord_dag, noord_hoofd)"
    ]


def test_unknown_scenario_knob_has_did_you_mean(tmp_path):
    path = experiment(tmp_path, '[[scenarios]]\nname = "budget"\nwarmup_day = 3\n')
    with pytest.raises(
        ConfigError,
        match=r"\[scenarios\[0\]\]: unknown key 'warmup_day'; did you mean 'warmup_days'\?",
    ):
        load_experiment(path)


def test_warmup_must_be_shorter_than_the_horizon(tmp_path):
    head = f'name = "t"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 10\nwarmup_days = 10\n'
    path = experiment(tmp_path, '[[scenarios]]\nname = "a"\n', header=head)
    with pytest.raises(
        ConfigError, match=r"warmup_days \(10\.0\) must be less than horizon_days \(10\.0\)"
    ):
        load_experiment(path)


def test_grid_expands_in_order_with_names_and_inherits_from_base(tmp_path):
    body = (
        '[[scenarios]]\nname = "baseline"\nbeds_multiplier = 0.5\n'
        '[[scenarios]]\nname = "other"\ndemand_multiplier = 2.0\n'
        '[grid]\nbase = "baseline"\nprefix = "g_"\n'
        "knobs = { staff_vacancy_share = [0.1, 0.2], demand_multiplier = [1.0, 1.5] }\n"
    )
    exp, _ = load_experiment(experiment(tmp_path, body))
    assert exp.scenario_names == (
        "baseline",
        "other",
        "g_staff_vacancy_share=0.1,demand_multiplier=1",
        "g_staff_vacancy_share=0.1,demand_multiplier=1.5",
        "g_staff_vacancy_share=0.2,demand_multiplier=1",
        "g_staff_vacancy_share=0.2,demand_multiplier=1.5",
    )
    grid = exp.scenarios[2:]
    assert [s.beds_multiplier for s in grid] == [0.5] * 4  # from the base
    assert [(s.staff_vacancy_share, s.demand_multiplier) for s in grid] == [
        (0.1, 1.0), (0.1, 1.5), (0.2, 1.0), (0.2, 1.5),
    ]  # fmt: skip


def test_grid_with_dotted_knobs_merges_into_tables(tmp_path):
    body = (
        '[[scenarios]]\nname = "baseline"\nfunding = { regime = "fixed-budget" }\n'
        '[grid]\nknobs = { "funding.budget_eur_per_year" = [4_000_000.0, 5_000_000.0] }\n'
    )
    exp, _ = load_experiment(experiment(tmp_path, body))
    assert exp.scenario_names[1:] == (
        "funding.budget_eur_per_year=4000000",
        "funding.budget_eur_per_year=5000000",
    )
    funding = exp.scenarios[2].funding
    assert funding is not None
    (phase,) = funding.phases
    assert isinstance(phase.regime, FixedBudgetSpec)
    assert phase.regime.budget_eur_per_year == 5e6
    assert exp.scenarios[0].funding == FundingSpec((RegimePhase(FixedBudgetSpec()),))


def test_grid_problems(tmp_path):
    body = '[[scenarios]]\nname = "a"\n[grid]\nknobs = { staff_vacancy = [0.1] }\n'
    assert experiment_problems(experiment(tmp_path, body)) == [
        "experiment.toml [grid.knobs]: unknown knob 'staff_vacancy'; did you mean "
        "'staff_vacancy_share'?"
    ]
    body = (
        '[[scenarios]]\nname = "a"\n'
        '[grid]\nbase = "baseline"\nknobs = { demand_multiplier = [1.0] }\n'
    )
    assert experiment_problems(experiment(tmp_path, body)) == [
        "experiment.toml [grid]: base 'baseline' is not a scenario"
    ]


def test_inheritance_and_its_problems(tmp_path):
    body = (
        '[[scenarios]]\nname = "base"\nbeds_multiplier = 0.8\nstaff_vacancy_share = 0.1\n'
        '[[scenarios]]\nname = "child"\ninherits = "base"\nstaff_vacancy_share = 0.3\n'
    )
    exp, _ = load_experiment(experiment(tmp_path, body))
    child = exp.scenarios[1]
    assert (child.beds_multiplier, child.staff_vacancy_share) == (0.8, 0.3)
    body = (
        '[[scenarios]]\nname = "a"\ninherits = "bsae"\n'
        '[[scenarios]]\nname = "bsae2"\n'
        '[[scenarios]]\nname = "c"\ninherits = "baes"\n'
        '[[scenarios]]\nname = "bsae2"\n'
    )
    problems = experiment_problems(experiment(tmp_path, body))
    assert (
        "experiment.toml [scenarios[0] name='a']: inherits 'bsae', which is not defined above it"
        in problems
    )
    assert (
        "experiment.toml [scenarios[2] name='c']: inherits 'baes', which is not defined above "
        "it; did you mean 'bsae2'?" in problems
    )
    assert "experiment.toml [scenarios[3]]: duplicate scenario name 'bsae2'" in problems


def test_every_bad_scenario_is_reported_before_anything_runs(tmp_path):
    body = (
        '[[scenarios]]\nname = "a"\nstaff_vacancy_share = 1.5\n'
        '[[scenarios]]\nname = "b"\nbeds_multipler = 2\n'
        '[[scenarios]]\nname = "c"\nclosed_sites = ["nowhere"]\n'
    )
    problems = experiment_problems(experiment(tmp_path, body))
    assert len(problems) == 2, problems  # pydantic stops before the region check
    assert any("staff_vacancy_share" in p and "1.5" in p for p in problems)
    assert any(
        "unknown key 'beds_multipler'; did you mean 'beds_multiplier'?" in p for p in problems
    )


def test_experiment_needs_scenarios_and_a_valid_file(tmp_path):
    path = experiment(tmp_path, "")
    with pytest.raises(
        ConfigError, match=r"needs at least one \[\[scenarios\]\] entry or a \[grid\]"
    ):
        load_experiment(path)
    with pytest.raises(ConfigError, match=r"missing\.toml: file not found"):
        load_experiment(tmp_path / "missing.toml")


def test_a_broken_region_is_reported_inside_the_experiment(tmp_path):
    pack = make_bad_pack(tmp_path)
    head = f'name = "t"\nregion = "{pack.as_posix()}"\nhorizon_days = 10\n'
    problems = experiment_problems(experiment(tmp_path, '[[scenarios]]\nname = "a"\n', header=head))
    assert problems[0].startswith("experiment.toml [region]: region pack")
    assert problems[0].endswith("is invalid:")
    assert len(problems) == 5
    assert any("duplicate site_id" in p for p in problems[1:])
