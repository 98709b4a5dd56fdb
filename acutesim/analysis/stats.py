"""Replication statistics: means with 95% t-intervals, paired differences, warm-up (MSER-5).

Scenarios of one experiment share their random streams per replication (common random
numbers), so the difference between a scenario and the baseline is taken per
replication and its interval is usually much narrower than the two separate intervals
suggest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acutesim.analysis.closures import closures_kpi_rows, decided_closures
from acutesim.analysis.intervals import CONFIDENCE, kpi_interval, t_interval
from acutesim.errors import ResultsError
from acutesim.experiment.store import ResultsStore
from acutesim.units import MINUTES_PER_DAY

__all__ = ["CONFIDENCE", "Summary", "compare", "fmt", "mser5", "summarise", "t_interval"]

MIN_WARMUP_SEARCH_DAYS = 20  # MSER-5 needs at least 4 batches of 5 days


def mser5(series: np.ndarray) -> int:
    """Suggest a warm-up length by MSER-5 (White 1997) [number of observations].

    The series is averaged in batches of 5; the truncation point minimises the squared
    standard error of the remaining batch means, searched over the first half.

    Returns
    -------
    int
        Observations to delete from the start (a multiple of 5).
    """
    x = np.asarray(series, dtype=float)
    n_batches = len(x) // 5
    if n_batches < 4:
        return 0
    b = x[: n_batches * 5].reshape(n_batches, 5).mean(axis=1)
    best_d, best = 0, math.inf
    for d in range(n_batches // 2):
        rest = b[d:]
        stat = rest.var() / len(rest)
        if stat < best:
            best_d, best = d, stat
    return best_d * 5


@dataclass
class Summary:
    """The comparison of an experiment's scenarios on region-wide KPIs.

    ``table`` is tidy: one row per (scenario, kpi) with ``n``, ``mean``, ``ci_low``,
    ``ci_high`` and, against the baseline, ``diff_mean``, ``diff_ci_low``,
    ``diff_ci_high`` (NaN for the baseline itself).
    """

    table: pd.DataFrame
    baseline: str
    scenarios: list[str]
    manifest: dict[str, Any]
    warmup_suggestion_days: float | None = None
    warmup_until_days: float | None = None

    def to_text_table(self, kpis: list[str] | None = None) -> str:
        """Format as a plain-text table: mean [95% CI] per scenario, difference to baseline."""
        df = self.table
        if kpis is not None:
            df = df[df["kpi"].isin(kpis)]
        names = list(dict.fromkeys(df["kpi"]))
        width = max((len(k) for k in names), default=10) + 2
        col = 30
        lines = [
            f"{'kpi':<{width}}" + "".join(f"{s[: col - 2]:>{col}}" for s in self.scenarios),
            "-" * (width + col * len(self.scenarios)),
        ]
        for kpi in names:
            sub = df[df["kpi"] == kpi].set_index("scenario")
            cells = []
            for s in self.scenarios:
                if s not in sub.index:
                    cells.append(f"{'':>{col}}")
                    continue
                r = sub.loc[s]
                if s == self.baseline or not np.isfinite(r["diff_mean"]):
                    text = f"{fmt(r['mean'])} [{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]"
                else:
                    text = f"{fmt(r['mean'])} (d {fmt(r['diff_mean'], signed=True)})"
                cells.append(f"{text:>{col}}")
            lines.append(f"{kpi:<{width}}" + "".join(cells))
        lines.append("")
        lines.append(
            f"mean [95% CI] over replications; d = paired difference to '{self.baseline}' "
            "(common random numbers); count intervals are exact Poisson (widened for "
            "overdispersion), others t-intervals within the KPI's range"
        )
        warmup = self.warmup_text()
        if warmup:
            lines.append(warmup)
        return "\n".join(lines)

    def warmup_text(self) -> str:
        """The MSER-5 warm-up suggestion in words, or '' when there is none."""
        if self.warmup_suggestion_days is None:
            return ""
        window = (
            f", searched before the baseline's first SEH closure on day "
            f"{self.warmup_until_days:.0f},"
            if self.warmup_until_days is not None
            else ""
        )
        return (
            f"MSER-5 on the baseline's daily mean SEH length of stay{window} suggests a "
            f"warm-up of {self.warmup_suggestion_days:g} days (this run used "
            f"{self.manifest.get('warmup_days', 'n/a')} days)"
        )


def fmt(value: float, *, signed: bool = False) -> str:
    """Format a number for tables and text: 3 significant digits, thousands separators."""
    if value is None or not np.isfinite(value):
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    a = abs(value)
    if a >= 1000:
        return f"{sign}{value:,.0f}"
    if a >= 100:
        return f"{sign}{value:.0f}"
    if a >= 10:
        return f"{sign}{value:.1f}"
    if a >= 1 or a == 0:
        return f"{sign}{value:.2f}"
    return f"{sign}{value:.3f}"


def _wide_by_kpi(region: pd.DataFrame) -> dict[Any, pd.DataFrame]:
    """KPI -> replication x scenario values, as ``pivot_table(aggfunc="first")`` per KPI.

    One reshape for all KPIs (a per-KPI ``pivot_table`` cost about 10 ms each, 60 KPIs
    in a report): the first non-missing value per cell, replications sorted, and rows and
    scenario columns without any value dropped, as ``pivot_table`` leaves them.
    """
    if region.empty:
        return {}
    first = region.groupby(["kpi", "replication", "scenario"], sort=True)["value"].first()
    wide_all = first.unstack("scenario")
    out: dict[Any, pd.DataFrame] = {}
    for kpi in dict.fromkeys(region["kpi"]):
        wide = wide_all.xs(kpi, level="kpi")
        wide = wide.dropna(axis=0, how="all").dropna(axis=1, how="all")
        out[kpi] = wide
    return out


def compare(kpis: pd.DataFrame, scenarios: list[str], baseline: str) -> pd.DataFrame:
    """Means, CIs and paired differences against ``baseline`` for region-wide KPIs."""
    region = kpis[kpis["site_id"].isna()]
    rows = []
    for kpi, wide in _wide_by_kpi(region).items():
        for s in scenarios:
            if s not in wide.columns:
                continue
            mean, lo, hi = kpi_interval(str(kpi), wide[s].to_numpy())
            d_mean = d_lo = d_hi = math.nan
            if s != baseline and baseline in wide.columns:
                diff = (wide[s] - wide[baseline]).to_numpy()
                d_mean, d_lo, d_hi = t_interval(diff)
            rows.append(
                {
                    "scenario": s,
                    "kpi": kpi,
                    "n": int(np.isfinite(wide[s].to_numpy()).sum()),
                    "mean": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "diff_mean": d_mean,
                    "diff_ci_low": d_lo,
                    "diff_ci_high": d_hi,
                }
            )
    return pd.DataFrame(rows)


def summarise(results_dir: str | Path) -> Summary:
    """Compare the scenarios of a results directory (region-wide KPIs).

    Parameters
    ----------
    results_dir : str or Path
        A directory written by ``acutesim run``.

    Returns
    -------
    Summary
    """
    d = Path(results_dir)
    # Refuses a folder whose run or final merge did not finish, or whose tables changed.
    manifest = ResultsStore(d).check_complete()
    kpi_path = d / "kpis.parquet"
    if not kpi_path.exists():
        raise ResultsError(
            f"{kpi_path}: not found; the run did not finish (run it again to resume)"
        )
    kpis = pd.read_parquet(kpi_path)
    closures_path = d / "closures.parquet"
    closures = pd.read_parquet(closures_path) if closures_path.exists() else pd.DataFrame()
    warmup_minutes = float(manifest.get("warmup_days") or 0.0) * MINUTES_PER_DAY
    if len(kpis) and closures_path.exists():
        pairs = kpis[["scenario", "replication"]].drop_duplicates()
        extra = closures_kpi_rows(closures, pairs, warmup_minutes)
        if len(extra):
            kpis = pd.concat([kpis, extra], ignore_index=True)
    scenarios = [s for s in manifest.get("scenarios", []) if s in set(kpis["scenario"])]
    baseline = manifest.get("baseline") or (scenarios[0] if scenarios else "")
    order = {k: i for i, k in enumerate(dict.fromkeys(kpis["kpi"]))}
    table = compare(kpis, scenarios, baseline)
    if len(table):
        table = table.sort_values(
            ["kpi", "scenario"],
            key=lambda c: (
                c.map(order) if c.name == "kpi" else c.map({s: i for i, s in enumerate(scenarios)})
            ),
            kind="stable",
        ).reset_index(drop=True)
    # A closure shifts the level of every KPI for good; MSER-5 would read that step as a
    # start-up transient and suggest a warm-up up to the closure. Only the days before
    # the baseline's first decided closure are searched.
    base_closures = decided_closures(closures, 0.0)
    if len(base_closures):
        base_closures = base_closures[base_closures["scenario"] == baseline]
    until = (
        float(base_closures["t_minutes"].min()) / MINUTES_PER_DAY if len(base_closures) else None
    )
    return Summary(
        table=table,
        baseline=baseline,
        scenarios=scenarios,
        manifest=manifest,
        warmup_suggestion_days=suggest_warmup_days(
            d / "timeseries.parquet", baseline, until_days=until
        ),
        warmup_until_days=until,
    )


def suggest_warmup_days(
    path: Path,
    scenario: str,
    kpi: str = "seh_los_mean_minutes",
    *,
    until_days: float | None = None,
) -> float | None:
    """MSER-5 warm-up for a daily KPI, averaged over replications [days].

    Parameters
    ----------
    path : Path
        ``timeseries.parquet``.
    scenario : str
        The scenario whose series is searched (the baseline).
    kpi : str
        The daily KPI.
    until_days : float, optional
        Search only the days before this time [days], e.g. the first SEH closure.

    Returns
    -------
    float or None
        Days to delete [days]; None without data or with fewer than 20 days to search.
    """
    if not path.exists():
        return None
    ts = pd.read_parquet(path)
    ts = ts[(ts["scenario"] == scenario) & (ts["kpi"] == kpi)]
    if until_days is not None:
        ts = ts[ts["t_days"] < until_days]
    if ts.empty:
        return None
    daily = ts.groupby("t_days")["value"].mean().sort_index()
    if len(daily) < MIN_WARMUP_SEARCH_DAYS:
        return None
    return float(mser5(daily.to_numpy()))
