"""The inlined event loop and the other speed changes give SimPy's results exactly."""

from __future__ import annotations

from functools import partial

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st
from simpy.events import NORMAL, URGENT

import acutesim.sim.model as model_module
from acutesim.domain.scenario import Scenario
from acutesim.rng import RandomStreams
from acutesim.sim.loop import Clock, run_until
from acutesim.sim.model import Model


def _simpy_run(env: simpy.Environment, until: float) -> None:
    env.run(until=until)


def _outcome(model: Model) -> tuple:
    rec = model.recorder
    return (
        model.env.now,
        next(model.env._eid),
        rec.n_created,
        sorted(rec.n_terminal.items()),
        [list(s.los_minutes) for s in rec.sites],
        [list(s.door_to_doctor_minutes) for s in rec.sites],
        list(rec.a1_response_minutes),
        rec.hap_contacts,
        [s.status for s in rec.sites],
        model.vehicle_log.minutes.tolist(),
    )


@pytest.mark.parametrize("vacancy", [0.0, 0.4])
def test_run_until_processes_what_env_run_processes(demo_region, demo_travel, monkeypatch, vacancy):
    outcomes = []
    for loop in (run_until, _simpy_run):
        monkeypatch.setattr(model_module, "run_until", loop)
        model = Model(
            demo_region,
            Scenario("s", staff_vacancy_share=vacancy),
            RandomStreams(20260105, 0),
            horizon_minutes=5 * 1440.0,
            warmup_minutes=1440.0,
            travel=demo_travel,
        )
        model.run()
        outcomes.append(_outcome(model))
    assert outcomes[0][2] > 500
    assert outcomes[0] == outcomes[1]


def _events(env: simpy.Environment, log: list) -> simpy.events.Event:
    def proc():
        yield env.timeout(1.0)
        log.append(("a", env.now))
        yield env.timeout(2.0)  # at 3.0: the horizon, not processed
        log.append(("b", env.now))

    env.process(proc())
    urgent = env.event()
    urgent._ok, urgent._value = True, None
    urgent.callbacks.append(lambda _e: log.append(("urgent", env.now)))
    env.schedule(urgent, simpy.events.URGENT, 3.0)  # before the stop event: processed
    return urgent


def test_run_until_stops_where_simpy_stops():
    logs = []
    for loop in (run_until, _simpy_run):
        env, log = Clock(), []
        _events(env, log)
        loop(env, 3.0)
        logs.append((log, env.now))
    assert logs[0] == logs[1] == ([("a", 1.0), ("urgent", 3.0)], 3.0)


# delays from a few values, so that many events fall on the same instant
_DELAYS = st.sampled_from([0.0, 0.0, 0.5, 1.0, 1.0, 2.5])
_SCHEDULE = st.tuples(_DELAYS, st.sampled_from(["urgent", "normal", "timeout", "wake-up", "call"]))
_PLAN = st.lists(st.tuples(_SCHEDULE, st.lists(_SCHEDULE, max_size=3)), max_size=25)


def _play(env: simpy.Environment, plan: list, until: float, stop_by_run_until: bool) -> tuple:
    """Schedule ``plan``; each event logs itself and schedules its children when processed.

    On a Clock a timeout is made by ``acutesim.sim.timers.timeout`` (the inlined common
    case of ``push``), a wake-up is a bound method pushed where the timeout would go and
    a call is ``acutesim.sim.timers.call_at`` with a partial; on SimPy's own
    environment all three are ``env.timeout``.
    """
    from acutesim.sim.loop import WOKEN, push
    from acutesim.sim.timers import call_at, timeout

    log: list = []

    class Waker:
        def __init__(self, processed: object) -> None:
            self.processed = processed

        def wake(self, woken: object) -> None:
            assert woken is WOKEN
            self.processed(woken)

    def schedule(key: object, delay: float, kind: str, children: list) -> None:
        def processed(_ev: object) -> None:
            log.append((key, env.now))
            for j, (d, k) in enumerate(children):
                schedule((key, j), d, k, [])

        if kind == "wake-up" and isinstance(env, Clock):
            push(env, env.now + delay, NORMAL, Waker(processed).wake)
            return
        if kind == "call" and isinstance(env, Clock):
            call_at(env, env.now + delay, partial(Waker.wake, Waker(processed)))
            return
        if kind in ("timeout", "wake-up", "call"):
            ev = timeout(env, delay) if isinstance(env, Clock) else env.timeout(delay)
        else:
            ev = env.event()
            ev._ok, ev._value = True, None
            env.schedule(ev, URGENT if kind == "urgent" else NORMAL, delay)
        ev.callbacks.append(processed)

    for i, ((delay, kind), children) in enumerate(plan):
        schedule(i, delay, kind, children)
    if stop_by_run_until:
        run_until(env, until)
    else:
        env.run(until=until)
    stopped_at = (list(log), env.now, env.peek())
    env.run()  # the rest, after the stop event SimPy leaves on the queue
    return stopped_at, log, env.now, next(env._eid)


