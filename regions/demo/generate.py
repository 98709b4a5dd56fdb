"""Generate the synthetic demo region pack.

The demo region is a fictional coastal region of about 250,000 inhabitants in RD New
coordinates (EPSG:28992): a mainland with a sea coast to the west and north, a sparsely
populated peninsula in the north-west with a small hospital, a large central town, a
second town in the east and a small coastal town in the north, and one island that is
reached only by ferry. Nothing in it describes a real place; it exists so that examples,
tutorials and tests have a region with the features that matter (a day-only SEH, a
low-volume SEH whose closure matters for the 45-minute norm, a standalone HAP, a
day-only ambulance post, an island).

Run ``python regions/demo/generate.py`` to rewrite every data file of the pack next to
this script. The result depends only on ``SEED`` and the constants below, so running it
again gives identical files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.polygon import orient
from shapely.ops import voronoi_diagram

SEED = 20260105
OUT_DIR = Path(__file__).resolve().parent
CRS_RD_NEW = "EPSG:28992"
CRS_WGS84 = "EPSG:4326"
KM = 1000.0  # metres per km; the layout below is written in km of the RD grid

MAINLAND_POPULATION = 247_000  # [persons]
ISLAND_POPULATION = 3_000  # [persons]
GRID_STEP_KM = 0.2  # cell size of the population-density grid [km]
RURAL_SEED_SPACING_KM = 4.8  # minimum distance between rural area seeds [km]
N_RURAL_SEED_TRIES = 4000

# Outline of the mainland in RD km, counter-clockwise from the south-west corner. The
# flag says whether a vertex lies on the sea coast (jittered more) or on the inland
# border with the neighbouring regions (kept smooth).
MAINLAND_OUTLINE_KM: tuple[tuple[float, float, bool], ...] = (
    # south border (inland), west to east
    (166.5, 523.5, False),
    (171.0, 523.0, False),
    (176.0, 523.5, False),
    (181.0, 522.5, False),
    (186.0, 523.5, False),
    (191.0, 523.0, False),
    (196.0, 524.0, False),
    # east border (inland), south to north
    (200.0, 525.0, False),
    (202.5, 528.5, False),
    (203.0, 533.0, False),
    (204.0, 537.5, False),
    (203.0, 542.0, False),
    (203.5, 546.0, False),
    # north coast, east to west
    (201.0, 549.0, True),
    (197.0, 550.5, True),
    (192.0, 550.0, True),
    (188.0, 551.0, True),
    (185.0, 549.5, True),
    (181.0, 548.0, True),
    (177.0, 546.5, True),
    (173.0, 546.0, True),
    (169.0, 545.0, True),
    (166.0, 545.5, True),
    (164.0, 547.0, True),
    # east coast of the peninsula, going north-west
    (163.0, 550.0, True),
    (162.5, 553.0, True),
    (161.5, 556.0, True),
    (160.0, 559.0, True),
    # the tip
    (158.0, 560.5, True),
    (156.0, 559.8, True),
    # west coast, north to south
    (155.0, 557.0, True),
    (155.0, 553.5, True),
    (156.0, 549.0, True),
    (157.5, 545.5, True),
    (158.5, 543.0, True),
    (160.5, 540.0, True),
    (162.0, 536.5, True),
    (162.5, 532.0, True),
    (163.5, 528.0, True),
    (165.0, 525.5, True),
)

ISLAND_CENTRE_KM = (172.5, 562.5)
ISLAND_HALF_AXES_KM = (4.6, 1.6)
ISLAND_ROTATION_DEG = 8.0


@dataclass(frozen=True)
class Town:
    """A town: centre [km], inhabitants in its kernel [persons], kernel width [km], cells."""

    name: str
    x_km: float
    y_km: float
    population: float
    sigma_km: float
    districts: tuple[str, ...]  # one area per district; a single "" keeps the town name


TOWNS: tuple[Town, ...] = (
    Town("Ammerstad", 176.0, 533.5, 58_000, 2.0, ("Centrum", "Noord", "Oost", "Zuid", "West")),
    Town("Kolderveen", 194.5, 538.5, 40_000, 1.8, ("Centrum", "Noord", "Zuid", "West")),
    Town("Wierhaven", 184.5, 547.0, 17_000, 1.3, ("Centrum", "Zuid")),
    Town("Strandhoorn", 158.5, 553.0, 15_000, 1.1, ("",)),
    Town("Marsloo", 167.0, 527.0, 7_500, 1.0, ("",)),
    Town("Oosterschoor", 196.5, 526.5, 6_500, 1.0, ("",)),
    Town("Lindewier", 164.5, 543.0, 6_500, 1.0, ("",)),
    Town("Brakenburen", 186.5, 529.0, 5_500, 1.0, ("",)),
)
# Direction of a district seed from the town centre [degrees anticlockwise from east];
# None is the centre. Seeds lie about 1.5 sigma out, turned and stretched a little at
# random so that town districts do not come out as squares.
DISTRICT_BEARING_DEG: dict[str, float | None] = {
    "": None,
    "Centrum": None,
    "Oost": 15.0,
    "Noord": 100.0,
    "West": 195.0,
    "Zuid": 280.0,
}
DISTRICT_DISTANCE_SIGMAS = 1.5

RURAL_NAMES: tuple[str, ...] = (
    "Aldebrug",
    "Bremerzijl",
    "Dijkhoorn",
    "Eemwolde",
    "Fennehuizen",
    "Gorsmeer",
    "Haulerveen",
    "Jelmerburen",
    "Kampereind",
    "Nijeschoor",
    "Oldekamp",
    "Pijlhuizen",
    "Rietwolde",
    "Sloterzijl",
    "Tjerkswier",
    "Uiterbroek",
    "Vennekerk",
    "Wadhorn",
    "Ypeloo",
    "Zwaagveld",
    "Dunewier",
    "Heeghuizen",
    "Kooiwolde",
    "Meerhove",
    "Noorderweel",
    "Polderzijl",
    "Reitsmahoek",
    "Schoterburen",
    "Tilhorn",
    "Wiersloot",
    "Helmduin",
    "Kapduin",
    "Oudewater aan Zee",
    "Grevelingwolde",
    "Hoekerveen",
    "Lutkeburen",
    "Moddergat aan de Kop",
    "Sandebuur",
)
ISLAND_NAME = "Meeuwenoog"


@dataclass(frozen=True)
class SiteSpec:
    """One hospital site, located in RD km."""

    site_id: str
    organisation: str
    name: str
    x_km: float
    y_km: float
    seh: str
    hap: bool
    av: bool
    acute_beds: int
    roster: str
    open_hour: int | None = None
    close_hour: int | None = None


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        "noord_hoofd", "noordzorg", "Noordzorg Kolderveen", 194.8, 538.9, "24/7", True, True,
        40, "seh_medium",
    ),
    SiteSpec(
        "noord_dag", "noordzorg", "Noordzorg Wierhaven", 184.2, 546.6, "day", False, False,
        16, "seh_day", 8, 23,
    ),
    SiteSpec(
        "centraal", "centraal", "Ziekenhuis Ammerstad", 176.4, 533.1, "24/7", True, True,
        55, "seh_large",
    ),
    SiteSpec(
        "kust", "kust", "Kustziekenhuis Strandhoorn", 158.6, 553.3, "24/7", False, False,
        18, "seh_small",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class PostSpec:
    """One ambulance post, located in RD km, with vehicles per shift.

    A post is named after the place (area, without its district) that it stands in.
    """

    post_id: str
    x_km: float
    y_km: float
    availability: str
    vehicles_day: int
    vehicles_evening: int
    vehicles_night: int


POSTS: tuple[PostSpec, ...] = (
    PostSpec("p01", 175.6, 534.1, "24/7", 3, 3, 2),
    PostSpec("p02", 196.0, 540.5, "24/7", 2, 2, 1),
    PostSpec("p03", 159.2, 552.5, "24/7", 1, 1, 1),
    PostSpec("p04", 169.5, 526.0, "24/7", 1, 1, 1),
    PostSpec("p05", 185.0, 547.3, "24/7", 1, 1, 1),
    PostSpec("p06", 196.2, 527.0, "24/7", 1, 1, 1),
    PostSpec("p07", 163.5, 539.5, "24/7", 1, 1, 1),
    PostSpec("p08", 185.5, 530.0, "24/7", 1, 1, 1),
    PostSpec("p09", 174.0, 543.0, "24/7", 1, 1, 1),
    PostSpec("p10", 185.5, 536.5, "day", 1, 0, 0),
    PostSpec("p11", 172.1, 562.5, "day", 1, 0, 0),
)

# The standalone HAP sits in a health centre in Strandhoorn, away from the small hospital.
HAPS: tuple[tuple[str, str, float, float, str], ...] = (
    ("hap_strandhoorn", "HAP Strandhoorn", 158.0, 552.1, "hap_default"),
)

# Ferry: mainland terminal on the east coast of the peninsula, port on the island.
FERRY_NAME = "Veerdienst Strandhoorn - Meeuwenoog"
FERRY_TERMINAL_KM = (160.7, 555.2)
FERRY_PORT_KM = (168.9, 562.0)
FERRY_CROSSING_MINUTES = 45

DESCRIPTION = (
    "Synthetic coastal demo region: about 250,000 inhabitants, four hospital sites of three"
    " organisations, one island reached by ferry. Not a real place."
)

ROSTERS_TOML = """\
# Staff rosters of the synthetic demo region (templates named in sites.csv and haps.csv).
# Written by generate.py. The numbers are sized for about 30,000 SEH visits a year with a
# mean length of stay of about 155 minutes and an afternoon peak of about 2.2 times the
# mean arrival rate, so that the planned slots keep peak utilisation below about 85%.

