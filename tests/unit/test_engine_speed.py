"""Speed changes that must not change results: dispatch index, Python clock, gc settings."""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
import simpy

from acutesim.domain.scenario import Scenario
from acutesim.rng import RandomStreams
from acutesim.sim import loop
from acutesim.sim.ambulance import AT_SITE, BUSY, IDLE, RETURNING, Meldkamer
from acutesim.sim.loop import Clock
from acutesim.sim.model import Model


def _model(region, travel, scenario: Scenario, days: float = 7.0) -> Model:
    return Model(
        region,
        scenario,
        RandomStreams(20260105, 0),
        horizon_minutes=days * 1440.0,
        warmup_minutes=0.0,
        travel=travel,
    )


@pytest.mark.parametrize("vacancy", [0.0, 0.4])
def test_dispatch_index_picks_what_a_scan_of_all_vehicles_picks(
    demo_region, demo_travel, monkeypatch, vacancy
):
    model = _model(demo_region, demo_travel, Scenario("s", staff_vacancy_share=vacancy))
    mk = model.meldkamer
    checked: list[tuple[int, float]] = []
    fast = mk.nearest

    def compare(area: int) -> tuple[int, float]:
        got = fast(area)
        assert got == mk.nearest_by_scan(area)
        checked.append(got)
        return got

    monkeypatch.setattr(mk, "nearest", compare)
    model.run()
    assert len(checked) > 100
    assert any(v >= 0 for v, _ in checked)


def test_dispatch_ties_and_away_vehicles():
    # posts 0 and 1 both 5 minutes from area 0; vehicles 0-1 at post 1, 2-3 at post 0
    post_to_area = np.array([[5.0, np.inf], [5.0, 9.0]])
    site_to_area = np.array([[5.0, 2.0]])
    env = Clock()
    mk = Meldkamer(env, np.array([1, 1, 0, 0]), post_to_area, site_to_area, np.ones((1, 2)), None)
    for v in (1, 3):
        mk.state[v] = IDLE
        mk._sync(v)
    assert mk.nearest(0) == mk.nearest_by_scan(0) == (1, 5.0)
    assert mk.nearest(1) == mk.nearest_by_scan(1) == (1, 9.0)
    # vehicle 0 returning from the SEH is counted at the site: 2 minutes to area 1
    mk.state[0], mk.loc_kind[0] = RETURNING, AT_SITE
    mk._sync(0)
    assert mk.nearest(1) == mk.nearest_by_scan(1) == (0, 2.0)
    assert mk.nearest(0) == mk.nearest_by_scan(0) == (0, 5.0)  # tie: lowest index
    for v in (0, 1, 3):
        mk.state[v] = BUSY
        mk._sync(v)
    assert mk.nearest(0) == mk.nearest_by_scan(0) == (-1, np.inf)


def test_event_times_are_python_floats(demo_region, demo_travel, monkeypatch):
    # every instant the run loop takes off the queue, however its event was scheduled
    # (SimPy's schedule, acutesim.sim.timers, a journey's delay, the demand release)
    model = _model(demo_region, demo_travel, Scenario("baseline"), days=3.0)
    seen: list[type] = []

    def check(heap):
        t = heapq.heappop(heap)
        if heap is model.env._times:  # not a bucket of events due at one instant
            seen.append(type(t))
        return t

    monkeypatch.setattr(loop, "heappop", check)
    model.run()
    assert len(seen) > 1000
    assert set(seen) <= {float, int}
    assert float in seen


def _trace(env: simpy.Environment, log: list):
    value = yield env.timeout(2.0, value="a")
    log.append((env.now, value))
    done = env.event()
    done.succeed("b")
    log.append((env.now, (yield done)))
    failing = env.event()
    failing.fail(ValueError("closed"))
    try:
        yield failing
    except ValueError as exc:
        log.append((env.now, str(exc)))
    yield env.timeout(1.0)
    log.append((env.now, "end"))


