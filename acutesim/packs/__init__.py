"""Build a region pack from open data: a population layer, a hospital list and ambulance posts.

Dutch open data come in a few recurring shapes: CBS population polygons (postcode-4,
municipalities, wijken and buurten, or 100 m grid cells) with an inhabitants column;
RIVM's list of hospital locations with yes/no columns for a 24/7 SEH, a day-and-evening
SEH and acute obstetrics; and RIVM's list of ambulance posts with their availability
("24 uur", "Dag/avond", ...). This package reads those files, maps their columns onto the
pack format of ``docs/formats.md``, detects islands (areas not connected to the
mainland) and gives them a ferry link, sizes rosters, beds and vehicles from the
population each site serves, writes the pack and checks that it loads. One module per
step: :mod:`.readers`, :mod:`.islands`, :mod:`.sizing`, :mod:`.writer`, and
:mod:`.build` runs them in order.

Every input problem is collected and raised as one :class:`ConfigError` naming the
file, the column or row and what was expected, with a did-you-mean hint.
"""

from __future__ import annotations

from acutesim.packs.build import build_region_pack
from acutesim.packs.inputs import BuildInputs, BuildReport, Island, slugify, unique_ids
from acutesim.packs.islands import detect_islands
from acutesim.packs.sizing import (
    catchment_population,
    hap_staff,
    roster_templates_toml,
    seh_roster_class,
    size_posts,
    size_sites,
    size_sites_from_visits,
)
from acutesim.packs.writer import region_toml

__all__ = [
    "BuildInputs",
    "BuildReport",
    "Island",
    "build_region_pack",
    "catchment_population",
    "detect_islands",
    "hap_staff",
    "region_toml",
    "roster_templates_toml",
    "seh_roster_class",
    "size_posts",
    "size_sites",
    "size_sites_from_visits",
    "slugify",
    "unique_ids",
]
