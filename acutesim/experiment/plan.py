"""What a run will do before it does it: bounds on the request, and what changed since last.

``check_file`` and ``check_request`` refuse a plan over the limits below unless the user
confirms it (``--yes``), saying what it would take: every limit is set far above every
shipped experiment and test. ``describe_changes`` compares a results folder's manifest
with the new plan and names, per scenario, what is new, changed (and how), removed, or
only re-described, so that a resumed or extended run says why it runs what it runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from acutesim.config import tomlsafe
from acutesim.domain.region import Region
from acutesim.domain.scenario import Experiment
from acutesim.errors import ConfigError
from acutesim.experiment import spec as sp

# Assumptions (docs/assumptions.md, "Request limits"). The largest shipped experiment has
# 4 scenarios x 5 replications; the national pack has a few hundred ambulances.
MAX_TASKS = 10_000
MAX_SCENARIOS = 2_000
MAX_VEHICLES = 20_000
MAX_MEMORY_BYTES = 4 * 1024**3
# Rough size of one task's rows in the merged tables: a fixed part (KPIs per site,
# status changes) and a part per simulated day (the daily time series); measured on
# the demo pack (about 0.4 KB a day, 25 KB a task), rounded up.
TASK_BYTES = 64 * 1024
TASK_BYTES_PER_DAY = 1024


def _too_large(subject: str, what: Sequence[str]) -> ConfigError:
    return ConfigError(
        subject,
        [*what, "pass --yes to run it anyway, or lower the replications, grid or horizon"],
    )


def check_file(path: str | Path, *, yes: bool) -> None:
    """Refuse absurd nesting, and a grid over ``MAX_SCENARIOS``, before the file is expanded.

    Raises
    ------
    ConfigError
        Naming the file and the line or key.
    """
    path = Path(path)
    subject = f"experiment '{path}'"
    try:
        raw = tomlsafe.load(path)
    except tomlsafe.TomlTooDeep as exc:
        raise ConfigError(subject, [f"{path.name}: {exc}"]) from None
    except (OSError, ValueError, UnicodeDecodeError):
        return  # the loader reports unreadable files with their own located messages
    grid = raw.get("grid")
    knobs = grid.get("knobs") if isinstance(grid, Mapping) else None
    if not isinstance(knobs, Mapping) or yes:
        return
    n = 1
    for values in knobs.values():
        n *= len(values) if isinstance(values, list) and values else 1
    explicit = raw.get("scenarios")
    n += len(explicit) if isinstance(explicit, list) else 0
    if n > MAX_SCENARIOS:
        sizes = " x ".join(str(len(v)) if isinstance(v, list) else "1" for v in knobs.values())
        raise _too_large(
            subject,
            [
                f"{path.name} [grid.knobs]: {sizes} makes {n:,} scenarios, over the limit "
                f"of {MAX_SCENARIOS:,}"
            ],
        )


def estimated_bytes(n_tasks: int, horizon_days: float) -> int:
    """Rough size of the merged tables of ``n_tasks`` tasks [bytes]."""
    return int(n_tasks * (TASK_BYTES + TASK_BYTES_PER_DAY * horizon_days))


def max_vehicles(experiment: Experiment, region: Region | None) -> int:
    """Most ambulances on duty at once in any scenario (posts x shift x multiplier)."""
    if region is None:
        return 0
    per_shift: dict[str, int] = {}
    for post in region.posts:
        for shift, n in post.vehicles_by_shift.items():
            per_shift[shift] = per_shift.get(shift, 0) + int(n)
    base = max(per_shift.values(), default=0)
    mult = max((s.ambulance_vehicles_multiplier for s in experiment.scenarios), default=1.0)
    return int(base * mult)


def check_request(experiment: Experiment, region: Region | None, *, yes: bool) -> None:
    """Refuse a plan over the task, scenario, vehicle or memory limits unless ``yes``.

    Raises
    ------
    ConfigError
        Saying what the plan would take and which limit it passes.
    """
    if yes:
        return
    n_scen = len(experiment.scenarios)
    n_tasks = n_scen * experiment.replications
    days = n_tasks * experiment.horizon_days
    size = estimated_bytes(n_tasks, experiment.horizon_days)
    vehicles = max_vehicles(experiment, region)
    where = Path(experiment.source_path).name or experiment.name
    what = []
    if n_tasks > MAX_TASKS:
        what.append(
            f"{where}: {n_scen:,} scenario(s) x {experiment.replications:,} replication(s) "
            f"make {n_tasks:,} tasks ({days:,.0f} simulated days), over the limit of "
            f"{MAX_TASKS:,}"
        )
    if n_scen > MAX_SCENARIOS:
        what.append(f"{where}: {n_scen:,} scenarios, over the limit of {MAX_SCENARIOS:,}")
    if vehicles > MAX_VEHICLES:
        what.append(
            f"{where} [region {experiment.region_path!r}]: up to {vehicles:,} ambulances on "
            f"duty at once (posts' vehicles_* x ambulance_vehicles_multiplier), over the "
            f"limit of {MAX_VEHICLES:,}"
        )
    if size > MAX_MEMORY_BYTES:
        what.append(
            f"{where}: the merged tables would take about {size / 1024**3:,.1f} GiB "
            f"({n_tasks:,} tasks of {experiment.horizon_days:g} days), over the limit of "
            f"{MAX_MEMORY_BYTES / 1024**3:g} GiB"
        )
    if what:
        raise _too_large(f"experiment '{experiment.source_path or experiment.name}'", what)


def plan_record(
    experiment: Experiment, tasks: Sequence[sp.Task], *, version: str, region_hash: str
) -> dict[str, Any]:
    """What the manifest keeps of a plan, to compare the next run against."""
    keys = {t.scenario.name: t.scenario_key for t in tasks}
    return {
        "acutesim_version": version,
        "region_hash": region_hash,
        "settings": sp.experiment_settings(experiment),
        "scenarios": {
            s.name: {"key": keys.get(s.name), "settings": sp.scenario_settings(s)}
            for s in experiment.scenarios
        },
        "descriptions": {
            "": experiment.description,
            **{s.name: s.description for s in experiment.scenarios},
        },
        "replications": experiment.replications,
    }


def _fmt(v: Any) -> str:
    return "unset" if v is None else repr(v)


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    out = []
    for k in sorted(set(old) | set(new)):
        if old.get(k) != new.get(k):
            out.append(f"{k} {_fmt(old.get(k))} -> {_fmt(new.get(k))}")
    return out


def describe_changes(
    old: Mapping[str, Any] | None, new: Mapping[str, Any], todo: Mapping[str, int]
) -> list[str]:
    """Say what changed since the results folder's last plan and what therefore runs.

    Parameters
    ----------
    old : mapping or None
        The ``plan`` of the folder's manifest (None for a new folder).
    new : mapping
        ``plan_record`` of this run.
    todo : mapping of str to int
        Tasks to run per scenario name.

    Returns
    -------
    list of str
        One sentence per change; empty when nothing changed.
    """
    if not old:
        return []
    notes: list[str] = []
    wide = []
    if old.get("acutesim_version") != new["acutesim_version"]:
        wide.append(
            f"acutesim {old.get('acutesim_version')} -> {new['acutesim_version']} (results "
            "of another version are never reused)"
        )
    if old.get("region_hash") != new["region_hash"]:
        wide.append("the region pack's files changed")
    wide += _diff(old.get("settings") or {}, new["settings"])
    if wide:
        notes.append(f"{'; '.join(wide)}: every scenario runs again")
    old_s: Mapping[str, Any] = old.get("scenarios") or {}
    for name, rec in new["scenarios"].items():
        n = todo.get(name, 0)
        if name not in old_s:
            notes.append(f"scenario {name!r} is new: {n} task(s) to run")
        elif old_s[name].get("key") != rec["key"] and not wide:
            how = _diff(old_s[name].get("settings") or {}, rec["settings"]) or ["its context"]
            notes.append(f"scenario {name!r} changed ({'; '.join(how)}): {n} task(s) run again")
    for name in old_s:
        if name not in new["scenarios"]:
            notes.append(
                f"scenario {name!r} is no longer in the experiment: its parts stay on disk "
                "and are not merged"
            )
    r_old, r_new = old.get("replications"), new["replications"]
    if r_old != r_new:
        more = "new tasks run" if (r_old or 0) < r_new else "only these are merged"
        notes.append(f"replications {r_old} -> {r_new}: {more}")
    old_d: Mapping[str, Any] = old.get("descriptions") or {}
    edited = [
        "the experiment" if k == "" else f"scenario {k!r}"
        for k, v in new["descriptions"].items()
        if k in old_d and old_d[k] != v
    ]
    if edited:
        notes.append(f"description of {', '.join(edited)} changed: nothing runs again for it")
    return notes
