"""Packs that extend another pack with a [select]: ROAZ regions out of a national pack."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from acutesim.config.extend import resolve_extends
from acutesim.config.load import load_region, load_region_with_areas
from acutesim.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "regions" / "demo"
EAST_X_M = 185_000.0  # areas east of this RD x are in the province 'Oostland'


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Selections go to a cache folder of this test session, not the user's."""
    monkeypatch.setenv("ACUTESIM_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def parent(tmp_path: Path) -> Path:
    """The demo pack with a province column: Westland (with the island) and Oostland."""
    pack = tmp_path / "land"
    shutil.copytree(DEMO, pack, ignore=shutil.ignore_patterns("generate.py", "*.md"))
    areas = gpd.read_file(pack / "areas.geojson")
    x = areas.to_crs("EPSG:28992").geometry.representative_point().x
    areas["province"] = ["Oostland" if v >= EAST_X_M else "Westland" for v in x]
    (pack / "areas.geojson").unlink()
    areas.to_file(pack / "areas.geojson", driver="GeoJSON")
    return pack


def _child(tmp_path: Path, body: str, name: str = "oost") -> Path:
    pack = tmp_path / name
    pack.mkdir(exist_ok=True)
    (pack / "region.toml").write_text(body, encoding="utf-8")
    return pack


def _ids(items, key):
    return sorted(getattr(i, key) for i in items)


def test_select_by_province_with_buffer(parent, tmp_path):
    pack = _child(
        tmp_path,
        'name = "oost"\ndescription = "east"\nextends = "../land"\n'
        'sources = ["selection: test"]\n'
        '[select]\nprovinces = ["Oostland"]\nbuffer_km = 0\n',
    )
    region, areas = load_region_with_areas(pack)
    full = load_region(parent)
    assert region.name == "oost"
    assert set(areas["province"]) == {"Oostland"}
    assert 0 < len(region.areas) < len(full.areas)
    assert region.population < full.population
    # the parent's sources come first, then the pack's own
    assert region.sources[-1] == "selection: test"
    assert region.sources[: len(full.sources)] == full.sources
    # no buffer: only the eastern hospitals; the island's ferry is not selected
    assert set(_ids(region.sites, "site_id")) <= {"noord_hoofd", "noord_dag"}
    assert region.ferries == ()
    assert len(region.posts) < len(full.posts)
    assert region.rosters.keys() == full.rosters.keys()  # rosters from the parent


def test_buffer_takes_border_sites(parent, tmp_path):
    narrow = _child(
        tmp_path,
        'name = "a"\nextends = "../land"\n[select]\nprovinces = ["Oostland"]\nbuffer_km = 0\n',
        "a",
    )
    wide = _child(
        tmp_path,
        'name = "b"\nextends = "../land"\n[select]\nprovinces = ["Oostland"]\nbuffer_km = 20\n',
        "b",
    )
    few, many = load_region(narrow), load_region(wide)
    assert set(_ids(few.sites, "site_id")) < set(_ids(many.sites, "site_id"))
    assert "centraal" in _ids(many.sites, "site_id")
    assert len(few.areas) == len(many.areas)  # the buffer adds sites and posts, not areas


def test_select_island_keeps_its_ferry(parent, tmp_path):
    pack = _child(
        tmp_path, 'name = "west"\nextends = "../land"\n[select]\nprovinces = ["westland"]\n'
    )
    region = load_region(pack)
    assert [f.zone for f in region.ferries] == ["eiland"]
    assert "eiland" in {a.zone for a in region.areas}


def test_select_by_area_ids_column_and_exclusion(parent, tmp_path):
    pack = _child(
        tmp_path,
        'name = "mix"\nextends = "../land"\n[select]\narea_ids = ["a01", "a02"]\n'
        'column = "name"\nvalues = ["Kolderveen-Centrum"]\nexclude_area_ids = ["a02"]\n',
    )
    region = load_region(pack)
    assert _ids(region.areas, "area_id") == ["a01", "a17"]


def test_child_overrides_parent_settings(parent, tmp_path):
    pack = _child(
        tmp_path,
        'name = "oost"\nextends = "../land"\ndemand_growth_per_year = 0.03\n'
        '[select]\nprovinces = ["Oostland"]\n[seh]\nvolmelding_on_share = 0.9\n',
    )
    region = load_region(pack)
    assert region.demand_growth_per_year == pytest.approx(0.03)
    assert region.seh.volmelding_on_share == pytest.approx(0.9)
    assert region.seh.volmelding_off_share == pytest.approx(0.8)  # from the defaults


def test_travel_network_path_is_relative_to_the_child(parent, tmp_path):
    from acutesim.geo.travel import RoadNetworkModel, build_travel_model

    line = [[5.40, 52.95], [5.70, 52.80], [6.00, 52.84], [6.00, 52.73]]
    (parent / "roads.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"road_class": "primary"},
                        "geometry": {"type": "LineString", "coordinates": line},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    toml = (parent / "region.toml").read_text(encoding="utf-8")
    toml = toml.replace(
        'model = "straight_line"', 'model = "road_network"\nnetwork = "roads.geojson"'
    )
    (parent / "region.toml").write_text(toml, encoding="utf-8")
    nested = tmp_path / "roaz" / "oost"
    nested.mkdir(parents=True)
    (nested / "region.toml").write_text(
        'name = "oost"\nextends = "../../land"\n[select]\nprovinces = ["Oostland"]\n',
        encoding="utf-8",
    )
    region = load_region(nested)
    assert region.travel["network"] == str(Path("..") / ".." / "land" / "roads.geojson")
    assert isinstance(build_travel_model(region), RoadNetworkModel)


def test_selection_is_cached_and_reused(parent, tmp_path):
    pack = _child(tmp_path, 'name = "o"\nextends = "../land"\n[select]\nprovinces = ["Oostland"]\n')
    problems: list[str] = []
    raw = {"name": "o", "extends": "../land", "select": {"provinces": ["Oostland"]}}
    _merged, dirs = resolve_extends(pack, raw, problems)
    _merged2, dirs2 = resolve_extends(pack, raw, problems)
    assert problems == []
    assert dirs["areas"] == dirs2["areas"]
    assert (dirs["areas"] / "complete").exists()
    assert dirs["rosters"] == parent


# --- located problems -------------------------------------------------------------------
def _problems(parent: Path, tmp_path: Path, body: str) -> str:
    pack = _child(tmp_path, body, "bad")
    with pytest.raises(ConfigError) as info:
        load_region(pack)
    return str(info.value)


def test_unknown_province_has_a_did_you_mean(parent, tmp_path):
    text = _problems(
        parent, tmp_path, 'name = "x"\nextends = "../land"\n[select]\nprovinces = ["Oostlnd"]\n'
    )
    assert "region.toml [select]: unknown province 'Oostlnd'; did you mean 'Oostland'?" in text


def test_unknown_select_key_and_bad_buffer(parent, tmp_path):
    text = _problems(
        parent,
        tmp_path,
        'name = "x"\nextends = "../land"\n[select]\nprovinse = ["Oostland"]\nbuffer_km = -1\n',
    )
    assert "region.toml [select]: unknown key 'provinse'; did you mean 'provinces'?" in text
    assert "region.toml [select] buffer_km: must be a number >= 0 [km], got -1" in text
    assert "needs provinces, area_ids, or column and values" in text


def test_unknown_area_id_and_column(parent, tmp_path):
    text = _problems(
        parent,
        tmp_path,
        'name = "x"\nextends = "../land"\n[select]\narea_ids = ["a1"]\ncolumn = "nmae"\n'
        'values = ["A"]\n',
    )
    assert "region.toml [select]: unknown area_id 'a1'; did you mean 'a" in text
    assert "the areas of '../land' have no column 'nmae'; did you mean 'name'?" in text


def test_parent_not_found(parent, tmp_path):
    text = _problems(
        parent, tmp_path, 'name = "x"\nextends = "../lnad"\n[select]\narea_ids = ["a01"]\n'
    )
    assert "region.toml extends: parent pack '../lnad' not found" in text
    assert "did you mean '../land'?" in text


def test_missing_select_and_cycle(parent, tmp_path):
    text = _problems(parent, tmp_path, 'name = "x"\nextends = "../land"\n')
    assert "region.toml [select]: needs a selection" in text
    text = _problems(
        parent, tmp_path, 'name = "x"\nextends = "../bad"\n[select]\narea_ids = ["a"]\n'
    )
    assert "(a cycle of extends)" in text


def test_no_seh_within_the_buffer(parent, tmp_path):
    text = _problems(
        parent,
        tmp_path,
        'name = "x"\nextends = "../land"\n[select]\narea_ids = ["a40"]\nbuffer_km = 0\n',
    )
    assert "no site with an SEH lies within 0 km of the selected areas" in text
