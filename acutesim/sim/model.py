"""One replication: build the SimPy model of a region under a scenario and run it.

The model is handed domain objects (a Region and a Scenario), travel-time matrices from
``geo`` and named random streams; it reads no files. Patients arrive by stream, travel
by their route (ambulance, HAP, GP, self, other) to an SEH, are treated on staffed
slots, and leave home or to a ward bed. SEH status changes feed the routing at once and
the population-beyond-the-norm KPI.
"""

from __future__ import annotations

import gc
import math
import time
from array import array
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from acutesim.domain.calls import CallLog
from acutesim.domain.region import MTS_COLOURS, Region, Site
from acutesim.domain.roster import CapacitySchedule, always_open, build_schedule
from acutesim.domain.scenario import Scenario
from acutesim.errors import SimulationError
from acutesim.funding.books import FundingSetup
from acutesim.gc_tuning import fewer_collections
from acutesim.rng import RandomStreams
from acutesim.sim.ambulance import Meldkamer
from acutesim.sim.board import Board
from acutesim.sim.demand import StreamGenerator
from acutesim.sim.hap import HAPPost
from acutesim.sim.journeys import STREAM_ID_STRIDE as STREAM_ID_STRIDE
from acutesim.sim.journeys import Journeys
from acutesim.sim.loop import Clock, run_until
from acutesim.sim.recorder import Recorder, VehicleLog, VehicleRows
from acutesim.sim.seh import ACCEPTING, SEH, SEHStatus
from acutesim.sim.travel import TravelMatrices as TravelMatrices
from acutesim.sim.travel import site_site_through_areas
from acutesim.sim.travel import travel_matrices as travel_matrices
from acutesim.sim.tuning import fix_mmap_threshold, trim_heap
from acutesim.units import HOURS_PER_DAY, MINUTES_PER_DAY, MINUTES_PER_HOUR, days

UNLIMITED_SLOTS: Final = 10_000


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
    vehicles: VehicleRows | None = None  # one row per vehicle and shift window
    n_created: int = 0
    n_terminal: dict[str, int] = field(default_factory=dict)
    n_in_system: int = 0
    wall_seconds: float = 0.0


class Model(Journeys):
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
        self.env = Clock()
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
            self.board = Board(
                self.env,
                funding,
                calendar=self.region.calendar,
                sites=self.sites,
                sehs=self.sehs,
                schedules=self.schedules,
                recorder=self.recorder,
                horizon=self.horizon,
                on_night_closure=self.night_closure_changed,
            )
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
        on, off = sc.volmelding_shares(seh_params)
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
        self.hap_at_site = [-1] * len(self.sites)
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
        self.area_reachable = np.isfinite(t.amb_post_area).any(axis=0).tolist()
        self.env.process(self._vehicle_shift_process())

    def _build_routing(self) -> None:
        # What the journeys read per patient is held as Python lists and rows of doubles
        # (array 'd'): a numpy element costs a scalar object and an index conversion per read.
        t = self.travel
        self.amb_order = [_finite_order(row).tolist() for row in t.amb_area_site]
        self.car_order = [_finite_order(row).tolist() for row in t.car_area_site]
        self.amb_minutes = _rows(t.amb_area_site)  # [area][site], as t.amb_area_site
        self.car_minutes = _rows(t.car_area_site)  # [area][site], as t.car_area_site
        site_site = (
            t.amb_site_site
            if t.amb_site_site is not None
            else site_site_through_areas(t.amb_area_site)
        )
        self.site_site_minutes = _rows(site_site)
        self.transfer_order = [
            [j for j in _finite_order(row).tolist() if j != i] for i, row in enumerate(site_site)
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
        self.is_specialised = [s.site_id in special for s in self.sites]

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
            self._start_demand(k, gen, batches)
        fix_mmap_threshold()  # growing accumulators in their own mappings, not the heap
        with fewer_collections():  # the model is built: freeze it, collect less often
            run_until(self.env, self.horizon)
        for seh in self.sehs:
            seh.finish()
        self.meldkamer.finish()
        if self.board is not None:
            self.board.finish()


def _rows(matrix: np.ndarray) -> list[array[float]]:
    """The rows of a matrix as arrays of doubles (elements read as Python floats)."""
    rows = np.ascontiguousarray(matrix, dtype=np.float64)
    return [array("d", row.tobytes()) for row in rows]  # bytes: no conversion per element


def _finite_order(minutes: np.ndarray) -> np.ndarray:
    """Indices by increasing travel time, unreachable (infinite) destinations left out."""
    order = np.argsort(minutes, kind="stable")
    finite: np.ndarray = order[np.isfinite(minutes[order])]
    return finite


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
    result = compute_kpis(model, vehicles=False)
    log, recorder = model.vehicle_log, model.recorder
    vehicle_ids, vehicle_posts = recorder.vehicle_ids, recorder.vehicle_posts
    # The model's processes and callbacks form reference cycles: collect it now, and hand
    # the heap's freed pages back, so the caller's tables are not built on top of it (a
    # national year's accumulators are hundreds of MB). The vehicle table is built from
    # the vehicle log after that: its rows are tens of MB for a national year.
    del model, recorder
    gc.collect()
    trim_heap()
    result.vehicles = log.rows(vehicle_ids, vehicle_posts)
    del log
    result.scenario, result.replication = scenario.name, replication
    result.wall_seconds = time.perf_counter() - t0
    return result


# Share of a day-only SEH's would-be patients that arrive while it is open (08:00-23:00
# holds most of the demand; derived from the default hour-of-day profiles).
DAY_SEH_OPEN_DEMAND_SHARE: Final = 0.85


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
