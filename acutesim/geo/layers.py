"""Read one vector layer with pyogrio, with located errors (file, layer, what was wrong)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from acutesim.errors import GeoError, did_you_mean


def read_layer(path: Path, layer: str | None, *, what: str = "cannot be read") -> Any:
    """The layer ``layer`` (the file's first when None) of ``path`` as a GeoDataFrame.

    Parameters
    ----------
    path : Path
        A GeoPackage, Shapefile, GeoJSON or any file GDAL reads.
    layer : str, optional
        The layer name; an unknown name is a ``GeoError`` with a did-you-mean hint.
    what : str
        How a read failure is described after the file name.
    """
    import pyogrio

    try:
        if layer is not None:
            names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
            if layer not in names:
                raise GeoError(
                    f"{path.name}: no layer {layer!r}{did_you_mean(layer, names)} "
                    f"(layers: {', '.join(names)})"
                )
        return pyogrio.read_dataframe(path, layer=layer)
    except GeoError:
        raise
    except Exception as exc:  # pyogrio/GDAL raise many kinds; name the file
        where = path.name if layer is None else f"{path.name} layer {layer!r}"
        raise GeoError(f"{where}: {what}: {exc}") from None
