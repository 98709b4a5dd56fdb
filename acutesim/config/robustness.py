"""Robustness experiment files: the knobs to sweep, their ranges and a space-filling design.

A robustness experiment (``experiments/funding-robustness.toml``, docs/formats.md) names a
base scenario that switches regime on a date, the knobs to sweep with their levels or
ranges, a design (``scipy.stats.qmc``: Latin hypercube or scrambled Sobol) and the SEH whose
verdict is the headline. This module reads and validates such a file and expands it into
design points (as ``config.load`` expands a ``[grid]``); ``experiment.robustness`` runs it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from acutesim.config.funding import parse_scenario_tables
from acutesim.config.located import StrictModel, parse_model
from acutesim.config.textfile import read_toml
from acutesim.domain.scenario import Scenario
from acutesim.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd


# --- the file -----------------------------------------------------------------------------
class DesignToml(StrictModel):
    """``[design]``: which space-filling design and how many points."""

    method: Literal["lhs", "sobol"] = "lhs"
    points: Annotated[int, Field(ge=2, le=4096)] = 64
    seed: int = 0

    @model_validator(mode="after")
    def _sobol_power_of_two(self) -> DesignToml:
        if self.method == "sobol" and self.points & (self.points - 1):
            raise ValueError(f"points must be a power of 2 for sobol, got {self.points}")
        return self


class KnobToml(StrictModel):
    """One ``[knobs."<table>.<key>"]`` entry: ``values`` (levels) or ``range`` [low, high]."""

    values: list[bool | int | float | str] | None = Field(default=None, min_length=2)
    range: tuple[float, float] | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> KnobToml:
        if (self.values is None) == (self.range is None):
            raise ValueError("give exactly one of 'values' (levels) or 'range' ([low, high])")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range must be [low, high] with low < high, got {list(self.range)}")
        if self.integer and self.range is None:
            raise ValueError("'integer' applies to a 'range'")
        return self


class BaseToml(StrictModel):
    """``[base]``: the scenario every design point starts from."""

    funding: dict[str, Any] = Field(default_factory=dict)
    behaviour: dict[str, Any] = Field(default_factory=dict)


class RobustnessToml(StrictModel):
    """A robustness experiment file."""

    name: str
    description: str = ""
    region: str
    horizon_days: Annotated[float, Field(gt=0)]
    replications: Annotated[int, Field(ge=1, le=1000)] = 3
    seed: int = 0
    site: str
    design: DesignToml = Field(default_factory=DesignToml)
    base: BaseToml
    knobs: dict[str, KnobToml] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class RobustnessSpec:
    """A validated robustness experiment."""

    path: Path
    region_path: Path
    file: RobustnessToml
    raw: dict[str, Any] = field(repr=False)

    @property
    def name(self) -> str:
        """The experiment's name (also the default results folder)."""
        return self.file.name

    def key(self, version: str) -> str:
        """What a resumed sweep must match: the file's content and the acutesim version."""
        payload = json.dumps({"config": self.raw, "version": version}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def is_robustness_file(path: str | Path) -> bool:
    """True for a TOML file with ``[design]`` or ``[knobs]`` tables (not a plain experiment)."""
    raw = read_toml(Path(path), [])  # a file that does not parse is the loader's to report
    return raw is not None and is_robustness_table(raw)


def is_robustness_table(raw: Mapping[str, Any]) -> bool:
    """True for a parsed TOML file in this format (``[knobs]`` with ``[design]`` or ``[base]``)."""
    return "knobs" in raw and ("design" in raw or "base" in raw)


def load_robustness(path: str | Path) -> RobustnessSpec:
    """Read and validate a robustness experiment, its region and every design point.

    Raises
    ------
    ConfigError
        Naming the file, the key and the value, before anything runs.
    """
    from acutesim.config.load import load_region, resolve_region_path

    path = Path(path)
    subject = f"robustness experiment '{path}'"
    problems: list[str] = []
    raw = read_toml(path, problems)
    if raw is None:
        raise ConfigError(subject, problems)
    spec = parse_model(RobustnessToml, raw, path.name, problems, in_file=True)
    if spec is None:
        raise ConfigError(subject, problems)
    for name in spec.knobs:
        head = name.split(".")[0]
        if head not in ("funding", "behaviour") or "." not in name:
            problems.append(
                f"{path.name} [knobs.{name!r}]: a knob is 'funding.<key>' or "
                "'behaviour.<group>.<key>'"
            )
    if "switch_date" not in spec.base.funding:
        problems.append(
            f"{path.name} [base] funding: needs a switch_date (the verdicts compare the "
            "board's decisions under both regimes at the switch review)"
        )
    if problems:
        raise ConfigError(subject, problems)
    region_path = resolve_region_path(spec.region, path.parent)
    region = load_region(region_path)
    seh_ids = [s.site_id for s in region.seh_sites]
    if spec.site not in seh_ids:
        problems.append(
            f"{path.name} site: {spec.site!r} is not an SEH of {region_path.name}"
            f"{did_you_mean(spec.site, seh_ids)}"
        )
    switch = spec.base.funding.get("switch_date")
    end = region.calendar.start_date + dt.timedelta(days=spec.horizon_days)
    if isinstance(switch, dt.date) and switch >= end:
        problems.append(
            f"{path.name} horizon_days: the run ends on {end} (start {region.calendar.start_date} "
            f"+ {spec.horizon_days:g} days), before the switch_date {switch}"
        )
    out = RobustnessSpec(path, region_path, spec, raw)
    problems += _check_points(out, design(out))
    if problems:
        raise ConfigError(subject, problems)
    return out


def _check_points(spec: RobustnessSpec, points: pd.DataFrame) -> list[str]:
    """Every design point's funding and behaviour tables, parsed as a scenario's are."""
    seen: set[str] = set()
    problems: list[str] = []
    for p, row in points.iterrows():
        tables = scenario_tables(spec.file.base, row.to_dict())
        _, _, found = parse_scenario_tables(tables["funding"], tables["behaviour"])
        for problem in found:
            if problem not in seen:
                seen.add(problem)
                problems.append(f"{spec.path.name} design point {p}: {problem}")
    return problems


def point_scenario(name: str, tables: Mapping[str, Any]) -> Scenario:
    """The scenario of one design point (its tables parsed into specs).

    Raises
    ------
    ConfigError
        When the tables do not parse (``load_robustness`` checks every point first).
    """
    funding, behaviour, problems = parse_scenario_tables(tables["funding"], tables["behaviour"])
    if problems:
        raise ConfigError(f"design point {name}", problems)
    return Scenario(name, funding=funding, behaviour=behaviour)


# --- the design ---------------------------------------------------------------------------
def design(spec: RobustnessSpec) -> pd.DataFrame:
    """One row per design point, one column per knob (in file order)."""
    from scipy.stats import qmc

    d = spec.file.design
    knobs = spec.file.knobs
    if d.method == "lhs":
        unit = qmc.LatinHypercube(d=len(knobs), seed=d.seed).random(d.points)
    else:
        unit = qmc.Sobol(d=len(knobs), scramble=True, seed=d.seed).random_base2(
            int(math.log2(d.points))
        )
    columns: dict[str, list[Any]] = {}
    for k, (name, knob) in enumerate(knobs.items()):
        u = unit[:, k]
        if knob.values is not None:
            levels = knob.values
            columns[name] = [levels[min(int(x * len(levels)), len(levels) - 1)] for x in u]
        else:
            assert knob.range is not None
            lo, hi = knob.range
            if knob.integer:
                columns[name] = [int(min(math.floor(lo + x * (hi - lo + 1)), hi)) for x in u]
            else:
                columns[name] = [float(lo + x * (hi - lo)) for x in u]
    import pandas as pd  # not at import: a simulation worker imports this module

    frame = pd.DataFrame(columns)
    frame.index.name = "point"
    return frame


def scenario_tables(base: BaseToml, point: Mapping[str, Any]) -> dict[str, Any]:
    """The ``funding`` and ``behaviour`` tables of a design point."""
    tables: dict[str, Any] = {
        "funding": dict(base.funding),
        "behaviour": json.loads(json.dumps(base.behaviour)),
    }
    for name, value in point.items():
        head, *rest = str(name).split(".")
        node = tables[head]
        for part in rest[:-1]:
            node = node.setdefault(part, {})
        node[rest[-1]] = value.item() if isinstance(value, np.generic) else value
    return tables


__all__ = [
    "RobustnessSpec",
    "design",
    "is_robustness_file",
    "is_robustness_table",
    "load_robustness",
    "point_scenario",
    "scenario_tables",
]
