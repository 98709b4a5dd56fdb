"""A corpus of malformed region packs and experiment files, generated from the demo.

Every case breaks one thing (a column missing, empty, of the wrong type, NaN, inf,
negative, huge or localised; a file empty, not UTF-8, truncated, in the wrong CRS or with
swapped axes; a misspelt key; a value outside the world) and must give exit 2 through
the real entry point, a message naming the file and the row, line or key, no traceback,
and, for ``run``, no results folder and no manifest. The CLI is called in-process.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import DEMO, copy_demo, drop_column, read_rows, set_cell, write_rows

from acutesim import cli

EXPERIMENT = """name = "corpus"
description = "Bad-input corpus."
region = "{region}"
horizon_days = 14
warmup_days = 2
replications = 1
seed = 7

[[scenarios]]
name = "baseline"

[[scenarios]]
name = "budget"
funding = {{ regime = "fixed-budget" }}
"""

SITES = "sites.csv"
POSTS = "ambulance_posts.csv"
HAPS = "haps.csv"
AREAS = "areas.geojson"


@dataclass(frozen=True)
class Case:
    """One malformed input: how to break the demo, and the message it must give."""

    name: str
    file: str
    expect: str  # a regular expression the message must match
    mutate: Callable[[Path], None]
    experiment: bool = False  # the mutation applies to the experiment file


# --- mutations ------------------------------------------------------------------------------
def cell(file: str, ident: str, column: str, value: str) -> Callable[[Path], None]:
    return lambda pack: set_cell(pack / file, ident, column, value)


def no_column(file: str, column: str) -> Callable[[Path], None]:
    return lambda pack: drop_column(pack / file, column)


def replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    def go(pack: Path) -> None:
        path = pack / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return go


def append(file: str, text: str) -> Callable[[Path], None]:
    def go(pack: Path) -> None:
        path = pack / file
        path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")

    return go


def write_bytes(file: str, data: bytes) -> Callable[[Path], None]:
    return lambda pack: (pack / file).write_bytes(data)


def latin1(file: str, word: str) -> Callable[[Path], None]:
    """Write the first letter of ``word`` as Latin-1 'ä' (0xE4), as an old tool would."""

    def go(pack: Path) -> None:
        path = pack / file
        data = path.read_bytes()
        assert word.encode() in data
        path.write_bytes(data.replace(word.encode(), b"\xe4" + word.encode()[1:], 1))

    return go


def set_key(file: str, key: str, value: str | None) -> Callable[[Path], None]:
    """Give the first ``key = ...`` line of a TOML file a new value (None: drop the line)."""

    def go(pack: Path) -> None:
        path = pack / file
        text = path.read_text(encoding="utf-8")
        line = re.compile(rf"^{re.escape(key)}\s*=.*$\n?", re.MULTILINE)
        assert line.search(text), f"no {key} in {file}"
        new = "" if value is None else f"{key} = {value}\n"
        path.write_text(line.sub(new, text, count=1), encoding="utf-8")

    return go


def swap_keys(file: str, a: str, b: str) -> Callable[[Path], None]:
    """Swap the values of the first ``a = ...`` and ``b = ...`` lines of a TOML file."""

    def go(pack: Path) -> None:
        path = pack / file
        text = path.read_text(encoding="utf-8")
        va = re.search(rf"^{a}\s*=\s*(.*)$", text, re.MULTILINE)
        vb = re.search(rf"^{b}\s*=\s*(.*)$", text, re.MULTILINE)
        assert va is not None
        assert vb is not None
        set_key(file, a, vb.group(1))(pack)
        set_key(file, b, va.group(1))(pack)

    return go


def truncate(file: str, marker: str) -> Callable[[Path], None]:
    """Cut the file just after the last ``marker``, as an interrupted copy would."""

    def go(pack: Path) -> None:
        path = pack / file
        data = path.read_bytes()
        cut = data.rindex(marker.encode()) + len(marker)
        path.write_bytes(data[:cut])

    return go


def area_property(key: str, value: object, feature: int = 0) -> Callable[[Path], None]:
    def go(pack: Path) -> None:
        path = pack / AREAS
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["features"][feature]["properties"][key] = value
        path.write_text(json.dumps(doc), encoding="utf-8")

    return go


def area_raw_population(token: str) -> Callable[[Path], None]:
    """Write the first area's population as a raw JSON token (NaN, Infinity)."""
    return replace(AREAS, '"population": 594,', f'"population": {token},')


def drop_area_property(key: str) -> Callable[[Path], None]:
    def go(pack: Path) -> None:
        path = pack / AREAS
        doc = json.loads(path.read_text(encoding="utf-8"))
        for f in doc["features"]:
            f["properties"].pop(key, None)
        path.write_text(json.dumps(doc), encoding="utf-8")

    return go


