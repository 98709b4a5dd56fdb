"""One entry per travel model: the geo builders, the names geo accepts and the domain specs."""

from __future__ import annotations

from acutesim.domain.specs import TRAVEL_SPECS
from acutesim.domain.travel_table import MODELS
from acutesim.geo.travel.registry import TRAVEL_BUILDERS


def test_every_travel_model_has_one_builder_and_one_spec():
    assert set(TRAVEL_BUILDERS) == set(MODELS)
    assert set(TRAVEL_SPECS) == set(MODELS)
