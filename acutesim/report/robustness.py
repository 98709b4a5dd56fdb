"""The report of a robustness sweep: each verdict with the share of the design it holds in.

``acutesim report results/funding-robustness`` writes ``report.html``, ``report.md`` and
``summary.csv`` (one row per verdict); docs/funding-results.md is the Markdown of the
shipped sweep. The first screen says each verdict with its share and the knobs it depends
on most; the knobs table, the verdict table, a per-level table of the lead verdict and the
per-point table follow, then the method.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from acutesim.analysis.robustness import (
    LEAD_VERDICT,
    VerdictRobustness,
    holds_by_point,
    level_shares,
    number,
    robustness_frame,
    verdict_robustness,
    verdict_words,
)
from acutesim.atomic import atomic_write_bytes
from acutesim.experiment.robustness_results import load_robustness_results
from acutesim.report.blocks import Bullets, Paragraph, ReportContent, Section, Table
from acutesim.report.markdown import render_markdown


def _knob_range(knob: dict[str, Any]) -> str:
    if "values" in knob:
        return ", ".join(str(v) for v in knob["values"])
    low, high = knob["range"]
    whole = " (whole numbers)" if knob.get("integer") else ""
    return f"{number(low)} to {number(high)}{whole}"


def _cell(v: Any) -> str:
    return number(v) if isinstance(v, float) else str(v)


def robustness_content(
    manifest: dict[str, Any], points: pd.DataFrame, runs: pd.DataFrame
) -> tuple[ReportContent, list[VerdictRobustness]]:
    """The report's sections for a robustness sweep, and the verdicts they state."""
    config = manifest.get("config") or {}
    site = str(config.get("site", "?"))
    switch = (config.get("base") or {}).get("funding", {}).get("switch_date", "?")
    verdicts = verdict_robustness(points, runs, verdict_words(site, switch))
    n_reps = int(runs["replication"].nunique()) if len(runs) else 0
    design = config.get("design") or {}
    knobs: dict[str, Any] = config.get("knobs") or {}
    lead = next((v for v in verdicts if v.key == LEAD_VERDICT), None)

    summary = Section(
        "summary",
        "Summary",
        [
            Paragraph(
                lead.sentence() if lead else "The sweep recorded no verdicts.", style="headline"
            ),
            Bullets(
                [v.sentence() for v in verdicts if v.key != LEAD_VERDICT],
                lead="The other verdicts, each over the same design:",
            ),
            Paragraph(
                f"Design: {len(points)} points x {n_reps} replications "
                f"({design.get('method', 'lhs')} design of scipy.stats.qmc, seed "
                f"{design.get('seed', 0)}), root seed {config.get('seed', 0)}, common random "
                "numbers across the design (replication r of every point draws the same "
                f"patients). Region pack '{config.get('region', '?')}', "
                f"{config.get('horizon_days', '?')} days. A verdict holds at a design point "
                "when it holds in the majority of the point's replications; the interval is "
                "Clopper-Pearson over design points.",
                style="about",
            ),
        ],
    )
    knob_table = Table(
        ["knob", "levels or range", "documented in"],
        [[f"`{k}`", _knob_range(v), "docs/assumptions.md"] for k, v in knobs.items()],
        caption="The contested knobs the design sweeps.",
    )
    verdict_table = Table(
        [
            "verdict",
            "design points where it holds",
            "95% CI",
            "share of runs",
            "top knobs (spread)",
            "by level of the top knob",
        ],
        [
            [
                v.text,
                f"{v.points_holding} of {v.n_points} ({v.share:.0%})",
                f"{v.ci_low:.0%} to {v.ci_high:.0%}",
                f"{v.share_of_runs:.0%}",
                "; ".join(f"`{k}` {s:.2f}" for k, s in v.top_knobs),
                v.by_level,
            ]
            for v in verdicts
        ],
        caption=(
            "Top knobs: main-effect spread, the largest difference between the levels (or "
            "the lower and upper half of the range) of a knob in the share of design points "
            "where the verdict holds (0: no effect; 1: the knob alone decides)."
        ),
        align=["l", "r", "r", "r", "l", "l"],
    )
    by_point = holds_by_point(runs).reindex(points.index)
    blocks: list[Any] = [knob_table, verdict_table]
    if lead is not None:
        holds = by_point[LEAD_VERDICT] > 0.5
        blocks.append(
            Table(
                ["knob", f"share of points where {lead.key.replace('_', ' ')}, by level"],
                [[f"`{k}`", level_shares(points, holds, str(k))] for k in points.columns],
                caption=f"The lead verdict ({lead.text}) by level of every knob.",
            )
        )
    verdict_keys = list(by_point.columns)
    per_point = Table(
        ["point", *[f"`{str(k).split('.')[-1]}`" for k in points.columns], *verdict_keys],
        [
            [
                str(p),
                *[_cell(v) for v in row.tolist()],
                *[f"{by_point.loc[p, k]:.2f}" for k in verdict_keys],
            ]
            for p, row in points.iterrows()
        ],
        caption="Share of replications in which each verdict holds, per design point.",
    )
    method_items = [
        "At the switch review the board decides under the new regime and records what it "
        "would have decided under the old one; up to the switch both regimes saw the same "
        "patients, so the two decisions are a paired comparison within one run.",
        "Replay: before a point's first board decision all points share one trajectory (the "
        "old regime is in force and the random numbers are common), so one observed run per "
        "replication with decisions switched off gives every point's decisions up to its "
        "first one. Points whose first decision before the switch concerns another SEH are "
        f"simulated on their own: {int((runs.get('method') == 'full').sum())} "
        "point-replications here.",
        f"Measured: {manifest.get('wall_seconds', float('nan')):,.0f} s wall time on "
        f"{manifest.get('workers', '?')} worker process(es), {manifest.get('cpu_count', '?')} "
        f"cores; peak memory per worker {runs['peak_mb'].max():,.0f} MB."
        if "peak_mb" in runs
        else "",
        *[str(n) for n in config.get("notes", [])],
        f"acutesim {manifest.get('acutesim', '?')}; experiment file "
        f"'{manifest.get('experiment_file', '?')}'.",
    ]
    content = ReportContent(
        title=f"acutesim robustness: {manifest.get('name', '?')}",
        subtitle=str(manifest.get("description") or ""),
        sections=[
            summary,
            Section("verdicts", "Verdicts and the knobs they depend on", blocks),
            Section("points", "Per design point", [per_point]),
            Section("method", "Method", [Bullets([i for i in method_items if i])]),
        ],
    )
    return content, verdicts


def write_robustness_report(results_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write report.html, report.md and summary.csv of a robustness sweep; return the HTML."""
    from acutesim.report.html import companion_paths, render_html

    results_dir = Path(results_dir)
    manifest, points, runs = load_robustness_results(results_dir)
    content, verdicts = robustness_content(manifest, points, runs)
    out_path = Path(out) if out is not None else results_dir / "report.html"
    md_path, csv_path = companion_paths(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    footer = (
        f"Written by acutesim {manifest.get('acutesim', '')} from the robustness sweep in "
        f"'{results_dir.name}'."
    )
    atomic_write_bytes(csv_path, robustness_frame(verdicts).to_csv(index=False).encode("utf-8"))
    atomic_write_bytes(md_path, render_markdown(content).encode("utf-8"))
    atomic_write_bytes(out_path, render_html(content, footer).encode("utf-8"))
    return out_path


__all__ = ["robustness_content", "write_robustness_report"]
