"""Simulation speed: patient journeys per second against a SimPy M/M/c reference.

Runs one one-year replication of regions/demo and, in the same process, a plain SimPy
M/M/c queue (1,000,000 customers, c = 5, utilisation 0.85), and prints journeys/s,
reference customers/s and their ratio (goal: at least 0.25).

    python benchmarks/bench_sim.py [--days 365] [--customers 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def mmc_reference(
    n_customers: int, servers: int = 5, utilisation: float = 0.85, seed: int = 1
) -> float:
    """Run a SimPy M/M/c queue; return customers per second of wall time."""
    rng = np.random.default_rng(seed)
    mean_service = 20.0
    rate = utilisation * servers / mean_service
    inter = rng.exponential(1 / rate, n_customers)
    service = rng.exponential(mean_service, n_customers)
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=servers)
    waits = np.empty(n_customers)

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
    t = time.perf_counter()
    env.run()
    return n_customers / (time.perf_counter() - t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365.0)
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()

    from acutesim.config.load import load_region
    from acutesim.domain.scenario import Scenario
    from acutesim.sim.model import run_replication, travel_matrices

    region = load_region(ROOT / "regions" / "demo")
    travel = travel_matrices(region)
    t = time.perf_counter()
    result = run_replication(
        region,
        Scenario("baseline"),
        horizon_days=args.days,
        warmup_days=0.0,
        root_seed=1,
        replication=0,
        travel=travel,
    )
    wall = time.perf_counter() - t
    journeys_per_s = result.n_created / wall
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ref = mmc_reference(args.customers)
    print(
        f"acutesim regions/demo, {args.days:g} days: {result.n_created:,} journeys in {wall:.2f} s "
        f"= {journeys_per_s:,.0f} journeys/s (peak RSS {peak_mb:.0f} MB)"
    )
    print(
        f"SimPy M/M/5 reference, {args.customers:,} customers at utilisation 0.85: "
        f"{ref:,.0f} customers/s"
    )
    print(f"ratio journeys/s : reference customers/s = {journeys_per_s / ref:.3f} (goal >= 0.25)")


if __name__ == "__main__":
    main()