def area_coordinates(fn: Callable[[float, float], tuple[float, float]]) -> Callable[[Path], None]:
    def go(pack: Path) -> None:
        path = pack / AREAS
        doc = json.loads(path.read_text(encoding="utf-8"))

        def walk(c: list) -> list:
            if c and isinstance(c[0], int | float):
                return list(fn(c[0], c[1]))
            return [walk(x) for x in c]

        for f in doc["features"]:
            f["geometry"]["coordinates"] = walk(f["geometry"]["coordinates"])
        path.write_text(json.dumps(doc), encoding="utf-8")

    return go


def crs_label(label: str) -> Callable[[Path], None]:
    return replace(AREAS, "urn:ogc:def:crs:OGC:1.3:CRS84", label)


def swap_columns(file: str) -> Callable[[Path], None]:
    """Swap the lon and lat values of every row (the header stays)."""

    def go(pack: Path) -> None:
        rows = read_rows(pack / file)
        lon, lat = rows[0].index("lon"), rows[0].index("lat")
        for r in rows[1:]:
            r[lon], r[lat] = r[lat], r[lon]
        write_rows(pack / file, rows)

    return go


# --- the corpus -----------------------------------------------------------------------------
def _row(file: str, row: int, id_col: str, ident: str, column: str | None = None) -> str:
    loc = rf"{re.escape(file)} row {row} \({id_col}='{ident}'\)"
    return loc + (rf", columns? '[^']*{column}" if column else "")


SITE_ROW = {"noord_hoofd": 1, "noord_dag": 2, "centraal": 3, "kust": 4}
# every numeric column of every CSV, with the row it is broken in
NUMERIC = [
    (SITES, "site_id", "kust", "lon"),
    (SITES, "site_id", "kust", "lat"),
    (SITES, "site_id", "kust", "acute_beds"),
    (SITES, "site_id", "noord_dag", "open_hour"),
    (SITES, "site_id", "noord_dag", "close_hour"),
    (POSTS, "post_id", "p03", "lon"),
    (POSTS, "post_id", "p03", "lat"),
    (POSTS, "post_id", "p03", "vehicles_day"),
    (POSTS, "post_id", "p03", "vehicles_evening"),
    (POSTS, "post_id", "p03", "vehicles_night"),
    (HAPS, "hap_id", "hap_strandhoorn", "lon"),
    (HAPS, "hap_id", "hap_strandhoorn", "lat"),
]
POST_ROW = {"p03": 3}
OPTIONAL_COLUMNS = ("open_hour", "close_hour")
BAD_NUMBERS = {
    "wrong_type": "abc",
    "nan": "nan",
    "inf": "inf",
    "negative": "-5",
    "huge": "1e20",
    "localised": "1.234,5",
}
# lon, lat, open/close hours are floats: '1.234' is a valid number there, but one of
# these decimals with a comma is not
LOCALISED_INT = "1.234"


def _numeric_cases() -> list[Case]:
    cases = []
    for file, id_col, ident, column in NUMERIC:
        row = (
            SITE_ROW.get(ident) if file == SITES else POST_ROW.get(ident, 1) if file == POSTS else 1
        )
        values = dict(BAD_NUMBERS)
        if column in ("acute_beds", "vehicles_day", "vehicles_evening", "vehicles_night"):
            values["localised"] = LOCALISED_INT
        else:
            values["localised"] = "5,5"
        if column in ("lon", "lat", "acute_beds") or column.startswith("vehicles"):
            values["empty"] = ""
        for kind, value in values.items():
            cases.append(
                Case(
                    f"{file}:{column}:{kind}",
                    file,
                    _row(file, row, id_col, ident, None if kind == "empty" else column),
                    cell(file, ident, column, value),
                )
            )
        if column in OPTIONAL_COLUMNS:
            continue  # a missing optional column is valid: the default applies
        cases.append(
            Case(
                f"{file}:{column}:missing",
                file,
                rf"{re.escape(file)}(: missing column '{column}'|: needs columns)",
                no_column(file, column),
            )
        )
    return cases


TEXT_COLUMNS = [
    (SITES, "site_id", "kust", 4, "name"),
    (SITES, "site_id", "kust", 4, "organisation"),
    (SITES, "site_id", "kust", 4, "roster"),
    (POSTS, "post_id", "p03", 3, "name"),
    (HAPS, "hap_id", "hap_strandhoorn", 1, "name"),
    (HAPS, "hap_id", "hap_strandhoorn", 1, "roster"),
]


def _text_cases() -> list[Case]:
    cases = []
    for file, id_col, ident, row, column in TEXT_COLUMNS:
        loc = _row(file, row, id_col, ident)
        cases += [
            Case(f"{file}:{column}:empty", file, loc, cell(file, ident, column, "")),
            Case(
                f"{file}:{column}:bidi",
                file,
                _row(file, row, id_col, ident, column) + r".*U\+202E",
                cell(file, ident, column, "Kust\u202eziekenhuis"),
            ),
            Case(
                f"{file}:{column}:control",
                file,
                _row(file, row, id_col, ident, column) + r".*control character",
                cell(file, ident, column, "Kust\x07"),
            ),
        ]
    return cases


