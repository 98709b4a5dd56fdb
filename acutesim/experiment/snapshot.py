"""A copy of the region pack inside the results directory, so the results stand alone.

A results folder is read long after the run, on another machine or after the pack has
moved or changed. So ``acutesim run`` copies the files the pack loader reads (its
``region.toml``, the files ``[files]`` and ``[travel]`` name, the pack it ``extends``),
each pack folder's README and licence, and the outline the pack ships for its maps
(``outline.parquet``, :mod:`acutesim.geo.outline`) into ``results/<experiment>/region/``. The
report, ``acutesim summary`` and the maps read the region from this copy, never from the
working directory or the pack's original path.

Files keep their places relative to each other (their common folder becomes
``region/``), so relative names in ``region.toml`` (``sites = "../x.csv"``,
``extends = "../nl"``) lead to the copies and ``region.toml`` is copied byte for byte.
An absolute name in ``region.toml`` is not rewritten: the snapshot lists it under
``outside`` and it is read from its place.

The run's tasks read the region from this copy too (written before any task starts), so
a pack edited while a long run goes on does not reach the tasks that start later.

The copy is written into a temporary folder and renamed into place. A resumed run
rewrites it only when a file differs. The manifest records it (``region_snapshot``): the
folder, the pack folder within it, every file's SHA-256 and a hash of them all.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from acutesim.config.extend import FILE_DEFAULTS, FILE_KEYS, TRAVEL_FILE_KEYS, TRAVEL_PROFILES
from acutesim.errors import ResultsError
from acutesim.experiment.store import file_sha256
from acutesim.geo.outline import PACK_OUTLINE_FILE

SNAPSHOT_DIR = "region"
SNAPSHOT_KEY = "region_snapshot"
SNAPSHOT_FORMAT = 1
# Beside the files the loader reads: what a pack says about its licence and attribution.
DOC_PREFIXES = ("readme", "licence", "license", "notice", "attribution")
_TMP = f".{SNAPSHOT_DIR}.tmp"
_OLD = f".{SNAPSHOT_DIR}.old"


@dataclass(frozen=True)
class SnapshotPlan:
    """The files a snapshot of one pack copies.

    Attributes
    ----------
    root : Path
        The common folder of every copied file; it becomes ``region/``.
    pack : Path
        The pack folder (holding ``region.toml``).
    sources : dict
        Path in the snapshot (POSIX, relative to ``root``) -> the file to copy.
    outside : tuple of str
        Absolute names in ``region.toml``: not copied, read from their place.
    """

    root: Path
    pack: Path
    sources: dict[str, Path]
    outside: tuple[str, ...]

    @property
    def pack_in_snapshot(self) -> str:
        """The pack folder relative to ``region/`` (``.`` when it is ``region/`` itself)."""
        return self.pack.relative_to(self.root).as_posix() or "."


def tree_sha256(files: Mapping[str, str]) -> str:
    """One hash of a snapshot: SHA-256 over its sorted ``name NUL file-sha256`` lines."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(f"{name}\0{files[name]}\n".encode())
    return h.hexdigest()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ResultsError(f"{path}: cannot be read for the region snapshot ({exc})") from None


def _named(value: Any, base: Path, files: set[Path], outside: set[str]) -> None:
    """Add the file a ``region.toml`` string names (relative to ``base``), when it exists."""
    if not isinstance(value, str) or not value:
        return
    if Path(value).is_absolute():
        outside.add(value)
        return
    path = Path(os.path.normpath(base / value))
    if path.is_file():
        files.add(path)


def _table(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, Mapping) else {}