# Large 24/7 SEH (centraal, about 13,500 visits a year).
[seh_large.roles.seh_physician]
slots_per_staff = 4
min_staff = 1
vacancy_share = 0.0
absence_probability = 0.01

[seh_large.roles.seh_nurse]
slots_per_staff = 2
min_staff = 2
vacancy_share = 0.0
absence_probability = 0.02

[[seh_large.shifts]]
name = "day"
start_hour = 8
hours = 8
staff = { seh_physician = 3, seh_nurse = 6 }

[[seh_large.shifts]]
name = "evening"
start_hour = 16
hours = 8
staff = { seh_physician = 3, seh_nurse = 6 }

[[seh_large.shifts]]
name = "night"
start_hour = 0
hours = 8
staff = { seh_physician = 2, seh_nurse = 3 }

# Medium 24/7 SEH (noord_hoofd, about 8,400 visits a year).
[seh_medium.roles.seh_physician]
slots_per_staff = 4
min_staff = 1
vacancy_share = 0.0
absence_probability = 0.01

[seh_medium.roles.seh_nurse]
slots_per_staff = 2
min_staff = 1
vacancy_share = 0.0
absence_probability = 0.02

[[seh_medium.shifts]]
name = "day"
start_hour = 8
hours = 8
staff = { seh_physician = 2, seh_nurse = 4 }

