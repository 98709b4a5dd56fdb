"""The meldkamer and the ambulances: dispatch, drive, on scene, transport, handoff, return.

Vehicles are rostered per post and shift (day, evening, night). A call gets the nearest
*available* vehicle by travel time: idle at its post, or returning to it. When none is
free, calls wait in priority order (A1 before A2 before B, then first come). A vehicle
is released when the crew's handover at the SEH ends (or at the scene when the patient
is not conveyed); it then serves the longest-waiting most urgent call at once, or drives
back to its post.

Re-dispatch rule while returning: a vehicle returning from an SEH is taken to be at that
SEH until it reaches its post (travel time from the SEH to the incident); a vehicle
returning from a scene is taken to be at its post. Shift changes: when a post's planned
vehicles drop, idle vehicles go off duty at once and busy ones when they are released.
"""

from __future__ import annotations

import math
from array import array
from functools import partial
from typing import TYPE_CHECKING, Final

import numpy as np
import simpy

from acutesim.sim.loop import Clock, heappop, heappush
from acutesim.sim.patient import Patient
from acutesim.sim.timers import call_at, new_event

if TYPE_CHECKING:
    from acutesim.sim.recorder import Recorder, VehicleLog

B_URGENCY: Final = 2  # index of B in patient.URGENCY_BY_INDEX
RETURN: Final = 4  # activity index of the drive back to the post (recorder.VEHICLE_ACTIVITIES)
ON_DUTY: Final = 5  # index of on-duty minutes (recorder.ON_DUTY)

# vehicle states
OFF: Final = 0
IDLE: Final = 1
BUSY: Final = 2
RETURNING: Final = 3
# where a vehicle is counted
AT_POST: Final = 0
AT_SITE: Final = 1


