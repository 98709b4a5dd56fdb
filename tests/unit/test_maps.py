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