OTHER_CSV = [
    Case(
        "sites:seh:wrong",
        SITES,
        _row(SITES, 4, "site_id", "kust", "seh"),
        cell(SITES, "kust", "seh", "daytime"),
    ),
    Case(
        "sites:seh:empty",
        SITES,
        _row(SITES, 4, "site_id", "kust", "seh"),
        cell(SITES, "kust", "seh", ""),
    ),
    Case("sites:seh:missing", SITES, r"sites\.csv: missing column 'seh'", no_column(SITES, "seh")),
    Case(
        "sites:hap:wrong_type",
        SITES,
        _row(SITES, 4, "site_id", "kust", "hap"),
        cell(SITES, "kust", "hap", "maybe"),
    ),
    Case(
        "sites:av:wrong_type",
        SITES,
        _row(SITES, 4, "site_id", "kust", "av"),
        cell(SITES, "kust", "av", "2"),
    ),
    Case(
        "sites:site_id:pattern",
        SITES,
        r"sites\.csv row 4 \(site_id='Kust Zh'\), column 'site_id'",
        cell(SITES, "kust", "site_id", "Kust Zh"),
    ),
    Case(
        "sites:site_id:duplicate",
        SITES,
        r"sites\.csv row 4 \(site_id='centraal'\): duplicate",
        cell(SITES, "kust", "site_id", "centraal"),
    ),
    Case(
        "sites:roster:unknown",
        SITES,
        r"sites\.csv row 4 \(site_id='kust'\): roster 'seh_smal'.*did you mean 'seh_small'",
        cell(SITES, "kust", "roster", "seh_smal"),
    ),
    Case(
        "sites:unknown_column",
        SITES,
        r"sites\.csv: unknown column 'acute_bed'",
        replace(SITES, "acute_beds", "acute_bed"),
    ),
    Case(
        "sites:semicolons",
        SITES,
        r"sites\.csv line 1: columns are separated by ';'",
        lambda p: (p / SITES).write_text((p / SITES).read_text().replace(",", ";")),
    ),
    Case(
        "sites:swapped_axes",
        SITES,
        r"sites\.csv row 1 \(site_id='noord_hoofd'\), columns 'lon, lat'.*lon and lat look swapped",
        swap_columns(SITES),
    ),
    Case(
        "sites:xy_in_degrees",
        SITES,
        r"sites\.csv row 4 \(site_id='kust'\), columns 'x, y'.*look like lon/lat degrees",
        lambda p: replace(SITES, "lon,lat", "x,y")(p),
    ),
    Case(
        "posts:swapped_axes",
        POSTS,
        r"ambulance_posts\.csv row 1 \(post_id='p01'\), columns 'lon, lat'.*look swapped",
        swap_columns(POSTS),
    ),
    Case(
        "haps:swapped_axes",
        HAPS,
        r"haps\.csv row 1 \(hap_id='hap_strandhoorn'\), columns 'lon, lat'.*look swapped",
        swap_columns(HAPS),
    ),
    Case(
        "posts:availability:wrong",
        POSTS,
        _row(POSTS, 3, "post_id", "p03", "availability"),
        cell(POSTS, "p03", "availability", "nights"),
    ),
    Case(
        "posts:asia",
        POSTS,
        _row(POSTS, 3, "post_id", "p03", "lon") + r".*outside the area of use of EPSG:28992",
        cell(POSTS, "p03", "lon", "105.4"),
    ),
]
# 'x,y' header with degree values: every row fails; the assert names row 4 (kust)

AREA_CASES = [
    Case(
        "areas:population:missing",
        AREAS,
        r"areas\.geojson: missing column 'population'",
        drop_area_property("population"),
    ),
    Case(
        "areas:population:empty",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'population'",
        area_property("population", ""),
    ),
    Case(
        "areas:population:wrong_type",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'population'.*not a number",
        area_property("population", "veel"),
    ),
    Case(
        "areas:population:nan",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'population'",
        area_raw_population("NaN"),
    ),
    Case(
        "areas:population:inf",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'population'",
        area_raw_population("Infinity"),
    ),
    Case(
        "areas:population:negative",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'population'.*negative",
        area_property("population", -5),
    ),
    Case(
        "areas:population:huge",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'population'.*exceeds 20,000,000",
        area_property("population", 1e20),
    ),
    Case(
        "areas:population:localised",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'population'.*thousands separator",
        area_property("population", "1.234"),
    ),
    Case(
        "areas:population:fraction",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'population'.*whole number",
        area_property("population", 594.5),
    ),
    Case(
        "areas:age_band:localised",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'pop_age_0_64'.*thousands separator",
        area_property("pop_age_0_64", "1.438"),
    ),
    Case(
        "areas:age_band:negative",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'pop_age_75_plus'.*negative",
        area_property("pop_age_75_plus", -69),
    ),
    Case(
        "areas:road_access:wrong_type",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'road_access': 'ja' is not true or "
        r"false",
        area_property("road_access", "ja"),
    ),
    Case(
        "areas:area_id:missing",
        AREAS,
        r"areas\.geojson: missing column 'area_id'",
        drop_area_property("area_id"),
    ),
    Case(
        "areas:area_id:duplicate",
        AREAS,
        r"areas\.geojson row 2 \(area_id='a01'\): duplicate area_id",
        area_property("area_id", "a01", feature=1),
    ),
    Case(
        "areas:name:bidi",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\), column 'name'.*U\+202E",
        area_property("name", "Alde\u202ebrug"),
    ),
    Case(
        "areas:zone:unknown",
        AREAS,
        r"areas\.geojson: zone 'eilnd' has no \[\[ferries\]\]",
        area_property("zone", "eilnd"),
    ),
    Case(
        "areas:wrong_crs",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\).*look like lon/lat degrees, "
        r"but the file says EPSG:28992",
        crs_label("urn:ogc:def:crs:EPSG::28992"),
    ),
    Case(
        "areas:swapped_axes",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\).*lon and lat look swapped",
        area_coordinates(lambda x, y: (y, x)),
    ),
    Case(
        "areas:shifted_to_asia",
        AREAS,
        r"areas\.geojson row 1 \(area_id='a01'\).*outside the area of use of EPSG:28992",
        area_coordinates(lambda x, y: (x + 100.0, y)),
    ),
    Case(
        "areas:truncated",
        AREAS,
        r"areas\.geojson: cannot be read as a vector layer",
        truncate(AREAS, '"population": 594,'),
    ),
]

