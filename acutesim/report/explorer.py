"""The closure explorer: one self-contained HTML page to close and reopen SEHs on a map.

"What if these two SEHs close?" should not need a command per combination. The page
shows the region's areas and hospital sites; a click on a 24/7 SEH closes or reopens
it, and the browser recomputes, from the travel-time matrices embedded in the page,
each area's call-to-door minutes, the population beyond the norm and each remaining
SEH's sensitivity (extra inhabitants beyond the norm if it closed as well). Sliders
set the dispatch and on-scene minutes and the norm; the URL hash keeps the selection,
so a closure set can be shared as a link.

The arithmetic in the page is the one of :mod:`acutesim.geo.norm`: call-to-door =
dispatch + drive from the nearest 24/7 post + on scene + drive to the nearest open
counted SEH; beyond means strictly more than the norm. Posts are not toggled, so the
page carries the post side as one drive time per area (the minimum over the 24/7
posts of the post-to-area matrix) beside the full area-to-site matrix. The matrices
travel as little-endian float64 in base64, so the page and ``acutesim reach`` agree to
the last bit. The page loads nothing: no library, no font, no tile; a
Content-Security-Policy forbids every network request. The script is hand-written
(no third-party code).
"""

from __future__ import annotations

import base64
import html
import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.atomic import atomic_write_bytes

if TYPE_CHECKING:
    import geopandas as gpd

    from acutesim.domain.region import Region
    from acutesim.geo.norm import NormParameters

SVG_WIDTH = 1000.0  # SVG user units across the map; the page scales it to the window
SIMPLIFY_SHARE = 1 / 1500  # polygon simplification tolerance as a share of the extent