def test_start_journey_runs_like_a_process_with_two_events_fewer():
    from acutesim.sim.journey import start_journey

    runs = {}
    for how in ("process", "journey"):
        env, log = Clock(), []
        if how == "process":
            env.process(_trace(env, log))
        else:
            start_journey(env, _trace(env, log))
        env.run()
        runs[how] = (log, next(env._eid))
    assert (
        runs["journey"][0]
        == runs["process"][0]
        == [
            (2.0, "a"),
            (2.0, "b"),
            (2.0, "closed"),
            (3.0, "end"),
        ]
    )
    assert runs["journey"][1] == runs["process"][1] - 2


def test_start_journey_raises_an_unhandled_failure():
    from acutesim.sim.journey import start_journey

    env = Clock()

    def broken():
        yield env.timeout(1.0)
        raise KeyError("x")

    start_journey(env, broken())
    with pytest.raises(KeyError):
        env.run()


FLAGS = ("admitted", "conveyed", "hap_consult", "hap_referral", "hap_take", "to_seh", "specialised")


def test_as_lists_chunks_hold_the_same_values_as_python_scalars():
    from dataclasses import fields

    from acutesim.sim.demand import LIST_CHUNK, IncidentBatch, as_lists

    n = 2 * LIST_CHUNK + 5
    rng = np.random.default_rng(3)
    cols = {}
    for f in fields(IncidentBatch):
        if f.name in ("area", "mts", "urgency"):
            cols[f.name] = rng.integers(0, 4, n)
        elif f.name in FLAGS:
            cols[f.name] = rng.random(n) < 0.5
        else:
            cols[f.name] = np.sort(rng.random(n) * 100)
    batch = IncidentBatch(**cols)
    chunks = list(as_lists(batch))
    assert [len(c.t_minutes) for c in chunks] == [LIST_CHUNK, LIST_CHUNK, 5]
    for f in fields(IncidentBatch):
        joined = [x for c in chunks for x in getattr(c, f.name)]
        assert joined == getattr(batch, f.name).tolist()
        kind = int if f.name in ("area", "mts", "urgency") else bool if f.name in FLAGS else float
        assert all(type(x) is kind for x in joined)  # the model copies them without casting


def test_as_lists_casts_columns_to_the_patients_python_types():
    from dataclasses import fields

    from acutesim.sim.demand import IncidentBatch, as_lists

    cols = {f.name: np.array([1, 0], dtype=np.int32) for f in fields(IncidentBatch)}
    (chunk,) = as_lists(IncidentBatch(**cols))
    assert chunk.area == [1, 0]
    assert type(chunk.area[0]) is int
    assert chunk.admitted == [True, False]
    assert type(chunk.admitted[0]) is bool
    assert chunk.ward_minutes == [1.0, 0.0]
    assert type(chunk.ward_minutes[0]) is float


def test_as_rows_are_the_chunks_columns_zipped_in_field_order():
    from dataclasses import fields

    from acutesim.sim.demand import LIST_CHUNK, ROW_FIELDS, IncidentBatch, as_lists, as_rows

    assert tuple(f.name for f in fields(IncidentBatch)) == ROW_FIELDS
    n = LIST_CHUNK + 3
    rng = np.random.default_rng(4)
    cols = {f.name: rng.random(n) * (k + 1) for k, f in enumerate(fields(IncidentBatch))}
    chunks = list(as_lists(IncidentBatch(**cols)))
    rows = list(as_rows(IncidentBatch(**cols)))
    assert [len(r) for r in rows] == [LIST_CHUNK, 3]
    for chunk, chunk_rows in zip(chunks, rows, strict=True):
        for i, row in enumerate(chunk_rows):
            assert row == tuple(getattr(chunk, name)[i] for name in ROW_FIELDS)


