"""Reachability maps: call-to-door minutes per area, the 45-minute boundary, SEHs and posts.

A map answers "who is how far from an SEH by ambulance?" at a glance: each area is
coloured by its call-to-door minutes (on its polygon, or on a Voronoi cell around its
population point), the areas beyond the norm are hatched one by one, the region's
outline frames it, and the hospital sites show whether their SEH is open, closed or
open by day only. Only closed, sensitive and named sites carry a label, placed so that
labels never overlap, and the legend lists only what is drawn. The maps
are drawn on a matplotlib ``Figure`` with the Agg canvas, never through ``pyplot``, so
that nothing global changes and no window opens; matplotlib is imported inside the
functions so that the CLI starts fast.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acutesim.atomic import atomic_path

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes

    from acutesim.domain.region import Region
    from acutesim.geo.reachability import ReachabilityResult

A4_PORTRAIT_INCHES = (8.27, 8.6)  # A4 width; leaves room for a caption below
NORM_OUTLINE_COLOUR = "#08306b"
BEYOND_HATCH_COLOUR = "white"
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


# Suffixes ``write_reachability_map`` writes (``map --out``), each in its own format.
MAP_FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class MapLayers:
    """What a reachability map draws, as geo layers (EPSG:28992).

    Attributes
    ----------
    cells : GeoDataFrame
        One polygon per area (the polygon, or a Voronoi cell around a population
        point) with ``area_id``, ``call_to_door_minutes`` [min] and ``beyond_norm``.
    outline : GeoSeries
        The region's outline (one geometry): the union of the polygons, or a hull
        around the points.
    beyond : GeoDataFrame
        The rows of ``cells`` whose area is beyond the norm, drawn hatched one by one;
        never a dissolved outline, whose holes would read as "beyond" too.
    from_points : bool
        True when the cells are Voronoi cells.
    """

    cells: gpd.GeoDataFrame
    outline: gpd.GeoSeries
    beyond: gpd.GeoDataFrame
    from_points: bool


def map_layers(result: ReachabilityResult, pack_dir: str | Path | None = None) -> MapLayers:
    """The layers of :func:`plot_reachability_map` for a result (see :class:`MapLayers`).

    ``pack_dir`` is the region pack of the result, whose shipped outline is used when
    it was made from these areas (:func:`acutesim.report.cells.area_shapes`).
    """
    import geopandas as gpd

    from acutesim.report.cells import area_shapes

    areas = result.areas
    shapes = area_shapes(areas, pack_dir)
    cells = gpd.GeoDataFrame(
        areas[["area_id", "name", "population", "call_to_door_minutes", "beyond_norm"]],
        geometry=shapes.cells.to_numpy(),
        crs=areas.crs,
    )
    beyond = cells[cells["beyond_norm"].to_numpy(dtype=bool)]
    outline = gpd.GeoSeries([shapes.outline], crs=areas.crs)
    return MapLayers(cells, outline, beyond, shapes.from_points)


DENSE_POLYGONS = 1500  # polygons from which a map layer is rasterised in vector output


def polygon_paths(geoms: Any) -> list[Any]:
    """One matplotlib ``Path`` per (multi)polygon, holes included, built vectorised.

    Parameters
    ----------
    geoms : GeoSeries or array of shapely geometries
        Polygons or multipolygons [any projected CRS].

    Returns
    -------
    list of matplotlib.path.Path
        In the order of ``geoms``; an empty geometry gives an empty path.
    """
    import numpy as np
    import shapely
    from matplotlib.path import Path

    arr = np.asarray(geoms, dtype=object)
    polys, poly_of = shapely.get_parts(arr, return_index=True)
    rings, ring_poly = shapely.get_rings(polys, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    n_per_ring = np.bincount(coord_ring, minlength=len(rings))
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    ends = np.cumsum(n_per_ring)
    starts = ends - n_per_ring
    codes[starts[n_per_ring > 0]] = Path.MOVETO
    codes[ends[n_per_ring > 0] - 1] = Path.CLOSEPOLY
    geom_of_coord = poly_of[ring_poly[coord_ring]]
    bounds = np.searchsorted(geom_of_coord, np.arange(len(arr) + 1))
    return [Path(coords[a:b], codes[a:b]) for a, b in itertools.pairwise(bounds)]


def add_polygons(ax: Axes, geoms: Any, *, hatch: str | None = None, **style: Any) -> Any:
    """Draw polygons as one collection (rasterised when dense) and return it.

    The same picture as ``GeoSeries.plot`` (which builds a patch per polygon), made
    from :func:`polygon_paths` at a fraction of the cost for thousands of areas.

    Parameters
    ----------
    ax : Axes
        Axes to draw on; the data limits grow to the polygons.
    geoms : GeoSeries or array of shapely geometries
        Polygons or multipolygons.
    hatch : str, optional
        Hatch pattern for every polygon.
    **style
        ``facecolor`` (one colour or one per polygon), ``edgecolor``, ``linewidth``.

    Returns
    -------
    matplotlib.collections.PathCollection
    """
    from matplotlib.collections import PathCollection

    paths = polygon_paths(geoms)
    collection = PathCollection(
        paths,
        facecolors=style.get("facecolor"),
        edgecolors=style.get("edgecolor"),
        linewidths=style.get("linewidth"),
        hatch=hatch,
        rasterized=len(paths) >= DENSE_POLYGONS,
    )
    collection.set_transform(ax.transData)
    ax.add_collection(collection, autolim=False)
    if paths:
        import numpy as np
        import shapely

        x0, y0, x1, y1 = shapely.total_bounds(np.asarray(geoms, dtype=object))
        ax.update_datalim([(x0, y0), (x1, y1)])
        ax.autoscale_view()
    return collection


def add_lines(ax: Axes, geoms: Any, **style: Any) -> Any:
    """Draw (multi)line strings as one ``LineCollection``, as ``GeoSeries.plot`` does.

    The same collection ``GeoSeries.plot`` adds for lines, without what it does besides:
    importing pyplot and redrawing the whole figure (``draw_idle``, thousands of area
    polygons on a national map) before the map is finished.

    Parameters
    ----------
    ax : Axes
        Axes to draw on; the data limits grow to the lines.
    geoms : GeoSeries or array of shapely geometries
        Line strings or multi line strings.
    **style
        ``LineCollection`` keywords (``color``, ``linewidth``).

    Returns
    -------
    matplotlib.collections.LineCollection
    """
    import numpy as np
    import shapely
    from matplotlib.collections import LineCollection

    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    segments = [shapely.get_coordinates(line)[:, :2] for line in parts]
    collection = LineCollection(segments, **style)
    ax.add_collection(collection, autolim=True)
    ax.autoscale_view()
    return collection


MAX_SENSITIVE_LABELS = 12  # the most sensitive SEHs that get a label


def label_sites(result: ReachabilityResult, named: Iterable[str] = ()) -> list[str]:
    """Sites worth a label, in priority order: closed, named, then the most sensitive.

    Sensitive means extra inhabitants beyond the norm if the SEH closed as well; the
    :data:`MAX_SENSITIVE_LABELS` largest get a label.
    """
    out = [*result.closed, *named]
    if result.sensitivity is not None:
        sens = result.sensitivity  # sorted, most sensitive first
        out += [
            str(s)
            for s, v in zip(sens["site_id"], sens["extra_population_beyond_norm"], strict=True)
            if v > 0
        ][:MAX_SENSITIVE_LABELS]
    return list(dict.fromkeys(out))


def _place_labels(ax: Axes, points: list[tuple[float, float, str]], fontsize: float) -> list[str]:
    """Place labels next to points without overlaps (greedy, in the order given).

    Each label tries eight positions around its point and is left out when all of
    them overlap a label placed earlier. Returns the texts placed.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.figure
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure(): give it the Agg canvas
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    # Fixes the layout, so display coordinates are final, without drawing the thousands
    # of area polygons that the saved file draws anyway: the layout, then the map's
    # equal aspect on its final position (what drawing the figure would do first).
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        ax.apply_aspect()
    else:
        fig.draw_without_rendering()
    frame = ax.get_window_extent(renderer)
    placed: list[Any] = []
    texts: list[str] = []
    offsets = [(6, 4), (6, -10), (-6, 4), (-6, -10), (0, 10), (0, -16), (10, -3), (-10, -3)]
    for x, y, text in points:
        for dx, dy in offsets:
            artist = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx > 0 else ("right" if dx < 0 else "center"),
                fontsize=fontsize,
                zorder=7,
                bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.8, "lw": 0},
            )
            artist.set_in_layout(False)  # labels must not shrink the map
            box = artist.get_window_extent(renderer).expanded(1.05, 1.1)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if not inside or any(box.overlaps(b) for b in placed):
                artist.remove()
                continue
            placed.append(box)
            texts.append(text)
            break
    return texts


