"""The event queue and loop of a run: SimPy's order, kept by instant.

SimPy keeps its pending events in one heap of ``(time, priority, event id, event)``
tuples. Every comparison in that heap compares two tuples (their times for equality,
then for order), and a national run pops three events per journey from a heap of about
800, about ten comparisons each: a fifth of a journey's instructions went there.

:class:`Clock` is an environment with SimPy's contract and order, kept differently: a heap
of the distinct pending instants (Python floats, compared directly) and a dict from
each instant to what is due then. Almost always that is one event, stored as itself.
Events that fall on the same instant (a zero delay, two arrivals at one minute) share a
:class:`_Tied` bucket, a small heap of ``(priority, event id, event)``, so they come out
as SimPy's heap would give them: urgent before normal, then in the order they were
scheduled. The event that had the instant to itself was scheduled before every other
event now due at it, so it enters the bucket with the lowest id.

Besides events, the queue holds wake-ups: a bound method that an object waiting for
a delay (a journey, the demand release; :class:`acutesim.sim.timers.OwnWakeUp`) puts
where a timeout would go, or a ``functools.partial`` that stands for a timeout with one
callback nobody else waits on (:func:`acutesim.sim.timers.call_at`). The loop calls it
with :data:`WOKEN` (what a processed timeout gives: ok, value None) instead of reading
an event's callbacks; so the events the loop reads are few in kind, and Python keeps
its attribute reads specialised.

:func:`push` is ``Environment.schedule`` at an absolute instant; the model's hot paths
(a journey's delays, the demand release, :mod:`acutesim.sim.timers`) inline its common
case. :func:`run_until` processes the queue in SimPy's order, with the step's body in
its own loop; it schedules the same stop event as ``env.run(until=t)`` (urgent, at
``t``) and stops where SimPy stops, so the events processed, their order and the clock
are SimPy's. A failed event that no one defused raises a copy of its exception, as
SimPy's step does.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator, Iterable
from functools import partial
from itertools import count
from types import BuiltinMethodType, MethodType
from typing import Any, Final, cast

import simpy
from mypy_extensions import mypyc_attr
from simpy import events as _events
from simpy.core import EmptySchedule, Infinity, StopSimulation
from simpy.events import AllOf, AnyOf, Event, EventPriority, Process, Timeout


class Woken:
    """What a wake-up receives: the view of a processed timeout (ok, value None)."""

    __slots__ = ("_ok", "_value")

    def __init__(self) -> None:
        self._ok, self._value = True, None


WOKEN: Final = Woken()

# the heap functions, as module constants a compiled engine reads without a look-up
heappush: Final = heapq.heappush
heappop: Final = heapq.heappop

# SimPy's event priorities, as module constants a compiled engine reads without a look-up
URGENT: Final[EventPriority] = _events.URGENT
NORMAL: Final[EventPriority] = _events.NORMAL

# what the queue holds besides events: callables it calls with WOKEN (a bound method of
# a class compiled by mypyc is a builtin method: scripts/compile_engine.py)
WAKE_UP_TYPES: Final = (MethodType, partial, BuiltinMethodType)


@mypyc_attr(native_class=False)  # a list subclass: a Python class when compiled
class _Tied(list):  # type: ignore[type-arg]
    """The events due at one instant, as a heap of ``(priority, event id, event)``."""

    __slots__ = ()


class Clock:
    """SimPy's environment with its pending events kept by instant (see the module).

    ``_times`` is a heap of the distinct instants at which something is due; ``_at``
    maps each to its event or wake-up, or to a :class:`_Tied` bucket when several are
    due then. ``_eid`` still counts every item scheduled, as SimPy's counts events.

    It offers what SimPy's events, processes and conditions use of an environment
    (``now``, ``active_process``, ``schedule``, ``process``, ``timeout``, ``event``,
    ``all_of``, ``any_of``, ``step``, ``peek``, ``run``) with SimPy's contracts, without
    subclassing ``simpy.Environment``: so a compiled engine (``scripts/compile_engine.py``)
    makes it a C struct whose fields the model reads directly.
    """

    def __init__(self, initial_time: float = 0.0) -> None:
        self._now = float(initial_time)
        self._times: list[float] = []
        self._at: dict[float, Any] = {}
        self._eid = count()  # counter of scheduled items, as SimPy's event ids
        self._active_proc: Process | None = None

    @property
    def now(self) -> float:
        """The current simulation time [minutes]."""
        return self._now

    @property
    def active_process(self) -> Process | None:
        """The process that is running now, if any."""
        return self._active_proc

    def process(self, generator: Generator[Event, Any, Any]) -> Process:
        """Start a SimPy process of ``generator`` (``Environment.process``)."""
        return Process(_as_env(self), generator)

    def timeout(self, delay: float = 0, value: Any = None) -> Timeout:
        """An event processed ``delay`` minutes from now (``Environment.timeout``)."""
        return Timeout(_as_env(self), delay, value)

    def event(self) -> Event:
        """A new pending event (``Environment.event``)."""
        return Event(_as_env(self))

    def all_of(self, events: Iterable[Event]) -> AllOf:
        """An event processed once all ``events`` are (``Environment.all_of``)."""
        return AllOf(_as_env(self), events)

    def any_of(self, events: Iterable[Event]) -> AnyOf:
        """An event processed once any of ``events`` is (``Environment.any_of``)."""
        return AnyOf(_as_env(self), events)

    def run(self, until: float | Event | None = None) -> Any:
        """Step until ``until`` (an instant or an event), as ``Environment.run`` does."""
        if until is not None:
            if not isinstance(until, Event):
                at = float(until)
                if at <= self._now:
                    raise ValueError(
                        f"until ({at}) must be greater than the current simulation time"
                    )
                until = Event(_as_env(self))
                until._ok = True
                until._value = None
                self.schedule(until, URGENT, at - self._now)  # before all else due then
            elif until.callbacks is None:  # already processed
                return until.value
            until.callbacks.append(StopSimulation.callback)
        try:
            while True:
                self.step()
        except StopSimulation as exc:
            return exc.args[0]  # the value of ``until``
        except EmptySchedule:
            if until is not None:
                raise RuntimeError(
                    f'No scheduled events left but "until" event was not triggered: {until}'
                ) from None
        return None

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: float = 0.0) -> None:
        """Schedule ``event`` with ``priority`` after ``delay`` minutes, as SimPy does."""
        push(self, self._now + delay, priority, event)

    def peek(self) -> float:
        """The instant of the next event, or infinity when none is scheduled."""
        return self._times[0] if self._times else Infinity

    def step(self) -> None:
        """Process the next event (``Environment.step``'s contract)."""
        if not self._times:
            raise EmptySchedule()
        self._now, event = _pop(self)
        if type(event) in WAKE_UP_TYPES:
            event(WOKEN)
            return
        callbacks, event.callbacks = event.callbacks, None
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:  # as SimPy: the rest of the callbacks when it resumes
            event.callbacks = callbacks[callbacks.index(callback) + 1 :]
            self.schedule(event, EventPriority(-1))
            raise
        if not event._ok and not hasattr(event, "_defused"):
            _raise_failure(event)

    def pending(self) -> list[tuple[float, int, Event]]:
        """Every scheduled item as ``(instant, priority, event or wake-up)``, in order."""
        out: list[tuple[float, int, Event]] = []
        for t in sorted(self._times):
            due = self._at[t]
            if type(due) is _Tied:
                out.extend((t, prio, ev) for prio, _eid, ev in sorted(due, key=lambda e: e[:2]))
            else:
                out.append((t, NORMAL, due))
        return out


def _as_env(clock: Clock) -> simpy.Environment:
    """The clock where SimPy's classes ask for an environment (it offers what they use)."""
    return cast(simpy.Environment, clock)


def push(env: Clock, t: float, priority: int, event: Any) -> None:
    """Schedule ``event`` at instant ``t`` with ``priority`` (SimPy's order)."""
    at = env._at
    eid = next(env._eid)
    due = at.get(t)
    if due is None:
        if priority == NORMAL:
            at[t] = event
        else:
            at[t] = _Tied([(priority, eid, event)])
        heappush(env._times, t)
        return
    if type(due) is not _Tied:  # the instant's first event was scheduled before all
        due = at[t] = _Tied([(NORMAL, -1, due)])
    heappush(due, (priority, eid, event))


def _pop(env: Clock) -> tuple[float, Any]:
    """Take the next event off the queue: its instant and the event."""
    t = heappop(env._times)
    due = env._at.pop(t)
    if type(due) is _Tied:
        due = _take_tied(env, t, due)
    return t, due


def _raise_failure(event: Event) -> None:
    """Crash the run with a copy of a failed event's exception, as SimPy's step does."""
    exc = type(event._value)(*event._value.args)
    exc.__cause__ = event._value
    raise exc


def _take_tied(env: Clock, t: float, tied: _Tied) -> Any:
    """The first of the events due at ``t``; the rest stay due at ``t``."""
    _prio, _eid, event = heappop(tied)
    if tied:
        env._at[t] = tied if len(tied) > 1 or tied[0][0] != NORMAL else tied[0][2]
        heappush(env._times, t)
    return event


def run_until(env: Clock, until: float) -> None:
    """Process every event before the instant ``until``, as ``env.run(until=until)`` does.

    Parameters
    ----------
    env : Clock
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
    stop = Event(_as_env(env))
    stop._ok = True
    stop._value = None
    push(env, at, URGENT, stop)
    times, pop = env._times, env._at.pop
    while True:  # the stop event is on the queue until it is taken off
        t = heappop(times)
        event = pop(t)
        env._now = t
        kind = type(event)
        if kind is _Tied:
            event = _take_tied(env, t, event)
            kind = type(event)
        # WAKE_UP_TYPES: no event, no callbacks
        if kind is MethodType or kind is partial or kind is BuiltinMethodType:
            event(WOKEN)
            continue
        if event is stop:  # as SimPy leaves it: back on the queue, ahead of all at ``at``
            stop.callbacks = []
            push(env, at, EventPriority(-1), stop)
            return
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            _raise_failure(event)
