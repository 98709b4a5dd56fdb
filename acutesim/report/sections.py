"""The report's figure, map, explorer and method sections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from acutesim.analysis.stats import fmt
from acutesim.report.blocks import Block, Bullets, FigureSlot, Paragraph, Section, Table
from acutesim.report.data import (
    ResultsData,
    flatten_parameters,
    knob_docs,
    param_value,
    scenario_norm,
)


def figure_section(data: ResultsData) -> Section:
    """The figures: differences, SEH status, volmelding, call-to-door, population, finance."""
    reps = sorted(set(data.status["replication"])) if len(data.status) else []
    rep = 0 if 0 in reps else (reps[0] if reps else 0)
    has_site = (
        len(data.kpis) > 0
        and bool(data.kpis["site_id"].notna().any())
        and "volmelding_hours" in set(data.kpis["kpi"])
    )
    has_ctd = len(data.kpis) > 0 and "ambulance_call_to_door_p95_minutes" in set(
        data.kpis.loc[data.kpis["site_id"].notna(), "kpi"]
    )
    ts = data.timeseries
    has_norm = len(ts) > 0 and "population_beyond_norm" in set(ts["kpi"])
    blocks: list[Block] = [
        FigureSlot(
            "differences",
            "Key KPIs: paired differences against the baseline",
            "What to see: bars that stay clear of the line at 0 are real differences. Dot: "
            "mean difference (scenario minus baseline, in the unit under each panel); bar: "
            "its 95% confidence interval.",
            note=None if len(data.scenarios) > 1 else "Only one scenario: no differences.",
        ),
        FigureSlot(
            "status",
            "SEH status over time",
            f"What to see: which SEH closes, and when, in each scenario (replication {rep}; "
            "dates on the time axis). Colours: open, volgemeld, closed for a shift (below "
            "minimum staff), closed (by reason) or outside opening hours; a dotted line "
            "marks a funding switch, a dashed line the end of the warm-up.",
            note=None if len(data.status) else "status.parquet is empty or absent.",
        ),
        FigureSlot(
            "volmelding",
            "Volmelding hours per SEH",
            "What to see: which SEHs declare themselves full most, per scenario. Hours "
            "volgemeld [h] over the measured window; whiskers are 95% confidence intervals "
            "over replications, never below 0.",
            note=None if has_site else "No per-site volmelding_hours in kpis.parquet.",
        ),
        FigureSlot(
            "call_to_door",
            "Ambulance call to SEH door against the 45-minute norm",
            "What to see: bars above the dashed 45-minute line. Per SEH that received the "
            "patient: the 95th percentile of minutes [min] from the 112 call to the SEH door "
            "(left) and the share [0-1] of ambulance patients over 45 minutes (right); "
            "whiskers are 95% CIs within the KPI's range.",
            note=None if has_ctd else "No per-site call-to-door KPIs in kpis.parquet.",
        ),
        FigureSlot(
            "call_to_door_ecdf",
            "Distribution of call-to-door minutes",
            "What to see: where each curve crosses the 45-minute line. Cumulative share "
            "[0-1] of ambulance patients by minutes [min] from the 112 call to the SEH "
            "door, pooled over replications.",
            note=None
            if len(data.patients)
            else (
                "No per-patient table in parts/*/patients.parquet (set record_patients = "
                "true in a scenario to draw the full distribution); the per-SEH 95th "
                "percentiles above summarise it."
            ),
        ),
        FigureSlot(
            "population",
            "Population beyond the 45-minute norm over time",
            "What to see: the step when an SEH closes, and whether it follows a funding "
            "switch (dotted line). Inhabitants [persons] who could not reach an open 24/7 "
            "SEH (not volgemeld, not closed) within 45 minutes by ambulance, mean over "
            "replications (daily, or weekly and 30-day means for long runs); shaded: "
            "warm-up.",
            note=None if has_norm else "No population_beyond_norm rows in timeseries.parquet.",
        ),
        FigureSlot(
            "finance",
            "Finance per organisation",
            "What to see: which organisation's margin turns negative, and when. Revenue, "
            "cost and margin [EUR per month] of each organisation (all its rows summed), "
            "mean over replications.",
            note=None
            if len(data.finance)
            else (
                "finance.parquet is empty or absent: these scenarios do not keep books (set "
                "a funding regime in the experiment to get finance per organisation)."
            ),
        ),
    ]
    return Section("figures", "Figures", blocks)


def map_section(data: ResultsData) -> Section:
    """The reachability maps, one per scenario, with the norm counts."""
    blocks: list[Block] = []
    if not data.reach:
        blocks.append(FigureSlot("maps", "Reachability maps", note=data.reach_note or "No maps."))
        return Section("maps", "Maps", blocks)
    blocks.append(
        Paragraph(
            "The static 45-minute norm (RIVM method: dispatch, drive from the nearest 24/7 "
            "ambulance post, time on scene, drive to the nearest open 24/7 SEH) with the "
            "SEHs that are closed at the end of the horizon in at least half of a "
            "scenario's replications. Unlike population_beyond_norm_mean it ignores "
            "volmelding and shift closures."
        )
    )
    base = data.reach.get(data.baseline)
    rows = []
    for s in data.scenarios:
        r = data.reach[s]
        diff = (
            fmt(r.population_beyond_norm - base.population_beyond_norm, signed=True)
            if base is not None and s != data.baseline
            else ""
        )
        rows.append(
            [
                s,
                ", ".join(data.closed_at_end.get(s, ())) or "none",
                fmt(r.population_beyond_norm),
                fmt(r.share_beyond_norm),
                diff,
            ]
        )
    blocks.append(
        Table(
            header=[
                "scenario",
                "SEHs closed at the end",
                "beyond the norm [persons]",
                "share beyond [0-1]",
                "difference to baseline [persons]",
            ],
            rows=rows,
            caption="Population beyond the 45-minute norm at the end of the horizon.",
            align=["l", "l", "r", "r", "r"],
        )
    )
    first_with: dict[tuple[str, ...], str] = {}
    for s in data.scenarios:
        closed = data.closed_at_end.get(s, ())
        twin = first_with.setdefault(closed, s)
        blocks.append(
            FigureSlot(
                f"map:{s}",
                f"{s}: call-to-door minutes at the end of the horizon",
                "Each area coloured by call-to-door minutes to the nearest open 24/7 SEH; "
                "areas beyond the norm outlined.",
                note=None
                if twin == s
                else (
                    f"The same SEHs are closed at the end of the horizon as in {twin} "
                    f"({', '.join(closed) or 'none'}): the map is the one of {twin}."
                ),
                wide=False,
            )
        )
    for s in data.scenarios:
        if s == data.baseline or base is None:
            continue
        same = data.closed_at_end.get(s, ()) == data.closed_at_end.get(data.baseline, ())
        blocks.append(
            FigureSlot(
                f"diffmap:{s}",
                f"{s} versus {data.baseline}: change in call-to-door minutes",
                "Red: longer than in the baseline; blue: shorter; outlined: areas newly "
                "beyond the norm.",
                note=(
                    f"The same SEHs are open at the end of the horizon in {s} and "
                    f"{data.baseline}: the static norm does not change."
                )
                if same
                else None,
                wide=False,
            )
        )
    return Section("maps", "Maps", blocks)


#: Knobs whose values decide funding verdicts, shown per scenario in the method section.
ACCOUNTING_CHOICES: tuple[tuple[str, str], ...] = (
    ("funding.regime", "regime"),
    ("funding.switch_date", "switch"),
    ("funding.schoning", "schoning"),
    ("funding.schoning_persists_on_closure", "cut persists on closure"),
    ("funding.extra_money_share", "new money"),
    ("funding.binding", "binding"),
    ("funding.beschikbaarheidbijdrage_requires_24_7", "bijdrage needs 24/7"),
    ("behaviour.board.enabled", "board"),
    ("behaviour.board.protect_sensitive", "protect sensitive"),
    ("behaviour.board.concentrate", "concentrate"),
    ("behaviour.volmelding.neutral", "volmelding neutral"),
    ("behaviour.volmelding.sensitivity_per_1000_eur", "volmelding sensitivity"),
)


def _accounting_choice_rows(knobs: Any) -> list[list[str]]:
    """Rows of the accounting-choices table from the manifest's ``funding_knobs``."""
    if not isinstance(knobs, Mapping):
        return []
    rows = []
    for scenario, tables in knobs.items():
        row = [str(scenario)]
        for path, _ in ACCOUNTING_CHOICES:
            value: Any = tables
            for part in path.split("."):
                value = value.get(part) if isinstance(value, Mapping) else None
            row.append("–" if value is None else param_value(value))
        rows.append(row)
    return rows


