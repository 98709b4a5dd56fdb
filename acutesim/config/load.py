"""Read a region pack or an experiment file, collect every problem, raise one ConfigError.

Loading is the border between files and the model: lon/lat become EPSG:28992 metres,
CSV rows become frozen domain objects, and every problem is reported at once, one line
each, naming the file, the row or key, the value and what was expected.

This module names the entry points; each kind of file is read in its own module:
:mod:`.load_region` (region.toml and the files it names), :mod:`.load_experiment`,
:mod:`.csvfiles` (sites, HAPs, posts), :mod:`.areas` (the areas layer) and
:mod:`.validation` (located pydantic errors, checked TOML reading).
"""

from acutesim.config.load_experiment import load_experiment
from acutesim.config.load_region import load_region, load_region_with_areas, resolve_region_path

__all__ = ["load_experiment", "load_region", "load_region_with_areas", "resolve_region_path"]
