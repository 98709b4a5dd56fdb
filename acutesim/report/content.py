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

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from acutesim.analysis.closures import (
    CLOSING_ACTIONS,
    CLOSURES_KPI,
    site_closures,
)
from acutesim.analysis.closures import (
    closures_kpi_rows as closures_kpi_rows,
)
from acutesim.analysis.headline import (
    WORDINGS,
    ScenarioHeadline,
    Wording,
    about_region,
    difference_sentence,
    find_region_pack,
    long_date,
    robustness_sentences,
    scenario_headlines,
)
from acutesim.analysis.headline import measured_period as period_words
from acutesim.analysis.stats import Summary, fmt, summarise
from acutesim.errors import AcutesimError, ResultsError
from acutesim.experiment.store import ResultsStore
from acutesim.units import MINUTES_PER_DAY

if TYPE_CHECKING:
    import geopandas as gpd

    from acutesim.domain.region import Region
    from acutesim.geo.reachability import ReachabilityResult

from acutesim.geo.norm import NORM_MINUTES, NormParameters, norm_parameters

# KPI -> (what it is, unit); units as in docs/formats.md.
KPI_INFO: dict[str, tuple[str, str]] = {
    "seh_visits": ("patients who left the SEH", "visits"),
    "seh_visits_per_1000_per_year": ("SEH visits per 1,000 inhabitants", "per 1,000 per year"),
    "share_arrival_ambulance": ("arrivals by ambulance", "share"),
    "share_arrival_gp_hap": ("arrivals referred by GP or HAP", "share"),
    "share_arrival_self": ("self-referred arrivals", "share"),
    "share_arrival_other": ("other arrivals", "share"),
    "admission_share": ("admitted to a ward bed", "share"),
    "seh_los_mean_minutes": ("mean SEH length of stay", "min"),
    "seh_los_over_4h_share": ("SEH length of stay over 4 hours", "share"),
    "door_to_doctor_p50_minutes": ("arrival to treatment, median", "min"),
    "ambulance_call_to_door_p95_minutes": ("112 call to SEH door, 95th percentile", "min"),
    "ambulance_call_to_door_over_45_share": ("call to SEH door over 45 minutes", "share"),
    "a1_response_within_15_share": ("A1 calls on scene within 15 minutes", "share"),
    "handoff_delay_p90_minutes": ("door to acceptance, 90th percentile", "min"),
    "volmelding_hours": ("hours volgemeld, all SEHs", "h"),
    "diversions": ("ambulance patients diverted", "patients"),
    "closed_shift_hours": ("hours closed for a shift, all SEHs", "h"),
    "boarding_hours": ("hours admitted patients waited for a bed", "h"),
    "bed_transfers": ("admitted patients transferred for a bed", "patients"),
    "hap_contacts": ("HAP contacts", "contacts"),
    "hap_referral_share": ("HAP contacts referred to the SEH", "share"),
    "population_beyond_norm_mean": ("inhabitants beyond the 45-minute norm (A1)", "persons"),
    "population_beyond_norm_rivm_mean": (
        "inhabitants beyond the 45-minute norm (RIVM definition)",
        "persons",
    ),
    "journeys": ("patient journeys started", "patients"),
    CLOSURES_KPI: ("SEH closures decided during the run", "closures"),
}


Headline = Wording  # the name this module used before the headline moved to analysis
HEADLINES = WORDINGS


# -- content blocks -------------------------------------------------------------------------
@dataclass
class Paragraph:
    """A paragraph of plain text; ``style`` ``about`` or ``headline`` sets it apart."""

    text: str
    style: str = ""


@dataclass
class Bullets:
    """A list of plain-text items, with an optional lead-in."""

    items: list[str]
    lead: str = ""
    style: str = ""


@dataclass
class Table:
    """A table of strings; ``align`` holds ``l`` or ``r`` per column."""

    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    align: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class FigureSlot:
    """A figure the HTML report draws; ``note`` replaces it when it cannot be drawn."""

    key: str
    title: str
    caption: str = ""
    note: str | None = None
    png: bytes | None = None
    wide: bool = True


Block = Paragraph | Bullets | Table | FigureSlot


