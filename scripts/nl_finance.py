"""Write ``regions/nl/finance.toml``: per-organisation finance data of the national pack.

No annual accounts are part of the project's sources, so every organisation's figures
are derived from its acute beds in ``regions/nl/sites.csv`` through named assumptions
(the constants below, documented in ``docs/assumptions.md``):

* other DBC revenue (the price base of the schoning outside the modelled SEH tariffs) =
  ``OTHER_DBC_REVENUE_EUR_PER_ACUTE_BED`` x the organisation's acute beds;
* reserves the board may draw on for the SEH = ``RESERVES_SHARE_OF_OTHER_REVENUE`` x that
  revenue;
* the SEH tariff mix is the package's national one (``[tariffs]`` defaults) for every
  organisation: no per-hospital SEH prices were found.

Replace a derived row by one from a hospital's published annual accounts (jaarverslag,
DigiMV) where known, and say so in its ``source``. A re-run gives an identical file.

    python scripts/nl_finance.py
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "regions" / "nl"

# Assumption: DBC revenue outside the SEH tariffs per acute bed of the pack. With the
# pack's 8,453 acute beds this gives about EUR 30 billion nationally, the order of the
# yearly macro budget of medical specialist care; the demo pack's organisations carry
# EUR 4.6-7.6 million per acute bed.
OTHER_DBC_REVENUE_EUR_PER_ACUTE_BED = 3_500_000
# Assumption: reserves the board may draw on for its SEHs, as a share of that revenue
# (a small organisation of about 25 acute beds then lies below the board's default
# reserve threshold of EUR 5 million, a medium one well above it).
RESERVES_SHARE_OF_OTHER_REVENUE = 0.05
ROUND_EUR = 100_000


def _round(value: float) -> int:
    return int(round(value / ROUND_EUR) * ROUND_EUR)


def build() -> str:
    """Return the text of ``regions/nl/finance.toml``."""
    with (PACK / "sites.csv").open(encoding="utf-8") as fh:
        sites = list(csv.DictReader(fh))
    names = tomllib.loads((PACK / "region.toml").read_text(encoding="utf-8"))["organisations"]
    beds: dict[str, int] = {}
    for s in sites:
        beds[s["organisation"]] = beds.get(s["organisation"], 0) + int(s["acute_beds"])
    total_beds = sum(beds.values())
    lines = [
        "# Finance data of the national pack, per organisation. Written by",
        "# scripts/nl_finance.py from the acute beds in sites.csv; do not edit by hand.",
        "# Money in euros per year unless the key says otherwise. Every number is an",
        "# assumption documented in docs/assumptions.md (no annual accounts were at hand).",
        f"# {len(beds)} organisations, {total_beds:,} acute beds: other DBC revenue "
        f"{OTHER_DBC_REVENUE_EUR_PER_ACUTE_BED:,} EUR per acute bed "
        f"(total EUR {total_beds * OTHER_DBC_REVENUE_EUR_PER_ACUTE_BED / 1e9:.1f} billion), "
        f"reserves {RESERVES_SHARE_OF_OTHER_REVENUE:.0%} of it.",
        "",
        'description = "National pack: other DBC revenue and reserves per organisation derived '
        'from acute beds (assumption); national SEH tariffs and costs (package defaults)."',
        "sources = [",
        '    "assumption: other DBC revenue of EUR 3.5 million per acute bed '
        '(scripts/nl_finance.py)",',
        '    "assumption: reserves for the SEH of 5% of other DBC revenue",',
        '    "assumption: package default SEH tariffs for every organisation (no per-hospital '
        'SEH prices found)",',
        '    "TNO/SAZ seh-spreiding tool, personeel parameters (package default staff cost)",',
        "]",
        "",
        "[tariffs]",
        "# The national SEH tariff mix: package defaults (docs/assumptions.md section 2).",
        'source = "assumption"',
        "",
    ]
    for org in sorted(beds):
        other = _round(beds[org] * OTHER_DBC_REVENUE_EUR_PER_ACUTE_BED)
        reserves = _round(other * RESERVES_SHARE_OF_OTHER_REVENUE)
        name = names.get(org, {}).get("name", org)
        lines += [
            f"[organisations.{org}]",
            f"# {name}: {beds[org]} acute beds",
            f"other_dbc_revenue_eur_per_year = {other:_}",
            f"reserves_eur = {reserves:_}",
            'source = "derived from acute beds (assumption)"',
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    """Write the file."""
    (PACK / "finance.toml").write_text(build(), encoding="utf-8")


if __name__ == "__main__":
    main()
