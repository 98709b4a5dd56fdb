"""Write the files of a built pack: region.toml (with tomli-w), CSV tables and README.md."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from acutesim.packs.inputs import RD_NEW, WGS84, BuildInputs, BuildReport, Island

# Floats are written rounded to this many decimals (positions and minutes of a built
# pack need no more; it keeps region.toml readable).
TOML_DECIMALS = 6


def _rounded(value: Any) -> Any:
    """``value`` with every float rounded to ``TOML_DECIMALS`` (a NaN or inf is an error)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML has no {value!r}")
        return round(value, TOML_DECIMALS)
    if isinstance(value, Mapping):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def region_toml(
    name: str,
    description: str,
    sources: Sequence[str],
    files: Mapping[str, str],
    travel: Mapping[str, Any],
    islands: Sequence[Island],
    organisations: Mapping[str, str],
) -> str:
    """The text of a built pack's ``region.toml`` (format: docs/formats.md).

    Ferry ends are whole metres (EPSG:28992); floats are rounded to ``TOML_DECIMALS``.
    """
    document: dict[str, Any] = {
        "name": name,
        "description": description,
        "sources": list(sources),
        "files": dict(files),
        "travel": dict(travel),
    }
    if islands:
        document["ferries"] = [
            {
                "zone": isl.zone,
                "name": isl.zone.removeprefix("island_") + " ferry",
                "terminal_x": round(isl.terminal_xy[0]),
                "terminal_y": round(isl.terminal_xy[1]),
                "port_x": round(isl.port_xy[0]),
                "port_y": round(isl.port_xy[1]),
                "crossing_minutes": isl.crossing_minutes,
                "source": "assumption: acutesim region build default; ends at the nearest points",
            }
            for isl in islands
        ]
    if organisations:
        document["organisations"] = {k: {"name": v} for k, v in organisations.items()}
    return tomli_w.dumps(_rounded(document), multiline_strings=False)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a pack table: no index, LF line ends, floats to 6 decimals."""
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6f")


def lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon and lat [degrees, 6 decimals] of RD New points [m]."""
    from pyproj import Transformer

    tf = Transformer.from_crs(RD_NEW, WGS84, always_xy=True)
    lon, lat = tf.transform(xy[:, 0], xy[:, 1])
    return np.round(lon, 6), np.round(lat, 6)


def readme(name: str, inputs: BuildInputs, report: BuildReport) -> str:
    """The README.md of a built pack: what it is, its sources and the build report."""
    sources = "\n".join(f"- {s}" for s in inputs.sources) or "- (no --source given)"
    return (
        f"# {name}\n\n"
        "Built with `acutesim region build`. Rosters, acute beds and ambulance vehicles\n"
        "are sized from the population nearest to each site (see\n"
        "`acutesim/packs/sizing.py`); ferries of detected islands use a default crossing\n"
        "time (an assumption): check and edit `region.toml` before relying on them.\n\n"
        f"## Sources\n\n{sources}\n\n"
        f"## Build report\n\n```\n{report.to_text()}\n```\n"
    )