@dataclass
class Section:
    """A titled part of the report."""

    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class ReportContent:
    """Everything the report says, as strings, in order."""

    title: str
    subtitle: str
    sections: list[Section]

    def figures(self) -> list[FigureSlot]:
        """Every figure slot, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, FigureSlot)]


# -- results data ---------------------------------------------------------------------------
@dataclass
class ResultsData:
    """The tables of a results directory, the comparison, the region and its norm maps."""

    results_dir: Path
    summary: Summary
    table: pd.DataFrame
    kpis: pd.DataFrame
    status: pd.DataFrame
    closures: pd.DataFrame
    finance: pd.DataFrame
    timeseries: pd.DataFrame
    patients: pd.DataFrame
    region: Region | None = None
    areas: gpd.GeoDataFrame | None = None
    region_path: Path | None = None
    region_note: str | None = None
    closed_at_end: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reach: dict[str, ReachabilityResult] = field(default_factory=dict)
    reach_note: str | None = None

    @property
    def manifest(self) -> dict[str, Any]:
        """The run's manifest."""
        return self.summary.manifest

    @property
    def scenarios(self) -> list[str]:
        """Scenarios with results, in experiment order."""
        return self.summary.scenarios

    @property
    def baseline(self) -> str:
        """The baseline scenario."""
        return self.summary.baseline

    @property
    def horizon_days(self) -> float:
        """Run length [days]."""
        return float(self.manifest.get("horizon_days") or 0.0)

    @property
    def warmup_days(self) -> float:
        """Warm-up, not measured [days]."""
        return float(self.manifest.get("warmup_days") or 0.0)

    @property
    def start_date(self) -> dt.date | None:
        """Calendar date of day 0 (None without the region pack)."""
        return self.region.calendar.start_date if self.region is not None else None

    def events_by_scenario(self) -> dict[str, list[tuple[float, str]]]:
        """Scenario -> dated funding switches ``(day [days], label)`` within the horizon."""
        start = self.start_date
        if start is None:
            return {}
        out: dict[str, list[tuple[float, str]]] = {}
        for scenario, when in switch_dates(self.manifest).items():
            day = float((when - start).days)
            if 0.0 <= day <= self.horizon_days:
                out[scenario] = [
                    (day, f"{scenario}: fixed budget from {long_date(when.isoformat())}")
                ]
        return out

    @property
    def site_names(self) -> dict[str, str]:
        """Site id -> name (empty without a region)."""
        if self.region is None:
            return {}
        return {s.site_id: s.name for s in self.region.sites}


def switch_dates(manifest: Mapping[str, Any]) -> dict[str, dt.date]:
    """Scenario -> the date its funding switches regime (``funding.switch_date``).

    Follows ``inherits`` in the experiment file as recorded in the manifest.
    """
    specs = {
        str(s.get("name")): s
        for s in (manifest.get("config") or {}).get("scenarios", [])
        if isinstance(s, Mapping)
    }
    out: dict[str, dt.date] = {}
    for name in specs:
        seen: set[str] = set()
        spec: Mapping[str, Any] | None = specs[name]
        while spec is not None and name not in out:
            funding = spec.get("funding")
            when = funding.get("switch_date") if isinstance(funding, Mapping) else None
            if when:
                with contextlib.suppress(ValueError):
                    out[name] = dt.date.fromisoformat(str(when)[:10])
                break
            parent = str(spec.get("inherits") or "")
            if not parent or parent in seen:
                break
            seen.add(parent)
            spec = specs.get(parent)
    return out


def _read(store: ResultsStore, name: str) -> pd.DataFrame:
    try:
        return store.read(name)
    except ResultsError:
        return pd.DataFrame()


