"""Build a region pack from open data: a population layer, a hospital list and ambulance posts.

Dutch open data come in a few recurring shapes: CBS population polygons (postcode-4,
municipalities, wijken and buurten, or 100 m grid cells) with an inhabitants column;
RIVM's list of hospital locations with yes/no columns for a 24/7 SEH, a day-and-evening
SEH and acute obstetrics; and RIVM's list of ambulance posts with their availability
("24 uur", "Dag/avond", ...). This module reads those files, maps their columns onto the
pack format of ``docs/formats.md``, detects islands (areas not connected to the
mainland) and gives them a ferry link, sizes rosters, beds and vehicles from the
population each site serves, writes the pack and checks that it loads.

Every input problem is collected and raised as one :class:`ConfigError` naming the
file, the column or row and what was expected, with a did-you-mean hint.
"""

from __future__ import annotations

import math
import os
import re
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from acutesim.errors import ConfigError, did_you_mean
from acutesim.units import MINUTES_PER_YEAR, PER_THOUSAND

if TYPE_CHECKING:
    import geopandas as gpd

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
# RD New is defined for the Netherlands; points far outside are almost surely swapped
# lon/lat or the wrong CRS (the same box as config/load.py).
RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)

# --- defaults, each with its source or marked as an assumption ---------------------------
# Areas closer than this to each other are taken as connected land; CBS PC4 polygons are
# simplified, which leaves gaps of a few metres between neighbours. Assumption.
DEFAULT_ISLAND_GAP_M = 100.0
# Crossing, boarding and the average wait for an ambulance on a ferry. Assumption: the
# Wadden ferries cross in 20-50 minutes (Texel 20, Ameland and Schiermonnikoog 45,
# Vlieland and Terschelling 45-90 by the normal boat; operators' timetables), and an
# urgent patient is often flown instead; a single default cannot be right for every
# island, so the build report lists the ferries and region.toml can be edited.
DEFAULT_CROSSING_MINUTES = 45.0
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
# source: VZinfo "Acute zorg: aanbod HAP" (RIVM 2020/2023): 72 of 80 24/7 SEHs have a HAP
# on the hospital site; without a HAP column every SEH site is given one.
HAP_ON_SEH_SITE_DEFAULT = True

# Column names tried, in order, when the user does not name one (case-insensitive).
AREA_ID_COLUMNS = (
    "area_id", "postcode", "pc4", "postcode4", "gemeentecode", "gm_code", "statcode",
    "buurtcode", "bu_code", "wijkcode", "wk_code", "crs28992res100m", "c28992r100", "id",
)  # fmt: skip
AREA_POPULATION_COLUMNS = (
    "population", "inwoners", "aantal_inwoners", "aantalinwoners", "aant_inw", "inwoner",
    "bevolking", "inw", "pop", "total_pop",
)  # fmt: skip
AREA_NAME_COLUMNS = (
    "name", "naam", "statnaam", "gemeentenaam", "gm_naam", "gemeente", "buurtnaam",
    "bu_naam", "wijknaam", "wk_naam", "plaats", "woonplaats",
)  # fmt: skip
LON_COLUMNS = ("lon", "lng", "longitude", "lengtegraad")
LAT_COLUMNS = ("lat", "latitude", "breedtegraad")
X_COLUMNS = ("x", "rd_x", "x_rd", "xcoord", "x_coord")
Y_COLUMNS = ("y", "rd_y", "y_rd", "ycoord", "y_coord")
# Sites: the RIVM list of SEH and acute obstetrics locations names its columns like this.
SITE_COLUMN_DEFAULTS: Mapping[str, tuple[str, ...]] = {
    "id": ("site_id",),
    "name": ("name", "locatie", "naam", "location"),
    "organisation": ("organisation", "organisatie", "organization", "ziekenhuis"),
    "town": ("plaats", "town", "city", "woonplaats"),
    "seh_24_7": ("seh_24_7", "seh24_7", "seh_24x7"),
    "seh_day": ("seh_dag_avond", "seh_day", "seh_dag"),
    "av": ("acute_verloskunde_24_7", "av", "acute_verloskunde"),
    "hap": ("hap", "huisartsenpost"),
    "lon": LON_COLUMNS,
    "lat": LAT_COLUMNS,
    "x": X_COLUMNS,
    "y": Y_COLUMNS,
}
POST_COLUMN_DEFAULTS: Mapping[str, tuple[str, ...]] = {
    "id": ("post_id", "id"),
    "name": ("name", "standplaats", "naam", "plaats"),
    "availability": ("availability", "beschikbaarheid"),
    "lon": LON_COLUMNS,
    "lat": LAT_COLUMNS,
    "x": X_COLUMNS,
    "y": Y_COLUMNS,
}
# Availability values of RIVM's post list and of the pack format. Other values (for
# example "24 uur DAM/VWS", dynamic standby points that RIVM leaves out of the norm,
# "Nacht", "Opkomst") are dropped and counted in the build report.
POSTS_24_7_VALUES = ("24 uur", "24/7", "24u", "24 h")
POSTS_DAY_VALUES = ("Dag/avond", "day", "dag")
SITE_CSV_COLUMNS = (
    "site_id", "organisation", "name", "lon", "lat", "seh", "hap", "av", "acute_beds", "roster",
)  # fmt: skip
TRUE_WORDS = frozenset({"1", "1.0", "true", "yes", "ja", "j", "y", "x", "waar"})
FALSE_WORDS = frozenset({"0", "0.0", "false", "no", "nee", "n", "", "nan", "onwaar"})

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


