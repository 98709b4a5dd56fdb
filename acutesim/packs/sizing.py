"""Size rosters, acute beds and ambulance vehicles of a built pack from its population.

Each SEH, HAP and ambulance post serves the inhabitants nearest to it (straight line);
expected SEH visits follow from that catchment and choose a roster size class and the
acute beds, and the catchment of a post sets its vehicles per shift. Every default
cites its source or is marked as an assumption.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from acutesim.units import MINUTES_PER_YEAR, PER_THOUSAND

if TYPE_CHECKING:
    pass

# --- defaults, each with its source or marked as an assumption ---------------------------
# source: VZinfo "Acute zorg: gebruik SEH" (RIVM), 2022: about 1.84 million SEH visits on
# about 17.6 million inhabitants, i.e. about 105 visits per 1,000 inhabitants per year.
SEH_VISITS_PER_1000_PER_YEAR = 105.0
# Share of SEH visits at a site attributed to a day-only SEH relative to a 24/7 one of
# the same catchment: its opening hours carry most of the daily arrivals. Assumption.
DAY_SEH_VISIT_SHARE = 0.75
# Acute admission beds per 1,000 SEH visits a year. Assumption, derived from the demo
# pack's sizing: about a third of visits are admitted (SAZ 2019: 32% ward + 1% IC + 2% CCU)
# for about 3 days, at about 75% occupancy: 1,000 x 0.35 x 3 / 365 / 0.75 = 3.8 beds.
ACUTE_BEDS_PER_1000_VISITS = 4.0
MIN_ACUTE_BEDS = 10  # assumption: the smallest hospital with an SEH
# Expected visits are an estimate (nearest site, no diversions or random peaks); rosters
# are chosen for this many times the estimate. Assumption.
ROSTER_HEADROOM = 1.2
# source: RIVM, Referentiekader spreiding en beschikbaarheid ambulancezorg 2020: 642
# ambulances needed on a weekday daytime for about 17.4 million inhabitants, i.e. about
# 27,000 inhabitants per daytime vehicle (derived).
INHABITANTS_PER_DAY_VEHICLE = 27_000.0
# Night vehicles per daytime vehicle. Assumption (night demand is about half the daytime
# demand; see the ambulance hour-of-day profile in config/defaults.py).
NIGHT_VEHICLE_SHARE = 0.5
MAX_VEHICLES_PER_POST = 8

# --- rosters --------------------------------------------------------------------------
# An SEH's staff follows its expected visits: peak patients present = visits per minute x
# mean length of stay x peak factor, and slots are planned so that the peak uses at most
# TARGET_UTILISATION of them. sources: SAZ SEH DATA 2019 (mean length of stay 155.5 min;
# weekday census peak 11.4 at 16:00 against a daily mean of about 5.2 per hospital, so a
# peak factor of about 2.2); slots per physician and nurse, the utilisation target and the
# night factor are assumptions (the same as the demo pack).
SEH_LOS_MEAN_MINUTES = 155.5
DAY_PEAK_FACTOR = 2.2
NIGHT_PEAK_FACTOR = 1.1
TARGET_UTILISATION = 0.85
SLOTS_PER_PHYSICIAN = 4
SLOTS_PER_NURSE = 2
# Size classes by expected SEH visits a year (upper bound, roster sized at that bound).
# source of the range: Gaakeer et al., Int J Emerg Med 2018: 6,082-53,196 visits per SEH
# (mean 22,755). The class bounds are an assumption.
SEH_SIZE_CLASSES: tuple[tuple[str, float], ...] = (
    ("seh_small", 10_000.0),
    ("seh_medium", 20_000.0),
    ("seh_large", 30_000.0),
    ("seh_xl", 40_000.0),
    ("seh_xxl", 55_000.0),
    ("seh_xxxl", 80_000.0),
)
# Day-only SEHs (shifts 08:00-24:00; the SEH's own hours decide when it takes patients).
SEH_DAY_SIZE_CLASSES: tuple[tuple[str, float], ...] = (
    ("seh_day", 10_000.0),
    ("seh_day_medium", 20_000.0),
    ("seh_day_large", 30_000.0),
)
# GPs on a HAP shift: one per this many inhabitants served. Assumption: the demo pack's
# HAP (about 83,000 inhabitants: 2 GPs in the evening, 1 at night, 3 on weekend days) and
# the default demand (250 HAP contacts per 1,000 a year, 60% needing a GP for 15 minutes).
HAP_INHABITANTS_PER_GP: Mapping[str, float] = {
    "evening": 45_000.0,
    "night": 90_000.0,
    "weekend_day": 30_000.0,
}
DEMO_INHABITANTS_PER_HAP = 83_000.0
NO_SEH_ROSTER = "seh_small"  # a site without an SEH still names a roster; it is never used


# Two targets whose distances to a point differ by less than this share count as tied.
NEAREST_TIE_RTOL = 1e-9


def _nearest(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the nearest target of every point (straight line, RD metres).

    A k-d tree finds the two nearest targets of every point. Where their distances tie
    (within :data:`NEAREST_TIE_RTOL`: equidistant, or two targets at one spot) the point
    is settled by comparing squared distances to every target, and the lowest index wins
    among equals, as ``np.argmin`` would have it.
    """
    from scipy.spatial import cKDTree

    points = np.asarray(points, dtype=float)
    targets = np.asarray(targets, dtype=float)
    if len(targets) == 1 or len(points) == 0:
        return np.zeros(len(points), dtype=np.int64)
    dist, idx = cKDTree(targets).query(points, k=2)
    out: np.ndarray = idx[:, 0].astype(np.int64)
    tied = np.flatnonzero(dist[:, 1] - dist[:, 0] <= NEAREST_TIE_RTOL * dist[:, 1])
    for i in tied:
        d2 = (targets[:, 0] - points[i, 0]) ** 2 + (targets[:, 1] - points[i, 1]) ** 2
        out[i] = int(np.argmin(d2))
    return out


