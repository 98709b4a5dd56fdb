"""Colours, canvases and time axes shared by the chart modules.

Each scenario keeps one colour in every chart (:func:`scenario_colours`); SEH statuses
and closure reasons have fixed colours; every chart draws on a ``Figure`` with the Agg
canvas (:func:`new_figure`), never through ``pyplot``.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
