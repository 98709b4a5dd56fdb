"""Route a region pack on a real road network: compute and cache its travel matrices.

``acutesim region route PACK --roads NETWORK`` (and ``region build --roads``) reads the
network, builds the routed matrices of every profile in every direction the model
drives (see :data:`acutesim.geo.routing_cache.BLOCKS_BY_PROFILE`) and writes them into the
pack as Parquet, with a digest of the network, the speed profiles and the points. The
cache is rebuilt only when one of those changed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.errors import ConfigError, GeoError

if TYPE_CHECKING:
    from acutesim.domain.region import Region
    from acutesim.geo.routing import PointSet, SpeedProfile

DEFAULT_MATRICES = "travel_matrices.parquet"
# assumption: on the national network, residential streets, living streets, service
# roads and unpaved tracks are covered as access (from the area point to the nearest
# other road) rather than routed; this keeps the national build within minutes. See
# docs/regions-nl.md for the effect.
NATIONAL_ACCESS_ONLY_CLASSES: tuple[str, ...] = (
    "residential",
    "living_street",
    "service",
    "unpaved",
)
# Calibrated non-driving minutes for routed packs (docs/calibration-reachability.md):
# with these speed profiles, 3 dispatch minutes (RUG/RTL 2017) and 5 on-scene minutes
# reproduce RIVM 2024's 0.4% beyond 45 minutes on regions/nl; the measured mean on
# scene is 20 minutes (RIVM 2010), the named alternative.
ROUTED_DISPATCH_MINUTES = 3.0
ROUTED_ON_SCENE_MINUTES = 5.0
_NOT_PROFILE_KEYS = {
    "matrices",
    "network",
    "limit_minutes",
    "max_snap_m",
    "dispatch_minutes",
    "on_scene_minutes",
}


@dataclass
class RouteReport:
    """What a routing run did: rebuilt or reused, time, size and snap distances."""

    matrices: Path
    rebuilt: bool
    seconds: float = 0.0
    n_pairs: int = 0
    megabytes: float = 0.0
    key: str = ""
    snap_m: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_text(self) -> str:
        """A few lines for people."""
        what = "rebuilt" if self.rebuilt else "up to date (network, profiles and points unchanged)"
        lines = [
            f"travel matrices {self.matrices.name}: {what}; {self.n_pairs:,} pairs, "
            f"{self.megabytes:.1f} MB, {self.seconds:.1f} s"
        ]
        for kind, stats in self.snap_m.items():
            lines.append(
                f"  snap distance {kind}: median {stats['median']:.0f} m, 95th percentile "
                f"{stats['p95']:.0f} m, max {stats['max']:.0f} m"
            )
        return "\n".join(lines)


def travel_points(region: Region) -> dict[str, PointSet]:
    """The pack's areas, sites, posts and HAPs as point sets [m, EPSG:28992]."""
    from acutesim.geo.routing import PointSet

    def xy(items: Any) -> np.ndarray:
        return np.array([(i.x_m, i.y_m) for i in items], dtype=float).reshape(-1, 2)

    return {
        "area": PointSet("area", tuple(region.area_ids), region.area_xy()),
        "site": PointSet("site", tuple(s.site_id for s in region.sites), xy(region.sites)),
        "post": PointSet("post", tuple(p.post_id for p in region.posts), xy(region.posts)),
        "hap": PointSet("hap", tuple(h.hap_id for h in region.haps), xy(region.haps)),
    }


def travel_profiles(travel: Mapping[str, Any]) -> dict[str, SpeedProfile]:
    """The speed profiles a pack's ``[travel]`` table asks for (defaults plus overrides)."""
    from acutesim.geo.routing import PROFILE_NAMES, SpeedProfile

    common = {
        k: v
        for k, v in travel.items()
        if k not in _NOT_PROFILE_KEYS
        and k not in PROFILE_NAMES
        and k not in {"model", "source", "sources", "notes", "description"}
    }
    out = {}
    for name in PROFILE_NAMES:
        params = dict(common)
        sub = travel.get(name)
        if isinstance(sub, Mapping):
            params.update({k: v for k, v in sub.items() if k not in _NOT_PROFILE_KEYS})
        out[name] = SpeedProfile.named(name, **params)
    return out


