"""The compiled engine (``scripts/compile_engine.py``) gives the Python engine's results.

The package is copied twice to a temporary folder; one copy's engine is compiled with
mypyc. Each copy then runs, in its own interpreter, the golden experiment, the demo's
funding-regimes experiment over 400 days (boards, budgets, the 2027 switch) and a
2-day national replication of two scenarios with every patient row; every table must
be identical. A compiled engine whose sources changed is refused at import.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import PROJECT

pytestmark = pytest.mark.slow

EXPERIMENTS = {"golden": {}, "funding-regimes": {"replications": 1, "horizon_days": 400}}

RUN = r"""
import hashlib, json, sys
from pathlib import Path
root, out = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(root))
import acutesim, acutesim.sim
from acutesim.config.load import load_region
from acutesim.domain.scenario import Scenario
from acutesim.experiment.runner import run_experiment
from acutesim.sim.model import run_replication
assert Path(acutesim.__file__).is_relative_to(root), acutesim.__file__
for name, knobs in json.loads(sys.argv[3]).items():
    run_experiment(Path(sys.argv[4]) / f"{name}.toml", out=out / name, workers=1, **knobs)
region = load_region(Path(sys.argv[5]))
national = {}
for scenario in (Scenario("baseline"), Scenario("vac", staff_vacancy_share=0.3)):
    rows = []
    r = run_replication(region, scenario, horizon_days=2, warmup_days=0.5, root_seed=7,
                        replication=0, patient_sink=rows.append)
    parts = [r.kpis, r.status, r.closures, r.timeseries, r.finance, r.n_created,
             r.n_in_system, sorted(r.n_terminal.items()), repr(r.vehicles), rows]
    national[scenario.name] = [hashlib.sha256(repr(p).encode()).hexdigest() for p in parts]
print(json.dumps({"compiled": acutesim.sim.COMPILED, "national": national}))
"""


def _copy_package(dest: Path) -> Path:
    shutil.copytree(
        PROJECT / "acutesim",
        dest / "acutesim",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "compiled.json"),
    )
    return dest


def _run(root: Path, out: Path) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN,
            str(root),
            str(out),
            json.dumps(EXPERIMENTS),
            str(PROJECT / "experiments"),
            str(PROJECT / "regions" / "nl"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        pytest.skip("no C compiler: the compiled engine cannot be built here")
    pytest.importorskip("mypyc", reason="mypyc comes with mypy (the dev extra)")
    base = tmp_path_factory.mktemp("engines")
    interpreted = _copy_package(base / "interpreted")
    compiled = _copy_package(base / "compiled")
    built = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "compile_engine.py"), "--root", str(compiled)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    return {
        kind: (root, _run(root, base / f"out-{kind}"))
        for kind, root in (("interpreted", interpreted), ("compiled", compiled))
    }


def test_each_copy_runs_the_engine_it_should(engines):
    assert engines["interpreted"][1]["compiled"] is False
    assert engines["compiled"][1]["compiled"] is True
    assert list((engines["compiled"][0] / "acutesim" / "sim").glob("loop.*.so"))


@pytest.mark.parametrize("experiment", sorted(EXPERIMENTS))
def test_compiled_engine_writes_identical_tables(engines, experiment):
    outs = {kind: root.parent / f"out-{kind}" / experiment for kind, (root, _) in engines.items()}
    tables = {kind: sorted(p.name for p in out.glob("*.parquet")) for kind, out in outs.items()}
    assert tables["compiled"] == tables["interpreted"]
    assert {"kpis.parquet", "status.parquet", "timeseries.parquet"} <= set(tables["compiled"])
    for name in tables["compiled"]:
        a, b = (pd.read_parquet(outs[kind] / name) for kind in ("interpreted", "compiled"))
        assert len(a) > 0 or name in {"closures.parquet", "finance.parquet"}, f"{name} is empty"
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=f"{experiment}/{name}")


def test_compiled_engine_gives_identical_national_replications(engines):
    national = {kind: result["national"] for kind, (_, result) in engines.items()}
    assert national["compiled"] == national["interpreted"]


def test_a_stale_compiled_engine_is_refused(engines):
    root = engines["compiled"][0]
    source = root / "acutesim" / "sim" / "hap.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(root)!r}); import acutesim.sim",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "the compiled engine is stale: hap.py changed" in done.stderr
    # the command line says so as a bad setup: exit 2, no traceback
    cli = (
        f"import sys; sys.path.insert(0, {str(root)!r}); "
        f"sys.argv = ['acutesim', 'run', {str(PROJECT / 'experiments' / 'golden.toml')!r}]; "
        "from acutesim.cli import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", cli], capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "acutesim: acutesim.sim: the compiled engine is stale: hap.py changed" in done.stderr
    assert "Traceback" not in done.stderr


def test_compile_engine_refuses_a_folder_without_the_engine(tmp_path):
    done = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "compile_engine.py"), "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert f"no acutesim/sim/loop.py under '{tmp_path}'" in done.stderr
    assert "Traceback" not in done.stderr
