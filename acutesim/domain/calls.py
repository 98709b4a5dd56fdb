"""A replayed ambulance call log: when, where and how urgent each call was.

An experiment can take its ambulance calls from a log (a regional ambulance service's
calls of last year) instead of the random stream. The log fixes the time, area and
urgency class of every call and, where given, the time on scene and whether the patient
was conveyed; everything else is drawn as for a random call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class CallLog:
    """Calls sorted by time.

    Parameters
    ----------
    t_minutes : numpy.ndarray
        Call times in sim minutes from the region's start date [min].
    area : numpy.ndarray
        Area index of every call (the region's area order).
    urgency : numpy.ndarray
        Urgency index (0 = A1, 1 = A2, 2 = B).
    on_scene_minutes : numpy.ndarray
        Time on scene, NaN where the log gives none (drawn) [min].
    conveyed : numpy.ndarray
        1 conveyed, 0 not conveyed, -1 not given (drawn).
    source : str
        The file the log came from.
    """

    t_minutes: np.ndarray
    area: np.ndarray
    urgency: np.ndarray
    on_scene_minutes: np.ndarray
    conveyed: np.ndarray
    source: str = ""

    def __len__(self) -> int:
        return len(self.t_minutes)

    def between(self, t0: float, t1: float) -> np.ndarray:
        """Indices of the calls with ``t0 <= t < t1``."""
        a, b = np.searchsorted(self.t_minutes, [t0, t1], side="left")
        return np.arange(a, b)
