"""One replication: build the SimPy model of a region under a scenario and run it.

The model is handed domain objects (a Region and a Scenario), travel-time matrices from
``geo`` and named random streams; it reads no files. Patients arrive by stream, travel
by their route (ambulance, HAP, GP, self, other) to an SEH, are treated on staffed
slots, and leave home or to a ward bed. SEH status changes feed the routing at once and
the population-beyond-the-norm KPI.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from acutesim.domain.calls import CallLog
from acutesim.domain.region import MTS_COLOURS, Region, Site
from acutesim.domain.roster import CapacitySchedule, always_open, build_schedule
from acutesim.domain.scenario import Scenario
from acutesim.errors import SimulationError
from acutesim.funding.books import FundingSetup
from acutesim.rng import RandomStreams
from acutesim.sim.ambulance import Meldkamer
from acutesim.sim.board import Board
from acutesim.sim.demand import IncidentBatch, StreamGenerator, as_lists
from acutesim.sim.hap import HAPPost
from acutesim.sim.journey import start_journey
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
from acutesim.sim.seh import ACCEPTING, GAVE_UP, SEH, TRANSFER, SEHStatus
from acutesim.sim.timers import event_at
from acutesim.sim.tuning import tuned_gc
from acutesim.units import HOURS_PER_DAY, MINUTES_PER_DAY, MINUTES_PER_HOUR, days

UNLIMITED_SLOTS = 10_000
TO_SCENE, ON_SCENE, TRANSPORT, HANDOFF = 0, 1, 2, 3  # recorder.VEHICLE_ACTIVITIES
B_URGENCY = 2  # index of B in URGENCY_BY_INDEX
STREAM_ID_STRIDE = 1_000_000_000  # patient_id = stream index * stride + sequence


_UNSET = np.empty((0, 0))  # marks a TravelMatrices field left out


@dataclass(frozen=True)
class TravelMatrices:
    """Travel minutes the model needs, indexed by model position, in the direction of travel.

    The ambulance profile (with siren): ``amb_post_area`` (posts x areas, response),
    ``amb_site_area`` (SEH sites x areas, re-dispatch from a hospital), ``amb_area_site``
    (areas x sites, transport), ``amb_area_post`` (areas x posts, return from a scene),
    ``amb_site_post`` (sites x posts, return from a hospital) and ``amb_site_site``
    (sites x sites, transfers). The no-siren profile (A2 rides): ``amb2_post_area`` and
    ``amb2_area_site``. The private-car profile: ``car_area_site`` and ``car_area_hap``.
    Fields left out default to the transpose of the reverse matrix (or the siren
    matrix; site to site: :func:`site_site_through_areas`), for hand-built matrices in
    tests.
    """

    amb_post_area: np.ndarray
    amb_area_site: np.ndarray
    amb_site_post: np.ndarray
    car_area_site: np.ndarray
    car_area_hap: np.ndarray
    amb_site_area: np.ndarray = field(default_factory=lambda: _UNSET)
    amb_area_post: np.ndarray = field(default_factory=lambda: _UNSET)
    amb_site_site: np.ndarray = field(default_factory=lambda: _UNSET)
    amb2_post_area: np.ndarray = field(default_factory=lambda: _UNSET)
    amb2_area_site: np.ndarray = field(default_factory=lambda: _UNSET)

    def __post_init__(self) -> None:
        defaults = {
            "amb_site_area": lambda: self.amb_area_site.T,
            "amb_area_post": lambda: self.amb_post_area.T,
            "amb_site_site": lambda: site_site_through_areas(self.amb_area_site),
            "amb2_post_area": lambda: self.amb_post_area,
            "amb2_area_site": lambda: self.amb_area_site,
        }
        for name, value in defaults.items():
            if getattr(self, name) is _UNSET:
                object.__setattr__(self, name, np.ascontiguousarray(value()))


def site_site_through_areas(amb_area_site: np.ndarray) -> np.ndarray:
    """Site-to-site minutes bounded through the areas: min over a of t(a, i) + t(a, j)."""
    n = amb_area_site.shape[1]
    out = np.full((n, n), np.inf)
    for i in range(n):
        out[i] = np.min(amb_area_site[:, [i]] + amb_area_site, axis=0)
        out[i, i] = 0.0
    return out


def travel_matrices(region: Region) -> TravelMatrices:
    """Compute the model's travel matrices with the region's travel-time models [min]."""
    from acutesim.geo.travel_time import Locations, build_travel_model

    amb = build_travel_model(region, profile="ambulance")
    amb2 = build_travel_model(region, profile="ambulance_no_siren")
    car = build_travel_model(region, profile="car")
    areas = Locations.from_areas(region)
    sites = Locations.from_sites(region, region.seh_sites)
    posts = Locations.from_posts(region)
    haps = Locations(
        ids=tuple(h.hap_id for h in region.haps),
        xy=np.array([(h.x_m, h.y_m) for h in region.haps], dtype=float).reshape(-1, 2),
        zones=tuple(h.zone for h in region.haps),
        kind="hap",
    )
    return TravelMatrices(
        amb_post_area=amb.minutes(posts, areas),
        amb_area_site=amb.minutes(areas, sites),
        amb_site_post=amb.minutes(sites, posts),
        car_area_site=car.minutes(areas, sites),
        car_area_hap=car.minutes(areas, haps) if region.haps else np.zeros((len(areas.ids), 0)),
        amb_site_area=amb.minutes(sites, areas),
        amb_area_post=amb.minutes(areas, posts),
        amb_site_site=amb.minutes(sites, sites),
        amb2_post_area=amb2.minutes(posts, areas),
        amb2_area_site=amb2.minutes(areas, sites),
    )


@dataclass
class ReplicationResult:
    """Tables of one (scenario, replication) task, as plain rows."""

    scenario: str
    replication: int
    kpis: list[tuple[str, float, str | None]]
    status: list[tuple[str, float, float, str]]
    closures: list[tuple[float, str, str, str]]
    timeseries: list[tuple[float, str, float]]
    finance: list[dict[str, Any]] = field(default_factory=list)
    vehicles: list[tuple[Any, ...]] = field(default_factory=list)
    n_created: int = 0
    n_terminal: dict[str, int] = field(default_factory=dict)
    n_in_system: int = 0
    wall_seconds: float = 0.0


class Model:
    """The SimPy model of one replication. Build with :func:`run_replication`."""

    def __init__(
        self,
        region: Region,
        scenario: Scenario,
        streams: RandomStreams,
        *,
        horizon_minutes: float,
        warmup_minutes: float,
        travel: TravelMatrices,
        patient_sink: Callable[[tuple[Any, ...]], None] | None = None,
        schedules: dict[str, CapacitySchedule] | None = None,
        funding: FundingSetup | None = None,
        call_log: CallLog | None = None,
    ) -> None:
        self.region = region
        self.scenario = scenario
        self.streams = streams
        self.horizon = horizon_minutes
        self.warmup = warmup_minutes
        self.travel = travel
        self.call_log = call_log
        self.env = simpy.Environment()
        self.sites: tuple[Site, ...] = region.seh_sites
        self.site_index = {s.site_id: i for i, s in enumerate(self.sites)}
        self.norm_tracker: Any = None
        self.night_closed: set[int] = set()  # SEHs closed at night by a board
        self.board: Board | None = None
        self.recorder = Recorder(
            [s.site_id for s in self.sites],
            [h.hap_id for h in region.haps],
            region.area_ids,
            warmup_minutes,
            patient_sink,
            horizon_minutes,
        )
        self._build_sehs(schedules or {})
        self._build_haps()
        self._build_meldkamer()
        self._build_routing()
        self._build_specialised()
        self._build_norm()
        if funding is not None:
            self.board = Board(self, funding)
            self.recorder.on_visit = self.board.visit
        # Substitution at a spoedplein (behaviour.substitution): only with a rate > 0,
        # so the neutral setting draws nothing and leaves every other stream alone.
        self.funding = funding
        self.substitution_mts: frozenset[int] = frozenset()
        self.substitution_rng: np.random.Generator | None = None
        if funding is not None and funding.substitution.rate > 0:
            self.substitution_mts = frozenset(
                MTS_COLOURS.index(c) for c in funding.substitution.mts
            )
            self.substitution_rng = streams.get("behaviour.substitution")

    # -- construction ----------------------------------------------------------------------
    def _schedule(self, site_id: str, roster_name: str, stream: str) -> CapacitySchedule:
        template = self.region.rosters[roster_name]
        return build_schedule(
            template,
            self.horizon,
            self.region.calendar.start_date.weekday(),
            self.streams.get(stream),
            vacancy_share=self.scenario.staff_vacancy_share,
            locum_fill_share=self.scenario.locum_fill_share,
            absence_scale=self.scenario.absence_scale,
        )

    def _build_sehs(self, schedules: dict[str, CapacitySchedule]) -> None:
        sc, seh_params = self.scenario, self.region.seh
        on = (
            sc.volmelding_on_share
            if sc.volmelding_on_share is not None
            else seh_params.volmelding_on_share
        )
        off = (
            sc.volmelding_off_share
            if sc.volmelding_off_share is not None
            else seh_params.volmelding_off_share
        )
        self.sehs: list[SEH] = []
        self.schedules: list[CapacitySchedule] = []
        for i, site in enumerate(self.sites):
            template = self.region.rosters[site.roster]
            planned = build_schedule(template, MINUTES_PER_DAY * 7, 0, None)
            bays = math.ceil(seh_params.bay_factor * max(int(planned.slots.max()), 1))
            if sc.unlimited_staff:
                schedule = always_open(bays)
            else:
                schedule = schedules.get(site.site_id) or self._schedule(
                    site.site_id, site.roster, f"roster.{site.site_id}"
                )
            beds = round(site.acute_beds * sc.beds_multiplier)
            seh = SEH(
                self.env,
                i,
                site.site_id,
                bays,
                beds,
                on,
                off,
                self.recorder,
                self._status_changed,
                max_wait_minutes=self.region.pathways.max_wait_for_treatment_minutes,
                handoff_nurses=self.region.pathways.handoff_nurses_per_seh,
            )
            self.sehs.append(seh)
            self.schedules.append(schedule)
            self.env.process(self._roster_process(i, seh, schedule))
            if site.seh == "day":
                self.env.process(self._opening_hours_process(seh, site))
        for sid in sc.closed_sites:
            if sid in self.site_index:
                self.sehs[self.site_index[sid]].set_closed_permanent(True)
                self.recorder.closure(0.0, sid, "closure", "policy")

    def _build_haps(self) -> None:
        self.haps: list[HAPPost] = []
        self.hap_at_site = np.full(len(self.sites), -1, dtype=np.int64)
        for i, h in enumerate(self.region.haps):
            site = self.site_index.get(h.site_id, -1) if h.site_id else -1
            post = HAPPost(self.env, i, h.hap_id, site, self.recorder)
            self.haps.append(post)
            if site >= 0:
                self.hap_at_site[site] = i
            if self.scenario.unlimited_staff:
                schedule = always_open(UNLIMITED_SLOTS)
            else:
                schedule = self._schedule(h.hap_id, h.roster, f"roster.hap.{h.hap_id}")
            self.env.process(self._hap_gp_process(post, schedule))
        if self.haps:
            self.env.process(self._hap_hours_process())

    def _build_meldkamer(self) -> None:
        mult = self.scenario.ambulance_vehicles_multiplier
        per_post = [
            max((round(n * mult) for n in p.vehicles_by_shift.values()), default=0)
            for p in self.region.posts
        ]
        vehicle_post = np.repeat(np.arange(len(per_post)), per_post)
        posts = self.region.posts
        self.vehicle_ids = [
            f"{posts[k].post_id}.{n + 1}" for k, c in enumerate(per_post) for n in range(c)
        ]
        self.recorder.vehicle_ids = self.vehicle_ids
        self.recorder.vehicle_posts = [posts[int(k)].post_id for k in vehicle_post]
        t = self.travel
        self.vehicle_log = VehicleLog(
            len(vehicle_post),
            dict(self.region.ambulance.shift_start_hours),
            self.warmup,
            self.horizon,
        )
        self.meldkamer = Meldkamer(
            self.env,
            vehicle_post,
            t.amb_post_area,
            t.amb_site_area,
            t.amb_site_post,
            self.recorder,
            self.vehicle_log,
            area_to_post=t.amb_area_post,
            b_reserve_vehicles=(
                self.region.pathways.b_reserve_vehicles
                if self.region.pathways.b_ride_rule == "quiet_hours"
                else 0
            ),
        )
        self.area_reachable = np.isfinite(t.amb_post_area).any(axis=0)
        self.env.process(self._vehicle_shift_process())

    def _build_routing(self) -> None:
        t = self.travel
        self.amb_order = [_finite_order(row) for row in t.amb_area_site]
        self.car_order = [_finite_order(row) for row in t.car_area_site]
        site_site = (
            t.amb_site_site
            if t.amb_site_site is not None
            else site_site_through_areas(t.amb_area_site)
        )
        self.site_site = site_site
        self.transfer_order = [
            np.array([j for j in _finite_order(row) if j != i], dtype=np.int64)
            for i, row in enumerate(site_site)
        ]
        self.hap_order = (
            [int(np.argmin(row)) for row in t.car_area_hap] if t.car_area_hap.shape[1] else []
        )

    def _build_specialised(self) -> None:
        known = set(self.site_index)
        unknown = [sid for sid in self.region.pathways.specialised_sites if sid not in known]
        if unknown:
            raise SimulationError(
                f"pathways.specialised_sites: {', '.join(unknown)} is not an SEH site of "
                f"region {self.region.name} (known: {', '.join(sorted(known))})"
            )
        special = set(self.region.pathways.specialised_sites)
        self.is_specialised = np.array([s.site_id in special for s in self.sites], dtype=bool)

    def _build_norm(self) -> None:
        """Track the population beyond the 45-minute norm as 24/7 SEHs change status."""
        self.norm_sites = np.array([s.is_24_7 for s in self.sites], dtype=bool)
        try:
            from acutesim.geo.norm import NormTracker, norm_parameters
        except ImportError:  # pragma: no cover - geo.norm ships with acutesim
            return
        post_24_7 = np.array([p.is_24_7 for p in self.region.posts], dtype=bool)
        self.norm_tracker = NormTracker(
            self.travel.amb_post_area[post_24_7],
            self.travel.amb_area_site[:, self.norm_sites],
            self.region.area_population(),
            # the pack's dispatch and on-scene minutes, unless the scenario sets them
            norm_parameters(
                self.region,
                dispatch_minutes=self.scenario.dispatch_minutes,
                on_scene_minutes=self.scenario.on_scene_minutes,
            ),
        )
        self._record_norm()
        self._record_norm_rivm()

    def _norm_open_mask(self) -> np.ndarray:
        """24/7 SEHs an A1 ambulance can bring a patient to now.

        Under the LPZ rule an A1 patient still goes to a volgemeld SEH, so volmelding
        does not take an SEH out of reach; a closed, night-closed (outside hours) or
        unstaffed shift does.
        """
        return np.array(
            [
                seh.status in ACCEPTING
                for seh, ok in zip(self.sehs, self.norm_sites, strict=True)
                if ok
            ],
            dtype=bool,
        )

    def _norm_rivm_mask(self) -> np.ndarray:
        """24/7 SEHs RIVM counts: in operation around the clock by decision.

        RIVM's definition ignores volmelding and shift closures: an SEH counts unless it
        is closed or no longer open 24/7 (a night closure) by a board or the scenario.
        """
        return np.array(
            [
                not (seh.is_closed_permanent or i in self.night_closed)
                for i, (seh, ok) in enumerate(zip(self.sehs, self.norm_sites, strict=True))
                if ok
            ],
            dtype=bool,
        )

    def _record_norm(self) -> None:
        if self.norm_tracker is not None:
            value = float(self.norm_tracker.population_beyond(self._norm_open_mask()))
            self.recorder.norm_sample(self.env.now, value)

    def _record_norm_rivm(self) -> None:
        if self.norm_tracker is not None:
            value = float(self.norm_tracker.population_beyond(self._norm_rivm_mask()))
            self.recorder.norm_rivm_sample(self.env.now, value)

    def night_closure_changed(self, index: int, night_closed: bool) -> None:
        """A board closed SEH ``index`` at night (or reopened it around the clock)."""
        if night_closed:
            self.night_closed.add(index)
        else:
            self.night_closed.discard(index)
        self._record_norm_rivm()

    def _status_changed(self, index: int, old: SEHStatus, new: SEHStatus) -> None:
        if old in ACCEPTING and new not in ACCEPTING:
            self.sehs[index].evacuate()  # closing time: the waiting go elsewhere
        if self.norm_tracker is not None and self.norm_sites[index]:
            if (old in ACCEPTING) != (new in ACCEPTING):
                self._record_norm()
            if (old is SEHStatus.CLOSED) != (new is SEHStatus.CLOSED):
                self._record_norm_rivm()

    # -- background processes --------------------------------------------------------------
    def _roster_process(
        self, i: int, seh: SEH, schedule: CapacitySchedule
    ) -> Generator[Any, Any, None]:
        """SimPy process: apply an SEH's staffed slots and closed-shift flag at each boundary."""
        env = self.env
        has_staff = schedule.staff.shape == (len(schedule.slots), len(schedule.roles))
        for k, t in enumerate(schedule.t_start_minutes.tolist()):  # floats, not numpy
            if t > env.now:
                yield env.timeout(t - env.now)
            # status first: a closing SEH hands its waiting patients on and keeps the ones
            # in treatment; a reopening one takes patients with the new slots
            seh.set_closed_shift(bool(schedule.is_closed[k]))
            seh.set_slots(int(schedule.slots[k]))
            if self.board is not None and has_staff:
                self.board.staff_changed(i, schedule.staff[k])

    def _opening_hours_process(self, seh: SEH, site: Site) -> Generator[Any, Any, None]:
        """SimPy process: open and close a day-only SEH at its hours every day."""
        env = self.env
        open_m, close_m = site.open_hour * MINUTES_PER_HOUR, site.close_hour * MINUTES_PER_HOUR
        day = 0.0
        seh.set_outside_hours(not (open_m <= 0.0 < close_m))
        while True:
            for t, outside in ((day + open_m, False), (day + close_m, True)):
                if t > env.now:
                    yield env.timeout(t - env.now)
                    seh.set_outside_hours(outside)
            day += MINUTES_PER_DAY

    def _hap_open_hours(self) -> np.ndarray:
        p = self.region.hap
        how = np.zeros(168, dtype=bool)
        for d in range(7):
            for h in range(int(HOURS_PER_DAY)):
                weekend = d >= 5
                if weekend and p.weekend_open_all_day:
                    is_open = True
                elif p.weekday_open_hour > p.weekday_close_hour:  # open across midnight
                    is_open = h >= p.weekday_open_hour or h < p.weekday_close_hour
                else:
                    is_open = p.weekday_open_hour <= h < p.weekday_close_hour
                how[d * 24 + h] = is_open
        return how

    def _hap_hours_process(self) -> Generator[Any, Any, None]:
        """SimPy process: open and close the HAPs by hour of week."""
        env, cal = self.env, self.region.calendar
        open_by_how = self._hap_open_hours()
        t = 0.0
        while True:
            is_open = bool(open_by_how[cal.hour_of_week(t)])
            for h in self.haps:
                h.is_open = is_open
            t = (math.floor(t / MINUTES_PER_HOUR) + 1) * MINUTES_PER_HOUR
            yield env.timeout(t - env.now)

    def _hap_gp_process(
        self, hap: HAPPost, schedule: CapacitySchedule
    ) -> Generator[Any, Any, None]:
        """SimPy process: apply a HAP's GPs on duty at each roster boundary."""
        env = self.env
        for t, slots, closed in zip(
            schedule.t_start_minutes.tolist(), schedule.slots, schedule.is_closed, strict=True
        ):
            if t > env.now:
                yield env.timeout(t - env.now)
            hap.set_gps(0 if closed else int(slots))

    def _vehicle_shift_process(self) -> Generator[Any, Any, None]:
        """SimPy process: set the vehicles on duty per post at each ambulance shift start."""
        env = self.env
        starts = sorted(self.region.ambulance.shift_start_hours.items(), key=lambda kv: kv[1])
        mult = self.scenario.ambulance_vehicles_multiplier
        posts = self.region.posts

        def apply(shift: str) -> None:
            for k, p in enumerate(posts):
                self.meldkamer.set_post_vehicles(k, round(p.vehicles_by_shift.get(shift, 0) * mult))

        apply(starts[-1][0])  # the last shift of the day runs over midnight
        day = 0.0
        while True:
            for shift, hour in starts:
                t = day + hour * MINUTES_PER_HOUR
                if t > env.now:
                    yield env.timeout(t - env.now)
                apply(shift)
            day += MINUTES_PER_DAY

    # -- demand ----------------------------------------------------------------------------
    def _demand_process(
        self, k: int, gen: StreamGenerator, batches: Iterator[IncidentBatch]
    ) -> Generator[Any, Any, None]:
        """SimPy process: release the incidents of one stream and start their journeys."""
        env, rec = self.env, self.recorder
        route = gen.stream.route
        name = gen.stream.name
        journey = {
            "ambulance": self._ambulance,
            "hap": self._hap_contact,
            "self": self._self_referral,
        }.get(route, self._referral)
        is_hap = route == "hap"
        # A HAP contact not referred on reads no state at its call (see _start_hap_contact):
        # it is started ahead, without waking this process at its call instant.
        may_skip = is_hap and bool(self.haps)
        horizon = self.horizon
        seq = k * STREAM_ID_STRIDE
        now = env.now  # the instant of the current call, as waking at each call would give
        # chunks with Python lists for columns: Python scalars in the event loop, not numpy
        for batch in (chunk for b in batches for chunk in as_lists(b)):
            for i in range(len(batch.t_minutes)):
                t = batch.t_minutes[i]
                if t > now:
                    now += t - now  # where a timeout of t - now from now fires
                if now != env.now and not (
                    may_skip and not batch.hap_referral[i] and now < horizon
                ):
                    yield event_at(env, now)
                p = _patient(batch, i, seq, name, route)
                seq += 1
                rec.created()
                if is_hap:
                    self._start_hap_contact(p, now)
                else:
                    start_journey(journey(p))  # no start and end events of a Process

    # -- routing ---------------------------------------------------------------------------
    def _walk_in_site(self, area: int) -> int:
        """The nearest SEH by car that receives patients now (open or volgemeld), or -1.

        Rule ``informed walk-in``: walk-ins and referrals know which SEHs are open (the
        GP, the HAP or the hospital's website tells them), so they never drive to one
        that is closed for good, for the shift or outside its hours.
        """
        for s in self.car_order[area]:
            if self.sehs[s].accepts_walk_in:
                return int(s)
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
                    return int(s), -1
        nearest = -1
        for s in order:
            seh = sehs[s]
            if not (seh.is_closed_permanent or seh.is_outside_hours):
                nearest = int(s)
                break
        for s in order:
            status = sehs[s].status
            if status is SEHStatus.OPEN or (p.urgency == 0 and status is SEHStatus.VOLGEMELD):
                return int(s), nearest
        for s in order:  # all volgemeld or closed: the nearest receiving one
            if sehs[s].accepts_walk_in:
                return int(s), nearest
        return -1, nearest

    def _transfer_site(self, s: int) -> int:
        """The nearest other SEH that receives patients, from site ``s``, or -1."""
        for o in self.transfer_order[s]:
            if self.sehs[o].accepts_walk_in:
                return int(o)
        return -1

    def _unserved(self, p: Patient, reason: str) -> None:
        p.state, p.reason = UNSERVED, reason
        p.t_departure = max(self.env.now, p.t_call)  # env.now may sit an ulp below t_call
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
        p.vehicle, p.t_assigned, p.leg_scene_minutes = v, env.now, drive
        yield env.timeout(p.dispatch_minutes + drive)
        p.t_on_scene = env.now
        log = self.vehicle_log
        log.add(v, TO_SCENE, p.t_assigned, env.now)
        rec.response(p)
        yield env.timeout(p.on_scene_minutes)
        log.add(v, ON_SCENE, p.t_on_scene, env.now)
        t_leave = env.now
        if not p.conveyed:
            mk.release_at_scene(v, p.area)
            p.t_release = env.now
            p.state = NOT_CONVEYED
            rec.terminal(p)
            return
        if not p.to_seh:  # handed over past the SEH at the nearest hospital
            s = int(self.amb_order[p.area][0])
            p.leg_transport_minutes = float(self.travel.amb_area_site[p.area, s]) * slow
            yield env.timeout(p.leg_transport_minutes)
            p.t_door = env.now
            log.add(v, TRANSPORT, t_leave, env.now)
            yield env.timeout(p.handover_minutes)
            log.add(v, HANDOFF, p.t_door, env.now)
            mk.release_at_site(v, s)
            p.t_release = env.now
            p.site = s
            p.state = CONVEYED_DIRECT
            rec.terminal(p)
            return
        s, nearest = self._ambulance_site(p)
        if s < 0:  # no SEH receives patients: the crew leaves the patient in other care
            mk.release_at_scene(v, p.area)
            p.t_release = env.now
            self._unserved(p, NO_OPEN_SEH)
            return
        if nearest >= 0 and nearest != s:
            rec.diversion(p, nearest)
        transport = float(self.travel.amb_area_site[p.area, s]) * slow
        p.leg_transport_minutes = transport
        yield env.timeout(transport)
        seh = self.sehs[s]
        while True:
            if seh.accepts_walk_in:
                outcome = yield seh.handoff(p)
                if outcome is None:
                    break
            # closed on arrival or while the crew waited at the door: drive on
            o = self._transfer_site(seh.index)
            if o < 0 or p.n_site_transfers >= len(self.sehs):
                log.add(v, TRANSPORT, t_leave, env.now)
                mk.release_at_site(v, seh.index)
                p.t_release = env.now
                self._unserved(p, NO_OPEN_SEH)
                return
            rec.site_transfer(p, seh.index)
            p.n_site_transfers += 1
            leg = float(self.site_site[seh.index, o]) * slow
            p.leg_transport_minutes += leg
            yield env.timeout(leg)
            seh = self.sehs[o]
        rec.ambulance_at_door(p)
        log.add(v, TRANSPORT, t_leave, p.t_door)
        release = env.timeout(p.handover_minutes)
        site = seh.index

        def released(_e: Any) -> None:
            p.t_release = env.now
            log.add(v, HANDOFF, p.t_door, env.now)
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
        p.t_assigned = env.now
        if not (p.conveyed and p.to_seh):
            p.state = CONVEYED_DIRECT if p.conveyed else NOT_CONVEYED
            self.recorder.terminal(p)
            return
        s, _nearest = self._ambulance_site(p)
        if s < 0:
            self._unserved(p, NO_OPEN_SEH)
            return
        p.leg_transport_minutes = float(self.travel.amb_area_site[p.area, s]) * slow
        yield env.timeout(p.on_scene_minutes + p.leg_transport_minutes)
        seh = self.sehs[s]
        seh.walk_in(p)
        p.t_door = env.now
        yield from self._seh_visit(p, seh)

    def _seh_visit(self, p: Patient, seh: SEH) -> Generator[Any, Any, None]:
        """Triage, treatment and leaving; transfers on while the SEH does not receive."""
        env = self.env
        while True:
            if seh.accepts_walk_in:
                yield env.timeout(p.triage_minutes)
                p.t_triage = env.now
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
            yield env.timeout(float(self.site_site[seh.index, o]))
            seh = self.sehs[o]
            seh.walk_in(p)
        boarding = seh.leave(p)
        if boarding is None:
            return
        limit = self.region.seh.boarding_transfer_minutes
        if math.isfinite(limit):
            yield boarding | env.timeout(limit)
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

    def _walk_in(self, p: Patient, s: int, drive_minutes: float) -> Generator[Any, Any, None]:
        if s < 0:
            self._unserved(p, NO_OPEN_SEH)
            return
        if drive_minutes > 0:
            yield self.env.timeout(drive_minutes)
        seh = self.sehs[s]
        seh.walk_in(p)
        yield from self._seh_visit(p, seh)

    def _car_minutes(self, area: int, s: int) -> float:
        return float(self.travel.car_area_site[area, s]) if s >= 0 else 0.0

    def _referral(self, p: Patient) -> Generator[Any, Any, None]:
        """SimPy process: a GP or second-line referral travels to the nearest receiving SEH.

        Rule ``gp_referrals_via_hap_when_open``: a GP-referral need that arises while the
        patient's HAP is open is seen there (telephone triage, consult) and referred on.
        """
        if (
            p.route == "gp"
            and self.haps
            and self.region.pathways.gp_referrals_via_hap_when_open
            and self.haps[self.hap_order[p.area]].is_open
        ):
            hap = self.haps[self.hap_order[p.area]]
            p.hap_referral = True
            yield self.env.timeout(p.hap_triage_minutes)
            yield from self._hap_visit(p, hap, consult=True, at_site=hap.site)
            return
        s = self._walk_in_site(p.area)
        yield from self._walk_in(p, s, self._car_minutes(p.area, s))

    def _self_referral(self, p: Patient) -> Generator[Any, Any, None]:
        """SimPy process: a self-referral; a co-located open HAP sees a share of them first."""
        s = self._walk_in_site(p.area)
        drive = self._car_minutes(p.area, s)
        h = int(self.hap_at_site[s]) if s >= 0 else -1
        if h >= 0 and self.haps[h].is_open and (p.hap_take or self._substitutes(p)):
            yield self.env.timeout(drive)
            yield from self._hap_visit(p, self.haps[h], consult=True, at_site=s)
        else:
            yield from self._walk_in(p, s, drive)

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
        if not self.funding.budget_in_force(self.region.calendar.date(self.env.now)):
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
            start_journey(self._hap_contact(p))
            return
        event_at(self.env, t_call + p.hap_triage_minutes).callbacks.append(
            lambda _e, p=p: self._hap_triaged(p)
        )

    def _hap_triaged(self, p: Patient) -> None:
        hap = self.haps[self.hap_order[p.area]]
        p.t_triage = self.env.now
        if p.hap_consult and hap.is_open:  # outside opening hours: telephone only
            hap.consult(p).callbacks.append(lambda _e, p=p, hap=hap: self._hap_done(p, hap))
        else:
            self._hap_done(p, hap)

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
        yield self.env.timeout(p.hap_triage_minutes)
        hap = self.haps[self.hap_order[p.area]]
        # outside opening hours a contact is handled by telephone only
        consult = p.hap_consult and hap.is_open
        yield from self._hap_visit(p, hap, consult=consult, at_site=hap.site)

    def _hap_visit(
        self, p: Patient, hap: HAPPost, *, consult: bool, at_site: int
    ) -> Generator[Any, Any, None]:
        env = self.env
        p.t_triage = env.now
        if consult:
            yield hap.consult(p)
        self.recorder.hap_contact(hap.index, p, p.hap_referral)
        if not p.hap_referral:
            p.state = HAP_DONE
            self.recorder.terminal(p)
            return
        p.arrival_route = "gp_hap"
        if consult and at_site >= 0 and self.sehs[at_site].accepts_walk_in:
            yield from self._walk_in(p, at_site, 0.0)  # the SEH next door
        else:
            s = self._walk_in_site(p.area)
            yield from self._walk_in(p, s, self._car_minutes(p.area, s))

    # -- run ---------------------------------------------------------------------------------
    def run(self) -> None:
        """Start the demand processes and run until the horizon."""
        if self.board is not None:
            self.board.start()
        replayed = False
        for k, stream in enumerate(self.region.streams):
            gen = StreamGenerator(
                stream,
                self.region,
                self.scenario,
                self.streams.get(f"demand.{stream.name}"),
                self.horizon,
                pathway_rng=self.streams.get(f"demand.{stream.name}.pathway"),
            )
            if self.call_log is not None and stream.route == "ambulance":
                if replayed:  # the log holds every ambulance call
                    continue
                batches, replayed = gen.replay(self.call_log), True
            else:
                batches = gen.weeks()
            self.env.process(self._demand_process(k, gen, batches))
        with tuned_gc():  # the model is built: freeze it, collect less often
            self.env.run(until=self.horizon)
        for seh in self.sehs:
            seh.finish()
        self.meldkamer.finish()
        if self.board is not None:
            self.board.finish()


