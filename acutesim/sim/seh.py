"""The SEH: triage, treatment on staffed slots, bays, ward beds, boarding and status.

An SEH has physical bays and a number of staffed treatment slots that follows its roster
(the schedule changes at shift boundaries). Walk-in patients wait in the waiting room
and take a bay when treatment starts; ambulance patients are handed off onto a bay
(the **handoff** waits until a bay is free). Treatment needs a staffed slot; when
staffing drops below the number being treated, the least urgent, most recently started
treatments are paused and resume first (their remaining time is kept), so busy slots
never exceed staffed capacity. Admitted patients need an acute ward bed; without one
they **board** on their bay. The SEH's status (open, volgemeld, closed for the shift,
closed, outside opening hours) follows its flags; volmelding switches with hysteresis on
occupancy (patients present / bays).

Closing time (an SEH that stops receiving: closed for good, for the shift, or outside its
opening hours). Rule ``finish``: patients in treatment finish on the closing crew (paused
treatments resume at once, and staffing drops never pause a treatment while closed);
everyone still waiting (in the waiting room, on a bay, or at the door in the handoff
queue) is handed back to the model, which transfers them to the nearest open SEH.
Every waiting patient has a deadline ``t_first_arrival + min(patience, max wait)``: a
walk-in whose patience runs out first leaves without being seen, anyone still untreated
at the maximum wait is sent home (unserved, reason ``max_wait``).
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, Final

import simpy

from acutesim.errors import SimulationError
from acutesim.sim.loop import Clock, heappop, heappush
from acutesim.sim.patient import (
    ADMITTED,
    DISCHARGED,
    LEFT_UNSEEN,
    MAX_WAIT,
    UNSERVED,
    Patient,
)
from acutesim.sim.timers import call_at, event_at, new_event, process_now, timeout

if TYPE_CHECKING:
    from acutesim.sim.recorder import Recorder


class SEHStatus(StrEnum):
    """Status of an SEH; ambulances route only to ``OPEN`` (A1 also to ``VOLGEMELD``)."""

    OPEN = "open"
    VOLGEMELD = "volgemeld"
    CLOSED_SHIFT = "closed_shift"
    CLOSED = "closed"
    OUTSIDE_HOURS = "outside_hours"


ACCEPTING: Final = (SEHStatus.OPEN, SEHStatus.VOLGEMELD)
_INF: Final = math.inf
PAUSED_FIRST: Final = 2**62  # subtracted from the arrival number of a paused treatment
# Values of a waiting patient's event other than None (treated / handed off):
TRANSFER: Final = "transfer"  # the SEH closed while the patient waited: move to another SEH
GAVE_UP: Final = "gave_up"  # left without being seen or sent home at the maximum wait


class SEH:
    """One SEH with its treatment slots, bays, beds and status flags.

    Parameters
    ----------
    env : Clock
        The environment.
    index : int
        Position of the site in the model's site list (never leaves the model).
    site_id : str
        The site's id, for records and messages.
    bays : int
        Physical treatment places [patients].
    beds : int
        Acute ward beds [patients].
    on_share, off_share : float
        Volmelding hysteresis thresholds on occupancy (patients present / bays) [-].
    recorder : Recorder
        Receives journeys and status intervals.
    on_status_change : callable
        Called with ``(index, old, new)`` after every status change.
    """

    def __init__(
        self,
        env: Clock,
        index: int,
        site_id: str,
        bays: int,
        beds: int,
        on_share: float,
        off_share: float,
        recorder: Recorder,
        on_status_change: Callable[[int, SEHStatus, SEHStatus], None],
        *,
        max_wait_minutes: float = math.inf,
        handoff_nurses: float = math.inf,
    ) -> None:
        self.env = env
        self.index = index
        self.site_id = site_id
        self.bays = max(int(bays), 1)
        self.free_bays = self.bays
        self._free_beds = int(beds)  # ward beds free as of the last look at _releases
        # release instants of occupied ward beds, a heap: a release changes nothing until
        # someone needs a bed, so it is counted when free_beds is read and is an event
        # only while patients board (one wake-up at the earliest release)
        self._releases: list[float] = []
        self._wake: object | None = None  # token of the pending wake-up, if any
        self._wake_t = math.inf
        self.on_share = on_share
        self.off_share = off_share
        self.recorder = recorder
        self.on_status_change = on_status_change
        self.max_wait_minutes = max_wait_minutes
        self.handoff_nurses = handoff_nurses
        self.nurses_busy = 0
        self.slots = 0
        self.treating: dict[Patient, float] = {}  # patient -> t_end of the current run
        self.queue_bay: list[tuple[int, int, Patient]] = []  # on a bay, waiting for a slot
        self.queue_walk: list[tuple[int, int, Patient]] = []  # in the waiting room
        self.handoff_queue: list[tuple[int, int, Patient, simpy.Event]] = []
        self.bed_queue: deque[tuple[Patient, simpy.Event]] = deque()
        # patients in queue_bay or queue_walk; a heap entry whose patient is not here any
        # more (left, transferred) is stale and skipped when it reaches the head
        self.queued: dict[Patient, None] = {}
        self.n_present = 0
        self.is_closed_permanent = False
        self.is_outside_hours = False
        self.is_closed_shift = False
        self.is_full = False
        self.status = SEHStatus.OPEN
        # True when walk-in patients are received (status open or volgemeld: volmelding
        # diverts only ambulances); kept with the status, read for every journey
        self.accepts_walk_in = True
        self.status_since = 0.0
        self._arrivals = itertools.count()  # arrival order at this SEH (queue tie-break)
        # deadlines of waiting patients (patience, maximum wait), a heap of (instant, order,
        # patient, done); one wake-up at the earliest deadline of a patient still waiting
        # instead of a timeout per patient, most of which would find the patient treated
        self._deadlines: list[tuple[float, int, Patient, simpy.Event]] = []
        self._deadline_seq = itertools.count()
        self._deadline_wake: object | None = None
        self._deadline_t = math.inf

    # -- status --------------------------------------------------------------------------
    def _compute_status(self) -> SEHStatus:
        # Precedence: a permanent decision over opening hours over staffing over crowding.
        if self.is_closed_permanent:
            return SEHStatus.CLOSED
        if self.is_outside_hours:
            return SEHStatus.OUTSIDE_HOURS
        if self.is_closed_shift:
            return SEHStatus.CLOSED_SHIFT
        if self.is_full:
            return SEHStatus.VOLGEMELD
        return SEHStatus.OPEN

    def refresh_status(self) -> None:
        """Recompute the status from the flags; record and announce a change."""
        new = self._compute_status()
        if new is not self.status:
            old, now = self.status, self.env._now
            self.recorder.status_interval(self.index, self.status_since, now, old)
            self.status, self.status_since = new, now
            self.accepts_walk_in = new in ACCEPTING
            self.on_status_change(self.index, old, new)
            if new in ACCEPTING and old not in ACCEPTING and len(self.treating) > self.slots:
                self.set_slots(self.slots)  # reopened: the closing crew's extra work pauses

    def _update_full(self) -> None:
        occupancy = self.n_present / self.bays
        if not self.is_full and occupancy >= self.on_share:
            self.is_full = True
            self.refresh_status()
        elif self.is_full and occupancy <= self.off_share:
            self.is_full = False
            self.refresh_status()

    def set_thresholds(self, on_share: float, off_share: float) -> None:
        """Change the volmelding thresholds (a funding regime change) [-]."""
        self.on_share, self.off_share = on_share, off_share
        self._update_full()

    def set_closed_shift(self, is_closed: bool) -> None:
        """Set the closed-for-this-shift flag (below minimum staff)."""
        if is_closed != self.is_closed_shift:
            self.is_closed_shift = is_closed
            self.refresh_status()

    def set_outside_hours(self, is_outside: bool) -> None:
        """Set the outside-opening-hours flag of a day-only SEH."""
        if is_outside != self.is_outside_hours:
            self.is_outside_hours = is_outside
            self.refresh_status()

    def set_closed_permanent(self, is_closed: bool) -> None:
        """Close (or reopen) the SEH by a board or policy decision."""
        if is_closed != self.is_closed_permanent:
            self.is_closed_permanent = is_closed
            self.refresh_status()

    # -- capacity ------------------------------------------------------------------------
    def set_slots(self, slots: int) -> None:
        """Change staffed treatment slots at a shift boundary, pausing excess treatments."""
        self.slots = int(slots)
        excess = len(self.treating) - self.slots
        if excess > 0 and self.accepts_walk_in:  # closed: the closing crew finishes them
            now = self.env._now
            # Pause the least urgent first; among equals the most recently started.
            victims = sorted(
                self.treating, key=lambda p: (p.priority, p.t_treatment_start), reverse=True
            )[:excess]
            for p in victims:
                p.remaining_minutes = self.treating.pop(p) - now
                p.token = None
                # paused treatments resume before anyone of their priority who has not
                # started yet, in their own arrival order
                heappush(self.queue_bay, (p.priority, p.seq - PAUSED_FIRST, p))
                self.queued[p] = None
        self._dispatch()

    def _head(self, queue: list[tuple[int, int, Patient]]) -> tuple[int, int, Patient] | None:
        while queue and queue[0][2] not in self.queued:
            heappop(queue)  # stale: the patient left or was transferred
        return queue[0] if queue else None

    def _dispatch(self) -> None:
        treating, queued = self.treating, self.queued
        queue_bay, queue_walk = self.queue_bay, self.queue_walk
        while len(treating) < self.slots:
            # self._head of each queue, called only when its head is stale
            if queue_bay:
                head_bay = queue_bay[0] if queue_bay[0][2] in queued else self._head(queue_bay)
            else:
                head_bay = None
            if queue_walk and self.free_bays > 0:
                head_walk = queue_walk[0] if queue_walk[0][2] in queued else self._head(queue_walk)
            else:
                head_walk = None
            if head_bay is None and head_walk is None:
                return
            # Tie-break: more urgent first; equal urgency, earlier arrival (lower seq).
            if head_walk is not None and (head_bay is None or head_walk[:2] < head_bay[:2]):
                p = heappop(queue_walk)[2]
                self.free_bays -= 1
                p.has_bay = True
            else:
                p = heappop(queue_bay)[2]
            del queued[p]
            self._start(p)

    def _start(self, p: Patient) -> None:
        now = self.env._now
        if p.t_treatment_start != p.t_treatment_start:  # NaN: first start
            p.t_treatment_start = now
        token = object()
        p.token = token
        self.treating[p] = t_end = now + p.remaining_minutes
        call_at(self.env, t_end, partial(self._finish, p, token))

    def _finish(self, p: Patient, token: object, _ev: Any = None) -> None:
        if p.token is not token:  # paused since; a later run will finish it
            return
        del self.treating[p]
        p.token = None
        p.t_treatment_end = self.env._now
        self._dispatch()
        # the freed slot is taken first, then the patient moves on (leaves or boards), in
        # the same order as when the end of treatment was an event of its own
        process_now(p.done)  # type: ignore[arg-type]

    # -- patient flow --------------------------------------------------------------------
    def walk_in(self, p: Patient) -> None:
        """Register a walk-in arrival at the door (``t_arrival``: the first SEH's door)."""
        if p.t_arrival != p.t_arrival:
            p.t_arrival = p.t_first_arrival = self.env._now
        p.site = self.index
        p.seq = next(self._arrivals)
        self.n_present += 1
        self._update_full()

    def handoff(self, p: Patient) -> simpy.Event:
        """An ambulance patient at the door; the event fires when a bay takes them.

        Its value is the event that ends the handover (the nurse and the crew are free
        then), or :data:`TRANSFER` when the SEH closed while the crew waited.
        """
        now = self.env._now
        p.t_door = now
        if p.t_arrival != p.t_arrival:
            p.t_arrival = p.t_first_arrival = now
        p.site = self.index
        p.seq = next(self._arrivals)
        self.n_present += 1
        ev = new_event(self.env)
        heappush(self.handoff_queue, (p.urgency, p.seq, p, ev))
        self._serve_handoffs()
        self._update_full()
        return ev

    def _serve_handoffs(self) -> None:
        """Accept waiting ambulance patients while a bay and a handoff nurse are free.

        Rule ``bay_and_nurse``: acceptance takes a bay and one of the SEH's handoff
        nurses for the crew's handover time; the queue is served by urgency, then arrival.
        """
        while self.handoff_queue and self.free_bays > 0 and self.nurses_busy < self.handoff_nurses:
            _urgency, _seq, p, ev = heappop(self.handoff_queue)
            self.free_bays -= 1
            p.has_bay = True
            p.t_accept = self.env._now
            self.nurses_busy += 1
            done = timeout(self.env, p.handover_minutes)
            done.callbacks.append(self._nurse_free)
            ev.succeed(done)  # the crew's release hangs on the same event (no second timer)

    def _nurse_free(self, _ev: Any) -> None:
        self.nurses_busy -= 1
        self._serve_handoffs()

    def treat(self, p: Patient) -> simpy.Event:
        """Queue a triaged patient for treatment.

        The event fires with None when treatment ends, with :data:`GAVE_UP` when the
        patient left untreated, or with :data:`TRANSFER` when the SEH closed meanwhile.
        """
        p.remaining_minutes = p.treatment_minutes
        done = p.done = new_event(self.env)
        heappush(self.queue_bay if p.has_bay else self.queue_walk, (p.priority, p.seq, p))
        self.queued[p] = None
        patience, max_wait = p.patience_minutes, self.max_wait_minutes
        limit = max_wait if max_wait < patience else patience  # min(patience, max_wait)
        if -_INF < limit < _INF:  # math.isfinite(limit)
            now = self.env._now
            delay = p.t_first_arrival + limit - now
            if delay <= 0.0:  # already waited (at the door, elsewhere) past the limit
                self._give_up(p, done)
                return done
            # the instant a timeout of `delay` would fire; one wake-up serves all deadlines
            deadline = now + delay
            heappush(self._deadlines, (deadline, next(self._deadline_seq), p, done))
        self._dispatch()
        if self._deadlines:
            self._arm_deadline()
        return done

    def _is_waiting(self, p: Patient, done: simpy.Event) -> bool:
        # False for good once treatment started, or the patient left or moved on (a new
        # visit brings a new ``done``), so such deadlines can be dropped early.
        return p.done is done and p in self.queued and p.t_treatment_start != p.t_treatment_start

    def _arm_deadline(self) -> None:
        """Wake at the earliest deadline of a patient still waiting, unless already due."""
        d = self._deadlines
        while d and not self._is_waiting(d[0][2], d[0][3]):
            heappop(d)
        if d and d[0][0] < self._deadline_t:
            token = object()
            self._deadline_wake, self._deadline_t = token, d[0][0]
            ev = event_at(self.env, self._deadline_t)
            ev.callbacks.append(lambda _ev, token=token: self._deadlines_due(token))

    def _deadlines_due(self, token: object) -> None:
        if token is not self._deadline_wake:  # superseded by an earlier wake-up
            return
        self._deadline_wake, self._deadline_t = None, math.inf
        d, now = self._deadlines, self.env._now
        # deadlines at the same instant in the order their patients were queued
        while d and d[0][0] <= now:
            _t, _n, p, done = heappop(d)
            self._give_up(p, done)
        self._arm_deadline()

    def _give_up(self, p: Patient, done: simpy.Event) -> None:
        """The deadline of a waiting patient: leave untreated unless treatment started."""
        if p.done is not done or p not in self.queued or p.t_treatment_start == p.t_treatment_start:
            return  # treated, transferred or already gone
        del self.queued[p]
        if p.patience_minutes < self.max_wait_minutes:
            p.state = LEFT_UNSEEN
        else:
            p.state, p.reason = UNSERVED, MAX_WAIT
        p.t_departure = self.env._now
        self._leave_untreated(p)
        self.recorder.gave_up(p)
        done.succeed(GAVE_UP)
        self._after_departure()

    def _leave_untreated(self, p: Patient) -> None:
        if p.has_bay:
            p.has_bay = False
            self.free_bays += 1
        self.n_present -= 1

    def release(self, p: Patient) -> None:
        """A patient present but not queued (in triage) leaves for another SEH."""
        self._leave_untreated(p)
        self._after_departure()

    def evacuate(self) -> None:
        """Closing time: hand every waiting patient back for transfer; treatments finish.

        Paused treatments resume at once (rule ``finish``); the waiting room, the bays
        waiting for a first treatment and the handoff queue are emptied, each patient's
        event firing with :data:`TRANSFER`.
        """
        moving: list[tuple[Patient, simpy.Event]] = []
        for p in list(self.queued):
            del self.queued[p]
            if p.t_treatment_start == p.t_treatment_start:  # paused: finish it here
                self._start(p)
            else:
                moving.append((p, p.done))  # type: ignore[arg-type]
        self.queue_bay.clear()
        self.queue_walk.clear()
        for _u, _seq, p, ev in sorted(self.handoff_queue, key=lambda e: (e[0], e[1])):
            moving.append((p, ev))
        self.handoff_queue.clear()
        for p, ev in moving:
            self._leave_untreated(p)
            ev.succeed(TRANSFER)
        self._update_full()

    @property
    def free_beds(self) -> int:
        """Acute ward beds free now [patients]; beds whose stay has ended are counted free."""
        r = self._releases
        if r and not self.bed_queue:  # while patients board, only the wake-up frees beds
            now = self.env._now
            while r and r[0] <= now:
                heappop(r)
                self._free_beds += 1
        return self._free_beds

    def leave(self, p: Patient) -> simpy.Event | None:
        """Discharge, or admit to a ward bed; returns an event while boarding, else None."""
        if not p.admitted:
            self._depart(p, DISCHARGED)
            return None
        if self.free_beds > 0:
            self._free_beds -= 1
            self._to_ward(p)
            return None
        ev = new_event(self.env)
        self.bed_queue.append((p, ev))
        self._schedule_wake()
        return ev

    def transfer_to(self, p: Patient, ev: simpy.Event, other: SEH) -> None:
        """Move a boarding patient to a free ward bed of another hospital."""
        self.bed_queue.remove((p, ev))
        other._free_beds -= 1  # other.free_beds > 0 was checked just before
        p.t_ward = self.env._now
        p.transferred = True
        self._depart(p, ADMITTED)
        heappush(other._releases, self.env._now + p.ward_minutes)

    def _to_ward(self, p: Patient) -> None:
        p.t_ward = now = self.env._now
        self._depart(p, ADMITTED)
        heappush(self._releases, now + p.ward_minutes)

    def _schedule_wake(self) -> None:
        """Wake at the earliest bed release unless a wake-up at or before it is pending."""
        if self._releases and self._releases[0] < self._wake_t:
            token = object()
            self._wake, self._wake_t = token, self._releases[0]
            ev = event_at(self.env, self._wake_t)
            ev.callbacks.append(lambda _ev, token=token: self._woken(token))

    def _woken(self, token: object) -> None:
        if token is not self._wake:  # superseded by an earlier wake-up
            return
        self._wake, self._wake_t = None, math.inf
        # Each bed freed at this instant goes to the longest-boarding patient (the order a
        # timeout per bed would give when several beds free at the same instant).
        r, now = self._releases, self.env._now
        while self.bed_queue and r and r[0] <= now:
            heappop(r)
            p, ev = self.bed_queue.popleft()
            self._to_ward(p)
            ev.succeed()
        if self.bed_queue:
            self._schedule_wake()

    def _depart(self, p: Patient, state: str) -> None:
        p.t_departure = self.env._now
        p.state = state
        if p.has_bay:
            p.has_bay = False
            self.free_bays += 1
        self.n_present -= 1
        if self.n_present < 0 or self.free_bays > self.bays:
            raise SimulationError(
                f"SEH {self.site_id}: {self.n_present} present, {self.free_bays} free bays of "
                f"{self.bays} at t={self.env._now:.1f} min"
            )
        self.recorder.seh_journey(p)
        self._after_departure()

    def _after_departure(self) -> None:
        # A freed bay goes to a waiting ambulance first (the crew is blocked), then to the
        # waiting room.
        if self.handoff_queue:  # else _serve_handoffs has nothing to do
            self._serve_handoffs()
        self._dispatch()
        self._update_full()

    def finish(self) -> None:
        """Close the last status interval at the horizon."""
        self.recorder.status_interval(self.index, self.status_since, self.env._now, self.status)