TOML_CASES = [
    Case(
        "region:unknown_key",
        "region.toml",
        r"region\.toml: unknown key 'start_dat'; did you mean 'start_date'",
        replace("region.toml", "start_date =", "start_dat ="),
    ),
    Case(
        "region:start_date:far",
        "region.toml",
        r"region\.toml \[start_date\].*9999-12-25",
        set_key("region.toml", "start_date", "9999-12-25"),
    ),
    Case(
        "region:treatment:partial",
        "region.toml",
        r"region\.toml \[seh\].*treatment is incomplete: missing 'orange'",
        append("region.toml", "[seh.treatment.red]\nfamily = 'fixed'\nmean_minutes = 100"),
    ),
    Case(
        "region:treatment:inf",
        "region.toml",
        r"region\.toml \[seh\.treatment\.red\.mean_minutes\]: inf is not a finite number",
        append("region.toml", "[seh.treatment.red]\nfamily = 'fixed'\nmean_minutes = inf"),
    ),
    Case(
        "region:triage:shift_nan",
        "region.toml",
        r"region\.toml \[seh\.triage\.shift_minutes\]: nan",
        append(
            "region.toml", "[seh.triage]\nfamily = 'fixed'\nmean_minutes = 5\nshift_minutes = nan"
        ),
    ),
    Case(
        "region:admission_share:negative",
        "region.toml",
        r"region\.toml \[seh\.admission_share\.red\]",
        append(
            "region.toml",
            "[seh.admission_share]\nred = -3\norange = 0.6\nyellow = 0.3\ngreen = 0.1\nblue = 0.0",
        ),
    ),
    Case(
        "region:urgency_shares:negative",
        "region.toml",
        r"region\.toml \[ambulance\.urgency_shares\.A2\]",
        append("region.toml", "[ambulance.urgency_shares]\nA1 = 1.2\nA2 = -0.1\nB = -0.1"),
    ),
    Case(
        "region:conveyance:five",
        "region.toml",
        r"region\.toml \[ambulance\.conveyance_share\.A1\].*\(got 5\)",
        append("region.toml", "[ambulance.conveyance_share]\nA1 = 5\nA2 = 0.3\nB = 0"),
    ),
    Case(
        "region:stream_rate:huge",
        "region.toml",
        r"region\.toml \[demand\.streams\.amb\.rate_per_1000_per_year\]",
        append(
            "region.toml",
            "[demand.streams.amb]\nroute = 'ambulance'\nrate_per_1000_per_year = 1e20\n"
            "profile = 'ambulance'",
        ),
    ),
    Case(
        "region:on_scene:hours_as_minutes",
        "region.toml",
        r"region\.toml \[ambulance\.on_scene\.mean_minutes\].*less than or equal to 525960",
        append("region.toml", "[ambulance.on_scene]\nfamily = 'fixed'\nmean_minutes = 1e9"),
    ),
    Case(
        "region:ferry:crossing_negative",
        "region.toml",
        r"region\.toml \[ferries\[0\]\.crossing_minutes\]",
        set_key("region.toml", "crossing_minutes", "-45"),
    ),
    Case(
        "region:ferry:nan",
        "region.toml",
        r"region\.toml \[ferries\[0\]\.terminal_lon\]: nan is not a finite number",
        set_key("region.toml", "terminal_lon", "nan"),
    ),
    Case(
        "region:ferry:incomplete",
        "region.toml",
        r"region\.toml \[ferries\[0\] zone='eiland'\]: needs port_lon and port_lat",
        set_key("region.toml", "port_lat", None),
    ),
    Case(
        "region:ferry:swapped",
        "region.toml",
        r"region\.toml \[ferries\[0\] zone='eiland'\] terminal.*lon and lat look swapped",
        swap_keys("region.toml", "terminal_lon", "terminal_lat"),
    ),
    Case(
        "region:ferry:zone",
        "region.toml",
        r"region\.toml \[ferries\[0\] zone='eilnd'\]: no area has zone 'eilnd'; "
        r"did you mean 'eiland'",
        replace("region.toml", 'zone = "eiland"', 'zone = "eilnd"'),
    ),
    Case(
        "region:organisation:reserves",
        "region.toml",
        r"region\.toml \[organisations\.kust\.reserves_eur\]",
        append("region.toml", "[organisations.kust]\nreserves_eur = 'lots'"),
    ),
    Case(
        "region:organisation:unknown",
        "region.toml",
        r"region\.toml \[organisations\.kustt\]: no site of sites\.csv belongs to it; "
        r"did you mean 'kust'",
        append("region.toml", "[organisations.kustt]\nname = 'Kust'"),
    ),
    Case(
        "region:age_band:unknown",
        "region.toml",
        r"region\.toml \[demand\.age_weights\]: 'pop_age_75plus' is not a column of "
        r"areas\.geojson; did you mean 'pop_age_75_plus'",
        append("region.toml", "[demand.age_weights]\npop_age_0_64 = 1.0\npop_age_75plus = 3.0"),
    ),
    Case(
        "sites:zone:unknown",
        SITES,
        r"sites\.csv row 4 \(site_id='kust'\), column 'zone': 'eilnd' is not a zone of "
        r"areas\.geojson; did you mean 'eiland'",
        lambda p: _add_zone_column(p),
    ),
    Case(
        "region:description:bidi",
        "region.toml",
        r"region\.toml \[description\].*U\+202E",
        replace("region.toml", 'description = "Synthetic', 'description = "\u202eSynthetic'),
    ),
    Case(
        "region:truncated",
        "region.toml",
        r"region\.toml: not valid TOML: .*line \d+.*truncated",
        truncate("region.toml", "crossing_minutes ="),
    ),
    Case(
        "rosters:staff:negative",
        "rosters.toml",
        r"rosters\.toml \[seh_large\] \[shifts\[0\]\.staff\.seh_physician\]",
        replace("rosters.toml", "staff = { seh_physician = 3", "staff = { seh_physician = -3"),
    ),
    Case(
        "rosters:slots:inf",
        "rosters.toml",
        r"rosters\.toml \[seh_large\.roles\.seh_physician\.slots_per_staff\]: inf",
        set_key("rosters.toml", "slots_per_staff", "inf"),
    ),
    Case(
        "rosters:start_hour:25",
        "rosters.toml",
        r"rosters\.toml \[seh_large\] \[shifts\[0\]\.start_hour\]",
        set_key("rosters.toml", "start_hour", "25"),
    ),
    Case(
        "rosters:unknown_key",
        "rosters.toml",
        r"rosters\.toml \[seh_large\] \[roles\.seh_physician\]: unknown key 'min_staf'",
        replace("rosters.toml", "min_staff = 1", "min_staf = 1"),
    ),
    Case(
        "rosters:truncated",
        "rosters.toml",
        r"rosters\.toml: not valid TOML",
        truncate("rosters.toml", "staff = { seh_physician = 3,"),
    ),
    Case(
        "finance:unknown_key",
        "finance.toml",
        r"finance\.toml \[costs\]: unknown key 'fixed_eur_per_seh_per_yr'; "
        r"did you mean 'fixed_eur_per_seh_per_year'",
        replace("finance.toml", "fixed_eur_per_seh_per_year", "fixed_eur_per_seh_per_yr"),
    ),
    Case(
        "finance:cost:inf",
        "finance.toml",
        r"finance\.toml \[costs\.fixed_eur_per_seh_per_year\]: inf is not a finite number",
        set_key("finance.toml", "fixed_eur_per_seh_per_year", "inf"),
    ),
    Case(
        "finance:tariff:nan",
        "finance.toml",
        r"finance\.toml \[tariffs\.admission_eur\]: nan",
        set_key("finance.toml", "admission_eur", "nan"),
    ),
    Case(
        "finance:site:unknown",
        "finance.toml",
        r"finance\.toml \[sites\.kusst\]: unknown id 'kusst'; did you mean 'kust'",
        append("finance.toml", "[sites.kusst]\nfixed_eur_per_year = 1"),
    ),
    Case(
        "finance:truncated",
        "finance.toml",
        r"finance\.toml: not valid TOML",
        truncate("finance.toml", "admission_eur ="),
    ),
]


