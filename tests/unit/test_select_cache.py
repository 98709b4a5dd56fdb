"""The [select] cache is private and verified: a planted or damaged folder is never used."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from acutesim.config import extend
from acutesim.config.extend import CACHE_ENV, cache_root, cached_selection_ok, resolve_extends
from acutesim.config.load import load_region
from acutesim.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "regions" / "demo"
EAST_X_M = 185_000.0
RAW = {"name": "o", "extends": "../land", "select": {"provinces": ["Oostland"]}}
BODY = 'name = "o"\nextends = "../land"\n[select]\nprovinces = ["Oostland"]\n'


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(root))
    return root / "select"


@pytest.fixture
def child(tmp_path: Path) -> Path:
    """A pack selecting 'Oostland' out of the demo with a province column."""
    parent = tmp_path / "land"
    shutil.copytree(DEMO, parent, ignore=shutil.ignore_patterns("generate.py", "*.md"))
    areas = gpd.read_file(parent / "areas.geojson")
    x = areas.to_crs("EPSG:28992").geometry.representative_point().x
    areas["province"] = ["Oostland" if v >= EAST_X_M else "Westland" for v in x]
    (parent / "areas.geojson").unlink()
    areas.to_file(parent / "areas.geojson", driver="GeoJSON")
    pack = tmp_path / "oost"
    pack.mkdir()
    (pack / "region.toml").write_text(BODY, encoding="utf-8")
    return pack


def selection_dir(child: Path) -> Path:
    problems: list[str] = []
    _merged, dirs = resolve_extends(child, RAW, problems)
    assert problems == []
    return dirs["sites"]


def test_the_cache_is_in_the_users_cache_folder_and_private(child, cache, monkeypatch):
    folder = selection_dir(child)
    assert folder.parent == cache
    assert (cache.stat().st_mode & 0o777) == 0o700
    assert cached_selection_ok(folder, folder.name)
    monkeypatch.delenv(CACHE_ENV)
    import platformdirs

    assert cache_root() == Path(platformdirs.user_cache_dir("acutesim")) / "select"
    assert not str(cache_root()).startswith("/tmp/acutesim-select")


def test_a_planted_cache_is_not_trusted(child, cache):
    """Another user's (or a tampered) selection: an SEH flag changed, 'complete' present."""
    clean = load_region(child)
    folder = selection_dir(child)
    sites = folder / "sites.csv"
    text = sites.read_text()
    assert ",24/7," in text
    sites.write_text(text.replace(",24/7,", ",none,", 1))
    (folder / "complete").write_text("selection of ../land\n")  # the old, unverified marker
    assert not cached_selection_ok(folder, folder.name)
    again = load_region(child)
    assert [s.seh for s in again.sites] == [s.seh for s in clean.sites]
    assert sites.read_text() == text  # rewritten from the parent
    assert cached_selection_ok(folder, folder.name)


def test_a_planted_cache_with_a_forged_hash_list_is_refused_by_its_mode(child, cache):
    folder = selection_dir(child)
    sites = folder / "sites.csv"
    good = sites.read_text()
    sites.write_text(good.replace(",24/7,", ",none,", 1))
    record = json.loads((folder / "complete").read_text())
    record["files"] = extend._file_hashes(folder)  # consistent, but planted...
    (folder / "complete").write_text(json.dumps(record))
    folder.chmod(0o777)  # ...in a folder others can write
    assert not cached_selection_ok(folder, folder.name)
    selection_dir(child)
    assert sites.read_text() == good


def test_an_extra_or_missing_file_invalidates_the_cache(child, cache):
    folder = selection_dir(child)
    (folder / "extra.csv").write_text("x\n")
    assert not cached_selection_ok(folder, folder.name)
    selection_dir(child)
    assert not (folder / "extra.csv").exists()
    (folder / "posts.csv").unlink(missing_ok=True)
    (folder / "ambulance_posts.csv").unlink(missing_ok=True)
    assert not cached_selection_ok(folder, folder.name)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_a_cache_root_owned_by_another_user_is_a_located_problem(child, cache):
    cache.mkdir(parents=True)
    os.chown(cache, 12345, 12345)
    with pytest.raises(ConfigError, match=r"cache folder .* belongs to user id 12345"):
        load_region(child)
