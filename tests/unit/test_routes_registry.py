"""The arrival routes: one list in the domain, one journey each in the simulation."""

from __future__ import annotations

import pytest

from acutesim.config.schema import StreamSpec
from acutesim.domain.routes import ARRIVAL_GROUPS, ARRIVAL_ROUTES, ROUTES
from acutesim.errors import ConfigError
from acutesim.kpi import kpi_names
from acutesim.sim.journeys import JOURNEYS
from acutesim.sim.recorder import ROUTE_GROUP


def test_every_route_has_a_journey_and_an_arrival_group():
    assert set(JOURNEYS) == set(ROUTES) == set(ARRIVAL_ROUTES)
    for name, route in ARRIVAL_ROUTES.items():
        assert route.name == name
        assert route.arrival_group in ARRIVAL_GROUPS
        assert ROUTE_GROUP[name] == route.arrival_group
    assert {r.arrival_group for r in ARRIVAL_ROUTES.values()} == set(ARRIVAL_GROUPS)


def test_every_arrival_group_has_its_share_kpi():
    prefix = "share_arrival_"
    shares = {n.removeprefix(prefix) for n in kpi_names() if n.startswith(prefix)}
    assert shares == set(ARRIVAL_GROUPS)


@pytest.mark.parametrize("route", ROUTES)
def test_the_stream_schema_accepts_exactly_the_routes(route):
    StreamSpec(route=route, rate_per_1000_per_year=1.0, profile="flat")


def test_an_unknown_route_is_refused():
    with pytest.raises((ValueError, ConfigError)):
        StreamSpec(route="helicopter", rate_per_1000_per_year=1.0, profile="flat")
