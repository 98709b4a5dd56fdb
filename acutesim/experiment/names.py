"""Safe experiment and scenario names, and the TOML reader's bounds.

An experiment's name becomes a folder (``results/<name>``) and scenario names appear
in tables, file names of reports and maps; so both are restricted to letters, digits
and ``_ - .`` (scenario names also ``= ,`` for grid labels such as
``staff_vacancy_share=0.1,demand_multiplier=1.2``), must not start with a dot, never
contain ``..`` and are at most ``MAX_EXPERIMENT_NAME`` / ``MAX_SCENARIO_NAME``
characters long.
"""

from __future__ import annotations

import re

from acutesim.domain.scenario import Experiment

# Assumption (docs/assumptions.md, "Name limits"): long enough for every shipped name and
# for a grid label over four knobs, short enough for any file system (255 bytes a name).
MAX_EXPERIMENT_NAME = 100
MAX_SCENARIO_NAME = 200
EXPERIMENT_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-.]*$")
SCENARIO_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-.=,]*$")


def name_problem(name: str, *, scenario: bool) -> str | None:
    """Why ``name`` is not a safe experiment (or scenario) name; None when it is."""
    limit = MAX_SCENARIO_NAME if scenario else MAX_EXPERIMENT_NAME
    pattern = SCENARIO_NAME if scenario else EXPERIMENT_NAME
    allowed = "letters, digits and _ - . = ," if scenario else "letters, digits and _ - ."
    shown = repr(name) if len(name) <= 60 else repr(name[:57] + "...")
    if not name:
        return "must not be empty"
    if len(name) > limit:
        return f"{shown} has {len(name)} characters; at most {limit} are allowed"
    if ".." in name:
        return f"{shown} contains '..'; names must not lead out of the results folder"
    if not pattern.match(name):
        return (
            f"{shown} may hold only {allowed}, and must start with a letter, digit or '_' "
            "(no path separators, no leading dot)"
        )
    return None


def name_problems(experiment: Experiment) -> list[str]:
    """Located problems with the experiment's and its scenarios' names."""
    where = experiment.source_path or experiment.name
    problems = []
    p = name_problem(experiment.name, scenario=False)
    if p:
        problems.append(f"{where} [name]: {p}")
    for s in experiment.scenarios:
        p = name_problem(s.name, scenario=True)
        if p:
            problems.append(f"{where} [scenario name]: {p}")
    return problems
