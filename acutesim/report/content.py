"""The words and numbers of an experiment's report, computed once for HTML and Markdown.

A report answers: which scenarios were compared, over which region and horizon; what
changed against the baseline, with 95% confidence intervals, in sentences a reader can
quote; the KPI tables; and how the numbers were made (region pack, knobs, behavioural
parameters, seeds, versions). This module turns a results directory into that content
as plain strings (sections of paragraphs, lists, tables and figure slots); the HTML and
Markdown writers print the same strings, so every number in ``report.md`` equals the
one in ``report.html`` and in ``acutesim summary`` (the same :class:`Summary` and
:func:`~acutesim.analysis.stats.fmt` for all three).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from acutesim.analysis.closures import CLOSURES_KPI, site_closures
from acutesim.analysis.headline import (
    ScenarioHeadline,
    about_region,
    difference_sentence,
    robustness_sentences,
    scenario_headlines,
)
from acutesim.analysis.stats import fmt
from acutesim.kpi import Wording, headline_wordings, unit_of
from acutesim.report.blocks import Block, Bullets, Paragraph, ReportContent, Section, Table
from acutesim.report.data import ResultsData, measured_period, scenario_norm
from acutesim.report.sections import (
    explorer_section,
    figure_section,
    map_section,
    method_section,
)
from acutesim.units import MINUTES_PER_DAY

Headline = Wording  # the name this module used before the headline moved to analysis
HEADLINES = headline_wordings()  # from the KPI catalogue, in headline order


headline_sentence = difference_sentence


def headlines(data: ResultsData) -> dict[str, list[str]]:
    """Headline sentences per non-baseline scenario, for the key KPIs present."""
    t = data.table
    period = measured_period(data)
    out: dict[str, list[str]] = {}
    for scenario in data.scenarios:
        if scenario == data.baseline:
            continue
        lines = []
        for kpi, headline in HEADLINES.items():
            rows = t[(t["kpi"] == kpi) & (t["scenario"] == scenario)] if len(t) else t
            if len(rows):
                lines.append(headline_sentence(rows.iloc[0], data.baseline, headline, period))
        out[scenario] = lines
    return out


_unit = unit_of  # "" for a KPI of another version that the catalogue does not know


def kpi_tables(data: ResultsData) -> tuple[Table, Table | None]:
    """The means table (mean [95% CI] per scenario) and the paired-difference table."""
    t = data.table
    kpis = list(dict.fromkeys(t["kpi"])) if len(t) else []
    scenarios = data.scenarios
    means = Table(
        header=["kpi", "unit", *scenarios],
        rows=[],
        caption=(
            "Region-wide KPIs: mean [95% CI] over replications (counts: exact Poisson "
            "interval widened for overdispersion; others: t-interval within the KPI's range)."
        ),
        align=["l", "l", *["r"] * len(scenarios)],
    )
    others = [s for s in scenarios if s != data.baseline]
    diffs = Table(
        header=["kpi", "unit", *others],
        rows=[],
        caption=(
            f"Paired difference to '{data.baseline}' (scenario minus baseline, per "
            "replication; common random numbers): mean [95% CI]."
        ),
        align=["l", "l", *["r"] * len(others)],
        notes=["* the 95% CI excludes 0 (a clear difference)."],
    )
    for kpi in kpis:
        sub = t[t["kpi"] == kpi].set_index("scenario")
        cells = []
        for s in scenarios:
            if s not in sub.index:
                cells.append("")
                continue
            r = sub.loc[s]
            cells.append(f"{fmt(r['mean'])} [{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]")
        means.rows.append([kpi, _unit(kpi), *cells])
        cells = []
        for s in others:
            if s not in sub.index:
                cells.append("")
                continue
            r = sub.loc[s]
            d, lo, hi = r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"]
            mark = " *" if np.isfinite(lo) and np.isfinite(hi) and (lo > 0 or hi < 0) else ""
            cells.append(
                f"{fmt(d, signed=True)} [{fmt(lo, signed=True)}, {fmt(hi, signed=True)}]{mark}"
            )
        diffs.rows.append([kpi, _unit(kpi), *cells])
    if CLOSURES_KPI in kpis:
        means.notes.append(
            f"{CLOSURES_KPI}: SEH closures and night closures decided during the measured "
            "window (closures a scenario imposes from day 0 are not counted)."
        )
    return means, (diffs if others else None)


def build_content(data: ResultsData) -> ReportContent:
    """Assemble the report's sections (:func:`report_sections`, in order) as strings."""
    m = data.manifest
    name = m.get("experiment") or (m.get("config") or {}).get("name") or data.results_dir.name
    return ReportContent(
        title=f"acutesim report: {name}",
        subtitle=str(m.get("description") or ""),
        sections=[make(data) for make in report_sections()],
    )


def report_sections() -> tuple[Callable[[ResultsData], Section], ...]:
    """The report's sections in order: a new section is one function and one entry here."""
    return (
        _summary_section,
        _kpi_section,
        figure_section,
        map_section,
        explorer_section,
        method_section,
    )


def _warmup_words(data: ResultsData) -> str:
    if data.warmup_days > 0:
        return f"the first {data.warmup_days:g} days are warm-up and not measured"
    return "no warm-up: every day is measured"


