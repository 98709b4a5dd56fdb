"""Hospital boards: monthly books through a funding regime, quarterly closure decisions.

Each organisation keeps books per SEH (visits, admissions, staffed roster hours, fixed
and variable costs, periodic payments). At the end of each quarter its board reviews
every SEH through :func:`acutesim.funding.behaviour.board_decision` and may close it at
night, close it, or reopen it; decisions take effect at once in routing and in the
population-beyond-the-norm KPI. At every regime change (and at the start) the
volmelding thresholds of each SEH follow the marginal revenue of one more patient.

Staff cost follows the staff actually present (after vacancies and absence) while the
SEH is in operation by decision: a closed SEH, or the night of a night-closed one, books
no staff hours. Patients already inside when an SEH closes are still treated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import simpy

from acutesim.domain.calendar import Calendar
from acutesim.domain.region import MTS_COLOURS, Site
from acutesim.domain.roster import CapacitySchedule
from acutesim.funding.behaviour import (
    BoardBehaviour,
    SEHBoardState,
    board_decision,
    closure_effect,
    volmelding_thresholds,
)
from acutesim.funding.books import FundingSetup
from acutesim.funding.regimes import periodic_forfeit_eur_per_year
from acutesim.sim.loop import Clock
from acutesim.sim.patient import Patient
from acutesim.sim.recorder import Recorder
from acutesim.sim.seh import SEH
from acutesim.units import HOURS_PER_DAY, MINUTES_PER_DAY, MINUTES_PER_HOUR

# A night closure keeps the SEH open from 08:00 to 23:00, like the day-only SEHs that
# were 24/7 before (Stadskanaal, Hoogeveen: basisspoedpost 08:00-23:00).
NIGHT_CLOSURE_OPEN_HOUR: Final = 8.0
NIGHT_CLOSURE_CLOSE_HOUR: Final = 23.0
MONTHS_PER_QUARTER: Final = 3
QUARTERS_PER_YEAR: Final = 4


class StaffMeter:
    """Staff-minutes per role of one SEH while it is in operation by decision."""

    def __init__(self, n_roles: int) -> None:
        self.acc = np.zeros(n_roles)
        self.current = np.zeros(n_roles)
        self.factor = 1.0
        self.t = 0.0

    def update(
        self, now: float, *, staff: np.ndarray | None = None, operating: bool | None = None
    ) -> None:
        """Book the elapsed interval, then set new staff and/or operating state."""
        self.acc += self.current * self.factor * (now - self.t)
        self.t = now
        if staff is not None:
            self.current = staff
        if operating is not None:
            self.factor = 1.0 if operating else 0.0

    def take_hours(self, now: float) -> np.ndarray:
        """Return the staff hours per role since the last call and reset [h]."""
        self.update(now)
        out = self.acc / MINUTES_PER_HOUR
        self.acc = np.zeros_like(self.acc)
        return out


@dataclass(slots=True)
class SEHRecord:
    """What the board knows and keeps of one SEH between reviews."""

    site: Site
    seh: SEH
    schedule: CapacitySchedule
    meter: StaffMeter
    status: str = "open"  # open | night_closed | closed (by a board or the scenario)
    reason: str | None = None
    quarters_since_change: int = 1_000_000
    reopen_history: list[float] = field(default_factory=list)
    frozen_figures: Any = None  # the year figures of the last review it was open
    # minutes of the current month: planned opening, in operation, open around the clock
    minutes_planned: float = 0.0
    minutes_in_operation: float = 0.0
    minutes_round_the_clock: float = 0.0
    visits: float = 0.0  # this quarter
    night_visits: float = 0.0  # this quarter, 23:00-08:00
    night_closed: bool = False
    hours_process: simpy.Process | None = None


class Board:
    """Books and board decisions of every organisation in one replication.

    Parameters
    ----------
    env : Clock
        The replication's environment.
    setup : FundingSetup
        Regimes, costs, reserves and behaviour of this scenario.
    calendar : SimCalendar
        Dates of simulated minutes.
    sites, sehs, schedules : sequence
        The SEH sites, their SEHs and their capacity schedules, index for index.
    recorder : Recorder
        Receives the finance rows, closures and counterfactual decisions.
    horizon : float
        End of the run [min].
    on_night_closure : callable
        Called with ``(index, night_closed)`` when a board closes SEH ``index`` at night or
        reopens it around the clock (routing and the norm KPI follow).
    """

    def __init__(
        self,
        env: Clock,
        setup: FundingSetup,
        *,
        calendar: Calendar,
        sites: tuple[Site, ...],
        sehs: list[SEH],
        schedules: list[CapacitySchedule],
        recorder: Recorder,
        horizon: float,
        on_night_closure: Callable[[int, bool], None],
    ) -> None:
        self.env = env
        self.setup = setup
        self.books = setup.new_books()
        self.calendar = calendar
        self.sites = sites
        self.recorder = recorder
        self.horizon = horizon
        self.on_night_closure = on_night_closure
        self.seh = [
            SEHRecord(site, seh, schedule, StaffMeter(len(schedule.roles)))
            for site, seh, schedule in zip(sites, sehs, schedules, strict=True)
        ]
        # Called at every review before the board decides, with (board, date, shares,
        # quarter): lets a study evaluate other board parameters on the same books.
        self.observer: (
            Callable[[Board, dt.date, dict[str, float], tuple[float, float]], None] | None
        ) = None
        self._last_close = 0.0
        self._month_start = 0.0
        for r in self.seh:
            if r.seh.is_closed_permanent:  # closed by the scenario from the start
                r.status, r.reason = "closed", "policy"
                r.meter.update(0.0, operating=False)

    # -- events from the model ---------------------------------------------------------
    def visit(self, p: Patient) -> None:
        """Book an SEH visit (and its admission) at the site that treated the patient."""
        r = self.seh[p.site]
        self.books.add_visit(r.site.site_id, MTS_COLOURS[p.mts], p.admitted)
        r.visits += 1
        if _is_night(p.t_arrival):
            r.night_visits += 1

    def staff_changed(self, i: int, staff: np.ndarray) -> None:
        """The roster of SEH ``i`` changed its staff present."""
        self.seh[i].meter.update(self.env.now, staff=staff)

    # -- processes -----------------------------------------------------------------------
    def start(self) -> None:
        """Set the initial volmelding thresholds and start the monthly process."""
        self._apply_thresholds(self.calendar.date(0.0))
        self.env.process(self._monthly_process())

    def _monthly_process(self) -> Generator[Any, Any, None]:
        """SimPy process: close the books each month; review every quarter."""
        env = self.env
        for t in self.calendar.month_starts(self.horizon):
            yield env.timeout(t - env.now)
            month_key = self.calendar.month_key(t - 1.0)
            self._close_month(month_key, t)
            self._month_start = t
            date = self.calendar.date(t)
            self._apply_thresholds(date)
            if (date.month - 1) % MONTHS_PER_QUARTER == 0:
                self._review(date)

    # -- books ---------------------------------------------------------------------------
    def _close_month(self, month_key: str, now: float) -> None:
        self._account_operation(now)
        shares: dict[str, float] = {}
        round_the_clock: dict[str, float] = {}
        # The first and last months of a run are partial: every fixed line (fixed cost,
        # periodic payments, schoning on other care) is booked for the simulated part of
        # the month only (d/D), and the open shares are shares of that part.
        month_start = self.calendar.minutes_at(self.calendar.date(self._month_start).replace(day=1))
        month_end = self.calendar.minutes_at(_next_month(self.calendar.date(self._month_start)))
        simulated = now - self._month_start
        month_share = min(1.0, max(0.0, simulated / (month_end - month_start)))
        for r in self.seh:
            site, schedule = r.site, r.schedule
            hours = r.meter.take_hours(now)
            for role, h in zip(schedule.roles, hours, strict=True):
                if role in self.setup.costs.staff_eur_per_hour_by_role and h > 0:
                    self.books.add_staff_hours(
                        site.site_id,
                        role,
                        float(h),
                        locum_share=schedule.locum_share_by_role.get(role, 0.0),
                    )
            planned = r.minutes_planned
            shares[site.site_id] = (
                min(1.0, float(r.minutes_in_operation / planned)) if planned > 0 else 0.0
            )
            round_the_clock[site.site_id] = (
                min(1.0, float(r.minutes_round_the_clock / simulated)) if simulated > 0 else 0.0
            )
            r.minutes_in_operation = r.minutes_planned = r.minutes_round_the_clock = 0.0
        rows = self.books.close_month(
            month_key,
            open_hours_share_by_site=shares,
            month_share=month_share,
            round_the_clock_share_by_site=round_the_clock,
        )
        self.recorder.finance_rows.extend(r.as_dict() for r in rows)

    def _account_operation(self, now: float) -> None:
        """Add planned and in-operation minutes since the last call (per site)."""
        t0 = self._last_close
        if now <= t0:
            return
        for r in self.seh:
            site = r.site
            planned = _open_minutes(site.open_hour, site.close_hour, site.is_24_7, t0, now)
            r.minutes_planned += planned
            if r.status == "closed":
                continue
            if r.status == "open" and site.is_24_7:
                r.minutes_round_the_clock += now - t0
            if r.status == "night_closed":
                r.minutes_in_operation += _open_minutes(
                    NIGHT_CLOSURE_OPEN_HOUR, NIGHT_CLOSURE_CLOSE_HOUR, False, t0, now
                )
            else:
                r.minutes_in_operation += planned
        self._last_close = now

    def finish(self) -> None:
        """Close the books of the last, partial month at the horizon."""
        now = self.env.now
        if now > self._month_start:
            self._close_month(self.calendar.month_key(now - 1.0), now)

    # -- volmelding ----------------------------------------------------------------------
    def _apply_thresholds(self, date: dt.date) -> None:
        regime = self.setup.schedule.regime_at(date)
        for r in self.seh:
            behaviour = self.setup.volmelding_by_site.get(r.site.site_id)
            if behaviour is None:
                continue
            on, off = volmelding_thresholds(regime.marginal_revenue_eur(r.site.site_id), behaviour)
            r.seh.set_thresholds(on, off)

    # -- board reviews ---------------------------------------------------------------------
    def _review(self, date: dt.date) -> None:
        regime = self.setup.schedule.regime_at(date)
        previous = self.setup.schedule.regime_at(date - dt.timedelta(days=1))
        params = self.setup.board
        quarter = (max(0.0, self.calendar.minutes_at(_quarter_start(date))), self.env.now)
        night_share = (NIGHT_CLOSURE_CLOSE_HOUR - NIGHT_CLOSURE_OPEN_HOUR) / HOURS_PER_DAY
        shares = {
            r.site.site_id: {"closed": 0.0, "night_closed": night_share}.get(r.status, 1.0)
            for r in self.seh
        }
        if previous is not regime:
            self._shadow_review(previous, shares, quarter)
        if self.observer is not None:
            for r in self.seh:
                if r.status == "open":
                    r.frozen_figures = self.books.year_figures(r.site.site_id)
            self.observer(self, date, shares, quarter)
        for i, r in enumerate(self.seh):
            r.quarters_since_change += 1
            if r.status == "open":
                r.frozen_figures = self.books.year_figures(r.site.site_id)
            full, night = self.effects(i, regime, shares, quarter)
            closed_part = night if r.status == "night_closed" else full
            if r.status != "open" and closed_part is not None:
                # projected margin of reopening the closed part this quarter
                r.reopen_history.append(-closed_part.net_eur_per_year / QUARTERS_PER_YEAR)
            state = self.state(i, full, night, quarter, r.quarters_since_change, r.reopen_history)
            r.night_visits = r.visits = 0.0
            decision = board_decision(state, params)
            if decision is not None:
                self.apply(i, decision.action, decision.reason)

    def _shadow_review(
        self, previous: Any, shares: dict[str, float], quarter: tuple[float, float]
    ) -> None:
        """At a regime switch, record what the board would decide under the old regime.

        Up to the switch both regimes saw the same patients (the old regime was in force),
        so these decisions are the counterfactual of the same run; nothing is applied.
        """
        for i, r in enumerate(self.seh):
            if r.status == "open":
                r.frozen_figures = self.books.year_figures(r.site.site_id)
            full, night = self.effects(i, previous, shares, quarter)
            closed_part = night if r.status == "night_closed" else full
            history = list(r.reopen_history)
            if r.status != "open" and closed_part is not None:
                history.append(-closed_part.net_eur_per_year / QUARTERS_PER_YEAR)
            state = self.state(i, full, night, quarter, r.quarters_since_change + 1, history)
            decision = board_decision(state, self.setup.board)
            self.recorder.shadow_decisions.append(
                (
                    self.env.now,
                    r.site.site_id,
                    previous.name,
                    decision.action if decision else "none",
                    decision.reason if decision else "",
                )
            )

    def effects(
        self,
        i: int,
        regime: Any,
        shares: dict[str, float],
        quarter: tuple[float, float],
        params: BoardBehaviour | None = None,
    ) -> tuple[Any, Any]:
        """What closing SEH ``i``, or closing it at night, saves and forfeits under a regime.

        Also the observer's view (:attr:`observer`): ``params`` other than the scenario's
        evaluate another board on the same books.
        """
        r = self.seh[i]
        fig = r.frozen_figures
        if fig is None:
            return None, None
        site = r.site
        sid, org = site.site_id, site.organisation
        # The quarter's DBC revenue was booked at the prices of the regime then in force;
        # value it at the prices of the regime under review (at a switch they differ).
        booked = self.setup.schedule.regime_at(self.calendar.date(quarter[0]))
        if booked is not regime:
            before = booked.price_factor(sid, shares)
            if before > 0:
                fig = dataclasses.replace(
                    fig,
                    revenue_dbc_eur_per_year=fig.revenue_dbc_eur_per_year
                    * regime.price_factor(sid, shares)
                    / before,
                )
        others_open = any(
            o.status == "open" and o.site.organisation == org and j != i
            for j, o in enumerate(self.seh)
        )
        params = params or self.setup.board
        retained = params.retained_patient_share if others_open else 0.0
        full = closure_effect(
            fig,
            periodic_forfeit_eur_per_year=periodic_forfeit_eur_per_year(
                regime, sid, open_hours_share_by_site=shares
            ),
            retained_patient_share=retained,
        )
        night_patients = r.night_visits / r.visits if r.visits else 0.0
        night = closure_effect(
            fig,
            periodic_forfeit_eur_per_year=periodic_forfeit_eur_per_year(
                regime,
                sid,
                new_open_hours_share=(NIGHT_CLOSURE_CLOSE_HOUR - NIGHT_CLOSURE_OPEN_HOUR)
                / HOURS_PER_DAY,
                open_hours_share_by_site=shares,
            ),
            patient_share=night_patients,
            staff_share=_night_staff_share(r.schedule, quarter[0], quarter[1], self.horizon),
            fixed_share=0.0,
            retained_patient_share=retained,
        )
        return full, night

    def state(
        self,
        i: int,
        full: Any,
        night: Any,
        quarter: tuple[float, float],
        quarters_since_change: int,
        reopen_history: list[float],
    ) -> SEHBoardState:
        """The board's view of SEH ``i`` at this review."""
        r = self.seh[i]
        site = r.site
        sid, org = site.site_id, site.organisation
        return SEHBoardState(
            site_id=sid,
            status=r.status,  # type: ignore[arg-type]
            is_24_7=site.is_24_7,
            margin_history_eur=self.books.quarterly_margins_eur(sid),
            reserves_eur=self.books.reserves_eur(org),
            closure_saves_eur_per_year=full.saves_eur_per_year if full else 0.0,
            closure_forfeits_eur_per_year=full.forfeits_eur_per_year if full else 0.0,
            night_closure_saves_eur_per_year=night.saves_eur_per_year if night else 0.0,
            night_closure_forfeits_eur_per_year=night.forfeits_eur_per_year if night else 0.0,
            closed_shift_share=_closed_shift_share(
                r.schedule, site, quarter[0], quarter[1], self.horizon
            ),
            is_sensitive=sid in self.setup.sensitive_site_ids,
            closure_reason=r.reason,  # type: ignore[arg-type]
            quarters_since_change=quarters_since_change,
            reopen_margin_history_eur=tuple(reopen_history),
            organisation_margin_history_eur=self.books.organisation_quarterly_margins_eur(org),
        )

    def apply(self, i: int, action: str, reason: str) -> None:
        """Carry out a decision on SEH ``i`` at once (routing, norm KPI, staff cost)."""
        now = self.env.now
        r = self.seh[i]
        seh = r.seh
        self._account_operation(now)
        self.recorder.closure(now, r.site.site_id, action, reason)
        r.quarters_since_change = 0
        if action == "closure":
            r.status, r.reason = "closed", reason
            r.meter.update(now, operating=False)
            self._stop_hours(i)
            seh.set_closed_permanent(True)
        elif action == "night_closure":
            r.status, r.reason = "night_closed", reason
            self._start_hours(i, NIGHT_CLOSURE_OPEN_HOUR, NIGHT_CLOSURE_CLOSE_HOUR)
            r.night_closed = True
            self.on_night_closure(i, True)
        elif action == "reopen":
            r.status, r.reason = "open", None
            r.reopen_history = []
            if r.night_closed:
                r.night_closed = False
                self.on_night_closure(i, False)
            self._stop_hours(i)
            seh.set_closed_permanent(False)
            if r.site.is_24_7:
                seh.set_outside_hours(False)
            r.meter.update(now, operating=True)

    def _stop_hours(self, i: int) -> None:
        r = self.seh[i]
        if r.hours_process is not None and r.hours_process.is_alive:
            r.hours_process.interrupt()
        r.hours_process = None

    def _start_hours(self, i: int, open_hour: float, close_hour: float) -> None:
        self._stop_hours(i)
        self.seh[i].hours_process = self.env.process(
            self._night_closure_process(i, open_hour, close_hour)
        )

    def _night_closure_process(
        self, i: int, open_hour: float, close_hour: float
    ) -> Generator[Any, Any, None]:
        """SimPy process: a night-closed SEH opens and closes daily; staff is not paid at night."""
        env, seh, meter = self.env, self.seh[i].seh, self.seh[i].meter
        open_m, close_m = open_hour * MINUTES_PER_HOUR, close_hour * MINUTES_PER_HOUR
        try:
            while True:
                day = math.floor(env.now / MINUTES_PER_DAY) * MINUTES_PER_DAY
                minute = env.now - day
                is_open = open_m <= minute < close_m
                seh.set_outside_hours(not is_open)
                meter.update(env.now, operating=is_open)
                nxt = day + (
                    close_m
                    if is_open
                    else (open_m if minute < open_m else MINUTES_PER_DAY + open_m)
                )
                yield env.timeout(nxt - env.now)
        except simpy.Interrupt:
            return