def _file_cases() -> list[Case]:
    cases = []
    for file, word in (
        ("region.toml", "Synthetic coastal"),
        ("rosters.toml", "Staff rosters"),
        ("finance.toml", "Tariffs and costs"),
        (SITES, "Kustziekenhuis"),
        (POSTS, "Ammerstad"),
        (HAPS, "HAP Strandhoorn"),
        (AREAS, "Aldebrug"),
    ):
        esc = re.escape(file)
        cases.append(
            Case(f"{file}:empty", file, rf"{esc}: the file is empty", write_bytes(file, b""))
        )
        cases.append(
            Case(
                f"{file}:not_utf8",
                file,
                rf"{esc} line \d+: not UTF-8",
                latin1(file, word),
            )
        )
    for file, marker in ((SITES, "kust,kust,Kust"), (POSTS, "p05,"), (HAPS, "hap_strandhoorn,HAP")):
        cases.append(
            Case(
                f"{file}:truncated",
                file,
                rf"{re.escape(file)} row \d+ \(line \d+\): \d+ fields, the header has",
                truncate(file, marker),
            )
        )
    return cases


EXPERIMENT_CASES = [
    Case(
        "exp:empty",
        "corpus.toml",
        r"corpus\.toml: the file is empty",
        lambda e: e.write_bytes(b""),
        True,
    ),
    Case(
        "exp:not_utf8",
        "corpus.toml",
        r"corpus\.toml line 2: not UTF-8",
        lambda e: e.write_bytes(e.read_bytes().replace(b"Bad-input", b"B\xe4d-input")),
        True,
    ),
    Case(
        "exp:truncated",
        "corpus.toml",
        r"corpus\.toml: not valid TOML",
        lambda e: e.write_bytes(e.read_bytes()[:-30]),
        True,
    ),
    Case(
        "exp:unknown_key",
        "corpus.toml",
        r"corpus\.toml: unknown key 'warmup_day'; did you mean 'warmup_days'",
        lambda e: _sub(e, "warmup_days", "warmup_day"),
        True,
    ),
    Case(
        "exp:horizon:nan",
        "corpus.toml",
        r"corpus\.toml \[horizon_days\]: nan",
        lambda e: _sub(e, "horizon_days = 14", "horizon_days = nan"),
        True,
    ),
    Case(
        "exp:horizon:inf",
        "corpus.toml",
        r"corpus\.toml \[horizon_days\]: inf",
        lambda e: _sub(e, "horizon_days = 14", "horizon_days = inf"),
        True,
    ),
    Case(
        "exp:horizon:negative",
        "corpus.toml",
        r"corpus\.toml \[horizon_days\]",
        lambda e: _sub(e, "horizon_days = 14", "horizon_days = -14"),
        True,
    ),
    Case(
        "exp:horizon:wrong_type",
        "corpus.toml",
        r"corpus\.toml \[horizon_days\]",
        lambda e: _sub(e, "horizon_days = 14", "horizon_days = 'two weeks'"),
        True,
    ),
    Case(
        "exp:horizon:huge",
        "corpus.toml",
        r"corpus\.toml \[horizon_days\]: 1e\+20 days from the region's start_date 2026-01-05 "
        r"end after 2100-12-31",
        lambda e: _sub(e, "horizon_days = 14", "horizon_days = 1e20"),
        True,
    ),
    Case(
        "exp:replications:zero",
        "corpus.toml",
        r"corpus\.toml \[replications\]",
        lambda e: _sub(e, "replications = 1", "replications = 0"),
        True,
    ),
    Case(
        "exp:seed:negative",
        "corpus.toml",
        r"corpus\.toml \[seed\]",
        lambda e: _sub(e, "seed = 7", "seed = -7"),
        True,
    ),
    Case(
        "exp:demand:localised",
        "corpus.toml",
        r"corpus\.toml \[scenarios\[0\]\.demand_multiplier\]",
        lambda e: _sub(e, 'name = "baseline"', 'name = "baseline"\ndemand_multiplier = "1,5"'),
        True,
    ),
    Case(
        "exp:closed_sites:unknown",
        "corpus.toml",
        r"corpus\.toml \[scenario 'baseline'\] closed_sites: unknown site_id 'kus'",
        lambda e: _sub(e, 'name = "baseline"', 'name = "baseline"\nclosed_sites = ["kus"]'),
        True,
    ),
    Case(
        "exp:sensitive_sites:misspelt",
        "corpus.toml",
        r"corpus\.toml \[scenario 'budget'\] funding\.sensitive_sites: 'kustt' is not an "
        r"SEH site.*did you mean 'kust'",
        lambda e: _sub(
            e,
            '{ regime = "fixed-budget" }',
            '{ regime = "fixed-budget", sensitive_sites = ["kustt"] }',
        ),
        True,
    ),
    Case(
        "exp:regime:foreign_knob",
        "corpus.toml",
        r"corpus\.toml \[scenario 'baseline'\] funding\.budget_eur_per_year: "
        r"a knob of regime 'fixed-budget'",
        lambda e: _sub(
            e, 'name = "baseline"', 'name = "baseline"\nfunding = { budget_eur_per_year = 5e6 }'
        ),
        True,
    ),
    Case(
        "exp:phases:foreign_knob",
        "corpus.toml",
        r"corpus\.toml \[scenario 'budget'\] funding\.phases\[0\]\.schoning: "
        r"a knob of regime 'fixed-budget'",
        lambda e: _sub(
            e,
            '{ regime = "fixed-budget" }',
            '{ phases = [{ regime = "fee-per-dbc", schoning = "total" }] }',
        ),
        True,
    ),
    Case(
        "exp:regime:misspelt",
        "corpus.toml",
        r"corpus\.toml \[scenario 'budget'\] funding\.regime: 'fixed-budgt' is not one of",
        lambda e: _sub(e, '"fixed-budget"', '"fixed-budgt"'),
        True,
    ),
    Case(
        "exp:funding:unknown_key",
        "corpus.toml",
        r"corpus\.toml \[scenario 'budget'\] funding: unknown key 'schonig'; "
        r"did you mean 'schoning'",
        lambda e: _sub(
            e, '{ regime = "fixed-budget" }', '{ regime = "fixed-budget", schonig = "total" }'
        ),
        True,
    ),
    Case(
        "exp:funding:budget_inf",
        "corpus.toml",
        r"corpus\.toml \[scenarios\[1\]\.funding\.budget_eur_per_year\]: inf",
        lambda e: _sub(
            e,
            '{ regime = "fixed-budget" }',
            '{ regime = "fixed-budget", budget_eur_per_year = inf }',
        ),
        True,
    ),
    Case(
        "exp:switch_date:far",
        "corpus.toml",
        r"corpus\.toml \[scenarios\[1\]\.funding\.switch_date\]: date 9999-12-25",
        lambda e: _sub(
            e,
            '{ regime = "fixed-budget" }',
            '{ regime = "fixed-budget", switch_date = 9999-12-25 }',
        ),
        True,
    ),
    Case(
        "exp:description:control",
        "corpus.toml",
        r"corpus\.toml \[scenarios\[0\]\.description\].*control character",
        lambda e: _sub(e, 'name = "baseline"', 'name = "baseline"\ndescription = "a\\u0007b"'),
        True,
    ),
    Case(
        "exp:inherits:unknown",
        "corpus.toml",
        r"corpus\.toml \[scenarios\[1\] name='budget'\]: inherits 'baselin'",
        lambda e: _sub(e, 'name = "budget"', 'name = "budget"\ninherits = "baselin"'),
        True,
    ),
    Case(
        "exp:volmelding:inverted",
        "corpus.toml",
        r"corpus\.toml \[scenario 'baseline'\] volmelding: the off threshold 0\.8 \(region\.toml "
        r"\[seh\] volmelding_off_share\) must be below the on threshold 0\.5",
        lambda e: _sub(e, 'name = "baseline"', 'name = "baseline"\nvolmelding_on_share = 0.5'),
        True,
    ),
    Case(
        "exp:grid:unknown_knob",
        "corpus.toml",
        r"corpus\.toml \[grid\.knobs\]: unknown knob 'demand_multiplyer'",
        lambda e: e.write_text(
            e.read_text() + "\n[grid]\nknobs = { demand_multiplyer = [1.0, 1.1] }\n"
        ),
        True,
    ),
    Case(
        "exp:region:missing",
        "corpus.toml",
        r"corpus\.toml \[region\]: region pack .* is invalid",
        lambda e: _sub(e, "region = ", 'region = "/nonexistent" #'),
        True,
    ),
    Case(
        "exp:bad_pack",
        "corpus.toml",
        r"corpus\.toml \[region\].*\n.*sites\.csv row 4 \(site_id='kust'\), column 'acute_beds'",
        lambda e: _bad_pack_for(e),
        True,
    ),
]


