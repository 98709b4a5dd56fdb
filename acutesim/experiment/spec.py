"""Expand an experiment into ordered (scenario, replication) tasks with their seeds and keys.

Every replication index gets the same random streams in every scenario (common random
numbers): the streams are keyed by (root seed, replication, stream name), never by the
scenario. Task order is scenario order, then replication, and results are always sorted
that way, whatever order the tasks finish in.

A task is keyed by what determines its results and nothing else: the acutesim version,
the content of every file the run reads (region pack, files it names outside its folder,
the pack it extends), the horizon, warm-up, root seed, the experiment's other settings,
its own scenario's settings (its name included, its description not) and its replication
index. So adding scenarios or replications runs only the new tasks, a changed scenario
reruns only itself, and a description edit reruns nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from acutesim.domain.scenario import Experiment, Scenario
from acutesim.domain.specs import BehaviourSpec, FundingSpec

# Experiment settings that are not part of a task's identity: names and descriptions,
# the replication count (each task has its own index), the scenario list and grid (each
# task carries its own scenario) and the region path (its content is hashed instead).
NOT_IN_KEY = frozenset(
    {"name", "description", "replications", "scenarios", "grid", "region", "inherits"}
)
TASK_KEY_PATTERN = re.compile(r"^[0-9a-f]{16}-r[0-9]{3,}$")


@dataclass(frozen=True)
class Task:
    """One simulation run: a scenario, a replication index and the root seed.

    ``scenario_key`` is the hash of everything that determines the scenario's results
    (see the module docstring); ``key`` adds the replication.
    """

    scenario_index: int
    scenario: Scenario
    replication: int
    root_seed: int
    scenario_key: str = "0" * 16

    @property
    def key(self) -> str:
        """A file-system-safe unique key, e.g. ``3f2a9c0d1e4b5a6f-r003``."""
        return f"{self.scenario_key}-r{self.replication:03d}"


def expand(
    experiment: Experiment, replications: int | None = None, *, context: str = ""
) -> list[Task]:
    """Return the tasks of an experiment, scenario-major, replications 0..n-1.

    Parameters
    ----------
    experiment : Experiment
    replications : int, optional
        Override the experiment's replication count.
    context : str
        The experiment-wide part of the task keys (``context_hash``); empty gives keys
        that depend on the scenarios and settings only.
    """
    n = replications if replications is not None else experiment.replications
    keys = [scenario_key(experiment, s, context) for s in experiment.scenarios]
    return [
        Task(i, s, r, experiment.seed, keys[i])
        for i, s in enumerate(experiment.scenarios)
        for r in range(n)
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


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# Scenario knobs added after stores were written: part of a task's key only when set.
_KEYED_WHEN_SET = frozenset({"dispatch_minutes", "on_scene_minutes"})


def scenario_settings(scenario: Scenario) -> dict[str, Any]:
    """A scenario's settings that determine its results (its description left out)."""
    out = {}
    for f in dataclasses.fields(scenario):
        if f.name == "description":
            continue
        value = getattr(scenario, f.name)
        if f.name in _KEYED_WHEN_SET and value is None:
            continue  # unset: the pack's value, and the keys of earlier stores stay valid
        if isinstance(value, FundingSpec | BehaviourSpec):
            value = value.settings()  # the table as written, as earlier stores keyed it
        elif value is None and f.name in ("funding", "behaviour"):
            value = {}
        out[f.name] = dict(value) if isinstance(value, Mapping) else value
    return json.loads(json.dumps(out, sort_keys=True, default=str))


def experiment_settings(experiment: Experiment) -> dict[str, Any]:
    """The experiment-wide settings that determine every task's results."""
    rest = {k: v for k, v in experiment.config.items() if k not in NOT_IN_KEY}
    rest.update(
        horizon_days=experiment.horizon_days,
        warmup_days=experiment.warmup_days,
        seed=experiment.seed,
    )
    return json.loads(json.dumps(rest, sort_keys=True, default=str))


def context_hash(experiment: Experiment, *, version: str, inputs: str) -> str:
    """Hash of the experiment-wide part of every task key.

    Parameters
    ----------
    experiment : Experiment
    version : str
        The acutesim version: results of another version are never reused.
    inputs : str
        ``region_hash`` of the experiment's region pack.
    """
    return _digest({"version": version, "inputs": inputs, **experiment_settings(experiment)})


def scenario_key(experiment: Experiment, scenario: Scenario, context: str) -> str:
    """Hash of a scenario's settings within its experiment context (16 hex digits)."""
    return _digest({"context": context, "scenario": scenario_settings(scenario)})


def config_hash(experiment: Experiment) -> str:
    """Hash of what determines the results, except the replication count and descriptions."""
    return _digest(
        {
            "settings": experiment_settings(experiment),
            "scenarios": [scenario_settings(s) for s in experiment.scenarios],
        }
    )


def _named_files(value: Any, base: Path) -> list[Path]:
    """Every string in a TOML value that names an existing file relative to ``base``."""
    out: list[Path] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, Mapping):
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
        elif isinstance(v, str) and v and len(v) < 4096 and "\0" not in v:
            try:
                p = (base / v).resolve()
                if p.is_file():
                    out.append(p)
            except (OSError, ValueError):
                continue
    return out


def region_hash(region_path: str | Path) -> str:
    """Hash of every file a region pack reads: its folder, named files outside it, parents.

    Every file in the pack folder is hashed (names and contents); so is every file that
    a string of ``region.toml`` names (``[files]``, ``[travel]``, wherever it points,
    e.g. ``sites = "../x.csv"``), and, recursively, the pack it ``extends``.
    """
    return _region_hash(Path(region_path), ())


def _region_hash(root: Path, chain: tuple[Path, ...]) -> str:
    h = hashlib.sha256()
    resolved = root.resolve()
    seen: set[Path] = set()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        seen.add(f.resolve())
        h.update(str(f.relative_to(root)).encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    toml = root / "region.toml"
    if toml.exists():
        try:
            raw = tomllib.loads(toml.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
            raw = {}
        for f in sorted(set(_named_files(raw, root)) - seen):
            h.update(b"outside:" + str(f).encode() + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
        extends = raw.get("extends")
        if isinstance(extends, str) and extends:
            parent = (root / extends).resolve()
            if parent.is_dir() and parent not in (*chain, resolved):
                h.update(b"extends:" + _region_hash(parent, (*chain, resolved)).encode())
    return h.hexdigest()[:16]
