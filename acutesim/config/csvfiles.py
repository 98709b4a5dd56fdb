"""Read the CSV tables of a region pack (sites, HAPs, ambulance posts) into validated rows.

Positions come as lon/lat (WGS84) or x/y (EPSG:28992) and leave as RD New metres; a
position outside the Netherlands is a located problem (swapped lon and lat).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ValidationError

from acutesim.config import checks
from acutesim.config.textfile import read_csv_table
from acutesim.config.validation import NUMBER_ERRORS, M
from acutesim.errors import did_you_mean

if TYPE_CHECKING:
    pass


# --- CSV -------------------------------------------------------------------------------
def read_csv_rows(
    path: Path, model: type[M], id_column: str, problems: list[str], *, required: bool = True
) -> list[tuple[int, M]]:
    """Read a plain CSV (header first, no comments) and validate each row with ``model``."""
    name = path.name
    if not path.exists() and not required:
        return []
    table = read_csv_table(path, problems)
    if table is None:
        return []
    columns = list(table.header)
    fields = model.model_fields
    required_cols = [
        f for f, info in fields.items() if info.is_required() and f not in ("lon", "lat", "x", "y")
    ]
    missing = [c for c in required_cols if c not in columns]
    for c in missing:
        problems.append(f"{name}: missing column '{c}' (columns found: {', '.join(columns)})")
    has_ll = {"lon", "lat"} <= set(columns)
    has_xy = {"x", "y"} <= set(columns)
    if "lon" in fields and not (has_ll or has_xy):
        problems.append(
            f"{name}: needs columns 'lon' and 'lat' (WGS84) or 'x' and 'y' (EPSG:28992)"
        )
    unknown = [c for c in columns if c not in fields]
    for c in unknown:
        problems.append(f"{name}: unknown column '{c}'{did_you_mean(c, fields)}")
    if missing or unknown:
        return []
    rows: list[tuple[int, M]] = []
    seen: dict[str, int] = {}
    bad_text = checks.check_cells(name, table.rows, id_column, problems)
    for i, rec in table.rows:
        if i in bad_text:
            continue
        data = {k: (None if v.strip() == "" else v.strip()) for k, v in rec.items()}
        data = {k: v for k, v in data.items() if v is not None}
        ident = rec.get(id_column, "")
        where = f"{name} row {i} ({id_column}={ident!r})"
        try:
            row = model.model_validate(data)
        except ValidationError as err:
            for e in err.errors():
                col = next((str(p) for p in e["loc"] if isinstance(p, str)), "")
                msg = e["msg"].removeprefix("Value error, ")
                if e["type"] == "missing":
                    msg = "is empty; a value is required"
                elif e["type"] == "literal_error":
                    allowed = msg.removeprefix("Input should be ")
                    msg = f"is not one of {allowed.replace(' or ', ', ')}"
                elif msg.startswith("Input should"):
                    # "'-3' should be greater than ...", not "'-3' Input should be ..."
                    msg = "should" + msg.removeprefix("Input should")
                value = e.get("input")
                shown = f"{value!r} " if col and not isinstance(value, dict) else ""
                column = f", column '{col}'" if col else ""
                if isinstance(value, str) and e["type"] in NUMBER_ERRORS:
                    msg += checks.localised_number_hint(value)
                problems.append(f"{where}{column}: {shown}{msg}")
            continue
        key = getattr(row, id_column)
        if key in seen:
            problems.append(f"{where}: duplicate {id_column} (first in row {seen[key]})")
            continue
        seen[key] = i
        rows.append((i, row))
    return rows


def to_rd(rows: list[Any]) -> np.ndarray:
    """Return RD New x/y [m] for rows with lon/lat or x/y."""
    xy = np.full((len(rows), 2), np.nan)
    ll_idx = [k for k, r in enumerate(rows) if r.x is None]
    for k, r in enumerate(rows):
        if r.x is not None:
            xy[k] = (r.x, r.y)
    if ll_idx:
        lon = np.array([rows[k].lon for k in ll_idx])
        lat = np.array([rows[k].lat for k in ll_idx])
        x, y = checks.lonlat_to_rd(lon, lat)
        xy[ll_idx, 0], xy[ll_idx, 1] = x, y
    return xy


def check_positions(
    name: str, id_col: str, rows: list[tuple[int, Any]], xy: np.ndarray, problems: list[str]
) -> None:
    """Refuse points of a CSV file outside the area of use of EPSG:28992."""
    given = [
        ("xy", float(r.x), float(r.y))
        if r.x is not None
        else ("lonlat", float(r.lon), float(r.lat))
        for _, r in rows
    ]
    checks.check_points(
        name,
        id_col,
        [str(getattr(r, id_col)) for _, r in rows],
        [i for i, _ in rows],
        given,
        xy,
        problems,
    )
