"""Charts of an experiment's results: SEH status, volmelding, call-to-door, finance, the norm.

A reader comparing funding regimes asks: when was each SEH open, full (volgemeld) or
closed, how many hours did each SEH spend volgemeld, how long did ambulance patients
take from the 112 call to the SEH door against the 45-minute norm, what happened to
each organisation's books, and how many inhabitants were beyond the norm from day to
day. Each chart answers one of these from a tidy results table.

Every ``plot_*`` function takes a tidy frame (as in the results directory) and an
optional Axes, and returns the Axes; without an Axes it draws on a new ``Figure`` with
the Agg canvas, never through ``pyplot``, so no window opens and nothing global changes.
matplotlib is imported inside the functions, so that the command line starts fast.
Each scenario keeps one colour in every chart (:func:`scenario_colours`).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from acutesim.analysis.intervals import kpi_interval
from acutesim.geo.norm import NORM_MINUTES
from acutesim.units import MINUTES_PER_DAY

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from acutesim.geo.reachability import ReachabilityResult

# Colour-blind safe (Okabe-Ito, then Tol's muted); the baseline, first, is dark grey.
PALETTE: tuple[str, ...] = (
    "#4d4d4d",
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#882255",
    "#44aa99",
    "#999933",
)
STATUS_ORDER: tuple[str, ...] = ("open", "volgemeld", "closed_shift", "closed", "outside_hours")
STATUS_COLOURS: dict[str, str] = {
    "open": "#a6d96a",
    "volgemeld": "#fdae61",
    "closed_shift": "#d7191c",
    "closed": "#252525",
    "outside_hours": "#d9d9d9",
}
STATUS_LABELS: dict[str, str] = {
    "open": "open",
    "volgemeld": "volgemeld (full, ambulances diverted)",
    "closed_shift": "closed for a shift (staff)",
    "closed": "closed",
    "outside_hours": "outside opening hours",
}
CLOSED_REASON_COLOURS: dict[str, str] = {
    "financial": "#67000d",
    "staff": "#54278f",
    "policy": "#252525",
}
CLOSING_ACTIONS: frozenset[str] = frozenset({"closure", "night_closure"})

NORM_COLOUR = "#08306b"
MONEY_COLUMNS: dict[str, str] = {
    "revenue_eur": "revenue",
    "cost_eur": "cost",
    "margin_eur": "margin",
}


# -- colours and canvases ---------------------------------------------------------------
def scenario_colours(scenarios: Iterable[str]) -> dict[str, str]:
    """Map scenarios, in experiment order, to fixed colours (the palette repeats after 10).

    Parameters
    ----------
    scenarios : iterable of str
        Scenario names in experiment order (the baseline first).

    Returns
    -------
    dict
        Scenario name -> colour (hex string).
    """
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(dict.fromkeys(scenarios))}


def new_figure(figsize: tuple[float, float] = (8.0, 4.0)) -> Figure:
    """A fresh Figure with the Agg canvas and constrained layout (no pyplot, no window)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def new_axes(figsize: tuple[float, float] = (8.0, 4.0)) -> Axes:
    """A fresh Axes on its own Figure (see :func:`new_figure`)."""
    return new_figure(figsize).add_subplot()


# A dated event on a time axis: (day since the start of the horizon [days], label).
TimeEvent = tuple[float, str]
EVENT_COLOUR = "#6a3d9a"


