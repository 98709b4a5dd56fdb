"""What a worker loads once per region pack: the region, its travel matrices, the sensitive SEHs.

Every task of a run (and every point of a robustness sweep) needs the same region and
travel matrices; a worker process loads them once per pack folder and keeps them while
none of the files the pack loader reads has changed. The sensitive SEHs (RIVM's gevoelig
list) are data of the pack; :func:`sensitive_sites` is the derivation the pack's column
is made from once (``scripts/derive_sensitive.py``).

Reading a pack's areas layer takes GDAL, PROJ and GEOS (pyogrio, pyproj, shapely; tens of
MB resident in every process that imports them) although a simulation never reads a
polygon. A run that starts worker processes therefore loads the region once itself and
hands each worker that Region (:func:`region_for_workers`, without the area polygons
unless a call log must be placed in them); the worker then only builds the travel
matrices.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np

from acutesim.config.load import load_region
from acutesim.domain.region import Region
from acutesim.errors import AcutesimError
from acutesim.experiment.snapshot import plan_snapshot
from acutesim.sim.model import TravelMatrices, travel_matrices

_CONTEXT: dict[str, tuple[tuple[Any, ...], tuple[Region, TravelMatrices, frozenset[str]]]] = {}


def _pack_fingerprint(region_path: str) -> tuple[Any, ...]:
    """Name, size and modification time of every file the pack loader reads (stats only)."""
    try:
        plan = plan_snapshot(region_path)
    except AcutesimError:  # unreadable region.toml: the loader says what is wrong
        return ()
    out = []
    for path in sorted({*plan.sources.values(), *map(Path, plan.outside)}):
        try:
            st = path.stat()
        except OSError:
            out.append((str(path), -1, -1))
        else:
            out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(out)


def worker_context(
    region_path: str, region: Region | None = None
) -> tuple[Region, TravelMatrices, frozenset[str]]:
    """Region, travel matrices and sensitive SEHs, computed once per worker process.

    Kept per pack folder and reused while none of the files the pack loader reads has
    changed (size and modification time), so a long-lived process (a serial run in a
    notebook, a robustness sweep) never simulates a pack that was edited since.

    Parameters
    ----------
    region_path : str
        The pack folder.
    region : Region, optional
        That pack, already loaded by the run's main process (see
        :func:`region_for_workers`); used instead of reading the pack again when this
        process has no context for it yet, so a worker never imports the geometry stack.
    """
    where = os.path.abspath(region_path)
    fingerprint = _pack_fingerprint(where)
    cached = _CONTEXT.get(where)
    if cached is None or cached[0] != fingerprint:
        if region is None:
            region = load_region(region_path)
        travel = travel_matrices(region)
        # The gevoelig list is data of the pack (sites.csv ``sensitive``), never
        # recomputed from a scenario's own settings.
        cached = (fingerprint, (region, travel, listed_sensitive_sites(region)))
        _CONTEXT[where] = cached
    return cached[1]


def region_for_workers(region: Region, *, keep_geometry: bool = False) -> Region:
    """The Region a run hands its workers: the area polygons left out unless asked for.

    A simulation reads an area's representative point, never its polygon; only placing
    a call log's calls in areas does (``keep_geometry``). Without polygons the Region
    pickles to a fraction of its size and unpickles without shapely.
    """
    if keep_geometry:
        return region
    areas = tuple(
        a if a.geometry is None else dataclasses.replace(a, geometry=None) for a in region.areas
    )
    return dataclasses.replace(region, areas=areas)


def listed_sensitive_sites(region: Region) -> frozenset[str]:
    """SEHs marked ``sensitive = true`` in the pack's ``sites.csv`` (RIVM's gevoelig list)."""
    return frozenset(s.site_id for s in region.seh_sites if s.sensitive)


def sensitive_sites(region: Region, travel: TravelMatrices) -> frozenset[str]:
    """24/7 SEHs whose closure alone puts extra inhabitants beyond the 45-minute norm.

    The RIVM-style derivation a pack's ``sensitive`` column is made from once (see
    ``scripts/derive_sensitive.py``); runs read the stored column instead.
    """
    from acutesim.geo.norm import NormTracker, norm_parameters

    sites = region.seh_sites
    is_24_7 = np.array([s.is_24_7 for s in sites], dtype=bool)
    posts_24_7 = np.array([p.is_24_7 for p in region.posts], dtype=bool)
    if not is_24_7.any() or not posts_24_7.any():
        return frozenset()
    tracker = NormTracker(
        travel.amb_post_area[posts_24_7],
        travel.amb_area_site[:, is_24_7],
        region.area_population(),
        norm_parameters(region),  # the pack's dispatch and on-scene minutes
    )
    extra = tracker.sensitivity(np.ones(int(is_24_7.sum()), dtype=bool))
    ids = [s.site_id for s in sites if s.is_24_7]
    return frozenset(sid for sid, x in zip(ids, extra, strict=True) if x > 0)