[[seh_medium.shifts]]
name = "evening"
start_hour = 16
hours = 8
staff = { seh_physician = 2, seh_nurse = 4 }

[[seh_medium.shifts]]
name = "night"
start_hour = 0
hours = 8
staff = { seh_physician = 1, seh_nurse = 2 }

# Small, low-volume 24/7 SEH (kust, about 4,500 visits a year). One physician per shift,
# so the absence of that physician closes the SEH for the shift.
[seh_small.roles.seh_physician]
slots_per_staff = 4
min_staff = 1
vacancy_share = 0.0
absence_probability = 0.01

[seh_small.roles.seh_nurse]
slots_per_staff = 2
min_staff = 1
vacancy_share = 0.0
absence_probability = 0.02

[[seh_small.shifts]]
name = "day"
start_hour = 8
hours = 8
staff = { seh_physician = 1, seh_nurse = 2 }

[[seh_small.shifts]]
name = "evening"
start_hour = 16
hours = 8
staff = { seh_physician = 1, seh_nurse = 2 }

[[seh_small.shifts]]
name = "night"
start_hour = 0
hours = 8
staff = { seh_physician = 1, seh_nurse = 2 }

# Day-only SEH (noord_dag, open 08:00-23:00, about 3,600 visits a year).
[seh_day.roles.seh_physician]
slots_per_staff = 4
min_staff = 1
vacancy_share = 0.0
absence_probability = 0.01