def test_as_rows_hold_none_for_unused_fields_and_the_same_values_elsewhere():
    from dataclasses import fields

    from acutesim.sim.demand import (
        AMBULANCE_ONLY_FIELDS,
        LIST_CHUNK,
        ROW_FIELDS,
        IncidentBatch,
        as_rows,
    )

    assert AMBULANCE_ONLY_FIELDS.issubset(ROW_FIELDS)
    n = LIST_CHUNK + 7
    rng = np.random.default_rng(5)
    cols = {f.name: rng.random(n) * (k + 1) for k, f in enumerate(fields(IncidentBatch))}
    full = [row for chunk in as_rows(IncidentBatch(**cols)) for row in chunk]
    lean = [row for chunk in as_rows(IncidentBatch(**cols), AMBULANCE_ONLY_FIELDS) for row in chunk]
    assert len(lean) == len(full) == n
    for a, b in zip(full, lean, strict=True):
        for name, x, y in zip(ROW_FIELDS, a, b, strict=True):
            assert y is None if name in AMBULANCE_ONLY_FIELDS else x == y


def test_patients_of_other_routes_ignore_the_ambulance_only_fields():
    from acutesim.sim.demand import AMBULANCE_ONLY_FIELDS, ROW_FIELDS
    from acutesim.sim.journeys import _patient

    values = {
        "t_minutes": 12.5, "area": 3, "mts": 1, "admitted": True, "treatment_minutes": 40.0,
        "triage_minutes": 5.0, "ward_minutes": 900.0, "urgency": 0, "dispatch_minutes": 2.0,
        "on_scene_minutes": 20.0, "conveyed": True, "handover_minutes": 15.0,
        "hap_consult": True, "hap_referral": False, "hap_triage_minutes": 6.0,
        "hap_consult_minutes": 11.0, "hap_take": True, "patience_minutes": 300.0,
        "to_seh": False, "specialised": True,
    }  # fmt: skip
    row = tuple(values[name] for name in ROW_FIELDS)
    lean = tuple(None if name in AMBULANCE_ONLY_FIELDS else values[name] for name in ROW_FIELDS)
    for route in ("hap", "gp", "self", "other"):
        a, b = _patient(row, 7, "s", route), _patient(lean, 7, "s", route)
        assert {k: getattr(a, k) for k in a.__slots__} == {k: getattr(b, k) for k in b.__slots__}
    amb = _patient(row, 7, "s", "ambulance")
    assert (amb.urgency, amb.to_seh, amb.specialised) == (0, False, True)


def test_start_journey_first_wait_on_a_processed_event_and_no_wait_at_all():
    from acutesim.sim.journey import start_journey

    env = Clock()
    log: list = []
    done = env.event()
    done.succeed("early")
    env.run()  # processed before the journey waits on it

    def late():
        log.append((env.now, (yield done)))
        yield env.timeout(1.0)
        log.append((env.now, "end"))

    def instant():
        log.append((env.now, "instant"))
        return
        yield  # a generator that never waits

    start_journey(env, instant())
    start_journey(env, late())
    assert log == [(0, "instant"), (0, "early")]
    env.run()
    assert log[-1] == (1.0, "end")


def test_a_walk_in_journey_is_its_seh_visit_driven_directly(demo_region, demo_travel):
    from acutesim.sim.journeys import Journeys
    from acutesim.sim.patient import NO_OPEN_SEH, UNSERVED, Patient

    model = _model(demo_region, demo_travel, Scenario("baseline"), days=1.0)
    p = Patient(1, "gp_referral", "gp", 0, 0.0)
    p.triage_minutes = 7.0
    visit = model._walk_in(p, 0, 12.5)
    # the SEH visit's own generator: no generator of _walk_in delegating to it
    assert visit.gi_code is Journeys._seh_visit.__code__
    drive = visit.send(None)  # first the drive to the SEH
    assert drive == 12.5
    assert p.site == -1  # not yet at the door
    triage = visit.send(None)  # in at the door, then triage
    assert triage == 7.0
    assert (p.site, p.t_arrival) == (0, 0.0)
    # no SEH to drive to: unserved at once, nothing to drive
    q = Patient(2, "gp_referral", "gp", 0, 0.0)
    assert model._walk_in(q, -1, 0.0) is None
    assert (q.state, q.reason) == (UNSERVED, NO_OPEN_SEH)


