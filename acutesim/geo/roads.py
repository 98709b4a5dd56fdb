"""Road networks as users have them: node and edge tables, or a line layer with classes.

Two forms are read into one :class:`RoadTable` (nodes in EPSG:28992 metres, one row per
road edge with its OSM-style class, one-way flag, length and legal speed):

- a **node table and an edge table** in the osmnx / pandana layout: a folder with
  ``nodes.parquet`` (``node_id`` or ``osmid``, ``x``, ``y``) and ``edges.parquet``
  (``u``, ``v``, ``highway``, ``oneway``, ``length_m`` or ``length``, ``maxspeed_kmh``
  or ``maxspeed``), or a GeoPackage with layers ``nodes`` and ``edges``;
- a **line layer** with a class column (GeoPackage, Shapefile, GeoJSON or GeoParquet):
  OpenStreetMap-derived files with ``fclass`` or ``highway``, ``oneway`` and
  ``maxspeed`` (Geofabrik's shapefiles), or NWB wegvakken with their junction ids
  (``JTE_ID_BEG``/``JTE_ID_END``). Lines are noded at shared end points (or at the
  junction ids when the layer has them).

Files are read with pyogrio (GDAL) and pyarrow; nothing is hand-decoded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from acutesim.errors import GeoError, did_you_mean

RD_NEW_EPSG = 28992
NODE_TOLERANCE_M = 1.0  # line end points closer than this are one node [m]; assumption
LINE_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".parquet", ".fgb")
CLASS_COLUMNS = ("highway", "fclass", "road_class", "klasse")
SPEED_COLUMNS = ("maxspeed_kmh", "maxspeed", "speed_km_per_hour")
LENGTH_COLUMNS = ("length_m", "length")
JUNCTION_COLUMNS = (("JTE_ID_BEG", "JTE_ID_END"), ("jte_id_beg", "jte_id_end"))
# oneway values: forward along the line (u -> v), backward (v -> u), or both ways.
# OSM: yes/true/1 and -1; Geofabrik: F (forward), T (against), B (both);
# NWB RIJRICHTNG: H (heen, forward), T (tegen, against), B or empty (both).
_FORWARD = {"yes", "true", "1", "f", "h", "forward"}
_BACKWARD = {"-1", "t", "reverse", "backward"}


@dataclass(frozen=True, eq=False)
class RoadTable:
    """A road network as a node table and an edge table (arrays).

    Parameters
    ----------
    node_xy : ndarray, shape (n_nodes, 2)
        Node coordinates [m, EPSG:28992].
    u, v : ndarray of int64, shape (n_edges,)
        Node positions at the start and end of every edge.
    road_class : ndarray of str (object), shape (n_edges,)
        OSM-style road class (``motorway`` ... ``service``, ``ferry``).
    oneway : ndarray of bool
        True: traversable u -> v only.
    length_m : ndarray of float
        Length along the road [m].
    maxspeed_kmh : ndarray of float
        Legal speed [km/h]; NaN where unknown.
    source : str
        Where it was read from, for messages.
    """

    node_xy: np.ndarray
    u: np.ndarray
    v: np.ndarray
    road_class: np.ndarray
    oneway: np.ndarray
    length_m: np.ndarray
    maxspeed_kmh: np.ndarray
    source: str = "roads"

    def __post_init__(self) -> None:
        n = len(self.u)
        for name in ("v", "road_class", "oneway", "length_m", "maxspeed_kmh"):
            if len(getattr(self, name)) != n:
                raise GeoError(f"{self.source}: column {name!r} has another length than 'u'")
        n_nodes = len(self.node_xy)
        if n and (
            self.u.min() < 0 or self.v.min() < 0 or max(self.u.max(), self.v.max()) >= n_nodes
        ):
            raise GeoError(f"{self.source}: an edge refers to a node that is not in the node table")
        bad = np.flatnonzero(~np.isfinite(self.length_m) | (self.length_m < 0))
        if bad.size:
            raise GeoError(
                f"{self.source}: edge {int(bad[0]) + 1} has length {self.length_m[bad[0]]!r} m; "
                "lengths must be finite and >= 0"
            )

    @cached_property
    def class_codes(self) -> tuple[np.ndarray, tuple[str, ...]]:
        """Road class of every edge as an integer code, and the class names."""
        import pandas as pd

        codes, names = pd.factorize(pd.Series(self.road_class, dtype=object))
        return codes.astype(np.int32), tuple(str(n) for n in names)

    def class_mask(self, classes: Sequence[str]) -> np.ndarray:
        """True for the edges whose class is one of ``classes``."""
        codes, names = self.class_codes
        wanted = np.array([n in set(classes) for n in names], dtype=bool)
        return wanted[codes] if len(names) else np.zeros(len(codes), dtype=bool)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.u)


def network_digest(path: str | Path) -> str:
    """SHA-256 of the network file(s): a folder's parquet files, or the file (and its sidecars)."""
    path = Path(path)
    files = (
        sorted(p for p in path.iterdir() if p.suffix.lower() in (".parquet", ".gpkg"))
        if path.is_dir()
        else sorted(path.parent.glob(path.stem + ".*"))
        if path.suffix.lower() == ".shp"
        else [path]
    )
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                h.update(block)
    return h.hexdigest()


