"""The ``[travel]`` table of a region pack: its models, parameters, defaults and checks.

``config`` validates a pack's ``[travel]`` table here when it loads the pack, and the
travel models in :mod:`acutesim.geo.travel` read the same names and defaults, so the
table is described once, below every layer that reads it. A model is a spec class in
:mod:`acutesim.domain.specs` (:data:`~acutesim.domain.specs.TRAVEL_SPECS`), with its
parameter names (``parameters``), one module and one builder in
``geo/travel/registry.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from acutesim.domain.specs import TRAVEL_SPECS
from acutesim.errors import did_you_mean

# ambulance: with siren (A0/A1); ambulance_no_siren: A2 rides and returns; car: private car
PROFILES: tuple[str, ...] = ("ambulance", "ambulance_no_siren", "car")
MODELS: tuple[str, ...] = tuple(TRAVEL_SPECS)  # straight_line, road_network, matrix, routed

# --- default parameters --------------------------------------------------------------
# The straight-line model turns a straight-line distance into road kilometres with a
# detour factor and then into minutes with a marginal speed per distance band: the
# first kilometres of every trip are driven at the (slow) speed of band 0, the next at
# the speed of band 1, and so on, so that average speed grows with trip length.
#
# Calibrated against Dutch open data by scripts/calibrate_travel.py; the fit, the data,
# the alternatives and the sensitivity are in docs/calibration-reachability.md.
# source (car): OpenRouteService driving-car 30-minute isochrones around the RIVM 2019
#   SEH/AV locations and OSRM 15-minute isochrones around the RIVM 2019 ambulance posts
#   (TNO "Selectie van ziekenhuizen", 2020; OpenStreetMap), against CBS PC4 population
#   2021: speeds chosen so that circles of 15 and 30 minutes hold as many inhabitants
#   as the isochrones. Band edges and relative band speeds: assumption.
# source (ambulance): RUG Geodienst for RTL Nieuws, "Aanrijtijden ambulances in
#   Nederland in beeld", 2017: 385,000 inhabitants (about 2.3%) beyond a 12-minute drive
#   from the nearest post; the car speeds times one factor (1.354) reproduce that share
#   with the 224 24/7 posts of RIVM 2019.
# Detour factor: assumption (with straight lines only detour / speed is identified).
DEFAULT_BAND_EDGES_KM: tuple[float, ...] = (0.0, 2.0, 5.0, 10.0, 20.0)
DEFAULT_DETOUR_FACTOR = 1.3  # road km per straight-line km
AMBULANCE_BAND_SPEEDS_KM_PER_HOUR: tuple[float, ...] = (31.4, 56.6, 81.7, 92.6, 110.0)
CAR_BAND_SPEEDS_KM_PER_HOUR: tuple[float, ...] = (23.2, 41.8, 60.3, 68.4, 81.2)
BAND_SPEEDS_BY_PROFILE: Mapping[str, tuple[float, ...]] = {
    "ambulance": AMBULANCE_BAND_SPEEDS_KM_PER_HOUR,
    "ambulance_no_siren": CAR_BAND_SPEEDS_KM_PER_HOUR,  # assumption: no siren, car speeds
    "car": CAR_BAND_SPEEDS_KM_PER_HOUR,
}

# --- the table's keys and their checks ----------------------------------------------
# dispatch_minutes and on_scene_minutes: the norm's fixed minutes (acutesim.geo.norm)
COMMON_KEYS = {
    "model",
    "source",
    "sources",
    "notes",
    "description",
    "dispatch_minutes",
    "on_scene_minutes",
}
PARAMETERS_BY_MODEL: dict[str, frozenset[str]] = {
    name: spec.parameters for name, spec in TRAVEL_SPECS.items()
}
_ALL_PARAM_KEYS = set().union(*PARAMETERS_BY_MODEL.values())
_NUMBER_KEYS = {
    "dispatch_minutes",
    "on_scene_minutes",
    "detour_factor",
    "speed_factor",
    "access_speed_km_per_hour",
    "access_detour_factor",
    "node_tolerance_m",
}


def validate_travel_config(travel: Mapping[str, Any], pack_dir: str | Path) -> list[str]:
    """Check the ``[travel]`` table of region.toml; return one located problem per line.

    The table names a ``model`` (``straight_line``, ``road_network`` or ``matrix``) and
    its parameters; ``[travel.ambulance]`` and ``[travel.car]`` sub-tables override them
    per profile.

    Parameters
    ----------
    travel : mapping
        The raw ``[travel]`` table.
    pack_dir : str or Path
        The region pack folder; file names are relative to it.

    Returns
    -------
    list of str
        Problems such as ``"region.toml [travel]: unknown key 'detour_factr'; did you
        mean 'detour_factor'?"``; empty when the table is valid.
    """
    problems: list[str] = []
    where = "region.toml [travel]"
    model = travel.get("model", "straight_line")
    if model not in MODELS:
        problems.append(
            f"{where} model: {model!r} is not one of {', '.join(MODELS)}"
            f"{did_you_mean(str(model), MODELS)}"
        )
        return problems
    allowed = PARAMETERS_BY_MODEL[model]
    _check_table(travel, where, model, allowed, pack_dir, problems, top=True)
    for profile in PROFILES:
        sub = travel.get(profile)
        if sub is None:
            continue
        if not isinstance(sub, Mapping):
            problems.append(f"{where} {profile}: must be a table of parameters, got {sub!r}")
            continue
        _check_table(sub, f"region.toml [travel.{profile}]", model, allowed, pack_dir, problems)
    if model == "road_network" and not _has_key(travel, "network"):
        problems.append(f"{where}: model 'road_network' needs 'network' (a .gpkg or .geojson file)")
    if model == "matrix" and not _has_key(travel, "matrix"):
        problems.append(f"{where}: model 'matrix' needs 'matrix' (a .csv or .parquet file)")
    if model == "routed" and "matrices" not in travel:
        problems.append(f"{where}: model 'routed' needs 'matrices' (the cached .parquet file)")
    return problems


def _has_key(travel: Mapping[str, Any], key: str) -> bool:
    subs = [travel.get(p) for p in PROFILES]
    return key in travel or any(isinstance(s, Mapping) and key in s for s in subs)


def _check_table(
    table: Mapping[str, Any],
    where: str,
    model: str,
    allowed: frozenset[str],
    pack_dir: str | Path,
    problems: list[str],
    *,
    top: bool = False,
) -> None:
    known = allowed | (COMMON_KEYS | set(PROFILES) if top else set())
    for key in table:
        if key in known:
            continue
        if key in _ALL_PARAM_KEYS:
            other = next(m for m, keys in PARAMETERS_BY_MODEL.items() if key in keys)
            problems.append(f"{where}: key {key!r} belongs to model {other!r}, not {model!r}")
        else:
            hint = did_you_mean(key, known | _ALL_PARAM_KEYS)
            problems.append(f"{where}: unknown key {key!r}{hint}")
    for key in sorted(_NUMBER_KEYS & set(table)):
        value = table[key]
        if key in ("dispatch_minutes", "on_scene_minutes"):
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                problems.append(f"{where} {key}: must be a number of minutes >= 0, got {value!r}")
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            problems.append(f"{where} {key}: must be a positive number, got {value!r}")
    if "detour_factor" in table and isinstance(table["detour_factor"], int | float):
        if table["detour_factor"] < 1:
            problems.append(
                f"{where} detour_factor: {table['detour_factor']!r} is below 1 (road "
                "distance cannot be shorter than the straight line)"
            )
    if "band_edges_km" in table or "band_speeds_km_per_hour" in table:
        edges = table.get("band_edges_km", DEFAULT_BAND_EDGES_KM)
        speeds = table.get("band_speeds_km_per_hour", AMBULANCE_BAND_SPEEDS_KM_PER_HOUR)
        if not isinstance(edges, list | tuple) or not isinstance(speeds, list | tuple):
            problems.append(f"{where}: band_edges_km and band_speeds_km_per_hour must be lists")
        else:
            problems.extend(f"{where}: {p}" for p in check_bands(edges, speeds))
    classes = table.get("speed_by_road_class_km_per_hour")
    if classes is not None:
        if not isinstance(classes, Mapping):
            problems.append(f"{where} speed_by_road_class_km_per_hour: must be a table")
        else:
            for cls_, v in classes.items():
                if isinstance(v, bool) or not isinstance(v, int | float) or not v > 0:
                    problems.append(
                        f"{where} speed_by_road_class_km_per_hour.{cls_}: must be a positive "
                        f"number of km/h, got {v!r}"
                    )
    for key, suffixes in (
        ("network", (".gpkg", ".geojson", ".json")),
        ("matrix", (".csv", ".parquet")),
        ("matrices", (".parquet",)),
    ):
        if key not in table or key not in allowed or (model == "routed" and key == "network"):
            continue
        value = table[key]
        if not isinstance(value, str):
            problems.append(f"{where} {key}: must be a file name, got {value!r}")
            continue
        file = Path(pack_dir) / value
        if Path(value).suffix.lower() not in suffixes:
            problems.append(f"{where} {key}: {value!r} must end in {', '.join(suffixes)}")
        elif key == "matrices":
            continue  # a missing cache is reported on use, with how to rebuild it
        elif not file.exists():
            problems.append(f"{where} {key}: file {value!r} not found in '{pack_dir}'")


def check_bands(edges: Sequence[Any], speeds: Sequence[Any]) -> list[str]:
    """Problems with distance band edges [km] and their speeds [km/h] (empty when valid)."""
    problems: list[str] = []
    try:
        e = np.asarray(edges, dtype=float)
        v = np.asarray(speeds, dtype=float)
    except (TypeError, ValueError):
        return [
            f"band_edges_km and band_speeds_km_per_hour must be lists of numbers, got "
            f"{list(edges)!r} and {list(speeds)!r}"
        ]
    if e.ndim != 1 or e.size == 0 or e[0] != 0.0 or np.any(np.diff(e) <= 0):
        problems.append(
            f"band_edges_km must start at 0 and increase, got {[float(x) for x in e.ravel()]}"
        )
    if v.ndim != 1 or v.size != e.size:
        problems.append(
            f"band_speeds_km_per_hour needs one speed per band ({e.size}), got {v.size}"
        )
    elif not np.all(np.isfinite(v)) or np.any(v <= 0):
        problems.append(f"band_speeds_km_per_hour must be positive, got {[float(x) for x in v]}")
    return problems
