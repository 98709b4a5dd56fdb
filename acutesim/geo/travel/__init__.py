"""Travel times between places: how long an ambulance or a car drives from A to B.

An ambulance leaves a post, drives to the patient and then on to an SEH; a patient may
also drive to a hospital by car. Each leg takes minutes that depend on the road
distance and on the speeds reached on it: short trips through town are slow, long trips
use motorways. Islands are reached only by ferry, never by a straight line across the
water. Four models give these minutes behind one interface,
:class:`TravelTimeModel`: a calibrated straight-line model (the offline default), a
road-network model (shortest paths over road segments), a precomputed matrix file and
the routed matrices cached in a pack. One module per model; :mod:`.registry` validates a
pack's ``[travel]`` table and builds the model it names.

This package is numpy and scipy only, so that the simulation can import it: line layers
are read with pyogrio and shapely (:mod:`acutesim.geo.layers`), never with geopandas.
The calibration of the default speeds is cited in :mod:`.straight_line`.
"""

from __future__ import annotations

from acutesim.domain.travel_table import (
    AMBULANCE_BAND_SPEEDS_KM_PER_HOUR,
    BAND_SPEEDS_BY_PROFILE,
    CAR_BAND_SPEEDS_KM_PER_HOUR,
    DEFAULT_BAND_EDGES_KM,
    DEFAULT_DETOUR_FACTOR,
    MODELS,
    PROFILES,
    validate_travel_config,
)
from acutesim.geo.travel.base import (
    ACCESS_SPEED_KM_PER_HOUR,
    MAINLAND,
    NODE_TOLERANCE_M,
    SPEED_BY_ROAD_CLASS_KM_PER_HOUR,
    SPEED_FACTOR_BY_PROFILE,
    Locations,
    Profile,
    TravelTimeModel,
)
from acutesim.geo.travel.io import (
    read_road_network,
)
from acutesim.geo.travel.matrix import (
    CachedRoutedModel,
    MatrixModel,
    routed_matrices,
)
from acutesim.geo.travel.registry import (
    build_travel_model,
)
from acutesim.geo.travel.road_network import (
    RoadNetwork,
    RoadNetworkModel,
)
from acutesim.geo.travel.straight_line import (
    StraightLineModel,
)

__all__ = [
    "ACCESS_SPEED_KM_PER_HOUR",
    "AMBULANCE_BAND_SPEEDS_KM_PER_HOUR",
    "BAND_SPEEDS_BY_PROFILE",
    "CAR_BAND_SPEEDS_KM_PER_HOUR",
    "DEFAULT_BAND_EDGES_KM",
    "DEFAULT_DETOUR_FACTOR",
    "MAINLAND",
    "MODELS",
    "NODE_TOLERANCE_M",
    "PROFILES",
    "SPEED_BY_ROAD_CLASS_KM_PER_HOUR",
    "SPEED_FACTOR_BY_PROFILE",
    "CachedRoutedModel",
    "Locations",
    "MatrixModel",
    "Profile",
    "RoadNetwork",
    "RoadNetworkModel",
    "StraightLineModel",
    "TravelTimeModel",
    "build_travel_model",
    "read_road_network",
    "routed_matrices",
    "validate_travel_config",
]
