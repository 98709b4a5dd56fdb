"""The command line: help, exit codes, located messages without tracebacks, fast import."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import DEMO, PROJECT, copy_demo, make_bad_pack
from typer.testing import CliRunner

from acutesim.cli import app


def acutesim(*args: str, cwd=PROJECT) -> subprocess.CompletedProcess[str]:
    """Run the real entry point (``main``), which maps errors to exit codes."""
    return subprocess.run(
        [sys.executable, "-m", "acutesim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_help_lists_the_commands():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "summary", "region", "reach", "map"):
        assert command in result.output
    result = CliRunner().invoke(app, ["region", "--help"])
    assert result.exit_code == 0
    assert "validate" in result.output


def test_importing_the_cli_loads_no_heavy_libraries():
    code = (
        "import json, sys; import acutesim.cli; "
        "print(json.dumps([m for m in ('geopandas', 'matplotlib', 'scipy.stats', 'simpy') "
        "if m in sys.modules]))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(res.stdout) == []


def test_region_validate_demo_exits_0():
    res = acutesim("region", "validate", DEMO)
    assert res.returncode == 0, res.stderr
    assert "is valid: 250,000 inhabitants in 40 areas, 4 SEHs (3 24/7)" in res.stderr


def test_region_validate_bad_pack_exits_2_and_names_all_four_problems(tmp_path):
    res = acutesim("region", "validate", make_bad_pack(tmp_path))
    assert res.returncode == 2
    out = res.stderr
    assert "has 4 problems" in out
    assert "sites.csv row 1 (site_id='noord_hoofd'), column 'seh': 'daytime' is not one of" in out
    assert "ambulance_posts.csv: missing column 'vehicles_night'" in out
    assert "sites.csv row 3 (site_id='centraal'): roster 'seh_huge' is not defined" in out
    assert "sites.csv row 4 (site_id='noord_dag'): duplicate site_id" in out
    assert "Traceback" not in out + res.stdout


def test_debug_shows_the_traceback(tmp_path):
    res = acutesim("--debug", "region", "validate", make_bad_pack(tmp_path))
    assert res.returncode != 0
    assert "Traceback" in res.stderr
    assert "ConfigError" in res.stderr


def test_summary_of_a_missing_dir_exits_2_naming_the_path(tmp_path):
    missing = tmp_path / "no_such_results"
    res = acutesim("summary", missing)
    assert res.returncode == 2
    assert str(missing) in res.stderr
    assert "no manifest.json" in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_run_with_a_bad_experiment_exits_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        f'name = "bad"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 7\n'
        '[[scenarios]]\nname = "a"\nstaff_vacancy = 0.2\n',
        encoding="utf-8",
    )
    res = acutesim("run", path, "--out", tmp_path / "out")
    assert res.returncode == 2
    assert "unknown key 'staff_vacancy'; did you mean 'staff_vacancy_share'?" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "out" / "kpis.parquet").exists()


def test_run_then_summary_prints_the_comparison(tmp_path):
    pack = copy_demo(tmp_path)
    path = tmp_path / "mini.toml"
    path.write_text(
        f'name = "mini"\nregion = "{pack.as_posix()}"\nhorizon_days = 7\nwarmup_days = 1\n'
        "replications = 2\nseed = 3\n"
        '[[scenarios]]\nname = "baseline"\n'
        '[[scenarios]]\nname = "short"\nstaff_vacancy_share = 0.3\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = acutesim("run", path, "--out", out, "--workers", "1")
    assert res.returncode == 0, res.stderr
    assert "4 task(s) run, 0 already done" in res.stderr
    assert "seh_visits" in res.stdout
    res = acutesim("summary", out)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("Region 'demo': a SYNTHETIC region, not a real place")
    assert lines[2].startswith("baseline (baseline): no SEH closes in any of the 2 replications")
    assert lines[3].startswith("short: as in baseline, no SEH closes in any of the 2 replications")
    header = next(line for line in lines if line.startswith("kpi "))
    assert header.split()[:3] == ["kpi", "baseline", "short"]
    assert any(line.startswith("closed_shift_hours") for line in lines)
    assert "paired difference to 'baseline'" in res.stdout
