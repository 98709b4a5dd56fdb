"""Builders of small in-memory regions, travel matrices and models for tests.

Everything here builds domain objects directly (no files), so a test states exactly the
capacity, demand and durations it needs: fixed or exponential durations are injected
through the region's parameters, never patched into the model.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import simpy

from acutesim.domain.calendar import Calendar
from acutesim.domain.distributions import Duration
from acutesim.domain.pathways import PathwayParameters
from acutesim.domain.region import (
    HAP,
    MTS_COLOURS,
    AmbulanceParameters,
    AmbulancePost,
    Area,
    DemandStream,
    HAPParameters,
    Organisation,
    Region,
    SEHParameters,
    Site,
    flat_profile,
)
from acutesim.domain.roster import RoleRule, RosterTemplate, ShiftTemplate
from acutesim.domain.scenario import Scenario
from acutesim.rng import RandomStreams
from acutesim.sim.model import Model, TravelMatrices
from acutesim.sim.recorder import PATIENT_COLUMNS
from acutesim.units import MINUTES_PER_YEAR, PER_THOUSAND, days

PROJECT = Path(__file__).resolve().parents[1]
DEMO = PROJECT / "regions" / "demo"
START_MONDAY = dt.date(2026, 1, 5)
ROUTES = ("ambulance", "hap", "gp", "self", "other")


# --- rosters ------------------------------------------------------------------------------
def constant_roster(name: str, slots: int) -> RosterTemplate:
    """One 24-hour shift every day with ``slots`` physicians, one slot each, no absence."""
    return RosterTemplate(
        name=name,
        shifts=(ShiftTemplate("all_day", 0.0, 24.0, {"seh_physician": slots}),),
        roles={"seh_physician": RoleRule(slots_per_staff=1.0, min_staff=1)},
    )


def shift_roster(
    name: str,
    *,
    day_staff: int = 3,
    night_staff: int = 1,
    slots_per_staff: float = 2.0,
    min_staff: int = 1,
    vacancy_share: float = 0.0,
    absence_probability: float = 0.0,
) -> RosterTemplate:
    """A day shift (08-20) and a night shift (20-08) with different staffing."""
    return RosterTemplate(
        name=name,
        shifts=(
            ShiftTemplate("day", 8.0, 12.0, {"seh_physician": day_staff}),
            ShiftTemplate("night", 20.0, 12.0, {"seh_physician": night_staff}),
        ),
        roles={
            "seh_physician": RoleRule(
                slots_per_staff=slots_per_staff,
                min_staff=min_staff,
                vacancy_share=vacancy_share,
                absence_probability=absence_probability,
            )
        },
    )


def hap_roster(name: str = "hap_tiny", gps: int = 2) -> RosterTemplate:
    """GPs on duty around the clock (the HAP's opening hours still apply)."""
    return RosterTemplate(
        name=name,
        shifts=(ShiftTemplate("all_day", 0.0, 24.0, {"hap_gp": gps}),),
        roles={"hap_gp": RoleRule(slots_per_staff=1.0, min_staff=1)},
    )


# --- demand -------------------------------------------------------------------------------
def rate_per_1000_per_year(per_minute: float, population: float) -> float:
    """The stream rate that gives ``per_minute`` arrivals in a region of ``population``."""
    return per_minute * MINUTES_PER_YEAR * PER_THOUSAND / population


def stream(
    name: str, route: str, per_minute: float, population: float, profile: Sequence[float] = ()
) -> DemandStream:
    """A demand stream with a flat profile (or the given one) and a rate per minute."""
    return DemandStream(
        name=name,
        route=route,  # type: ignore[arg-type]
        rate_per_1000_per_year=rate_per_1000_per_year(per_minute, population),
        profile=tuple(profile) if profile else flat_profile(),
    )


def one_colour(colour: str = "yellow") -> dict[str, float]:
    """An MTS mix where every patient gets ``colour``."""
    return {c: (1.0 if c == colour else 0.0) for c in MTS_COLOURS}


# --- region -------------------------------------------------------------------------------
# Pure queues for analytic tests: nobody leaves untreated, handoff needs a bay only, every
# ambulance class drives with siren and shares the fleet, every conveyed patient enters
# the SEH and the MTS colour follows the route's mix.
PURE_PATHWAYS = PathwayParameters(
    max_wait_for_treatment_minutes=math.inf,
    lwbs_colours=(),
    handoff_nurses_per_seh=math.inf,
    no_siren_travel_factor=1.0,
    seh_share_of_conveyed={"A1": 1.0, "A2": 1.0, "B": 1.0},
    b_ride_rule="shared",
    mts_shares_by_urgency={},
)


def tiny_region(
    *,
    n_sites: int = 1,
    slots: int | Sequence[int] = 5,
    rosters: Sequence[RosterTemplate] | None = None,
    beds: int | Sequence[int] = 1000,
    population: int = 100_000,
    n_areas: int | None = None,
    streams: Sequence[DemandStream] | None = None,
    walk_in_per_minute: float = 0.2,
    treatment: Duration | None = None,
    treatment_by_mts: dict[str, Duration] | None = None,
    mts_shares: dict[str, float] | None = None,
    triage: Duration | None = None,
    admission_share: float = 0.0,
    admission_extra_minutes: float = 0.0,
    ward_stay: Duration | None = None,
    bay_factor: float = 100.0,
    volmelding_on_share: float = 2.0,
    volmelding_off_share: float = 1.9,
    dispatch: Duration | None = None,
    on_scene: Duration | None = None,
    handover: Duration | None = None,
    urgency_shares: dict[str, float] | None = None,
    conveyance_share: float = 1.0,
    vehicles: int = 2,
    with_hap: bool = False,
    hap_consult: Duration | None = None,
    hap_referral_share: float = 0.1,
    hap_takes_self_referral_share: float = 0.0,
    day_only_last_site: bool = False,
    pathways: PathwayParameters | None = None,
) -> Region:
    """A small region built in memory: ``n_sites`` SEH sites, one post, optional HAP.

    Defaults describe a single M/M/5 pool: GP referrals arrive at 0.2 per minute (flat
    profile), all yellow, exponential treatment with mean 20 min, no triage time, no
    admissions, many bays, volmelding off and five constant staffed slots.

    Parameters
    ----------
    slots : int or sequence of int
        Constant staffed slots per site (ignored when ``rosters`` is given).
    rosters : sequence of RosterTemplate, optional
        One roster per site, overriding ``slots``.
    streams : sequence of DemandStream, optional
        Replaces the default single GP-referral stream.
    pathways : PathwayParameters, optional
        Pathway rules; by default :data:`PURE_PATHWAYS` (nobody leaves untreated,
        handoff by bays only, one ambulance class behaviour), so queues are pure.
    """
    n_areas = n_sites if n_areas is None else n_areas
    if rosters is None:
        per_site = [slots] * n_sites if isinstance(slots, int) else list(slots)
        rosters = [constant_roster(f"seh_r{i}", int(c)) for i, c in enumerate(per_site)]
    rosters = list(rosters)
    beds_per_site = [beds] * n_sites if isinstance(beds, int) else list(beds)
    sites = tuple(
        Site(
            site_id=f"s{i}",
            organisation=f"org{i}",
            name=f"Site {i}",
            x_m=150_000.0 + 20_000.0 * i,
            y_m=450_000.0,
            seh="day" if (day_only_last_site and i == n_sites - 1 and n_sites > 1) else "24/7",
            has_hap=with_hap and i == 0,
            has_av=False,
            acute_beds=int(beds_per_site[i]),
            roster=rosters[i].name,
            open_hour=8.0 if (day_only_last_site and i == n_sites - 1 and n_sites > 1) else 0.0,
            close_hour=23.0 if (day_only_last_site and i == n_sites - 1 and n_sites > 1) else 24.0,
        )
        for i in range(n_sites)
    )
    per_area = population // n_areas
    areas = tuple(
        Area(f"a{k}", f"Area {k}", per_area, 150_000.0 + 10_000.0 * k, 455_000.0)
        for k in range(n_areas)
    )
    total = per_area * n_areas
    if streams is None:
        streams = [stream("gp_referral", "gp", walk_in_per_minute, total)]
    treat = treatment if treatment is not None else Duration.exponential(20.0)
    shares = mts_shares if mts_shares is not None else one_colour("yellow")
    roster_map: dict[str, RosterTemplate] = {r.name: r for r in rosters}
    haps: tuple[HAP, ...] = ()
    if with_hap:
        hr = hap_roster()
        roster_map[hr.name] = hr
        haps = (HAP("s0", "HAP Site 0", sites[0].x_m, sites[0].y_m, hr.name, "s0"),)
    return Region(
        name="tiny",
        description="test region",
        calendar=Calendar(START_MONDAY),
        areas=areas,
        sites=sites,
        posts=(
            AmbulancePost(
                "p0",
                "Post 0",
                150_000.0,
                452_000.0,
                "24/7",
                {"day": vehicles, "evening": vehicles, "night": vehicles},
            ),
        ),
        haps=haps,
        ferries=(),
        organisations=tuple(
            Organisation(f"org{i}", f"Org {i}", (f"s{i}",)) for i in range(n_sites)
        ),
        rosters=roster_map,
        streams=tuple(streams),
        seh=SEHParameters(
            mts_shares_by_route={r: dict(shares) for r in ROUTES},
            treatment_by_mts=treatment_by_mts or dict.fromkeys(MTS_COLOURS, treat),
            admission_share_by_mts=dict.fromkeys(MTS_COLOURS, admission_share),
            admission_extra_treatment_minutes=admission_extra_minutes,
            triage=triage if triage is not None else Duration.fixed(0.0),
            ward_stay=ward_stay if ward_stay is not None else Duration.fixed(600.0),
            volmelding_on_share=volmelding_on_share,
            volmelding_off_share=volmelding_off_share,
            bay_factor=bay_factor,
            hap_takes_self_referral_share=hap_takes_self_referral_share,
            hap_self_referral_onward_share=0.2,
        ),
        ambulance=AmbulanceParameters(
            urgency_shares=urgency_shares or {"A1": 0.5, "A2": 0.3, "B": 0.2},
            dispatch_delay=dispatch if dispatch is not None else Duration.fixed(2.0),
            on_scene=on_scene if on_scene is not None else Duration.fixed(15.0),
            handover=handover if handover is not None else Duration.fixed(10.0),
            conveyance_share_by_urgency={
                "A1": conveyance_share,
                "A2": conveyance_share,
                "B": conveyance_share,
            },
        ),
        hap=HAPParameters(
            consult=hap_consult if hap_consult is not None else Duration.fixed(15.0),
            referral_share=hap_referral_share,
        ),
        pathways=pathways if pathways is not None else PURE_PATHWAYS,
    )


def tiny_travel(
    region: Region,
    *,
    post_area: float | np.ndarray = 8.0,
    area_site: float | np.ndarray | None = None,
    site_post: float | np.ndarray = 5.0,
    car_area_site: float | np.ndarray | None = None,
    car_area_hap: float | np.ndarray = 0.0,
) -> TravelMatrices:
    """Travel minutes for a tiny region: constants, or full matrices when given.

    By default area ``k`` is 10 minutes from site ``k`` (the nearest) and 10 minutes more
    from every further site; private cars take the same times.
    """
    n_areas, n_sites = len(region.areas), len(region.seh_sites)
    n_posts, n_haps = len(region.posts), len(region.haps)
    if area_site is None:
        k = np.arange(n_areas)[:, None] % max(n_sites, 1)
        area_site = 10.0 + 10.0 * np.abs(np.arange(n_sites)[None, :] - k)

    def full(value: float | np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        arr = np.broadcast_to(np.asarray(value, dtype=float), shape)
        return np.array(arr, dtype=float)

    amb_area_site = full(area_site, (n_areas, n_sites))
    return TravelMatrices(
        amb_post_area=full(post_area, (n_posts, n_areas)),
        amb_area_site=amb_area_site,
        amb_site_post=full(site_post, (n_sites, n_posts)),
        car_area_site=(
            amb_area_site.copy()
            if car_area_site is None
            else full(car_area_site, (n_areas, n_sites))
        ),
        car_area_hap=full(car_area_hap, (n_areas, n_haps)),
    )


# --- region pack copies ---------------------------------------------------------------
def copy_demo(tmp_path: Path, name: str = "pack") -> Path:
    dst = tmp_path / name
    shutil.copytree(DEMO, dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return dst


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def set_cell(path: Path, site_or_post_id: str, column: str, value: str) -> None:
    rows = read_rows(path)
    col = rows[0].index(column)
    for r in rows[1:]:
        if r[0] == site_or_post_id:
            r[col] = value
    write_rows(path, rows)


def drop_column(path: Path, column: str) -> None:
    rows = read_rows(path)
    col = rows[0].index(column)
    write_rows(path, [r[:col] + r[col + 1 :] for r in rows])


def make_bad_pack(tmp_path: Path) -> Path:
    """A bad seh value, a missing column, an unknown roster and a duplicate site_id."""
    pack = copy_demo(tmp_path, "bad")
    sites = pack / "sites.csv"
    set_cell(sites, "noord_hoofd", "seh", "daytime")  # row 1
    set_cell(sites, "centraal", "roster", "seh_huge")  # row 3
    set_cell(sites, "kust", "site_id", "noord_dag")  # row 4 duplicates row 2
    drop_column(pack / "ambulance_posts.csv", "vehicles_night")
    return pack


# --- running ------------------------------------------------------------------------------
class PatientRows:
    """A patient sink that keeps every row; ``frame()`` gives them as a DataFrame."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []

    def __call__(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(PATIENT_COLUMNS))


def build_model(
    region: Region,
    scenario: Scenario | None = None,
    *,
    horizon_days: float,
    warmup_days: float = 0.0,
    seed: int = 1,
    replication: int = 0,
    travel: TravelMatrices | None = None,
    sink: PatientRows | None = None,
) -> Model:
    """A :class:`Model` of a tiny region, not yet run."""
    return Model(
        region,
        scenario or Scenario("test"),
        RandomStreams(seed, replication),
        horizon_minutes=days(horizon_days),
        warmup_minutes=days(warmup_days),
        travel=travel if travel is not None else tiny_travel(region),
        patient_sink=sink,
    )


def run_stepwise(model: Model, check: Callable[[Model], None]) -> None:
    """Run a model through :meth:`Model.run`, calling ``check(model)`` after every event.

    Only the event loop is replaced: ``run_until(env, until)`` becomes a loop of
    ``env.step()`` over the same events (those before ``until``), so whatever
    ``Model.run`` starts and finishes stays as it is. ``test_sim_invariants`` checks that
    both loops give the same patients.
    """
    import acutesim.sim.model as model_module

    env = model.env

    def run_checked(_env: simpy.Environment, until: float) -> None:
        while env.peek() < until:
            env.step()
            check(model)
        env.run(until=until)

    saved = model_module.run_until
    model_module.run_until = run_checked  # type: ignore[assignment]
    try:
        model.run()
    finally:
        model_module.run_until = saved
