"""Read an experiment file (its scenario grid and knobs) and the region pack it names.

Every scenario of the grid is expanded and checked against the region before anything
runs; all problems are raised together as one ConfigError.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acutesim.config import checks
from acutesim.config import schema as sc
from acutesim.config.funding import parse_scenario_tables
from acutesim.config.load_region import load_region, resolve_region_path
from acutesim.config.merge import deep_merge
from acutesim.config.robustness import is_robustness_table
from acutesim.config.validation import NONFINITE_ECHO, read_toml_checked, validate
from acutesim.domain.region import (
    Region,
)
from acutesim.domain.scenario import Experiment, Scenario
from acutesim.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    pass


# --- experiments ----------------------------------------------------------------------
def _scenario_from(spec: Mapping[str, Any], where: str, problems: list[str]) -> Scenario:
    fields = Scenario.__dataclass_fields__
    kw = {k: v for k, v in spec.items() if k in fields}
    if "closed_sites" in kw:
        kw["closed_sites"] = tuple(kw["closed_sites"])
    # The funding layer's tables, parsed once into typed specs; non-finite values are
    # refused once, by the file's tree check.
    kw["funding"], kw["behaviour"], found = parse_scenario_tables(
        kw.get("funding"), kw.get("behaviour")
    )
    problems.extend(f"{where} {p}" for p in found if not p.endswith(NONFINITE_ECHO))
    return Scenario(**kw)


def _expand(spec: sc.ExperimentToml, where: str, problems: list[str]) -> list[dict[str, Any]]:
    """Resolve inheritance and the grid into flat scenario dicts, in file order."""
    by_name: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    raw = [s.model_dump(exclude_unset=True) for s in spec.scenarios]
    for i, s in enumerate(raw):
        name = s["name"]
        if name in by_name:
            problems.append(f"{where} [scenarios[{i}]]: duplicate scenario name {name!r}")
            continue
        parent = s.pop("inherits", None)
        if parent is not None:
            if parent not in by_name:
                problems.append(
                    f"{where} [scenarios[{i}] name={name!r}]: inherits {parent!r}, which is not "
                    f"defined above it{did_you_mean(parent, by_name)}"
                )
                continue
            base = {k: v for k, v in by_name[parent].items() if k not in ("name", "description")}
            s = deep_merge(base, s)
        by_name[name] = s
        order.append(name)
    if spec.grid is not None:
        g = spec.grid
        base_name = g.base or (order[0] if order else None)
        if base_name is not None and base_name not in by_name:
            problems.append(
                f"{where} [grid]: base {base_name!r} is not a scenario"
                f"{did_you_mean(base_name, by_name)}"
            )
            return []
        base = {
            k: v
            for k, v in (by_name.get(base_name, {}) if base_name else {}).items()
            if k not in ("name", "description")
        }
        knob_fields = sc.ScenarioKnobs.model_fields
        for k in g.knobs:
            top = k.split(".")[0]
            if top not in knob_fields:
                problems.append(
                    f"{where} [grid.knobs]: unknown knob {k!r}{did_you_mean(top, knob_fields)}"
                )
        if problems:
            return []
        keys = list(g.knobs)
        for combo in itertools.product(*(g.knobs[k] for k in keys)):
            label = ",".join(f"{k}={_fmt(v)}" for k, v in zip(keys, combo, strict=True))
            s = dict(base)
            for k, v in zip(keys, combo, strict=True):
                s = deep_merge(s, _nested(k, v))
            name = f"{g.prefix}{label}"
            s["name"] = name
            if name in by_name:
                problems.append(f"{where} [grid]: scenario name {name!r} already exists")
                continue
            by_name[name] = s
            order.append(name)
    return [by_name[n] for n in order]


def _nested(key: str, value: Any) -> dict[str, Any]:
    parts = key.split(".")
    out: dict[str, Any] = {parts[-1]: value}
    for p in reversed(parts[:-1]):
        out = {p: out}
    return out


def _fmt(v: Any) -> str:
    # Scenario names allow no '+': 4e6 is written 4000000, and 1e20 as 1e20.
    if isinstance(v, float):
        return f"{v:.0f}" if v.is_integer() and abs(v) < 1e15 else f"{v:g}".replace("e+", "e")
    return str(v)


def load_experiment(path: str | Path, *, check_region: bool = True) -> tuple[Experiment, Region]:
    """Load and validate an experiment file and its region pack.

    Every scenario of the grid is validated before anything runs.

    Parameters
    ----------
    path : str or Path
        The experiment TOML file.
    check_region : bool
        Also load the region and check scenario references (closed sites) against it.

    Returns
    -------
    (Experiment, Region)

    Raises
    ------
    ConfigError
        With every problem in the experiment file and the region pack.
    """
    path = Path(path)
    where = path.name
    subject = f"experiment '{path}'"
    problems: list[str] = []
    raw = read_toml_checked(path, problems)
    if raw is None:
        raise ConfigError(subject, problems)
    if is_robustness_table(raw):
        raise ConfigError(
            subject,
            [
                f"{where}: a robustness experiment ([design] and [knobs]); run it with: "
                f"acutesim robustness {path}"
            ],
        )
    spec = validate(sc.ExperimentToml, raw, where, problems)
    if spec is None:
        raise ConfigError(subject, problems)
    flat = _expand(spec, where, problems)
    scenarios: list[Scenario] = []
    for s in flat:
        checked = validate(sc.ScenarioSpec, s, f"{where} [scenario {s.get('name')!r}]", problems)
        if checked is not None:
            scenarios.append(_scenario_from(s, f"{where} [scenario {s.get('name')!r}]", problems))
    scenarios = [
        dataclasses.replace(s, call_log=str((path.parent / s.call_log).resolve()))
        if s.call_log
        else s
        for s in scenarios
    ]
    region_path = resolve_region_path(spec.region, path.parent)
    region: Region | None = None
    if check_region:
        try:
            region = load_region(region_path)
        except ConfigError as err:
            problems.append(f"{where} [region]: {err.subject} is invalid:")
            problems.extend(f"  {p}" for p in err.problems)
    if region is not None:
        start = region.calendar.start_date
        if spec.horizon_days > (checks.DATE_MAX - start).days:
            problems.append(
                f"{where} [horizon_days]: {spec.horizon_days:g} days from the region's "
                f"start_date {start.isoformat()} end after {checks.DATE_MAX.isoformat()} "
                f"(at most {(checks.DATE_MAX - start).days:,} days)"
            )
        known = {s.site_id for s in region.sites}
        seh_ids = {s.site_id for s in region.sites if s.seh != "none"}
        for sc_ in scenarios:
            for sid in sc_.closed_sites:
                if sid not in known:
                    problems.append(
                        f"{where} [scenario {sc_.name!r}] closed_sites: unknown site_id {sid!r}"
                        f"{did_you_mean(sid, known)} (known: {', '.join(sorted(known))})"
                    )
            _check_hysteresis(sc_, region, f"{where} [scenario {sc_.name!r}]", problems)
            checks.check_site_refs(
                sc_.funding.sensitive_sites if sc_.funding is not None else None,
                seh_ids,
                f"{where} [scenario {sc_.name!r}] funding.sensitive_sites",
                "an SEH site of the region",
                problems,
            )
        _check_funding_pack(region, scenarios, where, problems)
        _check_call_logs(scenarios, region, where, problems)
    if problems:
        raise ConfigError(subject, problems)
    assert region is not None or not check_region
    experiment = Experiment(
        name=spec.name,
        description=spec.description,
        region_path=str(region_path),
        horizon_days=spec.horizon_days,
        warmup_days=spec.warmup_days,
        replications=spec.replications,
        seed=spec.seed,
        scenarios=tuple(scenarios),
        source_path=str(path),
        config=_jsonable(raw),
    )
    return experiment, region  # type: ignore[return-value]


def _check_hysteresis(scenario: Scenario, region: Region, where: str, problems: list[str]) -> None:
    """The volmelding thresholds a scenario ends up with keep off below on.

    Each threshold comes from ``behaviour.volmelding.base_*_share``, else the scenario's
    ``volmelding_*_share``, else the region's ``[seh]``; a scenario that sets one of them
    can invert the pair.
    """
    volmelding = scenario.behaviour.volmelding if scenario.behaviour is not None else None
    shares = dict(zip(("on", "off"), scenario.volmelding_shares(region.seh), strict=True))
    chosen: dict[str, tuple[float, str]] = {}
    for side in ("on", "off"):
        given = getattr(volmelding, f"base_{side}_share", None)
        if given is not None:
            chosen[side] = (given, f"behaviour.volmelding.base_{side}_share")
        elif getattr(scenario, f"volmelding_{side}_share") is not None:
            chosen[side] = (shares[side], f"volmelding_{side}_share")
        else:
            chosen[side] = (shares[side], f"region.toml [seh] volmelding_{side}_share")
    (on, on_from), (off, off_from) = chosen["on"], chosen["off"]
    both_in_behaviour = on_from.startswith("behaviour.") and off_from.startswith("behaviour.")
    if off >= on and not both_in_behaviour:  # the funding table's own check covers that
        problems.append(
            f"{where} volmelding: the off threshold {off:g} ({off_from}) must be below the on "
            f"threshold {on:g} ({on_from})"
        )


def _check_call_logs(
    scenarios: list[Scenario], region: Region, where: str, problems: list[str]
) -> None:
    """Read every scenario's call log once against the region; report its located problems."""
    from acutesim.config.calls import read_call_log

    seen: set[str] = set()
    for s in scenarios:
        if s.call_log and s.call_log not in seen:
            seen.add(s.call_log)
            try:
                read_call_log(s.call_log, region)
            except ConfigError as err:
                problems.append(
                    f"{where} [scenario {s.name!r}] call_log: {err.subject} is invalid:"
                )
                problems.extend(f"  {p}" for p in err.problems)


def _check_funding_pack(
    region: Region, scenarios: list[Scenario], where: str, problems: list[str]
) -> None:
    """Let the funding layer check that the pack carries the data funding scenarios need."""
    from acutesim.config.funding import validate_funding_pack

    errors, warns = validate_funding_pack(region, scenarios)
    problems.extend(f"{where} [region]: {p}" for p in errors)
    for w in warns:
        warnings.warn(f"{where} [region]: {w}", UserWarning, stacklevel=3)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, dt.date | dt.datetime | dt.time):
        return obj.isoformat()
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    return obj
