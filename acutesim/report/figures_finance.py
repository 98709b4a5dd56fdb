"""Charts of the organisations' books: revenue, cost and margin per month.

Each organisation's rows (its SEH sites and the organisation itself) are summed per
month and averaged over replications; amounts are scaled to EUR thousand or million.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


from acutesim.report.figure_kit import (
    MONEY_COLUMNS,
    _colours,
    _scenario_order,
    new_axes,
    new_figure,
)


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
    _monthly_lines(ax, rows, column, pos, divisor, cmap, _scenario_order(rows, cmap))
    step = max(1, math.ceil(len(months) / 8))
    ax.set_xticks(range(0, len(months), step), months[::step], fontsize=7)
    what = MONEY_COLUMNS.get(column, column)
    ax.set_xlabel("month")
    ax.set_ylabel(f"{what} [{unit} per month]")
    ax.set_title(f"{organisation}: {what}", fontsize=10)
    if len(rows):
        ax.legend(fontsize=7)
    return ax


FINANCE_ROWS_MAX = 12  # organisations drawn one row each; more get the compact figure


def finance_figure(frame: pd.DataFrame, *, colours: Mapping[str, str] | None = None) -> Figure:
    """Revenue, cost and margin per month (columns) for every organisation (rows).

    With more than :data:`FINANCE_ROWS_MAX` organisations (a national run has about 70)
    a row each would make a page-long figure that takes a minute to draw; then
    :func:`finance_overview_figure` shows the totals per month and each organisation's
    margin over the whole horizon instead.

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
    if len(organisations) > FINANCE_ROWS_MAX:
        return finance_overview_figure(frame, colours=colours)
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


def finance_overview_figure(
    frame: pd.DataFrame, *, colours: Mapping[str, str] | None = None
) -> Figure:
    """Totals per month over all organisations, and each organisation's margin.

    Parameters
    ----------
    frame : DataFrame
        ``finance.parquet`` rows.
    colours : mapping, optional
        Scenario -> colour.

    Returns
    -------
    Figure
        Top row: revenue, cost and margin per month summed over the organisations, one
        line per scenario [EUR per month]. Bottom: each organisation's margin summed over
        the horizon, one marker per scenario, organisations sorted by the first
        scenario's margin [EUR].
    """
    monthly = organisation_months(frame)
    cmap = _colours(monthly, colours)
    order = _scenario_order(monthly, cmap)
    fig = new_figure((12.0, 7.5))
    grid = fig.add_gridspec(2, len(MONEY_COLUMNS), height_ratios=(1.0, 1.3))
    months = sorted(set(monthly["month"].astype(str)))
    pos = {m: i for i, m in enumerate(months)}
    step = max(1, math.ceil(len(months) / 8))
    totals = monthly.groupby(["scenario", "month"], sort=False)[list(MONEY_COLUMNS)].sum()
    totals = totals.reset_index()
    for k, (column, what) in enumerate(MONEY_COLUMNS.items()):
        ax = fig.add_subplot(grid[0, k])
        divisor, unit = money_scale(totals[column])
        _monthly_lines(ax, totals, column, pos, divisor, cmap, order)
        ax.set_xticks(range(0, len(months), step), months[::step], fontsize=7)
        ax.set_xlabel("month")
        ax.set_ylabel(f"{what} [{unit} per month]")
        ax.set_title(f"all organisations: {what}", fontsize=10)
        if k == 0:
            ax.legend(fontsize=7)
    ax = fig.add_subplot(grid[1, :])
    margin = monthly.groupby(["scenario", "organisation"], sort=False)["margin_eur"].sum()
    wide = margin.unstack("scenario")
    if order:
        wide = wide.sort_values(order[0], kind="stable")
    divisor, unit = money_scale(wide.to_numpy().ravel())
    x = np.arange(len(wide))
    for scenario in order:
        if scenario in wide:
            ax.scatter(x, wide[scenario].to_numpy(dtype=float) / divisor, s=12,
                       color=cmap[scenario], label=scenario, zorder=3)  # fmt: skip
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xticks(x, [str(o) for o in wide.index], rotation=90, fontsize=6)
    ax.set_xlim(-0.5, len(wide) - 0.5)
    ax.set_ylabel(f"margin over the horizon [{unit}]")
    ax.set_title(f"margin of each organisation ({len(wide)}) over the horizon", fontsize=10)
    ax.grid(axis="y", linewidth=0.3)
    return fig


def _monthly_lines(
    ax: Axes,
    rows: pd.DataFrame,
    column: str,
    pos: Mapping[str, int],
    divisor: float,
    cmap: Mapping[str, str],
    order: Sequence[str],
) -> None:
    """One line per scenario of a money column by month (a zero line for margins)."""
    for scenario in order:
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