def _is_night(t: float) -> bool:
    """True between the night closure's closing and opening hours (23:00-08:00)."""
    minute = t % MINUTES_PER_DAY
    return not (
        NIGHT_CLOSURE_OPEN_HOUR * MINUTES_PER_HOUR
        <= minute
        < NIGHT_CLOSURE_CLOSE_HOUR * MINUTES_PER_HOUR
    )


def _next_month(d: dt.date) -> dt.date:
    """First day of the month after ``d``."""
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _quarter_start(review_date: dt.date) -> dt.date:
    """First day of the quarter that ends the day before ``review_date``."""
    month = review_date.month - MONTHS_PER_QUARTER
    year = review_date.year
    if month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def _open_minutes(
    open_hour: float, close_hour: float, all_day: bool, t0: float, t1: float
) -> float:
    """Minutes in ``[t0, t1)`` within the daily window ``[open_hour, close_hour)``."""
    if all_day:
        return t1 - t0
    a, b = open_hour * MINUTES_PER_HOUR, close_hour * MINUTES_PER_HOUR
    first = math.floor(t0 / MINUTES_PER_DAY)
    last = math.floor(t1 / MINUTES_PER_DAY)
    total = 0.0
    for d in range(first, last + 1):
        lo = max(t0, d * MINUTES_PER_DAY + a)
        hi = min(t1, d * MINUTES_PER_DAY + b)
        total += max(0.0, hi - lo)
    return total


