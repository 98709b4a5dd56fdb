"""Reachability maps: titles, labels with units and legend entries (no pixel baselines)."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "regions" / "demo"


@pytest.fixture(scope="module")
def demo():
    if not (DEMO / "region.toml").exists():
        pytest.skip("regions/demo is not present")
    from acutesim.config.load import load_region_with_areas

    return load_region_with_areas(DEMO)


def _legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_map_has_title_labels_legend_and_colorbar(demo):
    from acutesim.geo.reachability import reachability
    from acutesim.report.maps import plot_reachability_map

    region, areas = demo
    closed = next(s.site_id for s in region.sites if s.seh == "24/7")
    result = reachability(region, closed=[closed], areas=areas)
    ax = plot_reachability_map(result, region)
    title = ax.get_title()
    assert "call-to-door time to the nearest open 24/7 SEH" in title
    assert f"closed: {closed}" in title
    assert "[m]" in ax.get_xlabel()
    assert "[m]" in ax.get_ylabel()
    legend = _legend_texts(ax)
    assert "open SEH" in legend
    assert "closed SEH" in legend
    assert "24/7 ambulance post" in legend
    assert "beyond the 45-minute norm" in legend
    if any(s.seh == "day" for s in region.sites):
        assert "SEH open by day only (not counted)" in legend
    if region.ferries:
        assert "ferry" in legend
    labels = [a.get_ylabel() for a in ax.figure.axes if a is not ax]
    assert "call-to-door time by ambulance [min]" in labels


def test_map_draws_on_given_axes_and_writes_png(demo, tmp_path):
    from matplotlib.figure import Figure

    from acutesim.geo.reachability import reachability
    from acutesim.report.maps import plot_reachability_map, write_reachability_map

    region, areas = demo
    result = reachability(region, service="av", norm_minutes=40.0, areas=areas)
    ax = Figure().add_subplot()
    assert plot_reachability_map(result, region, ax=ax) is ax
    assert "24/7 acute obstetrics" in ax.get_title()
    assert "beyond the 40-minute norm" in _legend_texts(ax)
    path = write_reachability_map(result, region, tmp_path / "map.png", dpi=50)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*partial*"))


def test_cli_map_and_reach_json(demo, tmp_path):
    import json

    from typer.testing import CliRunner

    from acutesim.cli import app

    runner = CliRunner()
    out = tmp_path / "demo.png"
    done = runner.invoke(app, ["map", str(DEMO), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert out.exists()
    gpkg = tmp_path / "reach.gpkg"
    done = runner.invoke(app, ["reach", str(DEMO), "--sensitivity", "--json", "--out", str(gpkg)])
    assert done.exit_code == 0, done.output
    assert gpkg.exists()
    assert "written to" in done.stderr
    data = json.loads(done.stdout)  # stdout holds the JSON object and nothing else
    import pyogrio

    meta = pyogrio.read_info(gpkg, layer="areas")["layer_metadata"]
    assert meta["on_scene_minutes"] == "20.0"
    assert meta["population_beyond_norm"] == str(data["population_beyond_norm"])
    assert set(data) == {
        "settings",
        "population",
        "population_beyond_norm",
        "share_beyond_norm",
        "sensitive_sites",
    }


NL = PROJECT / "regions" / "nl"


def _layers_match_flags(result):
    import shapely

    from acutesim.report.maps import map_layers

    layers = map_layers(result)
    flagged = set(result.areas.loc[result.areas["beyond_norm"], "area_id"])
    assert set(layers.beyond["area_id"]) == flagged  # area by area, never dissolved
    assert len(layers.cells) == len(result.areas)
    assert layers.cells.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    outline = layers.outline.iloc[0]
    geoms = result.areas.geometry
    drawable = geoms.geom_type.isin(["Point", "MultiPoint"]) | (geoms.area > 0)  # PC4 5028: 0 m2
    points = geoms[drawable].representative_point()
    assert shapely.contains(outline.buffer(1.0), points.to_numpy()).all()
    return layers


def _drawn_legend(ax):
    return _legend_texts(ax)


def test_demo_beyond_layer_is_the_flagged_areas_even_when_most_are_beyond(demo):
    """av at a 30-minute norm: most of the region is beyond, the holes are not."""
    from acutesim.geo.reachability import reachability
    from acutesim.report.maps import plot_reachability_map

    region, areas = demo
    result = reachability(region, service="av", norm_minutes=30.0, areas=areas)
    share = result.areas["beyond_norm"].mean()
    assert share > 0.5
    layers = _layers_match_flags(result)
    assert not layers.from_points
    within = set(result.areas.loc[~result.areas["beyond_norm"], "area_id"])
    assert within
    assert within.isdisjoint(layers.beyond["area_id"])
    ax = plot_reachability_map(result, region)
    legend = _drawn_legend(ax)
    assert "beyond the 30-minute norm" in legend
    assert "outline of the region" in legend
    assert "closed SEH" not in legend  # nothing closed: not drawn, not in the legend


def test_demo_labels_only_closed_and_sensitive_sites(demo):
    from acutesim.geo.reachability import reachability
    from acutesim.report.maps import label_sites, plot_reachability_map

    region, areas = demo
    result = reachability(region, closed=["kust"], areas=areas, with_sensitivity=True)
    wanted = label_sites(result)
    assert wanted[0] == "kust"
    ax = plot_reachability_map(result, region)
    names = {s.site_id: s.name for s in region.sites}
    labels = [t.get_text() for t in ax.texts]
    assert labels[0] == names["kust"]
    assert set(labels) <= {names[s] for s in wanted}
    assert names["noord_dag"] not in labels  # a day-only SEH is neither closed nor sensitive


@pytest.mark.skipif(not (NL / "region.toml").exists(), reason="regions/nl is not present")
def test_national_map_cells_outline_labels_and_legend(tmp_path):
    from acutesim.config.load import load_region_with_areas
    from acutesim.geo.reachability import reachability
    from acutesim.report.maps import MAX_SENSITIVE_LABELS, plot_reachability_map

    region, areas = load_region_with_areas(NL)
    result = reachability(region, areas=areas, with_sensitivity=True)
    layers = _layers_match_flags(result)
    assert not layers.from_points  # CBS PC4 polygons, drawn as they are
    ax = plot_reachability_map(result, region)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert 0 < len(boxes) <= MAX_SENSITIVE_LABELS
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    frame = ax.get_window_extent(renderer)
    assert frame.height > 0.6 * fig.bbox.height  # the map fills the figure, not half of it
    legend = _drawn_legend(ax)
    assert "closed SEH" not in legend
    assert "ambulance post, part-time (not counted)" not in legend  # the pack has none
    assert "beyond the 45-minute norm" in legend


@pytest.mark.slow
@pytest.mark.skipif(not (NL / "region.toml").exists(), reason="regions/nl is not present")
def test_pc4_polygons_draw_thin_with_a_clean_outline():
    """regions/nl's 4,067 PC4 polygons: the outline is the coast and the lakes, not the
    slivers between postcode areas, and 4,000 borders are drawn thin."""
    import numpy as np
    import shapely

    from acutesim.config.load import load_region_with_areas
    from acutesim.geo.reachability import reachability
    from acutesim.report.maps import plot_reachability_map

    region, areas = load_region_with_areas(NL)
    result = reachability(region, areas=areas)
    layers = _layers_match_flags(result)
    outline = layers.outline.iloc[0]
    parts = shapely.get_parts(outline)
    assert len(parts) < 60  # the mainland and the islands, not thousands of slivers
    assert sum(len(p.interiors) for p in parts) < 60
    ax = plot_reachability_map(result, region)
    widths = {float(w) for c in ax.collections[:1] for w in np.atleast_1d(c.get_linewidth())}
    assert max(widths) <= 0.05  # thin outlines: 4,000 borders must not paint the map dark
