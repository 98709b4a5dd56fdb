"""Ship a pack's map outline: made once from its areas, so the first map needs no union.

The first report or map of a polygon pack on a machine makes the region's outline from
its areas (:func:`acutesim.geo.outline.polygon_outline`): seconds for the 4,067 PC4
polygons of the national pack. ``acutesim region outline PACK`` makes it once and writes
it into the pack (``outline.parquet``), with the digest of the areas it was made from;
maps use it only while the areas are unchanged, and make it again otherwise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutlineReport:
    """What :func:`write_outline` did.

    Attributes
    ----------
    path : Path or None
        The file written; None for a pack of points (nothing shipped).
    n_areas : int
        Areas the outline was made from.
    seconds : float
        Time taken [s].
    """

    path: Path | None
    n_areas: int
    seconds: float

    def to_text(self) -> str:
        """One line for the user."""
        if self.path is None:
            return f"no outline written: the {self.n_areas} areas are points, not polygons"
        size_kb = self.path.stat().st_size / 1024
        return (
            f"outline of {self.n_areas} areas written to {self.path} "
            f"({size_kb:,.0f} KB, {self.seconds:.1f} s)"
        )


def write_outline(pack: str | Path) -> OutlineReport:
    """Make the outline of a pack's polygon areas and write it into the pack.

    The areas are taken as the model sees them (loaded and in pack order), so the
    recorded digest matches what a report of the pack computes.

    Parameters
    ----------
    pack : str or Path
        The region pack folder (or its ``region.toml``).

    Returns
    -------
    OutlineReport

    Raises
    ------
    ConfigError
        When the pack does not load.
    """
    from acutesim.config.load import load_region_with_areas
    from acutesim.geo.outline import write_pack_outline
    from acutesim.geo.reachability import area_frame

    start = time.perf_counter()
    region, areas = load_region_with_areas(pack)
    frame = area_frame(region, areas)
    path = write_pack_outline(Path(region.pack_path), frame)
    return OutlineReport(path, len(frame), time.perf_counter() - start)


__all__ = ["OutlineReport", "write_outline"]
