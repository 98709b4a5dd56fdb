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

A journey may also yield a delay, a Python ``float`` of minutes, where a process would
yield ``env.timeout(delay)``: the driver then puts its wake-up (a bound method, made
once per journey) on the queue where that timeout would go (due at ``now + delay``,
normal priority, in the order the timeout would have been scheduled:
:func:`acutesim.sim.loop.push`), and goes on when the run loop calls it, with None sent
in as a timeout's value. Most of a journey's waits are such delays; each costs no
event object, no callback list and no bound method.
"""

from __future__ import annotations

import numbers
from collections.abc import Generator
from typing import Any

from simpy.events import Event

from acutesim.sim.loop import NORMAL, WOKEN, Clock, heappush, push
from acutesim.sim.timers import OwnWakeUp


class _Journey(OwnWakeUp):
    """The driver of one journey; it wakes itself after a delay (:class:`OwnWakeUp`).

    Its wake-up is a bound method of the journey, a reference cycle, so it is dropped
    when the journey ends: reference counting then frees the journey at once, with no
    work left for the cyclic garbage collector.
    """

    __slots__ = ("_generator", "env")
    _generator: Generator[Any, Any, Any]
    env: Clock

    def __init__(self, generator: Generator[Any, Any, Any], env: Clock) -> None:
        self._generator = generator
        self.env = env
        self._wake = self._resume

    def _resume(self, event: Any) -> None:
        """Send each processed event's value in (or throw its failure) until one is pending."""
        gen = self._generator
        while True:
            try:
                if event is WOKEN:  # woken after a delay: no event to read
                    event = gen.send(None)
                elif event._ok:
                    event = gen.send(event._value)
                else:
                    event._defused = True
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    event = gen.throw(exc)
            except StopIteration:
                self._wake = None  # it refers back to the journey: no cycle left
                return
            if type(event) is not float:
                try:
                    callbacks = event.callbacks
                except AttributeError:  # a delay of another numeric type
                    event = _as_delay(event)
                else:
                    if callbacks is not None:  # pending: continue when SimPy processes it
                        callbacks.append(self._wake)
                        return
                    continue  # already processed: continue at once, as SimPy does
            # a delay: wake at now + delay, where the event of env.timeout(delay) would fire
            if not event >= 0:  # negative or NaN: no place on the clock
                raise ValueError(f"Negative delay {event}: a journey waits 0 minutes or more")
            env = self.env
            t = env._now + event
            if t in env._at:  # due with others: in SimPy's order among them
                push(env, t, NORMAL, self._wake)
            else:  # push's common case, inline
                env._at[t] = self._wake
                heappush(env._times, t)
                next(env._eid)
            return


def _as_delay(value: object) -> float:
    """A yielded delay that is not a Python float (an int, a numpy number) as one."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"a journey yielded {value!r}; expected a SimPy event or a delay in minutes"
        )
    return float(value)


def start_journey(env: Clock, generator: Generator[Event | float, Any, Any]) -> None:
    """Run ``generator`` up to its first wait now; resume it as its events are processed.

    Parameters
    ----------
    env : Clock
        The environment the journey runs in.
    generator : generator
        A journey: yields SimPy events, as the body of a process would, or delays
        [minutes, Python float] where a process would yield ``env.timeout(delay)``.
    """
    journey = _Journey(generator, env)
    journey._resume(WOKEN)  # as a processed event of value None: the generator's start
