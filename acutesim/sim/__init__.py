"""SimPy processes of one replication: demand, meldkamer and ambulances, HAP, SEH, boards.

The engine runs from its Python sources, or compiled by ``scripts/compile_engine.py``
(mypyc, the same results). ``COMPILED`` says which; a compiled engine whose sources
changed after it was built is refused at import (:func:`acutesim.engine_build.check`),
so a stale build never runs.
"""

from __future__ import annotations

from pathlib import Path

from acutesim.engine_build import check

COMPILED = check(Path(__file__).resolve().parent)
