"""Staff rosters: shift templates, vacancies and absence turned into treatment capacity.

An SEH's treatment capacity follows its staff: each shift plans a number of staff per
role (SEH physician, SEH nurse); some positions are vacant and some staff are absent.
The staff present set the number of patients that can be treated at once (slots), and
below a minimum of any role the SEH closes for that shift. This module turns templates
and random absence into a step function over sim minutes, without SimPy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from acutesim.units import MINUTES_PER_DAY, MINUTES_PER_HOUR


@dataclass(frozen=True)
class RoleRule:
    """How one role turns into capacity: slots per staff member, minimum staff, absence.

    Parameters
    ----------
    slots_per_staff : float
        Patients one staff member of this role can treat at once [patients/person];
        0 means the role does not limit treatment slots.
    min_staff : int
        Below this many present, the SEH closes for the shift [persons].
    vacancy_share : float
        Share of planned positions that are structurally vacant [0-1].
    absence_probability : float
        Probability that a filled position is absent on a given shift (sickness) [0-1].
    locum_fill_share : float
        Share of the vacant positions' shifts filled by a locum [0-1]; the rest stay
        unfilled (no staff, no cost). A locum is present like a permanent employee and
        costs more (``CostRates.locum_premium_share``).
    """

    slots_per_staff: float = 0.0
    min_staff: int = 0
    vacancy_share: float = 0.0
    absence_probability: float = 0.0
    locum_fill_share: float = 0.0

    @property
    def missing_probability(self) -> float:
        """Probability that a planned position is unstaffed on a shift [0-1]."""
        vac = unfilled_vacancy_share(self.vacancy_share, self.locum_fill_share)
        return vac + (1.0 - vac) * self.absence_probability


def unfilled_vacancy_share(vacancy_share: float, locum_fill_share: float) -> float:
    """Return the share of planned positions vacant and not filled by a locum [0-1]."""
    return vacancy_share * (1.0 - locum_fill_share)


def locum_share(vacancy_share: float, locum_fill_share: float) -> float:
    """Return the share of staffed hours worked by locums [0-1].

    Of the planned positions, ``1 - vacancy_share`` have a permanent employee and
    ``vacancy_share x locum_fill_share`` a locum; absence hits both alike, so locums
    work that share of the positions that are filled.

    >>> round(locum_share(0.2, 0.5), 4)
    0.1111
    >>> locum_share(0.2, 0.0)
    0.0
    """
    filled = 1.0 - unfilled_vacancy_share(vacancy_share, locum_fill_share)
    if filled <= 0.0:
        return 0.0
    return vacancy_share * locum_fill_share / filled


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift: start hour, length and staff planned per role, on given weekdays (0 = Monday)."""

    name: str
    start_hour: float
    hours: float
    staff_by_role: Mapping[str, int]
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)


@dataclass(frozen=True)
class RosterTemplate:
    """A named set of shifts and role rules (e.g. ``seh_small``, ``hap_default``)."""

    name: str
    shifts: tuple[ShiftTemplate, ...]
    roles: Mapping[str, RoleRule]

    def planned_slots(self, staff_by_role: Mapping[str, float]) -> int:
        """Treatment slots that the given staff provide [patients]."""
        slots = math.inf
        for role, rule in self.roles.items():
            if rule.slots_per_staff > 0:
                slots = min(slots, math.floor(staff_by_role.get(role, 0) * rule.slots_per_staff))
        return 0 if slots == math.inf else int(slots)

    def below_minimum(self, staff_by_role: Mapping[str, float]) -> bool:
        """True when any role is below its minimum staff (closed for the shift)."""
        return any(staff_by_role.get(r, 0) < rule.min_staff for r, rule in self.roles.items())


@dataclass(frozen=True)
class CapacitySchedule:
    """A step function of staffed capacity over sim minutes.

    ``t_start_minutes[i]`` starts interval ``i`` (the first is 0.0); it lasts until the
    next start or the horizon. ``slots[i]`` is the number of patients that can be treated
    at once; ``is_closed[i]`` marks an interval below the minimum staff.
    """

    t_start_minutes: np.ndarray
    slots: np.ndarray
    is_closed: np.ndarray
    staff_hours_by_role: Mapping[str, float]
    roles: tuple[str, ...] = ()
    staff: np.ndarray = field(default_factory=lambda: np.zeros((1, 0)))
    locum_share_by_role: Mapping[str, float] = field(default_factory=dict)

    def at(self, t_minutes: float) -> tuple[int, bool]:
        """Return ``(slots, is_closed)`` in force at sim time ``t`` [min]."""
        i = int(np.searchsorted(self.t_start_minutes, t_minutes, side="right")) - 1
        return int(self.slots[i]), bool(self.is_closed[i])


