"""Who can reach a 24/7 SEH by ambulance within 45 minutes, and which SEHs are gevoelig.

For every area, an ambulance is alerted, drives from the nearest 24/7 post, treats the
patient on scene and drives to the nearest open 24/7 SEH (or acute obstetrics unit);
the areas where this takes longer than the norm hold the population beyond the norm.
An SEH is gevoelig when closing it alone adds inhabitants beyond the norm. The answers
are GeoDataFrames in EPSG:28992 that QGIS opens directly (``write_gpkg``).

The arithmetic is vectorised in :mod:`acutesim.geo.norm` (no Python loop over areas);
this module adds ids, names and geometry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from acutesim.errors import ConfigError, GeoError, did_you_mean
from acutesim.geo.crs import RD_NEW, require_rd_new
from acutesim.geo.norm import (
    NO_SITE,
    NormInputs,
    NormParameters,
    call_to_door_minutes,
    extra_population_beyond_norm,
    norm_parameters,
    population_beyond_norm,
    response_minutes,
)
from acutesim.geo.travel import build_travel_model

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from acutesim.domain.region import Region
    from acutesim.geo.travel import TravelTimeModel

AREA_COLUMNS: tuple[str, ...] = (
    "area_id",
    "name",
    "population",
    "zone",
    "nearest_post_id",
    "response_minutes",
    "nearest_site_id",
    "call_to_door_minutes",
    "beyond_norm",
)


@dataclass(frozen=True)
class ReachabilityResult:
    """The 45-minute norm for one region and one set of closed sites.

    Attributes
    ----------
    areas : GeoDataFrame
        One row per area, EPSG:28992, with ``area_id``, ``name``, ``population``
        [persons], ``zone``, ``nearest_post_id``, ``response_minutes`` [min],
        ``nearest_site_id``, ``call_to_door_minutes`` [min] and ``beyond_norm``.
    population : float
        Inhabitants of the region [persons].
    population_beyond_norm : float
        Inhabitants with call-to-door minutes above the norm [persons].
    share_beyond_norm : float
        ``population_beyond_norm / population`` [0-1].
    norm_minutes : float
        The norm [min].
    service : str
        ``seh`` or ``av``.
    closed : tuple of str
        Site ids taken as closed.
    site_ids : tuple of str
        Sites that count for the service (24/7 SEH, or acute obstetrics), open or not.
    open_site_ids : tuple of str
        Counted sites that are open.
    params : NormParameters
        Dispatch, on-scene and norm minutes used [min].
    sensitivity : DataFrame or None
        ``site_id``, ``name``, ``extra_population_beyond_norm`` [persons] per open
        counted site, when asked for.
    """

    areas: gpd.GeoDataFrame
    population: float
    population_beyond_norm: float
    share_beyond_norm: float
    norm_minutes: float
    service: str
    closed: tuple[str, ...]
    site_ids: tuple[str, ...]
    open_site_ids: tuple[str, ...]
    params: NormParameters
    sensitivity: pd.DataFrame | None = None
    profile: str = "ambulance"
    travel_model: str = ""

    def settings(self) -> dict[str, Any]:
        """The settings behind the figure: fixed minutes, norm, profile, closed sites."""
        return {
            "dispatch_minutes": self.params.dispatch_minutes,
            "on_scene_minutes": self.params.on_scene_minutes,
            "norm_minutes": self.params.norm_minutes,
            "profile": self.profile,
            "travel_model": self.travel_model,
            "service": self.service,
            "closed": list(self.closed),
        }

    def settings_text(self) -> str:
        """The settings on one line (map titles, summaries)."""
        s = self.settings()
        closed = ", ".join(self.closed) if self.closed else "none"
        return (
            f"dispatch {s['dispatch_minutes']:g} min, on scene {s['on_scene_minutes']:g} min, "
            f"norm {s['norm_minutes']:g} min, profile {s['profile']}, "
            f"travel {s['travel_model'] or '?'}, closed: {closed}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Summary for JSON output; ``sensitive_sites`` lists the sites with extra > 0.

        Inhabitant counts are whole persons [persons]; the share is 0-1.
        """
        out: dict[str, Any] = {
            "settings": self.settings(),
            "population": _persons(self.population),
            "population_beyond_norm": _persons(self.population_beyond_norm),
            "share_beyond_norm": self.share_beyond_norm,
        }
        if self.sensitivity is not None:
            out["sensitive_sites"] = [
                {"site_id": str(site_id), "extra_population_beyond_norm": _persons(extra)}
                for site_id, extra in zip(
                    self.sensitivity["site_id"],
                    self.sensitivity["extra_population_beyond_norm"],
                    strict=True,
                )
                if extra > 0
            ]
        return out

    def summary_text(self) -> str:
        """A few lines for people: totals, and the sensitive sites when computed."""
        what = "a 24/7 SEH" if self.service == "seh" else "24/7 acute obstetrics"
        closed = f" with {', '.join(self.closed)} closed" if self.closed else ""
        lines = [
            f"settings: {self.settings_text()}",
            f"population: {self.population:,.0f}",
            f"beyond the {self.norm_minutes:g}-minute norm to {what}{closed}: "
            f"{self.population_beyond_norm:,.0f} ({self.share_beyond_norm:.2%})",
        ]
        if self.sensitivity is not None:
            sens = self.sensitivity[self.sensitivity["extra_population_beyond_norm"] > 0]
            lines.append(f"sensitive sites (gevoelig): {len(sens)} of {len(self.sensitivity)}")
            lines += [
                f"  {r.site_id:<16} {r.name:<32} +{r.extra_population_beyond_norm:,.0f}"
                for r in sens.itertuples()
            ]
        return "\n".join(lines)


