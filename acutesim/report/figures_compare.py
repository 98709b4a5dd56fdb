"""Charts that compare a scenario with the baseline: paired differences and a difference map.

Differences are paired (common random numbers): each replication of a scenario against
the same replication of the baseline, with a 95% interval.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from acutesim.geo.reachability import ReachabilityResult

from acutesim.report.figure_kit import (
    _colours,
    _scenario_order,
    new_axes,
)


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
