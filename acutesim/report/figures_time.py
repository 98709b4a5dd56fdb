"""Charts of the region over time: inhabitants beyond the norm, day by day.

A long run is binned (:func:`time_bin`) so that a line stays readable at the width of a
page; dated events (closures, regime switches) are marked on the time axis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes


from acutesim.report.figure_kit import (
    TimeEvent,
    _colours,
    _scenario_order,
    date_axis,
    mark_events,
    new_axes,
)


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
