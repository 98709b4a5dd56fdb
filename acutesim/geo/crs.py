"""Coordinate reference systems: everything past loading is EPSG:28992 (RD New, metres).

Dutch distances are measured on the national grid, Amersfoort / RD New, in metres.
Input files may come in WGS84 lon/lat; they are converted once at the border. Inside
the model a layer without a CRS, or in a geographic CRS, is an error and never a
warning, because distances in degrees are silently wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acutesim.errors import GeoError

if TYPE_CHECKING:
    import geopandas as gpd

RD_NEW = "EPSG:28992"
RD_NEW_EPSG = 28992


def to_rd_new(frame: gpd.GeoDataFrame, what: str = "layer") -> gpd.GeoDataFrame:
    """Convert an input layer to EPSG:28992 [m]; a missing CRS is an error.

    Parameters
    ----------
    frame : GeoDataFrame
        Any layer with a CRS (e.g. WGS84 lon/lat).
    what : str
        Name of the layer for messages (a file name).

    Returns
    -------
    GeoDataFrame
        The layer in EPSG:28992 [m].

    Raises
    ------
    GeoError
        When the layer has no CRS.
    """
    if frame.crs is None:
        raise GeoError(f"{what}: has no CRS; set it (e.g. EPSG:4326 or EPSG:28992) in the file")
    if frame.crs.to_epsg() == RD_NEW_EPSG:
        return frame
    return frame.to_crs(RD_NEW)


def require_rd_new(frame: gpd.GeoDataFrame, what: str = "layer") -> gpd.GeoDataFrame:
    """Check that a layer inside the model is in EPSG:28992 [m] and return it unchanged.

    Raises
    ------
    GeoError
        When the CRS is missing, geographic (degrees) or any other projected CRS.
    """
    crs = frame.crs
    if crs is None:
        raise GeoError(f"{what}: has no CRS; expected {RD_NEW} (metres)")
    if crs.is_geographic:
        raise GeoError(
            f"{what}: CRS {crs.to_string()} is geographic (degrees); expected {RD_NEW} "
            "(metres); convert with acutesim.geo.crs.to_rd_new when reading the file"
        )
    if crs.to_epsg() != RD_NEW_EPSG:
        raise GeoError(f"{what}: CRS {crs.to_string()} is not {RD_NEW}")
    return frame


def require_same_crs(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, what: str = "layers") -> None:
    """Raise GeoError unless both layers are in EPSG:28992 [m]."""
    require_rd_new(a, f"{what} (first)")
    require_rd_new(b, f"{what} (second)")
