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
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

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
from acutesim.sim.patient import Patient
from acutesim.units import HOURS_PER_DAY, MINUTES_PER_DAY, MINUTES_PER_HOUR

if TYPE_CHECKING:
    from acutesim.sim.model import Model

# A night closure keeps the SEH open from 08:00 to 23:00, like the day-only SEHs that
# were 24/7 before (Stadskanaal, Hoogeveen: basisspoedpost 08:00-23:00).
NIGHT_CLOSURE_OPEN_HOUR = 8.0
NIGHT_CLOSURE_CLOSE_HOUR = 23.0
MONTHS_PER_QUARTER = 3
QUARTERS_PER_YEAR = 4


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


class Board:
    """Books and board decisions of every organisation in one replication.

    Parameters
    ----------
    model : Model
        The replication's model (SEHs, schedules, recorder, calendar).
    setup : FundingSetup
        Regimes, costs, reserves and behaviour of this scenario.
    """

    def __init__(self, model: Model, setup: FundingSetup) -> None:
        self.model = model
        self.env: simpy.Environment = model.env
        self.setup = setup
        self.books = setup.new_books()
        self.calendar = model.region.calendar
        self.sites: tuple[Site, ...] = model.sites
        n = len(self.sites)
        self.status = ["open"] * n
        self.reason: list[str | None] = [None] * n
        self.quarters_since_change = [1_000_000] * n
        self.reopen_history: list[list[float]] = [[] for _ in range(n)]
        self.frozen_figures: list[Any] = [None] * n
        self.meters = [StaffMeter(len(s.roles)) for s in model.schedules]
        self.minutes_in_operation = np.zeros(n)
        self.minutes_planned = np.zeros(n)
        self.minutes_round_the_clock = np.zeros(n)
        self.night_visits = np.zeros(n)
        self.visits = np.zeros(n)
        self.hours_process: list[simpy.Process | None] = [None] * n
        # Called at every review before the board decides, with (board, date, shares,
        # quarter): lets a study evaluate other board parameters on the same books.
        self.observer: (
            Callable[[Board, dt.date, dict[str, float], tuple[float, float]], None] | None
        ) = None
        self._last_close = 0.0
        self._month_start = 0.0
        for i, seh in enumerate(model.sehs):
            if seh.is_closed_permanent:  # closed by the scenario from the start
                self.status[i], self.reason[i] = "closed", "policy"
                self.meters[i].update(0.0, operating=False)

    # -- events from the model ---------------------------------------------------------
    def visit(self, p: Patient) -> None:
        """Book an SEH visit (and its admission) at the site that treated the patient."""
        i = p.site
        self.books.add_visit(self.sites[i].site_id, MTS_COLOURS[p.mts], p.admitted)
        self.visits[i] += 1
        if _is_night(p.t_arrival):
            self.night_visits[i] += 1

    def staff_changed(self, i: int, staff: np.ndarray) -> None:
        """The roster of SEH ``i`` changed its staff present."""
        self.meters[i].update(self.env.now, staff=staff)

    # -- processes -----------------------------------------------------------------------
    def start(self) -> None:
        """Set the initial volmelding thresholds and start the monthly process."""
        self._apply_thresholds(self.calendar.date(0.0))
        self.env.process(self._monthly_process())

    def _monthly_process(self) -> Generator[Any, Any, None]:
        """SimPy process: close the books each month; review every quarter."""
        env = self.env
        for t in self.calendar.month_starts(self.model.horizon):
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
        for i, site in enumerate(self.sites):
            hours = self.meters[i].take_hours(now)
            schedule = self.model.schedules[i]
            for role, h in zip(schedule.roles, hours, strict=True):
                if role in self.setup.costs.staff_eur_per_hour_by_role and h > 0:
                    self.books.add_staff_hours(
                        site.site_id,
                        role,
                        float(h),
                        locum_share=schedule.locum_share_by_role.get(role, 0.0),
                    )
            planned = self.minutes_planned[i]
            shares[site.site_id] = (
                min(1.0, float(self.minutes_in_operation[i] / planned)) if planned > 0 else 0.0
            )
            round_the_clock[site.site_id] = (
                min(1.0, float(self.minutes_round_the_clock[i] / simulated))
                if simulated > 0
                else 0.0
            )
        self.minutes_in_operation[:] = 0.0
        self.minutes_planned[:] = 0.0
        self.minutes_round_the_clock[:] = 0.0
        rows = self.books.close_month(
            month_key,
            open_hours_share_by_site=shares,
            month_share=month_share,
            round_the_clock_share_by_site=round_the_clock,
        )
        self.model.recorder.finance_rows.extend(r.as_dict() for r in rows)

    def _account_operation(self, now: float) -> None:
        """Add planned and in-operation minutes since the last call (per site)."""
        t0 = self._last_close
        if now <= t0:
            return
        for i, site in enumerate(self.sites):
            planned = _open_minutes(site.open_hour, site.close_hour, site.is_24_7, t0, now)
            self.minutes_planned[i] += planned
            if self.status[i] == "closed":
                continue
            if self.status[i] == "open" and site.is_24_7:
                self.minutes_round_the_clock[i] += now - t0
            if self.status[i] == "night_closed":
                self.minutes_in_operation[i] += _open_minutes(
                    NIGHT_CLOSURE_OPEN_HOUR, NIGHT_CLOSURE_CLOSE_HOUR, False, t0, now
                )
            else:
                self.minutes_in_operation[i] += planned
        self._last_close = now

    def finish(self) -> None:
        """Close the books of the last, partial month at the horizon."""
        now = self.env.now
        if now > self._month_start:
            self._close_month(self.calendar.month_key(now - 1.0), now)

    # -- volmelding ----------------------------------------------------------------------
    def _apply_thresholds(self, date: dt.date) -> None:
        regime = self.setup.schedule.regime_at(date)
        for i, site in enumerate(self.sites):
            behaviour = self.setup.volmelding_by_site.get(site.site_id)
            if behaviour is None:
                continue
            on, off = volmelding_thresholds(regime.marginal_revenue_eur(site.site_id), behaviour)
            self.model.sehs[i].set_thresholds(on, off)

    # -- board reviews ---------------------------------------------------------------------
    def _review(self, date: dt.date) -> None:
        regime = self.setup.schedule.regime_at(date)
        previous = self.setup.schedule.regime_at(date - dt.timedelta(days=1))
        params = self.setup.board
        quarter = (max(0.0, self.calendar.minutes_at(_quarter_start(date))), self.env.now)
        night_share = (NIGHT_CLOSURE_CLOSE_HOUR - NIGHT_CLOSURE_OPEN_HOUR) / HOURS_PER_DAY
        shares = {
            s.site_id: {"closed": 0.0, "night_closed": night_share}.get(self.status[i], 1.0)
            for i, s in enumerate(self.sites)
        }
        if previous is not regime:
            self._shadow_review(previous, shares, quarter)
        if self.observer is not None:
            for i, site in enumerate(self.sites):
                if self.status[i] == "open":
                    self.frozen_figures[i] = self.books.year_figures(site.site_id)
            self.observer(self, date, shares, quarter)
        for i, site in enumerate(self.sites):
            self.quarters_since_change[i] += 1
            figures = self.books.year_figures(site.site_id) if self.status[i] == "open" else None
            if figures is not None:
                self.frozen_figures[i] = figures
            full, night = self._effects(i, regime, shares, quarter)
            closed_part = night if self.status[i] == "night_closed" else full
            if self.status[i] != "open" and closed_part is not None:
                # projected margin of reopening the closed part this quarter
                self.reopen_history[i].append(-closed_part.net_eur_per_year / QUARTERS_PER_YEAR)
            state = self._state(
                i, full, night, quarter, self.quarters_since_change[i], self.reopen_history[i]
            )
            self.night_visits[i] = self.visits[i] = 0.0
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
        for i, site in enumerate(self.sites):
            if self.status[i] == "open":
                self.frozen_figures[i] = self.books.year_figures(site.site_id)
            full, night = self._effects(i, previous, shares, quarter)
            closed_part = night if self.status[i] == "night_closed" else full
            history = list(self.reopen_history[i])
            if self.status[i] != "open" and closed_part is not None:
                history.append(-closed_part.net_eur_per_year / QUARTERS_PER_YEAR)
            state = self._state(i, full, night, quarter, self.quarters_since_change[i] + 1, history)
            decision = board_decision(state, self.setup.board)
            self.model.recorder.shadow_decisions.append(
                (
                    self.env.now,
                    site.site_id,
                    previous.name,
                    decision.action if decision else "none",
                    decision.reason if decision else "",
                )
            )

    def _effects(
        self,
        i: int,
        regime: Any,
        shares: dict[str, float],
        quarter: tuple[float, float],
        params: BoardBehaviour | None = None,
    ) -> tuple[Any, Any]:
        """What closing SEH ``i``, or closing it at night, saves and forfeits under a regime."""
        fig = self.frozen_figures[i]
        if fig is None:
            return None, None
        site = self.sites[i]
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
            self.status[j] == "open" and s.organisation == org and j != i
            for j, s in enumerate(self.sites)
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
        night_patients = self.night_visits[i] / self.visits[i] if self.visits[i] else 0.0
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
            staff_share=_night_staff_share(
                self.model.schedules[i], quarter[0], quarter[1], self.model.horizon
            ),
            fixed_share=0.0,
            retained_patient_share=retained,
        )
        return full, night

    def _state(
        self,
        i: int,
        full: Any,
        night: Any,
        quarter: tuple[float, float],
        quarters_since_change: int,
        reopen_history: list[float],
    ) -> SEHBoardState:
        """The board's view of SEH ``i`` at this review."""
        site = self.sites[i]
        sid, org = site.site_id, site.organisation
        return SEHBoardState(
            site_id=sid,
            status=self.status[i],  # type: ignore[arg-type]
            is_24_7=site.is_24_7,
            margin_history_eur=self.books.quarterly_margins_eur(sid),
            reserves_eur=self.books.reserves_eur(org),
            closure_saves_eur_per_year=full.saves_eur_per_year if full else 0.0,
            closure_forfeits_eur_per_year=full.forfeits_eur_per_year if full else 0.0,
            night_closure_saves_eur_per_year=night.saves_eur_per_year if night else 0.0,
            night_closure_forfeits_eur_per_year=night.forfeits_eur_per_year if night else 0.0,
            closed_shift_share=_closed_shift_share(
                self.model.schedules[i], site, quarter[0], quarter[1], self.model.horizon
            ),
            is_sensitive=sid in self.setup.sensitive_site_ids,
            closure_reason=self.reason[i],  # type: ignore[arg-type]
            quarters_since_change=quarters_since_change,
            reopen_margin_history_eur=tuple(reopen_history),
            organisation_margin_history_eur=self.books.organisation_quarterly_margins_eur(org),
        )

    def apply(self, i: int, action: str, reason: str) -> None:
        """Carry out a decision on SEH ``i`` at once (routing, norm KPI, staff cost)."""
        now = self.env.now
        seh = self.model.sehs[i]
        self._account_operation(now)
        self.model.recorder.closure(now, self.sites[i].site_id, action, reason)
        self.quarters_since_change[i] = 0
        if action == "closure":
            self.status[i], self.reason[i] = "closed", reason
            self.meters[i].update(now, operating=False)
            self._stop_hours(i)
            seh.set_closed_permanent(True)
        elif action == "night_closure":
            self.status[i], self.reason[i] = "night_closed", reason
            self._start_hours(i, NIGHT_CLOSURE_OPEN_HOUR, NIGHT_CLOSURE_CLOSE_HOUR)
            self.model.night_closure_changed(i, True)
        elif action == "reopen":
            self.status[i], self.reason[i] = "open", None
            self.reopen_history[i] = []
            if i in self.model.night_closed:
                self.model.night_closure_changed(i, False)
            self._stop_hours(i)
            seh.set_closed_permanent(False)
            if self.sites[i].is_24_7:
                seh.set_outside_hours(False)
            self.meters[i].update(now, operating=True)

    def _stop_hours(self, i: int) -> None:
        proc = self.hours_process[i]
        if proc is not None and proc.is_alive:
            proc.interrupt()
        self.hours_process[i] = None

    def _start_hours(self, i: int, open_hour: float, close_hour: float) -> None:
        self._stop_hours(i)
        self.hours_process[i] = self.env.process(
            self._night_closure_process(i, open_hour, close_hour)
        )

    def _night_closure_process(
        self, i: int, open_hour: float, close_hour: float
    ) -> Generator[Any, Any, None]:
        """SimPy process: a night-closed SEH opens and closes daily; staff is not paid at night."""
        env, seh, meter = self.env, self.model.sehs[i], self.meters[i]
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
