"""Funding regimes in force over time, and month keys of the books."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass, field

from acutesim.funding.regimes.base import FundingRegime


# --- switching regimes at a date -----------------------------------------------------------
@dataclass(frozen=True)
class RegimeSchedule:
    """Funding regimes in force over time: a first regime and switches at dates.

    Example: ``RegimeSchedule(fee, ((date(2027, 1, 1), budget),))`` pays per DBC until
    2026-12-31 and by budget from 2027-01-01. A switch takes effect at the start of its
    date.

    Parameters
    ----------
    first : FundingRegime
        The regime before the first switch.
    switches : tuple of (date, FundingRegime)
        Switch dates in increasing order and the regime from each date.
    """

    first: FundingRegime
    switches: tuple[tuple[dt.date, FundingRegime], ...] = field(default=())

    def __post_init__(self) -> None:
        dates = [d for d, _ in self.switches]
        if any(b <= a for a, b in itertools.pairwise(dates)):
            raise ValueError(f"switch dates must be strictly increasing, got {dates}")

    def regime_at(self, day: dt.date) -> FundingRegime:
        """Return the regime in force on a date.

        Parameters
        ----------
        day : datetime.date
            The calendar date (a datetime counts by its date).
        """
        if isinstance(day, dt.datetime):
            day = day.date()
        current = self.first
        for start, regime in self.switches:
            if day >= start:
                current = regime
        return current

    @property
    def regimes(self) -> tuple[FundingRegime, ...]:
        """Every regime of the schedule in order of time."""
        return (self.first, *(r for _, r in self.switches))


def month_year_share(month_key: str) -> float:
    """Return a month's length as a share of its year [0-1] (``"2027-02"`` -> 28/365).

    Parameters
    ----------
    month_key : str
        ``YYYY-MM``.
    """
    year, month = parse_month_key(month_key)
    days_in_year = 366 if calendar.isleap(year) else 365
    return calendar.monthrange(year, month)[1] / days_in_year


def parse_month_key(month_key: str) -> tuple[int, int]:
    """Return ``(year, month)`` of a ``YYYY-MM`` key."""
    try:
        year_s, month_s = month_key.split("-")
        year, month = int(year_s), int(month_s)
    except ValueError:
        raise ValueError(f"month key {month_key!r} is not of the form 'YYYY-MM'") from None
    if not 1 <= month <= 12:
        raise ValueError(f"month key {month_key!r}: month must be 01-12")
    return year, month