def slugify(text: str) -> str:
    """Turn a name into an id of lower-case letters, digits and underscores.

    ``"Zuyderland MC, Sittard-Geleen"`` becomes ``"zuyderland_mc_sittard_geleen"``;
    accents are dropped (``"Súdwest"`` -> ``"sudwest"``) and an empty result is ``"x"``.
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug or "x"


def unique_ids(ids: Iterable[str]) -> list[str]:
    """Make ids unique in order by appending ``_2``, ``_3``, ... to repeats."""
    seen: Counter[str] = Counter()
    taken: set[str] = set()
    out = []
    for ident in ids:
        seen[ident] += 1
        candidate = ident if seen[ident] == 1 else f"{ident}_{seen[ident]}"
        while candidate in taken:
            seen[ident] += 1
            candidate = f"{ident}_{seen[ident]}"
        taken.add(candidate)
        out.append(candidate)
    return out


# --- inputs and report ------------------------------------------------------------------
@dataclass(frozen=True)
class BuildInputs:
    """What ``acutesim region build`` reads and how it maps the columns.

    Parameters
    ----------
    areas, sites, posts : Path
        Population layer (GeoPackage, GeoJSON or Shapefile), hospital list CSV and
        ambulance post CSV.
    out : Path
        Folder to write the pack to.
    roads : Path, optional
        A road network (folder with nodes.parquet and edges.parquet, or a line layer):
        the pack gets ``[travel] model = "routed"`` and routed matrices cached in
        ``travel_matrices.parquet`` (see :mod:`acutesim.config.route`).
    limit_minutes : float, optional
        Dijkstra distance limit [min]; the routing default when omitted.
    access_only_classes : sequence of str, optional
        Road classes covered as access rather than routed; the national default
        (residential, living_street, service, unpaved) when omitted.
    area_id_column, population_column, name_column : str, optional
        Columns of the areas layer; found automatically when omitted.
    areas_layer : str, optional
        Layer of a multi-layer GeoPackage.
    site_columns, post_columns : mapping of role to column, or ``ROLE=COLUMN`` strings
        Column of each role (``name``, ``organisation``, ``seh_24_7``, ``seh_day``,
        ``av``, ``hap``, ``id``, ``lon``/``lat`` or ``x``/``y``; posts: ``id``,
        ``name``, ``availability``, coordinates); defaults follow the RIVM lists.
    site_filters : sequence of str
        ``COLUMN=VALUE`` filters; a row is kept when every column equals its value
        exactly (numbers compare as numbers, so ``1`` matches ``1.0``).
    post_availability : sequence of str
        Keep only posts whose availability is exactly one of these values and take
        them as 24/7 (e.g. ``"24 uur"``; ``"24 uur DAM/VWS"`` is then dropped). Empty:
        map RIVM's ``24 uur`` to 24/7 and ``Dag/avond`` to day, drop the rest.
    road_class_column, speed_column : str, optional
        Columns of the road file (found automatically by the road reader when omitted).
    name : str, optional
        Pack name; the output folder's name when omitted.
    sources : sequence of str
        Source lines (publisher, title, date) written to region.toml and README.md.
    crossing_minutes : float
        Crossing minutes of every detected ferry link [min].
    island_gap_m : float
        Areas closer than this are connected [m].
    fixed_links : sequence of str
        Area ids whose detected island is connected to the mainland by a bridge, dam or
        tunnel: their areas stay ``mainland``.
    force : bool
        Overwrite an existing pack in ``out``.
    """

    areas: Path
    sites: Path
    posts: Path
    out: Path
    roads: Path | None = None
    limit_minutes: float | None = None
    access_only_classes: Sequence[str] | None = None
    area_id_column: str | None = None
    population_column: str | None = None
    name_column: str | None = None
    areas_layer: str | None = None
    site_columns: Mapping[str, str] | Sequence[str] = field(default_factory=dict)
    post_columns: Mapping[str, str] | Sequence[str] = field(default_factory=dict)
    site_filters: Sequence[str] = ()
    post_availability: Sequence[str] = ()
    road_class_column: str | None = None
    speed_column: str | None = None
    name: str | None = None
    sources: Sequence[str] = ()
    crossing_minutes: float = DEFAULT_CROSSING_MINUTES
    island_gap_m: float = DEFAULT_ISLAND_GAP_M
    fixed_links: Sequence[str] = ()
    force: bool = False


@dataclass
class Island:
    """An island zone found in the areas, with its ferry link (RD New metres)."""

    zone: str
    n_areas: int
    population: int
    terminal_xy: tuple[float, float]
    port_xy: tuple[float, float]
    crossing_minutes: float


@dataclass
class BuildReport:
    """What the build read, kept, dropped and wrote, for the user to check.

    Counts are rows [-]; populations are persons; ``seconds`` is wall time [s].
    """

    out: Path
    n_areas_read: int = 0
    n_areas_dropped_missing_population: int = 0
    n_areas_dropped_negative_population: int = 0
    n_areas_dropped_empty_geometry: int = 0
    n_areas_zero_population: int = 0
    n_areas: int = 0
    population: int = 0
    geometry_kind: str = ""
    area_columns: dict[str, str] = field(default_factory=dict)
    n_sites_read: int = 0
    n_sites_filtered_out: int = 0
    site_columns: dict[str, str] = field(default_factory=dict)
    n_seh_24_7: int = 0
    n_seh_day: int = 0
    n_av: int = 0
    roster_counts: dict[str, int] = field(default_factory=dict)
    n_posts_read: int = 0
    posts_dropped_by_value: dict[str, int] = field(default_factory=dict)
    n_posts_24_7: int = 0
    n_posts_day: int = 0
    post_columns: dict[str, str] = field(default_factory=dict)
    islands: list[Island] = field(default_factory=list)
    island_note: str = ""
    roads: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_text(self) -> str:
        """The report as lines for people (also written to the pack's README.md)."""
        a = self.area_columns
        lines = [
            f"areas: {self.n_areas_read:,} read, {self.n_areas:,} kept "
            f"({self.geometry_kind}; id '{a.get('id')}', population '{a.get('population')}', "
            f"name '{a.get('name', a.get('id'))}'), {self.population:,} inhabitants",
        ]
        dropped = (
            (self.n_areas_dropped_missing_population, "with a missing population (NaN)"),
            (self.n_areas_dropped_negative_population, "with a negative population (CBS code)"),
            (self.n_areas_dropped_empty_geometry, "with an empty geometry"),
        )
        lines += [f"  dropped {_count(n, 'area')} {why}" for n, why in dropped if n]
        if self.n_areas_zero_population:
            lines.append(f"  kept {_count(self.n_areas_zero_population, 'area')} with population 0")
        lines.append(
            f"sites: {self.n_sites_read} read, {self.n_sites_read - self.n_sites_filtered_out} "
            f"kept: {self.n_seh_24_7} SEH 24/7, {self.n_seh_day} SEH day, {self.n_av} with "
            f"acute obstetrics; rosters "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.roster_counts.items()))
        )
        if self.n_sites_filtered_out:
            lines.append(f"  {self.n_sites_filtered_out} rows left out by the filter")
        lines.append(
            f"ambulance posts: {self.n_posts_read} read, {self.n_posts_24_7} kept as 24/7, "
            f"{self.n_posts_day} as day"
        )
        lines += [
            f"  dropped {_count(n, 'post')} with availability {v!r}"
            for v, n in sorted(self.posts_dropped_by_value.items())
        ]
        if self.islands:
            lines.append(f"islands: {len(self.islands)} zones reached by ferry")
            lines += [
                f"  {i.zone}: {_count(i.n_areas, 'area')}, {i.population:,} inhabitants, crossing "
                f"{i.crossing_minutes:g} min (assumption; edit region.toml [[ferries]])"
                for i in self.islands
            ]
        elif self.island_note:
            lines.append(f"islands: {self.island_note}")
        if self.roads:
            lines.append(f"roads: {self.roads}")
        lines += self.notes
        lines.append(f"built in {self.seconds:.1f} s: {self.out}")
        return "\n".join(lines)