# --- sizing ---------------------------------------------------------------------------
def catchment_population(area_xy: np.ndarray, population: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Inhabitants nearest (straight line) to each point [persons]."""
    if len(xy) == 0:
        return np.zeros(0)
    nearest = _nearest(area_xy, xy)
    return np.bincount(nearest, weights=population.astype(float), minlength=len(xy))


def seh_roster_class(visits_per_year: float, seh: str) -> str:
    """Roster template for an SEH with this many expected visits a year [visits/yr]."""
    if seh == "none":
        return NO_SEH_ROSTER
    classes = SEH_DAY_SIZE_CLASSES if seh == "day" else SEH_SIZE_CLASSES
    for name, upper in classes:
        if visits_per_year < upper:
            return name
    return classes[-1][0]


def _staff(visits_per_year: float, factor: float) -> tuple[int, int]:
    """Physicians and nurses for a shift at this volume and peak factor [persons]."""
    present = visits_per_year / MINUTES_PER_YEAR * SEH_LOS_MEAN_MINUTES * factor
    slots = math.ceil(present / TARGET_UTILISATION)
    physicians = max(1, math.ceil(slots / SLOTS_PER_PHYSICIAN))
    nurses = max(2, math.ceil(slots / SLOTS_PER_NURSE))
    return physicians, nurses


def hap_staff(inhabitants_per_hap: float) -> dict[str, int]:
    """GPs per HAP shift for a HAP serving this many inhabitants [persons -> GPs]."""
    return {
        shift: max(1, math.ceil(inhabitants_per_hap / per_gp))
        for shift, per_gp in HAP_INHABITANTS_PER_GP.items()
    }


def roster_templates_toml(inhabitants_per_hap: float = DEMO_INHABITANTS_PER_HAP) -> str:
    """The roster templates of a built pack, as TOML text with the sizing rule in comments.

    One template per SEH size class (sized at the class's upper bound of visits a year),
    day-only templates by size (08:00-24:00 shifts; the SEH's own hours decide when it
    takes patients) and ``hap_default``, the HAP template of the demo pack with its GPs per shift
    scaled to ``inhabitants_per_hap`` [persons] (see :func:`hap_staff`).
    """
    lines = [
        "# SEH rosters sized by expected visits a year (see acutesim/packs/sizing.py):",
        "# staff per shift = ceil(visits / minutes per year x 155.5 min length of stay x peak",
        "# factor / 0.85) slots, 4 slots per physician and 2 per nurse, at least 1 physician",
        "# and 2 nurses. Peak factor 2.2 by day and in the evening, 1.1 at night (SAZ 2019",
        "# census; assumption for the night). Role rules as in the demo pack (assumption).",
        "",
    ]
    day_names = {name for name, _ in SEH_DAY_SIZE_CLASSES}
    lower = {"24/7": 0.0, "day": 0.0}
    for name, visits in (*SEH_SIZE_CLASSES, *SEH_DAY_SIZE_CLASSES):
        day_p, day_n = _staff(visits, DAY_PEAK_FACTOR)
        night_p, night_n = _staff(visits, NIGHT_PEAK_FACTOR)
        kind = "day" if name in day_names else "24/7"
        what = "Day-only SEH" if kind == "day" else "24/7 SEH"
        lines.append(f"# {what}, {lower[kind]:,.0f}-{visits:,.0f} visits a year.")
        lower[kind] = visits
        lines += [
            f"[{name}.roles.seh_physician]",
            f"slots_per_staff = {SLOTS_PER_PHYSICIAN}",
            "min_staff = 1",
            "vacancy_share = 0.0",
            "absence_probability = 0.01",
            "",
            f"[{name}.roles.seh_nurse]",
            f"slots_per_staff = {SLOTS_PER_NURSE}",
            f"min_staff = {2 if day_n >= 6 else 1}",
            "vacancy_share = 0.0",
            "absence_probability = 0.02",
            "",
        ]
        shifts = [("day", 8, day_p, day_n), ("evening", 16, day_p, day_n)]
        if kind == "24/7":
            shifts.append(("night", 0, night_p, night_n))
        for shift, start, p, nn in shifts:
            lines += [
                f"[[{name}.shifts]]",
                f'name = "{shift}"',
                f"start_hour = {start}",
                "hours = 8",
                f"staff = {{ seh_physician = {p}, seh_nurse = {nn} }}",
                "",
            ]
    gps = hap_staff(inhabitants_per_hap)
    lines += [
        "# HAP: weekday evenings and nights, all weekend (weekdays: 0 = Monday). GPs per shift",
        f"# for {inhabitants_per_hap:,.0f} inhabitants per HAP (one GP per 45,000 in the evening,",
        "# 90,000 at night and 30,000 on weekend days; assumption, the demo pack's ratios).",
        "[hap_default.roles.hap_gp]",
        "slots_per_staff = 1",
        "min_staff = 1",
        "vacancy_share = 0.0",
        "absence_probability = 0.02",
        "",
        "[[hap_default.shifts]]",
        'name = "evening"',
        "start_hour = 17",
        "hours = 7",
        f"staff = {{ hap_gp = {gps['evening']} }}",
        "",
        "[[hap_default.shifts]]",
        'name = "night"',
        "start_hour = 0",
        "hours = 8",
        f"staff = {{ hap_gp = {gps['night']} }}",
        "",
        "[[hap_default.shifts]]",
        'name = "weekend_day"',
        "start_hour = 8",
        "hours = 9",
        f"staff = {{ hap_gp = {gps['weekend_day']} }}",
        "weekdays = [5, 6]",
        "",
    ]
    return "\n".join(lines)


def size_sites(
    sites: pd.DataFrame, site_xy: np.ndarray, area_xy: np.ndarray, population: np.ndarray
) -> pd.DataFrame:
    """Add ``acute_beds`` and ``roster`` from each SEH's nearest-area population.

    Expected visits = catchment inhabitants x 105 per 1,000 a year (x 0.75 for a day-only
    SEH); see :func:`size_sites_from_visits`.
    """
    has_seh = (sites["seh"] != "none").to_numpy()
    visits = np.zeros(len(sites))
    if has_seh.any():
        catchment = catchment_population(area_xy, population, site_xy[has_seh])
        visits[has_seh] = catchment * SEH_VISITS_PER_1000_PER_YEAR / PER_THOUSAND
    visits = np.where(sites["seh"].to_numpy() == "day", visits * DAY_SEH_VISIT_SHARE, visits)
    return size_sites_from_visits(sites, visits)


def size_sites_from_visits(sites: pd.DataFrame, visits_per_year: np.ndarray) -> pd.DataFrame:
    """Add ``acute_beds`` and ``roster`` to sites from their expected visits [visits/yr].

    Beds: 4 per 1,000 visits (at least ``MIN_ACUTE_BEDS`` at an SEH); roster: the size
    class of the visits times ``ROSTER_HEADROOM``; sites without an SEH get 0 beds.
    """
    out = sites.copy()
    visits = np.asarray(visits_per_year, dtype=float)
    has_seh = (out["seh"] != "none").to_numpy()
    beds = np.round(visits * ACUTE_BEDS_PER_1000_VISITS / PER_THOUSAND)
    out["acute_beds"] = np.where(has_seh, np.maximum(beds, MIN_ACUTE_BEDS), 0).astype(int)
    out["roster"] = [
        seh_roster_class(v * ROSTER_HEADROOM, s) for v, s in zip(visits, out["seh"], strict=True)
    ]
    return out


def size_posts(
    posts: pd.DataFrame, post_xy: np.ndarray, area_xy: np.ndarray, population: np.ndarray
) -> pd.DataFrame:
    """Add vehicles per shift from each post's nearest-area population (24/7 posts first).

    Day and evening: catchment / 27,000 inhabitants per vehicle (RIVM referentiekader
    2020, derived), between 1 and 8; night: half of that (assumption), at least 1 at a
    24/7 post and 0 at a day post.
    """
    out = posts.copy()
    catchment = catchment_population(area_xy, population, post_xy)
    day = np.clip(np.round(catchment / INHABITANTS_PER_DAY_VEHICLE), 1, MAX_VEHICLES_PER_POST)
    night = np.maximum(1, np.round(day * NIGHT_VEHICLE_SHARE))
    night = np.where(out["availability"].to_numpy() == "24/7", night, 0)
    out["vehicles_day"] = day.astype(int)
    out["vehicles_evening"] = day.astype(int)
    out["vehicles_night"] = night.astype(int)
    return out