def _add_zone_column(pack: Path) -> None:
    rows = read_rows(pack / SITES)
    rows[0].append("zone")
    for r in rows[1:]:
        r.append("eilnd" if r[0] == "kust" else "")
    write_rows(pack / SITES, rows)


def _sub(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _bad_pack_for(experiment: Path) -> None:
    pack = copy_demo(experiment.parent, "badpack")
    set_cell(pack / SITES, "kust", "acute_beds", "-3")
    _sub(experiment, f'region = "{DEMO.as_posix()}"', f'region = "{pack.as_posix()}"')


PACK_CASES = [
    *_numeric_cases(),
    *_text_cases(),
    *OTHER_CSV,
    *AREA_CASES,
    *TOML_CASES,
    *_file_cases(),
]
ALL_CASES = [*PACK_CASES, *EXPERIMENT_CASES]
# ``run`` is checked on every experiment case and on every fourth pack case.
RUN_CASES = {c.name for c in PACK_CASES[::4]} | {c.name for c in EXPERIMENT_CASES}


def call_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: object
) -> tuple[int, str]:
    """Run the real entry point in this process; return its exit code and stderr."""
    monkeypatch.setattr(sys, "argv", ["acutesim", *map(str, args)])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.err


# A message locates the problem: a row or line, a [key], a named column or key, or the
# whole file (empty; a column missing from every row).
LOCATED = re.compile(
    r"row \d+|line \d+|\[[^\]]+\]|(missing|unknown) (column|key) '"
    r"|the file is empty|: needs columns"
)