def test_telephone_only_hap_contacts_are_counted_without_an_event(
    demo_region, demo_travel, monkeypatch
):
    from acutesim.sim.recorder import Recorder

    from_rows: list[int] = []  # contacts followed from their rows, without a patient
    counted = Recorder.hap_done

    def count(self, hap, t_call):
        from_rows.append(hap)
        counted(self, hap, t_call)

    monkeypatch.setattr(Recorder, "hap_done", count)

    def run(sink):
        model = Model(
            demo_region,
            Scenario("baseline"),
            RandomStreams(20260105, 0),
            horizon_minutes=3 * 1440.0,
            warmup_minutes=0.0,
            travel=demo_travel,
            patient_sink=sink,
        )
        model.run()
        return model, next(model.env._eid)

    rows: list[tuple] = []
    quick, quick_events = run(None)
    slow, slow_events = run(rows.append)  # a sink takes rows in event order: every event
    assert list(quick.recorder.n_terminal.items()) == list(slow.recorder.n_terminal.items())
    assert quick.recorder.hap_contacts == slow.recorder.hap_contacts
    assert quick.recorder.hap_referrals == slow.recorder.hap_referrals
    hap_done = sum(1 for r in rows if r[2] == "hap" and r[9] == "hap_done")
    assert hap_done > 50
    assert quick_events < slow_events - 50
    assert len(from_rows) > 50  # all from the quick run: a sink turns the shortcut off


def _delays(env, log, wait):
    """A journey of delays (and one event), the delays yielded as ``wait(minutes)``."""
    yield wait(1.5)
    log.append((env.now, "a"))
    yield wait(0.0)
    log.append((env.now, "b"))
    value = yield env.timeout(2.0, value="timer")
    log.append((env.now, value))
    yield wait(3)  # an int delay, as a process may give env.timeout
    log.append((env.now, "c"))


def test_numpy_delays_are_taken_as_minutes():
    from acutesim.sim.journey import start_journey

    env, log = Clock(), []

    def journey():
        yield np.float64(1.5)
        yield np.int64(2)
        log.append(env.now)

    start_journey(env, journey())
    env.run()
    assert log == [3.5]


def test_a_yielded_delay_is_scheduled_as_its_timeout_would_be():
    from acutesim.sim.journey import start_journey

    runs = {}
    for how in ("timeout", "delay"):
        env, log = Clock(), []
        env.timeout(1.5).callbacks.append(lambda _e, log=log, env=env: log.append((env.now, "x")))
        if how == "timeout":
            start_journey(env, _delays(env, log, env.timeout))
        else:
            start_journey(env, _delays(env, log, lambda minutes: minutes))
        # one more wake-up at 1.5, scheduled after the journey's: it comes after "a"
        env.timeout(1.5).callbacks.append(lambda _e, log=log, env=env: log.append((env.now, "y")))
        env.run()
        runs[how] = (log, next(env._eid))
    assert runs["delay"] == runs["timeout"]
    assert runs["delay"][0] == [
        (1.5, "x"),
        (1.5, "a"),
        (1.5, "y"),
        (1.5, "b"),
        (3.5, "timer"),
        (6.5, "c"),
    ]


@pytest.mark.parametrize("bad", [-1.0, math.nan, "soon", True, None])
def test_a_journey_yielding_a_bad_delay_fails_clearly(bad):
    from acutesim.sim.journey import start_journey

    env = Clock()

    def journey():
        yield bad

    with pytest.raises((ValueError, TypeError), match=r"elay|expected"):
        start_journey(env, journey())


def test_an_ended_journey_leaves_no_reference_cycle():
    import gc

    from acutesim.sim.journey import _Journey, start_journey

    env = Clock()

    def journey():
        yield 1.0
        yield env.timeout(1.0)
        yield 2.0

    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        for _ in range(3):
            start_journey(env, journey())
        env.run()
        # freed by reference counting alone, without the cyclic collector
        assert not [o for o in gc.get_objects() if type(o) is _Journey]
    finally:
        if enabled:
            gc.enable()