def _sample_times(t0: float, t1: float) -> np.ndarray:
    return np.arange(t0 + MINUTES_PER_HOUR / 2, t1, MINUTES_PER_HOUR)


def _closed_shift_share(
    schedule: CapacitySchedule, site: Site, t0: float, t1: float, horizon: float
) -> float:
    """Share of the planned opening hours in ``[t0, t1)`` the roster left below minimum staff."""
    t = _sample_times(t0, min(t1, horizon))
    if not site.is_24_7:
        minute = t % MINUTES_PER_DAY
        t = t[
            (minute >= site.open_hour * MINUTES_PER_HOUR)
            & (minute < site.close_hour * MINUTES_PER_HOUR)
        ]
    if len(t) == 0:
        return 0.0
    idx = np.searchsorted(schedule.t_start_minutes, t, side="right") - 1
    return float(schedule.is_closed[idx].mean())


def _night_staff_share(schedule: CapacitySchedule, t0: float, t1: float, horizon: float) -> float:
    """Share of staff hours in ``[t0, t1)`` that fall at night (23:00-08:00)."""
    t = _sample_times(t0, min(t1, horizon))
    if len(t) == 0 or not schedule.roles:
        return 0.0
    idx = np.searchsorted(schedule.t_start_minutes, t, side="right") - 1
    staff = schedule.staff[idx].sum(axis=1)
    minute = t % MINUTES_PER_DAY
    night = (minute < NIGHT_CLOSURE_OPEN_HOUR * MINUTES_PER_HOUR) | (
        minute >= NIGHT_CLOSURE_CLOSE_HOUR * MINUTES_PER_HOUR
    )
    total = staff.sum()
    return float(staff[night].sum() / total) if total > 0 else 0.0