def _pack_sources(pack: Path, files: set[Path], outside: set[str], chain: tuple[Path, ...]) -> None:
    """Collect what the loader reads from ``pack`` (and from the pack it extends)."""
    toml = pack / "region.toml"
    files.add(toml)
    raw = _read_toml(toml)
    files.update(
        p for p in pack.iterdir() if p.is_file() and p.name.lower().startswith(DOC_PREFIXES)
    )
    own = _table(raw, "files")
    for key in FILE_KEYS:
        _named(own.get(key, FILE_DEFAULTS.get(key)), pack, files, outside)
    travel = _table(raw, "travel")
    tables = [travel, *(travel.get(p) for p in TRAVEL_PROFILES)]
    routed = travel.get("model") == "routed"
    for table in (t for t in tables if isinstance(t, Mapping)):
        for key in TRAVEL_FILE_KEYS:
            if routed and key == "network":
                continue  # read only when the cache is rebuilt (acutesim region route)
            _named(table.get(key), pack, files, outside)
            if key == "matrices" and isinstance(table.get(key), str):
                from acutesim.geo.routing_cache import points_path  # routed packs only

                _named(points_path(table[key]).as_posix(), pack, files, outside)
    extends = raw.get("extends")
    if isinstance(extends, str) and extends:
        if Path(extends).expanduser().is_absolute():
            outside.add(extends)
            return
        parent = Path(os.path.normpath(pack / extends))
        if parent.is_file() and parent.name == "region.toml":
            parent = parent.parent
        if (parent / "region.toml").is_file() and parent not in (*chain, pack):
            _pack_sources(parent, files, outside, (*chain, pack))


def plan_snapshot(pack: str | Path) -> SnapshotPlan:
    """The files a snapshot of ``pack`` copies and where they go.

    Parameters
    ----------
    pack : str or Path
        The region pack folder (or its ``region.toml``).

    Returns
    -------
    SnapshotPlan
    """
    folder = Path(os.path.abspath(pack))
    if folder.is_file():
        folder = folder.parent
    files: set[Path] = set()
    outside: set[str] = set()
    _pack_sources(folder, files, outside, ())
    outline = folder / PACK_OUTLINE_FILE  # the pack's own: where the maps look
    if outline.is_file():
        files.add(outline)
    root = Path(os.path.commonpath([folder, *(f.parent for f in files)]))
    sources = {f.relative_to(root).as_posix(): f for f in sorted(files)}
    return SnapshotPlan(root, folder, sources, tuple(sorted(outside)))


def snapshot_dir(results_dir: str | Path) -> Path:
    """The snapshot folder of a results directory (``<results>/region``)."""
    return Path(results_dir) / SNAPSHOT_DIR


def _files_on_disk(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): file_sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_region_snapshot(
    results_dir: str | Path, pack: str | Path, previous: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], bool]:
    """Copy the region pack into ``<results_dir>/region`` unless an equal copy is there.

    Parameters
    ----------
    results_dir : str or Path
        The results directory.
    pack : str or Path
        The region pack the run reads.
    previous : mapping, optional
        The snapshot record of the folder's earlier manifest: its files may be replaced.

    Returns
    -------
    record : dict
        The manifest's ``region_snapshot``: ``format``, ``path`` (``region``), ``pack``
        (the pack folder within it), ``source`` (the pack's path when copied),
        ``sha256`` (see :func:`tree_sha256`), ``files`` (name -> SHA-256), ``bytes`` and
        ``outside`` (absolute names read from their place).
    rewritten : bool
        False when the folder already held exactly these files (nothing was written).

    Raises
    ------
    ResultsError
        When ``region/`` holds files acutesim did not write there, or cannot be written.
    """
    out = Path(results_dir)
    plan = plan_snapshot(pack)
    wanted = {name: file_sha256(src) for name, src in plan.sources.items()}
    target = snapshot_dir(out)
    if target.exists() and not target.is_dir():
        raise ResultsError(
            f"{target}: a file acutesim did not write, where the run keeps its copy of the "
            "region pack: move it, or pass another --out"
        )
    present = _files_on_disk(target)
    rewritten = present != wanted
    if rewritten:
        ours = set((previous or {}).get("files") or {}) | set(wanted)
        foreign = sorted(set(present) - ours)
        if foreign:
            raise ResultsError(
                f"{target}: holds files acutesim did not write ({', '.join(foreign[:3])}); "
                "this folder is where the run keeps its copy of the region pack: move them, "
                "or pass another --out"
            )
        wanted = _copy(plan, out)
    record = {
        "format": SNAPSHOT_FORMAT,
        "path": SNAPSHOT_DIR,
        "pack": plan.pack_in_snapshot,
        "source": os.path.abspath(pack),
        "sha256": tree_sha256(wanted),
        "files": wanted,
        "bytes": sum((target / name).stat().st_size for name in wanted),
        "outside": list(plan.outside),
    }
    return record, rewritten