EXPLORER_FILE = "explorer.html"


def explorer_section(data: ResultsData) -> Section:
    """The link to the closure explorer written beside the report."""
    if data.region is None or not data.reach:
        note = data.reach_note or data.region_note or "No region."
        return Section("explorer", "Explorer", [Paragraph(f"No explorer: {note}")])
    links = [
        f"{s}: {EXPLORER_FILE}#closed={','.join(data.closed_at_end.get(s, ()))}"
        for s in data.scenarios
    ]
    return Section(
        "explorer",
        "Explorer",
        [
            Paragraph(
                f"{EXPLORER_FILE}, beside this report, is an interactive map of the region: "
                "click an SEH to close or reopen it, and the page recomputes each area's "
                "call-to-door minutes, the population beyond the norm and the sensitivity "
                "of the remaining SEHs, with sliders for dispatch and on-scene minutes and "
                "the norm. It needs no network. Each link below opens it with the SEHs that "
                "a scenario closed by the end of the horizon:"
            ),
            Bullets(links),
        ],
    )


def _norm_block(data: ResultsData) -> Block:
    """Each scenario's norm: fixed minutes, travel model and profile, closed sites."""
    norm = data.manifest.get("norm")
    if not isinstance(norm, Mapping) or not norm:
        p = scenario_norm(data, None)
        return Paragraph(
            f"The {p.norm_minutes:g}-minute norm counts {p.dispatch_minutes:g} minutes "
            f"dispatch and {p.on_scene_minutes:g} minutes on scene (the pack's values; "
            "the results do not record them per scenario)."
        )
    rows = []
    for name in [*data.scenarios, *(n for n in norm if n not in data.scenarios)]:
        n = norm.get(name)
        if not isinstance(n, Mapping):
            continue
        closed = n.get("closed_sites") or []
        rows.append(
            [
                str(name),
                f"{n.get('dispatch_minutes', float('nan')):g}",
                f"{n.get('on_scene_minutes', float('nan')):g}",
                f"{n.get('norm_minutes', float('nan')):g}",
                f"{n.get('travel_model', '?')} ({n.get('travel_profile', '?')})",
                ", ".join(map(str, closed)) or "none",
            ]
        )
    return Table(
        header=["scenario", "dispatch min", "on scene min", "norm min", "travel", "closed"],
        rows=rows,
        caption=(
            "The norm behind the population-beyond-the-norm KPIs and maps: an A1 ambulance's "
            "dispatch minutes, drive from the nearest 24/7 post, minutes on scene and drive to "
            "the nearest open 24/7 SEH, against the norm; travel model (profile) and closed "
            "sites per scenario."
        ),
        align=["l", "r", "r", "r", "l", "l"],
    )