def _count(n: Any, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _region_words(data: ResultsData) -> str:
    if data.region is not None:
        return f"region '{data.region.name}' ({data.region.population:,} inhabitants)"
    return f"region pack '{data.manifest.get('region', '?')}'"


def _assumption_words(data: ResultsData) -> str:
    config = data.manifest.get("config") or {}
    travel = str((data.region.travel if data.region is not None else {}).get("model", "?"))
    travel_words = {
        "straight_line": "straight-line distances at assumed road speeds",
        "road_network": "shortest paths on the pack's road graph",
        "matrix": "the pack's travel-time matrix",
    }.get(travel, "the region pack's travel model" if travel == "?" else travel)
    swept = isinstance(config.get("grid"), Mapping)
    p = scenario_norm(data, data.manifest.get("baseline"))  # as the baseline ran
    return (
        f"Assumed: travel times from {travel_words}; the norm counts {p.dispatch_minutes:g} "
        f"minutes dispatch and {p.on_scene_minutes:g} minutes on scene (RIVM method); how "
        "hospitals declare themselves full and decide to close follows behavioural knobs "
        "without a published source (docs/assumptions.md, listed under Method)"
        + (
            "; the experiment sweeps some of them (robustness below)."
            if swept
            else "; this experiment does not sweep them, so the results hold for those values only."
        )
    )


def _summary_section(data: ResultsData) -> Section:
    m = data.manifest
    descriptions = {
        s.get("name"): s.get("description", "")
        for s in (m.get("config") or {}).get("scenarios", [])
        if isinstance(s, Mapping)
    }
    n_reps = m.get("replications", "?")
    blocks: list[Block] = []
    if data.region is not None:
        blocks.append(
            Paragraph(
                about_region(
                    data.region.name,
                    data.region.description,
                    data.region.sources,
                    data.region.calendar.start_date,
                    data.horizon_days,
                ),
                style="about",
            )
        )
    else:
        blocks.append(Paragraph(data.region_note or "The region pack was not found.", "about"))
    blocks.append(Paragraph(_assumption_words(data), style="about"))
    heads = scenario_headline_list(data)
    if len(data.scenarios) > 1:
        blocks.append(
            Bullets(
                [h.lead for h in heads],
                lead=(
                    "What changes: ranges are 95% confidence intervals (of the paired "
                    "difference to the baseline); 'no clear difference' means the interval "
                    "includes 0."
                ),
                style="headline",
            )
        )
    else:
        blocks.append(Paragraph(heads[0].lead if heads else "", style="headline"))
        blocks.append(Paragraph("Only one scenario ran: there is nothing to compare."))
    grid = (m.get("config") or {}).get("grid")
    if isinstance(grid, Mapping):
        base = grid.get("base") or data.baseline
        named = {str(s.get("name")) for s in (m.get("config") or {}).get("scenarios", [])}
        grid_scenarios = [s for s in data.scenarios if s not in named and s != base]
        robust = robustness_sentences(
            data.table, data.baseline, grid_scenarios, grid.get("knobs") or {}
        )
        if robust:
            blocks.append(Bullets(robust, lead="Robustness across the swept assumptions:"))
    blocks.append(
        Paragraph(
            f"This report compares {_count(len(data.scenarios), 'scenario')} of the experiment "
            f"'{m.get('experiment', '?')}' over the {_region_words(data)}, for "
            f"{data.horizon_days:g} days each ({_warmup_words(data)}), with "
            f"{_count(n_reps, 'replication')} per scenario. The "
            f"baseline is '{data.baseline}'. Scenarios share their random numbers per "
            "replication, so differences are taken per replication (paired)."
        )
    )
    blocks.append(
        Bullets(
            [
                f"{s}{' (baseline)' if s == data.baseline else ''}: "
                f"{descriptions.get(s) or 'no description'}"
                for s in data.scenarios
            ],
            lead="Scenarios:",
        )
    )
    for h in heads:
        if h.details:
            blocks.append(Bullets(h.details, lead=f"{h.scenario}, further differences:"))
    return Section("summary", "Summary", blocks)


def scenario_headline_list(data: ResultsData) -> list[ScenarioHeadline]:
    """The headline of every scenario (baseline first), as in ``acutesim summary``."""
    reps = (
        {str(k): int(v) for k, v in data.kpis.drop_duplicates(["scenario", "replication"])
         .groupby("scenario").size().items()}
        if len(data.kpis)
        else {}
    )  # fmt: skip
    for s in data.scenarios:
        reps.setdefault(s, int(data.manifest.get("replications") or 0))
    closures = site_closures(data.closures, reps, data.warmup_days * MINUTES_PER_DAY)
    return scenario_headlines(
        data.table,
        data.scenarios,
        data.baseline,
        closures,
        reps,
        site_names=data.site_names,
        horizon_days=data.horizon_days,
        warmup_days=data.warmup_days,
    )


def _kpi_section(data: ResultsData) -> Section:
    means, diffs = kpi_tables(data)
    blocks: list[Block] = [means]
    if diffs is not None:
        blocks.append(diffs)
    blocks.append(
        Paragraph(
            "Journey KPIs count journeys that start after the warm-up; hours and counts are "
            f"summed {measured_period(data)}. The same numbers print with 'acutesim summary' "
            "and are in summary.csv (unrounded)."
        )
    )
    return Section("kpis", "KPIs", blocks)
