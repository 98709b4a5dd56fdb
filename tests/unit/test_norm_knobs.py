"""The norm's fixed minutes as visible knobs: pack, CLI options, echo, sweep, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from acutesim.cli import app
from acutesim.config.load import load_region
from acutesim.errors import ConfigError, GeoError
from acutesim.geo.norm import norm_parameters
from acutesim.geo.reachability import parse_sweep, reachability, sweep

DEMO = Path(__file__).resolve().parents[2] / "regions" / "demo"


@pytest.fixture(scope="module")
def demo():
    return load_region(DEMO)


def _pack_with(tmp_path, lines: str) -> Path:
    pack = tmp_path / "demo"
    shutil.copytree(DEMO, pack)
    toml = (pack / "region.toml").read_text(encoding="utf-8")
    toml = toml.replace("[travel]\n", "[travel]\n" + lines, 1)
    (pack / "region.toml").write_text(toml, encoding="utf-8")
    return pack


def test_pack_values_replace_the_defaults_and_overrides_win(tmp_path):
    pack = load_region(_pack_with(tmp_path, "dispatch_minutes = 1.5\non_scene_minutes = 7\n"))
    p = norm_parameters(pack)
    assert (p.dispatch_minutes, p.on_scene_minutes, p.norm_minutes) == (1.5, 7.0, 45.0)
    q = norm_parameters(pack, on_scene_minutes=12.0, dispatch_minutes=None)
    assert (q.dispatch_minutes, q.on_scene_minutes) == (1.5, 12.0)
    result = reachability(pack)
    assert result.settings()["on_scene_minutes"] == 7.0
    assert "on scene 7 min" in result.summary_text()


def test_negative_pack_value_is_a_located_problem(tmp_path):
    with pytest.raises(ConfigError, match=r"\[travel\] on_scene_minutes: must be a number of "):
        load_region(_pack_with(tmp_path, "on_scene_minutes = -5\n"))


def test_fewer_minutes_never_put_more_people_beyond(demo):
    table = sweep(demo, "on_scene_minutes", [5.0, 10.0, 20.0, 30.0])
    beyond = table["population_beyond_norm"].to_list()
    assert beyond == sorted(beyond)
    assert table["on_scene_minutes"].to_list() == [5.0, 10.0, 20.0, 30.0]
    row20 = table[table["value"] == 20.0].iloc[0]
    assert row20["population_beyond_norm"] == round(reachability(demo).population_beyond_norm)


def test_parse_sweep_ranges_lists_and_errors():
    assert parse_sweep("on_scene_minutes=5:25:5") == (
        "on_scene_minutes",
        [5.0, 10.0, 15.0, 20.0, 25.0],
    )
    assert parse_sweep("dispatch-minutes=1,3") == ("dispatch_minutes", [1.0, 3.0])
    with pytest.raises(ConfigError, match="did you mean 'on_scene_minutes'"):
        parse_sweep("on_scene=5:25:5")
    with pytest.raises(ConfigError, match="START:STOP:STEP"):
        parse_sweep("on_scene_minutes=5:25:0")


def test_unknown_override_is_an_error(demo):
    with pytest.raises(GeoError, match="unknown norm parameter 'on_scene'"):
        norm_parameters(demo, on_scene=3.0)


def test_cli_options_are_echoed_and_sweep_prints_a_row_per_value():
    runner = CliRunner()
    done = runner.invoke(
        app,
        ["reach", str(DEMO), "--json", "--dispatch-minutes", "1", "--on-scene-minutes", "9",
         "--profile", "car"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    settings = json.loads(done.stdout)["settings"]
    assert settings["dispatch_minutes"] == 1.0
    assert settings["on_scene_minutes"] == 9.0
    assert settings["profile"] == "car"
    done = runner.invoke(app, ["reach", str(DEMO), "--sweep", "on_scene_minutes=5:25:10", "--json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)["rows"]
    assert [r["value"] for r in rows] == [5.0, 15.0, 25.0]
    assert all("sensitive_sites" in r for r in rows)
