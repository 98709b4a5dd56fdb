"""The run's region for the report, loaded once per snapshot and kept in the user's cache.

A report reads the region a run simulated from the copy of its pack in the results
folder (:func:`~acutesim.experiment.results.run_region`). For the national pack that is
the slowest step before drawing: the pack loader, its checks and 4,068 area polygons take
about 1.1 s here, every time the same results (or another run of the same pack) are
reported. So the loaded region and its areas are kept, pickled, in the user's cache
folder (``<user cache>/acutesim/regions``; ``$ACUTESIM_CACHE_DIR`` replaces
``<user cache>/acutesim``) and read back in about 0.1 s.

A kept region is used only for the same pack files and the same code: the key is the
hash of the snapshot's files (each checked against the files on disk before each use)
and its pack folder, the source and version of acutesim, and the versions of the
libraries whose objects or files the kept content holds. So every results
folder of the same pack shares one kept region, and any change of the code makes new
keys; it gets its own folder as the
region's ``pack_path``, as loading its copy would give. Reading a pickle runs code, so
it is read only from a folder that belongs to the user and that nobody else may write
to, and never from the results folder (which may come from elsewhere). A cache that
cannot be read or written only costs the time of loading the pack. The norm maps, their
GeoPackages and the closure explorer are kept the same way, beside the region (see
:mod:`acutesim.report.data` and :mod:`acutesim.report.explorer`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import os
import pickle
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from acutesim.cachedir import ownership_problem, private_problem, user_cache
from acutesim.experiment.results import RunRegion, run_region
from acutesim.experiment.snapshot import (
    SNAPSHOT_KEY,
    snapshot_pack_dir,
    snapshot_problem,
    tree_sha256,
)

# Files kept per cache folder; the least recently used go first. Norm maps are kept per
# set of closed SEHs, so a pack's scenarios may need many.
KEPT = {"regions": 8, "explorers": 8, "reach": 64}
KEPT_OTHERWISE = 8
# Bump when what is kept changes, so files kept from before are not reused.
CACHE_VERSION = 2
# Libraries whose objects or files the kept content holds or was made with (frames,
# geometries, the CRS, validated values, GeoPackages written through GDAL: pyogrio's
# version stands for the GDAL its wheels bundle; importing pyogrio to ask would cost
# a report without a map to compute 0.65 s).
_LIBRARIES = ("numpy", "scipy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio", "pydantic")


@functools.cache
def source_digest(*names: str) -> str:
    """A hash of the source of modules and packages ``names`` (every ``.py`` of a package)."""
    h = hashlib.sha256()
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        folders = list(spec.submodule_search_locations or [])
        files = [(Path(f), p) for f in folders for p in sorted(Path(f).rglob("*.py"))]
        if not folders and spec.origin:
            files = [(Path(spec.origin).parent, Path(spec.origin))]
        for folder, path in files:
            h.update(f"\0{name}:{path.relative_to(folder).as_posix()}\0".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def code_digest() -> str | None:
    """A hash of acutesim's code and version and of the libraries' (None: code not readable).

    Every module counts (the pack loader, the norm, the explorer and what they import), so
    any change of the code gives new keys. Without the ``.py`` files (an installation of
    compiled files only) nothing is kept.
    """
    from importlib.metadata import PackageNotFoundError, version

    import acutesim

    code = source_digest("acutesim")
    if code == hashlib.sha256().hexdigest():  # no source found
        return None
    h = hashlib.sha256(f"{CACHE_VERSION}\0{sys.version}\0{acutesim.__version__}".encode())
    for name in _LIBRARIES:
        with contextlib.suppress(PackageNotFoundError):
            h.update(f"\0{name}={version(name)}".encode())
    h.update(code.encode())
    return h.hexdigest()


def region_key(record: Mapping[str, Any]) -> str | None:
    """The cache key of a snapshot record: its files' hashes and pack folder, and the code.

    None when it is not to be kept: packs that read files from outside the copy
    (absolute names in ``region.toml``; those files are not covered by the snapshot's
    hash), or code that cannot be hashed (:func:`code_digest`).
    """
    files = record.get("files")
    code = code_digest()
    if not isinstance(files, Mapping) or not files or record.get("outside") or code is None:
        return None
    tree = tree_sha256(files)  # of the files' hashes, which snapshot_problem checks
    h = hashlib.sha256(f"{tree}\0{record.get('pack')}\0{code}".encode())
    return h.hexdigest()[:32]


def read_kept_bytes(kind: str, name: str) -> bytes | None:
    """The bytes kept as ``name`` in the private cache folder ``kind`` (None: not kept).

    The folder and the file are opened without following links and checked on the open
    descriptors (owner, nobody else may write), then read from those descriptors, so
    nothing can be swapped in between the check and the read.
    """
    folder = user_cache(kind)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if os.open not in os.supports_dir_fd:  # no reading relative to a folder (Windows)
        return None
    try:
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | nofollow)
    except OSError:
        return None
    try:
        if ownership_problem(os.fstat(dir_fd)) is not None:
            return None
        fd = os.open(name, os.O_RDONLY | nofollow, dir_fd=dir_fd)
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode) or ownership_problem(st) is not None:
                return None
            data = f.read()
        with contextlib.suppress(OSError, NotImplementedError):
            os.utime(name, dir_fd=dir_fd)  # recently used (a read-only cache still serves)
    except OSError:
        return None
    finally:
        os.close(dir_fd)
    return data


def keep_bytes(kind: str, name: str, data: bytes) -> Path | None:
    """Keep ``data`` as ``name`` in the private cache folder ``kind`` (atomically).

    Only the most recently used files of the folder stay (:data:`KEPT` per kind). Returns
    None when the folder cannot be made private to the user or written.
    """
    folder = user_cache(kind)
    path = folder / name
    tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if private_problem(folder) is not None:
            return None
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # complete on disk before it has its name
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return None
    with contextlib.suppress(OSError):  # another report may prune at the same time
        _prune(folder, path.suffix, KEPT.get(kind, KEPT_OTHERWISE))
    return path


def _prune(folder: Path, suffix: str, kept: int) -> None:
    """Remove all but the ``kept`` most recently used files ending in ``suffix``."""
    files = sorted(folder.glob(f"*{suffix}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[kept:]:
        with contextlib.suppress(OSError):
            old.unlink()


def read_kept_object(kind: str, name: str) -> Any:
    """The object pickled as ``name`` in the private cache folder ``kind`` (None: not kept)."""
    data = read_kept_bytes(kind, name)
    if data is None:
        return None
    try:
        return pickle.loads(data)  # from a private folder only (read_kept_bytes)
    except Exception:  # a damaged or outdated file: made again
        return None


def keep_object(kind: str, name: str, obj: Any) -> Path | None:
    """Pickle ``obj`` as ``name`` into the private cache folder ``kind``; None if it cannot."""
    try:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # whatever cannot be pickled is simply not kept
        return None
    return keep_bytes(kind, name, data)


def read_kept(key: str) -> tuple[Any, Any] | None:
    """The kept ``(region, areas)`` of ``key``, or None (not kept, not private, unreadable)."""
    kept = read_kept_object("regions", f"{key}.pickle")
    if not (isinstance(kept, tuple) and len(kept) == 2):
        return None
    return kept[0], kept[1]


def keep(key: str, region: Any, areas: Any) -> Path | None:
    """Keep ``(region, areas)`` under ``key``; None when it cannot be kept."""
    return keep_object("regions", f"{key}.pickle", (region, areas))


def run_region_key(results_dir: Path, manifest: Mapping[str, Any]) -> str | None:
    """The cache key of a results folder's region (None: no usable snapshot, not kept)."""
    record = manifest.get(SNAPSHOT_KEY)
    if not isinstance(record, Mapping) or snapshot_problem(results_dir, record) is not None:
        return None
    return region_key(record)


