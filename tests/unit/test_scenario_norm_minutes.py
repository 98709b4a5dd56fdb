"""The norm's fixed minutes as scenario knobs: validated, used by the norm KPI, echoed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from acutesim.config.load import load_experiment
from acutesim.domain.scenario import Scenario
from acutesim.errors import ConfigError
from acutesim.experiment import spec as sp
from acutesim.experiment.context import worker_context
from acutesim.experiment.runner import norm_settings, run_experiment
from acutesim.geo.norm import norm_parameters
from acutesim.sim.model import run_replication

DEMO = Path(__file__).resolve().parents[2] / "regions" / "demo"


def _experiment(tmp_path: Path, scenarios: str, horizon_days: float = 1.0) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(
        f'name = "norm_minutes"\nregion = "{DEMO.as_posix()}"\n'
        f"horizon_days = {horizon_days}\nreplications = 1\nseed = 3\n" + scenarios,
        encoding="utf-8",
    )
    return path


SCENARIOS = """
[[scenarios]]
name = "pack"

[[scenarios]]
name = "quick"
on_scene_minutes = 5

[[scenarios]]
name = "slow"
on_scene_minutes = 20
dispatch_minutes = 4
closed_sites = ["kust"]
"""


def test_scenario_minutes_load_and_unset_keeps_the_pack_value(tmp_path):
    experiment, region = load_experiment(_experiment(tmp_path, SCENARIOS))
    pack, quick, slow = experiment.scenarios
    assert (pack.on_scene_minutes, pack.dispatch_minutes) == (None, None)
    assert (quick.on_scene_minutes, slow.dispatch_minutes) == (5.0, 4.0)
    echo = norm_settings(experiment, region)
    defaults = norm_parameters(region)
    assert echo["pack"]["on_scene_minutes"] == defaults.on_scene_minutes
    assert echo["pack"]["dispatch_minutes"] == defaults.dispatch_minutes
    assert echo["quick"]["on_scene_minutes"] == 5.0
    assert echo["slow"] == {
        "dispatch_minutes": 4.0,
        "on_scene_minutes": 20.0,
        "norm_minutes": 45.0,
        "travel_model": "straight_line",
        "travel_profile": "ambulance",
        "closed_sites": ["kust"],
    }
    # an unset knob leaves a scenario's task key as it was; a set one changes it
    assert "on_scene_minutes" not in sp.scenario_settings(pack)
    assert sp.scenario_settings(quick)["on_scene_minutes"] == 5.0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("on_scene_minutes = -1", "on_scene_minutes"),
        ('dispatch_minutes = "three"', "dispatch_minutes"),
        ("on_scene_minutes = nan", "on_scene_minutes"),
        ("on_scene_minutes = inf", "on_scene_minutes"),
    ],
)
def test_bad_minutes_are_located_errors(tmp_path, line, expected):
    path = _experiment(tmp_path, f'[[scenarios]]\nname = "bad"\n{line}\n')
    with pytest.raises(ConfigError) as err:
        load_experiment(path)
    assert f"exp.toml [scenarios[0].{expected}]" in str(err.value)


def test_the_cli_exits_2_on_a_bad_minute_value_without_a_traceback(tmp_path):
    path = _experiment(tmp_path, '[[scenarios]]\nname = "bad"\non_scene_minutes = -1\n')
    done = subprocess.run(
        [sys.executable, "-m", "acutesim.cli", "run", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "scenarios[0].on_scene_minutes" in done.stderr
    assert "-1" in done.stderr


def test_more_minutes_on_scene_put_more_inhabitants_beyond_the_norm():
    """Two scenarios equal but for on_scene_minutes (5 and 20), same seed, on the demo."""
    region, travel, _ = worker_context(str(DEMO))
    beyond = {}
    for minutes in (5.0, 20.0):
        result = run_replication(
            region,
            Scenario("norm", on_scene_minutes=minutes),
            horizon_days=1.0,
            warmup_days=0.0,
            root_seed=3,
            replication=0,
            travel=travel,
        )
        (value,) = [
            v for k, v, site in result.kpis if k == "population_beyond_norm_mean" and site is None
        ]
        beyond[minutes] = value
    assert beyond[20.0] > beyond[5.0]


def test_manifest_and_report_name_each_scenarios_norm(tmp_path):
    path = _experiment(tmp_path, SCENARIOS)
    out = tmp_path / "results"
    run_experiment(path, out=out, workers=1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["norm"]["quick"]["on_scene_minutes"] == 5.0
    assert manifest["norm"]["slow"]["closed_sites"] == ["kust"]
    from acutesim.report.html import write_report

    write_report(out)
    md = (out / "report.md").read_text(encoding="utf-8")
    pack = manifest["norm"]["pack"]
    assert (
        f"| pack | {pack['dispatch_minutes']:g} | {pack['on_scene_minutes']:g} | 45 | "
        "straight_line (ambulance) | none |"
    ) in md
    assert "| slow | 4 | 20 | 45 | straight_line (ambulance) | kust |" in md
    # the report's per-scenario norm maps use each scenario's minutes
    from acutesim.report.data import load_results

    data = load_results(out)
    assert data.reach["quick"].params.on_scene_minutes == 5.0
    assert data.reach["slow"].params.dispatch_minutes == 4.0
    assert data.reach["quick"].population_beyond_norm < data.reach["pack"].population_beyond_norm


def test_a_grid_sweeps_the_minutes_on_scene(tmp_path):
    path = _experiment(
        tmp_path, '[[scenarios]]\nname = "base"\n[grid]\nknobs = {on_scene_minutes = [5, 20]}\n'
    )
    experiment, region = load_experiment(path)
    echo = norm_settings(experiment, region)
    assert echo["on_scene_minutes=5"]["on_scene_minutes"] == 5.0
    assert echo["on_scene_minutes=20"]["on_scene_minutes"] == 20.0