def _assert_refused(code: int, err: str, case: Case) -> None:
    assert code == 2, f"{case.name}: exit {code}\n{err}"
    assert "Traceback" not in err, err
    assert err.startswith("acutesim: "), err
    assert case.file in err, f"{case.name}: message does not name {case.file}\n{err}"
    assert LOCATED.search(err), f"{case.name}: no row, line or key in\n{err}"
    assert re.search(case.expect, err), f"{case.name}: {case.expect!r} not in\n{err}"


def test_the_corpus_is_large_enough():
    assert len(ALL_CASES) >= 80
    assert len({c.name for c in ALL_CASES}) == len(ALL_CASES)


@pytest.mark.parametrize("case", PACK_CASES, ids=lambda c: c.name)
def test_bad_pack_is_refused_by_region_validate(case, tmp_path, monkeypatch, capsys):
    pack = copy_demo(tmp_path)
    case.mutate(pack)
    code, err = call_cli(monkeypatch, capsys, "region", "validate", pack)
    _assert_refused(code, err, case)
    if case.name in RUN_CASES:
        experiment = tmp_path / "corpus.toml"
        experiment.write_text(EXPERIMENT.format(region=pack.as_posix()), encoding="utf-8")
        out = tmp_path / "results"
        code, err = call_cli(monkeypatch, capsys, "run", experiment, "--out", out, "--workers", "1")
        _assert_refused(code, err, case)
        assert not out.exists(), "a refused run must not create its results folder"


