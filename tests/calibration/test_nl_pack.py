"""The national pack (regions/nl), the ROAZ packs and `acutesim region build` on real data.

The first group needs nothing but the project: the pack (rebuilt from the Dutch open
data by ``scripts/build_nl_pack.py``) validates, its counts match the facts it states,
its cached routed matrices keep the islands behind their ferries, ``acutesim reach``
answers out of the box near RIVM's 2024 share, and the ROAZ packs select from it. The
second group compares the pack with the Dutch open data beside the project
(``../shared/data/nl``) and builds a pack from those files with one command; it is
skipped with a reason when that folder is absent. Measured figures are printed (``-s``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from acutesim.config.load import load_region
from acutesim.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
NL = ROOT / "regions" / "nl"
DATA = ROOT / ".." / "shared" / "data" / "nl"
SEH_LIST = DATA / "hospitals_seh_acute_obstetrics_2019_rivm.csv"
POSTS_LIST = DATA / "ambulance_posts_2019_rivm.csv"
PC4 = DATA / "pc4_population_2021.gpkg"
PROVINCES = DATA / "provincies_population.gpkg"
PC4_TOTAL_2021 = 17_472_870  # CBS, Bevolking per postcode, 1 January 2021
ACUTESIM = Path(sys.executable).with_name("acutesim")

needs_data = pytest.mark.skipif(
    not (SEH_LIST.exists() and PC4.exists() and POSTS_LIST.exists()),
    reason="Dutch open data not found at ../shared/data/nl beside the project",
)


@pytest.fixture(scope="module")
def nl():
    return load_region(NL)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    exe = [str(ACUTESIM)] if ACUTESIM.exists() else [sys.executable, "-m", "acutesim.cli"]
    return subprocess.run([*exe, *args], capture_output=True, text=True, cwd=ROOT, check=False)


def _rd(lon, lat):
    from pyproj import Transformer

    tf = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    x, y = tf.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.column_stack([x, y])


# --- the pack itself --------------------------------------------------------------------------
def test_counts_match_the_stated_facts(nl):
    seh = [s for s in nl.sites if s.seh != "none"]
    h24 = [s for s in seh if s.is_24_7]
    day = {s.site_id for s in seh if s.seh == "day"}
    assert abs(len(seh) - 79) <= 1
    assert abs(len(h24) - 76) <= 1
    assert day == {"gelre_zutphen", "amstelland", "franciscus_vlietland"}
    assert {"vumc", "zuyderland_sittard_geleen"}.isdisjoint(s.site_id for s in nl.sites)
    assert sum(s.has_av for s in nl.sites) == 71
    assert sum(p.is_24_7 for p in nl.posts) == 224  # RIVM list 2019, '24 uur'
    assert len(nl.areas) > 4000  # CBS PC4 areas
    assert nl.population == PC4_TOTAL_2021
    assert 0.85 <= sum(s.has_hap for s in h24) / len(h24) <= 0.95  # VZinfo: 72 of 80


def test_pack_is_small_and_routed(nl):
    size = sum(f.stat().st_size for f in NL.iterdir() if f.is_file())
    print(f"\nregions/nl: {size / 1e6:.1f} MB")
    assert size < 15e6
    assert nl.travel["model"] == "routed"
    assert not (NL / "roads.geojson").exists()


def test_routed_matrices_keep_islands_behind_ferries_and_directions(nl):
    from acutesim.geo.travel import Locations, build_travel_model

    amb = build_travel_model(nl, "ambulance")
    areas = Locations.from_areas(nl)
    sites = Locations.from_sites(nl, [s for s in nl.sites if s.is_24_7])
    to_site = amb.minutes(areas, sites).min(axis=1)
    zones = np.array([a.zone for a in nl.areas])
    pop = nl.area_population()
    island = zones != "mainland"
    assert island.sum() >= 20
    # the Wadden islands have no SEH: at least a ferry crossing away
    assert np.all(to_site[island] > 30)
    # every area reaches an SEH (max_snap_m = 10 km reaches PC4 1779, Den Oever, whose
    # representative point lies in the Wadden Sea 6.4 km from a road); nearly all within
    # 30 minutes
    assert np.isfinite(to_site).all()
    assert pop[~island][to_site[~island] <= 30].sum() / pop[~island].sum() > 0.97
    # the matrices are direction-correct: to and from an SEH differ on one-way roads
    towards = amb.minutes(areas, sites)
    away = amb.minutes(sites, areas).T
    both = np.isfinite(towards) & np.isfinite(away)
    assert np.abs(towards[both] - away[both]).max() > 0.01


def test_reach_runs_out_of_the_box():
    start = time.perf_counter()
    done = _cli("reach", "regions/nl", "--sensitivity", "--json")
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    print(
        f"\nacutesim reach regions/nl --sensitivity --json in {seconds:.1f} s: "
        f"{result['population_beyond_norm']:,} beyond the 45-minute norm "
        f"({result['share_beyond_norm']:.2%}), {len(result['sensitive_sites'])} sensitive SEHs; "
        f"settings {result['settings']}"
    )
    assert result["population"] == PC4_TOTAL_2021
    assert result["settings"]["travel_model"] == "routed"
    assert set(result["settings"]) >= {"dispatch_minutes", "on_scene_minutes", "norm_minutes"}
    # within a factor 1.5 of RIVM 2024's 0.4% beyond 45 minutes
    assert 0.004 / 1.5 <= result["share_beyond_norm"] <= 0.004 * 1.5


@pytest.mark.parametrize(
    ("pack", "provinces"),
    [
        ("roaz-limburg", {"Limburg"}),
        ("roaz-noord", {"Groningen", "Friesland", "Drenthe"}),
        ("roaz-zuidwest", {"Zeeland", "Zuid-Holland"}),
    ],
)
def test_roaz_packs_select_from_nl(pack, provinces, nl):
    from acutesim.config.load import load_region_with_areas

    region, areas = load_region_with_areas(ROOT / "regions" / pack)
    assert set(areas["province"]) == provinces
    assert region.population < nl.population
    # every selected area has a 24/7 SEH and a 24/7 post in the pack (border ones count)
    assert any(s.is_24_7 for s in region.sites)
    print(
        f"\n{pack}: {len(region.areas)} areas, {region.population:,} inhabitants, "
        f"{sum(s.is_24_7 for s in region.sites)} 24/7 SEHs, {len(region.posts)} posts"
    )


def test_roaz_limburg_takes_border_seh(tmp_path):
    region = load_region(ROOT / "regions" / "roaz-limburg")
    ids = {s.site_id for s in region.sites}
    assert {"mumc", "zuyderland_heerlen", "viecuri_venlo", "sjg_weert"} <= ids
    assert "maasziekenhuis" in ids  # Boxmeer, 20 km buffer around Gennep and Bergen
    assert "umcg" not in ids


def test_misspelt_province_is_a_located_problem(tmp_path):
    pack = tmp_path / "roaz-typo"
    pack.mkdir()
    (pack / "region.toml").write_text(
        f'name = "typo"\nextends = "{NL.as_posix()}"\n[select]\nprovinces = ["Limbrug"]\n',
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError,
        match=r"region\.toml \[select\]: unknown province 'Limbrug'; did you mean 'Limburg'\?",
    ):
        load_region(pack)


# --- comparisons with the Dutch open data (skipped when absent) -------------------------------
@needs_data
def test_seh_positions_are_the_rivm_2019_positions(nl):
    import pandas as pd

    rivm = pd.read_csv(SEH_LIST)
    rivm_xy = _rd(rivm["lon"], rivm["lat"])
    site_xy = np.array([(s.x_m, s.y_m) for s in nl.sites if s.seh != "none"])
    d = np.hypot(
        site_xy[:, 0, None] - rivm_xy[None, :, 0], site_xy[:, 1, None] - rivm_xy[None, :, 1]
    )
    nearest = d.min(axis=1)
    print(f"\nSEH sites at a RIVM 2019 position (< 1 m): {(nearest < 1).sum()} of {len(nearest)}")
    assert (nearest < 1).sum() >= len(nearest) - 3  # new or moved since 2019 keep their own


@needs_data
def test_population_by_province_against_cbs_2021(nl):
    import geopandas as gpd
    import pandas as pd

    from acutesim.config.load import load_region_with_areas

    _, areas = load_region_with_areas(NL)
    pack = areas.groupby("province")["population"].sum()
    cbs = gpd.read_file(PROVINCES).set_index("provincie")["inwoners_pc4"]
    table = pd.DataFrame({"pack": pack, "cbs_pc4_2021": cbs})
    table["change"] = table["pack"] / table["cbs_pc4_2021"] - 1
    print("\n" + table.to_string(float_format=lambda v: f"{v:+.2%}"))
    assert set(pack.index) == set(cbs.index)
    assert int(pack.sum()) == PC4_TOTAL_2021
    # PC4 provinces (CBS attributes) against provinces by representative point
    assert table["change"].abs().max() < 0.02


@needs_data
def test_one_build_command_turns_open_data_into_a_pack(tmp_path):
    out = tmp_path / "nl-open-data"
    start = time.perf_counter()
    done = _cli(
        "region", "build",
        "--areas", str(PC4),
        "--sites", str(SEH_LIST), "--sites-filter", "seh_24_7=1",
        "--posts", str(POSTS_LIST), "--posts-availability", "24 uur",
        "--out", str(out),
    )  # fmt: skip
    build_seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    region = load_region(out)
    assert len(region.sites) == 83
    assert all(s.is_24_7 for s in region.sites)
    assert sum(p.is_24_7 for p in region.posts) == 224  # '24 uur' only, not DAM/VWS
    assert region.population == PC4_TOTAL_2021
    zones = {f.zone for f in region.ferries}
    assert len(zones) >= 5  # Texel, Vlieland, Terschelling, Ameland, Schiermonnikoog, ...
    start = time.perf_counter()
    reach = _cli("reach", str(out), "--json")
    reach_seconds = time.perf_counter() - start
    assert reach.returncode == 0, reach.stderr
    result = json.loads(reach.stdout)
    print(
        f"\nregion build: {build_seconds:.1f} s; reach: {reach_seconds:.1f} s (target < 10 s); "
        f"{result}\n{done.stderr}"
    )
