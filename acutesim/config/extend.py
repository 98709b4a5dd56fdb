"""Packs that extend another pack and select a part of it (a ROAZ region out of the nation).

A regional acute-care network (ROAZ) is planned with the hospitals and ambulance posts
of its own area, but patients near its border also use the SEHs just across it. A pack
with ``extends = "../nl"`` and a ``[select]`` table therefore takes the parent's areas
that match the selection (provinces, area ids, or values of any area column), plus every
site, HAP and ambulance post within a buffer (20 km by default) around those areas, and
inherits every other setting of the parent, which its own ``region.toml`` may override.

The selected files are written to a private cache folder (the user's cache folder from
platformdirs, or ``$ACUTESIM_CACHE_DIR``; mode 0700), keyed by a hash of the inputs'
contents and the selection. Its ``complete`` file records the SHA-256 of every file
written; a cached selection is used only when its folder is owned by the user, not
writable by others, and every file still matches its hash. Anything else (a planted or
damaged folder) is discarded and the selection written afresh. No shared temp folder
is ever trusted.

``[select]`` keys: ``provinces`` (values of the areas' ``province`` column, or of
``province_column``), ``area_ids``, ``column`` with ``values``, ``exclude_area_ids`` and
``buffer_km`` [km]. An area is selected when it matches any of the criteria given and is
not excluded.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.cachedir import CACHE_ENV, private_problem, user_cache
from acutesim.config.merge import deep_merge
from acutesim.domain.travel_table import PROFILES
from acutesim.errors import did_you_mean

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

RD_NEW = "EPSG:28992"
# Sites and posts this far outside the selected areas still belong to the selection, so
# that the SEHs just across a border count for the norm. Assumption: 20 km is about 15
# minutes by ambulance, a third of the 45-minute norm.
DEFAULT_BUFFER_KM = 20.0
DEFAULT_PROVINCE_COLUMN = "province"
SELECT_KEYS = (
    "provinces",
    "province_column",
    "area_ids",
    "exclude_area_ids",
    "column",
    "values",
    "buffer_km",
)
FILE_KEYS = ("areas", "sites", "posts", "haps", "rosters", "finance")
FILE_DEFAULTS: Mapping[str, str | None] = {
    "areas": "areas.geojson",
    "sites": "sites.csv",
    "posts": "ambulance_posts.csv",
    "haps": None,
    "rosters": "rosters.toml",
    "finance": None,
}
SELECTED_FILES = ("areas", "sites", "posts", "haps")
# travel keys that name a file relative to the pack folder
TRAVEL_FILE_KEYS = ("network", "matrix", "matrices")
TRAVEL_PROFILES = PROFILES  # the [travel.<profile>] sub-tables
_CACHE_VERSION = "1"
WHERE = "region.toml"


def _find_parent(pack_dir: Path, extends: str, problems: list[str]) -> Path | None:
    """The parent pack folder named by ``extends`` (relative to the pack, or absolute)."""
    target = Path(extends).expanduser()
    if not target.is_absolute():
        target = Path(os.path.normpath(pack_dir / target))
    if target.is_file() and target.name == "region.toml":
        return target.parent
    if (target / "region.toml").exists():
        return target
    siblings: list[str] = []
    if target.parent.is_dir():
        siblings = [p.name for p in target.parent.iterdir() if (p / "region.toml").exists()]
    close = difflib.get_close_matches(target.name, siblings, n=1, cutoff=0.6)
    hint = f"; did you mean {str(Path(extends).parent / close[0])!r}?" if close else ""
    problems.append(
        f"{WHERE} extends: parent pack {extends!r} not found (no region.toml in '{target}'){hint}"
    )
    return None


def _rebase_travel(travel: Mapping[str, Any], parent_dir: Path, pack_dir: Path) -> dict[str, Any]:
    """Make the parent's travel file names relative to the extending pack's folder."""

    def rebase(table: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(table)
        for key in TRAVEL_FILE_KEYS:
            value = out.get(key)
            if isinstance(value, str) and not Path(value).is_absolute():
                out[key] = os.path.relpath(parent_dir / value, pack_dir)
        return out

    result = rebase(travel)
    for profile in TRAVEL_PROFILES:
        if isinstance(result.get(profile), Mapping):
            result[profile] = rebase(result[profile])
    return result


def _check_select(select: Any, problems: list[str]) -> dict[str, Any] | None:
    where = f"{WHERE} [select]"
    if not isinstance(select, Mapping) or not select:
        problems.append(
            f"{where}: needs a selection: provinces, area_ids, or column and values "
            '(e.g. provinces = ["Limburg"])'
        )
        return None
    n_before = len(problems)
    for key in select:
        if key not in SELECT_KEYS:
            problems.append(
                f"{where}: unknown key {key!r}{did_you_mean(str(key), SELECT_KEYS)} "
                f"(known: {', '.join(SELECT_KEYS)})"
            )
    for key in ("provinces", "area_ids", "exclude_area_ids", "values"):
        value = select.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str | int) for v in value)
        ):
            problems.append(f"{where} {key}: must be a list of names or ids, got {value!r}")
    for key in ("column", "province_column"):
        value = select.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"{where} {key}: must be a column name, got {value!r}")
    if ("column" in select) != ("values" in select):
        problems.append(f"{where}: 'column' and 'values' go together")
    buffer_km = select.get("buffer_km", DEFAULT_BUFFER_KM)
    if isinstance(buffer_km, bool) or not isinstance(buffer_km, int | float) or buffer_km < 0:
        problems.append(f"{where} buffer_km: must be a number >= 0 [km], got {buffer_km!r}")
    if not any(k in select for k in ("provinces", "area_ids", "column")):
        problems.append(f"{where}: needs provinces, area_ids, or column and values")
    return None if len(problems) > n_before else dict(select)


def _select_areas(
    areas: gpd.GeoDataFrame, select: Mapping[str, Any], parent: str, problems: list[str]
) -> np.ndarray | None:
    """Boolean mask of the selected areas; None (with problems) when the selection is bad."""
    where = f"{WHERE} [select]"
    n_before = len(problems)
    columns = [str(c) for c in areas.columns if c != areas.geometry.name]
    ids = areas["area_id"].astype(str).to_numpy()
    mask = np.zeros(len(areas), dtype=bool)

    def match(column: str, wanted: Sequence[Any], what: str, key: str) -> np.ndarray:
        if column not in areas.columns:
            problems.append(
                f"{where} {key}: the areas of {parent!r} have no column {column!r}"
                f"{did_you_mean(column, columns)} (columns: {', '.join(columns)})"
            )
            return np.zeros(len(areas), dtype=bool)
        values = areas[column].astype(str).str.strip()
        known = sorted(set(values))
        by_lower = {v.lower(): v for v in known}
        found = np.zeros(len(areas), dtype=bool)
        for w in wanted:
            text = str(w).strip()
            exact = by_lower.get(text.lower())
            if exact is None:
                shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
                problems.append(
                    f"{where}: unknown {what} {text!r}{did_you_mean(text, known)} (known: {shown})"
                )
                continue
            found |= (values == exact).to_numpy()
        return found

    if "provinces" in select:
        column = str(select.get("province_column", DEFAULT_PROVINCE_COLUMN))
        mask |= match(column, select["provinces"], "province", "provinces")
    if "area_ids" in select:
        mask |= match("area_id", select["area_ids"], "area_id", "area_ids")
    if "column" in select:
        col = str(select["column"])
        mask |= match(col, select["values"], f"value of column {col!r}", "column")
    for aid in select.get("exclude_area_ids", []) or []:
        hit = ids == str(aid)
        if not hit.any():
            problems.append(
                f"{where} exclude_area_ids: unknown area_id {str(aid)!r}"
                f"{did_you_mean(str(aid), ids)}"
            )
        mask &= ~hit
    if len(problems) > n_before:
        return None
    if not mask.any():
        problems.append(f"{where}: selects no area of {parent!r}")
        return None
    return mask


def _points_rd(frame: pd.DataFrame) -> np.ndarray:
    """RD New x/y [m] of CSV rows with lon/lat or x/y; NaN where not readable."""
    import pandas as pd
    from pyproj import Transformer

    def num(col: str) -> np.ndarray:
        if col not in frame.columns:
            return np.full(len(frame), np.nan)
        return np.asarray(pd.to_numeric(frame[col], errors="coerce"), dtype=float)

    x, y = num("x"), num("y")
    lon, lat = num("lon"), num("lat")
    use_ll = np.isnan(x) & ~np.isnan(lon) & ~np.isnan(lat)
    if use_ll.any():
        tf = Transformer.from_crs("EPSG:4326", RD_NEW, always_xy=True)
        x[use_ll], y[use_ll] = tf.transform(lon[use_ll], lat[use_ll])
    return np.column_stack([x, y])


def _within(frame: pd.DataFrame, extent: Any) -> np.ndarray:
    """Rows inside the extent; rows without readable coordinates are kept for the loader."""
    import shapely

    xy = _points_rd(frame)
    ok = ~np.isnan(xy).any(axis=1)
    inside = np.ones(len(frame), dtype=bool)
    if ok.any():
        inside[ok] = shapely.contains_xy(extent, xy[ok, 0], xy[ok, 1])
    return inside


def _digest(paths: Sequence[Path | None], select: Mapping[str, Any]) -> str:
    h = hashlib.sha256(_CACHE_VERSION.encode())
    for p in paths:
        h.update(b"\0")
        if p is not None and p.exists():
            h.update(str(p.resolve()).encode())
            h.update(p.read_bytes())
    h.update(json.dumps(select, sort_keys=True, default=str).encode())
    return h.hexdigest()[:20]


def cache_root() -> Path:
    """Folder under which selections are written: ``<user cache>/acutesim/select``.

    ``$ACUTESIM_CACHE_DIR`` replaces ``<user cache>/acutesim`` (see :mod:`acutesim.cachedir`).
    """
    return user_cache("select")


def _ensure_private(path: Path, problems: list[str]) -> Path | None:
    """Create ``path`` (and parents) for this user only; None with a problem if it is not."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if hasattr(os, "getuid") and path.stat().st_uid == os.getuid():
            path.chmod(0o700)
    except OSError as exc:
        problems.append(f"{WHERE} [select]: cannot create the cache folder '{path}': {exc}")
        return None
    why = private_problem(path)
    if why is not None:
        problems.append(
            f"{WHERE} [select]: the cache folder '{path}' {why}; it must be private to "
            f"you (set {CACHE_ENV} to a folder of your own)"
        )
        return None
    return path


