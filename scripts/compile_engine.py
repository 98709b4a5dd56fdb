"""Compile the simulation engine (``acutesim/sim``) with mypyc, in place, or remove it.

    python scripts/compile_engine.py            # compile (about a minute)
    python scripts/compile_engine.py --clean    # back to the Python sources

mypyc turns the engine's modules into C extensions next to their sources, in a checkout
installed with ``pip install -e``; Python then imports the extensions instead of the
``.py`` files. The results are the same bit for bit (``tests/unit/test_compiled_engine.py``
runs the golden experiment and a national run both ways and compares every table); a
national journey takes about 38% fewer instructions and a third less CPU. It needs a C
compiler, the Python headers and mypy (``pip install -e ".[dev]"``).
``acutesim.sim.COMPILED`` says which engine runs, and ``benchmarks/bench_sim.py`` prints it.

The compiled modules are tied to the sources they were built from:
``acutesim/sim/compiled.json`` keeps a hash of each, and importing ``acutesim.sim``
fails with a clear message once a source has changed (compile again, or ``--clean``).

mypyc compiles what mypy's strict checks accept (``.ci/run`` checks ``acutesim/sim`` so):
a compiled module trusts its annotations, and where one is wrong, compiled code raises a
TypeError where the Python engine would run on.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))  # the manifest's format, without importing the engine

from acutesim.engine_build import MANIFEST, compiled_modules, write_manifest  # noqa: E402

# Every engine module but __init__ (which checks the build) and tuning (ctypes, once per
# run). model.py must be among them: its Model subclasses Journeys, and a Python class
# cannot subclass a compiled one.
MODULES = (
    "ambulance",
    "board",
    "demand",
    "hap",
    "journey",
    "journeys",
    "kpis",
    "loop",
    "model",
    "patient",
    "recorder",
    "seh",
    "timers",
    "travel",
)
GROUP = "acutesim.sim._engine"  # the shared library of the compiled modules


def clean(sim: Path) -> list[Path]:
    """Remove the compiled modules and their record; return what was removed."""
    gone = compiled_modules(sim)
    if (sim / MANIFEST).exists():
        gone.append(sim / MANIFEST)
    for p in gone:
        p.unlink()
    return gone


def compile_engine(root: Path, *, verbose: bool = False) -> float:
    """Compile the engine of the package under ``root`` in place; return the seconds taken."""
    from mypyc.build import mypycify
    from setuptools import Distribution

    sim = root / "acutesim" / "sim"
    clean(sim)
    t0 = time.perf_counter()
    flags = ["--strict", "--ignore-missing-imports", "--python-version", "3.11"]
    with tempfile.TemporaryDirectory(prefix="acutesim-engine-") as tmp:
        cwd = os.getcwd()
        os.chdir(root)  # mypyc names modules by their paths from here
        try:
            extensions = mypycify(
                [*flags, *(f"acutesim/sim/{m}.py" for m in MODULES)],
                opt_level="3",
                target_dir=str(Path(tmp) / "c"),
                group_name=GROUP,
                verbose=verbose,
            )
            # the build_ext command alone: setuptools' setup() would read pyproject.toml
            dist = Distribution({"name": "acutesim-engine", "ext_modules": extensions})
            build = dist.get_command_obj("build_ext")
            build.inplace = True
            build.build_temp = str(Path(tmp) / "temp")
            dist.run_command("build_ext")
        finally:
            os.chdir(cwd)
    write_manifest(sim, (f"{m}.py" for m in MODULES))
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clean", action="store_true", help="remove the compiled engine")
    parser.add_argument(
        "--root",
        type=Path,
        default=PROJECT,
        help="the folder that holds acutesim/ (default: this checkout)",
    )
    parser.add_argument("--verbose", action="store_true", help="show the compiler's commands")
    args = parser.parse_args(argv)
    sim = args.root / "acutesim" / "sim"
    if not (sim / "loop.py").is_file():
        print(f"compile_engine: no acutesim/sim/loop.py under '{args.root}'", file=sys.stderr)
        return 2
    if args.clean:
        gone = clean(sim)
        print(f"removed {len(gone)} compiled file(s); the engine runs from its Python sources")
        return 0
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        print("compile_engine: no C compiler found (install gcc)", file=sys.stderr)
        return 2
    try:
        import mypyc  # noqa: F401
    except ImportError:
        print('compile_engine: mypyc not found; pip install -e ".[dev]"', file=sys.stderr)
        return 2
    print(f"compiling {len(MODULES)} engine modules with mypyc (about a minute) ...", flush=True)
    try:
        seconds = compile_engine(args.root, verbose=args.verbose)
    except (SystemExit, Exception) as exc:  # mypyc reports type errors by exiting
        clean(sim)
        print(
            f"compile_engine: compiling failed ({exc}); the Python sources stay in use",
            file=sys.stderr,
        )
        return 1
    print(f"compiled in {seconds:.0f} s: acutesim.sim now runs as C extensions (--clean to undo)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
