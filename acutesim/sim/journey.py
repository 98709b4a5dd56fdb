"""A patient journey driven like a SimPy process, without a process's own events.

``env.process(gen)`` schedules an ``Initialize`` event to start the generator and, when
it ends, schedules the ``Process`` itself as an event. Nothing waits on a journey, so
that end event changes nothing, and the start can run at once: :func:`start_journey`
drives the generator exactly as ``Process._resume`` does (the value of each yielded
event is sent in, a failed event is thrown in) but takes the first step immediately
and schedules nothing at the end, two SimPy events fewer per journey. An exception
the generator does not handle propagates out of ``env.step`` at once, as it would when
SimPy processed the failed process. A journey is not a ``Process``: it cannot be
interrupted, nothing can wait for its end, and ``env.active_process`` is None inside it
(so no preemptive SimPy resources); a journey that needs any of these uses
``env.process``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simpy.events import Event


class _Journey:
    __slots__ = ("_generator",)

    def _resume(self, event: Event) -> None:
        """Send each processed event's value in (or throw its failure) until one is pending."""
        gen = self._generator
        while True:
            try:
                if event._ok:
                    event = gen.send(event._value)
                else:
                    event._defused = True
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    event = gen.throw(exc)
            except StopIteration:
                return
            if event.callbacks is not None:  # pending: continue when SimPy processes it
                event.callbacks.append(self._resume)
                return
            # already processed: continue at once, as SimPy does


_new_journey = _Journey.__new__


def start_journey(generator: Generator[Event, Any, Any]) -> None:
    """Run ``generator`` up to its first wait now; resume it as its events are processed.

    A journey that ends before its first wait needs no driver object at all.

    Parameters
    ----------
    generator : generator
        A journey: yields SimPy events, as the body of a process would.
    """
    try:
        event = generator.send(None)
    except StopIteration:
        return
    journey = _new_journey(_Journey)
    journey._generator = generator
    if event.callbacks is not None:  # the first wait: not yet processed
        event.callbacks.append(journey._resume)
    else:
        journey._resume(event)
