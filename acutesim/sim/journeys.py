"""Patient journeys: how each demand stream's patients move through the model.

An ambulance call waits for the nearest vehicle, drives to the scene and on to a
receiving SEH; walk-ins and referrals drive to the nearest SEH that receives; a HAP
contact is triaged by telephone, maybe seen, maybe referred on. Each journey is a
generator driven by :func:`~acutesim.sim.journey.start_journey`, or a chain of callbacks
where it waits on nothing shared. :class:`Journeys` holds these steps; the
:class:`~acutesim.sim.model.Model` that inherits them provides the SEHs, HAPs, the
meldkamer, routing tables and the recorder.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Generator, Iterator
from functools import partial
from typing import Any, Final

import numpy as np
from simpy.events import Event

from acutesim.domain.region import Region
from acutesim.domain.routes import Route
from acutesim.funding.books import FundingSetup
from acutesim.sim.ambulance import Meldkamer
from acutesim.sim.demand import (
    AMBULANCE_ONLY_FIELDS,
    ROW_FIELDS,
    IncidentBatch,
    StreamGenerator,
    rows_of,
)
from acutesim.sim.hap import HAPPost
from acutesim.sim.journey import start_journey
from acutesim.sim.loop import NORMAL, URGENT, Clock, heappush, push
from acutesim.sim.patient import (
    CONVEYED_DIRECT,
    HAP_DONE,
    NO_OPEN_SEH,
    NO_ROAD_ACCESS,
    NOT_CONVEYED,
    UNSERVED,
    Patient,
)
from acutesim.sim.recorder import Recorder, VehicleLog
from acutesim.sim.seh import GAVE_UP, SEH, TRANSFER, SEHStatus
from acutesim.sim.timers import OwnWakeUp, call_at, timeout

# vehicle activities (recorder.VEHICLE_ACTIVITIES)
TO_SCENE: Final = 0
ON_SCENE: Final = 1
TRANSPORT: Final = 2
HANDOFF: Final = 3
B_URGENCY: Final = 2  # index of B in URGENCY_BY_INDEX
STREAM_ID_STRIDE: Final = 1_000_000_000  # patient_id = stream index * stride + sequence
Visit = Generator[Any, Any, None]  # a journey, or its steps from some point on


class Journeys:
    """The journey steps of :class:`~acutesim.sim.model.Model` (a mixin: no state of its own)."""

    # provided by Model (orders and minutes as Python lists and rows of doubles); typed,
    # so that a compiled engine reads them as fields (scripts/compile_engine.py)
    env: Clock
    recorder: Recorder
    meldkamer: Meldkamer
    vehicle_log: VehicleLog
    region: Region
    funding: FundingSetup | None
    sehs: list[SEH]
    haps: list[HAPPost]
    horizon: float
    area_reachable: list[bool]
    is_specialised: list[bool]
    amb_order: list[list[int]]
    car_order: list[list[int]]
    transfer_order: list[list[int]]
    hap_order: list[int]
    hap_at_site: list[int]
    amb_minutes: list[array[float]]
    car_minutes: list[array[float]]
    site_site_minutes: list[array[float]]
    substitution_rng: np.random.Generator | None
    substitution_mts: frozenset[int]

    # -- demand ----------------------------------------------------------------------------
    def _start_demand(self, k: int, gen: StreamGenerator, batches: Iterator[IncidentBatch]) -> None:
        """Release the incidents of stream ``k`` from the start of the run (:class:`_Release`)."""
        release = _Release(self, k, gen, batches)
        push(self.env, self.env._now, URGENT, release._wake)  # as a process's Initialize

    # -- routing ---------------------------------------------------------------------------
    def _walk_in_site(self, area: int) -> int:
        """The nearest SEH by car that receives patients now (open or volgemeld), or -1.

        Rule ``informed walk-in``: walk-ins and referrals know which SEHs are open (the
        GP, the HAP or the hospital's website tells them), so they never drive to one
        that is closed for good, for the shift or outside its hours.
        """
        sehs = self.sehs
        for s in self.car_order[area]:
            if sehs[s].accepts_walk_in:
                return s
        return -1

    def _ambulance_site(self, p: Patient) -> tuple[int, int]:
        """Destination (-1: none open) and the nearest scheduled-open SEH (diversions).

        Rule (LPZ): A1 rides go to the nearest SEH that receives patients, volgemeld or
        not; other rides skip volgemeld SEHs, unless every receiving SEH is volgemeld,
        when the nearest volgemeld one takes them. Closed SEHs never take a ride.
        """
        order = self.amb_order[p.area]
        sehs = self.sehs
        if p.specialised:  # past the nearest SEH to the nearest receiving specialised one
            for s in order:
                if self.is_specialised[s] and sehs[s].accepts_walk_in:
                    return s, -1
        nearest = -1
        for s in order:
            seh = sehs[s]
            if not (seh.is_closed_permanent or seh.is_outside_hours):
                nearest = s
                break
        for s in order:
            status = sehs[s].status
            if status is SEHStatus.OPEN or (p.urgency == 0 and status is SEHStatus.VOLGEMELD):
                return s, nearest
        for s in order:  # all volgemeld or closed: the nearest receiving one
            if sehs[s].accepts_walk_in:
                return s, nearest
        return -1, nearest

    def _transfer_site(self, s: int) -> int:
        """The nearest other SEH that receives patients, from site ``s``, or -1."""
        sehs = self.sehs
        for o in self.transfer_order[s]:
            if sehs[o].accepts_walk_in:
                return o
        return -1

    def _unserved(self, p: Patient, reason: str) -> None:
        p.state, p.reason = UNSERVED, reason
        p.t_departure = max(self.env._now, p.t_call)  # env.now may sit an ulp below t_call
        self.recorder.unserved(p)

    # -- journeys --------------------------------------------------------------------------
    def _ambulance(self, p: Patient) -> Generator[Any, Any, None]:
        """SimPy process: an ambulance call from dispatch to handoff, then the SEH visit.

        A1 drives with siren; A2 and B drive ``no_siren_travel_factor`` times longer. B
        rides under the ``own_vehicles`` rule are planned on their own vehicles and never
        take an emergency vehicle. A conveyed patient goes into the SEH with the class's
        ``seh_share_of_conveyed``, else is handed over elsewhere in the nearest hospital.
        """
        env, rec, mk = self.env, self.recorder, self.meldkamer
        rec.ambulance_call(p)
        if not self.area_reachable[p.area]:
            self._unserved(p, NO_ROAD_ACCESS)  # no road or ferry access: outside this model
            return
        pw = self.region.pathways
        slow = 1.0 if p.urgency == 0 else pw.no_siren_travel_factor
        if p.urgency == B_URGENCY and pw.b_ride_rule == "own_vehicles":
            yield from self._planned_ride(p, slow)
            return
        v, drive = mk.assign_now(p) or (yield mk.request(p))
        drive *= slow
        p.vehicle, p.t_assigned, p.leg_scene_minutes = v, env._now, drive
        yield p.dispatch_minutes + drive
        p.t_on_scene = env._now
        log = self.vehicle_log
        log.add(v, TO_SCENE, p.t_assigned, env._now)
        rec.response(p)
        yield p.on_scene_minutes
        log.add(v, ON_SCENE, p.t_on_scene, env._now)
        t_leave = env._now
        if not p.conveyed:
            mk.release_at_scene(v, p.area)
            p.t_release = env._now
            p.state = NOT_CONVEYED
            rec.terminal(p)
            return
        if not p.to_seh:  # handed over past the SEH at the nearest hospital
            s = self.amb_order[p.area][0]
            p.leg_transport_minutes = self.amb_minutes[p.area][s] * slow
            yield p.leg_transport_minutes
            p.t_door = env._now
            log.add(v, TRANSPORT, t_leave, env._now)
            yield p.handover_minutes
            log.add(v, HANDOFF, p.t_door, env._now)
            mk.release_at_site(v, s)
            p.t_release = env._now
            p.site = s
            p.state = CONVEYED_DIRECT
            rec.terminal(p)
            return
        s, nearest = self._ambulance_site(p)
        if s < 0:  # no SEH receives patients: the crew leaves the patient in other care
            mk.release_at_scene(v, p.area)
            p.t_release = env._now
            self._unserved(p, NO_OPEN_SEH)
            return
        if nearest >= 0 and nearest != s:
            rec.diversion(p, nearest)
        transport = self.amb_minutes[p.area][s] * slow
        p.leg_transport_minutes = transport
        yield transport
        seh = self.sehs[s]
        while True:
            if seh.accepts_walk_in:
                outcome = yield seh.handoff(p)
                if outcome != TRANSFER:  # accepted: the value is the end of the handover
                    break
            # closed on arrival or while the crew waited at the door: drive on
            o = self._transfer_site(seh.index)
            if o < 0 or p.n_site_transfers >= len(self.sehs):
                log.add(v, TRANSPORT, t_leave, env._now)
                mk.release_at_site(v, seh.index)
                p.t_release = env._now
                self._unserved(p, NO_OPEN_SEH)
                return
            rec.site_transfer(p, seh.index)
            p.n_site_transfers += 1
            leg = self.site_site_minutes[seh.index][o] * slow
            p.leg_transport_minutes += leg
            yield leg
            seh = self.sehs[o]
        rec.ambulance_at_door(p)
        log.add(v, TRANSPORT, t_leave, p.t_door)
        # The crew is free when the nurse is (both after the handover): the nurse's timer
        # serves both, the nurse first, as when each had its own timer.
        release = outcome if outcome.callbacks is not None else timeout(env, p.handover_minutes)
        site = seh.index

        def released(_e: Any) -> None:
            p.t_release = env._now
            log.add(v, HANDOFF, p.t_door, env._now)
            mk.release_at_site(v, site)

        release.callbacks.append(released)
        yield from self._seh_visit(p, seh)

    def _planned_ride(self, p: Patient, slow: float) -> Generator[Any, Any, None]:
        """SimPy process: a B ride planned on its own vehicle (rule ``own_vehicles``).

        The ride is planned for the time of the call; no emergency vehicle is taken and
        none is logged. A conveyed B patient for the SEH drives without siren to the
        nearest receiving SEH and enters it; the others end at their planned destination.
        """
        env = self.env
        p.t_assigned = env._now
        if not (p.conveyed and p.to_seh):
            p.state = CONVEYED_DIRECT if p.conveyed else NOT_CONVEYED
            self.recorder.terminal(p)
            return
        s, _nearest = self._ambulance_site(p)
        if s < 0:
            self._unserved(p, NO_OPEN_SEH)
            return
        p.leg_transport_minutes = self.amb_minutes[p.area][s] * slow
        yield p.on_scene_minutes + p.leg_transport_minutes
        seh = self.sehs[s]
        seh.walk_in(p)
        p.t_door = env._now
        yield from self._seh_visit(p, seh)

    def _seh_visit(
        self, p: Patient, seh: SEH, drive_minutes: float | None = None
    ) -> Generator[Any, Any, None]:
        """Triage, treatment and leaving; transfers on while the SEH does not receive.

        A walk-in (``drive_minutes`` given) first drives there and walks in at the door.
        """
        env = self.env
        if drive_minutes is not None:
            if drive_minutes > 0:
                yield drive_minutes
            seh.walk_in(p)
        while True:
            if seh.accepts_walk_in:
                yield p.triage_minutes
                p.t_triage = env._now
            if seh.accepts_walk_in:
                outcome = yield seh.treat(p)
            else:  # closed at the door or during triage
                seh.release(p)
                outcome = TRANSFER
            if outcome is None:
                break
            if outcome == GAVE_UP:
                return
            o = self._transfer_site(seh.index)
            if o < 0 or p.n_site_transfers >= len(self.sehs):
                self._unserved(p, NO_OPEN_SEH)
                return
            self.recorder.site_transfer(p, seh.index)
            p.n_site_transfers += 1
            yield self.site_site_minutes[seh.index][o]
            seh = self.sehs[o]
            seh.walk_in(p)
        boarding = seh.leave(p)
        if boarding is None:
            return
        limit = self.region.seh.boarding_transfer_minutes
        if math.isfinite(limit):
            yield boarding | timeout(env, limit)  # type: ignore[operator]  # Timer: Event's |
            if boarding.triggered:
                return
            other = self._bed_elsewhere(seh)
            if other is not None:
                seh.transfer_to(p, boarding, other)
                return
        yield boarding

    def _bed_elsewhere(self, seh: SEH) -> SEH | None:
        """The hospital with the most free ward beds (ties: site order), if any has one."""
        best: SEH | None = None
        for other in self.sehs:
            if other is not seh and other.free_beds > 0:
                if best is None or other.free_beds > best.free_beds:
                    best = other
        return best

    def _walk_in(self, p: Patient, s: int, drive_minutes: float) -> Visit | None:
        """The visit of a walk-in at SEH ``s`` (a generator), or None: unserved, ``s < 0``.

        Not a generator itself: the caller drives the visit directly, one generator (and
        one ``yield from`` at every step) fewer than a generator that delegates to it.
        """
        if s < 0:
            self._unserved(p, NO_OPEN_SEH)
            return None
        return self._seh_visit(p, self.sehs[s], drive_minutes)

    def _car_minutes(self, area: int, s: int) -> float:
        return self.car_minutes[area][s] if s >= 0 else 0.0

    def _referral(self, p: Patient) -> Visit | None:
        """A GP or second-line referral travels to the nearest receiving SEH.

        Rule ``gp_referrals_via_hap_when_open``: a GP-referral need that arises while the
        patient's HAP is open is seen there (telephone triage, consult) and referred on.
        Called when the journey starts; returns the journey to drive (None: it ended).
        """
        if (
            p.route == "gp"
            and self.haps
            and self.region.pathways.gp_referrals_via_hap_when_open
            and self.haps[self.hap_order[p.area]].is_open
        ):
            hap = self.haps[self.hap_order[p.area]]
            p.hap_referral = True
            return self._hap_after(p, hap, p.hap_triage_minutes, hap.site)
        s = self._walk_in_site(p.area)
        return self._walk_in(p, s, self._car_minutes(p.area, s))

    def _hap_after(
        self, p: Patient, hap: HAPPost, delay: float, at_site: int
    ) -> Generator[Any, Any, None]:
        """SimPy process: after ``delay`` minutes, a HAP visit with a consult."""
        yield delay
        yield from self._hap_visit(p, hap, consult=True, at_site=at_site)

    def _self_referral(self, p: Patient) -> Visit | None:
        """A self-referral; a co-located open HAP sees a share of them first.

        Called when the journey starts; returns the journey to drive (None: it ended).
        """
        s = self._walk_in_site(p.area)
        drive = self._car_minutes(p.area, s)
        h = self.hap_at_site[s] if s >= 0 else -1
        if h >= 0 and self.haps[h].is_open and (p.hap_take or self._substitutes(p)):
            return self._hap_after(p, self.haps[h], drive, s)
        return self._walk_in(p, s, drive)

    def _substitutes(self, p: Patient) -> bool:
        """Return whether a spoedplein steers this self-referral to its HAP.

        Under a budget the SEH gains nothing from a low-urgency self-referral, so it
        sends a share ``behaviour.substitution.rate`` of them to the HAP next door (the
        caller checks that there is one and that it is open). No draw without a rate
        or outside a budget regime.
        """
        rng = self.substitution_rng
        if rng is None or p.mts not in self.substitution_mts or self.funding is None:
            return False
        if not self.funding.budget_in_force(self.region.calendar.date(self.env._now)):
            return False
        return bool(rng.random() < self.funding.substitution.rate)

    def _start_hap_contact(self, p: Patient, t_call: float) -> None:
        """Start a HAP contact called at ``t_call``; one not referred on runs as callbacks.

        A contact that ends at the HAP (telephone triage, maybe a consult) waits on no
        shared resource but the GP pool, so it needs no ``Process`` of its own: the same
        steps as :meth:`_hap_contact` run in the callbacks of the end of its triage and of
        its consult, with fewer SimPy events per journey. Such a contact reads nothing at
        its call, so the demand process starts it ahead of ``t_call`` (then ``env.now``
        is earlier); a contact referred on starts as a journey at ``t_call`` itself.
        """
        if p.hap_referral or not self.haps:
            start_journey(self.env, self._hap_contact(p))
            return
        # (without a patient sink the release follows such a contact without a patient:
        # _hap_from_row) partial: one Python call at the event, not a lambda's two
        t = t_call + p.hap_triage_minutes
        call_at(self.env, t, partial(self._hap_triaged, p))

    def _hap_triaged(self, p: Patient, _e: object = None) -> None:
        hap = self.haps[self.hap_order[p.area]]
        p.t_triage = self.env._now
        if p.hap_consult and hap.is_open:  # outside opening hours: telephone only
            hap.consult_then(p.hap_consult_minutes, partial(self._hap_done, p, hap))
        else:
            self._hap_done(p, hap)

    def _hap_from_row(self, row: tuple[Any, ...], t_call: float) -> None:
        """A HAP contact not referred on, called at ``t_call``, without a patient.

        The steps of :meth:`_start_hap_contact` and :meth:`_hap_triaged`, reading the
        incident's row. Used only without a patient sink (which takes a patient's row
        in the order of events); the counts are those :meth:`_hap_done` adds. A contact
        by telephone only reads no state at the end of its triage and only adds to counts
        read after the run, so it is counted at once, without an event, once the key of
        ``hap_done`` is in place (the keys keep the order of first use).
        """
        hap = self.haps[self.hap_order[row[_AREA]]]
        t = t_call + row[_HAP_TRIAGE]
        rec = self.recorder
        if not row[_HAP_CONSULT] and t < self.horizon and HAP_DONE in rec.n_terminal:
            rec.hap_done(hap.index, row[_T_MINUTES])
            return
        ended = partial(
            self._hap_triaged_row,
            hap,
            row[_T_MINUTES],
            row[_HAP_CONSULT],
            row[_HAP_CONSULT_MINUTES],
        )
        call_at(self.env, t, ended)

    def _hap_triaged_row(
        self, hap: HAPPost, t_call: float, consult: bool, minutes: float, _e: object = None
    ) -> None:
        """:meth:`_hap_triaged` of a contact followed without a patient."""
        if consult and hap.is_open:  # outside opening hours: telephone only
            hap.consult_then(minutes, partial(self.recorder.hap_done, hap.index, t_call))
        else:
            self.recorder.hap_done(hap.index, t_call)

    def _hap_done(self, p: Patient, hap: HAPPost) -> None:
        self.recorder.hap_contact(hap.index, p, p.hap_referral)
        p.state = HAP_DONE
        self.recorder.terminal(p)

    def _hap_contact(self, p: Patient) -> Generator[Any, Any, None]:
        """SimPy process: a HAP contact: telephone triage, maybe a consult, maybe referral."""
        if not self.haps:
            p.state = HAP_DONE
            self.recorder.terminal(p)
            return
        yield p.hap_triage_minutes
        hap = self.haps[self.hap_order[p.area]]
        # outside opening hours a contact is handled by telephone only
        consult = p.hap_consult and hap.is_open
        yield from self._hap_visit(p, hap, consult=consult, at_site=hap.site)

    def _hap_visit(
        self, p: Patient, hap: HAPPost, *, consult: bool, at_site: int
    ) -> Generator[Any, Any, None]:
        env = self.env
        p.t_triage = env._now
        if consult:
            yield hap.consult(p)
        self.recorder.hap_contact(hap.index, p, p.hap_referral)
        if not p.hap_referral:
            p.state = HAP_DONE
            self.recorder.terminal(p)
            return
        p.arrival_route = "gp_hap"
        if consult and at_site >= 0 and self.sehs[at_site].accepts_walk_in:
            visit = self._walk_in(p, at_site, 0.0)  # the SEH next door
        else:
            s = self._walk_in_site(p.area)
            visit = self._walk_in(p, s, self._car_minutes(p.area, s))
        if visit is not None:
            yield from visit


# The journey of each arrival route (acutesim.domain.routes), called when it starts: a
# generator to drive, or None when it ended at once (a referral returns its visit's
# generator, not one of its own). A HAP contact that is not referred on takes a
# shortcut of the same steps as callbacks (Journeys._start_hap_contact).
JOURNEYS: Final[dict[Route, Callable[[Journeys, Patient], Visit | None]]] = {
    "ambulance": Journeys._ambulance,
    "hap": Journeys._hap_contact,
    "gp": Journeys._referral,
    "self": Journeys._self_referral,
    "other": Journeys._referral,
}

_new_patient: Final = Patient.__new__
_NAN: Final = math.nan
_T_MINUTES: Final = ROW_FIELDS.index("t_minutes")
_HAP_REFERRAL: Final = ROW_FIELDS.index("hap_referral")
_HAP_CONSULT: Final = ROW_FIELDS.index("hap_consult")
_HAP_TRIAGE: Final = ROW_FIELDS.index("hap_triage_minutes")
_AREA: Final = ROW_FIELDS.index("area")
_HAP_CONSULT_MINUTES: Final = ROW_FIELDS.index("hap_consult_minutes")


def _patient(row: tuple[Any, ...], pid: int, stream: str, route: str) -> Patient:
    """A new patient of an incident ``row``: every slot set once, as ``Patient(...)`` and the draws.

    The row holds Python int, float and bool in ``demand.ROW_FIELDS`` order
    (demand.as_rows). The slots not drawn get :meth:`Patient.__init__`'s defaults
    (``test_patient_from_incident`` keeps the two in step); an ambulance patient gets
    its ambulance draws, others the defaults.
    """
    (
        t_call,
        area,
        mts,
        admitted,
        treatment_minutes,
        triage_minutes,
        ward_minutes,
        urgency,
        dispatch_minutes,
        on_scene_minutes,
        conveyed,
        handover_minutes,
        hap_consult,
        hap_referral,
        hap_triage_minutes,
        hap_consult_minutes,
        hap_take,
        patience_minutes,
        to_seh,
        specialised,
    ) = row
    p = _new_patient(Patient)
    p.patient_id = p.seq = pid
    p.stream = stream
    p.route = p.arrival_route = route
    p.area = area
    p.t_call = t_call
    p.t_arrival = p.t_door = p.t_accept = p.t_on_scene = p.t_assigned = _NAN
    p.t_first_arrival = p.t_release = p.t_triage = p.t_treatment_start = _NAN
    p.t_treatment_end = p.t_ward = p.t_departure = _NAN
    p.state = p.reason = ""
    p.vehicle = p.site = -1
    p.leg_scene_minutes = p.leg_transport_minutes = _NAN
    p.n_site_transfers = 0
    p.patience_minutes = patience_minutes
    p.mts = p.priority = mts
    p.admitted = admitted
    if route == "ambulance":
        p.urgency = urgency
        p.dispatch_minutes = dispatch_minutes
        p.on_scene_minutes = on_scene_minutes
        p.conveyed = conveyed
        p.handover_minutes = handover_minutes
        p.to_seh = to_seh
        p.specialised = specialised
    else:
        p.urgency = -1
        p.conveyed = p.specialised = False
        p.to_seh = True
        p.dispatch_minutes = p.on_scene_minutes = p.handover_minutes = 0.0
    p.hap_consult = hap_consult
    p.hap_referral = hap_referral
    p.hap_take = hap_take
    p.treatment_minutes = treatment_minutes
    p.triage_minutes = triage_minutes
    p.ward_minutes = ward_minutes
    p.hap_triage_minutes = hap_triage_minutes
    p.hap_consult_minutes = hap_consult_minutes
    p.remaining_minutes = 0.0
    p.token = p.done = None
    p.has_bay = p.transferred = False
    return p


class _Release(OwnWakeUp):
    """The incidents of one stream, released at their call instants as callbacks.

    Each incident wakes the release at its call (an event at that instant), builds the
    patient and starts its journey; then the release schedules its wake-up at the next
    call. A SimPy process would do the same with a generator, a ``Process`` and its end
    event; these callbacks schedule the same wake-ups in the same order, without them.
    A HAP contact not referred on reads no state at its call (see
    :meth:`Journeys._start_hap_contact`), so it is started ahead, without a wake-up,
    and without a patient sink it is followed from its row, without a patient
    (:meth:`Journeys._hap_from_row`). The release wakes itself, as a journey does
    after a delay (:mod:`acutesim.sim.journey`): its wake-up goes on the queue where
    ``event_at(env, t)`` would put a timer, and the run loop calls it.
    """

    __slots__ = (
        "batch",
        "chunks",
        "env",
        "horizon",
        "i",
        "is_hap",
        "journey",
        "lean_hap",
        "may_skip",
        "model",
        "name",
        "now",
        "rec",
        "route",
        "seq",
    )

    def __init__(
        self, model: Journeys, k: int, gen: StreamGenerator, batches: Iterator[IncidentBatch]
    ) -> None:
        self.model = model
        self.env, self.rec = model.env, model.recorder
        self.route = route = gen.stream.route
        self.name = gen.stream.name
        self.journey = partial(JOURNEYS[route], model)
        self.is_hap = route == "hap"
        self.may_skip = self.is_hap and bool(model.haps)
        # contacts not referred on are followed from their rows (no patient sink)
        self.lean_hap = self.may_skip and model.recorder.patient_sink is None
        self.horizon = model.horizon
        self.seq = k * STREAM_ID_STRIDE
        self.now = self.env._now  # the instant of the current call, as a wake-up at each gives
        # chunks of rows of Python scalars: no numpy in the event loop
        unused = AMBULANCE_ONLY_FIELDS if route != "ambulance" else ()
        self.chunks = rows_of(batches, unused)
        self.batch: list[tuple[Any, ...]] | None = None
        self.i = 0
        self._wake = self.resume

    def resume(self, _event: Event) -> None:
        """Release every incident up to the next one that needs a wake-up of its own."""
        env, rec, model = self.env, self.rec, self.model
        batch, i, now = self.batch, self.i, self.now
        may_skip, horizon, name, route = self.may_skip, self.horizon, self.name, self.route
        lean_hap = self.lean_hap
        while True:
            if batch is None or i >= len(batch):
                batch = next(self.chunks, None)
                if batch is None:
                    return
                i = 0
            row = batch[i]
            t = row[_T_MINUTES]
            if t > now:
                now += t - now  # where a timeout of t - now from now fires
            if now != env._now and not (may_skip and not row[_HAP_REFERRAL] and now < horizon):
                self.batch, self.i, self.now = batch, i, now
                if now in env._at:  # due with others: in SimPy's order among them
                    push(env, now, NORMAL, self._wake)
                else:  # push's common case, inline
                    env._at[now] = self._wake
                    heappush(env._times, now)
                    next(env._eid)
                return
            i += 1
            rec.n_created += 1  # rec.created(), without the call
            if lean_hap and not row[_HAP_REFERRAL]:
                self.seq += 1  # the patient id it would have had
                model._hap_from_row(row, now)
                continue
            p = _patient(row, self.seq, name, route)
            self.seq += 1
            if self.is_hap:
                model._start_hap_contact(p, now)
            else:
                journey = self.journey(p)
                if journey is not None:  # None: ended at once (unserved)
                    start_journey(env, journey)  # no start and end events of a Process