def method_section(data: ResultsData) -> Section:
    """How the numbers were made: region, knobs and their sources, seeds, versions."""
    m = data.manifest
    config = m.get("config") or {}
    blocks: list[Block] = []
    # region pack
    if data.region is not None:
        r = data.region
        info = r.describe()
        blocks.append(
            Paragraph(
                f"Region pack '{r.name}' ({data.manifest.get('region', '?')}): {r.description} "
                f"{info['population']:,} inhabitants in {info['n_areas']} areas; "
                f"{info['n_seh']} SEHs ({info['n_seh_24_7']} open 24/7) at {info['n_sites']} "
                f"sites of {len(r.organisations)} organisations; {info['n_posts']} ambulance "
                f"posts; {info['n_haps']} separate HAPs; {info['n_ferries']} ferry link(s)."
            )
        )
        blocks.append(
            Table(
                header=["site_id", "name", "organisation", "SEH", "acute beds"],
                rows=[
                    [s.site_id, s.name, s.organisation, s.seh, f"{s.acute_beds:,}"] for s in r.sites
                ],
                caption="Hospital sites.",
                align=["l", "l", "l", "l", "r"],
            )
        )
        blocks.append(Bullets(list(r.sources) or ["none given"], lead="Sources of the pack:"))
    else:
        blocks.append(Paragraph(f"Region pack '{m.get('region', '?')}'. {data.region_note or ''}"))
    # scenarios and knobs
    knob_rows = []
    for spec in config.get("scenarios", []):
        if not isinstance(spec, Mapping):
            continue
        knobs = [
            f"{k} = {param_value(v)}"
            for k, v in spec.items()
            if k not in {"name", "description", "funding", "behaviour"}
        ]
        knobs += [f"{k}: see below" for k in ("funding", "behaviour") if spec.get(k)]
        knob_rows.append([str(spec.get("name")), "; ".join(knobs) or "(pack defaults)"])
    listed = {row[0] for row in knob_rows}
    grid = config.get("grid")
    for s in data.scenarios:
        if s not in listed:
            base = grid.get("base", "?") if isinstance(grid, Mapping) else "?"
            knob_rows.append([s, f"grid scenario from {base}; knobs in its name"])
    blocks.append(
        Table(
            header=["scenario", "knobs (others at the pack's values)"],
            rows=knob_rows,
            caption="Scenario knobs, as in the experiment file.",
            align=["l", "l"],
        )
    )
    blocks.append(_norm_block(data))
    if isinstance(grid, Mapping):
        knobs = grid.get("knobs") or {}
        blocks.append(
            Paragraph(
                f"Grid from '{grid.get('base', '?')}': "
                + "; ".join(f"{k} in {param_value(v)}" for k, v in knobs.items())
            )
        )
    # behaviour and funding parameters
    documented = knob_docs()
    param_rows = []
    for spec in config.get("scenarios", []):
        if not isinstance(spec, Mapping):
            continue
        for key in ("funding", "behaviour"):
            table = spec.get(key)
            if isinstance(table, Mapping) and table:
                param_rows += [
                    [str(spec.get("name")), *row]
                    for row in flatten_parameters(table, key, documented)
                ]
    if param_rows:
        blocks.append(
            Table(
                header=["scenario", "parameter", "value", "source"],
                rows=param_rows,
                caption=(
                    "Funding and behavioural parameters set in the experiment file, with their "
                    "sources ('assumption': no published source; docs/assumptions.md)."
                ),
                align=["l", "l", "r", "l"],
            )
        )
    choices = _accounting_choice_rows(m.get("funding_knobs"))
    if choices and (param_rows or len(data.finance)):
        blocks.append(
            Table(
                header=["scenario", *(label for _, label in ACCOUNTING_CHOICES)],
                rows=choices,
                caption=(
                    "Accounting choices and contested behaviour each scenario ran with "
                    "(manifest.json funding_knobs; defaults filled in). A funding verdict "
                    "holds only under these choices."
                ),
                align=["l"] + ["l"] * len(ACCOUNTING_CHOICES),
            )
        )
    if documented and (param_rows or len(data.finance)):
        blocks.append(
            Table(
                header=["knob", "default", "unit", "source"],
                rows=[
                    [k, v["default"], v["unit"], v["source"] or "assumption"]
                    for k, v in documented.items()
                ],
                caption=(
                    "Every funding and behaviour knob at its default (used wherever a "
                    "scenario does not set it), from docs/assumptions.md."
                ),
                align=["l", "l", "l", "l"],
            )
        )
    if not param_rows:
        blocks.append(
            Paragraph(
                "No scenario sets funding or behaviour parameters: the defaults apply "
                "(docs/assumptions.md lists them with their sources)."
            )
        )
    # reproducibility
    seeds = ", ".join(
        f"replication {s.get('replication')}: {s.get('entropy')}" for s in m.get("seeds", [])
    )
    items = [
        f"experiment file: {m.get('experiment_file', '?')}",
        f"horizon: {data.horizon_days:g} days; warm-up: {data.warmup_days:g} days; "
        f"replications: {m.get('replications', '?')}",
        f"root seed: {m.get('root_seed', '?')}; stream keying: {m.get('stream_keying', '?')}",
        f"seed entropy per replication: {seeds or '?'}",
        f"config hash: {m.get('config_hash', '?')}; region hash: {m.get('region_hash', '?')}",
        f"run started {m.get('start_time', '?')}, ended {m.get('end_time', '?')}",
    ]
    warmup = getattr(data.summary, "warmup_suggestion_days", None)
    if warmup is not None:
        items.append(
            f"MSER-5 on the baseline's daily mean SEH length of stay suggests a warm-up of "
            f"{warmup:g} days (this run used {m.get('warmup_days', 'n/a')} days)"
        )
    blocks.append(Bullets(items, lead="Reproducibility:"))
    versions = m.get("versions") or {}
    blocks.append(
        Table(
            header=["package", "version"],
            rows=[[k, str(v)] for k, v in versions.items()],
            caption="Package versions of the run.",
            align=["l", "l"],
        )
    )
    return Section("method", "Method and assumptions", blocks)
