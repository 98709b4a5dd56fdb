"""The record that ties a compiled engine to its sources (``scripts/compile_engine.py``).

``acutesim/sim/compiled.json`` holds the SHA-256 of every source the compiled modules
were built from. The compile script writes it; ``acutesim.sim`` reads it at import and
refuses a build whose sources have changed since. Both use this module, which imports
nothing of the engine, so the script still runs where the engine is stale.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from acutesim.errors import EngineBuildError

MANIFEST = "compiled.json"
EXTENSIONS = (".so", ".pyd")  # what a compiled module is, on Linux and macOS, on Windows


def source_digest(path: Path) -> str:
    """SHA-256 of one source file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(sim: Path, sources: Iterable[str]) -> None:
    """Record the digests of ``sources`` (file names in ``sim``) for a build just made."""
    built = {
        "python": sys.version.split()[0],
        "sources": {name: source_digest(sim / name) for name in sources},
    }
    (sim / MANIFEST).write_text(json.dumps(built, indent=1) + "\n", encoding="utf-8")


def compiled_modules(sim: Path) -> list[Path]:
    """The compiled modules in the engine's folder ``sim``, by name."""
    return sorted(p for p in sim.iterdir() if p.suffix in EXTENSIONS and p.is_file())


def check(sim: Path) -> bool:
    """True when ``sim`` holds a compiled engine built from its present sources.

    Raises
    ------
    EngineBuildError
        When compiled modules are there without their record, or a source has changed.
    """
    built = compiled_modules(sim)
    if not built:
        return False
    manifest = sim / MANIFEST
    if not manifest.is_file():
        raise EngineBuildError(
            f"acutesim.sim: compiled modules ({', '.join(p.name for p in built)}) without "
            f"{MANIFEST}; run 'python scripts/compile_engine.py' again, or with --clean"
        )
    sources = json.loads(manifest.read_text(encoding="utf-8"))["sources"]
    changed = [
        name
        for name, digest in sources.items()
        if not (sim / name).is_file() or source_digest(sim / name) != digest
    ]
    if changed:
        raise EngineBuildError(
            f"acutesim.sim: the compiled engine is stale: {', '.join(changed)} changed since "
            "it was built; run 'python scripts/compile_engine.py' again, or with --clean "
            "to run the Python sources"
        )
    return True