@settings(max_examples=200, deadline=None)
@given(plan=_PLAN, until=st.sampled_from([0.5, 1.0, 2.0, 10.0]))
def test_clock_processes_events_in_simpys_order(plan, until):
    # the oracle: SimPy's own environment (one heap of (time, priority, id, event))
    want = _play(simpy.Environment(), plan, until, stop_by_run_until=False)
    assert _play(Clock(), plan, until, stop_by_run_until=True) == want
    assert _play(Clock(), plan, until, stop_by_run_until=False) == want


def test_clock_lists_what_is_pending_and_steps_like_simpy():
    env = Clock()
    assert env.peek() == float("inf")
    with pytest.raises(simpy.core.EmptySchedule):
        env.step()
    late, normal, urgent = env.timeout(2.0), env.event(), env.event()
    normal._ok = urgent._ok = True
    env.schedule(normal, NORMAL, 1.0)
    env.schedule(urgent, URGENT, 1.0)
    assert env.pending() == [(1.0, URGENT, urgent), (1.0, NORMAL, normal), (2.0, NORMAL, late)]
    assert env.peek() == 1.0
    env.step()
    assert (env.now, urgent.processed, normal.processed) == (1.0, True, False)
    assert env.pending() == [(1.0, NORMAL, normal), (2.0, NORMAL, late)]


def test_a_call_refuses_an_instant_before_now():
    from acutesim.sim.timers import call_at

    env = Clock(initial_time=2.0)
    for t in (1.5, float("nan")):
        with pytest.raises(ValueError, match="before now"):
            call_at(env, t, partial(print))
    assert env.pending() == []


def test_run_until_raises_failures_and_bad_horizons():
    env = Clock()
    failing = env.event()
    failing.fail(KeyError("x"))
    with pytest.raises(KeyError):
        run_until(env, 5.0)
    with pytest.raises(ValueError, match="greater than"):
        run_until(env, env.now)


def test_travel_matrices_release_the_routed_cache_and_read_it_again():
    from dataclasses import fields
    from pathlib import Path

    from acutesim.config.load import load_region
    from acutesim.geo.travel import matrix
    from acutesim.sim.travel import travel_matrices

    pack = Path(__file__).resolve().parents[2] / "regions" / "nl"
    region = load_region(pack)
    assert region.travel["model"] == "routed"
    first = travel_matrices(region)
    assert matrix._ROUTED_CACHE == {}  # not kept for the run
    second = travel_matrices(region)  # read from the file again: the same minutes
    for f in fields(first):
        assert getattr(first, f.name).shape == getattr(second, f.name).shape
        assert (getattr(first, f.name) == getattr(second, f.name)).all(), f.name
    assert first.amb_post_area.shape == (len(region.posts), len(region.areas))


def test_posts_by_area_sorts_each_area_as_a_stable_sort_of_its_column():
    import math
    from array import array

    import numpy as np

    from acutesim.sim.ambulance import _posts_by_area

    rng = np.random.default_rng(1)
    minutes = rng.integers(0, 5, (30, 50)).astype(float)  # many ties
    minutes[rng.random(minutes.shape) < 0.2] = np.inf
    minutes[:, 7] = np.inf  # an area no post reaches
    got = _posts_by_area(minutes)
    assert len(got) == 50
    assert got[7] == ([], array("d"))
    for area in range(50):
        column = minutes[:, area]
        order = np.argsort(column, kind="stable")
        order = order[column[order] < math.inf]
        assert got[area] == (order.tolist(), array("d", column[order].tolist()))


def _reference_patient(b, i, pid, stream, route):
    """A patient built as before: ``Patient(...)`` with its defaults, then the draws."""
    from acutesim.sim.patient import Patient

    p = Patient(pid, stream, route, b.area[i], b.t_minutes[i])
    p.mts = p.priority = b.mts[i]
    p.admitted = b.admitted[i]
    p.treatment_minutes = b.treatment_minutes[i]
    p.triage_minutes = b.triage_minutes[i]
    p.ward_minutes = b.ward_minutes[i]
    if route == "ambulance":
        p.urgency = b.urgency[i]
        p.dispatch_minutes = b.dispatch_minutes[i]
        p.on_scene_minutes = b.on_scene_minutes[i]
        p.conveyed = b.conveyed[i]
        p.handover_minutes = b.handover_minutes[i]
        p.to_seh = b.to_seh[i]
        p.specialised = b.specialised[i]
    p.hap_consult = b.hap_consult[i]
    p.hap_referral = b.hap_referral[i]
    p.hap_take = b.hap_take[i]
    p.hap_triage_minutes = b.hap_triage_minutes[i]
    p.hap_consult_minutes = b.hap_consult_minutes[i]
    p.patience_minutes = b.patience_minutes[i]
    return p


