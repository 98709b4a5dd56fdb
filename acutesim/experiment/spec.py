"""Expand an experiment into ordered (scenario, replication) tasks with their seeds.

Every replication index gets the same random streams in every scenario (common random
numbers): the streams are keyed by (root seed, replication, stream name), never by the
scenario. Task order is scenario order, then replication, and results are always sorted
that way, whatever order the tasks finish in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from acutesim.domain.scenario import Experiment, Scenario


@dataclass(frozen=True)
class Task:
    """One simulation run: a scenario, a replication index and the root seed."""

    scenario_index: int
    scenario: Scenario
    replication: int
    root_seed: int

    @property
    def key(self) -> str:
        """A file-system-safe unique key, e.g. ``s000_r003``."""
        return f"s{self.scenario_index:03d}_r{self.replication:03d}"


def expand(experiment: Experiment, replications: int | None = None) -> list[Task]:
    """Return the tasks of an experiment, scenario-major, replications 0..n-1."""
    n = replications if replications is not None else experiment.replications
    return [
        Task(i, s, r, experiment.seed) for i, s in enumerate(experiment.scenarios) for r in range(n)
    ]


def with_overrides(
    experiment: Experiment, *, replications: int | None = None, horizon_days: float | None = None
) -> Experiment:
    """Apply command-line overrides (replications, horizon) to an experiment."""
    changes: dict[str, Any] = {}
    if replications is not None:
        changes["replications"] = replications
    if horizon_days is not None:
        changes["horizon_days"] = float(horizon_days)
        changes["warmup_days"] = min(experiment.warmup_days, float(horizon_days) / 2)
    return replace(experiment, **changes) if changes else experiment


def config_hash(experiment: Experiment) -> str:
    """Hash of what determines the results, except the replication count."""
    payload = {
        "config": {k: v for k, v in experiment.config.items() if k != "replications"},
        "horizon_days": experiment.horizon_days,
        "warmup_days": experiment.warmup_days,
        "seed": experiment.seed,
        "scenarios": [repr(s) for s in experiment.scenarios],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[
        :16
    ]


def region_hash(region_path: str | Path) -> str:
    """Hash of every file of a region pack (names and contents), and of a parent it extends."""
    h = hashlib.sha256()
    root = Path(region_path)
    for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(f.relative_to(root)).encode())
        h.update(f.read_bytes())
    toml = root / "region.toml"
    if toml.exists():
        import tomllib

        extends = tomllib.loads(toml.read_text(encoding="utf-8-sig")).get("extends")
        if extends:
            h.update(region_hash((root / extends).resolve()).encode())
    return h.hexdigest()[:16]
