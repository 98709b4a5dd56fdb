"""A run hands its workers the Region it loaded: they never read the areas layer (GDAL,
PROJ, GEOS) themselves, and the Region they get has no polygons unless a call log needs
them."""

from __future__ import annotations

import multiprocessing as mp
import pickle
import sys

import pytest
from helpers import DEMO

from acutesim.config.load import load_region
from acutesim.experiment import context

GEOMETRY_STACK = ("geopandas", "pyogrio", "pyproj", "shapely")


def test_region_for_workers_leaves_the_polygons_out_unless_asked():
    region = load_region(DEMO)
    assert all(a.geometry is not None for a in region.areas)
    light = context.region_for_workers(region)
    assert all(a.geometry is None for a in light.areas)
    assert light == region  # every field the model reads is the same
    assert [(a.x_m, a.y_m) for a in light.areas] == [(a.x_m, a.y_m) for a in region.areas]
    assert len(pickle.dumps(light)) < len(pickle.dumps(region))
    assert context.region_for_workers(region, keep_geometry=True) is region


def test_worker_context_uses_the_region_handed_in(monkeypatch):
    def no_reading(*_args, **_kwargs):
        raise AssertionError("the pack was read again")

    monkeypatch.setattr(context, "_CONTEXT", {})
    region = context.region_for_workers(load_region(DEMO))
    monkeypatch.setattr(context, "load_region", no_reading)
    got, travel, sensitive = context.worker_context(str(DEMO), region)
    assert got is region
    assert travel.amb_post_area.shape == (len(region.posts), len(region.areas))
    assert sensitive == context.listed_sensitive_sites(region)
    # cached for the pack: a second call needs no region
    assert context.worker_context(str(DEMO))[0] is region


def _imports_after_context(region_path: str, region: object) -> list[str]:
    context.worker_context(region_path, region)  # type: ignore[arg-type]
    return [m for m in GEOMETRY_STACK if m in sys.modules]


@pytest.mark.skipif(sys.platform == "win32", reason="spawned worker start-up is slow there")
def test_a_worker_handed_the_region_imports_no_geometry_stack():
    region = context.region_for_workers(load_region(DEMO))
    with mp.get_context("spawn").Pool(1) as pool:
        imported = pool.apply(_imports_after_context, (str(DEMO), region))
    assert imported == []
    # without the Region, the worker reads the areas layer and imports them
    with mp.get_context("spawn").Pool(1) as pool:
        imported = pool.apply(_imports_after_context, (str(DEMO), None))
    assert "pyogrio" in imported
