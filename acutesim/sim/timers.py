"""Events at an absolute instant on the simulation clock.

A ward bed frees at ``t_ward + ward_minutes``, an instant fixed when the patient goes up
to the ward. The SEH keeps those instants in a heap and wakes only when a boarding
patient waits for the earliest of them, so it schedules its wake-up at that stored
instant. ``env.timeout(t - env.now)`` would fire at ``env.now + (t - env.now)``, which
can differ from ``t`` in the last bit; :func:`event_at` schedules the event at ``t``
itself, exactly where a timeout scheduled when the bed was taken would have fired.
"""

from __future__ import annotations

from heapq import heappush

import simpy
from simpy.events import NORMAL, Event


def event_at(env: simpy.Environment, t: float) -> Event:
    """A triggered event that SimPy processes at instant ``t`` [minutes].

    Parameters
    ----------
    env : simpy.Environment
        The environment; ``t`` must not lie before ``env.now``.
    t : float
        The instant [minutes since the start of the horizon].

    Returns
    -------
    simpy.events.Event
        An event with value None, scheduled like a timeout (normal priority, next event id).
    """
    ev = Event(env)
    ev._ok = True
    ev._value = None
    # Environment.schedule computes now + delay; this is the same heap entry with t itself.
    heappush(env._queue, (t, NORMAL, next(env._eid), ev))  # type: ignore[attr-defined]
    return ev