# --- helpers --------------------------------------------------------------------------
def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _find_column(
    columns: Sequence[str],
    explicit: str | None,
    candidates: Sequence[str],
    *,
    where: str,
    role: str,
    option: str,
    problems: list[str],
    required: bool = True,
) -> str | None:
    """Return the column for a role: the one named, or the first candidate present."""
    shown = ", ".join(str(c) for c in columns if c != "geometry")
    if explicit:
        if explicit in columns:
            return explicit
        lowered = {str(c).lower(): str(c) for c in columns}
        if explicit.lower() in lowered:
            return lowered[explicit.lower()]
        problems.append(
            f"{where}: missing column '{explicit}' ({option}){did_you_mean(explicit, columns)} "
            f"(columns found: {shown})"
        )
        return None
    lowered = {str(c).lower(): str(c) for c in columns}
    for cand in candidates:
        if cand.lower() in lowered:
            return lowered[cand.lower()]
    if required:
        problems.append(
            f"{where}: no column for the {role} (looked for {', '.join(candidates)}); name "
            f"it with {option} (columns found: {shown})"
        )
    return None


def _read_csv(path: Path, what: str, problems: list[str]) -> pd.DataFrame | None:
    """Read a CSV with a comma, semicolon or tab separator as strings."""
    if not path.exists():
        problems.append(f"{path.name}: {what} file not found at '{path}'")
        return None
    if path.is_dir():
        problems.append(f"{path.name}: '{path}' is a folder, not a {what} CSV file")
        return None
    last: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with path.open(encoding=encoding) as fh:
                header = fh.readline()
            sep = max((",", ";", "\t"), key=header.count)
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError as exc:
            last = exc
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            problems.append(f"{path.name}: cannot be read as a {what} CSV file: {exc}")
            return None
        frame.columns = [str(c).strip() for c in frame.columns]
        if frame.empty:
            problems.append(f"{path.name}: the {what} file has a header but no rows")
            return None
        return frame
    problems.append(f"{path.name}: cannot be read as text (UTF-8 or Windows-1252): {last}")
    return None


def _as_float(values: pd.Series) -> pd.Series:
    """Numbers from strings; a decimal comma is accepted (``"5,12"`` -> 5.12)."""
    text = values.astype(str).str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def _flag(values: pd.Series, where: str, column: str, problems: list[str]) -> np.ndarray:
    """Yes/no column to booleans; anything else is a located problem."""
    text = values.astype(str).str.strip().str.lower()
    bad = ~text.isin(TRUE_WORDS | FALSE_WORDS)
    for i in np.flatnonzero(bad.to_numpy())[:5]:
        problems.append(
            f"{where} row {i + 1}, column '{column}': {values.iloc[i]!r} is not a yes/no "
            "value (1/0, true/false, ja/nee)"
        )
    return np.asarray(text.isin(TRUE_WORDS).to_numpy(), dtype=bool)