def date_axis(ax: Axes, start_date: dt.date | None, span_days: float) -> None:
    """Label a time axis in days since the start with calendar dates.

    The data stay in days [days]; ticks go to the first of a month (runs up to about
    two years) or of a year, and read ``Jan 2027``. Without a start date the axis keeps
    ``time [days]``.

    Parameters
    ----------
    ax : Axes
        Axes whose x-axis is days since the start of the horizon [days].
    start_date : date or None
        The calendar date of day 0.
    span_days : float
        The length of the axis [days].
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter

    if start_date is None:
        ax.set_xlabel("time [days]")
        return
    months = 1 if span_days <= 200 else (3 if span_days <= 800 else 12)
    ticks = []
    d = dt.date(start_date.year, start_date.month, 1)
    end = start_date + dt.timedelta(days=float(span_days))
    while d <= end:
        if d >= start_date and (d.month - 1) % months == 0:
            ticks.append(float((d - start_date).days))
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    ax.xaxis.set_major_locator(FixedLocator(ticks))

    def label(value: float, _pos: int) -> str:
        day = start_date + dt.timedelta(days=float(value))
        return f"{day:%b %Y}" if months < 12 else f"{day.year}"

    ax.xaxis.set_major_formatter(FuncFormatter(label))
    ax.set_xlabel(f"date (day 0 = {start_date:%d %b %Y})")


def mark_events(ax: Axes, events: Sequence[TimeEvent], *, label: bool = True) -> None:
    """Draw each dated event (e.g. a funding regime switch) as a labelled vertical line."""
    for day, text in events:
        ax.axvline(
            day,
            color=EVENT_COLOUR,
            linestyle=":",
            linewidth=1.8,
            label=text if label else None,
            zorder=4,
        )


def _colours(frame: pd.DataFrame, colours: Mapping[str, str] | None) -> dict[str, str]:
    if colours is not None:
        out = dict(colours)
        extra = [s for s in dict.fromkeys(frame["scenario"]) if s not in out] if len(frame) else []
        out.update({s: PALETTE[(len(out) + i) % len(PALETTE)] for i, s in enumerate(extra)})
        return out
    return scenario_colours(frame["scenario"]) if len(frame) else {}


def _scenario_order(frame: pd.DataFrame, colours: Mapping[str, str]) -> list[str]:
    present = set(frame["scenario"])
    return [s for s in colours if s in present]


def _site_label(
    site_id: str, site_names: Mapping[str, str] | None, *, wrap: int | None = None
) -> str:
    if site_names and site_id in site_names:
        if wrap:
            return "\n".join([*textwrap.wrap(site_names[site_id], wrap), f"({site_id})"])
        return f"{site_names[site_id]} ({site_id})"
    return str(site_id)


# -- SEH status ----------------------------------------------------------------------------
def _closed_reason(closures: pd.DataFrame | None, site_id: str, t_start: float) -> str | None:
    if closures is None or closures.empty:
        return None
    rows = closures[
        (closures["site_id"] == site_id)
        & closures["action"].isin(CLOSING_ACTIONS)
        & (closures["t_minutes"] <= t_start + 1e-6)
    ]
    if rows.empty:
        return None
    return str(rows.sort_values("t_minutes")["reason"].iloc[-1])


def plot_status_timeline(
    frame: pd.DataFrame,
    *,
    closures: pd.DataFrame | None = None,
    site_names: Mapping[str, str] | None = None,
    warmup_days: float | None = None,
    start_date: dt.date | None = None,
    events: Sequence[TimeEvent] = (),
    ax: Axes | None = None,
) -> Axes:
    """Draw each SEH's status over time as coloured bars (one row per site).

    Parameters
    ----------
    frame : DataFrame
        Rows of ``status.parquet``: ``scenario, replication, site_id, t_start, t_end,
        status`` (sim minutes [min]). Only the first scenario and the lowest
        replication present are drawn.
    closures : DataFrame, optional
        Rows of ``closures.parquet``; ``closed`` periods are then coloured by the
        reason of the closure (``financial``, ``staff`` or ``policy``).
    site_names : mapping, optional
        Site id -> name for the row labels.
    warmup_days : float, optional
        End of the warm-up [days], marked with a dashed line.
    start_date : date, optional
        Calendar date of day 0: the time axis then reads in dates.
    events : sequence of (float, str)
        Dated events [days] such as a funding switch, drawn as labelled dotted lines.
    ax : Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    Axes
        x: time [days] labelled with dates when ``start_date`` is given; one row per
        site; a legend of the statuses and events shown.
    """
    from matplotlib.patches import Patch

    if ax is None:
        ax = new_axes()
    if frame.empty:
        ax.set_title("SEH status per site: no status rows")
        ax.set_xlabel("time [days]")
        return ax
    scenario = frame["scenario"].iloc[0]
    sub = frame[frame["scenario"] == scenario]
    replication = int(sub["replication"].min())
    sub = sub[sub["replication"] == replication]
    if closures is not None and not closures.empty:
        closures = closures[
            (closures["scenario"] == scenario) & (closures["replication"] == replication)
        ]
    sites = list(dict.fromkeys(sub["site_id"]))
    styles: dict[str, tuple[str, str]] = {}  # legend key -> (colour, label)
    for row, site_id in enumerate(sites):
        rows = sub[sub["site_id"] == site_id]
        bars: dict[str, list[tuple[float, float]]] = {}
        for t0, t1, status in zip(rows["t_start"], rows["t_end"], rows["status"], strict=True):
            key = str(status)
            colour = STATUS_COLOURS.get(key, "#969696")
            label = STATUS_LABELS.get(key, key)
            if key == "closed":
                reason = _closed_reason(closures, site_id, float(t0))
                if reason is not None:
                    key = f"closed:{reason}"
                    colour = CLOSED_REASON_COLOURS.get(reason, colour)
                    label = f"closed ({reason})"
            styles[key] = (colour, label)
            bars.setdefault(key, []).append(
                (float(t0) / MINUTES_PER_DAY, (float(t1) - float(t0)) / MINUTES_PER_DAY)
            )
        for key, xranges in bars.items():
            ax.broken_barh(xranges, (row - 0.4, 0.8), facecolors=styles[key][0], linewidth=0)
    horizon = float(sub["t_end"].max()) / MINUTES_PER_DAY
    ax.set_xlim(0.0, horizon)
    ax.set_ylim(len(sites) - 0.5, -0.5)
    ax.set_yticks(range(len(sites)), [_site_label(s, site_names) for s in sites], fontsize=8)
    date_axis(ax, start_date, horizon)
    mark_events(ax, events, label=False)
    ax.set_title(f"{scenario}: SEH status per site (replication {replication})", fontsize=10)
    if warmup_days:
        ax.axvline(warmup_days, color="black", linestyle="--", linewidth=1)
    order = {k: i for i, k in enumerate(STATUS_ORDER)}
    keys = sorted(styles, key=lambda k: (order.get(k.split(":")[0], len(order)), k))
    handles: list[Any] = [
        Patch(facecolor=styles[k][0], edgecolor="none", label=styles[k][1]) for k in keys
    ]
    if warmup_days:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color="black", linestyle="--", label="end of warm-up"))
    if events:
        from matplotlib.lines import Line2D

        handles += [
            Line2D([], [], color=EVENT_COLOUR, linestyle=":", linewidth=1.8, label=text)
            for _day, text in events
        ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return ax


def status_timeline_figure(
    status: pd.DataFrame,
    scenarios: Sequence[str],
    *,
    replication: int = 0,
    closures: pd.DataFrame | None = None,
    site_names: Mapping[str, str] | None = None,
    warmup_days: float | None = None,
    start_date: dt.date | None = None,
    events_by_scenario: Mapping[str, Sequence[TimeEvent]] | None = None,
) -> Figure:
    """Small multiples of :func:`plot_status_timeline`, one panel per scenario.

    Parameters
    ----------
    status : DataFrame
        ``status.parquet`` (all scenarios).
    scenarios : sequence of str
        Scenarios in experiment order.
    replication : int
        The replication to draw (the lowest present when it is missing).
    closures, site_names, warmup_days, start_date
        As in :func:`plot_status_timeline`.
    events_by_scenario : mapping, optional
        Scenario -> dated events [days] (e.g. its funding switch).

    Returns
    -------
    Figure
        One row of axes per scenario with status rows, sharing the time axis [days].
    """
    shown = [s for s in scenarios if s in set(status["scenario"])]
    n_sites = max(1, status["site_id"].nunique())
    fig = new_figure((11.0, max(2.0, len(shown) * (0.32 * n_sites + 1.0))))
    axes = fig.subplots(len(shown) or 1, 1, sharex=True, squeeze=False)[:, 0]
    for ax, scenario in zip(axes, shown, strict=False):
        sub = status[status["scenario"] == scenario]
        if replication in set(sub["replication"]):
            sub = sub[sub["replication"] == replication]
        plot_status_timeline(
            sub,
            closures=closures,
            site_names=site_names,
            warmup_days=warmup_days,
            start_date=start_date,
            events=(events_by_scenario or {}).get(scenario, ()),
            ax=ax,
        )
    for ax in axes[:-1]:
        ax.set_xlabel("")
    return fig


# -- per-site KPIs -------------------------------------------------------------------------
def site_kpi_intervals(kpis: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """Mean and 95% CI across replications of one per-site KPI.

    Parameters
    ----------
    kpis : DataFrame
        ``kpis.parquet`` rows (``scenario, replication, kpi, value, site_id``).
    kpi : str
        The KPI name.

    Returns
    -------
    DataFrame
        ``scenario, site_id, n, mean, ci_low, ci_high`` in the KPI's unit.
    """
    rows = kpis[(kpis["kpi"] == kpi) & kpis["site_id"].notna()]
    out = []
    for (scenario, site_id), g in rows.groupby(["scenario", "site_id"], sort=False):
        mean, low, high = kpi_interval(kpi, g["value"].to_numpy())
        out.append(
            {
                "scenario": scenario,
                "site_id": site_id,
                "n": int(np.isfinite(g["value"].to_numpy(dtype=float)).sum()),
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return pd.DataFrame(out, columns=["scenario", "site_id", "n", "mean", "ci_low", "ci_high"])


def plot_site_kpi(
    frame: pd.DataFrame,
    *,
    kpi: str,
    ylabel: str,
    title: str | None = None,
    colours: Mapping[str, str] | None = None,
    site_names: Mapping[str, str] | None = None,
    norm_value: float | None = None,
    norm_label: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Bars of a per-site KPI, grouped by site, one bar per scenario, with 95% CI whiskers.

    Parameters
    ----------
    frame : DataFrame
        ``kpis.parquet`` rows.
    kpi : str
        A per-site KPI (e.g. ``volmelding_hours``).
    ylabel : str
        y-axis label, with its unit in brackets.
    title : str, optional
        Axes title; the KPI name when omitted.
    colours : mapping, optional
        Scenario -> colour (:func:`scenario_colours`); also fixes the bar order.
    site_names : mapping, optional
        Site id -> name for the tick labels.
    norm_value : float, optional
        Draw a horizontal reference line at this value (in the KPI's unit).
    norm_label : str, optional
        Legend entry of the reference line.
    ax : Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    Axes
        Whiskers span the 95% t-interval across replications (none with one replication).
    """
    if ax is None:
        ax = new_axes()
    stats = site_kpi_intervals(frame, kpi)
    cmap = _colours(stats, colours)
    scenarios = _scenario_order(stats, cmap)
    sites = list(dict.fromkeys(stats["site_id"]))
    width = 0.8 / max(1, len(scenarios))
    x = np.arange(len(sites), dtype=float)
    for i, scenario in enumerate(scenarios):
        sub = stats[stats["scenario"] == scenario].set_index("site_id").reindex(sites)
        mean = sub["mean"].to_numpy(dtype=float)
        low = np.nan_to_num(mean - sub["ci_low"].to_numpy(dtype=float), nan=0.0)
        high = np.nan_to_num(sub["ci_high"].to_numpy(dtype=float) - mean, nan=0.0)
        ax.bar(
            x + (i - (len(scenarios) - 1) / 2) * width,
            np.nan_to_num(mean, nan=0.0),
            width=width,
            color=cmap[scenario],
            label=scenario,
            yerr=np.vstack([np.maximum(low, 0.0), np.maximum(high, 0.0)]),
            error_kw={"elinewidth": 1.0, "capsize": 2.0, "ecolor": "black"},
        )
    if norm_value is not None:
        ax.axhline(norm_value, color=NORM_COLOUR, linestyle="--", linewidth=1.5, label=norm_label)
    ax.set_xticks(x, [_site_label(s, site_names, wrap=14) for s in sites], fontsize=7)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("site")
    ax.set_title(title or kpi, fontsize=10)
    if scenarios:
        ax.legend(fontsize=8)
    return ax


