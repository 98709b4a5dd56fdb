"""The calendar: sim minutes to dates, hour of week and month.

The simulation clock is float minutes since the start of the horizon, which begins at
midnight of ``start_date`` in Europe/Amsterdam. This module is the only place that
touches wall-clock dates. Clock changes (DST) are ignored: every day has 24 hours, so
hour-of-week profiles and shifts stay aligned with the sim clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from acutesim.units import HOURS_PER_WEEK, MINUTES_PER_DAY, MINUTES_PER_HOUR

TZ = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Calendar:
    """Maps sim minutes to calendar time from a start date (midnight, Europe/Amsterdam)."""

    start_date: dt.date = dt.date(2026, 1, 5)

    @property
    def start(self) -> dt.datetime:
        """Start of the horizon, timezone-aware."""
        return dt.datetime.combine(self.start_date, dt.time(0, 0), tzinfo=TZ)

    @property
    def start_hour_of_week(self) -> int:
        """Hour of week (Monday 00:00 = 0) at t = 0."""
        return self.start_date.weekday() * 24

    def hour_of_week(self, t_minutes: float) -> int:
        """Return the hour of week (0..167, Monday 00:00 = 0) at sim time ``t`` [min]."""
        return int(self.start_hour_of_week + t_minutes // MINUTES_PER_HOUR) % HOURS_PER_WEEK

    def hours_of_week(self, t_minutes: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`hour_of_week` [min -> hour index]."""
        hours = np.floor_divide(t_minutes, MINUTES_PER_HOUR).astype(np.int64)
        out: np.ndarray = (self.start_hour_of_week + hours) % HOURS_PER_WEEK
        return out

    def datetime(self, t_minutes: float) -> dt.datetime:
        """Return the wall-clock time at sim time ``t`` [min] (no DST shift)."""
        return self.start + dt.timedelta(minutes=float(t_minutes))

    def date(self, t_minutes: float) -> dt.date:
        """Return the calendar date at sim time ``t`` [min]."""
        return self.datetime(t_minutes).date()

    def minutes_at(self, when: dt.date | dt.datetime) -> float:
        """Return the sim time [min] of a date (midnight) or a datetime."""
        if isinstance(when, dt.datetime):
            aware = when if when.tzinfo else when.replace(tzinfo=TZ)
            return (aware - self.start).total_seconds() / 60.0
        return float((when - self.start_date).days * MINUTES_PER_DAY)

    def month_key(self, t_minutes: float) -> str:
        """Return ``YYYY-MM`` of sim time ``t`` [min]."""
        d = self.date(t_minutes)
        return f"{d.year:04d}-{d.month:02d}"

    def month_starts(self, horizon_minutes: float) -> list[float]:
        """Sim times [min] of the first day of every month after t=0 within the horizon."""
        out: list[float] = []
        d = self.start_date
        while True:
            d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
            t = self.minutes_at(d)
            if t >= horizon_minutes:
                return out
            out.append(t)