def plot_reachability_map(
    result: ReachabilityResult,
    region: Region,
    *,
    named: Iterable[str] = (),
    ax: Axes | None = None,
) -> Axes:
    """Draw call-to-door minutes per area with the norm, the outline, SEHs and posts.

    Areas are coloured on their polygons (or Voronoi cells around population points)
    with thin outlines; the region's outline is drawn on top; the areas beyond the norm
    are hatched one by one (:func:`map_layers`). Only closed, sensitive and ``named``
    sites get a label, and labels never overlap. The legend lists only what is drawn.

    Parameters
    ----------
    result : ReachabilityResult
        From :func:`acutesim.geo.reachability.reachability` (areas in EPSG:28992);
        with ``with_sensitivity=True`` the sensitive SEHs are labelled.
    region : Region
        The region the result belongs to (sites, posts, ferries).
    named : iterable of str
        Further site ids to label.
    ax : Axes, optional
        Axes to draw on; a new figure (Agg canvas) shaped like the region when omitted.

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

    layers = map_layers(result, region.pack_path or None)
    if ax is None:
        x0, y0, x1, y1 = layers.outline.total_bounds
        aspect = (y1 - y0) / max(x1 - x0, 1.0)
        ax = new_axes((A4_PORTRAIT_INCHES[0], min(11.0, max(5.0, 6.2 * aspect + 2.2))))
    fig = ax.figure
    cells = layers.cells
    n_areas = len(cells)
    thin = 0.4 if n_areas < 200 else (0.2 if n_areas < 1500 else 0.05)
    minutes = cells["call_to_door_minutes"].to_numpy(dtype=float)
    finite = np.isfinite(minutes)
    norm = result.norm_minutes
    low = float(np.floor(minutes[finite].min() / 5.0) * 5.0) if finite.any() else 0.0
    high = max(norm + 15.0, low + 10.0)
    cmap = mpl.colormaps["YlOrRd"]
    colour_norm = mpl.colors.Normalize(vmin=min(low, norm - 10.0), vmax=high)
    colours = cmap(colour_norm(np.where(finite, minutes, high)))
    add_polygons(ax, cells.geometry, facecolor=colours, edgecolor="white", linewidth=thin)
    handles: list[Any] = []
    if (~finite).any():
        add_polygons(ax, cells.geometry[~finite], facecolor="#d9d9d9", edgecolor="grey",
                     hatch="///", linewidth=thin)  # fmt: skip
        handles.append(Patch(facecolor="#d9d9d9", hatch="///", label="no ambulance access"))
    if len(layers.beyond):
        # White hatching: every area beyond the norm is coloured orange-red or darker,
        # so white stays visible on all of them.
        with mpl.rc_context({"hatch.linewidth": 0.8, "hatch.color": BEYOND_HATCH_COLOUR}):
            add_polygons(ax, layers.beyond.geometry, facecolor="none",
                         edgecolor=NORM_OUTLINE_COLOUR, hatch="///", linewidth=thin)  # fmt: skip
            handles.append(
                Patch(facecolor=cmap(colour_norm(norm + 5.0)), edgecolor=NORM_OUTLINE_COLOUR,
                      hatch="///", linewidth=0.6, label=f"beyond the {norm:g}-minute norm")
            )  # fmt: skip
    add_lines(ax, layers.outline.boundary, color="#252525", linewidth=0.9)
    handles.append(Line2D([], [], color="#252525", linewidth=0.9, label="outline of the region"))

    for ferry in region.ferries:
        ax.plot(
            [ferry.terminal_x_m, ferry.port_x_m],
            [ferry.terminal_y_m, ferry.port_y_m],
            linestyle="--",
            color="#2171b5",
            linewidth=1.2,
        )
    if region.ferries:
        handles.append(Line2D([], [], linestyle="--", color="#2171b5", label="ferry"))
    many = len(region.sites) > 30
    posts = post_frame(region)
    for is_24_7, face, label in (
        (True, "#2171b5", "24/7 ambulance post"),
        (False, "white", "ambulance post, part-time (not counted)"),
    ):
        sub = posts[posts["is_24_7"] == is_24_7]
        if sub.empty:
            continue
        ax.scatter(sub.geometry.x, sub.geometry.y, marker="^", s=14 if many else 50, c=face,
                   edgecolors="#08519c", linewidths=0.6, zorder=4)  # fmt: skip
        handles.append(
            Line2D([], [], linestyle="none", marker="^", markersize=7, markerfacecolor=face,
                   markeredgecolor="#08519c", label=label)
        )  # fmt: skip
    sites = site_frame(result, region)
    for status, style in SITE_STYLE.items():
        sub = sites[sites["status"] == status]
        if sub.empty:
            continue
        ax.scatter(
            sub.geometry.x,
            sub.geometry.y,
            marker=style["marker"],
            s=40 if many else 110,
            c=style["facecolor"],
            edgecolors=style["edgecolor"],
            linewidths=0.9 if many else 1.2,
            zorder=5,
        )
        handles.append(
            Line2D([], [], linestyle="none", marker=style["marker"], markersize=8,
                   markerfacecolor=style["facecolor"], markeredgecolor=style["edgecolor"],
                   label=style["label"])
        )  # fmt: skip

    mappable = mpl.cm.ScalarMappable(norm=colour_norm, cmap=cmap)
    bar = fig.colorbar(mappable, ax=ax, shrink=0.5, extend="max", pad=0.01, fraction=0.04)
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
    # "small", as GeoSeries.plot (which drew the outline until add_lines) left them
    ax.set_xlabel("easting [m] (EPSG:28992)", fontsize="small")
    ax.set_ylabel("northing [m] (EPSG:28992)", fontsize="small")
    ax.set_aspect("equal")
    ax.tick_params(labelsize=7)
    ax.ticklabel_format(style="plain", useOffset=False)
    x0, y0, x1, y1 = layers.outline.total_bounds
    pad = 0.02 * max(x1 - x0, y1 - y0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.07),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    by_id = {s.site_id: s for s in region.sites}
    wanted = [s for s in label_sites(result, named) if s in by_id]
    _place_labels(
        ax, [(by_id[s].x_m, by_id[s].y_m, by_id[s].name) for s in wanted], 7.0 if many else 8.0
    )
    return ax


def new_axes(figsize: tuple[float, float] = A4_PORTRAIT_INCHES) -> Axes:
    """A fresh Axes on its own Figure with the Agg canvas (no pyplot, no window)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig.add_subplot()


def write_reachability_map(
    result: ReachabilityResult,
    region: Region,
    path: str | Path,
    *,
    dpi: int = 200,
    named: Iterable[str] = (),
) -> Path:
    """Draw :func:`plot_reachability_map` and save it as PNG, SVG or PDF (by suffix, atomically).

    Parameters
    ----------
    result : ReachabilityResult
        The computed norm.
    region : Region
        The region it belongs to.
    path : str or Path
        The ``.png``, ``.svg`` or ``.pdf`` file to write (the suffix picks the format).
    dpi : int
        Resolution [dots per inch].
    named : iterable of str
        Further site ids to label.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in MAP_FORMATS:
        raise ValueError(f"{path}: a map is written as {', '.join(MAP_FORMATS)}, not {fmt!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    import matplotlib

    with matplotlib.rc_context({"text.parse_math": False}):  # names are text, not mathtext
        ax = plot_reachability_map(result, region, named=named)
        with atomic_path(path) as tmp:  # the format is explicit: the name's suffix is free
            ax.figure.savefig(tmp, dpi=dpi, format=fmt, bbox_inches="tight", pad_inches=0.15)
    return path