@pytest.mark.parametrize("case", EXPERIMENT_CASES, ids=lambda c: c.name)
def test_bad_experiment_is_refused_by_run(case, tmp_path, monkeypatch, capsys):
    experiment = tmp_path / "corpus.toml"
    experiment.write_text(EXPERIMENT.format(region=DEMO.as_posix()), encoding="utf-8")
    case.mutate(experiment)
    out = tmp_path / "results"
    code, err = call_cli(monkeypatch, capsys, "run", experiment, "--out", out, "--workers", "1")
    _assert_refused(code, err, case)
    assert not out.exists(), "a refused run must not create its results folder"
    assert not (out / "manifest.json").exists()


def test_the_unbroken_corpus_base_is_valid(tmp_path, monkeypatch, capsys):
    """The template experiment is valid, so each case fails for its own reason."""
    from acutesim.config.load import load_experiment

    experiment = tmp_path / "corpus.toml"
    experiment.write_text(EXPERIMENT.format(region=DEMO.as_posix()), encoding="utf-8")
    exp, _ = load_experiment(experiment)
    assert [s.name for s in exp.scenarios] == ["baseline", "budget"]
    code, err = call_cli(monkeypatch, capsys, "region", "validate", copy_demo(tmp_path))
    assert code == 0, err


def test_a_byte_order_mark_is_simply_read(tmp_path, monkeypatch, capsys):
    """Excel writes UTF-8 with a BOM: every text file of the pack still reads."""
    pack = copy_demo(tmp_path)
    for name in ("region.toml", "rosters.toml", "finance.toml", SITES, POSTS, HAPS, AREAS):
        path = pack / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    experiment = tmp_path / "corpus.toml"
    experiment.write_bytes(b"\xef\xbb\xbf" + EXPERIMENT.format(region=pack.as_posix()).encode())
    code, err = call_cli(monkeypatch, capsys, "region", "validate", pack)
    assert code == 0, err
    assert "250,000 inhabitants in 40 areas, 4 SEHs (3 24/7)" in err
    from acutesim.config.load import load_experiment

    exp, region = load_experiment(experiment)
    assert exp.name == "corpus"
    assert region.sites[0].site_id == "noord_hoofd"
    out = tmp_path / "results"
    code, err = call_cli(
        monkeypatch, capsys, "run", experiment, "--out", out, "--workers", "1", "--horizon-days", 2
    )
    assert code == 0, err
    assert (out / "manifest.json").exists()
    assert "2 task(s) run" in err


def test_region_validate_and_run_list_the_same_problems(tmp_path, monkeypatch, capsys):
    """``run`` reports every problem of its pack that ``region validate`` reports."""
    pack = copy_demo(tmp_path)
    for name in ("sites.csv:acute_beds:localised", "finance:unknown_key", "areas:swapped_axes"):
        next(c for c in PACK_CASES if c.name == name).mutate(pack)
    code, validate_err = call_cli(monkeypatch, capsys, "region", "validate", pack)
    assert code == 2
    problems = [line.strip() for line in validate_err.splitlines()[1:] if line.strip()]
    assert len(problems) == 8  # one site, one finance key, five areas and "1 more"
    experiment = tmp_path / "corpus.toml"
    experiment.write_text(EXPERIMENT.format(region=pack.as_posix()), encoding="utf-8")
    code, run_err = call_cli(monkeypatch, capsys, "run", experiment, "--out", tmp_path / "out")
    assert code == 2
    assert [p for p in problems if p not in run_err] == []
    assert not (tmp_path / "out").exists()
