"""Exports where users work: CSV (English or Dutch locale), Excel workbook and GeoPackages.

Policy staff open results in Excel and QGIS, not in Python. ``summary.csv`` opens in
an English Excel as it is; Dutch Excel expects semicolons and decimal commas, so the
Dutch variant is written on request. ``summary.xlsx`` holds every table of the
summary, one sheet each, with units in the headers, and ``reach/<scenario>.gpkg``
holds the static 45-minute norm of each scenario at the end of the horizon (areas with
minutes and the beyond flag, sites with their status, posts) for QGIS.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from acutesim.analysis.closures import site_closures
from acutesim.atomic import atomic_write_bytes
from acutesim.errors import ConfigError
from acutesim.kpi import unit_of
from acutesim.report.data import ResultsData
from acutesim.units import MINUTES_PER_DAY

if TYPE_CHECKING:
    from acutesim.domain.region import Region

CSV_LOCALES: dict[str, tuple[str, str]] = {"en": (",", "."), "nl": (";", ",")}
CSV_FLOAT_FORMAT = "%.6g"  # six significant digits: more than any interval supports
XLSX_SHEETS: tuple[str, ...] = ("summary", "means", "differences", "closures", "reach")


def summary_frame(data: ResultsData) -> pd.DataFrame:
    """The comparison table with ``unit`` and ``baseline`` columns (as in summary.csv)."""
    table = data.table.copy()
    table.insert(2, "unit", [unit_of(k) for k in table["kpi"]])
    table.insert(3, "baseline", data.baseline)
    return table


def summary_csv(data: ResultsData, locale: str = "en") -> str:
    """The comparison table with units as CSV text.

    Parameters
    ----------
    data : ResultsData
        The loaded results.
    locale : {"en", "nl"}
        ``en``: comma-separated, decimal point; ``nl``: semicolon-separated, decimal
        comma (what Dutch Excel expects).

    Returns
    -------
    str
        CSV with six significant digits per number.

    Raises
    ------
    ConfigError
        On an unknown locale.
    """
    sep, decimal = check_csv_locale(locale)
    return summary_frame(data).to_csv(
        index=False, sep=sep, decimal=decimal, float_format=CSV_FLOAT_FORMAT, lineterminator="\n"
    )


def check_csv_locale(locale: str) -> tuple[str, str]:
    """Return ``(separator, decimal mark)`` of a CSV locale.

    Raises
    ------
    ConfigError
        On an unknown locale, naming the known ones.
    """
    if locale not in CSV_LOCALES:
        raise ConfigError(
            "option --csv-locale",
            [f"{locale!r} is not one of {', '.join(map(repr, CSV_LOCALES))}"],
        )
    return CSV_LOCALES[locale]


def _kpi_header(kpi: str) -> str:
    unit = unit_of(kpi)
    return f"{kpi} [{unit}]" if unit else kpi


def _wide(data: ResultsData, prefix: str) -> pd.DataFrame:
    """One row per KPI (``kpi [unit]``), three columns per scenario (mean, low, high)."""
    t = data.table
    mean, low, high = (
        ("mean", "ci_low", "ci_high")
        if prefix == ""
        else ("diff_mean", "diff_ci_low", "diff_ci_high")
    )
    scenarios = (
        data.scenarios if prefix == "" else [s for s in data.scenarios if s != data.baseline]
    )
    rows = []
    for kpi in dict.fromkeys(t["kpi"]) if len(t) else []:
        sub = t[t["kpi"] == kpi].set_index("scenario")
        row: dict[str, object] = {"kpi [unit]": _kpi_header(str(kpi))}
        for s in scenarios:
            r = sub.loc[s] if s in sub.index else None
            row[f"{s}: {prefix}mean"] = None if r is None else r[mean]
            row[f"{s}: {prefix}95% CI low"] = None if r is None else r[low]
            row[f"{s}: {prefix}95% CI high"] = None if r is None else r[high]
        rows.append(row)
    return pd.DataFrame(rows)


def closures_frame(data: ResultsData) -> pd.DataFrame:
    """Per scenario and SEH: in how many replications it closed, and when."""
    reps = {s: int(data.manifest.get("replications") or 0) for s in data.scenarios}
    if len(data.kpis):
        counts = data.kpis.drop_duplicates(["scenario", "replication"]).groupby("scenario").size()
        reps.update({str(k): int(v) for k, v in counts.items()})
    by = site_closures(data.closures, reps, data.warmup_days * MINUTES_PER_DAY)
    names = data.site_names
    rows = [
        {
            "scenario": s,
            "site_id": c.site_id,
            "name": names.get(c.site_id, ""),
            "action": c.action,
            "reason": c.reason,
            "closed in [replications]": c.n_replications,
            "of [replications]": c.n_total,
            "first closing date [YYYY-MM-DD]": c.first_date,
            "last first-closing date [YYYY-MM-DD]": c.last_date,
        }
        for s in data.scenarios
        for c in by.get(s, [])
    ]
    columns = [
        "scenario", "site_id", "name", "action", "reason", "closed in [replications]",
        "of [replications]", "first closing date [YYYY-MM-DD]",
        "last first-closing date [YYYY-MM-DD]",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def reach_frame(data: ResultsData) -> pd.DataFrame:
    """Per scenario: the static norm with the SEHs closed at the end of the horizon."""
    rows = [
        {
            "scenario": s,
            "SEHs closed at the end": ", ".join(data.closed_at_end.get(s, ())),
            "population [persons]": r.population,
            "beyond the norm [persons]": r.population_beyond_norm,
            "share beyond [0-1]": r.share_beyond_norm,
            "norm [min]": r.norm_minutes,
        }
        for s, r in data.reach.items()
    ]
    return pd.DataFrame(rows)


def summary_sheets(data: ResultsData) -> dict[str, pd.DataFrame]:
    """The sheets of ``summary.xlsx`` (:func:`xlsx_bytes`), by name, in order.

    ``summary`` (the rows of summary.csv, unrounded), ``means`` and ``differences`` (one
    row per KPI, ``kpi [unit]``, with mean and 95% CI per scenario), ``closures`` (which
    SEH closed, in how many replications, when) and ``reach`` (population beyond the
    norm at the end of the horizon).
    """
    return {
        "summary": summary_frame(data),
        "means": _wide(data, ""),
        "differences": _wide(data, "difference "),
        "closures": closures_frame(data),
        "reach": reach_frame(data),
    }


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook of ``sheets`` (name -> table), columns sized, first row frozen.

    Needs only the tables, so a chart worker can write it (openpyxl: about 0.5 s for a
    national report) while the calling process draws.
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column)
                sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
            sheet.freeze_panes = "B2"
    return buf.getvalue()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=,-]+", "_", name)


def write_reach_gpkgs(data: ResultsData, folder: Path) -> list[Path]:
    """Write ``<scenario>.gpkg`` per scenario with layers ``areas``, ``sites``, ``posts``.

    Layers and fields are those of ``acutesim reach --out`` (docs/formats.md): the
    static norm with the SEHs closed at the end of the horizon in at least half of the
    scenario's replications. Nothing is written without the region pack.

    Returns
    -------
    list of Path
        The files written.
    """
    if not data.reach or data.region is None:
        return []
    from acutesim.geo.reachability import write_gpkg
    from acutesim.report.data import REACH_CACHE
    from acutesim.report.region_cache import keep_bytes, read_kept_bytes

    region: Region = data.region
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    written: dict[int, Path] = {}  # scenarios with the same closed SEHs share one result
    for scenario in data.scenarios:
        result = data.reach.get(scenario)
        if result is None:
            continue
        path = folder / f"{_safe(scenario)}.gpkg"
        same = written.get(id(result))
        name = data.reach_names.get(scenario)  # kept in the user's cache under this name
        kept = read_kept_bytes(REACH_CACHE, f"{name}.gpkg") if name and same is None else None
        if same is not None:  # the same layers: a copy
            atomic_write_bytes(path, same.read_bytes())
        elif kept is not None:  # the file this map gave before
            atomic_write_bytes(path, kept)
        else:
            write_gpkg(result, region, path)
            if name:
                keep_bytes(REACH_CACHE, f"{name}.gpkg", path.read_bytes())
        written.setdefault(id(result), path)
        out.append(path)
    return out


__all__ = [
    "CSV_LOCALES",
    "XLSX_SHEETS",
    "closures_frame",
    "reach_frame",
    "summary_csv",
    "summary_frame",
    "summary_sheets",
    "write_reach_gpkgs",
    "xlsx_bytes",
]