class Meldkamer:
    """Dispatch centre and the vehicles of a region.

    Parameters
    ----------
    env : Clock
        The environment.
    vehicle_post : numpy.ndarray
        Post index of every vehicle (vehicles of a post are contiguous).
    post_to_area : numpy.ndarray
        Drive minutes with sirens, posts x areas [min].
    site_to_area : numpy.ndarray
        Drive minutes from an SEH site to an incident, sites x areas [min] (re-dispatch
        of a vehicle that is still at, or returning from, a hospital).
    site_to_post : numpy.ndarray
        Drive minutes, SEH sites x posts [min].
    recorder : Recorder
        Receives dispatch records.
    area_to_post : numpy.ndarray, optional
        Drive minutes from a scene back to a post, areas x posts [min]; the transpose
        of ``post_to_area`` when omitted (right only on a network without one-way roads).
    """

    def __init__(
        self,
        env: Clock,
        vehicle_post: np.ndarray,
        post_to_area: np.ndarray,
        site_to_area: np.ndarray,
        site_to_post: np.ndarray,
        recorder: Recorder,
        log: VehicleLog | None = None,
        area_to_post: np.ndarray | None = None,
        b_reserve_vehicles: int = 0,
    ) -> None:
        self.env = env
        self.log = log
        # rule ``quiet_hours``: a B ride takes a vehicle only while this many others stay
        # available for emergencies (0: B rides queue behind A1 and A2 only)
        self.b_reserve = int(b_reserve_vehicles)
        self.vehicle_post = vehicle_post.astype(np.int64)
        n = len(vehicle_post)
        # Per-vehicle state as Python lists: read and written on every dispatch and
        # release, where a numpy element costs several times a list item.
        self.state: list[int] = [OFF] * n
        self.loc_kind: list[int] = [AT_POST] * n
        self.loc_site: list[int] = [0] * n
        self.tokens: list[object | None] = [None] * n
        self.post_to_area = post_to_area
        self.site_to_area = site_to_area
        self.site_to_post = site_to_post
        self.area_to_post = post_to_area.T if area_to_post is None else area_to_post
        self.recorder = recorder
        self.queue: list[tuple[int, int, Patient, simpy.Event]] = []
        self.pending_off: list[int] = [0] * post_to_area.shape[0]
        self.on_since: list[float] = [math.nan] * n  # start of the current time on duty
        self.return_since: list[float] = [math.nan] * n  # start of the current drive back
        # Dispatch index (kept in step with state/loc_kind/loc_site by _sync): the
        # available vehicles at (or counted at) their post, per post, and those away
        # (returning from an SEH, counted at that site), per site; per area, posts and
        # sites by travel time.
        self._post_of: list[int] = self.vehicle_post.tolist()
        self._at_post: list[set[int]] = [set() for _ in range(post_to_area.shape[0])]
        self._away_at: list[set[int]] = [set() for _ in range(site_to_area.shape[0])]
        self._away_site: list[int] = [-1] * n  # the site whose set holds v, or -1
        # (compact: indices as lists of small ints, minutes as arrays of doubles; a
        # national pack has thousands of areas and hundreds of posts)
        self._area_posts = _posts_by_area(post_to_area)
        self._area_sites = _posts_by_area(site_to_area)
        self._post_vehicles: list[list[int]] = [[] for _ in range(post_to_area.shape[0])]
        for v, post in enumerate(self._post_of):
            self._post_vehicles[post].append(v)

    # -- vehicle log ------------------------------------------------------------------------
    def _on_duty(self, v: int) -> None:
        self.on_since[v] = self.env._now

    def _off_duty(self, v: int) -> None:
        if self.log is not None and self.on_since[v] == self.on_since[v]:
            self.log.add(v, ON_DUTY, self.on_since[v], self.env._now)
        self.on_since[v] = math.nan

    def _end_return(self, v: int) -> None:
        if self.log is not None and self.return_since[v] == self.return_since[v]:
            self.log.add(v, RETURN, self.return_since[v], self.env._now)
        self.return_since[v] = math.nan

    def finish(self) -> None:
        """Close the open on-duty and return intervals at the horizon."""
        for v in range(len(self.state)):
            self._end_return(v)
            self._off_duty(v)

    # -- dispatch -------------------------------------------------------------------------
    def _travel_from(self, v: np.ndarray, area: int) -> np.ndarray:
        minutes: np.ndarray = np.where(
            np.asarray(self.loc_kind)[v] == AT_SITE,
            self.site_to_area[np.asarray(self.loc_site)[v], area],
            self.post_to_area[self.vehicle_post[v], area],
        )
        return minutes

    def _sync(self, v: int) -> None:
        """Put vehicle ``v`` in the dispatch index its state and location say."""
        at_post = self._at_post[self._post_of[v]]
        at_post.discard(v)
        site = self._away_site[v]
        if site >= 0:
            self._away_at[site].discard(v)
            self._away_site[v] = -1
        state = self.state[v]
        if state in (IDLE, RETURNING):
            if self.loc_kind[v] == AT_SITE:
                site = self.loc_site[v]
                self._away_at[site].add(v)
                self._away_site[v] = site
            else:
                at_post.add(v)

    def nearest(self, area: int) -> tuple[int, float]:
        """The available vehicle nearest to ``area`` and its minutes; ``(-1, inf)`` if none.

        Ties go to the lowest vehicle index (post order), as a scan of all vehicles by
        (minutes, index) would (:meth:`nearest_by_scan`).
        """
        best_t, best_v = math.inf, -1
        # vehicles at (or counted at) posts, then those counted at SEH sites (returning
        # from one), each place by travel time (ties: index order, _posts_by_area)
        for available, (places, times) in (
            (self._at_post, self._area_posts[area]),
            (self._away_at, self._area_sites[area]),
        ):
            for place, minutes in zip(places, times, strict=True):
                if minutes > best_t:
                    break
                vehicles = available[place]
                if vehicles:
                    v = min(vehicles)
                    if minutes < best_t or v < best_v:
                        best_t, best_v = minutes, v
        return (best_v, best_t) if best_t < math.inf else (-1, math.inf)

    def nearest_by_scan(self, area: int) -> tuple[int, float]:
        """Reference for :meth:`nearest`: scan every vehicle with numpy."""
        state = np.asarray(self.state)
        available = np.flatnonzero((state == IDLE) | (state == RETURNING))
        if len(available):
            times = self._travel_from(available, area)
            k = int(np.argmin(times))  # ties: the lowest vehicle index (post order)
            if math.isfinite(times[k]):
                return int(available[k]), float(times[k])
        return -1, math.inf

    def assign_now(self, p: Patient) -> tuple[int, float] | None:
        """Take the nearest available vehicle at once, or None (then :meth:`request`).

        The same choice as :meth:`request` without an event: the journey goes on in the
        same step instead of waiting for a triggered event to be processed.
        """
        v, minutes = self.nearest(p.area)
        # without a reserve a B ride may take any vehicle (no count of the available ones)
        if v < 0 or (
            p.urgency == B_URGENCY
            and self.b_reserve
            and not self._may_take(p, self._n_available() - 1)
        ):
            return None
        self._take(v)
        return v, minutes

    def request(self, p: Patient) -> simpy.Event:
        """Ask for a vehicle; the event's value is ``(vehicle, drive_minutes)``."""
        ev = new_event(self.env)
        v, minutes = self.nearest(p.area)
        if v >= 0 and (
            p.urgency != B_URGENCY
            or not self.b_reserve
            or self._may_take(p, self._n_available() - 1)
        ):
            self._assign(v, minutes, ev)
            return ev
        heappush(self.queue, (p.urgency, p.seq, p, ev))
        return ev

    def _assign(self, v: int, minutes: float, ev: simpy.Event) -> None:
        self._take(v)
        ev.succeed((v, minutes))

    def _take(self, v: int) -> None:
        self._end_return(v)
        self.state[v] = BUSY
        self._sync(v)
        self.tokens[v] = None  # cancels a pending return to post

    def _may_take(self, p: Patient, others_available: int) -> bool:
        return p.urgency != B_URGENCY or others_available >= self.b_reserve

    def _n_available(self) -> int:
        """Vehicles idle at their post or returning (free for a call)."""
        return self.state.count(IDLE) + self.state.count(RETURNING)

    def _serve_queue(self, v: int) -> bool:
        """Give vehicle ``v`` to the most urgent waiting call; True when it was taken."""
        skipped = []
        taken = False
        others = self._n_available() - 1 if self.b_reserve else 0
        while self.queue:
            item = heappop(self.queue)
            if not self._may_take(item[2], others):
                skipped.append(item)  # a B ride waits for a quieter moment
                continue
            area = item[2].area
            minutes = float(
                self.site_to_area[self.loc_site[v], area]
                if self.loc_kind[v] == AT_SITE
                else self.post_to_area[self._post_of[v], area]
            )
            if not math.isfinite(minutes):
                skipped.append(item)  # unreachable from here: leave for another vehicle
                continue
            self._assign(v, minutes, item[3])
            taken = True
            break
        for item in skipped:
            heappush(self.queue, item)
        return taken

    # -- release and return ----------------------------------------------------------------
    def release_at_site(self, v: int, site: int) -> None:
        """The crew's handover at SEH ``site`` is done."""
        self.loc_kind[v], self.loc_site[v] = AT_SITE, site
        post = self._post_of[v]
        self._free(v, float(self.site_to_post[site, post]))

    def release_at_scene(self, v: int, area: int) -> None:
        """The patient was not conveyed; the vehicle heads back from the scene."""
        self.loc_kind[v] = AT_POST
        post = self._post_of[v]
        self._free(v, float(self.area_to_post[area, post]))

    def _free(self, v: int, return_minutes: float) -> None:
        post = self._post_of[v]
        if self.pending_off[post] > 0:
            self.pending_off[post] -= 1
            self.state[v] = OFF
            self.loc_kind[v] = AT_POST
            self._sync(v)
            self._off_duty(v)
            return
        self.state[v] = RETURNING
        self._sync(v)
        self.return_since[v] = self.env._now
        if self.queue and self._serve_queue(v):  # no call waits: nothing to serve
            return
        token = object()
        self.tokens[v] = token
        delay = return_minutes if math.isfinite(return_minutes) else 0.0
        call_at(self.env, self.env._now + delay, partial(self._arrive_post, v, token))

    def _arrive_post(self, v: int, token: object, _ev: object = None) -> None:
        if self.tokens[v] is not token:
            return
        self.tokens[v] = None
        self.loc_kind[v] = AT_POST
        self._end_return(v)
        post = self._post_of[v]
        if self.pending_off[post] > 0:  # the shift dropped while it was on its way back
            self.pending_off[post] -= 1
            self.state[v] = OFF
            self._sync(v)
            self._off_duty(v)
            return
        self.state[v] = IDLE
        self._sync(v)
        if self.b_reserve and self.queue:
            self._serve_queue(v)  # quieter now: a waiting B ride may go

    # -- shifts ---------------------------------------------------------------------------
    def set_post_vehicles(self, post: int, target: int) -> None:
        """Set the number of vehicles on duty at a post (a shift boundary)."""
        mine = self._post_vehicles[post]  # by vehicle index
        state = self.state
        on_duty = [v for v in mine if state[v] != OFF]
        n_on = len(on_duty) - self.pending_off[post]
        if target > n_on:
            cancel = min(self.pending_off[post], target - n_on)
            self.pending_off[post] -= cancel
            n_on += cancel
            for v in [v for v in mine if state[v] == OFF][: target - n_on]:
                state[v] = IDLE
                self.loc_kind[v] = AT_POST
                self._sync(v)
                self._on_duty(v)
                self._serve_queue(v)
        elif target < n_on:
            drop = n_on - target
            for v in [v for v in on_duty if state[v] == IDLE][:drop]:
                state[v] = OFF
                self._sync(v)
                self._off_duty(v)
                drop -= 1
            self.pending_off[post] += drop


def _posts_by_area(post_to_area: np.ndarray) -> list[tuple[list[int], array[float]]]:
    """Per area, the posts that reach it by travel time (ties: post order) and the minutes.

    One sort of the whole matrix when the meldkamer is built, instead of one per area
    on its first call. The same for the SEH sites of ``site_to_area`` (rows are sites).
    """
    order = np.argsort(post_to_area, axis=0, kind="stable")
    minutes = np.take_along_axis(np.asarray(post_to_area, dtype=np.float64), order, axis=0)
    n_reach = (minutes < math.inf).sum(axis=0).tolist()  # unreachable ones sort last
    order_t, minutes_t = np.ascontiguousarray(order.T), np.ascontiguousarray(minutes.T)
    return [
        (order_t[area, :n].tolist(), array("d", minutes_t[area, :n].tobytes()))
        for area, n in enumerate(n_reach)
    ]