def _persons(value: float) -> int:
    return round(float(value))


def check_closed(region: Region, closed: Iterable[str]) -> tuple[str, ...]:
    """Return the closed site ids, raising ConfigError naming every unknown id.

    Raises
    ------
    ConfigError
        One line per unknown id, with a did-you-mean hint and the known ids.
    """
    ids = tuple(dict.fromkeys(str(c).strip() for c in closed if str(c).strip()))
    known = [s.site_id for s in region.sites]
    problems = [
        f"unknown site_id {sid!r}{did_you_mean(sid, known)} (known: {', '.join(known)})"
        for sid in ids
        if sid not in known
    ]
    if problems:
        raise ConfigError(f"closed sites for region '{region.name}'", problems)
    return ids


def _norm_params(params: NormParameters | None, norm_minutes: float) -> NormParameters:
    return replace(params or NormParameters(), norm_minutes=float(norm_minutes))


def area_frame(region: Region, areas: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Areas of the region as a GeoDataFrame in region order (EPSG:28992).

    Uses ``areas`` (e.g. from ``load_region_with_areas``) when given, else the
    geometry stored on each :class:`~acutesim.domain.region.Area`, else its point.

    Raises
    ------
    GeoError
        When ``areas`` is not in EPSG:28992 or lacks some of the region's area ids.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    ids = list(region.area_ids)
    if areas is not None:
        require_rd_new(areas, "areas")
        if "area_id" not in areas.columns:
            raise GeoError("areas: missing column 'area_id'")
        by_id = areas.set_index(areas["area_id"].astype(str))
        missing = [i for i in ids if i not in by_id.index]
        if missing:
            raise GeoError(
                f"areas: {len(missing)} area ids of region '{region.name}' are missing, "
                f"e.g. {missing[0]!r}"
            )
        geometry = by_id.loc[ids].geometry.to_numpy()
    else:
        geometry = [
            a.geometry if a.geometry is not None else Point(a.x_m, a.y_m) for a in region.areas
        ]
    return gpd.GeoDataFrame(
        {
            "area_id": ids,
            "name": [a.name for a in region.areas],
            "population": [a.population for a in region.areas],
            "zone": [a.zone for a in region.areas],
        },
        geometry=list(geometry),
        crs=RD_NEW,
    )


def reachability(
    region: Region,
    *,
    closed: Iterable[str] = (),
    norm_minutes: float = 45.0,
    service: str = "seh",
    params: NormParameters | None = None,
    areas: gpd.GeoDataFrame | None = None,
    model: TravelTimeModel | None = None,
    with_sensitivity: bool = False,
    profile: str = "ambulance",
) -> ReachabilityResult:
    """Compute the 45-minute norm per area, RIVM style.

    Call-to-door = dispatch + drive from the nearest 24/7 post + on scene + drive to
    the nearest open counted site. Only 24/7 posts and 24/7 SEHs count (RIVM); with
    ``service="av"`` the sites with acute obstetrics count instead.

    Parameters
    ----------
    region : Region
        The loaded region.
    closed : iterable of str
        Site ids to treat as closed.
    norm_minutes : float, default 45.0
        The norm [min]; overrides ``params.norm_minutes``.
    service : {"seh", "av"}
        Which sites count.
    params : NormParameters, optional
        Dispatch and on-scene minutes [min]; the pack's ``[travel]`` values (or the
        code defaults) when omitted, see :func:`acutesim.geo.norm.norm_parameters`.
    areas : GeoDataFrame, optional
        Area polygons in EPSG:28992 (from ``load_region_with_areas``).
    model : TravelTimeModel, optional
        Travel-time model; the region's model of ``profile`` when omitted.
    with_sensitivity : bool
        Also compute :func:`sensitivity` into ``result.sensitivity``.
    profile : str
        Speed profile of the drives: ``ambulance`` (siren, the RIVM norm),
        ``ambulance_no_siren`` or ``car``.

    Returns
    -------
    ReachabilityResult
        Per-area table and totals [persons, min].

    Raises
    ------
    ConfigError
        On an unknown closed site id.
    GeoError
        On a CRS problem or an unknown service.
    """
    shut = check_closed(region, closed)
    p = _norm_params(params or norm_parameters(region), norm_minutes)
    if model is None:
        model = build_travel_model(region, profile)
    inputs = NormInputs.from_region(region, service, model)
    mask = inputs.open_mask(shut)
    ctd, site = call_to_door_minutes(
        inputs.post_to_area_minutes, inputs.area_to_site_minutes, mask, p
    )
    response, post = response_minutes(inputs.post_to_area_minutes, p)
    frame = area_frame(region, areas)
    site_arr = np.array((*inputs.site_ids, ""), dtype=object)
    post_arr = np.array((*inputs.post_ids, ""), dtype=object)
    frame["nearest_post_id"] = np.where(post == NO_SITE, None, post_arr[post])
    frame["response_minutes"] = response
    frame["nearest_site_id"] = np.where(site == NO_SITE, None, site_arr[site])
    frame["call_to_door_minutes"] = ctd
    frame["beyond_norm"] = ctd > p.norm_minutes
    frame = frame[[*AREA_COLUMNS, "geometry"]]
    total = float(inputs.population.sum())
    beyond = population_beyond_norm(ctd, inputs.population, p.norm_minutes)
    sens = _sensitivity_frame(region, inputs, mask, p) if with_sensitivity else None
    return ReachabilityResult(
        areas=frame,
        population=total,
        population_beyond_norm=beyond,
        share_beyond_norm=beyond / total if total > 0 else 0.0,
        norm_minutes=p.norm_minutes,
        service=service,
        closed=shut,
        site_ids=inputs.site_ids,
        open_site_ids=tuple(s for s, m in zip(inputs.site_ids, mask, strict=True) if m),
        params=p,
        sensitivity=sens,
        profile=profile,
        travel_model=str((region.travel or {}).get("model", "straight_line")),
    )


def sensitivity(
    region: Region,
    *,
    closed: Iterable[str] = (),
    norm_minutes: float = 45.0,
    service: str = "seh",
    params: NormParameters | None = None,
    model: TravelTimeModel | None = None,
) -> pd.DataFrame:
    """Extra inhabitants beyond the norm if each open counted site alone closed.

    One matrix is computed and reused for every site (vectorised best and second-best
    site per area); see :func:`acutesim.geo.norm.extra_population_beyond_norm`.

    Parameters
    ----------
    region : Region
        The loaded region.
    closed : iterable of str
        Sites already closed (the baseline).
    norm_minutes : float, default 45.0
        The norm [min].
    service : {"seh", "av"}
        Which sites count.
    params : NormParameters, optional
        Dispatch and on-scene minutes [min].
    model : TravelTimeModel, optional
        Travel-time model; the region's ambulance model when omitted.

    Returns
    -------
    DataFrame
        ``site_id``, ``name``, ``extra_population_beyond_norm`` [persons], one row per
        open counted site, most sensitive first (ties by ``site_id``).
    """
    shut = check_closed(region, closed)
    p = _norm_params(params or norm_parameters(region), norm_minutes)
    inputs = NormInputs.from_region(region, service, model)
    return _sensitivity_frame(region, inputs, inputs.open_mask(shut), p)


def _sensitivity_frame(
    region: Region, inputs: NormInputs, mask: np.ndarray, params: NormParameters
) -> pd.DataFrame:
    import pandas as pd

    extra = extra_population_beyond_norm(
        inputs.post_to_area_minutes, inputs.area_to_site_minutes, inputs.population, mask, params
    )
    names = region.site_by_id
    frame = pd.DataFrame(
        {
            "site_id": list(inputs.site_ids),
            "name": [names[s].name for s in inputs.site_ids],
            "extra_population_beyond_norm": extra,
        }
    )[mask]
    frame = frame.sort_values(
        ["extra_population_beyond_norm", "site_id"], ascending=[False, True], kind="stable"
    )
    return frame.reset_index(drop=True)


SWEEP_KNOBS: tuple[str, ...] = ("on_scene_minutes", "dispatch_minutes", "norm_minutes")


def parse_sweep(text: str) -> tuple[str, list[float]]:
    """``on_scene_minutes=5:25:5`` -> ("on_scene_minutes", [5, 10, 15, 20, 25]).

    Also accepts a comma list (``on_scene_minutes=5,10,20``).

    Raises
    ------
    ConfigError
        On an unknown knob or a range that is not start:stop:step with step > 0.
    """
    name, sep, spec = text.partition("=")
    name = name.strip().replace("-", "_")
    problems = []
    if not sep or name not in SWEEP_KNOBS:
        problems.append(
            f"--sweep {text!r}: expected KNOB=START:STOP:STEP with KNOB one of "
            f"{', '.join(SWEEP_KNOBS)}{did_you_mean(name, SWEEP_KNOBS)}"
        )
        raise ConfigError("reach --sweep", problems)
    try:
        if ":" in spec:
            start, stop, step = (float(x) for x in spec.split(":"))
            if not step > 0 or stop < start:
                raise ValueError
            values = list(np.round(np.arange(start, stop + step / 2, step), 6))
        else:
            values = [float(x) for x in spec.split(",") if x.strip()]
    except ValueError:
        raise ConfigError(
            "reach --sweep",
            [f"--sweep {text!r}: {spec!r} is not START:STOP:STEP (step > 0) or a comma list"],
        ) from None
    if not values or min(values) < 0:
        raise ConfigError("reach --sweep", [f"--sweep {text!r}: values must be >= 0"])
    return name, [float(v) for v in values]


def sweep(
    region: Region,
    knob: str,
    values: Iterable[float],
    *,
    closed: Iterable[str] = (),
    service: str = "seh",
    params: NormParameters | None = None,
    model: TravelTimeModel | None = None,
    profile: str = "ambulance",
) -> pd.DataFrame:
    """Population beyond the norm and the sensitive SEHs over a range of one knob.

    The matrices are computed once; each value re-evaluates the norm (vectorised).

    Returns
    -------
    DataFrame
        One row per value: ``knob``, ``value``, ``dispatch_minutes``,
        ``on_scene_minutes``, ``norm_minutes``, ``population_beyond_norm`` [persons],
        ``share_beyond_norm`` [0-1], ``n_sensitive`` and ``sensitive_sites`` (ids, most
        sensitive first).
    """
    import pandas as pd

    shut = check_closed(region, closed)
    base = params or norm_parameters(region)
    inputs = NormInputs.from_region(region, service, model or build_travel_model(region, profile))
    mask = inputs.open_mask(shut)
    total = float(inputs.population.sum())
    rows = []
    for value in values:
        p = replace(base, **{knob: float(value)})
        tracker = inputs.tracker(p)
        beyond = tracker.population_beyond(mask)
        extra = tracker.sensitivity(mask)
        order = np.argsort(-extra, kind="stable")
        sens = [inputs.site_ids[i] for i in order if extra[i] > 0 and mask[i]]
        rows.append(
            {
                "knob": knob,
                "value": float(value),
                "dispatch_minutes": p.dispatch_minutes,
                "on_scene_minutes": p.on_scene_minutes,
                "norm_minutes": p.norm_minutes,
                "population_beyond_norm": _persons(beyond),
                "share_beyond_norm": beyond / total if total > 0 else 0.0,
                "n_sensitive": len(sens),
                "sensitive_sites": sens,
            }
        )
    return pd.DataFrame(rows)


def site_status(site_id: str, result: ReachabilityResult, region: Region) -> str:
    """``open``, ``closed``, ``day-only`` or ``not counted`` for a site in a result."""
    site = region.site_by_id[site_id]
    if site_id in result.closed:
        return "closed"
    if site_id in result.open_site_ids:
        return "open"
    if result.service == "seh" and site.seh == "day":
        return "day-only"
    return "not counted"


def site_frame(result: ReachabilityResult, region: Region) -> gpd.GeoDataFrame:
    """Hospital sites as points (EPSG:28992) with their status in ``result``."""
    import geopandas as gpd

    sites = region.sites
    return gpd.GeoDataFrame(
        {
            "site_id": [s.site_id for s in sites],
            "name": [s.name for s in sites],
            "organisation": [s.organisation for s in sites],
            "seh": [s.seh for s in sites],
            "has_av": [s.has_av for s in sites],
            "status": [site_status(s.site_id, result, region) for s in sites],
        },
        geometry=gpd.points_from_xy([s.x_m for s in sites], [s.y_m for s in sites]),
        crs=RD_NEW,
    )


def post_frame(region: Region) -> gpd.GeoDataFrame:
    """Ambulance posts as points (EPSG:28992) with ``is_24_7``."""
    import geopandas as gpd

    posts = region.posts
    return gpd.GeoDataFrame(
        {
            "post_id": [p.post_id for p in posts],
            "name": [p.name for p in posts],
            "availability": [p.availability for p in posts],
            "is_24_7": [p.is_24_7 for p in posts],
        },
        geometry=gpd.points_from_xy([p.x_m for p in posts], [p.y_m for p in posts]),
        crs=RD_NEW,
    )


def write_gpkg(result: ReachabilityResult, region: Region, path: str | Path) -> Path:
    """Write layers ``areas``, ``sites`` and ``posts`` to a GeoPackage (EPSG:28992).

    The file is written to a temporary name first and then renamed, so a reader never
    sees half a file.

    Parameters
    ----------
    result : ReachabilityResult
        The computed norm.
    region : Region
        The region it was computed for.
    path : str or Path
        Target ``.gpkg`` file; replaced when it exists.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.partial.gpkg")  # GDAL wants the .gpkg suffix
    if tmp.exists():
        tmp.unlink()
    areas = result.areas.copy()
    areas["beyond_norm"] = areas["beyond_norm"].astype(bool)
    meta = {k: str(v) for k, v in result.settings().items()}
    meta["population_beyond_norm"] = str(_persons(result.population_beyond_norm))
    areas.to_file(tmp, layer="areas", driver="GPKG", layer_metadata=meta)
    site_frame(result, region).to_file(tmp, layer="sites", driver="GPKG")
    post_frame(region).to_file(tmp, layer="posts", driver="GPKG")
    os.replace(tmp, path)
    return path


# ``reach --out`` suffixes and the GDAL driver each one means; "parquet" is GeoParquet.
LAYER_FORMATS = {
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
    ".geojson": "GeoJSON",
    ".parquet": "parquet",
}


def layer_format(path: str | Path) -> str:
    """The driver ``write_layers`` uses for ``path``'s suffix; GeoError for any other suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in LAYER_FORMATS:
        raise GeoError(
            f"{path}: unknown output suffix {suffix or '(none)'!r}; expected one of "
            f"{', '.join(LAYER_FORMATS)}"
        )
    return LAYER_FORMATS[suffix]


def write_layers(result: ReachabilityResult, region: Region, path: str | Path) -> list[Path]:
    """Write the areas, sites and posts layers in the format the suffix of ``path`` names.

    ``.gpkg`` holds the three layers in one file (:func:`write_gpkg`). A ``.shp``,
    ``.geojson`` or ``.parquet`` (GeoParquet) file holds one layer, so ``path`` gets the
    areas and ``<stem>_sites`` / ``<stem>_posts`` beside it the others. Shapefiles and
    GeoParquet keep EPSG:28992; GeoJSON is written in WGS84 (EPSG:4326, RFC 7946).
    Each file is written to a temporary name and renamed.

    Returns
    -------
    list of Path
        The written files, areas first.
    """
    path = Path(path)
    driver = layer_format(path)
    if driver == "GPKG":
        return [write_gpkg(result, region, path)]
    path.parent.mkdir(parents=True, exist_ok=True)
    areas = result.areas.copy()
    areas["beyond_norm"] = areas["beyond_norm"].astype(bool)
    layers = {
        path: areas,
        path.with_name(f"{path.stem}_sites{path.suffix}"): site_frame(result, region),
        path.with_name(f"{path.stem}_posts{path.suffix}"): post_frame(region),
    }
    if driver == "ESRI Shapefile":  # field names of at most 10 characters
        layers = {t: _short_columns(f, t) for t, f in layers.items()}
    written = []
    for target, frame in layers.items():
        tmp = target.with_name(f".{target.stem}.partial{target.suffix}")
        if driver == "parquet":
            frame.to_parquet(tmp, index=False)
        elif driver == "GeoJSON":
            tmp.unlink(missing_ok=True)
            frame.to_crs(4326).to_file(tmp, driver=driver)
        else:
            frame.to_file(tmp, driver=driver)
            for side in tmp.parent.glob(f"{tmp.stem}.*"):  # .shx .dbf .prj .cpg beside it
                if side != tmp:
                    os.replace(side, target.with_suffix(side.suffix))
        os.replace(tmp, target)
        written.append(target)
    return written


def _short_columns(frame: Any, target: Path) -> Any:
    """``frame`` with column names cut to the 10 characters a shapefile field may have."""
    names = {c: c if c == "geometry" else str(c)[:10] for c in frame.columns}
    if len(set(names.values())) < len(names):
        raise GeoError(
            f"{target}: columns {sorted(frame.columns)} do not stay distinct when cut to the "
            "10 characters of a shapefile field; write a .gpkg instead"
        )
    return frame.rename(columns=names)
