"""SEH timers: ward-bed releases and waiting deadlines without an event per patient."""

from __future__ import annotations

import simpy

from acutesim.sim.loop import Clock
from acutesim.sim.patient import ADMITTED, Patient
from acutesim.sim.seh import GAVE_UP, SEH
from acutesim.sim.timers import event_at


class _Records:
    def __init__(self) -> None:
        self.journeys: list[tuple[int, str, float]] = []

    def seh_journey(self, p) -> None:
        self.journeys.append((p.patient_id, p.state, p.t_ward))

    def status_interval(self, *args) -> None:
        pass

    def gave_up(self, p) -> None:
        pass


def _seh(env: simpy.Environment, beds: int, records: _Records) -> SEH:
    return SEH(
        env,
        0,
        "s",
        bays=10,
        beds=beds,
        on_share=2.0,
        off_share=1.0,
        recorder=records,
        on_status_change=lambda *a: None,
    )


def _admit(env: simpy.Environment, seh: SEH, pid: int, at: float, ward_minutes: float, log: list):
    p = [None]

    def go(_ev):
        q = Patient(pid, "s", "self", 0, at)
        q.admitted, q.ward_minutes = True, ward_minutes
        seh.walk_in(q)
        ev = seh.leave(q)
        if ev is None:
            log.append((pid, env.now, "ward"))
        else:
            ev.callbacks.append(lambda _e: log.append((pid, env.now, "ward after boarding")))
        p[0] = q

    event_at(env, at).callbacks.append(go)
    return p


def test_boarders_get_beds_at_the_exact_release_instants():
    env, records, log = Clock(), _Records(), []
    seh = _seh(env, 2, records)
    t1, t2 = 10.1, 3.3
    _admit(env, seh, 1, 1.0, t1, log)  # bed until 11.1
    _admit(env, seh, 2, 2.0, t2, log)  # bed until 5.3
    _admit(env, seh, 3, 4.0, 50.0, log)  # boards; bed at 5.3
    _admit(env, seh, 4, 4.5, 50.0, log)  # boards; bed at 11.1
    _admit(env, seh, 5, 20.0, 1.0, log)  # both beds taken until 55.3 and 61.1: boards
    env.run()
    assert log[:2] == [(1, 1.0, "ward"), (2, 2.0, "ward")]
    assert (3, 2.0 + t2, "ward after boarding") in log
    assert (4, 1.0 + t1, "ward after boarding") in log
    assert (5, 2.0 + t2 + 50.0, "ward after boarding") in log
    assert [s for _i, s, _t in records.journeys] == [ADMITTED] * 5
    assert seh.free_beds == 0  # now 55.3: patients 4 and 5 are on the ward
    env.run(until=62.0)
    assert seh.free_beds == 2  # both stays have ended


def test_no_event_per_admission_while_nobody_boards():
    env, records, log = Clock(), _Records(), []
    seh = _seh(env, 100, records)
    for i in range(50):
        _admit(env, seh, i, float(i), 1000.0 + i, log)
    env.run()
    assert len(log) == 50
    assert all(kind == "ward" for *_x, kind in log)
    assert next(env._eid) == 50  # only the 50 arrivals: no release event was scheduled
    assert seh.free_beds == 50  # patient i's bed frees at 1000 + 2i; now is 49
    env.run(until=1098.5)
    assert seh.free_beds == 100


def test_event_at_fires_at_the_given_instant_exactly():
    env = Clock()
    env.run(until=27.4)
    t = 97.67
    assert 27.4 + (t - 27.4) != t  # where env.timeout(t - env.now) would fire
    fired: list[float] = []
    event_at(env, t).callbacks.append(lambda _e: fired.append(env.now))
    env.run()
    assert fired == [t]


def _walk_in(env, seh, pid: int, at: float, patience: float, treatment: float, log: list):
    def go(_ev):
        q = Patient(pid, "s", "self", 0, at)
        q.patience_minutes, q.treatment_minutes = patience, treatment
        seh.walk_in(q)
        seh.treat(q).callbacks.append(lambda e: log.append((pid, env.now, e.value)))

    event_at(env, at).callbacks.append(go)


def test_patients_give_up_at_their_deadlines_in_queue_order():
    env, records, log = Clock(), _Records(), []
    seh = _seh(env, 0, records)
    seh.set_slots(1)
    _walk_in(env, seh, 1, 0.0, 500.0, 100.0, log)  # treated 0-100
    _walk_in(env, seh, 2, 1.0, 30.0, 10.0, log)  # gives up at 31
    _walk_in(env, seh, 3, 2.0, 29.0, 10.0, log)  # gives up at 31, queued after 2
    _walk_in(env, seh, 4, 3.0, 98.0, 10.0, log)  # treated 100-110
    _walk_in(env, seh, 5, 4.0, 50.0, 10.0, log)  # gives up at 54
    env.run()
    assert log == [(2, 31.0, GAVE_UP), (3, 31.0, GAVE_UP), (5, 54.0, GAVE_UP), (1, 100.0, None),
                   (4, 110.0, None)]  # fmt: skip
    assert seh.n_present == 2  # treated, not yet discharged (no journey calls leave here)
    assert not seh.queued


def test_no_deadline_event_for_patients_treated_in_time():
    env, records, log = Clock(), _Records(), []
    seh = _seh(env, 0, records)
    seh.set_slots(10)
    for i in range(10):
        _walk_in(env, seh, i, float(i), 60.0, 5.0, log)
    env.run()
    assert [v for *_x, v in log] == [None] * 10
    # 10 arrivals and 10 treatment ends: no wake-up for a deadline of a treated patient
    assert next(env._eid) == 20


def test_a_handoff_gives_the_end_of_the_handover_to_the_crew():
    env, records = Clock(), _Records()
    seh = _seh(env, 0, records)
    q = Patient(1, "a1", "ambulance", 0, 0.0)
    q.urgency, q.handover_minutes = 0, 12.5
    accepted: list[tuple[float, object]] = []

    def arrive(_ev):
        seh.handoff(q).callbacks.append(lambda e: accepted.append((env.now, e.value)))

    event_at(env, 3.0).callbacks.append(arrive)
    env.run()
    ((t_accept, end),) = accepted
    assert t_accept == 3.0
    assert end.processed  # the nurse's timer: it ended the handover
    assert seh.nurses_busy == 0
    assert env.now == 3.0 + 12.5
    assert next(env._eid) == 3  # the arrival, the acceptance and the one handover timer
