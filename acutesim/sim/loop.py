"""The event loop of a run: ``env.run(until=t)`` with SimPy's step inlined.

``Environment.run`` calls ``Environment.step`` once per event: a method call, a ``try``
and attribute look-ups on the environment for every one of millions of events.
:func:`run_until` processes the same queue in the same order with the step's body in
its own loop. It schedules the same stop event as ``env.run(until=t)`` (urgent, at
``t``) and stops where SimPy stops, so the events processed, their order, the clock and
the queue at the end are SimPy's. A failed event that no one defused raises a copy of
its exception, as SimPy's step does.
"""

from __future__ import annotations

from heapq import heappop

import simpy
from simpy.events import URGENT, Event, EventPriority


def run_until(env: simpy.Environment, until: float) -> None:
    """Process every event before the instant ``until``, as ``env.run(until=until)`` does.

    Parameters
    ----------
    env : simpy.Environment
        The environment; nothing may be running it.
    until : float
        The instant to stop at [minutes]; must lie after ``env.now``.

    Raises
    ------
    ValueError
        When ``until`` does not lie after ``env.now``.
    """
    at = float(until)
    if at <= env.now:
        raise ValueError(f"until ({at}) must be greater than the current simulation time")
    stop = Event(env)
    stop._ok = True
    stop._value = None
    env.schedule(stop, URGENT, at - env.now)
    queue = env._queue  # type: ignore[attr-defined]
    while True:  # the stop event is on the queue until it is taken off
        env._now, _, _, event = heappop(queue)  # type: ignore[attr-defined]
        if event is stop:  # as SimPy leaves it: back on the queue, ahead of all at ``at``
            stop.callbacks = []
            env.schedule(stop, EventPriority(-1))
            return
        callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
        for callback in callbacks:  # type: ignore[union-attr]
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc
