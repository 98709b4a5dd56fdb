"""The region a run simulated, read back from its results directory.

The report and ``acutesim summary`` need the run's region (site names, dates, the areas'
geometry for the maps and the norm) long after the run, wherever the results folder now
is. They read it from the copy ``acutesim run`` wrote into the folder
(:mod:`acutesim.experiment.snapshot`), never from the working directory or the pack's
original path. Results written before snapshots existed get a note naming the command
that re-runs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acutesim.errors import AcutesimError
from acutesim.experiment.snapshot import SNAPSHOT_KEY, snapshot_pack_dir, snapshot_problem
from acutesim.experiment.store import ResultsStore

if TYPE_CHECKING:
    import geopandas as gpd

    from acutesim.domain.region import Region


@dataclass(frozen=True)
class RunRegion:
    """The region of a results directory, or a note saying why it is not available.

    Attributes
    ----------
    region : Region or None
        The region as the run read it (from the folder's snapshot).
    areas : GeoDataFrame or None
        Its areas (EPSG:28992).
    path : Path or None
        The pack folder inside the snapshot.
    note : str or None
        Why there is no region (None when there is one).
    """

    region: Region | None = None
    areas: gpd.GeoDataFrame | None = None
    path: Path | None = None
    note: str | None = None


def rerun_command(manifest: Mapping[str, Any], results_dir: Path) -> str:
    """The command that runs these results again into the same folder, quoted.

    The experiment file is named as the run recorded it; a relative name is relative to
    the folder the run was started in, and the text says so.
    """
    experiment = str(manifest.get("experiment_file") or "EXPERIMENT.toml")
    command = f"'acutesim run {experiment} --out {results_dir}'"
    if Path(experiment).is_absolute():
        return command
    return f"{command} (from the folder the experiment was run in)"


def run_region(results_dir: str | Path, manifest: Mapping[str, Any] | None = None) -> RunRegion:
    """Read the region a run simulated from its results directory's snapshot.

    Parameters
    ----------
    results_dir : str or Path
        A directory written by ``acutesim run``.
    manifest : mapping, optional
        Its manifest (read here when omitted).

    Returns
    -------
    RunRegion
        The region and its areas, or a note: the results predate snapshots, the snapshot
        is missing or changed, or it cannot be loaded.
    """
    d = Path(results_dir)
    if manifest is None:
        manifest = ResultsStore(d).read_manifest_or_none() or {}
    record = manifest.get(SNAPSHOT_KEY)
    rerun = rerun_command(manifest, d)
    if not isinstance(record, Mapping):
        return RunRegion(
            note=(
                f"These results predate region snapshots: {d} holds no copy of the region "
                f"pack '{manifest.get('region', '?')}', so there are no maps, reachability, "
                f"site names or dates. Run them again with {rerun} to add it "
                "(finished tasks are reused when nothing changed)."
            )
        )
    problem = snapshot_problem(d, record)
    if problem is not None:
        return RunRegion(
            note=(
                f"The copy of the region pack in the results cannot be used ({problem}), so "
                f"there are no maps, reachability, site names or dates. Run {rerun} "
                "again to write it afresh."
            )
        )
    pack = snapshot_pack_dir(d, record)
    try:
        from acutesim.config.load import load_region_with_areas

        region, areas = load_region_with_areas(pack)
    except (ImportError, AcutesimError) as exc:
        note = f"The region pack copied to '{pack}' could not be loaded: {exc}"
        return RunRegion(path=pack, note=note)
    return RunRegion(region=region, areas=areas, path=pack)


__all__ = ["RunRegion", "rerun_command", "run_region"]
