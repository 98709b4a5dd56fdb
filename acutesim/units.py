"""Time, distance and money units.

The simulation clock runs in float minutes since the start of the horizon. Every other
time quantity is converted to minutes at the edge (config loading) with the helpers
here, so that no bare ``60`` or ``1440`` appears in model code.
"""

from __future__ import annotations

MINUTES_PER_HOUR = 60.0
HOURS_PER_DAY = 24.0
DAYS_PER_WEEK = 7
HOURS_PER_WEEK = 168
MINUTES_PER_DAY = MINUTES_PER_HOUR * HOURS_PER_DAY
MINUTES_PER_WEEK = MINUTES_PER_DAY * DAYS_PER_WEEK
DAYS_PER_YEAR = 365.25
MINUTES_PER_YEAR = MINUTES_PER_DAY * DAYS_PER_YEAR
HOURS_PER_YEAR = HOURS_PER_DAY * DAYS_PER_YEAR
METRES_PER_KM = 1000.0
PER_THOUSAND = 1000.0
MONTHS_PER_YEAR = 12


def hours(value: float) -> float:
    """Convert hours to minutes [h -> min]."""
    return value * MINUTES_PER_HOUR


def days(value: float) -> float:
    """Convert days to minutes [d -> min]."""
    return value * MINUTES_PER_DAY


def minutes_to_hours(value: float) -> float:
    """Convert minutes to hours [min -> h]."""
    return value / MINUTES_PER_HOUR


def minutes_to_days(value: float) -> float:
    """Convert minutes to days [min -> d]."""
    return value / MINUTES_PER_DAY


def per_hour_to_per_minute(rate: float) -> float:
    """Convert a rate per hour to a rate per minute [1/h -> 1/min]."""
    return rate / MINUTES_PER_HOUR


def per_year_to_per_minute(rate: float) -> float:
    """Convert a rate per year to a rate per minute [1/yr -> 1/min]."""
    return rate / MINUTES_PER_YEAR


def km_per_hour_to_metres_per_minute(speed: float) -> float:
    """Convert a speed in km/h to metres per minute [km/h -> m/min]."""
    return speed * METRES_PER_KM / MINUTES_PER_HOUR