def plot_volmelding_by_site(
    frame: pd.DataFrame,
    *,
    colours: Mapping[str, str] | None = None,
    site_names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Volmelding hours per SEH, grouped by scenario, with 95% CI whiskers [h].

    Parameters
    ----------
    frame : DataFrame
        ``kpis.parquet`` rows.
    colours, site_names, ax
        As in :func:`plot_site_kpi`.

    Returns
    -------
    Axes
        y: volmelding [h] summed over the measured window.
    """
    return plot_site_kpi(
        frame,
        kpi="volmelding_hours",
        ylabel="volmelding [h]",
        title="Hours volgemeld per SEH (mean and 95% CI over replications)",
        colours=colours,
        site_names=site_names,
        ax=ax,
    )


def plot_call_to_door_p95_by_site(
    frame: pd.DataFrame,
    *,
    colours: Mapping[str, str] | None = None,
    site_names: Mapping[str, str] | None = None,
    norm_minutes: float = NORM_MINUTES,
    ax: Axes | None = None,
) -> Axes:
    """95th percentile of ambulance call-to-door per SEH against the norm [min].

    Parameters
    ----------
    frame : DataFrame
        ``kpis.parquet`` rows (``ambulance_call_to_door_p95_minutes`` per site).
    norm_minutes : float, default 45.0
        The norm line [min].
    colours, site_names, ax
        As in :func:`plot_site_kpi`.

    Returns
    -------
    Axes
        y: call to door, 95th percentile [min]; a dashed line at the norm.
    """
    return plot_site_kpi(
        frame,
        kpi="ambulance_call_to_door_p95_minutes",
        ylabel="call to door, 95th percentile [min]",
        title="Ambulance patients: 112 call to SEH door, 95th percentile per SEH",
        colours=colours,
        site_names=site_names,
        norm_value=norm_minutes,
        norm_label=f"{norm_minutes:g}-minute norm",
        ax=ax,
    )


def plot_call_to_door_over_45_by_site(
    frame: pd.DataFrame,
    *,
    colours: Mapping[str, str] | None = None,
    site_names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Share of ambulance patients over 45 minutes from call to door, per SEH [0-1].

    Parameters
    ----------
    frame : DataFrame
        ``kpis.parquet`` rows (``ambulance_call_to_door_over_45_share`` per site).
    colours, site_names, ax
        As in :func:`plot_site_kpi`.

    Returns
    -------
    Axes
        y: share over 45 min [0-1].
    """
    return plot_site_kpi(
        frame,
        kpi="ambulance_call_to_door_over_45_share",
        ylabel="share over 45 min [0-1]",
        title="Ambulance patients over 45 minutes from call to door, per SEH",
        colours=colours,
        site_names=site_names,
        ax=ax,
    )


def plot_call_to_door_ecdf(
    frame: pd.DataFrame,
    *,
    colours: Mapping[str, str] | None = None,
    norm_minutes: float = NORM_MINUTES,
    ax: Axes | None = None,
) -> Axes:
    """Empirical distribution of call-to-door minutes of ambulance patients, per scenario.

    Parameters
    ----------
    frame : DataFrame
        Per-patient rows (``parts/*/patients.parquet``) with ``scenario``, ``route``,
        ``t_call`` and ``t_arrival`` [min]; only ambulance patients who reached an SEH
        count, pooled over replications.
    colours : mapping, optional
        Scenario -> colour.
    norm_minutes : float, default 45.0
        The norm line [min].
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        x: call to door [min]; y: share of ambulance patients [0-1]; one step line per
        scenario and the norm.
    """
    if ax is None:
        ax = new_axes()
    rows = frame
    if "route" in rows.columns:
        rows = rows[rows["route"] == "ambulance"]
    minutes = (rows["t_arrival"] - rows["t_call"]).astype(float)
    rows = rows.assign(call_to_door_minutes=minutes)
    rows = rows[np.isfinite(rows["call_to_door_minutes"].to_numpy(dtype=float))]
    cmap = _colours(rows, colours)
    for scenario in _scenario_order(rows, cmap):
        x = np.sort(rows.loc[rows["scenario"] == scenario, "call_to_door_minutes"].to_numpy())
        y = np.arange(1, len(x) + 1) / len(x)
        over = float((x > norm_minutes).mean())
        ax.step(x, y, where="post", color=cmap[scenario], label=f"{scenario} ({over:.1%} over)")
    ax.axvline(
        norm_minutes, color=NORM_COLOUR, linestyle="--", label=f"{norm_minutes:g}-minute norm"
    )
    ax.set_xlabel("call to door [min]")
    ax.set_ylabel("share of ambulance patients [0-1]")
    ax.set_ylim(0.0, 1.0)
    ax.set_title("Ambulance patients: 112 call to SEH door (cumulative)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return ax


# -- region over time -------------------------------------------------------------------
def plot_population_beyond_norm(
    frame: pd.DataFrame,
    *,
    colours: Mapping[str, str] | None = None,
    kpi: str = "population_beyond_norm",
    warmup_days: float | None = None,
    start_date: dt.date | None = None,
    events: Sequence[TimeEvent] = (),
    ax: Axes | None = None,
) -> Axes:
    """Daily population beyond the 45-minute norm, mean over replications, per scenario.

    Parameters
    ----------
    frame : DataFrame
        ``timeseries.parquet`` rows (``scenario, replication, t_days, kpi, value``).
    colours : mapping, optional
        Scenario -> colour.
    kpi : str
        The time-series KPI to draw [persons].
    warmup_days : float, optional
        Shade the warm-up [days].
    start_date : date, optional
        Calendar date of day 0: the time axis then reads in dates.
    events : sequence of (float, str)
        Dated events [days] such as a funding switch, drawn as labelled dotted lines.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        x: time [days] labelled with dates when ``start_date`` is given; y: population
        beyond the norm [persons]; one line per scenario.
    """
    from matplotlib.ticker import FuncFormatter

    if ax is None:
        ax = new_axes()
    rows = frame[frame["kpi"] == kpi]
    cmap = _colours(rows, colours)
    span = float(rows["t_days"].max() - rows["t_days"].min()) if len(rows) else 0.0
    bin_days, what = time_bin(span)
    for i, scenario in enumerate(_scenario_order(rows, cmap)):
        sub = rows[rows["scenario"] == scenario]
        start = np.floor(sub["t_days"].to_numpy(dtype=float) / bin_days) * bin_days
        series = sub.groupby(start)["value"].mean().sort_index()
        ax.plot(
            series.index.to_numpy(),
            series.to_numpy(),
            color=cmap[scenario],
            label=scenario,
            linewidth=1.4,
            drawstyle="steps-post",
            zorder=3 if i == 0 else 2,  # the baseline (first) stays visible on top
        )
    if warmup_days:
        ax.axvspan(0.0, warmup_days, color="#f0f0f0", label="warm-up (not measured)", zorder=0)
    mark_events(ax, events)
    end = float(rows["t_days"].max()) + 1.0 if len(rows) else 1.0
    ax.set_xlim(0.0, end)
    date_axis(ax, start_date, end)
    ax.set_ylabel("population beyond the norm [persons]")
    ax.set_title(
        f"Inhabitants beyond the 45-minute norm, {what} mean over replications", fontsize=10
    )
    ax.set_ylim(bottom=0.0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    if len(rows):
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def time_bin(span_days: float) -> tuple[float, str]:
    """Averaging window for a daily series spanning ``span_days`` [days] -> (days, name).

    Daily up to about four months, weekly up to two years, then 30-day means, so that
    a line stays readable at the width of a page.
    """
    if span_days <= 120:
        return 1.0, "daily"
    if span_days <= 730:
        return 7.0, "weekly"
    return 30.0, "30-day"


# -- finance -----------------------------------------------------------------------------
def money_scale(values: Iterable[float]) -> tuple[float, str]:
    """Choose a divisor and unit label for money [EUR] -> (divisor, ``EUR million``...)."""
    arr = np.asarray(list(values), dtype=float)
    top = float(np.nanmax(np.abs(arr))) if arr.size and np.isfinite(arr).any() else 0.0
    if top >= 1e6:
        return 1e6, "EUR million"
    if top >= 1e3:
        return 1e3, "EUR thousand"
    return 1.0, "EUR"


def organisation_months(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum finance rows per organisation and month, then average over replications [EUR].

    Parameters
    ----------
    frame : DataFrame
        ``finance.parquet`` rows (one per site or organisation and month).

    Returns
    -------
    DataFrame
        ``scenario, organisation, month, revenue_eur, cost_eur, margin_eur``.
    """
    cols = [c for c in MONEY_COLUMNS if c in frame.columns]
    per_rep = (
        frame.groupby(["scenario", "replication", "organisation", "month"], sort=False)[cols]
        .sum()
        .reset_index()
    )
    return (
        per_rep.groupby(["scenario", "organisation", "month"], sort=False)[cols]
        .mean()
        .reset_index()
    )


def plot_finance(
    frame: pd.DataFrame,
    *,
    organisation: str | None = None,
    column: str = "margin_eur",
    colours: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One organisation's monthly revenue, cost or margin, one line per scenario.

    Parameters
    ----------
    frame : DataFrame
        ``finance.parquet`` rows; summed over the organisation's rows per month and
        averaged over replications.
    organisation : str, optional
        The organisation; the first present when omitted.
    column : {"revenue_eur", "cost_eur", "margin_eur"}
        What to draw [EUR].
    colours : mapping, optional
        Scenario -> colour.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        x: month; y: the amount per month, scaled to EUR thousand or million.
    """
    if ax is None:
        ax = new_axes()
    monthly = organisation_months(frame)
    if organisation is None and len(monthly):
        organisation = str(monthly["organisation"].iloc[0])
    rows = monthly[monthly["organisation"] == organisation]
    months = sorted(set(rows["month"].astype(str)))
    pos = {m: i for i, m in enumerate(months)}
    divisor, unit = money_scale(rows[column]) if column in rows else (1.0, "EUR")
    cmap = _colours(rows, colours)
    for scenario in _scenario_order(rows, cmap):
        sub = rows[rows["scenario"] == scenario].sort_values("month")
        ax.plot(
            [pos[str(m)] for m in sub["month"]],
            sub[column].to_numpy(dtype=float) / divisor,
            color=cmap[scenario],
            marker="o",
            markersize=3,
            label=scenario,
        )
    if column == "margin_eur":
        ax.axhline(0.0, color="black", linewidth=0.8)
    step = max(1, math.ceil(len(months) / 8))
    ax.set_xticks(range(0, len(months), step), months[::step], fontsize=7)
    what = MONEY_COLUMNS.get(column, column)
    ax.set_xlabel("month")
    ax.set_ylabel(f"{what} [{unit} per month]")
    ax.set_title(f"{organisation}: {what}", fontsize=10)
    if len(rows):
        ax.legend(fontsize=7)
    return ax


def finance_figure(frame: pd.DataFrame, *, colours: Mapping[str, str] | None = None) -> Figure:
    """Revenue, cost and margin per month (columns) for every organisation (rows).

    Parameters
    ----------
    frame : DataFrame
        ``finance.parquet`` rows.
    colours : mapping, optional
        Scenario -> colour.

    Returns
    -------
    Figure
        One row of three axes per organisation.
    """
    organisations = list(dict.fromkeys(frame["organisation"]))
    fig = new_figure((12.0, 2.8 * max(1, len(organisations))))
    axes = fig.subplots(max(1, len(organisations)), len(MONEY_COLUMNS), squeeze=False)
    for row, organisation in zip(axes, organisations, strict=False):
        for ax, column in zip(row, MONEY_COLUMNS, strict=True):
            plot_finance(frame, organisation=organisation, column=column, colours=colours, ax=ax)
    for ax in fig.axes[1:]:  # one legend is enough: the colours are the same everywhere
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()
    return fig


# -- paired differences ------------------------------------------------------------------
def plot_paired_difference(
    frame: pd.DataFrame,
    *,
    kpi: str,
    xlabel: str,
    title: str | None = None,
    colours: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Paired difference to the baseline of one KPI with its 95% CI, one row per scenario.

    Parameters
    ----------
    frame : DataFrame
        The comparison table of :func:`acutesim.analysis.stats.summarise`
        (``scenario, kpi, diff_mean, diff_ci_low, diff_ci_high``).
    kpi : str
        The KPI.
    xlabel : str
        x-axis label, with the KPI's unit in brackets.
    title : str, optional
        Axes title; the KPI name when omitted.
    colours : mapping, optional
        Scenario -> colour.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        A dot per scenario at the mean difference, a bar over its CI, and a line at 0.
    """
    if ax is None:
        ax = new_axes((5.0, 2.5))
    rows = frame[(frame["kpi"] == kpi) & np.isfinite(frame["diff_mean"].to_numpy(dtype=float))]
    cmap = _colours(frame, colours)
    scenarios = _scenario_order(rows, cmap)
    for y, scenario in enumerate(scenarios):
        r = rows[rows["scenario"] == scenario].iloc[0]
        low, high = float(r["diff_ci_low"]), float(r["diff_ci_high"])
        if np.isfinite(low) and np.isfinite(high):
            ax.plot([low, high], [y, y], color=cmap[scenario], linewidth=3, solid_capstyle="butt")
        ax.plot([float(r["diff_mean"])], [y], "o", color=cmap[scenario], label=scenario)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(scenarios)), scenarios, fontsize=8)
    ax.set_ylim(len(scenarios) - 0.5, -0.5)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_title("\n".join(textwrap.wrap(title or kpi, 30)), fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    return ax


# -- maps ------------------------------------------------------------------------------------
def plot_reachability_difference_map(
    result: ReachabilityResult,
    baseline: ReachabilityResult,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Change in call-to-door minutes per area against the baseline, on a diverging scale.

    Parameters
    ----------
    result : ReachabilityResult
        The scenario's norm (areas in EPSG:28992).
    baseline : ReachabilityResult
        The baseline's norm over the same areas.
    title : str, optional
        Axes title.
    ax : Axes, optional
        Axes to draw on.

    Returns
    -------
    Axes
        Areas coloured by the change [min] (colorbar), areas newly beyond the norm
        outlined, axes in metres (EPSG:28992).
    """
    import matplotlib as mpl
    from matplotlib.patches import Patch

    if ax is None:
        ax = new_axes((7.0, 6.0))
    areas = result.areas
    base = baseline.areas.set_index("area_id")["call_to_door_minutes"]
    minutes = areas["call_to_door_minutes"].to_numpy(dtype=float)
    before = base.reindex(areas["area_id"]).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        change = minutes - before
    finite = np.isfinite(change)
    top = float(np.abs(change[finite]).max()) if finite.any() else 0.0
    top = max(top, 1.0)
    cmap = mpl.colormaps["RdBu_r"]
    colour_norm = mpl.colors.TwoSlopeNorm(vcenter=0.0, vmin=-top, vmax=top)
    colours = cmap(colour_norm(np.where(finite, change, 0.0)))
    areas.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.3)
    newly = areas[
        areas["beyond_norm"].to_numpy(dtype=bool)
        & ~baseline.areas.set_index("area_id")["beyond_norm"]
        .reindex(areas["area_id"])
        .fillna(False)
        .to_numpy(dtype=bool)
    ]
    handles: list[Any] = []
    if len(newly):
        newly.dissolve().boundary.plot(ax=ax, color="black", linewidth=1.8)
        handles.append(
            Patch(
                facecolor="none",
                edgecolor="black",
                linewidth=1.8,
                label=f"newly beyond the {result.norm_minutes:g}-minute norm",
            )
        )
    mappable = mpl.cm.ScalarMappable(norm=colour_norm, cmap=cmap)
    bar = ax.figure.colorbar(mappable, ax=ax, shrink=0.7, pad=0.02)
    bar.set_label("change in call-to-door time [min]")
    delta = result.population_beyond_norm - baseline.population_beyond_norm
    ax.set_title(
        title or f"change against the baseline: {delta:+,.0f} inhabitants beyond the norm",
        fontsize=10,
    )
    ax.set_xlabel("easting [m] (EPSG:28992)")
    ax.set_ylabel("northing [m] (EPSG:28992)")
    ax.set_aspect("equal")
    ax.tick_params(labelsize=7)
    ax.ticklabel_format(style="plain", useOffset=False)
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=8)
    return ax
