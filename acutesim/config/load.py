"""Read a region pack or an experiment file, collect every problem, raise one ConfigError.

Loading is the border between files and the model: lon/lat become EPSG:28992 metres,
CSV rows become frozen domain objects, and every problem is reported at once, one line
each, naming the file, the row or key, the value and what was expected.
"""

from acutesim.config.load_experiment import load_experiment
from acutesim.config.load_region import load_region, load_region_with_areas, resolve_region_path

__all__ = ["load_experiment", "load_region", "load_region_with_areas", "resolve_region_path"]
