"""The headline of an experiment: what changed in kind, per scenario against the baseline.

A minister's briefing starts with changes in kind, not with 21 paired differences:
which SEHs closed, when and in how many replications; how many inhabitants then lived
beyond the 45-minute norm; how many hours SEHs were volgemeld. This module writes
those few sentences, each number with its 95% interval, from the comparison table and
``closures.parquet``. The report and ``acutesim summary`` print the same sentences.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from acutesim.analysis.closures import CLOSURES_KPI, SiteClosure, site_closures
from acutesim.analysis.intervals import beta_quantile
from acutesim.analysis.stats import Summary, fmt
from acutesim.experiment.results import run_region
from acutesim.kpi import Wording, headline_wordings
from acutesim.units import DAYS_PER_YEAR, MINUTES_PER_DAY

POPULATION_KPI = "population_beyond_norm_mean"
VOLMELDING_KPI = "volmelding_hours"


# The KPIs the headline speaks about, in this order, and their wordings: from the catalogue.
WORDINGS: dict[str, Wording] = headline_wordings()
LEAD_KPIS: tuple[str, ...] = (POPULATION_KPI, VOLMELDING_KPI)


def long_date(iso: str) -> str:
    """``2027-01-01`` -> ``1 January 2027`` (unchanged when it is not an ISO date)."""
    try:
        d = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def measured_period(horizon_days: float, warmup_days: float) -> str:
    """``over the 49 measured days`` (or years, for runs of two years or more)."""
    days = horizon_days - warmup_days
    if days >= 2 * DAYS_PER_YEAR:
        return f"over the {days / DAYS_PER_YEAR:.1f} measured years"
    return f"over the {days:g} measured days"


def difference_sentence(
    row: Mapping[str, Any], baseline: str, wording: Wording, period: str = ""
) -> str:
    """Say one paired difference in words a reader can quote.

    ``fixed_budget versus fee_per_dbc: 1.4 fewer SEH closures over the 4.9 measured
    years (0.8 to 2.0)``; ``no clear difference`` when the 95% CI includes 0.
    """
    scenario = row["scenario"]
    d, lo, hi = float(row["diff_mean"]), float(row["diff_ci_low"]), float(row["diff_ci_high"])
    span = f" {period}" if period and wording.summed else ""
    lead = f"{scenario} versus {baseline}:"
    if not math.isfinite(d):
        return f"{lead} no estimate of the difference in {wording.plain}"
    if d == 0.0 and lo == 0.0 and hi == 0.0:
        return f"{lead} no difference in {wording.plain} (equal in every replication)"
    if not (math.isfinite(lo) and math.isfinite(hi)):
        word = wording.more if d > 0 else wording.less
        return (
            f"{lead} {fmt(abs(d))} {word} {wording.what}{span} "
            "(no confidence interval: fewer than 2 replications)"
        )
    if lo <= 0.0 <= hi:
        return (
            f"{lead} no clear difference in {wording.plain}{span} "
            f"({fmt(d, signed=True)}; 95% CI {fmt(lo, signed=True)} to {fmt(hi, signed=True)})"
        )
    word = wording.more if d > 0 else wording.less
    if lo == hi:
        return f"{lead} {fmt(abs(d))} {word} {wording.what}{span} (the same in every replication)"
    a, b = (lo, hi) if d > 0 else (-hi, -lo)
    return f"{lead} {fmt(abs(d))} {word} {wording.what}{span} (95% CI {fmt(a)} to {fmt(b)})"


def _site(site_id: str, names: Mapping[str, str]) -> str:
    name = names.get(site_id)
    return f"{site_id} ({name})" if name and name != site_id else site_id


def closure_phrase(closure: SiteClosure, names: Mapping[str, str]) -> str:
    """``kust (Kustziekenhuis) closes on 1 January 2027 in 5 of 5 replications``."""
    what = "closes at night" if closure.action == "night_closure" else "closes"
    if closure.first_date == closure.last_date:
        when = f"on {long_date(closure.first_date)}"
    else:
        when = f"between {long_date(closure.first_date)} and {long_date(closure.last_date)}"
    reason = f" ({closure.reason})" if closure.reason and closure.reason != "None" else ""
    low, high = share_interval(closure.n_replications, closure.n_total)
    return (
        f"{_site(closure.site_id, names)} {what}{reason} {when} in "
        f"{closure.n_replications} of {closure.n_total} replications "
        f"(95% CI {low:.0%} to {high:.0%} of runs)"
    )


def share_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson interval of a share from ``k`` of ``n`` replications [0-1].

    References
    ----------
    Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. Biometrika 26, 404-413.
    """
    if n <= 0:
        return math.nan, math.nan
    alpha = 1.0 - confidence
    low = 0.0 if k == 0 else beta_quantile(alpha / 2, k, n - k + 1)
    high = 1.0 if k == n else beta_quantile(1 - alpha / 2, k + 1, n - k)
    return low, high