@pytest.mark.parametrize("route", ["ambulance", "hap", "self", "gp"])
def test_patient_from_incident(route):
    """Every slot of a new patient as Patient.__init__ and the draws set it, and no other."""
    import math
    from dataclasses import fields

    import numpy as np

    from acutesim.sim.demand import IncidentBatch, as_lists, as_rows
    from acutesim.sim.journeys import _patient
    from acutesim.sim.patient import Patient

    rng = np.random.default_rng(5)
    n = 40
    cols = {}
    for f in fields(IncidentBatch):
        if f.name in ("area", "mts", "urgency"):
            cols[f.name] = rng.integers(0, 3, n)
        elif f.name.endswith("minutes"):
            cols[f.name] = np.sort(rng.random(n) * 100) + 1.0
        else:
            cols[f.name] = rng.random(n) < 0.5
    cols["patience_minutes"][::3] = np.inf
    (chunk,) = as_lists(IncidentBatch(**cols))
    (rows,) = as_rows(IncidentBatch(**cols))
    assert len(rows) == n
    for i in range(n):
        got = _patient(rows[i], 7 + i, "stream", route)
        want = _reference_patient(chunk, i, 7 + i, "stream", route)
        for slot in Patient.__slots__:
            a, b = getattr(got, slot), getattr(want, slot)  # AttributeError: slot never set
            same = a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))
            assert same, (slot, a, b)
            assert type(a) is type(b), (slot, a, b)


def test_timeout_is_scheduled_as_env_timeout():
    from acutesim.sim.timers import timeout

    env = Clock()
    env.timeout(1.5)
    ours, theirs = timeout(env, 2.25), env.timeout(2.25)
    for name in ("_ok", "_value", "_delay", "callbacks", "env", "triggered", "processed"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert not hasattr(ours, "__dict__")  # slots: no instance dict
    entries = env.pending()
    assert [(t, prio) for t, prio, _ev in entries] == [(1.5, 1), (2.25, 1), (2.25, 1)]
    assert entries[1][2] is ours  # scheduled first, processed first
    assert (ours._ok, ours._value, ours._delay, ours.callbacks) == (True, None, 2.25, [])
    with pytest.raises(ValueError, match="Negative delay"):
        timeout(env, -1.0)


def test_consult_then_calls_back_where_the_consult_event_is_processed():
    from acutesim.sim.hap import HAPPost
    from acutesim.sim.patient import Patient

    env = Clock()
    hap = HAPPost(env, 0, "h", -1, None)
    hap.set_gps(1)
    log = []
    patients = []
    for k, minutes in enumerate((5.0, 3.0, 2.0)):
        p = Patient(k, "hap", "hap", 0, 0.0)
        p.hap_consult_minutes = minutes
        patients.append(p)
    ev = hap.consult(patients[0])
    ev.callbacks.append(lambda _e: log.append(("event", env.now, hap.busy)))
    hap.consult_then(3.0, lambda: log.append(("then", env.now, hap.busy)))
    hap.consult_then(2.0, lambda: log.append(("last", env.now, hap.busy)))
    env.run()
    # one GP: in queue order; the next consult has started when the callback runs
    assert log == [("event", 5.0, 1), ("then", 8.0, 1), ("last", 10.0, 0)]


def test_release_arrow_memory_asks_the_pool_only_when_pyarrow_is_loaded(monkeypatch):
    import sys
    import types

    from acutesim.sim.tuning import release_arrow_memory

    calls = []
    pool = types.SimpleNamespace(release_unused=lambda: calls.append("released"))
    fake = types.SimpleNamespace(default_memory_pool=lambda: pool)
    monkeypatch.setitem(sys.modules, "pyarrow", fake)
    release_arrow_memory()
    assert calls == ["released"]
    monkeypatch.delitem(sys.modules, "pyarrow")
    release_arrow_memory()  # not imported: nothing to release, nothing imported
    assert calls == ["released"]
    assert "pyarrow" not in sys.modules


def test_vehicle_log_starts_at_zero_for_every_vehicle_window_and_activity():
    from acutesim.sim.recorder import ON_DUTY, VehicleLog

    log = VehicleLog(3, {"day": 8.0, "night": 20.0}, 0.0, 2 * 1440.0)
    minutes = log.minutes
    assert minutes.shape == (3, len(log.starts), ON_DUTY + 1)
    assert not minutes.any()
    log.add(1, 0, 60.0, 90.0)
    assert log.minutes.sum() == 30.0
