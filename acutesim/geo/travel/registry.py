"""Travel settings of a region pack: validate ``[travel]`` and build the model it names."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acutesim.errors import GeoError, did_you_mean
from acutesim.geo.travel.base import (
    ACCESS_SPEED_KM_PER_HOUR,
    AMBULANCE_BAND_SPEEDS_KM_PER_HOUR,
    DEFAULT_BAND_EDGES_KM,
    DEFAULT_DETOUR_FACTOR,
    MODELS,
    NODE_TOLERANCE_M,
    PROFILES,
    TravelTimeModel,
)
from acutesim.geo.travel.io import read_road_network
from acutesim.geo.travel.matrix import CachedRoutedModel, MatrixModel, routed_matrices
from acutesim.geo.travel.road_network import RoadNetworkModel
from acutesim.geo.travel.straight_line import StraightLineModel, check_bands

if TYPE_CHECKING:
    from acutesim.domain.region import Region


# --- configuration -------------------------------------------------------------------
# dispatch_minutes and on_scene_minutes: the norm's fixed minutes (acutesim.geo.norm)
_COMMON_KEYS = {
    "model",
    "source",
    "sources",
    "notes",
    "description",
    "dispatch_minutes",
    "on_scene_minutes",
}
_PROFILE_KEYS_BY_MODEL: dict[str, set[str]] = {
    "straight_line": {"detour_factor", "band_edges_km", "band_speeds_km_per_hour"},
    "road_network": {
        "network",
        "layer",
        "speed_column",
        "road_class_column",
        "speed_by_road_class_km_per_hour",
        "speed_factor",
        "access_speed_km_per_hour",
        "access_detour_factor",
        "node_tolerance_m",
    },
    "matrix": {"matrix"},
    # routed matrices cached in the pack (acutesim.geo.routing); the network and speed
    # profile keys say what the cache was built from and how to rebuild it
    "routed": {
        "matrices",
        "network",
        "limit_minutes",
        "speed_by_class_km_per_hour",
        "unlisted_speed_km_per_hour",
        "speed_factor",
        "legal_speed_cap_factor",
        "ferry_speed_km_per_hour",
        "ferry_wait_minutes",
        "access_speed_km_per_hour",
        "access_detour_factor",
        "no_snap_classes",
        "access_only_classes",
        "keep_near_ferry_m",
        "max_snap_m",
    },
}
_ALL_PARAM_KEYS = set().union(*_PROFILE_KEYS_BY_MODEL.values())
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
    allowed = _PROFILE_KEYS_BY_MODEL[model]
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
    allowed: set[str],
    pack_dir: str | Path,
    problems: list[str],
    *,
    top: bool = False,
) -> None:
    known = allowed | (_COMMON_KEYS | set(PROFILES) if top else set())
    for key in table:
        if key in known:
            continue
        if key in _ALL_PARAM_KEYS:
            other = next(m for m, keys in _PROFILE_KEYS_BY_MODEL.items() if key in keys)
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


def _profile_params(travel: Mapping[str, Any], profile: str) -> dict[str, Any]:
    params = {k: v for k, v in travel.items() if k not in _COMMON_KEYS and k not in PROFILES}
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
