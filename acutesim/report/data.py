"""The tables of a results directory, its comparison, region and norm maps, for the report.

Everything the report reads comes through :func:`load_results`: the results store's
tables, the :class:`~acutesim.analysis.stats.Summary`, and the region and its
reachability from the copy of the region pack inside the results directory
(:func:`~acutesim.experiment.results.run_region`; never the working directory).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from acutesim.analysis.closures import CLOSING_ACTIONS
from acutesim.analysis.headline import long_date
from acutesim.analysis.headline import measured_period as period_words
from acutesim.analysis.stats import Summary, summarise
from acutesim.errors import ResultsError
from acutesim.experiment.store import ResultsStore

if TYPE_CHECKING:
    import geopandas as gpd

    from acutesim.domain.region import Region
    from acutesim.geo.reachability import ReachabilityResult

from acutesim.geo.norm import NORM_MINUTES, NormParameters, norm_parameters


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
    region_key: str | None = None  # the pack copy's cache key (report.region_cache)
    closed_at_end: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reach: dict[str, ReachabilityResult] = field(default_factory=dict)
    reach_note: str | None = None
    # scenario -> the name its norm map is kept under (report.region_cache)
    reach_names: dict[str, str] = field(default_factory=dict)

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


def _echoed_switch(knobs: Any) -> dt.date | None:
    """The first regime switch in a scenario's echoed funding knobs (flat or phases)."""
    funding = knobs.get("funding") if isinstance(knobs, Mapping) else None
    if not isinstance(funding, Mapping):
        return None
    phases = funding.get("phases")
    if isinstance(phases, list):
        starts = [p.get("from") for p in phases[1:] if isinstance(p, Mapping) and p.get("from")]
        when = min(starts) if starts else None
    else:
        when = funding.get("switch_date")
    with contextlib.suppress(ValueError, TypeError):
        return dt.date.fromisoformat(str(when)[:10]) if when else None
    return None


def switch_dates(manifest: Mapping[str, Any]) -> dict[str, dt.date]:
    """Scenario -> the date its funding first switches regime.

    Read from the manifest's ``funding_knobs`` (flat ``switch_date`` or the second of
    ``[[funding.phases]]``); for older results, from the experiment file as recorded,
    following ``inherits``.
    """
    echoed = manifest.get("funding_knobs")
    if isinstance(echoed, Mapping) and echoed:
        found = {str(k): _echoed_switch(v) for k, v in echoed.items()}
        return {k: v for k, v in found.items() if v is not None}
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


def load_results(
    results_dir: str | Path,
    summary: Summary | None = None,
    *,
    on_region: Callable[[ResultsData], None] | None = None,
) -> ResultsData:
    """Read a results directory and compute everything the report shows.

    Parameters
    ----------
    results_dir : str or Path
        A directory written by ``acutesim run``.
    summary : Summary, optional
        The comparison (from :func:`~acutesim.analysis.stats.summarise`); made here
        when omitted.
    on_region : callable, optional
        Called with the data once the tables and the region are read, before the
        reachability maps are computed (the report starts its charts there).

    Returns
    -------
    ResultsData
        Missing tables are empty frames; a missing region snapshot or geo module
        leaves a note.
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
    if on_region is not None:
        on_region(data)
    _load_reachability(data)
    return data


def _load_region(data: ResultsData) -> None:
    """The run's region from the results' own copy of the pack (never the cwd).

    Loaded once per pack copy and then read from the user's cache
    (:mod:`acutesim.report.region_cache`).
    """
    from acutesim.report.region_cache import cached_run_region, run_region_key

    data.region_key = run_region_key(data.results_dir, data.manifest)
    found = cached_run_region(data.results_dir, data.manifest, data.region_key)
    data.region, data.areas = found.region, found.areas
    data.region_path, data.region_note = found.path, found.note


def _load_reachability(data: ResultsData) -> None:
    if data.region is None:
        data.reach_note = data.region_note
        return
    try:
        from acutesim.geo.reachability import reachability
    except ImportError as exc:
        data.reach_note = f"The reachability module is not available ({exc})."
        return
    from acutesim.report.region_cache import keep_object, read_kept_object

    known = set(data.region.site_by_id)
    cache: dict[tuple[Any, ...], ReachabilityResult] = {}
    for scenario in data.scenarios:
        closed = tuple(s for s in data.closed_at_end.get(scenario, ()) if s in known)
        params = scenario_norm(data, scenario)
        key = (closed, params)
        name = reach_cache_name(data.region_key, closed, params)
        if key not in cache:
            kept = read_kept_object(REACH_CACHE, f"{name}.pickle") if name else None
            if kept is None:
                kept = reachability(
                    data.region,
                    closed=closed,
                    norm_minutes=params.norm_minutes,
                    params=params,
                    areas=data.areas,
                )
                if name:
                    keep_object(REACH_CACHE, f"{name}.pickle", kept)
            cache[key] = kept
        data.reach[scenario] = cache[key]
        if name:
            data.reach_names[scenario] = name


REACH_CACHE = "reach"  # the user cache folder of kept norm maps (report.region_cache)


def reach_cache_name(
    region_key: str | None, closed: tuple[str, ...], params: NormParameters
) -> str | None:
    """The name a scenario's norm map is kept under (None without a region key).

    A hash of the pack copy's key (which covers acutesim's code and the libraries, see
    ``region_cache.code_digest``), the closed sites and the norm's minutes.
    """
    if not region_key:
        return None
    import hashlib

    text = f"{region_key}\0{closed!r}\0{params!r}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def scenario_norm(data: ResultsData, scenario: str | None) -> NormParameters:
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


def param_value(v: Any) -> str:
    """A parameter value as the method table shows it (true/false, 1,234, lists)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.10g}"
    if isinstance(v, list | tuple):
        return ", ".join(param_value(x) for x in v) or "(none)"
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
        rows.append((name, param_value(value), given or documented or "assumption"))
    return rows


def _plain(cell: str) -> str:
    return " ".join(re.sub(r"[*`]", "", cell).split())


KNOB_DOCS_ASSET = "knobs.json"


def knob_docs() -> dict[str, dict[str, str]]:
    """Defaults, units and sources of the funding and behaviour knobs, as shipped.

    ``acutesim/report/assets/knobs.json`` is made from docs/assumptions.md by
    ``python scripts/knob_docs.py`` (a test keeps the two equal), so an installed package
    reports the same sources as a source checkout without reading the docs folder.
    """
    import json
    from importlib import resources

    text = (
        resources.files("acutesim.report")
        .joinpath("assets", KNOB_DOCS_ASSET)
        .read_text(encoding="utf-8")
    )
    docs: dict[str, dict[str, str]] = json.loads(text)
    return docs


def read_knob_docs(path: Path) -> dict[str, dict[str, str]]:
    """Defaults, units and sources of the funding and behaviour knobs from docs/assumptions.md.

    Parameters
    ----------
    path : Path
        The assumptions page. Missing: an empty mapping.

    Returns
    -------
    dict
        ``funding.<knob>`` or ``behaviour.<table>.<knob>`` -> ``default``, ``unit``,
        ``source`` (plain text, markup removed).
    """
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
