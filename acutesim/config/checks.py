"""Check the values of a pack or experiment against the world, before anything runs.

A value that parses is not yet a value that makes sense: a population of ``1e20``, a
date in the year 9999, a share of 5, a hospital in Asia or a name that reverses the text
around it all parse. These checks run at load time and add one located problem per
value (file, row or key, value, what was expected, and a hint where one helps):

- every number in a TOML file is finite (``inf`` only as a truncation ``max_minutes``);
- every date lies in a sane window (:data:`DATE_MIN` .. :data:`DATE_MAX`);
- every text is free of control and bidirectional-override characters;
- populations are whole, non-negative numbers below :data:`MAX_AREA_POPULATION`, and
  localised numbers (``"1.234"``, ``"1,5"``) are refused with a hint, never guessed;
- every point and area lies inside the area of use of EPSG:28992 (the Netherlands and
  its coastal zone) widened by :data:`SURROUNDINGS_KM`, with a hint when lon/lat look
  swapped or the coordinates look unprojected;
- a scenario's funding table holds only knobs of its own regime.

The bounds are assumptions, documented in ``docs/assumptions.md``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.errors import did_you_mean

if TYPE_CHECKING:
    import geopandas as gpd
    from pyproj import Transformer

# Dates in a pack or experiment (start dates, switch dates) lie in this window: the model
# describes today's Dutch acute care and its near future. Assumption.
DATE_MIN = dt.date(1990, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
# An area holds at most this many inhabitants: more than the whole Netherlands (source:
# CBS, Bevolking op 1 januari per gemeente, 1 January 2024: 17,942,942), rounded up.
MAX_AREA_POPULATION = 20_000_000
# Points and areas may lie this far outside the area of use of EPSG:28992, so that SEHs
# and posts just across the Belgian and German borders and the sea off the coast can be
# part of a pack. Assumption (about 20 minutes by ambulance).
SURROUNDINGS_KM = 30.0
RD_NEW = "EPSG:28992"
# Keys whose value may be +inf: an upper truncation bound that means "none".
INF_ALLOWED_KEYS = frozenset({"max_minutes"})
# Knobs of the fixed SEH budget: under ``regime = "fee-per-dbc"`` they would be silently
# ignored, so they are refused there. A new budget-only knob is added here.
FIXED_BUDGET_KNOBS = frozenset(
    {
        "budget_eur_per_year",
        "schoning",
        "schoning_none_share",
        "schoning_base",
        "schoning_exempts_beschikbaarheidbijdrage",
        "binding",
        "budget_beschikbaarheidbijdrage_eur_per_year",
    }
)
# Behaviour tables that act only while a fixed budget is in force (checked when their
# ``rate`` is above the neutral 0).
FIXED_BUDGET_BEHAVIOUR_KNOBS = frozenset({"substitution"})
# Bidirectional formatting characters (Unicode bidi controls): they reorder the text
# around them in reports and terminals (e.g. U+202E RIGHT-TO-LEFT OVERRIDE).
BIDI_CHARACTERS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_MULTILINE_OK = frozenset("\n\r\t")
# Free texts that may span lines (TOML multi-line strings).
_MULTILINE_KEYS = frozenset({"description", "source", "sources", "notes"})
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([.,]\d{3})+$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_MAX_LISTED = 5


# --- text -----------------------------------------------------------------------------------
def bad_character(text: str, *, multiline: bool = False) -> str | None:
    """Describe the first control or bidi character of ``text``, or return None.

    Parameters
    ----------
    text : str
        The text to check.
    multiline : bool
        Allow line breaks and tabs (descriptions and notes).
    """
    for pos, ch in enumerate(text):
        if multiline and ch in _MULTILINE_OK:
            continue
        if ch in BIDI_CHARACTERS:
            kind = "a bidirectional formatting character"
        elif unicodedata.category(ch) == "Cc":
            kind = "a control character"
        else:
            continue
        name = unicodedata.name(ch, "")
        label = f"U+{ord(ch):04X}" + (f" {name}" if name else "")
        return f"contains {kind} ({label}) at position {pos + 1}; remove it"
    return None


def localised_number_hint(text: str) -> str:
    """A hint when ``text`` looks like a number written the Dutch way, else ``""``."""
    s = text.strip()
    if _THOUSANDS.match(s):
        plain = re.sub(r"[.,]", "", s)
        return f"; it looks like {plain} written with a thousands separator: write {plain}"
    if _DECIMAL_COMMA.match(s):
        return f"; write decimals with a point: {s.replace(',', '.')}"
    if "," in s:
        return "; write numbers without ',' (no thousands separator, '.' for decimals)"
    return ""


# --- TOML trees -----------------------------------------------------------------------------
def check_tree(data: Any, where: str, problems: list[str], *, path: str = "") -> None:
    """Check every number, date and text of a parsed TOML file, in place.

    Parameters
    ----------
    data : Any
        The parsed file (nested dicts and lists).
    where : str
        File name (and location) for messages, e.g. ``"finance.toml"``.
    problems : list of str
        Located problems are appended here.
    path : str
        The dotted key of ``data`` inside the file.
    """
    at = f"{where} [{path}]" if path else where
    if isinstance(data, Mapping):
        for k, v in data.items():
            key = str(k)
            bad = bad_character(key)
            if bad:
                problems.append(f"{at}: key {key!r} {bad}")
                continue
            check_tree(v, where, problems, path=f"{path}.{key}" if path else key)
    elif isinstance(data, list | tuple):
        for i, v in enumerate(data):
            check_tree(v, where, problems, path=f"{path}[{i}]")
    elif isinstance(data, bool):
        return
    elif isinstance(data, float):
        last = path.rsplit(".", 1)[-1]
        if math.isnan(data) or (math.isinf(data) and not (data > 0 and last in INF_ALLOWED_KEYS)):
            problems.append(f"{at}: {data!r} is not a finite number")
    elif isinstance(data, dt.datetime | dt.date):
        day = data.date() if isinstance(data, dt.datetime) else data
        if not DATE_MIN <= day <= DATE_MAX:
            problems.append(
                f"{at}: date {data.isoformat()} lies outside {DATE_MIN.isoformat()} .. "
                f"{DATE_MAX.isoformat()}"
            )
    elif isinstance(data, str):
        key = re.sub(r"(\[\d+\])+$", "", path.rsplit(".", 1)[-1])
        bad = bad_character(data, multiline=key in _MULTILINE_KEYS)
        if bad:
            problems.append(f"{at}: {data[:40]!r} {bad}")


def check_cells(
    name: str, rows: Iterable[tuple[int, Mapping[str, str]]], id_column: str, problems: list[str]
) -> set[int]:
    """Refuse control and bidi characters in every cell of a CSV file.

    Returns
    -------
    set of int
        The rows with a problem.
    """
    bad_rows: set[int] = set()
    for i, rec in rows:
        for col, value in rec.items():
            bad = bad_character(value)
            if bad:
                ident = rec.get(id_column, "")
                problems.append(
                    f"{name} row {i} ({id_column}={ident!r}), column '{col}': {value[:40]!r} {bad}"
                )
                bad_rows.add(i)
    return bad_rows


# --- counts ---------------------------------------------------------------------------------
def parse_count(value: Any, *, maximum: int) -> tuple[int | None, str]:
    """Read a whole, non-negative count from a file value.

    Returns
    -------
    (int or None, str)
        The count, or None and what is wrong with the value.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, "is missing; expected a whole number of persons"
    if isinstance(value, bool):
        return None, "is not a number; expected a whole number of persons"
    if isinstance(value, str):
        s = value.strip()
        if not s:
            return None, "is empty; expected a whole number of persons"
        if not re.fullmatch(r"[+-]?\d+", s):
            try:
                number = float(s)
            except ValueError:
                return None, "is not a number" + localised_number_hint(s)
            hint = localised_number_hint(s)
            if hint:
                return None, "is ambiguous" + hint
            return parse_count(number, maximum=maximum)
        value = int(s)
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return None, "is not a finite number"
        if not float(value).is_integer():
            return None, "is not a whole number of persons"
        value = int(value)
    if not isinstance(value, int | np.integer):
        return None, "is not a number; expected a whole number of persons"
    if value < 0:
        return None, "is negative; expected a whole number >= 0"
    if value > maximum:
        return None, f"exceeds {maximum:,} (more than the whole country); is it a typo?"
    return int(value), ""


