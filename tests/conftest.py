"""Shared fixtures, the hypothesis profiles and the ``--update-golden`` option."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import DEMO, tiny_region

from acutesim.rng import RandomStreams

# `ci`: reproducible and never flaky on slow machines; `dev`: fewer examples for quick runs.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a checkout whose engine is compiled: the tests patch the Python engine.

    Several tests replace a function of the engine (its run loop, a draw) to watch it
    work, which a compiled module does not allow; ``test_compiled_engine`` compares the
    compiled engine with the Python one in copies of the package, whatever this
    checkout holds.
    """
    from acutesim.sim import COMPILED

    if COMPILED:
        raise pytest.UsageError(
            "the engine of this checkout is compiled (scripts/compile_engine.py), and the "
            "tests patch the Python engine: run 'python scripts/compile_engine.py --clean' "
            "first (test_compiled_engine still checks the compiled engine, in a copy)"
        )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/expected/*.csv from a fresh run instead of comparing.",
    )


@pytest.fixture(scope="session", autouse=True)
def private_cache_folder(tmp_path_factory: pytest.TempPathFactory):
    """Everything acutesim keeps between runs goes to a folder of this test session.

    Not the user's own cache (``acutesim.cachedir``): tests neither read what earlier
    runs kept nor leave anything behind. Worker processes inherit the variable.
    """
    from acutesim.cachedir import CACHE_ENV

    folder = tmp_path_factory.mktemp("acutesim-cache")
    folder.chmod(0o700)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def demo_region():
    from acutesim.config.load import load_region

    return load_region(DEMO)


@pytest.fixture(scope="session")
def demo_travel(demo_region):
    from acutesim.sim.model import travel_matrices

    return travel_matrices(demo_region)


@pytest.fixture
def toy_region():
    """One SEH with five constant slots and Poisson GP referrals (an M/M/5 pool)."""
    return tiny_region()


@pytest.fixture
def streams():
    return RandomStreams(root_seed=20260105, replication=0)
