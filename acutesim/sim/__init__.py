"""SimPy processes of one replication: demand, meldkamer and ambulances, HAP, SEH, boards.

The engine runs from its Python sources, or compiled by ``scripts/compile_engine.py``
(mypyc, the same results). ``COMPILED`` says which; a compiled engine whose sources
changed after it was built is refused at import, so a stale build never runs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from acutesim.errors import EngineBuildError

_HERE = Path(__file__).resolve().parent
_MANIFEST = _HERE / "compiled.json"


def _compiled() -> bool:
    """True when the compiled engine is in place and built from today's sources."""
    built = sorted(p.name for p in _HERE.iterdir() if p.suffix in (".so", ".pyd"))
    if not built:
        return False
    if not _MANIFEST.is_file():
        raise EngineBuildError(
            f"acutesim.sim: compiled modules ({', '.join(built)}) without {_MANIFEST.name}; "
            "run 'python scripts/compile_engine.py' again, or with --clean"
        )
    sources = json.loads(_MANIFEST.read_text(encoding="utf-8"))["sources"]
    changed = [
        name
        for name, digest in sources.items()
        if not (_HERE / name).is_file()
        or hashlib.sha256((_HERE / name).read_bytes()).hexdigest() != digest
    ]
    if changed:
        raise EngineBuildError(
            f"acutesim.sim: the compiled engine is stale: {', '.join(changed)} changed since "
            "it was built; run 'python scripts/compile_engine.py' again, or with --clean "
            "to run the Python sources"
        )
    return True


COMPILED = _compiled()