def read_patients(results_dir: Path) -> pd.DataFrame:
    """Concatenate ``parts/*/patients.parquet`` (only the columns the report uses)."""
    import pyarrow.parquet as pq

    columns = ["scenario", "replication", "route", "t_call", "t_arrival"]
    frames = []
    for path in sorted((results_dir / "parts").glob("*/patients.parquet")):
        names = pq.read_schema(path).names
        frames.append(pq.read_table(path, columns=[c for c in columns if c in names]).to_pandas())
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def sites_closed_at_end(
    status: pd.DataFrame, closures: pd.DataFrame, scenarios: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """SEHs closed at the end of the horizon in at least half of a scenario's replications.

    A site is closed in a replication when its last closure (or night closure) in
    ``closures`` is not followed by a reopening, or when its last status row is
    ``closed``. Night closures count: the SEH is then no longer open 24/7.

    Returns
    -------
    dict
        Scenario -> site ids, sorted.
    """
    out: dict[str, tuple[str, ...]] = {}
    for scenario in scenarios:
        by_rep: dict[int, set[str]] = {}
        st = status[status["scenario"] == scenario] if len(status) else status
        for rep, g in st.groupby("replication") if len(st) else []:
            last = g.sort_values("t_start").groupby("site_id")["status"].last()
            by_rep[int(rep)] = set(last[last == "closed"].index)
        cl = closures[closures["scenario"] == scenario] if len(closures) else closures
        for rep, g in cl.groupby("replication") if len(cl) else []:
            shut = by_rep.setdefault(int(rep), set())
            for site_id, action in zip(
                g.sort_values("t_minutes")["site_id"],
                g.sort_values("t_minutes")["action"],
                strict=True,
            ):
                if action in CLOSING_ACTIONS:
                    shut.add(str(site_id))
                elif action == "reopen":
                    shut.discard(str(site_id))
        n = max(1, len(by_rep))
        counts: dict[str, int] = {}
        for shut in by_rep.values():
            for site_id in shut:
                counts[site_id] = counts.get(site_id, 0) + 1
        out[scenario] = tuple(sorted(s for s, c in counts.items() if c >= n / 2))
    return out


def load_results(results_dir: str | Path, summary: Summary | None = None) -> ResultsData:
    """Read a results directory and compute everything the report shows.

    Parameters
    ----------
    results_dir : str or Path
        A directory written by ``acutesim run``.
    summary : Summary, optional
        The comparison (from :func:`~acutesim.analysis.stats.summarise`); made here
        when omitted.

    Returns
    -------
    ResultsData
        Missing tables are empty frames; a missing region or geo module leaves a note.
    """
    d = Path(results_dir)
    summary = summary if summary is not None else summarise(d)
    store = ResultsStore(d)
    kpis = _read(store, "kpis")
    status, closures = _read(store, "status"), _read(store, "closures")
    table = summary.table
    data = ResultsData(
        results_dir=d,
        summary=summary,
        table=table,
        kpis=kpis,
        status=status,
        closures=closures,
        finance=_read(store, "finance"),
        timeseries=_read(store, "timeseries"),
        patients=read_patients(d),
    )
    data.closed_at_end = sites_closed_at_end(status, closures, summary.scenarios)
    _load_region(data)
    _load_reachability(data)
    return data


def _load_region(data: ResultsData) -> None:
    pack = find_region_pack(data.manifest, data.results_dir)
    if pack is None:
        data.region_note = (
            f"The region pack '{data.manifest.get('region', '?')}' named in manifest.json was "
            "not found from here; run 'acutesim report' from the directory the experiment "
            "was run in."
        )
        return
    try:
        from acutesim.config.load import load_region_with_areas

        data.region, data.areas = load_region_with_areas(pack)
        data.region_path = pack
    except (ImportError, AcutesimError) as exc:
        data.region_note = f"The region pack '{pack}' could not be loaded: {exc}"


def _load_reachability(data: ResultsData) -> None:
    if data.region is None:
        data.reach_note = data.region_note
        return
    try:
        from acutesim.geo.reachability import reachability
    except ImportError as exc:
        data.reach_note = f"The reachability module is not available ({exc})."
        return
    known = set(data.region.site_by_id)
    cache: dict[tuple[Any, ...], ReachabilityResult] = {}
    for scenario in data.scenarios:
        closed = tuple(s for s in data.closed_at_end.get(scenario, ()) if s in known)
        params = _scenario_norm(data, scenario)
        key = (closed, params)
        if key not in cache:
            cache[key] = reachability(
                data.region,
                closed=closed,
                norm_minutes=params.norm_minutes,
                params=params,
                areas=data.areas,
            )
        data.reach[scenario] = cache[key]


def _scenario_norm(data: ResultsData, scenario: str | None) -> NormParameters:
    """The norm a scenario ran with (the manifest's ``norm``), else the pack's."""
    p = norm_parameters(data.region) if data.region is not None else NormParameters()
    p = NormParameters(p.dispatch_minutes, p.on_scene_minutes, NORM_MINUTES)
    rec = (data.manifest.get("norm") or {}).get(scenario)
    if not isinstance(rec, Mapping):
        return p
    return NormParameters(
        dispatch_minutes=float(rec.get("dispatch_minutes", p.dispatch_minutes)),
        on_scene_minutes=float(rec.get("on_scene_minutes", p.on_scene_minutes)),
        norm_minutes=float(rec.get("norm_minutes", p.norm_minutes)),
    )


# -- words -------------------------------------------------------------------------------
def measured_period(data: ResultsData) -> str:
    """``over the 49 measured days`` (or years, for runs of two years or more)."""
    return period_words(data.horizon_days, data.warmup_days)


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


def _unit(kpi: str) -> str:
    return KPI_INFO.get(kpi, ("", ""))[1]


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


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.10g}"
    if isinstance(v, list | tuple):
        return ", ".join(_value(x) for x in v) or "(none)"
    return str(v)