def closures_words(closures: Sequence[SiteClosure], names: Mapping[str, str], n: int) -> str:
    """The closures of one scenario as one clause; ``no SEH closes in any of the 5 ...``."""
    if not closures:
        return f"no SEH closes in any of the {n} replications"
    return "; ".join(closure_phrase(c, names) for c in closures)


@dataclass
class ScenarioHeadline:
    """The headline of one scenario: a lead sentence and the supporting differences."""

    scenario: str
    lead: str
    details: list[str] = field(default_factory=list)


def _row(table: pd.DataFrame, scenario: str, kpi: str) -> pd.Series | None:
    if table.empty:
        return None
    rows = table[(table["kpi"] == kpi) & (table["scenario"] == scenario)]
    return rows.iloc[0] if len(rows) else None


def _level(table: pd.DataFrame, scenario: str, kpi: str, unit: str) -> str:
    r = _row(table, scenario, kpi)
    if r is None:
        return ""
    return f"{fmt(float(r['mean']))} {unit} (95% CI {fmt(r['ci_low'])} to {fmt(r['ci_high'])})"


def scenario_headlines(
    table: pd.DataFrame,
    scenarios: Sequence[str],
    baseline: str,
    closures_by_scenario: Mapping[str, Sequence[SiteClosure]],
    replications_by_scenario: Mapping[str, int],
    *,
    site_names: Mapping[str, str] | None = None,
    horizon_days: float = 0.0,
    warmup_days: float = 0.0,
) -> list[ScenarioHeadline]:
    """Headlines for the baseline and for every other scenario against it.

    Parameters
    ----------
    table : DataFrame
        The comparison table (:class:`~acutesim.analysis.stats.Summary.table`, with
        ``n_closures`` when SEHs closed).
    scenarios : sequence of str
        Scenarios in experiment order.
    baseline : str
        The baseline scenario.
    closures_by_scenario : mapping
        Scenario -> :class:`~acutesim.analysis.closures.SiteClosure` list.
    replications_by_scenario : mapping
        Scenario -> replications that ran.
    site_names : mapping, optional
        Site id -> name.
    horizon_days, warmup_days : float
        Run length and warm-up [days], for "over the 5.0 measured years".

    Returns
    -------
    list of ScenarioHeadline
        The baseline first, then the others in experiment order.
    """
    names = site_names or {}
    period = measured_period(horizon_days, warmup_days)
    out: list[ScenarioHeadline] = []
    n_base = int(replications_by_scenario.get(baseline, 0))
    base_closed = list(closures_by_scenario.get(baseline, ()))
    levels = [
        text
        for text in (
            _level(table, baseline, POPULATION_KPI, "inhabitants beyond the 45-minute norm"),
            _level(table, baseline, VOLMELDING_KPI, f"hours of volmelding {period}"),
        )
        if text
    ]
    lead = f"{baseline} (baseline): {closures_words(base_closed, names, n_base)}."
    if levels:
        lead += " On average " + "; ".join(levels) + "."
    out.append(ScenarioHeadline(baseline, lead))
    for scenario in scenarios:
        if scenario == baseline:
            continue
        n = int(replications_by_scenario.get(scenario, 0))
        mine = list(closures_by_scenario.get(scenario, ()))
        mine_ids = {c.site_id for c in mine}
        base_ids = {c.site_id for c in base_closed}
        if mine_ids == base_ids and not mine:
            kind = f"as in {baseline}, no SEH closes in any of the {n} replications"
        else:
            kind = closures_words(mine, names, n)
            counts = {c.site_id: c.n_replications for c in mine}
            spared = [c for c in base_closed if counts.get(c.site_id) != c.n_replications]
            if spared:
                kind += f", whereas under {baseline} " + "; ".join(
                    closure_phrase(c, names) for c in spared
                )
        lead = f"{scenario}: {kind}."
        quick = []
        for kpi in LEAD_KPIS:
            r = _row(table, scenario, kpi)
            if r is not None:
                sentence = difference_sentence(r, baseline, WORDINGS[kpi], period)
                quick.append(sentence.split(": ", 1)[1])
        if quick:
            lead += " Against the baseline: " + "; ".join(quick) + "."
        details = []
        for kpi, wording in WORDINGS.items():
            if kpi in LEAD_KPIS:
                continue
            r = _row(table, scenario, kpi)
            if r is not None:
                details.append(difference_sentence(r, baseline, wording, period))
        out.append(ScenarioHeadline(scenario, lead, details))
    return out