def _file_hashes(folder: Path) -> dict[str, str]:
    return {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.iterdir())
        if f.name != "complete" and f.is_file()
    }


def cached_selection_ok(folder: Path, digest: str) -> bool:
    """True when a cached selection is private, complete and every file matches its hash."""
    if private_problem(folder) is not None:
        return False
    try:
        record = json.loads((folder / "complete").read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("digest") != digest:
            return False
        names = {f.name for f in folder.iterdir()} - {"complete"}
        files = record.get("files")
        if not isinstance(files, dict) or set(files) != names:
            return False
        return all(
            not (folder / n).is_symlink()
            and hashlib.sha256((folder / n).read_bytes()).hexdigest() == h
            for n, h in files.items()
        )
    except (OSError, ValueError):
        return False


def _read_toml(path: Path, problems: list[str], what: str) -> dict[str, Any] | None:
    from acutesim.config.textfile import read_toml  # strict: UTF-8, BOM, empty, nesting

    return read_toml(path, problems, label=what)


def resolve_extends(
    pack_dir: Path, raw: dict[str, Any], problems: list[str]
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Merge a pack's ``region.toml`` onto its parent's and write the selected files.

    Parameters
    ----------
    pack_dir : Path
        The extending pack's folder; ``extends`` is relative to it.
    raw : dict
        The extending pack's ``region.toml`` content (with ``extends`` and ``select``).
    problems : list of str
        Located problems are appended here (e.g. ``"region.toml [select]: unknown
        province 'Limbrug'; did you mean 'Limburg'?"``).

    Returns
    -------
    merged : dict
        The parent's ``region.toml`` content overridden by this pack's, with the
        parent's travel file names made relative to ``pack_dir``, the parent's sources
        followed by this pack's, and the parent's ferries of selected island zones.
    file_dirs : dict of str to Path
        Folder to read each file key (``areas``, ``sites``, ``posts``, ``haps``,
        ``rosters``, ``finance``) from: the selection cache, the parent's folder, or
        (for keys this pack's ``[files]`` names) ``pack_dir`` itself.
    """
    return _resolve(Path(pack_dir), raw, problems, ())


def _resolve(
    pack_dir: Path, raw: dict[str, Any], problems: list[str], chain: tuple[Path, ...]
) -> tuple[dict[str, Any], dict[str, Path]]:
    extends = raw.get("extends")
    if not isinstance(extends, str) or not extends.strip():
        problems.append(f"{WHERE} extends: must be the path of a region pack, got {extends!r}")
        return raw, {}
    parent_dir = _find_parent(pack_dir, extends, problems)
    if parent_dir is None:
        return raw, {}
    here = pack_dir.resolve()
    if parent_dir.resolve() in (*chain, here):
        problems.append(
            f"{WHERE} extends: {extends!r} leads back to '{parent_dir}' (a cycle of extends)"
        )
        return raw, {}
    parent_raw = _read_toml(parent_dir / "region.toml", problems, f"{extends}/region.toml")
    if parent_raw is None:
        return raw, {}
    parent_dirs: dict[str, Path] = {}
    if parent_raw.get("extends"):
        parent_raw, parent_dirs = _resolve(parent_dir, parent_raw, problems, (*chain, here))

    parent_files = dict(FILE_DEFAULTS)
    parent_files.update(parent_raw.get("files", {}) or {})
    own_files = dict(raw.get("files", {}) or {})
    file_dirs: dict[str, Path] = {}
    for key in FILE_KEYS:
        if key in own_files:
            file_dirs[key] = pack_dir
        elif parent_files.get(key):
            file_dirs[key] = parent_dirs.get(key, parent_dir)

    base = {k: v for k, v in parent_raw.items() if k not in ("extends", "select")}
    base["travel"] = _rebase_travel(base.get("travel", {}) or {}, parent_dir, pack_dir)
    merged = deep_merge(base, raw)
    merged["files"] = {k: v for k, v in {**parent_files, **own_files}.items() if v is not None}
    sources = [*(parent_raw.get("sources") or []), *(raw.get("sources") or [])]
    merged["sources"] = list(dict.fromkeys(str(s) for s in sources))

    select = _check_select(raw.get("select"), problems)
    if select is None:
        return merged, file_dirs
    paths = {k: file_dirs[k] / merged["files"][k] for k in SELECTED_FILES if merged["files"].get(k)}
    selection = _apply_selection(paths, select, extends, problems)
    if selection is None:
        return merged, file_dirs
    cache_dir, zones = selection
    for key in paths:
        file_dirs[key] = cache_dir
        merged["files"][key] = Path(merged["files"][key]).name
    merged["files"]["areas"] = "areas.gpkg"
    if "ferries" not in raw:
        merged["ferries"] = [f for f in parent_raw.get("ferries", []) if f.get("zone") in zones]
    return merged, file_dirs


def _apply_selection(
    paths: Mapping[str, Path], select: Mapping[str, Any], parent: str, problems: list[str]
) -> tuple[Path, set[str]] | None:
    """Select areas, then sites/HAPs/posts within the buffer; write them to the cache."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    areas_path = paths.get("areas")
    if areas_path is None or not areas_path.exists():
        problems.append(f"{WHERE} [select]: the areas file of {parent!r} is missing ({areas_path})")
        return None
    try:
        areas = gpd.read_file(areas_path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        problems.append(f"{WHERE} [select]: cannot read the areas of {parent!r}: {exc}")
        return None
    if areas.crs is None or "area_id" not in areas.columns:
        return None  # the loader reports these against the file itself
    areas["area_id"] = areas["area_id"].astype(str)
    mask = _select_areas(areas, select, parent, problems)
    if mask is None:
        return None
    chosen = areas.loc[mask].to_crs(RD_NEW)
    buffer_m = float(select.get("buffer_km", DEFAULT_BUFFER_KM)) * 1000.0
    extent = shapely.union_all(shapely.buffer(chosen.geometry.to_numpy(), buffer_m))
    shapely.prepare(extent)
    tables: dict[str, pd.DataFrame] = {}
    for key in ("sites", "posts", "haps"):
        path = paths.get(key)
        if path is None or not path.exists():
            continue
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError):
            return None  # the loader reports the file's own problem
        tables[key] = frame.loc[_within(frame, extent)]
    sites = tables.get("sites")
    if sites is not None and "seh" in sites.columns and not (sites["seh"] != "none").any():
        problems.append(
            f"{WHERE} [select]: no site with an SEH lies within {buffer_m / 1000:g} km of the "
            f"selected areas of {parent!r}; widen buffer_km"
        )
        return None
    digest = _digest([*paths.values()], select)
    root = _ensure_private(cache_root(), problems)
    if root is None:
        return None
    cache_dir = root / digest
    if not cached_selection_ok(cache_dir, digest):
        tmp = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=root))  # mode 0700
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # pyogrio driver chatter
            areas.loc[mask].to_file(tmp / "areas.gpkg", driver="GPKG", layer="areas")
        for key, frame in tables.items():
            frame.to_csv(tmp / paths[key].name, index=False, lineterminator="\n")
        record = {"digest": digest, "parent": parent, "files": _file_hashes(tmp)}
        (tmp / "complete").write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
        if cache_dir.is_symlink() or cache_dir.is_file():
            cache_dir.unlink()
        elif cache_dir.exists() and not cached_selection_ok(cache_dir, digest):
            shutil.rmtree(cache_dir, ignore_errors=True)  # damaged or planted: replaced
        try:
            tmp.rename(cache_dir)
        except OSError:  # another process wrote the same selection first
            shutil.rmtree(tmp, ignore_errors=True)
        if not cached_selection_ok(cache_dir, digest):
            problems.append(
                f"{WHERE} [select]: the cached selection '{cache_dir}' could not be written "
                "and verified; remove it and try again"
            )
            return None
    zones = set(areas.loc[mask, "zone"].astype(str)) if "zone" in areas.columns else set()
    return cache_dir, zones


__all__ = [
    "CACHE_ENV",
    "DEFAULT_BUFFER_KM",
    "SELECT_KEYS",
    "cache_root",
    "cached_selection_ok",
    "resolve_extends",
]