def read_roads(
    path: str | Path,
    *,
    layer: str | None = None,
    class_column: str | None = None,
    speed_column: str | None = None,
    oneway_column: str | None = None,
    node_tolerance_m: float = NODE_TOLERANCE_M,
) -> RoadTable:
    """Read a road network in any supported form into a :class:`RoadTable`.

    Parameters
    ----------
    path : str or Path
        A folder with ``nodes.parquet`` and ``edges.parquet``; a GeoPackage with layers
        ``nodes`` and ``edges``; or a line layer (``.gpkg``, ``.shp``, ``.geojson``,
        GeoParquet ``.parquet``).
    layer : str, optional
        The line layer of a multi-layer file.
    class_column, speed_column, oneway_column : str, optional
        Column names; found automatically when omitted (``highway``/``fclass``/``road_class``,
        ``maxspeed_kmh``/``maxspeed``, ``oneway``/``RIJRICHTNG``).
    node_tolerance_m : float
        Line end points closer than this become one node [m].

    Returns
    -------
    RoadTable
        Nodes in EPSG:28992 [m]; edges with class, one-way flag, length [m] and legal
        speed [km/h].

    Raises
    ------
    GeoError
        On a missing file, layer or column (with a did-you-mean hint), a file without
        CRS, or a bad value.
    """
    path = Path(path)
    if not path.exists():
        raise GeoError(f"road network not found at '{path}'")
    cols = {
        "class_column": class_column,
        "speed_column": speed_column,
        "oneway_column": oneway_column,
    }
    if path.is_dir():
        nodes, edges = path / "nodes.parquet", path / "edges.parquet"
        missing = [p.name for p in (nodes, edges) if not p.exists()]
        if missing:
            raise GeoError(
                f"{path}: a road network folder needs nodes.parquet and edges.parquet "
                f"(missing: {', '.join(missing)})"
            )
        import pandas as pd

        return _from_tables(pd.read_parquet(nodes), pd.read_parquet(edges), str(path), **cols)
    suffix = path.suffix.lower()
    if suffix not in LINE_SUFFIXES:
        raise GeoError(
            f"{path.name}: road network must be a folder with nodes.parquet and "
            f"edges.parquet, or one of {', '.join(LINE_SUFFIXES)}"
        )
    if suffix == ".gpkg" and layer is None:
        import pyogrio

        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        if "nodes" in names and "edges" in names:
            nodes_df = pyogrio.read_dataframe(path, layer="nodes")
            edges_df = pyogrio.read_dataframe(path, layer="edges", read_geometry=False)
            return _from_tables(nodes_df, edges_df, path.name, **cols)
    return _from_lines(path, layer, node_tolerance_m, **cols)


def _pick_column(
    columns: Sequence[str], given: str | None, candidates: Sequence[str], what: str, where: str
) -> str | None:
    if given is not None:
        if given not in columns:
            raise GeoError(
                f"{where}: no {what} column {given!r}{did_you_mean(given, columns)} "
                f"(columns: {', '.join(columns)})"
            )
        return given
    lower = {c.lower(): c for c in columns}
    return next((lower[c.lower()] for c in candidates if c.lower() in lower), None)


def _speeds(values: Any) -> np.ndarray:
    """Legal speeds [km/h] from numbers or OSM strings ('50', '50;30', "['30', '50']"); 0 -> NaN."""
    import pandas as pd

    s = pd.Series(values)
    if s.dtype.kind in "if":
        out = s.to_numpy(dtype=float)
    else:
        first = s.astype(str).str.extract(r"(\d+(?:\.\d+)?)", expand=False)
        out = pd.to_numeric(first, errors="coerce").to_numpy(dtype=float)
        mph = s.astype(str).str.contains("mph", case=False, regex=False).to_numpy()
        out = np.where(mph, out * 1.609344, out)
    return np.where(out > 0, out, np.nan)