def _points_rd(
    frame: pd.DataFrame,
    cols: Mapping[str, str | None],
    where: str,
    option: str,
    problems: list[str],
) -> np.ndarray:
    """RD New x/y [m] of the rows, from lon/lat (WGS84) or x/y (RD New) columns."""
    from pyproj import Transformer

    n = len(frame)
    if cols.get("lon") and cols.get("lat"):
        a, b = _as_float(frame[cols["lon"]]), _as_float(frame[cols["lat"]])
        kind = "lonlat"
    elif cols.get("x") and cols.get("y"):
        a, b = _as_float(frame[cols["x"]]), _as_float(frame[cols["y"]])
        kind = "rd"
    else:
        problems.append(
            f"{where}: needs columns for lon and lat (WGS84) or x and y (EPSG:28992); name "
            f"them with {option} lon=COLUMN {option} lat=COLUMN (columns found: "
            f"{', '.join(frame.columns)})"
        )
        return np.full((n, 2), np.nan)
    bad = a.isna() | b.isna()
    for i in np.flatnonzero(bad.to_numpy())[:5]:
        problems.append(f"{where} row {i + 1}: coordinates {a.iloc[i]!r}, {b.iloc[i]!r} missing")
    if kind == "lonlat":
        if bool(((a.abs() > 180) | (b.abs() > 90)).any()):
            problems.append(
                f"{where}: lon/lat values beyond 180/90 degrees; are these RD x/y metres? "
                f"name them with {option} x=COLUMN {option} y=COLUMN"
            )
            return np.full((n, 2), np.nan)
        tf = Transformer.from_crs(WGS84, RD_NEW, always_xy=True)
        x, y = tf.transform(a.to_numpy(dtype=float), b.to_numpy(dtype=float))
        xy = np.column_stack([x, y])
    else:
        xy = np.column_stack([a.to_numpy(dtype=float), b.to_numpy(dtype=float)])
    x0, y0, x1, y1 = RD_BOUNDS
    outside = ~bad.to_numpy() & ~(
        (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    )
    for i in np.flatnonzero(outside)[:5]:
        problems.append(
            f"{where} row {i + 1}: position ({xy[i, 0]:.0f}, {xy[i, 1]:.0f}) m lies outside "
            "the Netherlands in EPSG:28992; are lon and lat swapped?"
        )
    return np.asarray(xy, dtype=float)


def _nearest(points: np.ndarray, targets: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Index of the nearest target of every point (straight line, RD metres)."""
    out = np.zeros(len(points), dtype=np.int64)
    for start in range(0, len(points), chunk):
        p = points[start : start + chunk]
        d2 = (p[:, 0, None] - targets[None, :, 0]) ** 2 + (p[:, 1, None] - targets[None, :, 1]) ** 2
        out[start : start + chunk] = np.argmin(d2, axis=1)
    return out


def _parse_filters(
    filters: Sequence[str], where: str, problems: list[str]
) -> list[tuple[str, str]]:
    out = []
    for f in filters:
        if "=" not in f:
            problems.append(f"{where}: filter {f!r} must look like COLUMN=VALUE (e.g. seh_24_7=1)")
            continue
        col, value = f.split("=", 1)
        out.append((col.strip(), value.strip()))
    return out


def column_map(
    value: Mapping[str, str] | Sequence[str], option: str, problems: list[str]
) -> dict[str, str]:
    """Role -> column from a mapping or from ``ROLE=COLUMN`` strings (a bad one is a problem)."""
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    out: dict[str, str] = {}
    for item in value:
        role, sep, column = str(item).partition("=")
        if not sep or not role.strip() or not column.strip():
            problems.append(f"{option} {item!r}: expected ROLE=COLUMN (e.g. name=locatie)")
            continue
        out[role.strip()] = column.strip()
    return out


def _equals(values: pd.Series, wanted: str) -> np.ndarray:
    """Exact match after trimming spaces; numbers compare as numbers (1 == 1.0)."""
    text = values.astype(str).str.strip()
    match = (text == wanted).to_numpy()
    try:
        number = float(wanted.replace(",", "."))
    except ValueError:
        return np.asarray(match, dtype=bool)
    numeric = _as_float(values).to_numpy(dtype=float)
    return np.asarray(match | (numeric == number), dtype=bool)


# --- areas ----------------------------------------------------------------------------
def read_population_layer(
    inputs: BuildInputs, report: BuildReport, problems: list[str]
) -> gpd.GeoDataFrame | None:
    """Read the areas layer into EPSG:28992 with ``area_id``, ``name``, ``population``.

    Rows with a missing (NaN) population are dropped and counted; so are rows with a
    negative one (CBS marks suppressed small counts with codes such as -99997) and rows
    with an empty geometry. Rows with population 0 are kept.

    Returns
    -------
    GeoDataFrame or None
        None when a problem was added to ``problems``.
    """
    import geopandas as gpd

    path = inputs.areas
    name = path.name
    if not path.exists():
        problems.append(f"{name}: areas file not found at '{path}'")
        return None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gdf = gpd.read_file(path, layer=inputs.areas_layer)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        problems.append(
            f"{name}: cannot be read as a vector layer (GeoPackage, GeoJSON, Shapefile): {exc}"
        )
        return None
    report.notes += [f"note: reading {name}: {w.message}" for w in caught]
    if gdf.crs is None:
        problems.append(
            f"{name}: has no CRS; write the layer with its CRS (EPSG:28992 or EPSG:4326), for "
            "a Shapefile the .prj file next to it"
        )
        return None
    if len(gdf) == 0:
        problems.append(f"{name}: the layer has no features")
        return None
    cols = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    where = name
    id_col = _find_column(
        cols, inputs.area_id_column, AREA_ID_COLUMNS, where=where, role="area id",
        option="--id-column", problems=problems,
    )  # fmt: skip
    pop_col = _find_column(
        cols, inputs.population_column, AREA_POPULATION_COLUMNS, where=where,
        role="population", option="--population-column", problems=problems,
    )  # fmt: skip
    name_col = _find_column(
        cols, inputs.name_column, AREA_NAME_COLUMNS, where=where, role="name",
        option="--name-column", problems=problems, required=False,
    )  # fmt: skip
    if id_col is None or pop_col is None:
        return None
    report.n_areas_read = len(gdf)
    pop = pd.to_numeric(gdf[pop_col], errors="coerce")
    empty = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    missing = pop.isna().to_numpy()
    negative = (pop.fillna(0) < 0).to_numpy()
    report.n_areas_dropped_empty_geometry = int(empty.sum())
    report.n_areas_dropped_missing_population = int((missing & ~empty).sum())
    report.n_areas_dropped_negative_population = int((negative & ~empty).sum())
    keep = ~(empty | missing | negative)
    gdf = gdf.loc[keep].copy()
    pop = pop[keep]
    ids = gdf[id_col].astype(str).str.strip()
    # numeric ids read from a GeoPackage come as floats ("1011.0"): keep them integral
    ids = ids.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        shown = ", ".join(repr(v) for v in sorted(set(ids[dup]))[:5])
        problems.append(
            f"{name}, column '{id_col}': {int(dup.sum())} rows share an id ({shown}); ids must "
            "be unique (dissolve multi-part areas first or name another --id-column)"
        )
        return None
    names = gdf[name_col].astype(str).str.strip() if name_col else ids
    out = gpd.GeoDataFrame(
        {
            "area_id": ids.to_numpy(),
            "name": names.to_numpy(),
            "population": pop.round().astype(np.int64).to_numpy(),
        },
        geometry=gdf.geometry.to_numpy(),
        crs=gdf.crs,
    ).to_crs(RD_NEW)
    report.n_areas = len(out)
    report.population = int(out["population"].sum())
    report.n_areas_zero_population = int((out["population"] == 0).sum())
    kinds = set(out.geometry.geom_type)
    report.geometry_kind = "polygons" if kinds <= {"Polygon", "MultiPolygon"} else "points"
    if not kinds <= {"Polygon", "MultiPolygon", "Point", "MultiPoint"}:
        problems.append(f"{name}: geometry types {sorted(kinds)}; areas must be polygons or points")
        return None
    report.area_columns = {"id": id_col, "population": pop_col}
    if name_col:
        report.area_columns["name"] = name_col
    return out


def detect_islands(
    areas: gpd.GeoDataFrame,
    *,
    gap_m: float = DEFAULT_ISLAND_GAP_M,
    crossing_minutes: float = DEFAULT_CROSSING_MINUTES,
    fixed_links: Sequence[str] = (),
) -> tuple[np.ndarray, list[Island]]:
    """Find inhabited land not connected to the mainland, and a ferry link for each.

    Polygons closer than ``gap_m`` to each other are connected; the connected group with
    the largest land area is the mainland. Every other group with inhabitants becomes an
    island zone named after its most populous area (``island_<name>``); uninhabited
    groups stay ``mainland`` (they generate no demand). The ferry's mainland terminal
    and island port are the nearest points between the island and the mainland.

    Parameters
    ----------
    areas : GeoDataFrame
        Polygons in EPSG:28992 with ``area_id``, ``name`` and ``population``.
    gap_m : float
        Gap bridged between neighbouring polygons [m].
    crossing_minutes : float
        Crossing time given to every ferry [min]; see ``DEFAULT_CROSSING_MINUTES``.
    fixed_links : sequence of str
        Area ids whose group is joined to the mainland (a bridge, dam or tunnel).

    Returns
    -------
    zones : ndarray of str
        Zone per area, in row order.
    islands : list of Island
        The island zones with their ferry ends [m].
    """
    import shapely
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(areas)
    zones = np.full(n, "mainland", dtype=object)
    if n == 0:
        return zones, []
    geoms = shapely.make_valid(areas.geometry.to_numpy())
    tree = shapely.STRtree(geoms)
    i, j = tree.query(shapely.buffer(geoms, gap_m / 2.0), predicate="intersects")
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    n_parts, label = connected_components(graph, directed=False)
    if n_parts == 1:
        return zones, []
    area_m2 = shapely.area(geoms)
    land = np.bincount(label, weights=area_m2, minlength=n_parts)
    people = np.bincount(label, weights=areas["population"].to_numpy(float), minlength=n_parts)
    main = int(np.argmax(land))
    ids = areas["area_id"].astype(str).to_numpy()
    joined = {int(label[k]) for k in np.flatnonzero(np.isin(ids, list(fixed_links)))}
    main_idx = np.flatnonzero((label == main) | np.isin(label, list(joined)))
    main_tree = shapely.STRtree(geoms[main_idx])
    islands: list[Island] = []
    taken: set[str] = {"mainland"}
    # islands in order of decreasing population, so that names and ids are stable
    for part in sorted(range(n_parts), key=lambda p: (-people[p], p)):
        if part == main or part in joined or people[part] <= 0:
            continue
        members = np.flatnonzero(label == part)
        top = members[np.argmax(areas["population"].to_numpy()[members])]
        zone = f"island_{slugify(str(areas['name'].iloc[top]))}"
        while zone in taken:
            zone += "_2"
        taken.add(zone)
        zones[members] = zone
        island_geom = shapely.union_all(geoms[members])
        near = main_idx[main_tree.nearest(island_geom)]
        port, terminal = shapely.ops.nearest_points(island_geom, geoms[near])
        islands.append(
            Island(
                zone=zone,
                n_areas=len(members),
                population=int(people[part]),
                terminal_xy=(float(terminal.x), float(terminal.y)),
                port_xy=(float(port.x), float(port.y)),
                crossing_minutes=float(crossing_minutes),
            )
        )
    return zones, islands


# --- sites ----------------------------------------------------------------------------
@dataclass
class _Sites:
    frame: pd.DataFrame
    xy: np.ndarray
    org_names: dict[str, str]


def read_hospital_list(
    inputs: BuildInputs, report: BuildReport, problems: list[str]
) -> _Sites | None:
    """Read the hospital list CSV into ``sites.csv`` rows (without rosters and beds).

    The RIVM list has ``organisatie``, ``locatie``, ``plaats``, ``seh_24_7``,
    ``seh_dag_avond``, ``acute_verloskunde_24_7``, ``lon`` and ``lat``; other lists are
    mapped with ``site_columns``. A row with neither SEH flag becomes ``seh = none``.
    """
    path = inputs.sites
    frame = _read_csv(path, "hospital list", problems)
    if frame is None:
        return None
    where = path.name
    n_before = len(problems)
    mapping = column_map(inputs.site_columns, "--sites-column", problems)
    unknown_roles = set(mapping) - set(SITE_COLUMN_DEFAULTS)
    for role in sorted(unknown_roles):
        problems.append(
            f"--sites-column {role}=...: unknown role {role!r}"
            f"{did_you_mean(role, SITE_COLUMN_DEFAULTS)} "
            f"(roles: {', '.join(SITE_COLUMN_DEFAULTS)})"
        )
    cols: dict[str, str | None] = {}
    required = {"name", "seh_24_7"}
    for role, candidates in SITE_COLUMN_DEFAULTS.items():
        cols[role] = _find_column(
            list(frame.columns), mapping.get(role), candidates, where=where,
            role=role.replace("_", " "), option=f"--sites-column {role}=COLUMN",
            problems=problems, required=role in required,
        )  # fmt: skip
    filters = _parse_filters(inputs.site_filters, f"{where} --sites-filter", problems)
    keep = np.ones(len(frame), dtype=bool)
    for col, value in filters:
        if col not in frame.columns:
            problems.append(
                f"{where}: --sites-filter {col}={value}: no column '{col}'"
                f"{did_you_mean(col, frame.columns)} (columns found: {', '.join(frame.columns)})"
            )
            continue
        keep &= _equals(frame[col], value)
    if len(problems) > n_before:
        return None
    report.n_sites_read = len(frame)
    report.n_sites_filtered_out = int((~keep).sum())
    if not keep.any():
        problems.append(
            f"{where}: no rows left after the filter(s) {', '.join(inputs.site_filters)}"
        )
        return None
    frame = frame.loc[keep].reset_index(drop=True)
    xy = _points_rd(frame, cols, where, "--sites-column", problems)
    seh24 = _flag(frame[cols["seh_24_7"]], where, str(cols["seh_24_7"]), problems)
    sehday = (
        _flag(frame[cols["seh_day"]], where, cols["seh_day"], problems)
        if cols["seh_day"]
        else np.zeros(len(frame), dtype=bool)
    )
    av = (
        _flag(frame[cols["av"]], where, cols["av"], problems)
        if cols["av"]
        else np.zeros(len(frame), dtype=bool)
    )
    seh = np.where(seh24, "24/7", np.where(sehday, "day", "none"))
    if cols["hap"]:
        hap = _flag(frame[cols["hap"]], where, cols["hap"], problems)
    else:
        hap = (seh != "none") & HAP_ON_SEH_SITE_DEFAULT
        report.notes.append(
            "assumption: no HAP column, so every SEH site has a HAP on site (VZinfo: 72 of "
            "80 24/7 SEHs had one in 2020)"
        )
    names = frame[cols["name"]].astype(str).str.strip()
    org_col = cols["organisation"]
    orgs = frame[org_col].astype(str).str.strip() if org_col else names
    if cols["id"]:
        raw_ids = frame[cols["id"]].astype(str).str.strip()
        bad = ~raw_ids.str.fullmatch(r"[a-z0-9_]+")
        for i in np.flatnonzero(bad.to_numpy())[:5]:
            report.notes.append(f"note: site id {raw_ids.iloc[i]!r} rewritten as an id")
        ids = unique_ids(slugify(v) for v in raw_ids)
    else:
        ids = unique_ids(slugify(v) for v in names)
    org_ids = [slugify(o) for o in orgs]
    org_names = dict(zip(org_ids, orgs, strict=True))
    out = pd.DataFrame(
        {
            "site_id": ids,
            "organisation": org_ids,
            "name": names.to_numpy(),
            "seh": seh,
            "hap": np.where(hap, "true", "false"),
            "av": np.where(av, "true", "false"),
        }
    )
    report.site_columns = {k: v for k, v in cols.items() if v}
    report.n_seh_24_7 = int((seh == "24/7").sum())
    report.n_seh_day = int((seh == "day").sum())
    report.n_av = int(av.sum())
    return _Sites(out, xy, org_names)


# --- posts ----------------------------------------------------------------------------
def read_post_list(
    inputs: BuildInputs, report: BuildReport, problems: list[str]
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Read the ambulance post CSV into ``ambulance_posts.csv`` rows (without vehicles).

    With ``post_availability`` only rows whose availability equals one of the values
    exactly are kept, as 24/7 posts; otherwise RIVM's values are mapped (``24 uur`` to
    24/7, ``Dag/avond`` to day) and every other value is dropped and counted.
    """
    path = inputs.posts
    frame = _read_csv(path, "ambulance post", problems)
    if frame is None:
        return None
    where = path.name
    n_before = len(problems)
    mapping = column_map(inputs.post_columns, "--posts-column", problems)
    for role in sorted(set(mapping) - set(POST_COLUMN_DEFAULTS)):
        problems.append(
            f"--posts-column {role}=...: unknown role {role!r}"
            f"{did_you_mean(role, POST_COLUMN_DEFAULTS)} "
            f"(roles: {', '.join(POST_COLUMN_DEFAULTS)})"
        )
    cols: dict[str, str | None] = {}
    for role, candidates in POST_COLUMN_DEFAULTS.items():
        cols[role] = _find_column(
            list(frame.columns), mapping.get(role), candidates, where=where,
            role=role, option=f"--posts-column {role}=COLUMN", problems=problems,
            required=role in ("name", "availability"),
        )  # fmt: skip
    if len(problems) > n_before:
        return None
    report.n_posts_read = len(frame)
    value = frame[cols["availability"]].astype(str).str.strip()
    if inputs.post_availability:
        wanted = [v.strip() for v in inputs.post_availability]
        is247 = value.isin(wanted).to_numpy()
        isday = np.zeros(len(frame), dtype=bool)
        if not is247.any():
            seen = sorted(set(value))
            problems.append(
                f"{where}, column '{cols['availability']}': no row has availability "
                f"{' or '.join(repr(w) for w in wanted)}{did_you_mean(wanted[0], seen)} "
                f"(values found: {', '.join(repr(s) for s in seen[:10])})"
            )
            return None
    else:
        is247 = value.str.lower().isin([v.lower() for v in POSTS_24_7_VALUES]).to_numpy()
        isday = value.str.lower().isin([v.lower() for v in POSTS_DAY_VALUES]).to_numpy()
    keep = is247 | isday
    report.posts_dropped_by_value = dict(Counter(value[~keep]))
    if not keep.any():
        problems.append(f"{where}: no ambulance post left after selecting by availability")
        return None
    frame = frame.loc[keep].reset_index(drop=True)
    xy = _points_rd(frame, cols, where, "--posts-column", problems)
    names = frame[cols["name"]].astype(str).str.strip()
    if cols["id"]:
        raw = frame[cols["id"]].astype(str).str.strip()
        raw = raw.str.replace(r"[^A-Za-z0-9_\-.]+", "_", regex=True)
        ids = unique_ids(raw)
    else:
        ids = unique_ids(slugify(v) for v in names)
    out = pd.DataFrame(
        {
            "post_id": ids,
            "name": names.to_numpy(),
            "availability": np.where(is247[keep], "24/7", "day"),
        }
    )
    report.post_columns = {k: v for k, v in cols.items() if v}
    report.n_posts_24_7 = int((out["availability"] == "24/7").sum())
    report.n_posts_day = int((out["availability"] == "day").sum())
    return out, xy


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
        "# SEH rosters sized by expected visits a year (see acutesim/config/build.py):",
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


# --- writing --------------------------------------------------------------------------
def toml_value(value: Any) -> str:
    """A Python value as TOML text (strings, numbers, booleans, lists, inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML has no {value!r}")
        return repr(round(value, 6))
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else toml_value(key)


def _region_toml(
    name: str,
    description: str,
    sources: Sequence[str],
    files: Mapping[str, str],
    travel: Mapping[str, Any],
    islands: Sequence[Island],
    organisations: Mapping[str, str],
) -> str:
    lines = [
        f"name = {toml_value(name)}",
        f"description = {toml_value(description)}",
        "sources = [",
        *[f"    {toml_value(s)}," for s in sources],
        "]",
        "",
        "[files]",
        *[f"{k} = {toml_value(v)}" for k, v in files.items()],
        "",
        "[travel]",
        *[f"{k} = {toml_value(v)}" for k, v in travel.items()],
        "",
    ]
    for isl in islands:
        lines += [
            "[[ferries]]",
            f"zone = {toml_value(isl.zone)}",
            f"name = {toml_value(isl.zone.removeprefix('island_') + ' ferry')}",
            f"terminal_x = {isl.terminal_xy[0]:.0f}",
            f"terminal_y = {isl.terminal_xy[1]:.0f}",
            f"port_x = {isl.port_xy[0]:.0f}",
            f"port_y = {isl.port_xy[1]:.0f}",
            f"crossing_minutes = {toml_value(isl.crossing_minutes)}",
            'source = "assumption: acutesim region build default; ends at the nearest points"',
            "",
        ]
    for org_id, org_name in organisations.items():
        lines += [f"[organisations.{_key(org_id)}]", f"name = {toml_value(org_name)}", ""]
    return "\n".join(lines)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6f")


def _lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    tf = Transformer.from_crs(RD_NEW, WGS84, always_xy=True)
    lon, lat = tf.transform(xy[:, 0], xy[:, 1])
    return np.round(lon, 6), np.round(lat, 6)


def _prepare_out(out: Path, force: bool, problems: list[str]) -> None:
    if out.exists() and not out.is_dir():
        problems.append(f"--out '{out}' is a file, not a folder")
    elif (out / "region.toml").exists() and not force:
        problems.append(f"--out '{out}' already holds a region pack; pass --force to overwrite it")


def build_region_pack(inputs: BuildInputs) -> BuildReport:
    """Turn a population layer, a hospital list and an ambulance post list into a pack.

    Parameters
    ----------
    inputs : BuildInputs
        Files, column mapping, filters and options.

    Returns
    -------
    BuildReport
        Counts read, kept and dropped, islands found and the build time [s].

    Raises
    ------
    ConfigError
        Every problem with the inputs, one per line (missing file or column with a
        did-you-mean hint, unreadable file, layer without CRS, bad values), or a
        problem of the written pack when it does not validate.
    """
    t0 = time.perf_counter()
    out = Path(inputs.out)
    report = BuildReport(out=out)
    problems: list[str] = []
    subject = "region build"
    _prepare_out(out, inputs.force, problems)
    if not (inputs.crossing_minutes >= 0 and math.isfinite(inputs.crossing_minutes)):
        problems.append(f"--crossing-minutes must be >= 0, got {inputs.crossing_minutes!r}")
    areas = read_population_layer(inputs, report, problems)
    sites = read_hospital_list(inputs, report, problems)
    posts = read_post_list(inputs, report, problems)
    roads_network = None
    if inputs.roads is not None:
        roads_network = _check_roads(inputs, problems)
    if problems or areas is None or sites is None or posts is None:
        raise ConfigError(subject, problems)
    if report.n_seh_24_7 + report.n_seh_day == 0:
        raise ConfigError(subject, [f"{inputs.sites.name}: no row has an SEH (24/7 or day)"])

    unknown_links = sorted(set(inputs.fixed_links) - set(areas["area_id"]))
    if unknown_links:
        raise ConfigError(
            subject,
            [
                f"--fixed-link {a!r}: no such area id{did_you_mean(a, areas['area_id'])}"
                for a in unknown_links
            ],
        )
    if report.geometry_kind == "polygons":
        zones, islands = detect_islands(
            areas,
            gap_m=inputs.island_gap_m,
            crossing_minutes=inputs.crossing_minutes,
            fixed_links=inputs.fixed_links,
        )
        areas["zone"] = zones
        report.islands = islands
        if not islands:
            report.island_note = "none (all inhabited areas are connected)"
    else:
        areas["zone"] = "mainland"
        report.island_note = (
            "not detected for point areas; set the 'zone' column and [[ferries]] by hand"
        )
    area_xy = np.column_stack(
        [areas.geometry.representative_point().x, areas.geometry.representative_point().y]
    )
    population = areas["population"].to_numpy(dtype=float)
    site_rows = size_sites(sites.frame, sites.xy, area_xy, population)
    post_rows, post_xy = posts
    post_rows = size_posts(post_rows, post_xy, area_xy, population)
    report.roster_counts = dict(Counter(site_rows["roster"]))

    out.mkdir(parents=True, exist_ok=True)
    for stale in ("areas.gpkg", "roads.gpkg", "roads.geojson"):
        (out / stale).unlink(missing_ok=True)
    with warnings.catch_warnings():
        # pyogrio reports nothing useful for a plain GeoPackage write; keep it quiet
        warnings.simplefilter("ignore", RuntimeWarning)
        areas[["area_id", "name", "population", "zone", "geometry"]].to_file(
            out / "areas.gpkg", driver="GPKG", layer="areas"
        )
    lon, lat = _lonlat(sites.xy)
    site_rows.insert(3, "lon", lon)
    site_rows.insert(4, "lat", lat)
    _write_csv(
        site_rows[[*SITE_CSV_COLUMNS]],
        out / "sites.csv",
    )
    lon, lat = _lonlat(post_xy)
    post_rows.insert(2, "lon", lon)
    post_rows.insert(3, "lat", lat)
    _write_csv(post_rows, out / "ambulance_posts.csv")
    n_haps = int((site_rows["hap"] == "true").sum())
    per_hap = report.population / max(n_haps, 1)
    (out / "rosters.toml").write_text(roster_templates_toml(per_hap), encoding="utf-8")
    travel: dict[str, Any] = {"model": "straight_line"}
    if inputs.roads is not None and roads_network is not None:
        from acutesim.config.route import (
            DEFAULT_MATRICES,
            NATIONAL_ACCESS_ONLY_CLASSES,
            ROUTED_DISPATCH_MINUTES,
            ROUTED_ON_SCENE_MINUTES,
        )

        network = os.path.relpath(Path(inputs.roads).resolve(), out.resolve())
        travel = {
            "model": "routed",
            "matrices": DEFAULT_MATRICES,
            "network": network,
            "access_only_classes": list(
                NATIONAL_ACCESS_ONLY_CLASSES if inputs.access_only_classes is None
                else inputs.access_only_classes
            ),
        }  # fmt: skip
        if inputs.limit_minutes is not None:
            travel["limit_minutes"] = inputs.limit_minutes
        # calibrated with the routed profiles against RIVM 2024 (0.4% beyond 45 minutes;
        # docs/calibration-reachability.md); the measured 20 on-scene minutes (RIVM
        # 2010) stay the alternative: --on-scene-minutes 20 on reach and map
        travel["dispatch_minutes"] = ROUTED_DISPATCH_MINUTES
        travel["on_scene_minutes"] = ROUTED_ON_SCENE_MINUTES
    name = inputs.name or out.resolve().name
    sources = [
        *inputs.sources,
        f"built with acutesim region build from {inputs.areas.name}, {inputs.sites.name} and "
        f"{inputs.posts.name}",
    ]
    description = (
        f"Built from {inputs.areas.name} ({report.n_areas:,} areas, {report.population:,} "
        f"inhabitants), {inputs.sites.name} ({report.n_seh_24_7} 24/7 SEHs) and "
        f"{inputs.posts.name} ({report.n_posts_24_7} 24/7 ambulance posts)."
    )
    files = {
        "areas": "areas.gpkg",
        "sites": "sites.csv",
        "posts": "ambulance_posts.csv",
        "rosters": "rosters.toml",
    }
    (out / "region.toml").write_text(
        _region_toml(name, description, sources, files, travel, report.islands, sites.org_names),
        encoding="utf-8",
    )
    report.seconds = time.perf_counter() - t0
    (out / "README.md").write_text(_readme(name, inputs, report), encoding="utf-8")

    from acutesim.config.load import load_region

    if travel["model"] == "routed":
        from acutesim.config.route import route_pack

        routed = route_pack(out, inputs.roads)
        report.roads = f"{inputs.roads}: {routed.to_text()}"
        report.seconds = time.perf_counter() - t0
        (out / "README.md").write_text(_readme(name, inputs, report), encoding="utf-8")
    load_region(out)  # the written pack must validate; raises ConfigError otherwise
    report.seconds = time.perf_counter() - t0
    return report


def _check_roads(inputs: BuildInputs, problems: list[str]) -> Any:
    """The road network path when it is a form the reader knows, else None (a problem)."""
    from acutesim.geo.roads import LINE_SUFFIXES

    roads = Path(inputs.roads) if inputs.roads is not None else None
    if roads is None or not roads.exists():
        problems.append(f"--roads: '{roads}' not found")
        return None
    if roads.is_dir():
        missing = [n for n in ("nodes.parquet", "edges.parquet") if not (roads / n).exists()]
        if missing:
            problems.append(
                f"--roads: folder '{roads}' needs nodes.parquet and edges.parquet "
                f"(missing: {', '.join(missing)})"
            )
            return None
    elif roads.suffix.lower() not in LINE_SUFFIXES:
        problems.append(
            f"--roads: '{roads.name}' must be a folder with nodes.parquet and edges.parquet "
            f"or one of {', '.join(LINE_SUFFIXES)}"
        )
        return None
    return roads


def _readme(name: str, inputs: BuildInputs, report: BuildReport) -> str:
    sources = "\n".join(f"- {s}" for s in inputs.sources) or "- (no --source given)"
    return (
        f"# {name}\n\n"
        "Built with `acutesim region build`. Rosters, acute beds and ambulance vehicles\n"
        "are sized from the population nearest to each site (see\n"
        "`acutesim/config/build.py`); ferries of detected islands use a default crossing\n"
        "time (an assumption): check and edit `region.toml` before relying on them.\n\n"
        f"## Sources\n\n{sources}\n\n"
        f"## Build report\n\n```\n{report.to_text()}\n```\n"
    )


__all__ = [
    "BuildInputs",
    "BuildReport",
    "Island",
    "build_region_pack",
    "catchment_population",
    "detect_islands",
    "hap_staff",
    "roster_templates_toml",
    "seh_roster_class",
    "size_posts",
    "size_sites",
    "size_sites_from_visits",
    "slugify",
    "toml_value",
    "unique_ids",
]