# --- geography ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def rd_box() -> tuple[float, float, float, float]:
    """The area of use of EPSG:28992 in RD metres, widened by the surroundings margin."""
    from pyproj import CRS

    aou = CRS(RD_NEW).area_of_use
    assert aou is not None
    x0, y0, x1, y1 = wgs84_to_rd().transform_bounds(*aou.bounds, densify_pts=21)
    m = SURROUNDINGS_KM * 1000.0
    return (x0 - m, y0 - m, x1 + m, y1 + m)


def _inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = rd_box()
    with np.errstate(invalid="ignore"):
        return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


@lru_cache(maxsize=1)
def wgs84_to_rd() -> Transformer:
    """The WGS84 lon/lat to EPSG:28992 transformer (built once: it takes ~0.2 s)."""
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", RD_NEW, always_xy=True)


def lonlat_to_rd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 lon/lat [degrees] to EPSG:28992 x/y [m]."""
    x, y = wgs84_to_rd().transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def position_hint(given: str, a: float, b: float) -> str:
    """Why a point outside the area of use may be there, from its input coordinates.

    Parameters
    ----------
    given : str
        ``"lonlat"`` when (a, b) are lon/lat [degrees], ``"xy"`` when RD x/y [m].
    a, b : float
        The coordinates as given in the file.
    """
    if not (math.isfinite(a) and math.isfinite(b)):
        return "; the coordinates are not finite numbers"
    if given == "lonlat":
        x, y = lonlat_to_rd(np.array([b]), np.array([a]))
        if bool(_inside(x, y)[0]):
            return "; lon and lat look swapped"
        return "; is the point in another country, or are the coordinates wrong?"
    if abs(a) <= 180 and abs(b) <= 90:
        x, y = lonlat_to_rd(np.array([a]), np.array([b]))
        swapped = lonlat_to_rd(np.array([b]), np.array([a]))
        if bool(_inside(x, y)[0]) or bool(_inside(*swapped)[0]):
            return (
                "; these look like lon/lat degrees, not EPSG:28992 metres (give them as "
                "lon/lat, or project them)"
            )
    if max(abs(a), abs(b)) < 1000:
        return "; EPSG:28992 x/y are metres: is '.' used as a thousands separator?"
    if bool(_inside(np.array([b]), np.array([a]))[0]):
        return "; x and y look swapped"
    return "; is the point in another country, or are the coordinates wrong?"


def point_problem(where: str, given: tuple[str, float, float], x: float, y: float) -> str | None:
    """A located problem when a point lies outside EPSG:28992's (widened) area, else None.

    Parameters
    ----------
    where : str
        Location prefix, e.g. ``"sites.csv row 3 (site_id='kust'), columns 'lon, lat'"``.
    given : (str, float, float)
        How the point was given: ``("lonlat", lon, lat)`` or ``("xy", x, y)``.
    x, y : float
        The point in RD metres [m].
    """
    if bool(_inside(np.array([x]), np.array([y]))[0]):
        return None
    kind, a, b = given
    return (
        f"{where}: ({a:g}, {b:g}) lies outside the area of use of EPSG:28992 (the "
        f"Netherlands){position_hint(kind, a, b)}"
    )


def check_points(
    name: str,
    id_column: str,
    ids: Sequence[str],
    rows: Sequence[int],
    given: Sequence[tuple[str, float, float]],
    xy: np.ndarray,
    problems: list[str],
) -> None:
    """Refuse points of a CSV file outside the area of use of EPSG:28992 (widened).

    Parameters
    ----------
    name : str
        File name for messages.
    id_column : str
        Name of the id column.
    ids, rows : sequences
        Id and data-row number of each point.
    given : sequence of (str, float, float)
        How each point was given: ``("lonlat", lon, lat)`` or ``("xy", x, y)``.
    xy : ndarray
        The points in RD metres, shape (n, 2) [m].
    problems : list of str
        Located problems are appended here.
    """
    for k in range(len(xy)):
        cols = "lon, lat" if given[k][0] == "lonlat" else "x, y"
        where = f"{name} row {rows[k]} ({id_column}={ids[k]!r}), columns '{cols}'"
        problem = point_problem(where, given[k], float(xy[k, 0]), float(xy[k, 1]))
        if problem is not None:
            problems.append(problem)


def check_area_extent(
    name: str, raw: gpd.GeoDataFrame, rd: gpd.GeoDataFrame, problems: list[str]
) -> None:
    """Refuse areas outside the area of use of EPSG:28992, with a hint on the CRS.

    Parameters
    ----------
    name : str
        File name for messages.
    raw : GeoDataFrame
        The areas as read, in the file's own CRS.
    rd : GeoDataFrame
        The same areas in EPSG:28992.
    problems : list of str
        Located problems are appended here.
    """
    b = rd.geometry.bounds.to_numpy(dtype=float)
    if len(b) == 0:
        return
    ok = _inside(b[:, 0], b[:, 1]) & _inside(b[:, 2], b[:, 3])
    bad = np.flatnonzero(~ok)
    if len(bad) == 0:
        return
    raw_bounds = raw.geometry.bounds.to_numpy(dtype=float)
    crs_name = raw.crs.to_string() if raw.crs is not None else "no CRS"
    hint = "; is the file in another place, or is its CRS wrong?"
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN bounds of empty geometries
        rx0, ry0 = np.nanmin(raw_bounds[:, 0]), np.nanmin(raw_bounds[:, 1])
        rx1, ry1 = np.nanmax(raw_bounds[:, 2]), np.nanmax(raw_bounds[:, 3])
    cx, cy = (rx0 + rx1) / 2, (ry0 + ry1) / 2
    if raw.crs is not None and raw.crs.is_geographic:
        x, y = lonlat_to_rd(np.array([cy]), np.array([cx]))
        if bool(_inside(x, y)[0]):
            hint = "; lon and lat look swapped (axis order of the file?)"
    elif max(abs(rx0), abs(rx1)) <= 180 and max(abs(ry0), abs(ry1)) <= 90:
        hint = (
            f"; the coordinates look like lon/lat degrees, but the file says {crs_name} "
            "(write it with EPSG:4326, or project it)"
        )
    ids = rd["area_id"].astype(str).to_numpy() if "area_id" in rd.columns else None
    for i in bad[:_MAX_LISTED]:
        ident = f" (area_id={ids[i]!r})" if ids is not None else ""
        x0, y0, x1, y1 = b[i]
        problems.append(
            f"{name} row {int(rd.index[i]) + 1}{ident}: geometry ({x0:.0f}, {y0:.0f}) .. "
            f"({x1:.0f}, {y1:.0f}) m lies outside the area of use of EPSG:28992 "
            f"(the Netherlands){hint}"
        )
    if len(bad) > _MAX_LISTED:
        problems.append(f"{name}: {len(bad) - _MAX_LISTED} more areas lie outside it")


# --- scenario funding tables ----------------------------------------------------------------
def check_regime_knobs(
    funding: Mapping[str, Any], behaviour: Mapping[str, Any] | None = None
) -> list[str]:
    """Refuse knobs of the fixed budget in a scenario whose regime is fee-per-DBC.

    Parameters
    ----------
    funding : mapping
        The scenario's ``funding`` table.
    behaviour : mapping, optional
        The scenario's ``behaviour`` table; a budget-only behaviour with a rate above 0
        is refused too.

    Returns
    -------
    list of str
        One problem per foreign knob, located as ``funding.<key>``.
    """
    regime = funding.get("regime", "fee-per-dbc")
    if regime != "fee-per-dbc":
        return []
    problems = [
        f"funding.{k}: a knob of regime 'fixed-budget', but this scenario's regime is "
        f"'fee-per-dbc', which ignores it (set funding.regime = 'fixed-budget', or remove it)"
        for k in funding
        if k in FIXED_BUDGET_KNOBS
    ]
    for k in sorted(FIXED_BUDGET_BEHAVIOUR_KNOBS & set(behaviour or {})):
        table = (behaviour or {})[k]
        rate = table.get("rate", 0) if isinstance(table, Mapping) else 0
        if isinstance(rate, int | float) and rate > 0:
            problems.append(
                f"behaviour.{k}.rate = {rate}: a behaviour of regime 'fixed-budget', but this "
                f"scenario's regime is 'fee-per-dbc', which ignores it (set funding.regime = "
                f"'fixed-budget', or set the rate to 0)"
            )
    return problems


def check_site_refs(
    values: Any, known: Iterable[str], where: str, what: str, problems: list[str]
) -> None:
    """Refuse entries of a list of site ids that are not in ``known``.

    Parameters
    ----------
    values : Any
        The list as given (anything else is left to the schema).
    known : iterable of str
        Valid ids.
    where : str
        Location prefix for messages.
    what : str
        What the ids must be, e.g. ``"an SEH site"``.
    problems : list of str
        Located problems are appended here.
    """
    if not isinstance(values, list | tuple):
        return
    known = sorted(set(known))
    for v in values:
        if str(v) not in known:
            problems.append(
                f"{where}: {v!r} is not {what}{did_you_mean(str(v), known)} "
                f"(known: {', '.join(known)})"
            )
