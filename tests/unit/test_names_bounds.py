"""Safe names and bounded requests: refused before anything is written, exit 2, located."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DEMO

from acutesim.config.load import load_experiment, load_region
from acutesim.config.tomlsafe import MAX_DEPTH
from acutesim.errors import ConfigError
from acutesim.experiment import plan
from acutesim.experiment.names import name_problem
from acutesim.experiment.runner import run_experiment


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acutesim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=300,
    )


def experiment(
    tmp_path: Path, *, name: str = "ok", scenario: str = "baseline", extra: str = "", body=""
) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(
        f'name = "{name}"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 5\nreplications = 1\n'
        f'{extra}[[scenarios]]\nname = "{scenario}"\n{body}',
        encoding="utf-8",
    )
    return path


# --- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "scenario", "ok"),
    [
        ("quickstart", False, True),
        ("nl-funding-2027", False, True),
        ("v1.2", False, True),
        ("staff_vacancy_share=0.1,demand_multiplier=1.2", True, True),
        ("..", False, False),
        ("..", True, False),
        ("a..b", False, False),
        (".hidden", False, False),
        ("a/b", False, False),
        ("a\\b", True, False),
        ("x" * 300, False, False),
        ("x" * 201, True, False),
        ("x" * 200, True, True),
        ("", False, False),
        ("a=b", False, False),  # grid punctuation only in scenario names
    ],
)
def test_name_rules(name, scenario, ok):
    assert (name_problem(name, scenario=scenario) is None) == ok


def test_the_experiment_name_dotdot_writes_nothing_and_exits_2(tmp_path):
    work = tmp_path / "work"
    (work / "parts").mkdir(parents=True)
    (work / "parts" / "important.txt").write_text("keep")
    exp = experiment(tmp_path, name="..")
    res = cli("run", exp, "--force", cwd=work)
    assert res.returncode == 2, res.stderr
    assert "exp.toml [name]: '..' contains '..'" in res.stderr
    assert "Traceback" not in res.stderr
    assert (work / "parts" / "important.txt").read_text() == "keep"
    assert sorted(p.name for p in work.rglob("*")) == ["important.txt", "parts"]
    assert not (tmp_path / "manifest.json").exists()


def test_a_300_character_name_is_a_located_error(tmp_path):
    exp = experiment(tmp_path, name="n" * 300)
    with pytest.raises(ConfigError, match="has 300 characters; at most 100"):
        run_experiment(exp, out=tmp_path / "out", workers=1)
    assert not (tmp_path / "out").exists()


def test_a_scenario_name_with_dotdot_is_refused(tmp_path):
    exp = experiment(tmp_path, scenario="a..b")
    with pytest.raises(ConfigError, match=r"\[scenario name\]: 'a\.\.b' contains '\.\.'"):
        run_experiment(exp, out=tmp_path / "out", workers=1)


# --- bounded requests -------------------------------------------------------------------------
def test_100000_replications_need_yes(tmp_path):
    exp = experiment(tmp_path)
    with pytest.raises(ConfigError) as err:
        run_experiment(exp, out=tmp_path / "out", replications=100_000, workers=1)
    text = str(err.value)
    assert "1 scenario(s) x 100,000 replication(s) make 100,000 tasks" in text
    assert "over the limit of 10,000" in text
    assert "pass --yes" in text
    assert not (tmp_path / "out").exists()
    res = cli("run", exp, "--out", tmp_path / "out", "--replications", "100000", cwd=tmp_path)
    assert res.returncode == 2
    assert "100,000 tasks" in res.stderr
    assert "Traceback" not in res.stderr


def test_yes_lets_a_large_plan_through_the_check():
    exp, region = load_experiment(Path(__file__).parents[2] / "experiments" / "quickstart.toml")
    from dataclasses import replace

    big = replace(exp, replications=100_000)
    with pytest.raises(ConfigError):
        plan.check_request(big, region, yes=False)
    plan.check_request(big, region, yes=True)


def test_a_huge_grid_is_refused_before_it_is_expanded(tmp_path):
    values = ", ".join(str(i / 100) for i in range(40))
    knobs = "\n".join(
        f"{k} = [{values}]"
        for k in ("demand_multiplier", "beds_multiplier", "absence_scale", "staff_vacancy_share")
    )
    exp = experiment(tmp_path, body=f"[grid]\n[grid.knobs]\n{knobs}\n")
    with pytest.raises(ConfigError, match=r"40 x 40 x 40 x 40 makes 2,560,001 scenarios"):
        plan.check_file(exp, yes=False)
    res = cli("run", exp, "--out", tmp_path / "out", cwd=tmp_path)
    assert res.returncode == 2
    assert "[grid.knobs]" in res.stderr
    assert "--yes" in res.stderr


def test_too_many_ambulances_need_yes(tmp_path):
    exp = experiment(tmp_path, body="ambulance_vehicles_multiplier = 100000\n")
    with pytest.raises(
        ConfigError, match=r"ambulances on duty at once .* over the limit of 20,000"
    ):
        run_experiment(exp, out=tmp_path / "out", workers=1)


def test_every_shipped_experiment_is_within_the_limits():
    root = Path(__file__).parents[2] / "experiments"
    checked = 0
    for path in sorted(root.glob("*.toml")):
        plan.check_file(path, yes=False)
        if "[design]" in path.read_text(encoding="utf-8"):
            continue  # a design for scripts/funding_robustness.py, not an `acutesim run` file
        exp, region = load_experiment(path)
        plan.check_request(exp, region, yes=False)
        checked += 1
    assert checked >= 4


# --- TOML nesting ------------------------------------------------------------------------------
def test_absurdly_nested_toml_is_a_located_error(tmp_path):
    deep = "x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n"
    exp = experiment(tmp_path, extra=deep)
    with pytest.raises(
        ConfigError, match=rf"line \d+: arrays or tables nested more than {MAX_DEPTH}"
    ):
        load_experiment(exp)
    res = cli("run", exp, "--out", tmp_path / "out", cwd=tmp_path)
    assert res.returncode == 2
    assert "nested more than" in res.stderr
    assert "RecursionError" not in res.stderr
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "region.toml").write_text("a = " + "[" * 3000 + "]" * 3000 + "\n")
    with pytest.raises(ConfigError, match="nested more than"):
        load_region(pack)


def test_nesting_inside_strings_and_comments_is_not_counted(tmp_path):
    from acutesim.config import tomlsafe

    text = 'a = "' + "[" * 500 + '"\n# ' + "{" * 500 + "\nb = '''" + "[" * 500 + "'''\n"
    assert tomlsafe.loads(text)["a"] == "[" * 500


def test_a_non_utf8_toml_is_a_located_error(tmp_path):
    exp = experiment(tmp_path, extra='description = "Zorg in Fryslân"\n')
    exp.write_bytes(exp.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(ConfigError, match=r"exp\.toml line 5: not UTF-8 \(byte 0xe2"):
        load_experiment(exp)