def build_schedule(
    template: RosterTemplate,
    horizon_minutes: float,
    start_weekday: int,
    rng: np.random.Generator | None,
    *,
    vacancy_share: float | None = None,
    absence_scale: float = 1.0,
    locum_fill_share: float | None = None,
) -> CapacitySchedule:
    """Turn a roster template into a staffed-capacity schedule over the horizon.

    Parameters
    ----------
    template : RosterTemplate
        Shifts and role rules.
    horizon_minutes : float
        Length of the horizon [min].
    start_weekday : int
        Weekday of t = 0 (0 = Monday).
    rng : numpy.random.Generator or None
        Draws absence per shift and role; None plans every position as staffed.
    vacancy_share : float, optional
        Overrides every role's ``vacancy_share`` [0-1] (a scenario knob).
    absence_scale : float
        Multiplies every role's absence probability [-].
    locum_fill_share : float, optional
        Overrides every role's ``locum_fill_share`` [0-1] (a scenario knob).

    Returns
    -------
    CapacitySchedule
        Slots and closure per interval; shifts that overlap add their staff.
    """
    n_days = math.ceil(horizon_minutes / MINUTES_PER_DAY) + 1
    roles = list(template.roles)
    events: list[tuple[float, int, np.ndarray]] = []  # (t, +1/-1, staff vector)
    staff_minutes = np.zeros(len(roles))
    # Draw order: day, then shift in template order, then role in template order, so the
    # draws of one shift never depend on another template's shifts.
    for day in range(-1, n_days):
        weekday = (start_weekday + day) % 7
        for shift in template.shifts:
            if weekday not in shift.weekdays:
                continue
            t0 = day * MINUTES_PER_DAY + shift.start_hour * MINUTES_PER_HOUR
            t1 = t0 + shift.hours * MINUTES_PER_HOUR
            if t1 <= 0 or t0 >= horizon_minutes:
                continue
            present = np.zeros(len(roles))
            for k, role in enumerate(roles):
                planned = int(shift.staff_by_role.get(role, 0))
                rule = template.roles[role]
                if rng is None or planned == 0:
                    present[k] = planned
                    continue
                vac = unfilled_vacancy_share(
                    rule.vacancy_share if vacancy_share is None else vacancy_share,
                    rule.locum_fill_share if locum_fill_share is None else locum_fill_share,
                )
                p = vac + (1.0 - vac) * min(1.0, rule.absence_probability * absence_scale)
                present[k] = planned - rng.binomial(planned, min(max(p, 0.0), 1.0))
            a, b = max(t0, 0.0), min(t1, horizon_minutes)
            staff_minutes += present * (b - a)
            events.append((a, 1, present))
            events.append((b, -1, present))
    events.sort(key=lambda e: e[0])
    times: list[float] = []
    slots: list[int] = []
    closed: list[bool] = []
    staff_rows: list[np.ndarray] = []
    current = np.zeros(len(roles))
    i = 0
    for t in sorted({e[0] for e in events} | {0.0}):
        if t >= horizon_minutes:
            break
        while i < len(events) and events[i][0] == t:
            current = current + events[i][1] * events[i][2]
            i += 1
        staff = {r: float(current[k]) for k, r in enumerate(roles)}
        is_closed = template.below_minimum(staff)
        n_slots = 0 if is_closed else template.planned_slots(staff)
        if (
            slots
            and slots[-1] == n_slots
            and closed[-1] == is_closed
            and np.array_equal(staff_rows[-1], current)
        ):
            continue  # no change at this boundary
        times.append(t)
        slots.append(n_slots)
        closed.append(is_closed)
        staff_rows.append(current.copy())
    return CapacitySchedule(
        t_start_minutes=np.asarray(times, dtype=float),
        slots=np.asarray(slots, dtype=np.int64),
        is_closed=np.asarray(closed, dtype=bool),
        staff_hours_by_role={
            r: float(staff_minutes[k] / MINUTES_PER_HOUR) for k, r in enumerate(roles)
        },
        roles=tuple(roles),
        staff=np.asarray(staff_rows, dtype=float).reshape(len(times), len(roles)),
        locum_share_by_role={
            r: locum_share(
                template.roles[r].vacancy_share if vacancy_share is None else vacancy_share,
                template.roles[r].locum_fill_share
                if locum_fill_share is None
                else locum_fill_share,
            )
            for r in roles
        },
    )


def always_open(slots: int) -> CapacitySchedule:
    """Return a schedule with constant capacity (tests, unlimited-staff scenarios)."""
    return CapacitySchedule(
        t_start_minutes=np.zeros(1),
        slots=np.asarray([slots], dtype=np.int64),
        is_closed=np.zeros(1, dtype=bool),
        staff_hours_by_role={},
    )
