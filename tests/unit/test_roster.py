"""Rosters: shift templates, vacancies and absence as a staffed-capacity step function."""

from __future__ import annotations

import numpy as np
import pytest

from acutesim.domain.roster import (
    RoleRule,
    RosterTemplate,
    ShiftTemplate,
    always_open,
    build_schedule,
)
from acutesim.units import MINUTES_PER_DAY, days, hours

DOC = "seh_physician"
NURSE = "seh_nurse"


def template(shifts, *, min_staff=0, slots_per_staff=1.0, **rule):
    return RosterTemplate("t", tuple(shifts), {DOC: RoleRule(slots_per_staff, min_staff, **rule)})


def slots_at(schedule, *hours_):
    return [schedule.at(hours(h))[0] for h in hours_]


def test_overlapping_shifts_add_their_staff():
    t = template([ShiftTemplate("early", 8, 8, {DOC: 2}), ShiftTemplate("late", 12, 8, {DOC: 1})])
    s = build_schedule(t, days(1), 0, None)
    assert slots_at(s, 0, 7.99, 8, 11.99, 12, 15.99, 16, 19.99, 20, 23.99) == [
        0, 0, 2, 2, 3, 3, 1, 1, 0, 0,
    ]  # fmt: skip
    assert list(s.t_start_minutes) == [0.0, hours(8), hours(12), hours(16), hours(20)]
    assert s.staff_hours_by_role == {DOC: pytest.approx(2 * 8 + 8)}


def test_a_shift_over_midnight_starts_the_horizon_staffed():
    t = template([ShiftTemplate("night", 20, 12, {DOC: 2}), ShiftTemplate("day", 8, 12, {DOC: 5})])
    s = build_schedule(t, days(2), 0, None)
    assert slots_at(s, 0, 7.5, 8, 19.5, 20, 32, 44) == [2, 2, 5, 5, 2, 5, 2]


def test_below_minimum_staff_closes_with_zero_slots():
    t = RosterTemplate(
        "t",
        (
            ShiftTemplate("day", 8, 8, {DOC: 2, NURSE: 1}),
            ShiftTemplate("night", 16, 16, {DOC: 2, NURSE: 3}),
        ),
        {DOC: RoleRule(4.0, 1), NURSE: RoleRule(2.0, 2)},
    )
    s = build_schedule(t, days(1), 0, None)
    assert s.at(hours(10)) == (0, True)  # one nurse < minimum of two
    assert s.at(hours(20)) == (6, False)  # min(2 * 4, 3 * 2)
    assert t.below_minimum({DOC: 1, NURSE: 1})
    assert not t.below_minimum({DOC: 1, NURSE: 2})
    assert t.planned_slots({DOC: 1.0, NURSE: 3.0}) == 4
    assert t.planned_slots({DOC: 2.0, NURSE: 3.0}) == 6


def test_a_role_with_zero_slots_per_staff_does_not_limit_slots():
    t = RosterTemplate(
        "t",
        (ShiftTemplate("all", 0, 24, {DOC: 3, NURSE: 1}),),
        {DOC: RoleRule(2.0), NURSE: RoleRule(0.0)},
    )
    assert t.planned_slots({DOC: 3, NURSE: 0}) == 6


def test_vacancy_share_one_closes_every_interval():
    t = template(
        [ShiftTemplate("day", 8, 12, {DOC: 4}), ShiftTemplate("night", 20, 12, {DOC: 2})],
        min_staff=1,
    )
    s = build_schedule(t, days(14), 0, np.random.default_rng(0), vacancy_share=1.0)
    assert s.is_closed.all()
    assert (s.slots == 0).all()
    assert s.staff_hours_by_role[DOC] == 0.0


def test_vacancy_share_override_takes_the_place_of_the_role_share():
    t = template([ShiftTemplate("all", 0, 24, {DOC: 10})], min_staff=1, vacancy_share=1.0)
    s = build_schedule(t, days(3), 0, np.random.default_rng(0), vacancy_share=0.0)
    assert (s.slots == 10).all()
    assert not s.is_closed.any()


def test_absence_removes_staff_in_proportion_and_slots_never_go_negative():
    t = template(
        [ShiftTemplate("day", 8, 12, {DOC: 6}), ShiftTemplate("night", 20, 12, {DOC: 3})],
        min_staff=2,
        absence_probability=0.3,
        vacancy_share=0.2,
    )
    horizon = days(2000)
    s = build_schedule(t, horizon, 2, np.random.default_rng(11))
    assert (s.slots >= 0).all()
    assert (s.slots[s.is_closed] == 0).all()
    assert s.is_closed.any()
    assert (~s.is_closed).any()
    # planned staff hours per day: 6 * 12 + 3 * 12; present share 0.8 * 0.7
    expected = 2000 * (6 * 12 + 3 * 12) * 0.8 * 0.7
    assert s.staff_hours_by_role[DOC] == pytest.approx(expected, rel=0.03)


def test_absence_scale_zero_removes_absence_but_not_vacancy():
    t = template([ShiftTemplate("all", 0, 24, {DOC: 5})], absence_probability=0.9)
    s = build_schedule(t, days(30), 0, np.random.default_rng(3), absence_scale=0.0)
    assert (s.slots == 5).all()


def test_no_rng_plans_every_position():
    t = template([ShiftTemplate("all", 0, 24, {DOC: 5})], min_staff=1, vacancy_share=0.9)
    s = build_schedule(t, days(10), 0, None)
    assert list(s.slots) == [5]
    assert list(s.t_start_minutes) == [0.0]


def test_weekday_shifts_follow_the_start_weekday():
    t = template([ShiftTemplate("weekend", 8, 9, {DOC: 3}, weekdays=(5, 6))])
    monday = build_schedule(t, days(7), 0, None)
    assert monday.at(days(4) + hours(10))[0] == 0  # Friday
    assert monday.at(days(5) + hours(10))[0] == 3  # Saturday
    saturday = build_schedule(t, days(7), 5, None)
    assert saturday.at(hours(10))[0] == 3
    assert saturday.at(days(2) + hours(10))[0] == 0  # Monday


def test_boundaries_belong_to_the_new_interval_and_the_last_lasts_to_the_horizon():
    t = template([ShiftTemplate("day", 8, 8, {DOC: 2})])
    s = build_schedule(t, days(1), 0, None)
    assert s.at(hours(8)) == (2, False)
    assert s.at(hours(16)) == (0, False)
    assert s.at(MINUTES_PER_DAY - 0.001) == (0, False)
    assert (np.diff(s.t_start_minutes) > 0).all()


def test_always_open_is_constant():
    s = always_open(7)
    assert s.at(0.0) == (7, False)
    assert s.at(days(1000)) == (7, False)


def test_missing_probability_combines_vacancy_and_absence():
    assert RoleRule(
        vacancy_share=0.2, absence_probability=0.1
    ).missing_probability == pytest.approx(0.2 + 0.8 * 0.1)