def _finite_order(minutes: np.ndarray) -> np.ndarray:
    """Indices by increasing travel time, unreachable (infinite) destinations left out."""
    order = np.argsort(minutes, kind="stable")
    return order[np.isfinite(minutes[order])]


def _patient(b: IncidentBatch, i: int, pid: int, stream: str, route: str) -> Patient:
    # the columns are lists of Python int, float and bool (demand.as_lists)
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


def run_replication(
    region: Region,
    scenario: Scenario,
    *,
    horizon_days: float,
    warmup_days: float,
    root_seed: int,
    replication: int,
    travel: TravelMatrices | None = None,
    patient_sink: Callable[[tuple[Any, ...]], None] | None = None,
    funding: FundingSetup | None = None,
    call_log: CallLog | None = None,
) -> ReplicationResult:
    """Run one replication of a scenario and return its tables.

    Parameters
    ----------
    region : Region
        The loaded region pack.
    scenario : Scenario
        The knobs of this scenario.
    horizon_days, warmup_days : float
        Length of the run and of the unmeasured warm-up [days].
    root_seed : int
        The experiment's root seed.
    replication : int
        Replication index; with the root seed it keys every random stream.
    travel : TravelMatrices, optional
        Precomputed travel matrices (computed from the region when omitted).
    patient_sink : callable, optional
        Receives one row per finished journey (see ``sim.recorder.PATIENT_COLUMNS``).
    funding : FundingSetup, optional
        Funding regimes, costs and behaviour; without it no books are kept and no board
        decides.
    call_log : CallLog, optional
        Ambulance calls to replay instead of the random ambulance stream(s).

    Returns
    -------
    ReplicationResult
        KPI rows, status intervals, closures and time series.
    """
    from acutesim.sim.kpis import compute_kpis

    t0 = time.perf_counter()
    streams = RandomStreams(root_seed, replication)
    model = Model(
        region,
        scenario,
        streams,
        horizon_minutes=days(horizon_days),
        warmup_minutes=days(warmup_days),
        travel=travel if travel is not None else travel_matrices(region),
        patient_sink=patient_sink,
        funding=funding,
        call_log=call_log,
    )
    model.run()
    result = compute_kpis(model)
    result.scenario, result.replication = scenario.name, replication
    result.wall_seconds = time.perf_counter() - t0
    return result


