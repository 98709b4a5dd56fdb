"""What ``acutesim region build`` reads, how it names things, and what it reports.

The inputs (files, column mapping, filters, options), the column names tried when the user
names none, the id helpers and the build report. See :mod:`acutesim.packs`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
# RD New is defined for the Netherlands; points far outside are almost surely swapped
# lon/lat or the wrong CRS (a loaded pack is checked against the area of use of
# EPSG:28992 in config/checks.py).
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
        ``travel_matrices.parquet`` (see :mod:`acutesim.packs.route`).
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