def _copy(plan: SnapshotPlan, out: Path) -> dict[str, str]:
    """Copy into ``.region.tmp``, then rename it onto ``region`` (the old copy moved aside)."""
    tmp, old, target = out / _TMP, out / _OLD, snapshot_dir(out)
    try:
        for leftover in (tmp, old):  # of an interrupted write: never renamed into place
            _remove(leftover)
        copied: dict[str, str] = {}
        for name, src in plan.sources.items():
            dst = tmp / PurePosixPath(name)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            copied[name] = file_sha256(dst)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        if old.exists():
            shutil.rmtree(old)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ResultsError(
            f"{target}: the copy of the region pack could not be written ({exc}); free space "
            "and run the same command again"
        ) from exc
    return copied


def snapshot_problem(results_dir: str | Path, record: Mapping[str, Any]) -> str | None:
    """Why a results folder's snapshot cannot be used (None when every file is as recorded)."""
    folder = Path(results_dir) / str(record.get("path") or SNAPSHOT_DIR)
    files = record.get("files")
    if not isinstance(files, Mapping) or not files:
        return f"{folder}: the manifest lists no files of the region snapshot"
    if not folder.is_dir():
        return f"{folder}: the copy of the region pack is missing"
    for name, sha in sorted(files.items()):
        path = folder / PurePosixPath(str(name))
        if ".." in PurePosixPath(str(name)).parts or not path.is_file():
            return f"{path}: missing from the copy of the region pack"
        if file_sha256(path) != sha:
            return f"{path}: changed since the run (SHA-256 differs from the manifest)"
    return None


def snapshot_pack_dir(results_dir: str | Path, record: Mapping[str, Any]) -> Path:
    """The pack folder inside a results folder's snapshot."""
    folder = Path(results_dir) / str(record.get("path") or SNAPSHOT_DIR)
    return folder / PurePosixPath(str(record.get("pack") or "."))


def remove_snapshot(results_dir: str | Path, record: Mapping[str, Any] | None) -> list[str]:
    """Delete the snapshot's recorded files and its then empty folders (``--force``).

    Returns
    -------
    list of str
        The removed files, relative to ``results_dir``.
    """
    out = Path(results_dir)
    folder = snapshot_dir(out)
    removed: list[str] = []
    for leftover in (out / _TMP, out / _OLD):
        _remove(leftover)
    files = (record or {}).get("files")
    if not isinstance(files, Mapping) or not folder.is_dir():
        return removed
    for name in files:
        parts = PurePosixPath(str(name)).parts
        path = folder / PurePosixPath(str(name))
        if ".." in parts or path.is_symlink() or not path.is_file():
            continue
        path.unlink()
        removed.append(f"{SNAPSHOT_DIR}/{name}")
    _remove_empty_dirs(folder)
    return removed


def _remove(path: Path) -> None:
    """Remove a leftover temporary folder (or file) of an interrupted snapshot write."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _remove_empty_dirs(folder: Path) -> None:
    dirs: Iterable[Path] = sorted(
        (p for p in folder.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True
    )
    for d in [*dirs, folder]:
        try:
            d.rmdir()
        except OSError:
            continue


__all__ = [
    "SNAPSHOT_DIR",
    "SNAPSHOT_KEY",
    "SnapshotPlan",
    "plan_snapshot",
    "remove_snapshot",
    "snapshot_dir",
    "snapshot_pack_dir",
    "snapshot_problem",
    "write_region_snapshot",
]
