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
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from acutesim.analysis.intervals import kpi_interval
from acutesim.geo.norm import NORM_MINUTES
from acutesim.report.figure_kit import (
    CLOSED_REASON_COLOURS,
    CLOSING_ACTIONS,
    EVENT_COLOUR,
    MONEY_COLUMNS,
    NORM_COLOUR,
    PALETTE,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_ORDER,
    TimeEvent,
    _colours,
    _scenario_order,
    _site_label,
    date_axis,
    mark_events,
    new_axes,
    new_figure,
    scenario_colours,
)
from acutesim.report.figures_compare import (
    plot_paired_difference,
    plot_reachability_difference_map,
)
from acutesim.report.figures_finance import (
    FINANCE_ROWS_MAX,
    finance_figure,
    finance_overview_figure,
    money_scale,
    organisation_months,
    plot_finance,
)
from acutesim.report.figures_time import (
    plot_population_beyond_norm,
    time_bin,
)
from acutesim.units import MINUTES_PER_DAY

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
    from matplotlib.collections import PolyCollection
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
    # one collection of bars per status over all rows: a national pack has ~80 sites, and
    # a collection per site and status cost hundreds of draw calls
    bars: dict[str, list[list[tuple[float, float]]]] = {}
    for row, site_id in enumerate(sites):
        rows = sub[sub["site_id"] == site_id]
        y0 = row - 0.4
        y1 = y0 + 0.8
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
            x0 = float(t0) / MINUTES_PER_DAY
            x1 = x0 + (float(t1) - float(t0)) / MINUTES_PER_DAY
            bars.setdefault(key, []).append([(x0, y0), (x0, y1), (x1, y1), (x1, y0)])
    for key, rects in bars.items():
        ax.add_collection(
            PolyCollection(np.array(rects), facecolors=styles[key][0], linewidth=0),
            autolim=False,
        )
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


MANY_SITES = 30  # sites from which per-site bars are labelled by upright site ids


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
    from matplotlib.collections import PolyCollection

    width = 0.8 / max(1, len(scenarios))
    x = np.arange(len(sites), dtype=float)
    handles: list[Any] = []  # legend: the norm line, then the bars (as with ax.bar)
    for i, scenario in enumerate(scenarios):
        sub = stats[stats["scenario"] == scenario].set_index("site_id").reindex(sites)
        mean = sub["mean"].to_numpy(dtype=float)
        low = np.nan_to_num(mean - sub["ci_low"].to_numpy(dtype=float), nan=0.0)
        high = np.nan_to_num(sub["ci_high"].to_numpy(dtype=float) - mean, nan=0.0)
        centre = x + (i - (len(scenarios) - 1) / 2) * width
        top = np.nan_to_num(mean, nan=0.0)
        # one collection of bars per scenario: a national run has ~80 sites, and a
        # Rectangle per bar cost most of the chart's drawing time
        left, right = centre - width / 2, centre + width / 2
        bars = PolyCollection(
            np.stack(
                [
                    np.column_stack([left, np.zeros_like(top)]),
                    np.column_stack([left, top]),
                    np.column_stack([right, top]),
                    np.column_stack([right, np.zeros_like(top)]),
                ],
                axis=1,
            ),
            facecolors=cmap[scenario],
            edgecolors="none",
            linewidths=0.0,
            label=scenario,
        )
        bars.sticky_edges.y.append(0.0)  # bars start at zero, as ax.bar's do
        ax.add_collection(bars)
        handles.append(bars)
        ax.errorbar(
            centre,
            top,
            yerr=np.vstack([np.maximum(low, 0.0), np.maximum(high, 0.0)]),
            fmt="none",
            ecolor="black",
            elinewidth=1.0,
            capsize=2.0,
            label="_nolegend_",
        )
    if norm_value is not None:
        norm = ax.axhline(
            norm_value, color=NORM_COLOUR, linestyle="--", linewidth=1.5, label=norm_label
        )
        if norm_label:
            handles.insert(0, norm)
    if len(sites) > MANY_SITES:  # a national run: upright site ids (names would fill the page)
        ax.set_xticks(x, [str(s) for s in sites], fontsize=5, rotation=90)
        ax.set_xlim(-0.6, len(sites) - 0.4)
    else:
        ax.set_xticks(x, [_site_label(s, site_names, wrap=14) for s in sites], fontsize=7)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("site")
    ax.set_title(title or kpi, fontsize=10)
    if scenarios:
        ax.legend(handles=handles, fontsize=8)
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


# the chart families live in their own modules; this module names them all
__all__ = [
    "CLOSED_REASON_COLOURS",
    "CLOSING_ACTIONS",
    "EVENT_COLOUR",
    "FINANCE_ROWS_MAX",
    "MANY_SITES",
    "MONEY_COLUMNS",
    "NORM_COLOUR",
    "PALETTE",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "TimeEvent",
    "date_axis",
    "finance_figure",
    "finance_overview_figure",
    "mark_events",
    "money_scale",
    "new_axes",
    "new_figure",
    "organisation_months",
    "plot_call_to_door_ecdf",
    "plot_call_to_door_over_45_by_site",
    "plot_call_to_door_p95_by_site",
    "plot_finance",
    "plot_paired_difference",
    "plot_population_beyond_norm",
    "plot_reachability_difference_map",
    "plot_site_kpi",
    "plot_status_timeline",
    "plot_volmelding_by_site",
    "scenario_colours",
    "site_kpi_intervals",
    "status_timeline_figure",
    "time_bin",
]