def _classes(values: Any) -> np.ndarray:
    """Road classes as plain strings; osmnx lists ("['residential', 'tertiary']") take the first."""
    import pandas as pd

    s = pd.Series(values).astype(str)
    listed = s.str.startswith("[")
    if listed.any():
        s = s.where(~listed, s.str.extract(r"['\"]([^'\"]+)['\"]", expand=False).fillna(""))
    return np.asarray(s.str.strip().to_numpy(dtype=object))


def _directions(values: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    """(oneway, reverse) flags from OSM, Geofabrik or NWB oneway values."""
    import pandas as pd

    if values is None:
        return np.zeros(0, bool), np.zeros(0, bool)
    s = pd.Series(values)
    if s.dtype == bool:
        flags = s.to_numpy()
        return flags, np.zeros(len(flags), bool)
    text = s.astype(str).str.strip().str.lower()
    text = text.where(~s.isna(), "")
    forward = text.isin(_FORWARD).to_numpy()
    backward = text.isin(_BACKWARD).to_numpy()
    return forward | backward, backward


def _from_tables(
    nodes: Any,
    edges: Any,
    where: str,
    *,
    class_column: str | None,
    speed_column: str | None,
    oneway_column: str | None,
) -> RoadTable:
    node_cols = [str(c) for c in nodes.columns]
    id_col = _pick_column(node_cols, None, ("node_id", "osmid", "id"), "node id", where)
    if "x" in node_cols and "y" in node_cols:
        x = nodes["x"].to_numpy(dtype=float)
        y = nodes["y"].to_numpy(dtype=float)
        crs = getattr(nodes, "crs", None)
        epsg = _epsg(crs) if crs is not None else _guess_epsg(x, y)
    elif hasattr(nodes, "geometry"):
        x, y = nodes.geometry.x.to_numpy(), nodes.geometry.y.to_numpy()
        epsg = _epsg(nodes.crs)
    else:
        raise GeoError(f"{where} nodes: needs columns 'x' and 'y' (or point geometry)")
    xy = _to_rd(np.column_stack([x, y]), epsg, f"{where} nodes")
    edge_cols = [str(c) for c in edges.columns]
    for c in ("u", "v"):
        if c not in edge_cols:
            raise GeoError(f"{where} edges: missing column {c!r} (columns: {', '.join(edge_cols)})")
    cls_col = _pick_column(edge_cols, class_column, CLASS_COLUMNS, "road class", f"{where} edges")
    if cls_col is None:
        raise GeoError(
            f"{where} edges: no road class column (looked for {', '.join(CLASS_COLUMNS)}); "
            "name it with --road-class-column"
        )
    len_col = _pick_column(edge_cols, None, LENGTH_COLUMNS, "length", f"{where} edges")
    spd_col = _pick_column(edge_cols, speed_column, SPEED_COLUMNS, "speed", f"{where} edges")
    ow_col = _pick_column(edge_cols, oneway_column, ("oneway",), "oneway", f"{where} edges")
    ids = nodes[id_col].to_numpy() if id_col else np.arange(len(nodes))
    u_raw, v_raw = edges["u"].to_numpy(), edges["v"].to_numpy()
    if id_col and np.array_equal(ids, np.arange(len(ids))):
        u, v = u_raw.astype(np.int64), v_raw.astype(np.int64)
    else:
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        pos_u = np.searchsorted(sorted_ids, u_raw)
        pos_v = np.searchsorted(sorted_ids, v_raw)
        pos_u, pos_v = np.minimum(pos_u, len(ids) - 1), np.minimum(pos_v, len(ids) - 1)
        bad = (sorted_ids[pos_u] != u_raw) | (sorted_ids[pos_v] != v_raw)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise GeoError(
                f"{where} edges row {i + 1}: node {u_raw[i]!r} or {v_raw[i]!r} is not in the "
                f"node table ({int(bad.sum())} such edges)"
            )
        u, v = order[pos_u].astype(np.int64), order[pos_v].astype(np.int64)
    length = edges[len_col].to_numpy(dtype=float) if len_col else np.hypot(*(xy[v] - xy[u]).T)
    oneway, backward = _directions(edges[ow_col] if ow_col else None, where)
    if not ow_col:
        oneway, backward = np.zeros(len(u), bool), np.zeros(len(u), bool)
    u, v = np.where(backward, v, u), np.where(backward, u, v)
    speed = _speeds(edges[spd_col]) if spd_col else np.full(len(u), np.nan)
    return RoadTable(xy, u, v, _classes(edges[cls_col]), oneway, length, speed, where)


def _from_lines(
    path: Path,
    layer: str | None,
    node_tolerance_m: float,
    *,
    class_column: str | None,
    speed_column: str | None,
    oneway_column: str | None,
) -> RoadTable:
    import shapely

    from acutesim.geo.layers import read_layer

    where = path.name if layer is None else f"{path.name} layer {layer!r}"
    if path.suffix.lower() == ".parquet":
        import geopandas as gpd

        try:
            frame = gpd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many kinds; report the file
            raise GeoError(f"{where}: cannot be read as a line layer: {exc}") from None
    else:
        frame = read_layer(path, layer, what="cannot be read as a line layer")
    if frame.crs is None:
        raise GeoError(f"{where}: has no CRS; write it with EPSG:28992 or EPSG:4326")
    if _epsg(frame.crs) != RD_NEW_EPSG:
        frame = frame.to_crs(RD_NEW_EPSG)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    frame = frame.explode(index_parts=False, ignore_index=True)
    frame = frame[frame.geometry.geom_type == "LineString"].reset_index(drop=True)
    if frame.empty:
        raise GeoError(f"{where}: no LineString features found")
    cols = [str(c) for c in frame.columns if c != frame.geometry.name]
    cls_col = _pick_column(cols, class_column, CLASS_COLUMNS, "road class", where)
    if cls_col is None:
        raise GeoError(
            f"{where}: no road class column (looked for {', '.join(CLASS_COLUMNS)}); "
            "name it with --road-class-column"
        )
    spd_col = _pick_column(cols, speed_column, SPEED_COLUMNS, "speed", where)
    ow_col = _pick_column(cols, oneway_column, ("oneway", "RIJRICHTNG"), "oneway", where)
    geoms = frame.geometry.to_numpy()
    first = shapely.get_point(geoms, 0)
    last = shapely.get_point(geoms, -1)
    ends = np.column_stack(
        [shapely.get_x(first), shapely.get_y(first), shapely.get_x(last), shapely.get_y(last)]
    )
    junctions = next((pair for pair in JUNCTION_COLUMNS if all(c in cols for c in pair)), None)
    if junctions is not None:
        keys = np.concatenate([frame[junctions[0]].to_numpy(), frame[junctions[1]].to_numpy()])
        _, first_at, inverse = np.unique(keys, return_index=True, return_inverse=True)
        pts = np.concatenate([ends[:, :2], ends[:, 2:]])
        node_xy = pts[first_at]
    else:
        pts = np.concatenate([ends[:, :2], ends[:, 2:]])
        grid = np.round(pts / node_tolerance_m).astype(np.int64)
        _, first_at, inverse = np.unique(grid, axis=0, return_index=True, return_inverse=True)
        node_xy = pts[first_at]
    inverse = np.asarray(inverse).ravel()
    n = len(frame)
    u, v = inverse[:n].astype(np.int64), inverse[n:].astype(np.int64)
    oneway, backward = _directions(frame[ow_col] if ow_col else None, where)
    if not ow_col:
        oneway, backward = np.zeros(n, bool), np.zeros(n, bool)
    u, v = np.where(backward, v, u), np.where(backward, u, v)
    length = shapely.length(geoms).astype(float)
    speed = _speeds(frame[spd_col]) if spd_col else np.full(n, np.nan)
    return RoadTable(node_xy, u, v, _classes(frame[cls_col]), oneway, length, speed, where)


def _epsg(crs: Any) -> int:
    try:
        code = crs.to_epsg()
    except AttributeError:
        code = None
    if code is None:
        raise GeoError(f"road network CRS {crs!s} has no EPSG code; use EPSG:28992 or EPSG:4326")
    return int(code)


def _guess_epsg(x: np.ndarray, y: np.ndarray) -> int:
    """x/y columns without a CRS: lon/lat when every value fits, else RD New metres."""
    if x.size and np.nanmax(np.abs(x)) <= 180 and np.nanmax(np.abs(y)) <= 90:
        return 4326
    return RD_NEW_EPSG


def _to_rd(xy: np.ndarray, epsg: int, where: str) -> np.ndarray:
    if epsg == RD_NEW_EPSG:
        return xy
    from pyproj import Transformer
    from pyproj.exceptions import CRSError

    try:
        tf = Transformer.from_crs(f"EPSG:{epsg}", f"EPSG:{RD_NEW_EPSG}", always_xy=True)
    except CRSError as exc:
        raise GeoError(f"{where}: unknown CRS EPSG:{epsg}: {exc}") from None
    x, y = tf.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def class_summary(roads: RoadTable) -> Mapping[str, float]:
    """Kilometres of road per class [km], largest first."""
    import pandas as pd

    km = pd.Series(roads.length_m / 1000.0).groupby(roads.road_class).sum()
    return dict(km.sort_values(ascending=False).round(1))


__all__ = ["RoadTable", "class_summary", "network_digest", "read_roads"]