def flatten_parameters(
    table: Mapping[str, Any], prefix: str, knob_docs: Mapping[str, Mapping[str, str]] | None = None
) -> list[tuple[str, str, str]]:
    """Flatten a nested funding or behaviour table into (parameter, value, source) rows.

    The source of a parameter is, in this order: a ``source`` key in its table, the
    source column of ``docs/assumptions.md`` for the knob (``knob_docs``), else
    ``assumption``.
    """
    rows: list[tuple[str, str, str]] = []
    given = str(table.get("source", ""))
    for key, value in table.items():
        if key == "source":
            continue
        name = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            rows += flatten_parameters(value, name, knob_docs)
            continue
        documented = (knob_docs or {}).get(name, {}).get("source", "")
        rows.append((name, _value(value), given or documented or "assumption"))
    return rows


def _plain(cell: str) -> str:
    return " ".join(re.sub(r"[*`]", "", cell).split())


def read_knob_docs(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Defaults, units and sources of the funding and behaviour knobs from docs/assumptions.md.

    Parameters
    ----------
    path : Path, optional
        The assumptions page; by default ``docs/assumptions.md`` beside the package (a
        source checkout). Missing: an empty mapping.

    Returns
    -------
    dict
        ``funding.<knob>`` or ``behaviour.<table>.<knob>`` -> ``default``, ``unit``,
        ``source`` (plain text, markup removed).
    """
    path = path or Path(__file__).resolve().parents[2] / "docs" / "assumptions.md"
    if not path.exists():
        return {}
    out: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    prefix = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if header is None:
            first = cells[0]
            if not first.startswith("knob"):
                header = []  # some other table: skip its rows
                continue
            scoped = re.findall(r"`([^`]+)`", first)
            prefix = scoped[0] if scoped else "funding"
            header = [c.split(" ")[0].lower() for c in cells]
            continue
        if not header or set(line) <= set("|-: "):
            continue
        row = dict(zip(header, cells, strict=False))
        knobs = re.findall(r"`([^`]+)`", cells[0])
        defaults = [_plain(row.get("default", ""))] * len(knobs)
        split = [d.strip() for d in defaults[0].split(",")] if knobs else []
        if len(knobs) > 1 and len(split) == len(knobs):  # `a`, `b` | 0.6, 1.5
            defaults = split
        for knob, default in zip(knobs, defaults, strict=True):
            out[f"{prefix}.{knob}"] = {
                "default": default,
                "unit": _plain(row.get("unit", "")),
                "source": _plain(row.get("source", "")),
            }
    return out


# -- the content -------------------------------------------------------------------------
def build_content(data: ResultsData) -> ReportContent:
    """Assemble the report's sections (summary, KPIs, figures, maps, method) as strings."""
    m = data.manifest
    name = m.get("experiment") or (m.get("config") or {}).get("name") or data.results_dir.name
    return ReportContent(
        title=f"acutesim report: {name}",
        subtitle=str(m.get("description") or ""),
        sections=[
            _summary_section(data),
            _kpi_section(data),
            _figure_section(data),
            _map_section(data),
            _explorer_section(data),
            _method_section(data),
        ],
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
    p = _scenario_norm(data, data.manifest.get("baseline"))  # as the baseline ran
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


def _figure_section(data: ResultsData) -> Section:
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


def _map_section(data: ResultsData) -> Section:
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
            row.append("–" if value is None else _value(value))
        rows.append(row)
    return rows


EXPLORER_FILE = "explorer.html"


def _explorer_section(data: ResultsData) -> Section:
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
        p = _scenario_norm(data, None)
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


def _method_section(data: ResultsData) -> Section:
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
            f"{k} = {_value(v)}"
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
                + "; ".join(f"{k} in {_value(v)}" for k, v in knobs.items())
            )
        )
    # behaviour and funding parameters
    knob_docs = read_knob_docs()
    param_rows = []
    for spec in config.get("scenarios", []):
        if not isinstance(spec, Mapping):
            continue
        for key in ("funding", "behaviour"):
            table = spec.get(key)
            if isinstance(table, Mapping) and table:
                param_rows += [
                    [str(spec.get("name")), *row]
                    for row in flatten_parameters(table, key, knob_docs)
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
    if knob_docs and (param_rows or len(data.finance)):
        blocks.append(
            Table(
                header=["knob", "default", "unit", "source"],
                rows=[
                    [k, v["default"], v["unit"], v["source"] or "assumption"]
                    for k, v in knob_docs.items()
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
