"""Why a national journey costs more CPU than a demo journey: a cache simulation.

Per journey the demo and the national pack execute about the same number of machine
instructions, yet a national journey takes more CPU time: 1.86 times on a machine
with a 512 KiB second-level cache, 1.14 times on one with 1 MiB (both measured with
this script). It shows where the difference goes. For each pack it runs a window of
simulated days (after a warm-up, so the event queue and the journeys in flight are in
their steady state):

- natively, timing the window's CPU seconds per journey;
- under valgrind's callgrind with its cache simulation, counting per journey the
  instructions, the first-level data cache misses and the misses of a simulated cache
  the size of this machine's second level (read from ``/sys``; 512 KiB if unknown).
  Instrumentation is switched on for the window only (``callgrind_control``).

    python benchmarks/bench_cache.py                      # about 5 minutes
    python benchmarks/bench_cache.py --nl-days 0.25 --demo-days 20

It needs valgrind (Debian package ``valgrind``) and prints figures; it is not a test.
Hardware counters (``perf stat``) would measure the real caches; this simulation is the
substitute where they are not available (virtual machines).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def window(region_name: str, warm_days: float, days: float, toggle: bool) -> None:
    """Child: run ``warm_days`` uninstrumented, then ``days`` measured; print the counts."""
    import acutesim.sim.model as model_module
    from acutesim.config.load import load_region
    from acutesim.domain.scenario import Scenario
    from acutesim.rng import RandomStreams
    from acutesim.sim.loop import run_until
    from acutesim.units import days as to_minutes

    region = load_region(ROOT / "regions" / region_name)
    model = model_module.Model(
        region,
        Scenario("baseline"),
        RandomStreams(1, 0),
        horizon_minutes=to_minutes(warm_days + days),
        warmup_minutes=0.0,
        travel=model_module.travel_matrices(region),
    )

    def measured(env: object, until: float) -> None:  # Model.run's loop, in two parts
        run_until(env, to_minutes(warm_days))  # type: ignore[arg-type]
        n0 = model.recorder.n_created
        if toggle:
            subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True,
                           capture_output=True)  # fmt: skip
        c0 = time.process_time()
        run_until(env, until)  # type: ignore[arg-type]
        cpu = time.process_time() - c0
        if toggle:
            subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True,
                           capture_output=True)  # fmt: skip
        print(f"journeys {model.recorder.n_created - n0} cpu {cpu:.6f}")

    model_module.run_until = measured  # type: ignore[assignment]
    model.run()


def _l2() -> tuple[int, int, int]:
    base = Path("/sys/devices/system/cpu/cpu0/cache/index2")
    try:
        size = (base / "size").read_text().strip()
        n = int(size.rstrip("KM")) * (1024 if size.endswith("K") else 2**20)
        ways = int((base / "ways_of_associativity").read_text())
        line = int((base / "coherency_line_size").read_text())
    except (OSError, ValueError):
        return 512 * 1024, 8, 64
    return n, ways, line


def _child(region: str, warm: float, days: float, toggle: bool) -> list[str]:
    return [sys.executable, __file__, "--child", region, str(warm), str(days),
            "--toggle" if toggle else "--no-toggle"]  # fmt: skip


def _journeys(out: str) -> tuple[int, float]:
    line = next(x for x in out.splitlines() if x.startswith("journeys "))
    _, n, _, cpu = line.split()
    return int(n), float(cpu)


def measure(region: str, warm: float, days: float, l2: tuple[int, int, int]) -> dict[str, float]:
    native = subprocess.run(_child(region, warm, days, False), capture_output=True, text=True,
                            check=True)  # fmt: skip
    n, cpu = _journeys(native.stdout)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--cache-sim=yes",
             f"--LL={l2[0]},{l2[1]},{l2[2]}", f"--callgrind-out-file={out}",
             *_child(region, warm, days, True)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        n_sim, _ = _journeys(run.stdout)
        text = out.read_text().splitlines()
    events = next(x for x in text if x.startswith("events:")).split()[1:]
    totals = dict(
        zip(
            events,
            map(int, next(x for x in text if x.startswith("totals:")).split()[1:]),
            strict=True,
        )
    )
    return {
        "journeys": n,
        "us_per_journey": cpu / n * 1e6,
        "instructions": totals["Ir"] / n_sim,
        "d1_misses": (totals["D1mr"] + totals["D1mw"]) / n_sim,
        "l2_misses": (totals["DLmr"] + totals["DLmw"]) / n_sim,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nl-days", type=float, default=0.5, help="measured national days")
    parser.add_argument("--demo-days", type=float, default=40.0, help="measured demo days")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--toggle", action=argparse.BooleanOptionalAction, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        region, warm, days = args.child
        window(region, float(warm), float(days), bool(args.toggle))
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("bench_cache: needs valgrind and callgrind_control (Debian package valgrind)")
    l2 = _l2()
    print(f"simulated second-level cache: {l2[0] // 1024} KiB, {l2[1]}-way, {l2[2]} B lines")
    rows = {
        "demo": measure("demo", 10.0, args.demo_days, l2),
        "nl": measure("nl", 1.5, args.nl_days, l2),
    }
    head = [("journeys", 10), ("µs/journey", 12), ("instr/j", 10)]
    head += [("L1d miss/j", 12), ("L2 miss/j", 11)]
    print(" " * 6 + "".join(f"{h:>{w}}" for h, w in head))
    for name, r in rows.items():
        print(f"{name:6}{r['journeys']:>10,.0f}{r['us_per_journey']:>12.1f}{r['instructions']:>10,.0f}"
              f"{r['d1_misses']:>12,.0f}{r['l2_misses']:>11,.0f}")  # fmt: skip
    d, n = rows["demo"], rows["nl"]
    print(
        f"national / demo: CPU per journey {n['us_per_journey'] / d['us_per_journey']:.2f}x, "
        f"instructions {n['instructions'] / d['instructions']:.2f}x, "
        f"L2 misses {n['l2_misses'] / d['l2_misses']:.2f}x"
    )


if __name__ == "__main__":
    main()
