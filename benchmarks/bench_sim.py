"""Simulation speed: journeys per second against a SimPy M/M/c reference, in one run.

Runs, each in a fresh worker process (so peak memory is per worker):

- a plain SimPy M/M/c queue (c = 5, utilisation 0.85) as the reference [customers/s];
- one replication of ``regions/demo`` and one of ``regions/nl`` (the national pack),
  baseline scenario, no warm-up; each pack is loaded once by the main process and
  handed to the workers without its polygons, as ``acutesim run`` does.

and prints journeys/s and their ratio to the reference, SimPy events per journey,
seconds per national replication-year (extrapolated linearly from ``--nl-days``; a year
is 365 days; ``--nl-days 365`` measures one), and the peak resident memory of each
worker. Speeds are CPU seconds of the worker (``time.process_time``), so a machine
loaded by other jobs distorts them less than wall time; wall seconds are printed beside
them. On a shared machine the load still moves between measurements: ``--repeat N``
runs the reference and each region N times, alternating, and keeps the fastest run of
each (every run does the same work, so the fastest is the least disturbed); the ratios
are taken between those, and each round's own ratios are printed with their median (a
machine's speed can drift by a fifth within minutes, so the spread says how far one
ratio goes). A short run can fall in one of the machine's fast spells, which a whole
year does not: ``--nl-days 365`` says what a year took. Goals (issue 17): national
journeys/s at least 0.6 x the reference, a national replication-year at most 100 s,
peak memory per worker at most 400 MB. The first line says which engine ran: the Python
sources, or the engine compiled by ``python scripts/compile_engine.py`` (the same
results; about 38% fewer instructions per national journey).

    python benchmarks/bench_sim.py [--demo-days 28] [--nl-days 14] [--customers 300000]
                                   [--repeat 1]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DAYS_PER_YEAR = 365.0


def _peak_mb() -> float:
    """This process's own peak (VmHWM): ru_maxrss would include the parent's at the fork."""
    from acutesim.sim.tuning import peak_rss_mb

    return peak_rss_mb()


def mmc_reference(
    n_customers: int, servers: int = 5, utilisation: float = 0.85, seed: int = 1
) -> dict[str, Any]:
    """Run a SimPy M/M/c queue; customers per CPU second (and per wall second)."""
    import numpy as np
    import simpy

    rng = np.random.default_rng(seed)
    mean_service = 20.0
    rate = utilisation * servers / mean_service
    inter = rng.exponential(1 / rate, n_customers).tolist()
    service = rng.exponential(mean_service, n_customers).tolist()
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=servers)
    waits = [0.0] * n_customers

    def customer(i: int):
        t0 = env.now
        with pool.request() as req:
            yield req
            waits[i] = env.now - t0
            yield env.timeout(service[i])

    def source():
        for i in range(n_customers):
            yield env.timeout(inter[i])
            env.process(customer(i))

    env.process(source())
    c, w = time.process_time(), time.perf_counter()
    env.run()
    cpu, wall = time.process_time() - c, time.perf_counter() - w
    return {
        "per_s": n_customers / cpu,
        "cpu": cpu,
        "wall": wall,
        "events": next(env._eid) / n_customers,
        "peak_mb": _peak_mb(),
    }


def load_for_worker(region_dir: str) -> Any:
    """A region pack as a run's main process hands it to its workers (no polygons)."""
    from acutesim.config.load import load_region
    from acutesim.experiment.context import region_for_workers

    return region_for_workers(load_region(ROOT / "regions" / region_dir))


def simulate(region: Any, days: float) -> dict[str, Any]:
    """One baseline replication of a loaded region pack; speed, events and memory.

    The worker is handed the Region, as a batch's workers are, and builds its travel
    matrices itself: its peak memory is that of a worker of ``acutesim run``.
    """
    from acutesim.domain.scenario import Scenario
    from acutesim.rng import RandomStreams
    from acutesim.sim.model import Model, travel_matrices
    from acutesim.units import days as to_minutes

    travel = travel_matrices(region)
    c, w = time.process_time(), time.perf_counter()
    model = Model(
        region,
        Scenario("baseline"),
        RandomStreams(1, 0),
        horizon_minutes=to_minutes(days),
        warmup_minutes=0.0,
        travel=travel,
    )
    build_cpu = time.process_time() - c
    c2 = time.process_time()
    model.run()
    run_cpu = time.process_time() - c2
    wall = time.perf_counter() - w
    n = model.recorder.n_created
    return {
        "journeys": n,
        "per_s": n / run_cpu,
        "cpu": run_cpu,
        "build_cpu": build_cpu,
        "wall": wall,
        "events": next(model.env._eid) / max(n, 1),
        "peak_mb": _peak_mb(),
        "year_s": run_cpu * DAYS_PER_YEAR / days,
    }


