"""Reading a robustness results folder (no simulation imported: the report reads this).

``manifest.json`` carries ``kind = "robustness"``; ``design.parquet`` one row per design
point; ``runs.parquet`` one row per point and replication (written when complete).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acutesim.errors import ResultsError

if TYPE_CHECKING:
    import pandas as pd  # imported where the tables are read: read_manifest needs only json

MANIFEST = "manifest.json"
KIND = "robustness"


def read_manifest(results_dir: str | Path) -> dict[str, Any] | None:
    """The manifest of a robustness results folder, or None for any other folder."""
    path = Path(results_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("kind") == KIND else None


def load_robustness_results(
    results_dir: str | Path,
) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """The manifest, design and runs of a complete robustness results folder.

    Raises
    ------
    ResultsError
        When the folder is not a complete robustness sweep.
    """
    import pandas as pd

    results_dir = Path(results_dir)
    manifest = read_manifest(results_dir)
    if manifest is None:
        raise ResultsError(f"{results_dir}: not a robustness results folder")
    if manifest.get("status") != "complete":
        raise ResultsError(
            f"{results_dir}: the sweep has not finished; run the same `acutesim robustness` "
            "command to resume it"
        )
    try:
        points = pd.read_parquet(results_dir / "design.parquet").set_index("point")
        runs = pd.read_parquet(results_dir / "runs.parquet")
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{results_dir}: cannot read the sweep's tables ({exc})") from None
    return manifest, points, runs


__all__ = ["KIND", "MANIFEST", "load_robustness_results", "read_manifest"]
