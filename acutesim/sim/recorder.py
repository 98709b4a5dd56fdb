"""Records of one replication: journeys, status intervals, dispatches and HAP contacts.

The recorder keeps compact per-site accumulators (arrays of floats, counters), never
whole patients, so a long run stays small. Journeys are measured when they start at or
after the warm-up; status intervals are clipped to the measured window. A per-patient
table can be streamed to a sink that the experiment layer hands in (no file I/O here).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from acutesim.domain.routes import ARRIVAL_GROUPS, ARRIVAL_ROUTES
from acutesim.sim.patient import HAP_DONE, LEFT_UNSEEN, MTS_BY_INDEX, URGENCY_BY_INDEX, Patient
from acutesim.units import MINUTES_PER_DAY, MINUTES_PER_HOUR

PATIENT_COLUMNS: Final = (
    "patient_id",
    "stream",
    "route",
    "arrival_route",
    "area_id",
    "site_id",
    "urgency",
    "mts",
    "admitted",
    "state",
    "t_call",
    "t_on_scene",
    "t_arrival",
    "t_accept",
    "t_treatment_start",
    "t_treatment_end",
    "t_ward",
    "t_departure",
    "reason",
    "vehicle_id",
    "post_id",
    "t_assigned",
    "drive_to_scene_minutes",
    "transport_minutes",
    "t_door",
    "handoff_minutes",
    "t_release",
    "t_first_arrival",
    "n_site_transfers",
)

# the arrival group of a patient's arrival route (a HAP referral arrives as "gp_hap")
ROUTE_GROUP: Final[dict[str, str]] = {
    **{g: g for g in ARRIVAL_GROUPS},
    **{name: r.arrival_group for name, r in ARRIVAL_ROUTES.items()},
}


class SiteRecords:
    """Accumulators of one SEH site."""

    def __init__(self) -> None:
        self.visits_by_route: dict[str, int] = dict.fromkeys(ARRIVAL_GROUPS, 0)
        self.admitted = 0
        self.los_minutes = array("d")
        self.door_to_doctor_minutes = array("d")
        self.handoff_delay_minutes = array("d")
        self.call_to_door_minutes = array("d")
        self.boarding_minutes = 0.0
        self.diversions = 0
        self.transfers = 0
        self.left_unseen = 0
        self.max_wait = 0
        self.closing_transfers = 0
        # The wait for treatment equals door to doctor unless the patient first arrived
        # at another SEH: only those visits keep their own value (index, minutes).
        self.wait_moved_index = array("q")
        self.wait_moved_minutes = array("d")
        self.status: list[tuple[float, float, str]] = []

    @property
    def wait_for_treatment_minutes(self) -> np.ndarray:
        """Wait from the first SEH arrival to treatment per visit [min] (a new array)."""
        wait = np.array(self.door_to_doctor_minutes, dtype=np.float64)
        wait[np.frombuffer(self.wait_moved_index, dtype=np.int64)] = self.wait_moved_minutes
        return wait


class Recorder:
    """Collects everything one replication reports.

    Parameters
    ----------
    site_ids, hap_ids, area_ids : sequence of str
        Ids by model index.
    warmup_minutes : float
        Journeys starting earlier, and status time before it, are not measured [min].
    patient_sink : callable, optional
        Receives one tuple per finished journey (columns :data:`PATIENT_COLUMNS`).
    """

    def __init__(
        self,
        site_ids: Sequence[str],
        hap_ids: Sequence[str],
        area_ids: Sequence[str],
        warmup_minutes: float,
        patient_sink: Callable[[tuple[Any, ...]], None] | None = None,
        horizon_minutes: float = 0.0,
    ) -> None:
        self.site_ids = list(site_ids)
        self.hap_ids = list(hap_ids)
        self.area_ids = list(area_ids)
        self.warmup = warmup_minutes
        self.sites = [SiteRecords() for _ in site_ids]
        self.hap_contacts = [0] * len(hap_ids)
        self.hap_referrals = [0] * len(hap_ids)
        self.response_by_urgency = [array("d") for _ in URGENCY_BY_INDEX]
        # A1 is urgency 0: its response times are that array (kept once, not twice)
        self.a1_response_minutes = self.response_by_urgency[URGENCY_BY_INDEX.index("A1")]
        self.call_to_door_by_urgency = [array("d") for _ in URGENCY_BY_INDEX]
        self.unserved_by_reason: dict[str, int] = {}
        self.ambulance_calls = 0  # measured ambulance deployments (every urgency class)
        self.vehicle_ids: list[str] = []  # by vehicle index, set by the model
        self.vehicle_posts: list[str] = []
        self.n_created = 0
        self.n_terminal: dict[str, int] = {}
        self.patient_sink = patient_sink
        self.norm_samples: list[tuple[float, float]] = []  # (t, population beyond norm)
        self.norm_rivm_samples: list[tuple[float, float]] = []  # the same, RIVM definition
        self.closures: list[tuple[float, str, str, str]] = []  # (t, site_id, action, reason)
        # At a funding-regime switch, what the board would have decided under the old
        # regime: (t, site_id, regime, action or "none", reason)
        self.shadow_decisions: list[tuple[float, str, str, str, str]] = []
        self.finance_rows: list[dict[str, Any]] = []
        self.on_visit: Callable[[Patient], None] | None = None  # the books, when funded
        # Daily sums for the warm-up analysis (all journeys, by departure day).
        # (an array of doubles and a list: Python floats and ints per departure, no numpy)
        n_days = int(horizon_minutes // MINUTES_PER_DAY) + 1
        self.daily_los_sum = array("d", bytes(8 * n_days))
        self.daily_departures = [0] * n_days

    def measured(self, p: Patient) -> bool:
        """True when the journey started inside the measured window."""
        return p.t_call >= self.warmup

    def wait_for_treatment_minutes(self) -> np.ndarray:
        """Every SEH's waits for treatment, site after site (one array, no per-site copy)."""
        d2d = [np.frombuffer(sr.door_to_doctor_minutes, dtype=np.float64) for sr in self.sites]
        wait = np.concatenate(d2d) if d2d else np.zeros(0)
        at = 0
        for sr, site in zip(self.sites, d2d, strict=True):
            wait[at + np.frombuffer(sr.wait_moved_index, dtype=np.int64)] = sr.wait_moved_minutes
            at += len(site)
        return wait

    # -- journeys ------------------------------------------------------------------------
    def created(self) -> None:
        """Count a new journey."""
        self.n_created += 1

    def terminal(self, p: Patient) -> None:
        """Count a journey that reached its terminal state; stream it to the sink."""
        self.n_terminal[p.state] = self.n_terminal.get(p.state, 0) + 1
        if self.patient_sink is not None:
            self.patient_sink(self._row(p))

    def seh_journey(self, p: Patient) -> None:
        """A patient left the SEH (discharged or admitted)."""
        self.terminal(p)
        if self.on_visit is not None:
            self.on_visit(p)
        los = p.t_departure - p.t_arrival
        day = int(p.t_departure // MINUTES_PER_DAY)
        if day < len(self.daily_departures):
            self.daily_los_sum[day] += los
            self.daily_departures[day] += 1
        if p.t_call < self.warmup:  # not measured
            return
        rec = self.sites[p.site]
        rec.visits_by_route[ROUTE_GROUP[p.arrival_route]] += 1
        rec.los_minutes.append(los)
        d2d = rec.door_to_doctor_minutes
        d2d.append(p.t_treatment_start - p.t_arrival)
        if p.t_first_arrival != p.t_arrival:  # moved on from another SEH (same value else)
            rec.wait_moved_index.append(len(d2d) - 1)
            rec.wait_moved_minutes.append(p.t_treatment_start - p.t_first_arrival)
        if p.admitted:
            rec.admitted += 1
            rec.transfers += int(p.transferred)
            rec.boarding_minutes += p.t_departure - p.t_treatment_end

    def ambulance_at_door(self, p: Patient) -> None:
        """An ambulance patient was handed off (the crew's handoff delay is known)."""
        if p.t_call >= self.warmup:  # self.measured(p), without the call
            rec = self.sites[p.site]
            rec.handoff_delay_minutes.append(p.t_accept - p.t_door)
            rec.call_to_door_minutes.append(p.t_door - p.t_call)
            if p.urgency >= 0:
                self.call_to_door_by_urgency[p.urgency].append(p.t_door - p.t_call)

    def response(self, p: Patient) -> None:
        """Record the response time (call to on scene) of an ambulance call."""
        if p.urgency >= 0 and p.t_call >= self.warmup:  # measured (A1 included)
            self.response_by_urgency[p.urgency].append(p.t_on_scene - p.t_call)

    def ambulance_call(self, p: Patient) -> None:
        """Count an ambulance call (a deployment, planned B rides included)."""
        if p.t_call >= self.warmup:  # self.measured(p), without the call
            self.ambulance_calls += 1

    def gave_up(self, p: Patient) -> None:
        """A waiting patient left untreated (without being seen, or at the maximum wait)."""
        self.terminal(p)
        if p.t_call >= self.warmup:  # self.measured(p), without the call
            rec = self.sites[p.site]
            if p.state == LEFT_UNSEEN:
                rec.left_unseen += 1
            else:
                rec.max_wait += 1
                self.unserved_by_reason[p.reason] = self.unserved_by_reason.get(p.reason, 0) + 1

    def unserved(self, p: Patient) -> None:
        """No SEH could take the patient (``p.reason`` says why)."""
        self.terminal(p)
        if p.t_call >= self.warmup:  # self.measured(p), without the call
            self.unserved_by_reason[p.reason] = self.unserved_by_reason.get(p.reason, 0) + 1

    def site_transfer(self, p: Patient, from_site: int) -> None:
        """A patient moved on from an SEH that stopped receiving (closing time)."""
        if p.t_call >= self.warmup:  # self.measured(p), without the call
            self.sites[from_site].closing_transfers += 1

    def diversion(self, p: Patient, nearest_site: int) -> None:
        """An ambulance patient was taken past the nearest scheduled-open SEH."""
        if p.t_call >= self.warmup:  # self.measured(p), without the call
            self.sites[nearest_site].diversions += 1

    def hap_contact(self, hap: int, p: Patient, referred: bool) -> None:
        """A HAP contact ended (referred to the SEH or not)."""
        if p.t_call >= self.warmup:  # measured
            self.hap_contacts[hap] += 1
            self.hap_referrals[hap] += int(referred)

    def hap_done(self, hap: int, t_call: float) -> None:
        """A HAP contact ended at the HAP: :meth:`hap_contact` and :meth:`terminal`.

        For a contact the run follows without a patient (no patient sink): not referred,
        so no referral, and its state is ``hap_done``.
        """
        if t_call >= self.warmup:  # measured
            self.hap_contacts[hap] += 1
        self.n_terminal[HAP_DONE] = self.n_terminal.get(HAP_DONE, 0) + 1

    # -- status --------------------------------------------------------------------------
    def status_interval(self, site: int, t_start: float, t_end: float, status: Any) -> None:
        """Record that ``site`` had ``status`` from ``t_start`` to ``t_end`` [min]."""
        if t_end > t_start:
            self.sites[site].status.append((t_start, t_end, str(getattr(status, "value", status))))

    def norm_sample(self, t: float, population_beyond: float) -> None:
        """Population beyond the norm from ``t`` on (a step function) [persons]."""
        self.norm_samples.append((t, population_beyond))

    def norm_rivm_sample(self, t: float, population_beyond: float) -> None:
        """Population beyond the norm by RIVM's definition from ``t`` on [persons]."""
        self.norm_rivm_samples.append((t, population_beyond))

    def closure(self, t: float, site_id: str, action: str, reason: str) -> None:
        """Record a board or policy decision on an SEH."""
        self.closures.append((t, site_id, action, reason))

    def _row(self, p: Patient) -> tuple[Any, ...]:
        return (
            p.patient_id,
            p.stream,
            p.route,
            p.arrival_route,
            self.area_ids[p.area],
            self.site_ids[p.site] if p.site >= 0 else None,
            URGENCY_BY_INDEX[p.urgency] if p.urgency >= 0 else None,
            MTS_BY_INDEX[p.mts],
            bool(p.admitted),
            p.state,
            p.t_call,
            p.t_on_scene,
            p.t_arrival,
            p.t_accept,
            p.t_treatment_start,
            p.t_treatment_end,
            p.t_ward,
            p.t_departure,
            p.reason or None,
            self.vehicle_ids[p.vehicle] if p.vehicle >= 0 else None,
            self.vehicle_posts[p.vehicle] if p.vehicle >= 0 else None,
            p.t_assigned,
            p.leg_scene_minutes,
            p.leg_transport_minutes,
            p.t_door,
            p.t_accept - p.t_door,
            p.t_release,
            p.t_first_arrival,
            p.n_site_transfers,
        )


VEHICLE_ACTIVITIES: Final = ("to_scene", "on_scene", "transport", "handoff", "return")
ON_DUTY: Final = len(VEHICLE_ACTIVITIES)  # index of the on-duty minutes in the accumulator

VEHICLE_COLUMNS: Final = (
    "vehicle_id",
    "post_id",
    "shift_start_minutes",
    "shift",
    "on_duty_minutes",
    *(f"{a}_minutes" for a in VEHICLE_ACTIVITIES),
    "busy_minutes",
    "utilisation_share",
)


class VehicleLog:
    """Busy minutes of every vehicle by activity, and on-duty minutes, per shift window.

    Shift windows start at the ambulance shift start hours of every day; an interval is
    split at window edges and clipped to the measured window ``[warmup, horizon]``.

    Parameters
    ----------
    n_vehicles : int
        Vehicles of the region.
    shift_start_hours : mapping of str to float
        Shift name -> start hour of day [h].
    warmup_minutes, horizon_minutes : float
        The measured window [min].
    """

    def __init__(
        self,
        n_vehicles: int,
        shift_start_hours: dict[str, float],
        warmup_minutes: float,
        horizon_minutes: float,
    ) -> None:
        shifts = sorted(shift_start_hours.items(), key=lambda kv: kv[1])
        n_days = int(horizon_minutes // MINUTES_PER_DAY) + 2
        starts: list[float] = []
        names: list[str] = []
        for day in range(-1, n_days):
            for name, hour in shifts:
                starts.append(day * MINUTES_PER_DAY + hour * MINUTES_PER_HOUR)
                names.append(name)
        self.starts = np.asarray(starts)
        self.names = names
        self.t0, self.t1 = warmup_minutes, horizon_minutes
        # a flat array of doubles the run adds to with Python floats (no numpy per call)
        self._starts = [float(t) for t in starts]
        self._shape = (n_vehicles, len(starts), ON_DUTY + 1)
        # zeros by repetition: no temporary buffer of the same size (a national year is
        # tens of MB)
        self._flat = array("d", [0.0]) * (n_vehicles * len(starts) * (ON_DUTY + 1))

    @property
    def minutes(self) -> np.ndarray:
        """Minutes by vehicle, shift window and activity (``ON_DUTY`` last) [min]; a view."""
        return np.frombuffer(self._flat, dtype=np.float64).reshape(self._shape)

    def add(self, v: int, activity: int, t_start: float, t_end: float) -> None:
        """Add ``[t_start, t_end)`` of ``activity`` (or ``ON_DUTY``) for vehicle ``v``."""
        t0, t1 = self.t0, self.t1
        a = t0 if t0 > t_start else t_start  # max(t_start, t0)
        b = t1 if t1 < t_end else t_end  # min(t_end, t1)
        if not b > a:
            return
        starts, flat, width = self._starts, self._flat, self._shape[2]
        i = bisect.bisect_right(starts, a) - 1
        k = (v * self._shape[1] + i) * width + activity
        while a < b:
            edge = starts[i + 1]
            if not edge < b:  # min(b, edge)
                edge = b
            flat[k] += edge - a
            a = edge
            i += 1
            k += width

    def rows(self, vehicle_ids: Sequence[str], vehicle_posts: Sequence[str]) -> VehicleRows:
        """One row per vehicle and shift window with time on duty or busy, as columns."""
        minutes = self.minutes
        busy = minutes[:, :, :ON_DUTY].sum(axis=2)
        on = minutes[:, :, ON_DUTY]
        v, i = np.nonzero((on > 0) | (busy > 0))
        activities = np.empty((ON_DUTY, len(v)))
        for a in range(ON_DUTY):  # one row at a time: no second copy of them all
            activities[a] = minutes[v, i, a]
        return VehicleRows(
            vehicle=v,
            window=i,
            on_duty=on[v, i],
            activities=activities,
            busy=busy[v, i],
            vehicle_ids=list(vehicle_ids),
            vehicle_posts=list(vehicle_posts),
            window_starts=self.starts,
            window_names=list(self.names),
        )


@dataclass(frozen=True)
class VehicleRows:
    """The vehicle table of one replication (columns :data:`VEHICLE_COLUMNS`) as arrays.

    One entry per vehicle and shift window with time on duty or busy: the ids and
    window fields are indices into the small lists, so a national year (about 400,000
    rows) takes tens of bytes per row, not a tuple of Python objects. Iterating gives
    the rows as tuples.
    """

    vehicle: np.ndarray  # vehicle index per row
    window: np.ndarray  # shift-window index per row
    on_duty: np.ndarray  # [min]
    activities: np.ndarray  # (len(VEHICLE_ACTIVITIES), rows): each activity contiguous [min]
    busy: np.ndarray  # [min]
    vehicle_ids: list[str]
    vehicle_posts: list[str]
    window_starts: np.ndarray  # [min]
    window_names: list[str]

    def __len__(self) -> int:
        return len(self.vehicle)

    def utilisation(self) -> np.ndarray:
        """Busy over on-duty minutes per row (NaN when never on duty)."""
        out = np.full(len(self.busy), np.nan)
        np.divide(self.busy, self.on_duty, out=out, where=self.on_duty > 0)
        return out

    def numbers(self) -> dict[str, np.ndarray]:
        """The numeric columns of :data:`VEHICLE_COLUMNS` by name, as float64 arrays."""
        out = {
            "shift_start_minutes": self.window_starts[self.window],
            "on_duty_minutes": self.on_duty,
        }
        for j, a in enumerate(VEHICLE_ACTIVITIES):
            out[f"{a}_minutes"] = self.activities[j]  # contiguous: Arrow wraps it, no copy
        out["busy_minutes"] = self.busy
        out["utilisation_share"] = self.utilisation()
        return out

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        share = self.utilisation()
        for k, (v, i) in enumerate(zip(self.vehicle.tolist(), self.window.tolist(), strict=True)):
            yield (
                self.vehicle_ids[v],
                self.vehicle_posts[v],
                float(self.window_starts[i]),
                self.window_names[i],
                float(self.on_duty[k]),
                *self.activities[:, k].tolist(),
                float(self.busy[k]),
                float(share[k]),
            )
