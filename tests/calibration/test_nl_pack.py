"""The national pack (regions/nl), the ROAZ packs and `acutesim region build` on real data.

The first group needs nothing but the project: the pack is what its generator writes, it
validates, its counts match the facts it states, its road graph keeps islands behind
their ferries and routes around the Westerschelde and the IJsselmeer, and the ROAZ packs
select from it. The second group compares the authored pack with the Dutch open data
beside the project (``../shared/data/nl``: RIVM's 2019 SEH list, CBS PC4 and provincial
population 2021) and builds a pack from those files with one command; it is skipped with
a reason when that folder is absent. Measured figures are printed (run with ``-s``).
"""

from __future__ import annotations

import importlib.util
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
def generator():
    spec = importlib.util.spec_from_file_location("nl_generate", NL / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


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
def test_pack_files_are_what_the_generator_writes(generator, tmp_path):
    summary = generator.main(tmp_path)
    print("\n" + summary)
    for name in ("areas.geojson", "sites.csv", "ambulance_posts.csv", "roads.geojson",
                 "rosters.toml", "region.toml"):  # fmt: skip
        assert (tmp_path / name).read_bytes() == (NL / name).read_bytes(), name


def test_counts_match_the_stated_facts(nl, generator):
    seh = [s for s in nl.sites if s.has_seh]
    h24 = [s for s in seh if s.is_24_7]
    day = {s.site_id for s in seh if s.seh == "day"}
    print(
        f"\nSEH locations {len(seh)} (24/7 {len(h24)}, day {len(day)}); RIVM April 2025: 79 (76)"
        f"\nHAP on site at 24/7 SEHs {sum(s.has_hap for s in h24)} of {len(h24)}"
        f"\nacute obstetrics {sum(s.has_av for s in nl.sites)}; 24/7 posts "
        f"{sum(p.is_24_7 for p in nl.posts)}"
    )
    # RIVM 2025: 79 SEHs of which 76 open 24/7; the pack has one 24/7 location more (see
    # README.md: one location whose 2025 status could not be settled from the sources)
    assert abs(len(seh) - 79) <= 1
    assert abs(len(h24) - 76) <= 1
    assert day == {"gelre_zutphen", "amstelland", "franciscus_vlietland"}
    assert {"vumc", "zuyderland_sittard_geleen"}.isdisjoint(s.site_id for s in nl.sites)
    assert sum(s.has_av for s in nl.sites) == 71
    assert sum(p.is_24_7 for p in nl.posts) == 221
    assert len(nl.areas) == 374  # 342 municipalities, six cities split into 38 districts
    municipalities = json.loads((NL / "areas.geojson").read_text(encoding="utf-8"))["features"]
    assert len({f["properties"]["municipality"] for f in municipalities}) == 342
    assert 0.85 <= sum(s.has_hap for s in h24) / len(h24) <= 0.95  # VZinfo: 72 of 80


def test_population_total_is_within_one_percent_of_cbs(nl, generator):
    total = nl.population
    stated = generator.CBS_TOTAL_2024_01_01
    print(
        f"\nauthored population {total:,} vs CBS 1 January 2024 {stated:,}: "
        f"{total / stated - 1:+.2%}"
    )
    assert abs(total / stated - 1) < 0.01
    # sanity range: above the 2021 PC4 total, below it plus 5% growth
    assert PC4_TOTAL_2021 < total < PC4_TOTAL_2021 * 1.05


def test_road_graph_rules_and_water_crossings(nl, generator):
    from acutesim.geo.travel_time import Locations, build_travel_model

    generator.check_graph()  # landmasses joined only by named crossings; islands apart
    model = build_travel_model(nl, "ambulance")
    places = {
        "Vlissingen": (3.575, 51.445),
        "Breskens": (3.555, 51.395),
        "Enkhuizen": (5.285, 52.703),
        "Lelystad": (5.475, 52.510),
        "Den Helder": (4.760, 52.940),
        "Harlingen": (5.420, 53.175),
        "Stavoren": (5.360, 52.885),
        "Medemblik": (5.105, 52.770),
        "Den Burg": (4.797, 53.053),
    }
    names = list(places)
    xy = _rd(*zip(*places.values(), strict=True))
    minutes = model.minutes(Locations.from_points(names, xy), Locations.from_points(names, xy))
    t = {(a, b): minutes[i, j] for i, a in enumerate(names) for j, b in enumerate(names)}
    km = {(a, b): np.hypot(*(xy[i] - xy[j])) / 1000 for i, a in enumerate(names) for j, b in
          enumerate(names)}  # fmt: skip
    print(
        "\nambulance minutes (straight km): "
        + ", ".join(
            f"{a}-{b} {t[a, b]:.0f} ({km[a, b]:.0f})"
            for a, b in [
                ("Breskens", "Vlissingen"),
                ("Enkhuizen", "Lelystad"),
                ("Den Helder", "Harlingen"),
                ("Medemblik", "Stavoren"),
                ("Den Burg", "Den Helder"),
            ]
        )
    )
    # 6 km across the Westerschelde: the road goes round through the tunnel at Terneuzen
    assert t["Breskens", "Vlissingen"] > 30
    # the Houtribdijk is a straight road across the lake; the Afsluitdijk is the only way
    # from Noord-Holland to Harlingen; Medemblik and Stavoren face each other across the
    # IJsselmeer (20 km) but the road goes round by the dike (about 80 km)
    assert t["Enkhuizen", "Lelystad"] < 25
    assert t["Den Helder", "Harlingen"] > 40
    assert t["Medemblik", "Stavoren"] > 45
    # Texel only by ferry (crossing plus wait, 35 minutes)
    assert t["Den Burg", "Den Helder"] > 35


def test_reach_runs_out_of_the_box():
    start = time.perf_counter()
    done = _cli("reach", "regions/nl", "--json")
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    print(
        f"\nacutesim reach regions/nl --json: {result} in {seconds:.1f} s "
        f"({result['population_beyond_norm']:,} beyond the 45-minute norm)"
    )
    assert result["population"] > 17_000_000
    # the Wadden islands (about 25,000 inhabitants) have no SEH and are beyond the norm
    assert result["population_beyond_norm"] > 20_000


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
# The RIVM list names the postal town of the address; the pack names the town people use.
TOWN_ALIASES = {
    "den haag": "'s-gravenhage",
    "amsterdam zuidoost": "amsterdam",  # Amsterdam UMC location AMC
    "hoorn nh": "hoorn",
    "hoogland": "amersfoort",  # Meander Medisch Centrum
    "beugen": "boxmeer",  # Maasziekenhuis Pantein
}


def _town(name: str) -> str:
    key = name.strip().lower()
    return TOWN_ALIASES.get(key, key)


@needs_data
def test_authored_seh_positions_against_rivm_2019(generator):
    import pandas as pd

    rivm = pd.read_csv(SEH_LIST)
    rivm = rivm[(rivm["seh_24_7"] == 1) | (rivm["seh_dag_avond"] == 1)]
    rivm_xy = _rd(rivm["lon"], rivm["lat"])
    rivm_town = np.array([_town(t) for t in rivm["plaats"]])
    rows, unmatched = [], []
    for site in generator.SITES:
        site_id, town, lon, lat = site[0], site[4], site[5], site[6]
        same = np.flatnonzero(rivm_town == _town(town))
        if not same.size:
            unmatched.append(f"{site_id} ({town})")
            continue
        d = np.hypot(*(rivm_xy[same] - _rd([lon], [lat])[0]).T)
        rows.append((site_id, town, float(d.min())))
    dist = np.array([r[2] for r in rows])
    worst = sorted(rows, key=lambda r: -r[2])[:5]
    print(
        f"\nauthored SEH vs RIVM 2019 (same town, nearest): n={len(rows)}, median "
        f"{np.median(dist):,.0f} m, max {dist.max():,.0f} m; largest: "
        + ", ".join(f"{s} {d:,.0f} m" for s, _, d in worst)
    )
    gone = sorted(
        set(rivm.loc[rivm["seh_24_7"] == 1, "plaats"].map(_town))
        - {_town(s[4]) for s in generator.SITES}
    )
    print(f"RIVM 2019 24/7 SEH towns without an SEH in the 2025 pack: {', '.join(gone)}")
    # An authored SEH in a town without one in 2019 is either new since 2019 or an error of
    # the authored table; the pack is not corrected from this data (it is authored
    # independently), so such sites are reported here and in the report, not fixed.
    print(f"authored SEHs in towns without an SEH in the RIVM 2019 list: {unmatched or 'none'}")
    assert len(unmatched) <= 2
    assert np.median(dist) < 2_000  # town-level accuracy, stated in README.md
    assert dist.max() < 8_000


@needs_data
def test_population_by_province_against_cbs_2021(nl):
    import geopandas as gpd
    import pandas as pd

    from acutesim.config.load import load_region_with_areas

    _, areas = load_region_with_areas(NL)
    authored = areas.groupby("province")["population"].sum()
    cbs = gpd.read_file(PROVINCES).set_index("provincie")["inwoners_pc4"]
    table = pd.DataFrame({"authored_2024": authored, "cbs_pc4_2021": cbs})
    table["change"] = table["authored_2024"] / table["cbs_pc4_2021"] - 1
    print("\n" + table.to_string(float_format=lambda v: f"{v:+.2%}"))
    print(f"total: authored 2024 {authored.sum():,} vs PC4 2021 {int(cbs.sum()):,}")
    assert set(authored.index) == set(cbs.index)
    # 2021 -> 2024 growth was about 2.7% nationally; allow for uneven growth and rounding
    assert table["change"].between(-0.03, 0.08).all()


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
    assert reach_seconds < 30  # slack for slow CI machines; the measured figure is printed
