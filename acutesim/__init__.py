"""acutesim: discrete-event simulation of regional acute-care capacity in the Netherlands.

Patients arrive per area and reach the SEH themselves, via the HAP or by ambulance;
SEHs run on staff rosters, fill up, declare themselves full (volmelding) and close;
hospitals are paid per DBC or by a fixed SEH budget; and the 45-minute norm tells how
many inhabitants fall outside ambulance reach as SEHs close.

The public entry points are imported lazily so that ``import acutesim`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_region": "acutesim.config.load",
    "load_experiment": "acutesim.config.load",
    "run_experiment": "acutesim.experiment.runner",
    "run_replication": "acutesim.sim.model",
    "reachability": "acutesim.geo.reachability",
    "sensitivity": "acutesim.geo.reachability",
    "summarise": "acutesim.analysis.stats",
    "write_report": "acutesim.report.html",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'acutesim' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
