"""Build a region pack from open data: read, detect islands, size, write, and check it loads.

Every input problem is collected and raised as one :class:`ConfigError` naming the
file, the column or row and what was expected, with a did-you-mean hint.
"""

from __future__ import annotations

import math
import os
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    pass

from acutesim.packs.inputs import SITE_CSV_COLUMNS, BuildInputs, BuildReport
from acutesim.packs.islands import detect_islands
from acutesim.packs.readers import read_hospital_list, read_population_layer, read_post_list
from acutesim.packs.sizing import roster_templates_toml, size_posts, size_sites
from acutesim.packs.writer import lonlat, readme, region_toml, write_csv


def _prepare_out(out: Path, force: bool, problems: list[str]) -> None:
    if out.exists() and not out.is_dir():
        problems.append(f"--out '{out}' is a file, not a folder")
    elif (out / "region.toml").exists() and not force:
        problems.append(f"--out '{out}' already holds a region pack; pass --force to overwrite it")


def build_region_pack(inputs: BuildInputs) -> BuildReport:
    """Turn a population layer, a hospital list and an ambulance post list into a pack.

    Parameters
    ----------
    inputs : BuildInputs
        Files, column mapping, filters and options.

    Returns
    -------
    BuildReport
        Counts read, kept and dropped, islands found and the build time [s].

    Raises
    ------
    ConfigError
        Every problem with the inputs, one per line (missing file or column with a
        did-you-mean hint, unreadable file, layer without CRS, bad values), or a
        problem of the written pack when it does not validate.
    """
    t0 = time.perf_counter()
    out = Path(inputs.out)
    report = BuildReport(out=out)
    problems: list[str] = []
    subject = "region build"
    _prepare_out(out, inputs.force, problems)
    if not (inputs.crossing_minutes >= 0 and math.isfinite(inputs.crossing_minutes)):
        problems.append(f"--crossing-minutes must be >= 0, got {inputs.crossing_minutes!r}")
    areas = read_population_layer(inputs, report, problems)
    sites = read_hospital_list(inputs, report, problems)
    posts = read_post_list(inputs, report, problems)
    roads_network = None
    if inputs.roads is not None:
        roads_network = _check_roads(inputs, problems)
    if problems or areas is None or sites is None or posts is None:
        raise ConfigError(subject, problems)
    if report.n_seh_24_7 + report.n_seh_day == 0:
        raise ConfigError(subject, [f"{inputs.sites.name}: no row has an SEH (24/7 or day)"])

    unknown_links = sorted(set(inputs.fixed_links) - set(areas["area_id"]))
    if unknown_links:
        raise ConfigError(
            subject,
            [
                f"--fixed-link {a!r}: no such area id{did_you_mean(a, areas['area_id'])}"
                for a in unknown_links
            ],
        )
    if report.geometry_kind == "polygons":
        zones, islands = detect_islands(
            areas,
            gap_m=inputs.island_gap_m,
            crossing_minutes=inputs.crossing_minutes,
            fixed_links=inputs.fixed_links,
        )
        areas["zone"] = zones
        report.islands = islands
        if not islands:
            report.island_note = "none (all inhabited areas are connected)"
    else:
        areas["zone"] = "mainland"
        report.island_note = (
            "not detected for point areas; set the 'zone' column and [[ferries]] by hand"
        )
    area_xy = np.column_stack(
        [areas.geometry.representative_point().x, areas.geometry.representative_point().y]
    )
    population = areas["population"].to_numpy(dtype=float)
    site_rows = size_sites(sites.frame, sites.xy, area_xy, population)
    post_rows, post_xy = posts
    post_rows = size_posts(post_rows, post_xy, area_xy, population)
    report.roster_counts = dict(Counter(site_rows["roster"]))

    out.mkdir(parents=True, exist_ok=True)
    for stale in ("areas.gpkg", "roads.gpkg", "roads.geojson"):
        (out / stale).unlink(missing_ok=True)
    with warnings.catch_warnings():
        # pyogrio reports nothing useful for a plain GeoPackage write; keep it quiet
        warnings.simplefilter("ignore", RuntimeWarning)
        areas[["area_id", "name", "population", "zone", "geometry"]].to_file(
            out / "areas.gpkg", driver="GPKG", layer="areas"
        )
    lon, lat = lonlat(sites.xy)
    site_rows.insert(3, "lon", lon)
    site_rows.insert(4, "lat", lat)
    write_csv(
        site_rows[[*SITE_CSV_COLUMNS]],
        out / "sites.csv",
    )
    lon, lat = lonlat(post_xy)
    post_rows.insert(2, "lon", lon)
    post_rows.insert(3, "lat", lat)
    write_csv(post_rows, out / "ambulance_posts.csv")
    n_haps = int((site_rows["hap"] == "true").sum())
    per_hap = report.population / max(n_haps, 1)
    (out / "rosters.toml").write_text(roster_templates_toml(per_hap), encoding="utf-8")
    travel: dict[str, Any] = {"model": "straight_line"}
    if inputs.roads is not None and roads_network is not None:
        from acutesim.packs.route import (
            DEFAULT_MATRICES,
            NATIONAL_ACCESS_ONLY_CLASSES,
            ROUTED_DISPATCH_MINUTES,
            ROUTED_ON_SCENE_MINUTES,
        )

        network = os.path.relpath(Path(inputs.roads).resolve(), out.resolve())
        travel = {
            "model": "routed",
            "matrices": DEFAULT_MATRICES,
            "network": network,
            "access_only_classes": list(
                NATIONAL_ACCESS_ONLY_CLASSES if inputs.access_only_classes is None
                else inputs.access_only_classes
            ),
        }  # fmt: skip
        if inputs.limit_minutes is not None:
            travel["limit_minutes"] = inputs.limit_minutes
        # calibrated with the routed profiles against RIVM 2024 (0.4% beyond 45 minutes;
        # docs/calibration-reachability.md); the measured 20 on-scene minutes (RIVM
        # 2010) stay the alternative: --on-scene-minutes 20 on reach and map
        travel["dispatch_minutes"] = ROUTED_DISPATCH_MINUTES
        travel["on_scene_minutes"] = ROUTED_ON_SCENE_MINUTES
    name = inputs.name or out.resolve().name
    sources = [
        *inputs.sources,
        f"built with acutesim region build from {inputs.areas.name}, {inputs.sites.name} and "
        f"{inputs.posts.name}",
    ]
    description = (
        f"Built from {inputs.areas.name} ({report.n_areas:,} areas, {report.population:,} "
        f"inhabitants), {inputs.sites.name} ({report.n_seh_24_7} 24/7 SEHs) and "
        f"{inputs.posts.name} ({report.n_posts_24_7} 24/7 ambulance posts)."
    )
    files = {
        "areas": "areas.gpkg",
        "sites": "sites.csv",
        "posts": "ambulance_posts.csv",
        "rosters": "rosters.toml",
    }
    (out / "region.toml").write_text(
        region_toml(name, description, sources, files, travel, report.islands, sites.org_names),
        encoding="utf-8",
    )
    report.seconds = time.perf_counter() - t0
    (out / "README.md").write_text(readme(name, inputs, report), encoding="utf-8")

    from acutesim.config.load import load_region

    if travel["model"] == "routed":
        from acutesim.packs.route import route_pack

        routed = route_pack(out, inputs.roads)
        report.roads = f"{inputs.roads}: {routed.to_text()}"
        report.seconds = time.perf_counter() - t0
        (out / "README.md").write_text(readme(name, inputs, report), encoding="utf-8")
    load_region(out)  # the written pack must validate; raises ConfigError otherwise
    report.seconds = time.perf_counter() - t0
    return report


def _check_roads(inputs: BuildInputs, problems: list[str]) -> Any:
    """The road network path when it is a form the reader knows, else None (a problem)."""
    from acutesim.geo.roads import LINE_SUFFIXES

    roads = Path(inputs.roads) if inputs.roads is not None else None
    if roads is None or not roads.exists():
        problems.append(f"--roads: '{roads}' not found")
        return None
    if roads.is_dir():
        missing = [n for n in ("nodes.parquet", "edges.parquet") if not (roads / n).exists()]
        if missing:
            problems.append(
                f"--roads: folder '{roads}' needs nodes.parquet and edges.parquet "
                f"(missing: {', '.join(missing)})"
            )
            return None
    elif roads.suffix.lower() not in LINE_SUFFIXES:
        problems.append(
            f"--roads: '{roads.name}' must be a folder with nodes.parquet and edges.parquet "
            f"or one of {', '.join(LINE_SUFFIXES)}"
        )
        return None
    return roads