# Share of a day-only SEH's would-be patients that arrive while it is open (08:00-23:00
# holds most of the demand; derived from the default hour-of-day profiles).
DAY_SEH_OPEN_DEMAND_SHARE = 0.85


def expected_seh_visits_per_year(region: Region, travel: TravelMatrices) -> dict[str, float]:
    """Expected SEH visits per site per year with every SEH open [visits/yr].

    An analytic estimate from the stream rates and routing shares, used as the baseline
    volume of budget-neutral schoning: patients go to the nearest SEH (by ambulance for
    ambulance patients, by car otherwise); a co-located HAP keeps part of the
    self-referrals while open (about half of the week); a day-only SEH keeps the share of
    its patients that arrive during its hours, the rest go to the next nearest SEH.
    """
    sites = region.seh_sites
    weights = np.array([a.population * a.demand_weight for a in region.areas], dtype=float)
    amb, seh, hap = region.ambulance, region.seh, region.hap
    to_seh = region.pathways.seh_share_of_conveyed
    convey = sum(
        amb.urgency_shares.get(u, 0.0)
        * amb.conveyance_share_by_urgency.get(u, 0.0)
        * to_seh.get(u, 1.0)
        for u in amb.urgency_shares
    )
    has_hap = np.array([s.has_hap for s in sites])
    visits = np.zeros(len(sites))

    def allocate(per_area: np.ndarray, minutes: np.ndarray) -> None:
        order = np.argsort(minutes, axis=1, kind="stable")
        first, second = order[:, 0], order[:, min(1, order.shape[1] - 1)]
        is_day = np.array([s.seh == "day" for s in sites])[first]
        keep = np.where(is_day, DAY_SEH_OPEN_DEMAND_SHARE, 1.0)
        np.add.at(visits, first, per_area * keep)
        np.add.at(visits, second, per_area * (1.0 - keep))

    for stream in region.streams:
        per_area = weights * stream.rate_per_1000_per_year / 1000.0
        if stream.route == "ambulance":
            allocate(per_area * convey, travel.amb_area_site)
            continue
        if stream.route == "hap":
            per_area = per_area * hap.referral_share
        elif stream.route == "self":
            nearest = np.argmin(travel.car_area_site, axis=1)
            diverted = (
                seh.hap_takes_self_referral_share * (1 - seh.hap_self_referral_onward_share) * 0.5
            )
            per_area = per_area * np.where(has_hap[nearest], 1.0 - diverted, 1.0)
        allocate(per_area, travel.car_area_site)
    return {s.site_id: float(v) for s, v in zip(sites, visits, strict=True)}