def _b64(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


def _path(geom: Any, transform: Any) -> str:
    """SVG path data of a (multi)polygon, rings closed, in page units (one decimal)."""
    return _paths([geom], transform)[0]


def _paths(geoms: Any, transform: Any) -> list[str]:
    """:func:`_path` of each geometry, with the coordinates of all of them taken at once.

    Each polygon gives its exterior ring, then its holes, each as ``M x,y x,y ... Z``
    without the closing point; rings of fewer than three points and parts that are
    empty or not polygons are left out.
    """
    import shapely

    arr = np.asarray(geoms, dtype=object)
    polys, poly_of = shapely.get_parts(arr, return_index=True)
    keep = ~shapely.is_empty(polys) & (shapely.get_type_id(polys) == 3)  # 3: Polygon
    polys, poly_of = polys[keep], poly_of[keep]
    rings, ring_poly = shapely.get_rings(polys, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    xy = transform(coords).tolist()
    points = [f"{x:.1f},{y:.1f}" for x, y in xy]
    ends = np.cumsum(np.bincount(coord_ring, minlength=len(rings))).tolist()
    out = [""] * len(arr)
    start = 0
    for ring, end in enumerate(ends):
        if end - start >= 3:
            out[poly_of[ring_poly[ring]]] += "M" + " ".join(points[start : end - 1]) + "Z"
        start = end
    return out


def explorer_payload(
    region: Region,
    areas: gpd.GeoDataFrame | None = None,
    *,
    service: str = "seh",
    params: NormParameters | None = None,
) -> dict[str, Any]:
    """Everything the explorer page needs: shapes, sites, matrices and defaults.

    Parameters
    ----------
    region : Region
        The loaded region.
    areas : GeoDataFrame, optional
        Area polygons (EPSG:28992) from ``load_region_with_areas``; points otherwise.
    service : {"seh", "av"}
        Which sites count for the norm.
    params : NormParameters, optional
        Default dispatch, on-scene and norm minutes [min].

    Returns
    -------
    dict
        JSON-ready: ``areas`` (id, name, population [persons], SVG path), ``sites``
        (id, name, position, counted column index or -1), ``post_drive_b64`` (nearest
        24/7 post drive per area [min]), ``area_to_site_b64`` (areas x counted sites
        [min], row-major), ``defaults`` [min], ``outline`` (SVG path) and ``view``.
    """
    from acutesim.geo.norm import NormInputs, NormParameters
    from acutesim.geo.reachability import area_frame
    from acutesim.report.cells import area_shapes

    p = params or NormParameters()
    inputs = NormInputs.from_region(region, service)
    frame = area_frame(region, areas)
    shapes = area_shapes(frame, region.pack_path or None)
    x0, y0, x1, y1 = shapes.outline.bounds
    site_x = np.array([s.x_m for s in region.sites])
    site_y = np.array([s.y_m for s in region.sites])
    x0, y0 = min(x0, site_x.min()), min(y0, site_y.min())
    x1, y1 = max(x1, site_x.max()), max(y1, site_y.max())
    scale = SVG_WIDTH / max(x1 - x0, 1.0)
    height = (y1 - y0) * scale

    def transform(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([(xy[:, 0] - x0) * scale, (y1 - xy[:, 1]) * scale])

    tolerance = max(x1 - x0, y1 - y0) * SIMPLIFY_SHARE
    cells = shapes.cells.simplify(tolerance, preserve_topology=True)
    post = inputs.post_to_area_minutes
    post_drive = post.min(axis=0) if post.shape[0] else np.full(len(inputs.area_ids), np.inf)
    column = {site_id: j for j, site_id in enumerate(inputs.site_ids)}
    paths = _paths(cells, transform)
    return {
        "region": region.name,
        "description": region.description,
        "service": service,
        "areas": [
            {
                "id": a.area_id,
                "name": a.name,
                "population": float(a.population),
                "d": d,
            }
            for a, d in zip(region.areas, paths, strict=True)
        ],
        "sites": [
            {
                "id": s.site_id,
                "name": s.name,
                "seh": s.seh,
                "x": round(float((s.x_m - x0) * scale), 1),
                "y": round(float((y1 - s.y_m) * scale), 1),
                "column": column.get(s.site_id, -1),
            }
            for s in region.sites
        ],
        "n_site_columns": len(inputs.site_ids),
        "post_drive_b64": _b64(post_drive),
        "area_to_site_b64": _b64(inputs.area_to_site_minutes),
        "defaults": {
            "dispatch_minutes": p.dispatch_minutes,
            "on_scene_minutes": p.on_scene_minutes,
            "norm_minutes": p.norm_minutes,
        },
        "outline": _path(shapes.outline.simplify(tolerance), transform),
        "view": [SVG_WIDTH, round(float(height), 1)],
    }


def render_explorer(payload: dict[str, Any], title: str | None = None) -> str:
    """The explorer page for a payload of :func:`explorer_payload` (one HTML string).

    The data sit in a ``<script type="application/json">`` element; ``<`` is escaped
    inside it so that no name can end the script early.
    """
    assets = resources.files("acutesim.report") / "assets"
    css = (assets / "explorer.css").read_text(encoding="utf-8")
    js = (assets / "explorer.js").read_text(encoding="utf-8")
    data = json.dumps(payload, separators=(",", ":")).replace("<", "\\u003c")
    name = title or f"acutesim closure explorer: {payload['region']}"
    csp = (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; connect-src 'none'; font-src 'none'"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(name)}</title><style>{css}</style></head><body>"
        f"<header><h1>{html.escape(name)}</h1>"
        f'<p class="sub">{html.escape(payload.get("description", ""))}</p></header>'
        '<main><div id="map"></div><aside id="panel"></aside></main>'
        f'<script type="application/json" id="explorer-data">{data}</script>'
        f"<script>{js}</script></body></html>\n"
    )


def write_explorer(
    region: Region,
    out: str | Path,
    areas: gpd.GeoDataFrame | None = None,
    *,
    service: str = "seh",
    params: NormParameters | None = None,
    region_key: str | None = None,
) -> Path:
    """Write the explorer page of a region (atomically).

    Parameters
    ----------
    region : Region
        The loaded region.
    out : str or Path
        The ``.html`` file to write.
    areas : GeoDataFrame, optional
        Area polygons (EPSG:28992).
    service : {"seh", "av"}
        Which sites count for the norm.
    params : NormParameters, optional
        Default dispatch, on-scene and norm minutes [min].
    region_key : str, optional
        The cache key of the pack copy ``region`` and ``areas`` were loaded from
        (:func:`acutesim.report.region_cache.run_region_key`): the page is then kept in
        the user's cache and written from there while the pack copy, the settings and
        the code that makes the page stay the same.

    Returns
    -------
    Path
        The written file.
    """
    from acutesim.report.region_cache import keep_bytes, read_kept_bytes

    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    name = _page_name(region_key, service, params) if region_key else None
    page = read_kept_bytes(EXPLORER_CACHE, name) if name else None
    if page is None:
        page = render_explorer(
            explorer_payload(region, areas, service=service, params=params)
        ).encode("utf-8")
        if name:
            keep_bytes(EXPLORER_CACHE, name, page)
    atomic_write_bytes(path, page)
    return path


EXPLORER_CACHE = "explorers"  # the user cache folder of kept pages (report.region_cache)


def _page_name(region_key: str, service: str, params: NormParameters | None) -> str:
    """The file name of a kept page: a hash of everything the page is made from.

    The region (its pack copy's key, which covers acutesim's code and the libraries), the
    service, the default minutes, and the page's assets.
    """
    import hashlib

    assets = resources.files("acutesim.report") / "assets"
    h = hashlib.sha256(f"{region_key}\0{service}\0{params!r}\0".encode())
    for asset in ("explorer.css", "explorer.js"):
        h.update(b"\0" + (assets / asset).read_bytes())
    return f"{h.hexdigest()[:32]}.html"