def robustness_sentences(
    table: pd.DataFrame,
    baseline: str,
    grid_scenarios: Sequence[str],
    grid_knobs: Mapping[str, Sequence[Any]],
) -> list[str]:
    """How the lead differences hold across a grid that swept contested assumptions.

    Parameters
    ----------
    table : DataFrame
        The comparison table.
    baseline : str
        The baseline scenario.
    grid_scenarios : sequence of str
        The scenarios the grid made.
    grid_knobs : mapping
        Knob -> the values swept.

    Returns
    -------
    list of str
        One sentence per lead KPI (and ``n_closures``): in how many grid scenarios the
        difference to the baseline is clearly up, clearly down or unclear.
    """
    if not grid_scenarios:
        return []
    swept = "; ".join(f"{k} in {', '.join(str(v) for v in vals)}" for k, vals in grid_knobs.items())
    out = []
    for kpi in (CLOSURES_KPI, *LEAD_KPIS):
        rows = table[(table["kpi"] == kpi) & table["scenario"].isin(list(grid_scenarios))]
        if rows.empty:
            continue
        lo = rows["diff_ci_low"].to_numpy(dtype=float)
        hi = rows["diff_ci_high"].to_numpy(dtype=float)
        up = int(((lo > 0) & (hi > 0)).sum())
        down = int(((hi < 0) & (lo < 0)).sum())
        unclear = len(rows) - up - down
        wording = WORDINGS[kpi]
        out.append(
            f"Across the {len(rows)} grid scenarios ({swept}): {wording.plain} clearly "
            f"{wording.more} than in {baseline} in {up}, clearly {wording.less} in {down}, "
            f"no clear difference in {unclear}."
        )
    return out


def is_synthetic(description: str, sources: Sequence[str]) -> bool:
    """True when a region pack says it is synthetic (its description or a source)."""
    text = " ".join([description, *sources]).lower()
    return "synthetic" in text or "not a real place" in text


def about_region(
    name: str,
    description: str,
    sources: Sequence[str],
    start_date: dt.date | None,
    horizon_days: float,
) -> str:
    """One sentence on what the region is (synthetic or real) and the simulated dates.

    ``Region 'demo': a SYNTHETIC region, not a real place (Synthetic coastal ...).
    Simulated from 5 January 2026 to 5 January 2031.``
    """
    kind = (
        "a SYNTHETIC region, not a real place"
        if is_synthetic(description, sources)
        else "built from real, public data"
    )
    text = f"Region '{name}': {kind}"
    text += f" ({description.strip().rstrip('.')})" if description.strip() else ""
    text += "."
    if start_date is not None and horizon_days > 0:
        end = start_date + dt.timedelta(days=float(horizon_days))
        text += (
            f" Simulated from {long_date(start_date.isoformat())} to {long_date(end.isoformat())}."
        )
    return text


def headline_text(headlines: Sequence[ScenarioHeadline], about: str = "") -> str:
    """The headline as plain text for the terminal (lead sentences, then details)."""
    lines = [about, ""] if about else []
    for h in headlines:
        lines.append(h.lead)
        lines += [f"  - {d}" for d in h.details]
    return "\n".join(lines)


def results_headline(summary: Summary, results_dir: Path) -> tuple[str, list[ScenarioHeadline]]:
    """The about-sentence and the headlines of a results directory.

    Parameters
    ----------
    summary : Summary
        From :func:`~acutesim.analysis.stats.summarise` (with ``n_closures``).
    results_dir : Path
        The results directory (``closures.parquet``; the copy of the region pack in it
        gives site names and dates).

    Returns
    -------
    tuple
        ``(about, headlines)``; ``about`` is the note saying why there is no region when
        the results hold no usable copy of the pack.
    """
    manifest = summary.manifest
    path = results_dir / "closures.parquet"
    closures = pd.read_parquet(path) if path.exists() else pd.DataFrame()
    reps = replications_by_scenario(results_dir, summary)
    warmup_days = float(manifest.get("warmup_days") or 0.0)
    horizon_days = float(manifest.get("horizon_days") or 0.0)
    by_scenario = site_closures(closures, reps, warmup_days * MINUTES_PER_DAY)
    names: dict[str, str] = {}
    found = run_region(results_dir, manifest)
    about = found.note or ""
    if found.region is not None:
        region = found.region
        names = {s.site_id: s.name for s in region.sites}
        start = region.calendar.start_date
        about = about_region(region.name, region.description, region.sources, start, horizon_days)
    heads = scenario_headlines(
        summary.table,
        summary.scenarios,
        summary.baseline,
        by_scenario,
        reps,
        site_names=names,
        horizon_days=horizon_days,
        warmup_days=warmup_days,
    )
    return about, heads


def replications_by_scenario(results_dir: Path, summary: Summary) -> dict[str, int]:
    """Scenario -> replications with results (from ``kpis.parquet``, else the manifest)."""
    path = results_dir / "kpis.parquet"
    if path.exists():
        kpis = pd.read_parquet(path, columns=["scenario", "replication"])
        counts = kpis.drop_duplicates().groupby("scenario").size()
        return {s: int(counts.get(s, 0)) for s in summary.scenarios}
    n = int(summary.manifest.get("replications") or 0)
    return dict.fromkeys(summary.scenarios, n)
