"""Events at an absolute instant on the simulation clock.

A ward bed frees at ``t_ward + ward_minutes``, an instant fixed when the patient goes up
to the ward. The SEH keeps those instants in a heap and wakes only when a boarding
patient waits for the earliest of them, so it schedules its wake-up at that stored
instant. ``env.timeout(t - env.now)`` would fire at ``env.now + (t - env.now)``, which
can differ from ``t`` in the last bit; :func:`event_at` schedules the event at ``t``
itself, exactly where a timeout scheduled when the bed was taken would have fired.

The helpers build SimPy's events without their constructors (``env.timeout``,
``env.event`` and ``Event(env)`` each cost a bound-class call and ``__init__``) and
schedule them as ``Environment.schedule`` would (normal priority, on the
:class:`acutesim.sim.loop.Clock`'s queue, :func:`acutesim.sim.loop.push`). For the same
reason the model's hot paths read the clock as ``env._now``, the attribute behind
SimPy's ``env.now`` property (a property is a Python call on every read). Where a timer
would have one callback and nothing else waits on it (the end of a treatment, of a
consult), :func:`call_at` puts that callback on the queue in the timer's place, with
no event at all (a wake-up), inlining ``push``'s common case (the first item due at
its instant).

The events that :func:`timeout` and :func:`event_at` make are :class:`Timer` objects:
what SimPy reads of a triggered ``Timeout`` (``env``, ``callbacks``, ``_value``,
``_ok``, ``_delay``) in slots, without the instance dict and its values array of a
SimPy event (a national run holds about a thousand pending events at any time).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Final

from mypy_extensions import mypyc_attr
from simpy.events import Event

from acutesim.sim.loop import NORMAL, Clock, heappush, push

_new_event: Final = Event.__new__


@mypyc_attr(native_class=False)  # built without __init__, with SimPy's properties
class Timer:
    """A triggered event processed at its scheduled instant, like SimPy's ``Timeout``.

    The run loop, a journey or a SimPy process waiting on it, and a SimPy condition
    (``event | timer``) read the same attributes as on a ``Timeout``; its properties and
    operators are SimPy's own.
    """

    __slots__ = ("_defused", "_delay", "_ok", "_value", "callbacks", "env")
    env: Clock
    callbacks: Any  # a list of callbacks, None once processed
    _value: Any
    _ok: bool
    _defused: bool
    _delay: float

    triggered = Event.triggered
    processed = Event.processed
    ok = Event.ok
    value = Event.value
    defused = Event.defused
    __and__ = Event.__and__
    __or__ = Event.__or__


_new_timer: Final = Timer.__new__


class OwnWakeUp:
    """Base of an object that wakes itself at instants, with no event per wake-up.

    A journey waiting for a delay and the demand release waiting for the next call each
    wake one callback, again and again. Instead of an event per wake-up (a Timer, its
    callback list and a bound method), the object puts its wake-up, one bound method
    made once (``_wake``), on the :class:`~acutesim.sim.loop.Clock`'s queue at instant
    ``t``, as :func:`event_at` would put a timer there (``push(env, t, NORMAL,
    self._wake)``, its common case inline); the run loop calls it with
    :data:`~acutesim.sim.loop.WOKEN`, what a processed timeout would give. The two
    subclasses do that in their own hot loops: a method call for it costs about 1% of a
    national journey's instructions.
    """

    __slots__ = ("_wake",)
    _wake: Callable[[Any], None] | None


def event_at(env: Clock, t: float) -> Timer:
    """A triggered event that SimPy processes at instant ``t`` [minutes].

    Parameters
    ----------
    env : Clock
        The environment; ``t`` must not lie before ``env.now``.
    t : float
        The instant [minutes since the start of the horizon].

    Returns
    -------
    Timer
        An event with value None, scheduled like a timeout (normal priority, next event id).
    """
    ev = _new_timer(Timer)
    ev.env = env
    ev.callbacks = []
    ev._value = None
    ev._ok = True
    push(env, t, NORMAL, ev)  # Environment.schedule would compute now + delay: t itself
    return ev


def call_at(env: Clock, t: float, callback: partial[Any]) -> None:
    """Call ``callback(WOKEN)`` at instant ``t``, where ``event_at(env, t)`` is processed.

    For a timer with one callback that nothing else waits on: the same place on the
    queue, without the timer and its callback list (a wake-up, :mod:`acutesim.sim.loop`).
    After a delay, ``t`` is ``env._now + delay``: the instant ``timeout(env, delay)``
    fires.

    Parameters
    ----------
    env : Clock
        The environment; ``t`` must not lie before ``env.now``.
    t : float
        The instant [minutes since the start of the horizon].
    callback : functools.partial
        Called with :data:`~acutesim.sim.loop.WOKEN`, as a timer's callback with the timer.
    """
    if not t >= env._now:  # before now, or NaN: no place on the clock
        raise ValueError(f"call at {t}, before now ({env._now})")
    if t in env._at:
        push(env, t, NORMAL, callback)
    else:  # push's common case, inline
        env._at[t] = callback
        heappush(env._times, t)
        next(env._eid)


def process_now(ev: Event, value: object = None) -> None:
    """Trigger ``ev`` and run its callbacks at once, as if SimPy processed it now.

    ``ev.succeed()`` schedules the event at the current instant, behind everything already
    scheduled. Callers use this instead only where nothing else can be scheduled at the
    current instant ahead of the event (the callback of a timeout, after every other
    change the callback makes), so the waiting journey continues exactly as it would one
    event later, and the event costs no trip through the queue.

    Parameters
    ----------
    ev : simpy.events.Event
        An untriggered event; afterwards it is processed (``ev.processed`` is True).
    value : object, default None
        The event's value, sent into the waiting journey.
    """
    ev._ok = True
    ev._value = value
    callbacks, ev.callbacks = ev.callbacks, None  # type: ignore[assignment]
    for callback in callbacks:
        callback(ev)


def timeout(env: Clock, delay: float) -> Timer:
    """``env.timeout(delay)`` without its bound-class call: a Timer, scheduled alike.

    ``env.timeout`` builds a bound method and runs ``Timeout.__init__`` for every call;
    this sets the same attributes as a ``Timeout`` and schedules the event the same way
    (normal priority, at ``env.now + delay``, the next event id).

    Parameters
    ----------
    env : Clock
        The environment.
    delay : float
        Minutes from now; must not be negative.

    Returns
    -------
    Timer
        The scheduled timeout, with value None.
    """
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    ev = _new_timer(Timer)
    ev.env = env
    ev.callbacks = []
    ev._value = None
    ev._delay = delay
    ev._ok = True
    push(env, env._now + delay, NORMAL, ev)  # Environment.schedule, without its method call
    return ev


def new_event(env: Clock) -> Event:
    """``env.event()`` without its bound-class call: the same untriggered Event.

    Parameters
    ----------
    env : Clock
        The environment.

    Returns
    -------
    simpy.events.Event
        A pending event (no callbacks yet), with the attributes ``Event(env)`` sets.
    """
    ev = _new_event(Event)
    ev.env = env  # type: ignore[assignment]  # a Clock offers what SimPy's Event uses
    ev.callbacks = []
    return ev
