"""Travel models that look minutes up in a table: a matrix file or cached routed matrices."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.errors import GeoError, did_you_mean
from acutesim.geo.travel.base import Locations, mask_access

if TYPE_CHECKING:
    pass


# --- matrix --------------------------------------------------------------------------
@dataclass(frozen=True)
class MatrixModel:
    """Travel minutes looked up in a precomputed table of (origin_id, destination_id, minutes).

    Pairs missing from the table are unreachable (``inf``); an id that appears nowhere
    in the table is an error, as it almost always means mismatched ids.

    Parameters
    ----------
    minutes_by_pair : mapping of (str, str) to float
        Driving time per (origin_id, destination_id) [min].
    source : str
        Where the table comes from (a file path), for messages.
    """

    minutes_by_pair: Mapping[tuple[str, str], float]
    source: str = "matrix"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_origins", {o for o, _ in self.minutes_by_pair})
        object.__setattr__(self, "_destinations", {d for _, d in self.minutes_by_pair})

    @classmethod
    def from_file(cls, path: str | Path, profile: str | None = None) -> MatrixModel:
        """Read a CSV or Parquet table with origin_id, destination_id, minutes [min].

        An optional ``profile`` column keeps only the rows of that profile.
        """
        path = Path(path)
        if not path.exists():
            raise GeoError(f"{path.name}: travel-time matrix not found at '{path}'")
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            cols = pq.read_table(path).to_pydict()
        elif path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
            cols = {k: [r[k] for r in rows] for k in (rows[0] if rows else {})}
        else:
            raise GeoError(f"{path.name}: matrix must be a .csv or .parquet file")
        missing = [c for c in ("origin_id", "destination_id", "minutes") if c not in cols]
        if missing:
            raise GeoError(
                f"{path.name}: missing column(s) {', '.join(repr(m) for m in missing)} "
                f"(columns found: {', '.join(cols)})"
            )
        table: dict[tuple[str, str], float] = {}
        profiles = cols.get("profile")
        for i, (o, d, m) in enumerate(
            zip(cols["origin_id"], cols["destination_id"], cols["minutes"], strict=True)
        ):
            if profile is not None and profiles is not None and str(profiles[i]) != profile:
                continue
            try:
                value = float(m)
            except (TypeError, ValueError):
                raise GeoError(
                    f"{path.name} row {i + 1}, column 'minutes': {m!r} is not a number"
                ) from None
            if not value >= 0:
                raise GeoError(f"{path.name} row {i + 1}, column 'minutes': {m!r} is negative")
            table[(str(o), str(d))] = value
        return cls(table, source=str(path))

    def minutes(self, origins: Locations, destinations: Locations) -> np.ndarray:
        """Look up every origin x destination pair [min]; ``inf`` for missing pairs."""
        for ids, known, what in (
            (origins.ids, self._origins, "origin_id"),  # type: ignore[attr-defined]
            (destinations.ids, self._destinations, "destination_id"),  # type: ignore[attr-defined]
        ):
            unknown = [i for i in ids if i not in known]
            if unknown:
                raise GeoError(
                    f"{Path(self.source).name}: {what} {unknown[0]!r} does not occur in the "
                    f"matrix{did_you_mean(unknown[0], known)} ({len(unknown)} unknown ids)"
                )
        get = self.minutes_by_pair.get
        out = np.array(
            [[get((o, d), np.inf) for d in destinations.ids] for o in origins.ids], dtype=float
        ).reshape(len(origins), len(destinations))
        return mask_access(out, origins, destinations)


# --- cached routed matrices ---------------------------------------------------------
_ROUTED_CACHE: dict[tuple[str, float], Any] = {}


def routed_matrices(path: str | Path) -> Any:
    """The :class:`~acutesim.geo.routing_cache.RoutedMatrices` of a cache file (read once).

    One pack at a time is kept per process.
    """
    from acutesim.geo.routing_cache import RoutedMatrices

    path = Path(path).resolve()
    key = (str(path), path.stat().st_mtime if path.exists() else 0.0)
    if key not in _ROUTED_CACHE:
        _ROUTED_CACHE.clear()  # one pack at a time; the national cache is tens of MB
        _ROUTED_CACHE[key] = RoutedMatrices(path)
    return _ROUTED_CACHE[key]


def release_routed_matrices() -> None:
    """Forget the cached routed matrices (the next :func:`routed_matrices` reads the file).

    A simulation worker calls this once its travel matrices are built: it needs the
    dense copies only, and the cache's tables and blocks are tens of MB.
    """
    _ROUTED_CACHE.clear()


def release_dense_blocks() -> None:
    """Drop the dense blocks of the cached routed matrices (kept: the table read once).

    :func:`acutesim.sim.travel.travel_matrices` calls this after each matrix it takes,
    so the cache never holds a second copy of every matrix beside the model's.
    """
    for matrices in _ROUTED_CACHE.values():
        matrices.forget_dense()


@dataclass(frozen=True)
class CachedRoutedModel:
    """Travel minutes from the routed matrices cached in a pack, for one profile.

    Origins and destinations are looked up by their ``kind`` (area, site, post, hap) and
    id; the matrix is the one computed in the direction of travel. A point that is not
    in the cache, or that moved since the cache was built, raises a GeoError that says
    how to rebuild.

    Parameters
    ----------
    matrices : RoutedMatrices
        The cache.
    profile : str
        ``ambulance``, ``ambulance_no_siren`` or ``car``.
    """

    matrices: Any
    profile: str

    def minutes(self, origins: Locations, destinations: Locations) -> np.ndarray:
        """Cached minutes from every origin to every destination [min]."""
        for locs in (origins, destinations):
            if not locs.kind:
                raise GeoError(
                    "a routed travel matrix is looked up by point kind (area, site, post or "
                    "hap); these locations have none"
                )
            self.matrices.check_points(locs.kind, locs.ids, locs.xy)
        out = self.matrices.block(
            self.profile, origins.kind, origins.ids, destinations.kind, destinations.ids
        )
        return mask_access(out, origins, destinations)