[seh_day.roles.seh_nurse]
slots_per_staff = 2
min_staff = 1
vacancy_share = 0.0
absence_probability = 0.02

[[seh_day.shifts]]
name = "day"
start_hour = 8
hours = 8
staff = { seh_physician = 1, seh_nurse = 2 }

[[seh_day.shifts]]
# runs to midnight so that patients present at closing (23:00) are still treated
name = "evening"
start_hour = 16
hours = 8
staff = { seh_physician = 1, seh_nurse = 2 }

# HAP: open on weekday evenings and nights and all weekend (weekdays: 0 = Monday).
[hap_default.roles.hap_gp]
slots_per_staff = 1
min_staff = 1
vacancy_share = 0.0
absence_probability = 0.02

[[hap_default.shifts]]
name = "evening"
start_hour = 17
hours = 7
staff = { hap_gp = 2 }

[[hap_default.shifts]]
name = "night"
start_hour = 0
hours = 8
staff = { hap_gp = 1 }

[[hap_default.shifts]]
name = "weekend_day"
start_hour = 8
hours = 9
staff = { hap_gp = 3 }
weekdays = [5, 6]
"""


def _densify(outline: np.ndarray, flags: np.ndarray, step_km: float) -> tuple[np.ndarray, ...]:
    """Insert vertices every ``step_km`` along a closed outline [km]; a segment keeps its flag."""
    xs: list[float] = []
    ys: list[float] = []
    coast: list[bool] = []
    n = len(outline)
    for i in range(n):
        (x0, y0), (x1, y1) = outline[i], outline[(i + 1) % n]
        is_coast = bool(flags[i] and flags[(i + 1) % n])
        n_steps = max(1, int(np.ceil(np.hypot(x1 - x0, y1 - y0) / step_km)))
        for k in range(n_steps):
            t = k / n_steps
            xs.append(x0 + t * (x1 - x0))
            ys.append(y0 + t * (y1 - y0))
            coast.append(is_coast)
    return np.array(xs), np.array(ys), np.array(coast)


def _smooth_noise(rng: np.random.Generator, n: int, sd: float, window: int) -> np.ndarray:
    """Circular moving average of normal noise, rescaled to standard deviation ``sd``."""
    raw = rng.normal(0.0, 1.0, n)
    padded = np.concatenate([raw[-window:], raw, raw[:window]])
    kernel = np.ones(2 * window + 1) / (2 * window + 1)
    smooth = np.convolve(padded, kernel, mode="same")[window:-window]
    return smooth / smooth.std() * sd


def build_mainland(rng: np.random.Generator) -> Polygon:
    """Return the mainland polygon in RD metres: the outline with a ragged coastline."""
    outline = np.array([(x, y) for x, y, _ in MAINLAND_OUTLINE_KM])
    flags = np.array([c for _, _, c in MAINLAND_OUTLINE_KM])
    xs, ys, coast = _densify(outline, flags, step_km=0.5)
    # Move every vertex along the outline's normal: wiggles of a few hundred metres on
    # the coast, gentle bends on the inland border.
    amplitude = np.where(coast, 0.35, 0.15)
    offset = _smooth_noise(rng, len(xs), 1.0, window=2) * amplitude
    tx, ty = np.roll(xs, -1) - np.roll(xs, 1), np.roll(ys, -1) - np.roll(ys, 1)
    norm = np.hypot(tx, ty)
    poly = Polygon(
        np.column_stack([(xs - offset * ty / norm) * KM, (ys + offset * tx / norm) * KM])
    )
    if not poly.is_valid:
        raise ValueError(
            f"mainland outline is not a valid polygon: {shapely.is_valid_reason(poly)}"
        )
    return poly


def build_island(rng: np.random.Generator) -> Polygon:
    """Return the island polygon in RD metres: a ragged, slightly rotated ellipse."""
    n = 72
    angle = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    radius = 1.0 + _smooth_noise(rng, n, 0.07, window=2)
    a, b = ISLAND_HALF_AXES_KM
    ex, ey = a * radius * np.cos(angle), b * radius * np.sin(angle)
    rot = np.deg2rad(ISLAND_ROTATION_DEG)
    x = ISLAND_CENTRE_KM[0] + ex * np.cos(rot) - ey * np.sin(rot)
    y = ISLAND_CENTRE_KM[1] + ex * np.sin(rot) + ey * np.cos(rot)
    return Polygon(np.column_stack([x * KM, y * KM]))


def area_seeds(rng: np.random.Generator, mainland: Polygon) -> list[tuple[float, float, str]]:
    """Seeds of the mainland areas [m] with a name: town districts first, then rural seeds."""
    seeds: list[tuple[float, float, str]] = []
    for town in TOWNS:
        turn_deg = rng.uniform(-25.0, 25.0)
        for district in town.districts:
            name = f"{town.name}-{district}" if district else town.name
            bearing = DISTRICT_BEARING_DEG[district]
            if bearing is None:
                seeds.append((town.x_km * KM, town.y_km * KM, name))
                continue
            angle = np.deg2rad(bearing + turn_deg + rng.uniform(-10.0, 10.0))
            r_km = DISTRICT_DISTANCE_SIGMAS * town.sigma_km * rng.uniform(0.9, 1.15)
            x = (town.x_km + r_km * np.cos(angle)) * KM
            y = (town.y_km + r_km * np.sin(angle)) * KM
            seeds.append((float(x), float(y), name))
    # Rural seeds: dart throwing with a minimum spacing, also away from town seeds.
    minx, miny, maxx, maxy = mainland.bounds
    spacing = RURAL_SEED_SPACING_KM * KM
    inner = mainland.buffer(-1.2 * KM)
    points = [(x, y) for x, y, _ in seeds]
    rural: list[tuple[float, float]] = []
    for _ in range(N_RURAL_SEED_TRIES):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not inner.contains(Point(x, y)):
            continue
        if min(np.hypot(x - px, y - py) for px, py in points) < spacing:
            continue
        points.append((x, y))
        rural.append((x, y))
    # Name rural areas from north-west to south-east so the names read like a map.
    rural.sort(key=lambda p: (-round(p[1] / (8 * KM)), p[0]))
    if len(rural) > len(RURAL_NAMES):
        raise ValueError(f"{len(rural)} rural areas but only {len(RURAL_NAMES)} names")
    seeds.extend((x, y, RURAL_NAMES[i]) for i, (x, y) in enumerate(rural))
    return seeds


def voronoi_areas(seeds: list[tuple[float, float, str]], mainland: Polygon) -> list[Polygon]:
    """Voronoi cells of the seeds clipped to the mainland; stray pieces join a neighbour."""
    points = shapely.MultiPoint([(x, y) for x, y, _ in seeds])
    envelope = mainland.envelope.buffer(20 * KM)
    cells_raw = list(voronoi_diagram(points, envelope=envelope).geoms)
    cells: list[Polygon] = []
    for x, y, _ in seeds:
        seed = Point(x, y)
        cell = next(c for c in cells_raw if c.contains(seed))
        cells.append(cell.intersection(mainland))
    # A cell cut by the coast into several pieces keeps the piece with its seed; any other
    # piece is merged into the neighbouring cell with which it shares the longest border.
    strays: list[Polygon] = []
    for i, (x, y, _) in enumerate(seeds):
        cell = cells[i]
        if isinstance(cell, MultiPolygon):
            parts = list(cell.geoms)
            keep = next(p for p in parts if p.contains(Point(x, y)))
            strays.extend(p for p in parts if p is not keep)
            cells[i] = keep
    for piece in strays:
        shared = [piece.boundary.intersection(c.boundary).length for c in cells]
        j = int(np.argmax(shared))
        cells[j] = shapely.union(cells[j], piece)
    for i, cell in enumerate(cells):
        if not isinstance(cell, Polygon):
            raise ValueError(f"area {seeds[i][2]} is a {cell.geom_type}, expected a Polygon")
    return cells


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, 0 for very negative and 1 for very positive ``z``."""
    return 1.0 / (1.0 + np.exp(-z))