def _in_worker(fn: Any, *args: Any) -> dict[str, Any]:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def _interpreter_build() -> str:
    """How the running CPython is linked: against a shared libpython, or with it built in.

    A build with a shared libpython (pyenv's and python.org's Linux default) calls
    between the interpreter's own functions through the dynamic linker's tables; one with
    it built into the executable (Debian's and Ubuntu's ``/usr/bin/python3``) does not.
    Measured on the national pack: about 4% fewer instructions per journey built in.
    """
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
            shared = any("libpython" in line for line in maps)
    except OSError:
        return "libpython linkage unknown"
    return "shared libpython" if shared else "libpython built in"


def _machine() -> str:
    """Interpreter, SimPy and the CPU: figures differ between them (the ratios less)."""
    import platform

    import simpy

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        l2 = Path("/sys/devices/system/cpu/cpu0/cache/index2/size").read_text().strip()
    except OSError:
        l2 = "unknown"
    from acutesim.sim import COMPILED

    engine = "compiled engine (mypyc)" if COMPILED else "engine from Python sources"
    return (
        f"Python {platform.python_version()} ({_interpreter_build()}), {engine}, "
        f"SimPy {simpy.__version__}, {cpu}, "
        f"second-level cache {l2} per core"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo-days", type=float, default=28.0)
    parser.add_argument("--nl-days", type=float, default=14.0)
    parser.add_argument("--customers", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=1, help="keep the fastest of N runs")
    args = parser.parse_args()

    regions = {name: load_for_worker(name) for name in ("demo", "nl")}
    best: dict[str, dict[str, Any]] = {}
    rounds: list[dict[str, float]] = []  # each round's journeys/s and customers/s
    for _ in range(max(args.repeat, 1)):  # alternate, so load spikes hit each alike
        rounds.append({})
        for key, fn, fargs in (
            ("ref", mmc_reference, (args.customers,)),
            ("demo", simulate, (regions["demo"], args.demo_days)),
            ("nl", simulate, (regions["nl"], args.nl_days)),
        ):
            r = _in_worker(fn, *fargs)
            rounds[-1][key] = r["per_s"]
            if key == "nl":
                rounds[-1]["year_s"] = r["year_s"]
            if key not in best or r["cpu"] < best[key]["cpu"]:
                best[key] = r
    ref = best["ref"]
    print(_machine())
    if args.repeat > 1:
        print(f"fastest of {args.repeat} runs of each (machine load varies between runs)")
    print(
        f"SimPy M/M/5 reference, {args.customers:,} customers at utilisation 0.85: "
        f"{ref['per_s']:,.0f} customers/s ({ref['cpu']:.2f} s CPU, {ref['wall']:.2f} s wall, "
        f"{ref['events']:.2f} events/customer, peak {ref['peak_mb']:.0f} MB)"
    )
    for region_dir, d in (("demo", args.demo_days), ("nl", args.nl_days)):
        r = best[region_dir]
        print(
            f"regions/{region_dir}, {d:g} days: {r['journeys']:,} journeys in {r['cpu']:.2f} s CPU "
            f"({r['wall']:.2f} s wall incl. build {r['build_cpu']:.2f} s CPU) = "
            f"{r['per_s']:,.0f} journeys/s, ratio to reference {r['per_s'] / ref['per_s']:.3f}, "
            f"{r['events']:.2f} events/journey, peak {r['peak_mb']:.0f} MB per worker"
        )
        if region_dir == "nl":
            how = "measured" if d == DAYS_PER_YEAR else f"extrapolated from {d:g} days"
            print(
                f"national replication-year ({how}): "
                f"{r['year_s']:.0f} s CPU (goal <= 100 s); ratio goal >= 0.6; "
                f"memory goal <= 400 MB"
            )
    if len(rounds) > 1:
        # The machine's speed drifts between runs (other work, the host): each round's
        # ratio compares runs made minutes apart, the spread shows how far to trust one.
        for region_dir in ("demo", "nl"):
            ratios = [r[region_dir] / r["ref"] for r in rounds]
            print(
                f"regions/{region_dir} ratio per round: "
                + ", ".join(f"{x:.3f}" for x in ratios)
                + f" (median {statistics.median(ratios):.3f})"
            )
        years = [r["year_s"] for r in rounds]
        print(
            "national replication-year per round: "
            + ", ".join(f"{x:.0f}" for x in years)
            + f" s (median {statistics.median(years):.0f} s)"
        )


if __name__ == "__main__":
    main()
