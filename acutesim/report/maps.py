"""Reachability maps: call-to-door minutes per area, the 45-minute boundary, SEHs and posts.

A map answers "who is how far from an SEH by ambulance?" at a glance: each area is
coloured by its call-to-door minutes, the areas beyond the norm are outlined, and the
hospital sites show whether their SEH is open, closed or open by day only. The maps
are drawn on a matplotlib ``Figure`` with the Agg canvas, never through ``pyplot``, so
that nothing global changes and no window opens; matplotlib is imported inside the
functions so that the CLI starts fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from acutesim.domain.region import Region
    from acutesim.geo.reachability import ReachabilityResult

A4_PORTRAIT_INCHES = (8.27, 8.6)  # A4 width; leaves room for a caption below
NORM_OUTLINE_COLOUR = "#08306b"
SITE_STYLE: dict[str, dict[str, Any]] = {
    "open": {"marker": "s", "facecolor": "#d7301f", "edgecolor": "black", "label": "open SEH"},
    "closed": {"marker": "X", "facecolor": "black", "edgecolor": "white", "label": "closed SEH"},
    "day-only": {
        "marker": "s",
        "facecolor": "white",
        "edgecolor": "#d7301f",
        "label": "SEH open by day only (not counted)",
    },
    "not counted": {
        "marker": "o",
        "facecolor": "#bdbdbd",
        "edgecolor": "black",
        "label": "hospital without the service (not counted)",
    },
}


def plot_reachability_map(
    result: ReachabilityResult, region: Region, *, ax: Axes | None = None
) -> Axes:
    """Draw call-to-door minutes per area with the norm boundary, SEHs and posts.

    Parameters
    ----------
    result : ReachabilityResult
        From :func:`acutesim.geo.reachability.reachability` (areas in EPSG:28992).
    region : Region
        The region the result belongs to (sites, posts, ferries).
    ax : Axes, optional
        Axes to draw on; a new A4-sized figure (Agg canvas) when omitted.

    Returns
    -------
    Axes
        The axes, with title, axis labels [m], a legend and a colorbar [min].
    """
    import matplotlib as mpl
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from acutesim.geo.reachability import post_frame, site_frame

    if ax is None:
        ax = new_axes()
    fig = ax.figure
    areas = result.areas
    minutes = areas["call_to_door_minutes"].to_numpy(dtype=float)
    finite = np.isfinite(minutes)
    norm = result.norm_minutes
    low = float(np.floor(minutes[finite].min() / 5.0) * 5.0) if finite.any() else 0.0
    high = max(norm + 15.0, low + 10.0)
    cmap = mpl.colormaps["YlOrRd"]
    colour_norm = mpl.colors.Normalize(vmin=min(low, norm - 10.0), vmax=high)
    colours = cmap(colour_norm(np.where(finite, minutes, high)))
    areas.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.4)
    if (~finite).any():
        areas[~finite].plot(ax=ax, facecolor="#d9d9d9", edgecolor="grey", hatch="///")
    beyond = areas[areas["beyond_norm"].to_numpy(dtype=bool)]
    if len(beyond):
        beyond.dissolve().boundary.plot(ax=ax, color=NORM_OUTLINE_COLOUR, linewidth=2.5)

    for ferry in region.ferries:
        ax.plot(
            [ferry.terminal_x_m, ferry.port_x_m],
            [ferry.terminal_y_m, ferry.port_y_m],
            linestyle="--",
            color="#2171b5",
            linewidth=1.5,
        )
    posts = post_frame(region)
    for is_24_7, face in ((True, "#2171b5"), (False, "white")):
        sub = posts[posts["is_24_7"] == is_24_7]
        ax.scatter(
            sub.geometry.x, sub.geometry.y, marker="^", s=50, c=face, edgecolors="#08519c", zorder=4
        )
    sites = site_frame(result, region)
    for status, style in SITE_STYLE.items():
        sub = sites[sites["status"] == status]
        ax.scatter(
            sub.geometry.x,
            sub.geometry.y,
            marker=style["marker"],
            s=110,
            c=style["facecolor"],
            edgecolors=style["edgecolor"],
            linewidths=1.2,
            zorder=5,
        )
    for row in sites.itertuples():
        ax.annotate(
            str(row.name),
            (row.geometry.x, row.geometry.y),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=8,
            zorder=6,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7, "lw": 0},
        )

    present = set(sites["status"])
    handles: list[Any] = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=style["marker"],
            markersize=9,
            markerfacecolor=style["facecolor"],
            markeredgecolor=style["edgecolor"],
            label=style["label"],
        )
        for status, style in SITE_STYLE.items()
        if status in present
    ]
    handles += [
        Line2D([], [], linestyle="none", marker="^", markersize=8, markerfacecolor="#2171b5",
               markeredgecolor="#08519c", label="24/7 ambulance post"),
        Line2D([], [], linestyle="none", marker="^", markersize=8, markerfacecolor="white",
               markeredgecolor="#08519c", label="ambulance post, part-time (not counted)"),
        Patch(facecolor="none", edgecolor=NORM_OUTLINE_COLOUR, linewidth=2.5,
              label=f"beyond the {norm:g}-minute norm"),
    ]  # fmt: skip
    if region.ferries:
        handles.append(Line2D([], [], linestyle="--", color="#2171b5", label="ferry"))
    if (~finite).any():
        handles.append(Patch(facecolor="#d9d9d9", hatch="///", label="no ambulance access"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09),
        ncol=2,
        fontsize=8,
        frameon=False,
    )

    mappable = mpl.cm.ScalarMappable(norm=colour_norm, cmap=cmap)
    bar = fig.colorbar(mappable, ax=ax, shrink=0.6, extend="max", pad=0.02)
    bar.set_label("call-to-door time by ambulance [min]")
    bar.ax.axhline(norm, color=NORM_OUTLINE_COLOUR, linewidth=2.5)

    service = "24/7 SEH" if result.service == "seh" else "24/7 acute obstetrics"
    closed = ", ".join(result.closed) if result.closed else "none"
    ax.set_title(
        f"{region.name}: call-to-door time to the nearest open {service}\n"
        f"closed: {closed}; beyond the {norm:g}-minute norm: "
        f"{result.population_beyond_norm:,.0f} inhabitants ({result.share_beyond_norm:.1%})\n"
        f"dispatch {result.params.dispatch_minutes:g} min, on scene "
        f"{result.params.on_scene_minutes:g} min, profile {result.profile}",
        fontsize=11,
    )
    ax.set_xlabel("easting [m] (EPSG:28992)")
    ax.set_ylabel("northing [m] (EPSG:28992)")
    ax.set_aspect("equal")
    ax.tick_params(labelsize=8)
    ax.ticklabel_format(style="plain", useOffset=False)
    return ax


def new_axes(figsize: tuple[float, float] = A4_PORTRAIT_INCHES) -> Axes:
    """A fresh Axes on its own Figure with the Agg canvas (no pyplot, no window)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig.add_subplot()


def write_reachability_map(
    result: ReachabilityResult, region: Region, path: str | Path, *, dpi: int = 200
) -> Path:
    """Draw :func:`plot_reachability_map` and save it as PNG (atomically).

    Parameters
    ----------
    result : ReachabilityResult
        The computed norm.
    region : Region
        The region it belongs to.
    path : str or Path
        The ``.png`` file to write.
    dpi : int
        Resolution [dots per inch].

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ax = plot_reachability_map(result, region)
    tmp = path.with_name(f".{path.stem}.partial.png")
    ax.figure.savefig(tmp, dpi=dpi, format="png")
    os.replace(tmp, path)
    return path