def route_pack(
    pack: str | Path,
    roads: str | Path | None = None,
    *,
    force: bool = False,
    chunk: int | None = None,
) -> RouteReport:
    """Compute (or reuse) the routed travel matrices of a pack whose ``[travel]`` is routed.

    Parameters
    ----------
    pack : str or Path
        The pack folder; its ``[travel]`` table has ``model = "routed"`` and names
        ``matrices`` (and usually ``network``).
    roads : str or Path, optional
        The road network; the ``[travel] network`` of the pack when omitted.
    force : bool
        Rebuild even when the digest is unchanged.
    chunk : int, optional
        Dijkstra sources per call (memory: chunk x nodes x 8 bytes).

    Returns
    -------
    RouteReport
        Rebuilt or reused, pairs, size [MB], time [s] and snap distances [m].

    Raises
    ------
    ConfigError
        When the pack is not routed or names no network.
    """
    from acutesim.config.load import load_region
    from acutesim.geo.roads import network_digest, read_roads
    from acutesim.geo.routing import (
        DEFAULT_CHUNK_SOURCES,
        DEFAULT_LIMIT_MINUTES,
        DEFAULT_MAX_SNAP_M,
        points_digest,
    )
    from acutesim.geo.routing_cache import (
        CacheInfo,
        build_matrix_cache,
        read_cache_info,
        write_matrix_cache,
    )

    t0 = time.perf_counter()
    region = load_region(pack)
    pack_dir = Path(region.pack_path or pack)
    travel = dict(region.travel or {})
    where = f"{pack_dir / 'region.toml'} [travel]"
    if travel.get("model") != "routed":
        raise ConfigError(
            "region route",
            [f"{where} model: {travel.get('model')!r}; set model = \"routed\" and matrices = "
             f"\"{DEFAULT_MATRICES}\" to cache routed matrices"],
        )  # fmt: skip
    network = Path(roads) if roads is not None else None
    if network is None and travel.get("network"):
        network = Path(travel["network"])
        if not network.is_absolute():
            network = pack_dir / network
    if network is None:
        raise ConfigError("region route", [f"{where}: no network; pass --roads NETWORK"])
    target = pack_dir / str(travel.get("matrices", DEFAULT_MATRICES))
    points = travel_points(region)
    present = {k: p for k, p in points.items() if len(p.ids)}
    profiles = travel_profiles(travel)
    limit = float(travel.get("limit_minutes", DEFAULT_LIMIT_MINUTES))
    try:
        digest = network_digest(network)
    except OSError as exc:
        raise ConfigError("region route", [f"--roads '{network}': {exc}"]) from None
    wanted = CacheInfo(
        network=network.name,
        network_digest=digest,
        points_digest=points_digest({k: (p.ids, p.xy) for k, p in present.items()}),
        profiles={k: p.to_dict() for k, p in profiles.items()},
        limit_minutes=limit,
        max_snap_m=float(travel.get("max_snap_m", DEFAULT_MAX_SNAP_M)),
    )
    stored = read_cache_info(target)
    if stored is not None and stored.get("key") == wanted.key() and not force:
        return RouteReport(
            target, False, time.perf_counter() - t0, key=wanted.key(), megabytes=_mb(target)
        )
    try:
        table = read_roads(network)
        frame, point_rows, info = build_matrix_cache(
            table,
            profiles,
            present,
            network=network.name,
            network_digest=digest,
            limit=limit,
            chunk=chunk or DEFAULT_CHUNK_SOURCES,
            max_snap_m=float(travel.get("max_snap_m", DEFAULT_MAX_SNAP_M)),
        )
    except GeoError as exc:
        raise ConfigError("region route", [f"--roads '{network}': {exc}"]) from None
    write_matrix_cache(frame, point_rows, info, target)
    snap = {}
    for kind in present:
        d = point_rows.loc[point_rows["kind"] == kind, "snap_m_ambulance"].to_numpy(dtype=float)
        d = d[np.isfinite(d)]
        if d.size:
            snap[kind] = {
                "median": float(np.median(d)),
                "p95": float(np.percentile(d, 95)),
                "max": float(d.max()),
            }
    return RouteReport(
        target,
        True,
        time.perf_counter() - t0,
        n_pairs=frame.num_rows,
        megabytes=_mb(target),
        key=info.key(),
        snap_m=snap,
    )


def _mb(path: Path) -> float:
    return path.stat().st_size / 1e6 if path.exists() else 0.0


__all__ = [
    "NATIONAL_ACCESS_ONLY_CLASSES",
    "ROUTED_DISPATCH_MINUTES",
    "ROUTED_ON_SCENE_MINUTES",
    "RouteReport",
    "route_pack",
    "travel_points",
    "travel_profiles",
]