def density_grid(mainland: Polygon) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Population density on a grid over the mainland [persons per grid cell].

    Returns the grid point coordinates [m], the total density and the part of it that
    belongs to towns (used for the age mix).
    """
    minx, miny, maxx, maxy = mainland.bounds
    step = GRID_STEP_KM * KM
    gx, gy = np.meshgrid(np.arange(minx, maxx, step), np.arange(miny, maxy, step))
    gx, gy = gx.ravel() + step / 2, gy.ravel() + step / 2
    inside = shapely.contains_xy(mainland, gx, gy)
    gx, gy = gx[inside], gy[inside]
    cell_km2 = GRID_STEP_KM**2
    town = np.zeros_like(gx)
    for t in TOWNS:
        r2 = ((gx / KM - t.x_km) ** 2 + (gy / KM - t.y_km) ** 2) / (t.sigma_km**2)
        town += t.population * np.exp(-0.5 * r2) / (2.0 * np.pi * t.sigma_km**2) * cell_km2
    # Rural density [persons/km2]: about 70 on the main body, thinning towards the
    # north-west peninsula and along the coast.
    x_km, y_km = gx / KM, gy / KM
    coast_km = shapely.distance(mainland.exterior, shapely.points(gx, gy)) / KM
    peninsula = _sigmoid((y_km - 547.0) / 1.5) * _sigmoid((166.0 - x_km) / 1.5)
    rural_per_km2 = 70.0 * (1.0 - 0.5 * peninsula) * (0.55 + 0.45 * np.minimum(coast_km / 3, 1))
    rural = rural_per_km2 * cell_km2
    return gx, gy, town + rural, town


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Round ``weights`` scaled to ``total`` to integers that sum exactly to ``total``."""
    exact = weights / weights.sum() * total
    out = np.floor(exact).astype(int)
    order = np.argsort(-(exact - out), kind="stable")
    out[order[: total - out.sum()]] += 1
    return out


