"""The calendar (sim minutes to dates, hour of week, months) and the unit helpers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from acutesim import units
from acutesim.domain.calendar import TZ, Calendar

MONDAY = dt.date(2026, 1, 5)


def test_hour_of_week_of_the_start_monday_midnight_is_zero():
    cal = Calendar(MONDAY)
    assert cal.start_hour_of_week == 0
    assert cal.hour_of_week(0.0) == 0
    assert cal.hour_of_week(59.999) == 0
    assert cal.hour_of_week(60.0) == 1


def test_hour_of_week_wraps_and_follows_the_start_weekday():
    cal = Calendar(MONDAY)
    assert cal.hour_of_week(units.MINUTES_PER_WEEK - 1.0) == 167
    assert cal.hour_of_week(units.MINUTES_PER_WEEK) == 0
    wednesday = Calendar(dt.date(2026, 1, 7))
    assert wednesday.hour_of_week(0.0) == 48
    assert wednesday.hour_of_week(units.days(5)) == (48 + 120) % 168


def test_vectorised_hours_of_week_match_the_scalar_version():
    cal = Calendar(dt.date(2026, 3, 14))  # a Saturday
    t = np.array([0.0, 59.0, 60.0, 1439.9, 10_000.5, 3 * units.MINUTES_PER_WEEK + 7.0])
    assert list(cal.hours_of_week(t)) == [cal.hour_of_week(x) for x in t]


def test_datetime_is_timezone_aware_amsterdam_and_inverts():
    cal = Calendar(MONDAY)
    start = cal.datetime(0.0)
    assert start.tzinfo is TZ
    assert (start.year, start.month, start.day, start.hour) == (2026, 1, 5, 0)
    assert cal.datetime(90.0) == start + dt.timedelta(minutes=90)
    assert cal.minutes_at(cal.datetime(12_345.0)) == pytest.approx(12_345.0)
    assert cal.minutes_at(dt.date(2026, 1, 6)) == units.MINUTES_PER_DAY
    naive = dt.datetime(2026, 1, 5, 6, 30)  # noqa: DTZ001 - naive means Amsterdam time
    assert cal.minutes_at(naive) == 390.0


def test_clock_changes_are_ignored_every_day_has_24_hours():
    cal = Calendar(MONDAY)
    after_dst = cal.datetime(units.days(100))  # mid April, summer time
    assert after_dst.hour == 0
    assert cal.date(units.days(100)) == MONDAY + dt.timedelta(days=100)


def test_month_key_and_month_starts():
    cal = Calendar(MONDAY)
    assert cal.month_key(0.0) == "2026-01"
    assert cal.month_key(units.days(27)) == "2026-02"
    starts = cal.month_starts(units.days(90))
    assert starts == [units.days(27), units.days(55), units.days(86)]
    assert cal.month_starts(units.days(27)) == []  # a start at the horizon is outside


def test_month_starts_roll_over_the_year():
    cal = Calendar(dt.date(2026, 12, 15))
    assert cal.month_starts(units.days(40)) == [units.days(17)]
    assert cal.month_key(units.days(17)) == "2027-01"


def test_unit_helpers():
    assert units.hours(2.0) == 120.0
    assert units.days(1.5) == 2160.0
    assert units.minutes_to_hours(90.0) == 1.5
    assert units.minutes_to_days(2880.0) == 2.0
    assert units.per_hour_to_per_minute(12.0) == pytest.approx(0.2)
    assert units.per_year_to_per_minute(units.MINUTES_PER_YEAR) == pytest.approx(1.0)
    assert units.km_per_hour_to_metres_per_minute(60.0) == pytest.approx(1000.0)
    assert units.days(units.DAYS_PER_WEEK) == units.MINUTES_PER_WEEK
    assert units.HOURS_PER_WEEK * units.MINUTES_PER_HOUR == units.MINUTES_PER_WEEK
