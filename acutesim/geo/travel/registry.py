"""Build the travel model a region pack's ``[travel]`` table names.

The table's models, parameter names, defaults and checks are in
:mod:`acutesim.domain.travel_table`, where ``config`` checks them when it loads a pack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acutesim.domain.travel_table import (
    COMMON_KEYS,
    DEFAULT_DETOUR_FACTOR,
    PROFILES,
    validate_travel_config,
)
from acutesim.errors import GeoError, did_you_mean
from acutesim.geo.travel.base import ACCESS_SPEED_KM_PER_HOUR, NODE_TOLERANCE_M, TravelTimeModel
from acutesim.geo.travel.io import read_road_network
from acutesim.geo.travel.matrix import CachedRoutedModel, MatrixModel, routed_matrices
from acutesim.geo.travel.road_network import RoadNetworkModel
from acutesim.geo.travel.straight_line import StraightLineModel

if TYPE_CHECKING:
    from acutesim.domain.region import Region


def _profile_params(travel: Mapping[str, Any], profile: str) -> dict[str, Any]:
    params = {k: v for k, v in travel.items() if k not in COMMON_KEYS and k not in PROFILES}
    sub = travel.get(profile)
    if isinstance(sub, Mapping):
        params.update(sub)
    return params


def build_travel_model(region: Region, profile: str = "ambulance") -> TravelTimeModel:
    """The travel-time model a region pack asks for in its ``[travel]`` table.

    Parameters
    ----------
    region : Region
        The loaded region; ``region.travel`` holds the raw table and ``region.ferries``
        the ferry links.
    profile : str
        ``ambulance`` (urgent driving with sirens) or ``car`` (private car).

    Returns
    -------
    TravelTimeModel
        Gives minutes [min] between :class:`Locations`.

    Raises
    ------
    GeoError
        On an unknown profile or an invalid ``[travel]`` table.
    """
    if profile not in PROFILES:
        raise GeoError(
            f"unknown travel profile {profile!r}{did_you_mean(profile, PROFILES)} "
            f"(known: {', '.join(PROFILES)})"
        )
    travel = dict(region.travel or {})
    pack_dir = Path(region.pack_path or ".")
    problems = validate_travel_config(travel, pack_dir)
    if problems:
        raise GeoError("; ".join(problems))
    model = travel.get("model", "straight_line")
    build = TRAVEL_BUILDERS[model]  # validate_travel_config refused unknown models
    return build(_BuildContext(region, travel, _profile_params(travel, profile), pack_dir, profile))


@dataclass(frozen=True)
class _BuildContext:
    """What a travel model's builder reads: the region, its table, the profile's settings."""

    region: Region
    travel: Mapping[str, Any]
    params: Mapping[str, Any]
    pack_dir: Path
    profile: str


def _straight_line(c: _BuildContext) -> TravelTimeModel:
    return StraightLineModel.for_profile(
        c.profile,
        c.region.ferries,
        **{k: tuple(v) if isinstance(v, list) else v for k, v in c.params.items()},
    )


def _matrix(c: _BuildContext) -> TravelTimeModel:
    found = MatrixModel.from_file(c.pack_dir / c.params["matrix"], profile=c.profile)
    if c.profile == "ambulance_no_siren" and not found.minutes_by_pair:
        return MatrixModel.from_file(c.pack_dir / c.params["matrix"], profile="car")
    return found


def _routed(c: _BuildContext) -> TravelTimeModel:
    return CachedRoutedModel(routed_matrices(c.pack_dir / c.travel["matrices"]), c.profile)


def _road_network(c: _BuildContext) -> TravelTimeModel:
    params = c.params
    network = read_road_network(
        c.pack_dir / params["network"],
        profile=c.profile,
        speed_column=params.get("speed_column"),
        road_class_column=params.get("road_class_column"),
        speed_by_road_class_km_per_hour=params.get("speed_by_road_class_km_per_hour"),
        speed_factor=params.get("speed_factor"),
        node_tolerance_m=params.get("node_tolerance_m", NODE_TOLERANCE_M),
        layer=params.get("layer"),
    )
    return RoadNetworkModel(
        network,
        c.region.ferries,
        access_speed_km_per_hour=params.get("access_speed_km_per_hour", ACCESS_SPEED_KM_PER_HOUR),
        access_detour_factor=params.get("access_detour_factor", DEFAULT_DETOUR_FACTOR),
    )


# The travel models by the name a pack's ``[travel] model`` gives: a new model is its
# module, its keys in _PROFILE_KEYS_BY_MODEL and one entry here.
TRAVEL_BUILDERS: dict[str, Callable[[_BuildContext], TravelTimeModel]] = {
    "straight_line": _straight_line,
    "road_network": _road_network,
    "matrix": _matrix,
    "routed": _routed,
}
