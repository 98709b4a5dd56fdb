"""Exceptions of acutesim, with messages that locate the problem.

A bad input names the file, the row or key, the value, what was expected and, where one
exists, a did-you-mean hint. ``SimulationError`` means a broken invariant: a bug.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


class AcutesimError(Exception):
    """Base class of every error acutesim raises on purpose."""


class ConfigError(AcutesimError):
    """A region pack or experiment file is invalid; carries every problem found.

    Parameters
    ----------
    subject : str
        What was being loaded, e.g. ``"region pack 'regions/demo'"``.
    problems : sequence of str
        One located problem per entry.
    """

    def __init__(self, subject: str, problems: Sequence[str]) -> None:
        self.subject = subject
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{subject} has {n} problem{'s' if n != 1 else ''}"
        super().__init__("\n  ".join([head, *self.problems]))


class GeoError(AcutesimError):
    """A geometry or CRS problem: missing or geographic CRS, empty geometry, bad snap."""


class EngineBuildError(AcutesimError, ImportError):
    """The compiled engine does not match its sources (``scripts/compile_engine.py``)."""


class SimulationError(AcutesimError):
    """A broken invariant inside a simulation run (a bug, not bad input)."""


class ResultsError(AcutesimError):
    """A results directory is missing, incomplete or belongs to another experiment."""


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or ``""``."""
    others = [c for c in choices if c != value]  # never suggest the value itself
    close = difflib.get_close_matches(value, others, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