def cached_run_region(
    results_dir: Path, manifest: Mapping[str, Any], key: str | None = None
) -> RunRegion:
    """:func:`~acutesim.experiment.results.run_region`, from the cache when it holds it.

    Parameters
    ----------
    results_dir : Path
        A directory written by ``acutesim run``.
    manifest : mapping
        Its manifest.
    key : str, optional
        Its :func:`run_region_key`, when already known (computed when omitted).

    Returns
    -------
    RunRegion
        As ``run_region`` returns it (the same region and areas, or the same note).
    """
    key = key if key is not None else run_region_key(results_dir, manifest)
    kept = read_kept(key) if key is not None else None
    if kept is not None:
        pack = snapshot_pack_dir(results_dir, manifest[SNAPSHOT_KEY])
        region = kept[0]
        if getattr(region, "pack_path", None) is not None:  # this folder's copy, as loaded
            region = dataclasses.replace(region, pack_path=str(pack))
        return RunRegion(region=region, areas=kept[1], path=pack)
    found = run_region(results_dir, manifest)
    if key is not None and found.region is not None:
        keep(key, found.region, found.areas)
    return found


__all__ = [
    "KEPT",
    "cached_run_region",
    "code_digest",
    "keep",
    "keep_bytes",
    "keep_object",
    "read_kept",
    "read_kept_bytes",
    "read_kept_object",
    "run_region_key",
    "source_digest",
]
