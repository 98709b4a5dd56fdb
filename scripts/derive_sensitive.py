"""Derive a pack's gevoelig list once, the way RIVM does, and store it in ``sites.csv``.

RIVM calls a 24/7 SEH gevoelig when closing it alone puts inhabitants beyond the
45-minute norm (ambulance from a 24/7 post to the incident, then to the nearest 24/7
SEH). This script runs that test on the pack's own travel times and writes the verdict
into the ``sensitive`` column of ``sites.csv`` (``true``/``false``; ``false`` for SEHs
that are not 24/7). Runs read the stored column and never recompute it, so a scenario's
own settings cannot change who receives the beschikbaarheidbijdrage. Record the date and
the settings in the pack's README.

Usage::

    python scripts/derive_sensitive.py regions/demo          # print the verdicts
    python scripts/derive_sensitive.py regions/demo --write  # store them in sites.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from acutesim.config.load import load_region
from acutesim.experiment.context import sensitive_sites
from acutesim.sim.model import travel_matrices


def main(argv: list[str] | None = None) -> int:
    """Print (and with ``--write`` store) the gevoelig verdict of every SEH of a pack."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pack", type=Path, help="region pack folder")
    parser.add_argument("--write", action="store_true", help="write the column to sites.csv")
    args = parser.parse_args(argv)
    region = load_region(args.pack)
    sensitive = sensitive_sites(region, travel_matrices(region))
    for s in region.seh_sites:
        sys.stdout.write(f"{s.site_id}\t{s.seh}\t{'gevoelig' if s.site_id in sensitive else '-'}\n")
    if args.write:
        path = args.pack / "sites.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        fields = list(rows[0])
        if "sensitive" not in fields:
            fields.append("sensitive")
        for row in rows:
            has_seh = row.get("seh", "none") != "none"
            row["sensitive"] = (
                ("true" if row["site_id"] in sensitive else "false") if has_seh else ""
            )
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