def age_bands(population: np.ndarray, town_share: np.ndarray, coastal: np.ndarray) -> np.ndarray:
    """Split each area's population into 0-64, 65-74 and 75+ [persons].

    Shares are synthetic but near the Dutch average (about 20% aged 65 or over), older
    in rural and coastal areas than in towns.
    """
    rural = 1.0 - town_share
    share_65_74 = 0.100 + 0.035 * rural + 0.015 * coastal
    share_75 = 0.075 + 0.030 * rural + 0.015 * coastal
    n_65_74 = np.rint(population * share_65_74).astype(int)
    n_75 = np.rint(population * share_75).astype(int)
    return np.column_stack([population - n_65_74 - n_75, n_65_74, n_75])


def build_areas(rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Build the area layer in RD metres: the mainland areas and the island."""
    mainland = build_mainland(rng)
    island = build_island(rng)
    seeds = area_seeds(rng, mainland)
    cells = voronoi_areas(seeds, mainland)
    gx, gy, density, town_density = density_grid(mainland)
    assigned = np.full(len(gx), -1)
    for i, cell in enumerate(cells):
        mask = (assigned < 0) & shapely.contains_xy(cell, gx, gy)
        assigned[mask] = i
    raw = np.array([density[assigned == i].sum() for i in range(len(cells))])
    town_share = np.array(
        [town_density[assigned == i].sum() / max(raw[i], 1e-9) for i in range(len(cells))]
    )
    # Local variation between rural areas (a village more or less), +/- about 15%.
    raw = raw * np.exp(rng.normal(0.0, 0.15, len(cells)) * (1.0 - town_share))
    population = largest_remainder(raw, MAINLAND_POPULATION)
    # Coastal means a cell within reach of the sea; the inland border is not sea, so test
    # against the coast vertices only.
    sea_coast = shapely.LineString(
        [(x * KM, y * KM) for x, y, c in MAINLAND_OUTLINE_KM if c]
    ).buffer(1.5 * KM)
    coastal = np.array([float(c.intersects(sea_coast)) for c in cells])
    bands = age_bands(population, town_share, coastal)

    # Order areas from north to south in bands of 5 km, west to east within a band.
    order = sorted(
        range(len(cells)),
        key=lambda i: (-round(seeds[i][1] / (5 * KM)), seeds[i][0]),
    )
    rows = [
        {
            "name": seeds[i][2],
            "population": int(population[i]),
            "zone": "mainland",
            "pop_age_0_64": int(bands[i, 0]),
            "pop_age_65_74": int(bands[i, 1]),
            "pop_age_75_plus": int(bands[i, 2]),
            "geometry": cells[i],
        }
        for i in order
    ]
    island_bands = age_bands(np.array([ISLAND_POPULATION]), np.array([0.0]), np.array([1.0]))[0]
    rows.append(
        {
            "name": ISLAND_NAME,
            "population": ISLAND_POPULATION,
            "zone": "eiland",
            "pop_age_0_64": int(island_bands[0]),
            "pop_age_65_74": int(island_bands[1]),
            "pop_age_75_plus": int(island_bands[2]),
            "geometry": island,
        }
    )
    for k, row in enumerate(rows, start=1):
        row["area_id"] = f"a{k:02d}"
    columns = ["area_id", "name", "population", "zone", "pop_age_0_64", "pop_age_65_74"]
    columns += ["pop_age_75_plus", "geometry"]
    areas = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS_RD_NEW)[columns]
    return areas


def _round_coords(geom: Polygon, transformer: Transformer) -> Polygon:
    """Project a polygon from RD metres to lon/lat and round to 6 decimals (about 0.1 m)."""

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), 6)

    # Exterior rings anticlockwise, as RFC 7946 asks of GeoJSON.
    return shapely.transform(orient(geom, sign=1.0), project)


def write_areas(areas: gpd.GeoDataFrame, path: Path) -> None:
    """Write the areas as GeoJSON in WGS84 lon/lat."""
    transformer = Transformer.from_crs(CRS_RD_NEW, CRS_WGS84, always_xy=True)
    out = areas.copy()
    out["geometry"] = [_round_coords(g, transformer) for g in areas.geometry]
    out = out.set_crs(CRS_WGS84, allow_override=True)
    path.unlink(missing_ok=True)
    out.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=6, WRITE_NAME="NO")


def lonlat(x_km: float, y_km: float) -> tuple[str, str]:
    """RD km to WGS84 lon/lat strings with 6 decimals."""
    transformer = Transformer.from_crs(CRS_RD_NEW, CRS_WGS84, always_xy=True)
    lon, lat = transformer.transform(x_km * KM, y_km * KM)
    return f"{lon:.6f}", f"{lat:.6f}"


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a plain CSV with Unix line endings."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_sites(path: Path) -> None:
    """Write sites.csv."""
    header = ["site_id", "organisation", "name", "lon", "lat", "seh", "hap", "av"]
    header += ["acute_beds", "roster", "open_hour", "close_hour"]
    rows = []
    for s in SITES:
        lon, lat = lonlat(s.x_km, s.y_km)
        rows.append(
            [
                s.site_id,
                s.organisation,
                s.name,
                lon,
                lat,
                s.seh,
                str(s.hap).lower(),
                str(s.av).lower(),
                str(s.acute_beds),
                s.roster,
                "" if s.open_hour is None else str(s.open_hour),
                "" if s.close_hour is None else str(s.close_hour),
            ]
        )
    _write_csv(path, header, rows)


def containing_area(areas: gpd.GeoDataFrame, x_km: float, y_km: float, what: str) -> pd.Series:
    """Return the area row that contains a point [km]; raise if the point is in the sea."""
    hits = areas[areas.contains(Point(x_km * KM, y_km * KM))]
    if len(hits) != 1:
        raise ValueError(f"{what} at ({x_km}, {y_km}) km lies in {len(hits)} areas, expected 1")
    return hits.iloc[0]


def check_locations(areas: gpd.GeoDataFrame) -> None:
    """Raise if a site, post or HAP is not on land, or the island post is not on the island."""
    for s in SITES:
        if containing_area(areas, s.x_km, s.y_km, s.site_id)["zone"] != "mainland":
            raise ValueError(f"site {s.site_id} is not on the mainland")
    for hap_id, _, x_km, y_km, _ in HAPS:
        containing_area(areas, x_km, y_km, hap_id)
    for p in POSTS:
        containing_area(areas, p.x_km, p.y_km, p.post_id)
    containing_area(areas, *FERRY_TERMINAL_KM, "ferry terminal")


def write_posts(path: Path, areas: gpd.GeoDataFrame) -> None:
    """Write ambulance_posts.csv, naming each post after the place it stands in."""
    header = ["post_id", "name", "lon", "lat", "availability"]
    header += ["vehicles_day", "vehicles_evening", "vehicles_night"]
    rows = []
    for p in POSTS:
        lon, lat = lonlat(p.x_km, p.y_km)
        place = str(containing_area(areas, p.x_km, p.y_km, p.post_id)["name"]).split("-")[0]
        rows.append(
            [
                p.post_id,
                place,
                lon,
                lat,
                p.availability,
                str(p.vehicles_day),
                str(p.vehicles_evening),
                str(p.vehicles_night),
            ]
        )
    _write_csv(path, header, rows)


def write_haps(path: Path) -> None:
    """Write haps.csv (the HAPs that are not on a hospital site)."""
    rows = []
    for hap_id, name, x_km, y_km, roster in HAPS:
        lon, lat = lonlat(x_km, y_km)
        rows.append([hap_id, name, lon, lat, roster])
    _write_csv(path, ["hap_id", "name", "lon", "lat", "roster"], rows)


def write_region_toml(path: Path) -> None:
    """Write region.toml: name, sources, file references, travel model and the ferry."""
    t_lon, t_lat = lonlat(*FERRY_TERMINAL_KM)
    p_lon, p_lat = lonlat(*FERRY_PORT_KM)
    text = f"""\
name = "demo"
description = "{DESCRIPTION}"
start_date = "2026-01-05"  # a Monday
demand_growth_per_year = 0.01
sources = [
    "synthetic: generated by regions/demo/generate.py (seed {SEED}); no real data",
]

[files]
areas = "areas.geojson"
sites = "sites.csv"
posts = "ambulance_posts.csv"
haps = "haps.csv"
rosters = "rosters.toml"
finance = "finance.toml"

[travel]
model = "straight_line"

[[ferries]]
zone = "eiland"
name = "{FERRY_NAME}"
terminal_lon = {t_lon}
terminal_lat = {t_lat}
port_lon = {p_lon}
port_lat = {p_lat}
crossing_minutes = {FERRY_CROSSING_MINUTES}

[pathways]
# The large teaching hospital is the region's PCI and stroke centre (synthetic).
specialised_sites = ["centraal"]
"""
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Generate every data file of the demo pack next to this script."""
    rng = np.random.default_rng(SEED)
    areas = build_areas(rng)
    check_locations(areas)
    write_areas(areas, OUT_DIR / "areas.geojson")
    write_sites(OUT_DIR / "sites.csv")
    write_posts(OUT_DIR / "ambulance_posts.csv", areas)
    write_haps(OUT_DIR / "haps.csv")
    (OUT_DIR / "rosters.toml").write_text(ROSTERS_TOML, encoding="utf-8")
    write_region_toml(OUT_DIR / "region.toml")


if __name__ == "__main__":
    main()
