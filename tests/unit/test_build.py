"""acutesim region build: importers of CBS/RIVM-style files on small synthetic fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from acutesim.config.load import load_region, load_region_with_areas
from acutesim.errors import ConfigError
from acutesim.packs import (
    BuildInputs,
    build_region_pack,
    detect_islands,
    roster_templates_toml,
    seh_roster_class,
    slugify,
    unique_ids,
)

X0, Y0 = 150_000.0, 450_000.0  # RD New, middle of the country [m]
CELL = 5_000.0


def _areas_frame() -> gpd.GeoDataFrame:
    """A 3 x 3 block of 5 km squares (mainland) and one square 12 km off the coast."""
    cells, ids, pops = [], [], []
    for i in range(3):
        for j in range(3):
            cells.append(
                box(X0 + i * CELL, Y0 + j * CELL, X0 + (i + 1) * CELL, Y0 + (j + 1) * CELL)
            )
            ids.append(f"{1000 + 10 * i + j}")
            pops.append(10_000.0 + 1_000 * (i + j))
    pops[4] = np.nan  # a PC4 without a population figure
    pops[5] = 0.0  # an industrial estate
    cells.append(box(X0 + 3 * CELL + 12_000, Y0, X0 + 4 * CELL + 12_000, Y0 + CELL))
    ids.append("9999")
    pops.append(2_500.0)
    return gpd.GeoDataFrame(
        {"postcode": ids, "inwoners": pops, "oppervlakte_km2": [25.0] * len(ids)},
        geometry=cells,
        crs="EPSG:28992",
    )


@pytest.fixture
def areas_file(tmp_path: Path) -> Path:
    path = tmp_path / "pc4.gpkg"
    _areas_frame().to_file(path, driver="GPKG", layer="pc4")
    return path


def _lonlat(x: float, y: float) -> tuple[float, float]:
    from pyproj import Transformer

    tf = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    lon, lat = tf.transform(x, y)
    return round(lon, 6), round(lat, 6)


@pytest.fixture
def sites_file(tmp_path: Path) -> Path:
    rows = []
    spec = [
        ("Ziekenhuis Noord", "Ziekenhuis Noord locatie Aastad", "Aastad", 1, 0, 1, 2, 2),
        ("Ziekenhuis Noord", "Ziekenhuis Noord locatie Beedorp", "Beedorp", 0, 1, 0, 0, 0),
        ("Kinderkliniek", "Kinderkliniek Aastad", "Aastad", 0, 0, 1, 1, 2),
        ("Súdwest Zorg", "Súdwest Zorg, Ceestad", "Ceestad", 1, 0, 0, 0, 2),
    ]
    for org, loc, town, s24, sday, av, i, j in spec:
        lon, lat = _lonlat(X0 + (i + 0.5) * CELL, Y0 + (j + 0.5) * CELL)
        rows.append(
            {
                "organisatie": org,
                "locatie": loc,
                "plaats": town,
                "seh_24_7": s24,
                "seh_dag_avond": sday,
                "acute_verloskunde_24_7": av,
                "nicu": 0,
                "lon": lon,
                "lat": lat,
            }
        )
    path = tmp_path / "seh.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def posts_file(tmp_path: Path) -> Path:
    spec = [
        ("0", "Aastad", "24 uur", 0, 0),
        ("1", "Aastad DAM", "24 uur DAM/VWS", 1, 1),
        ("2", "Ceestad", "24 uur", 2, 2),
        ("3", "Beedorp", "Dag/avond", 0, 2),
        ("4", "Eiland", "24 uur", 4.4, 0),
    ]
    rows = []
    for pid, name, avail, i, j in spec:
        lon, lat = _lonlat(X0 + (i + 0.5) * CELL, Y0 + (j + 0.5) * CELL)
        rows.append(
            {"post_id": pid, "Standplaats": name, "Beschikbaarheid": avail, "lon": lon, "lat": lat}
        )
    path = tmp_path / "posts.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _inputs(areas: Path, sites: Path, posts: Path, out: Path, **kw) -> BuildInputs:
    return BuildInputs(areas=areas, sites=sites, posts=posts, out=out, **kw)


# --- the happy path -----------------------------------------------------------------------
def test_build_writes_a_valid_pack(areas_file, sites_file, posts_file, tmp_path):
    out = tmp_path / "pack"
    report = build_region_pack(
        _inputs(
            areas_file,
            sites_file,
            posts_file,
            out,
            site_filters=["seh_24_7=1"],
            post_availability=["24 uur"],
            sources=["synthetic test data"],
        )
    )
    region, areas = load_region_with_areas(out)
    # one NaN population dropped and counted, the zero kept
    assert report.n_areas_read == 10
    assert report.n_areas_dropped_missing_population == 1
    assert report.n_areas_zero_population == 1
    assert len(region.areas) == 9
    assert region.population == int(_areas_frame()["inwoners"].fillna(0).sum())
    # only 24/7 SEH rows, ids sanitised
    assert sorted(s.site_id for s in region.sites) == [
        "sudwest_zorg_ceestad",
        "ziekenhuis_noord_locatie_aastad",
    ]
    assert all(s.seh == "24/7" for s in region.sites)
    assert region.site_by_id["ziekenhuis_noord_locatie_aastad"].has_av
    assert report.n_sites_filtered_out == 2
    # exact availability: '24 uur DAM/VWS' and 'Dag/avond' are not taken
    assert sorted(p.post_id for p in region.posts) == ["0", "2", "4"]
    assert report.posts_dropped_by_value == {"24 uur DAM/VWS": 1, "Dag/avond": 1}
    assert all(p.availability == "24/7" for p in region.posts)
    # the island gets a zone and a ferry; the post on it lies in that zone
    assert len(region.ferries) == 1
    ferry = region.ferries[0]
    assert set(areas.loc[areas["area_id"] == "9999", "zone"]) == {ferry.zone}
    assert ferry.zone.startswith("island_")
    assert next(p for p in region.posts if p.post_id == "4").zone == ferry.zone
    # the port lies on the island's west edge, the terminal on the mainland's east edge
    assert ferry.port_x_m == pytest.approx(X0 + 3 * CELL + 12_000, abs=1.0)
    assert ferry.terminal_x_m == pytest.approx(X0 + 3 * CELL, abs=1.0)
    text = (out / "region.toml").read_text(encoding="utf-8")
    assert "synthetic test data" in text
    assert "assumption" in text
    assert "Build report" in (out / "README.md").read_text(encoding="utf-8")
    assert "dropped 1 area with a missing population (NaN)" in report.to_text()


def test_without_filters_day_seh_and_day_post_are_kept(
    areas_file, sites_file, posts_file, tmp_path
):
    out = tmp_path / "pack"
    report = build_region_pack(_inputs(areas_file, sites_file, posts_file, out))
    region = load_region(out)
    seh = {s.site_id: s.seh for s in region.sites}
    assert seh["ziekenhuis_noord_locatie_beedorp"] == "day"
    assert seh["kinderkliniek_aastad"] == "none"
    assert report.n_posts_day == 1
    assert {p.post_id: p.availability for p in region.posts}["3"] == "day"
    # organisations are ids, their names are kept in region.toml
    assert {o.organisation_id for o in region.organisations} >= {"ziekenhuis_noord"}
    assert "Súdwest Zorg" in (out / "region.toml").read_text(encoding="utf-8")


def test_rd_coordinates_and_column_mapping(areas_file, tmp_path, posts_file):
    sites = tmp_path / "hospitals.csv"
    sites.write_text(
        "Naam ziekenhuis;Eigenaar;X;Y;Spoed\n"
        f"Centraal;Org A;{X0 + 7_500:.0f};{Y0 + 7_500:.0f};ja\n"
        f"Rand;Org B;{X0 + 2_500:.0f};{Y0 + 2_500:.0f};nee\n",
        encoding="utf-8",
    )
    out = tmp_path / "pack"
    build_region_pack(
        _inputs(
            areas_file,
            sites,
            posts_file,
            out,
            site_columns={
                "name": "Naam ziekenhuis",
                "organisation": "Eigenaar",
                "seh_24_7": "Spoed",
            },
        )
    )
    region = load_region(out)
    centraal = region.site_by_id["centraal"]
    assert centraal.x_m == pytest.approx(X0 + 7_500, abs=0.5)
    assert centraal.seh == "24/7"
    assert region.site_by_id["rand"].seh == "none"


def test_points_layer_and_shapefile(tmp_path, sites_file, posts_file):
    frame = _areas_frame().iloc[:9].copy()
    frame["geometry"] = frame.geometry.centroid
    # CBS wijk/buurt shapefiles name their columns GM_CODE, GM_NAAM, AANT_INW
    frame = frame.rename(columns={"postcode": "GM_CODE", "inwoners": "AANT_INW"})
    frame = frame.drop(columns="oppervlakte_km2")
    frame["GM_NAAM"] = [f"Gemeente {i}" for i in range(len(frame))]
    frame = frame.dropna(subset=["AANT_INW"])
    path = tmp_path / "gemeenten.shp"
    frame.to_crs("EPSG:4326").to_file(path)
    out = tmp_path / "pack"
    report = build_region_pack(_inputs(path, sites_file, posts_file, out))
    region = load_region(out)
    assert report.geometry_kind == "points"
    assert "not detected for point areas" in report.to_text()
    assert region.areas[0].name.startswith("Gemeente")
    assert not region.ferries


def test_fixed_link_keeps_an_island_on_the_mainland(areas_file, sites_file, posts_file, tmp_path):
    out = tmp_path / "pack"
    build_region_pack(_inputs(areas_file, sites_file, posts_file, out, fixed_links=["9999"]))
    region = load_region(out)
    assert not region.ferries
    assert {a.zone for a in region.areas} == {"mainland"}


def test_road_network_is_routed_and_cached(areas_file, sites_file, posts_file, tmp_path):
    roads = tmp_path / "roads.geojson"
    line = [_lonlat(X0 - 1_000, Y0 + 7_500), _lonlat(X0 + 16_000, Y0 + 7_500)]
    roads.write_text(
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
    out = tmp_path / "pack"
    report = build_region_pack(_inputs(areas_file, sites_file, posts_file, out, roads=roads))
    region = load_region(out)
    assert region.travel["model"] == "routed"
    assert (out / "travel_matrices.parquet").exists()
    assert not (out / "roads.geojson").exists()  # the network is referenced, never copied
    assert "rebuilt" in report.roads
    # a second routing run with nothing changed reuses the cache
    from acutesim.packs.route import route_pack

    assert not route_pack(out).rebuilt
    assert route_pack(out, force=True).rebuilt


def test_written_pack_is_stable(areas_file, sites_file, posts_file, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build_region_pack(_inputs(areas_file, sites_file, posts_file, a))
    build_region_pack(_inputs(areas_file, sites_file, posts_file, b))
    for name in ("sites.csv", "ambulance_posts.csv", "rosters.toml"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


# --- bad input: located ConfigErrors --------------------------------------------------------
def test_missing_population_column_has_a_did_you_mean(areas_file, sites_file, posts_file, tmp_path):
    with pytest.raises(
        ConfigError,
        match=r"pc4\.gpkg: missing column 'inwonres' \(--population-column\); did you mean "
        r"'inwoners'\?",
    ):
        build_region_pack(
            _inputs(
                areas_file, sites_file, posts_file, tmp_path / "p", population_column="inwonres"
            )
        )


def test_no_population_column_found(tmp_path, sites_file, posts_file):
    frame = _areas_frame().rename(columns={"inwoners": "people_count"})
    path = tmp_path / "areas.gpkg"
    frame.to_file(path, driver="GPKG")
    with pytest.raises(ConfigError, match=r"no column for the population .*--population-column"):
        build_region_pack(_inputs(path, sites_file, posts_file, tmp_path / "p"))


def test_unreadable_areas_file(tmp_path, sites_file, posts_file):
    path = tmp_path / "broken.gpkg"
    path.write_text("this is not a GeoPackage", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.gpkg: cannot be read as a vector layer"):
        build_region_pack(_inputs(path, sites_file, posts_file, tmp_path / "p"))


def test_missing_files_are_all_reported(tmp_path):
    with pytest.raises(ConfigError) as info:
        build_region_pack(
            _inputs(tmp_path / "a.gpkg", tmp_path / "s.csv", tmp_path / "p.csv", tmp_path / "o")
        )
    text = str(info.value)
    assert "has 3 problems" in text
    assert "a.gpkg: areas file not found" in text
    assert "s.csv: hospital list file not found" in text
    assert "p.csv: ambulance post file not found" in text


def test_areas_without_crs(tmp_path, sites_file, posts_file):
    path = tmp_path / "nocrs.shp"
    _areas_frame().drop(columns="oppervlakte_km2").to_file(path)
    path.with_suffix(".prj").unlink()
    with pytest.raises(ConfigError, match=r"nocrs\.shp: has no CRS"):
        build_region_pack(_inputs(path, sites_file, posts_file, tmp_path / "p"))


def test_filter_on_unknown_column(areas_file, sites_file, posts_file, tmp_path):
    with pytest.raises(
        ConfigError,
        match=r"seh\.csv: --sites-filter seh_24_8=1: no column 'seh_24_8'; "
        r"did you mean 'seh_24_7'\?",
    ):
        build_region_pack(
            _inputs(areas_file, sites_file, posts_file, tmp_path / "p", site_filters=["seh_24_8=1"])
        )


def test_unknown_site_column_role_and_missing_mapped_column(
    areas_file, sites_file, posts_file, tmp_path
):
    with pytest.raises(ConfigError) as info:
        build_region_pack(
            _inputs(
                areas_file,
                sites_file,
                posts_file,
                tmp_path / "p",
                site_columns={"nam": "locatie", "av": "acute_verloskunde"},
            )
        )
    text = str(info.value)
    assert "unknown role 'nam'; did you mean 'name'?" in text
    assert "missing column 'acute_verloskunde' (--sites-column av=COLUMN); did you mean" in text


def test_posts_availability_not_found(areas_file, sites_file, posts_file, tmp_path):
    with pytest.raises(
        ConfigError, match=r"no row has availability '24 u'; did you mean '24 uur'\?"
    ):
        build_region_pack(
            _inputs(areas_file, sites_file, posts_file, tmp_path / "p", post_availability=["24 u"])
        )


def test_bad_flag_and_swapped_coordinates(areas_file, posts_file, tmp_path):
    lon, lat = _lonlat(X0 + 2_500, Y0 + 2_500)
    sites = tmp_path / "s.csv"
    sites.write_text(
        "organisatie,locatie,seh_24_7,lon,lat\n"
        f"A,A Aastad,misschien,{lon},{lat}\n"
        f"B,B Beedorp,1,{lat},{lon}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        build_region_pack(_inputs(areas_file, sites, posts_file, tmp_path / "p"))
    text = str(info.value)
    assert "s.csv row 1, column 'seh_24_7': 'misschien' is not a yes/no value" in text
    assert "s.csv row 2: position" in text
    assert "are lon and lat swapped?" in text


def test_existing_pack_needs_force(areas_file, sites_file, posts_file, tmp_path):
    out = tmp_path / "pack"
    build_region_pack(_inputs(areas_file, sites_file, posts_file, out))
    with pytest.raises(ConfigError, match="already holds a region pack; pass --force"):
        build_region_pack(_inputs(areas_file, sites_file, posts_file, out))
    build_region_pack(_inputs(areas_file, sites_file, posts_file, out, force=True))


def test_unknown_fixed_link(areas_file, sites_file, posts_file, tmp_path):
    with pytest.raises(ConfigError, match=r"--fixed-link '9998': no such area id; did you mean"):
        build_region_pack(
            _inputs(areas_file, sites_file, posts_file, tmp_path / "p", fixed_links=["9998"])
        )


# --- helpers ----------------------------------------------------------------------------
def test_slugify_and_unique_ids():
    assert slugify("Zuyderland MC, Sittard-Geleen") == "zuyderland_mc_sittard_geleen"
    assert slugify("Súdwest-Fryslân") == "sudwest_fryslan"
    assert slugify("'s-Hertogenbosch") == "s_hertogenbosch"
    assert slugify("***") == "x"
    assert unique_ids(["a", "b", "a", "a_2", "a"]) == ["a", "b", "a_2", "a_2_2", "a_3"]


def test_roster_classes_and_templates():
    import tomllib

    assert seh_roster_class(8_000, "24/7") == "seh_small"
    assert seh_roster_class(25_000, "24/7") == "seh_large"
    assert seh_roster_class(35_000, "24/7") == "seh_xl"
    assert seh_roster_class(60_000, "24/7") == "seh_xxxl"
    assert seh_roster_class(9_000, "day") == "seh_day"
    assert seh_roster_class(25_000, "day") == "seh_day_large"
    rosters = tomllib.loads(roster_templates_toml())
    assert set(rosters) == {
        "seh_small",
        "seh_medium",
        "seh_large",
        "seh_xl",
        "seh_xxl",
        "seh_xxxl",
        "seh_day",
        "seh_day_medium",
        "seh_day_large",
        "hap_default",
    }
    day = {s["name"]: s["staff"] for s in rosters["seh_xl"]["shifts"]}
    small = {s["name"]: s["staff"] for s in rosters["seh_small"]["shifts"]}
    assert day["day"]["seh_physician"] > small["day"]["seh_physician"]
    assert small["night"] == {"seh_physician": 1, "seh_nurse": 2}
    # the HAP roster scales with the inhabitants per HAP; the default is the demo's HAP
    hap = {s["name"]: s["staff"]["hap_gp"] for s in rosters["hap_default"]["shifts"]}
    assert hap == {"evening": 2, "night": 1, "weekend_day": 3}
    big = tomllib.loads(roster_templates_toml(250_000))
    assert {s["name"]: s["staff"]["hap_gp"] for s in big["hap_default"]["shifts"]} == {
        "evening": 6,
        "night": 3,
        "weekend_day": 9,
    }


def test_detect_islands_ignores_uninhabited_rocks():
    frame = gpd.GeoDataFrame(
        {"area_id": ["a", "b", "rock"], "name": ["A", "B", "Rock"], "population": [10, 20, 0]},
        geometry=[
            box(0, 0, 10_000, 10_000),
            box(10_050, 0, 20_000, 10_000),  # 50 m gap: connected
            Polygon([(30_000, 0), (31_000, 0), (31_000, 1_000)]),
        ],
        crs="EPSG:28992",
    )
    zones, islands = detect_islands(frame)
    assert list(zones) == ["mainland"] * 3
    assert islands == []


# --- the command line ---------------------------------------------------------------------
def _acutesim(*args: str):
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("acutesim")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "acutesim.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, check=False)


def test_cli_region_build(areas_file, sites_file, posts_file, tmp_path):
    out = tmp_path / "pack"
    done = _acutesim(
        "region", "build", "--areas", str(areas_file), "--sites", str(sites_file),
        "--sites-filter", "seh_24_7=1", "--posts", str(posts_file),
        "--posts-availability", "24 uur", "--out", str(out), "--name", "synthetic",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "is valid" in done.stderr
    assert "dropped 1 post with availability '24 uur DAM/VWS'" in done.stderr
    assert load_region(out).name == "synthetic"


def test_cli_region_build_bad_input_exits_2(areas_file, sites_file, posts_file, tmp_path):
    done = _acutesim(
        "region", "build", "--areas", str(areas_file), "--sites", str(sites_file),
        "--posts", str(posts_file), "--population-column", "inwonres",
        "--sites-column", "name", "--out", str(tmp_path / "p"),
    )  # fmt: skip
    assert done.returncode == 2
    assert "did you mean 'inwoners'?" in done.stderr
    assert "--sites-column 'name': expected ROLE=COLUMN" in done.stderr
    assert "has 2 problems" in done.stderr
    assert "Traceback" not in done.stderr
