"""packs.writer.region_toml: region.toml of a built pack, written with tomli-w."""

from __future__ import annotations

import math
import tomllib

import pytest

from acutesim.packs.inputs import Island
from acutesim.packs.writer import region_toml


def _text(**overrides):
    args = {
        "name": 'Zee "land"',
        "description": "Built from a\\b.gpkg\nsecond line",
        "sources": ["CBS, Kerncijfers 2023", "RIVM, SEH-locaties 2024"],
        "files": {"areas": "areas.gpkg", "sites": "sites.csv"},
        "travel": {"model": "routed", "limit_minutes": 60.0, "access_only_classes": ["service"]},
        "islands": [
            Island("island_texel", 3, 13_000, (112_345.4, 560_000.5), (113_000.5, 553_999.6), 45.0)
        ],
        "organisations": {"org 1": "Zorg & Co", "umcg": "UMCG"},
    }
    args.update(overrides)
    return region_toml(**args)


def test_region_toml_reads_back_to_what_was_written():
    data = tomllib.loads(_text())
    assert data["name"] == 'Zee "land"'
    assert data["description"] == "Built from a\\b.gpkg\nsecond line"
    assert data["sources"] == ["CBS, Kerncijfers 2023", "RIVM, SEH-locaties 2024"]
    assert data["files"] == {"areas": "areas.gpkg", "sites": "sites.csv"}
    assert data["travel"] == {
        "model": "routed",
        "limit_minutes": 60.0,
        "access_only_classes": ["service"],
    }
    assert data["organisations"] == {"org 1": {"name": "Zorg & Co"}, "umcg": {"name": "UMCG"}}
    (ferry,) = data["ferries"]
    assert ferry["zone"] == "island_texel"
    assert ferry["name"] == "texel ferry"
    # ferry ends in whole metres (round half to even, as the pack format always had)
    assert (ferry["terminal_x"], ferry["terminal_y"]) == (112_345, 560_000)
    assert (ferry["port_x"], ferry["port_y"]) == (113_000, 554_000)
    assert isinstance(ferry["terminal_x"], int)
    assert ferry["crossing_minutes"] == 45.0


def test_floats_are_rounded_to_six_decimals():
    data = tomllib.loads(_text(travel={"model": "routed", "limit_minutes": 1 / 3}))
    assert data["travel"]["limit_minutes"] == 0.333333


def test_no_islands_and_no_organisations_write_no_tables():
    data = tomllib.loads(_text(islands=[], organisations={}))
    assert "ferries" not in data
    assert "organisations" not in data


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_non_finite_number_is_refused(bad):
    with pytest.raises(ValueError, match="TOML has no"):
        _text(travel={"model": "routed", "limit_minutes": bad})
