"""Calibration of the patient pathways: the demo baseline against Dutch figures.

Runs the ``baseline`` scenario of ``regions/demo`` (one year, several replications) and
writes ``docs/calibration-pathways.md``: simulated mean and 95% CI next to the source
figure and the relative difference.

    python scripts/calibrate_pathways.py [--replications 5] [--days 365]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (kpi, Dutch figure, how it is shown, source)
TARGETS = [
    ("seh_visits_per_1000_per_year", 115.0, "105 (2022) to 124 (2012) per 1,000 a year; midpoint",
     "VZinfo acute zorg SEH 2022; Gaakeer et al., NTvG 2016"),
    ("share_arrival_ambulance", 0.20, "16-22%", "SAZ SEH benchmark 2019"),
    ("share_arrival_gp_hap", 0.55, "50-58%", "SAZ SEH benchmark 2019"),
    ("share_arrival_self", 0.12, "about 12% (10-30%, hospitals vary 3-76%)",
     "SAZ SEH benchmark 2019"),
    ("admission_share", 0.35, "32-38%", "SAZ 2019; Gaakeer 2016; Kremers et al. 2019"),
    ("seh_los_mean_minutes", 155.5, "mean 155.5 min", "SAZ SEH benchmark 2019"),
]  # fmt: skip
EXTRA = [
    ("volmelding_hours", "about 230 h per SEH per year (derived from 38 min/day, January 2023)",
     "LNAZ via Skipr 2023-03 (derived; low confidence)"),
    ("a1_response_within_15_share", "92.4% (2017), norm 95%", "AZN via NRC 2018-07-05"),
    ("ambulance_call_to_door_p95_minutes", "mean call to hospital ~41 min (2009)", "RIVM 2010"),
    ("hap_referral_share", "at most about 8% (derived upper bound)",
     "Moll van Charante et al. 2007"),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--days", type=float, default=365.0)
    parser.add_argument("--warmup-days", type=float, default=14.0)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "calibration-pathways.md")
    args = parser.parse_args()

    from acutesim.analysis.stats import fmt, t_interval
    from acutesim.config.load import load_region
    from acutesim.domain.scenario import Scenario
    from acutesim.sim.model import run_replication, travel_matrices

    region = load_region(ROOT / "regions" / "demo")
    travel = travel_matrices(region)
    rows = []
    for r in range(args.replications):
        res = run_replication(
            region,
            Scenario("baseline"),
            horizon_days=args.days,
            warmup_days=args.warmup_days,
            root_seed=2026,
            replication=r,
            travel=travel,
        )
        rows += [(r, k, v, s) for k, v, s in res.kpis]
    kpis = pd.DataFrame(rows, columns=["replication", "kpi", "value", "site_id"])
    region_rows = kpis[kpis["site_id"].isna()]

    def stat(kpi: str) -> tuple[float, float, float]:
        return t_interval(region_rows.loc[region_rows["kpi"] == kpi, "value"].to_numpy())

    n_seh = len(region.seh_sites)
    lines = [
        "# Calibration of the patient pathways",
        "",
        f"The `baseline` scenario of `regions/demo` ({region.population:,} inhabitants, "
        f"{n_seh} SEHs), {args.days:g} days after a {args.warmup_days:g}-day warm-up, "
        f"{args.replications} replications, root seed 2026. Made by "
        "`python scripts/calibrate_pathways.py`; do not edit by hand.",
        "",
        "| KPI | simulated mean [95% CI] | Dutch figure | difference | source |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kpi, target, shown, source in TARGETS:
        mean, lo, hi = stat(kpi)
        diff = (mean - target) / target
        ok = "within 15%" if abs(diff) <= 0.15 else "OUTSIDE 15%"
        cells = [
            f"`{kpi}`",
            f"{fmt(mean)} [{fmt(lo)}, {fmt(hi)}]",
            shown,
            f"{diff:+.1%} ({ok})",
            source,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Other figures for orientation (not calibration targets):",
        "",
        "| KPI | simulated mean [95% CI] | Dutch figure | source |",
        "| --- | --- | --- | --- |",
    ]
    for kpi, shown, source in EXTRA:
        mean, lo, hi = stat(kpi)
        if kpi == "volmelding_hours":
            mean, lo, hi = (x / n_seh * 365.0 / args.days for x in (mean, lo, hi))
            kpi = "volmelding_hours per SEH per year"
        lines.append(f"| `{kpi}` | {fmt(mean)} [{fmt(lo)}, {fmt(hi)}] | {shown} | {source} |")
    lines += [
        "",
        "How the defaults were set: the stream rates for ambulance calls (80.6 per 1,000) and",
        "HAP contacts (250 per 1,000) are published figures; the GP-referral, self-referral and",
        "other-referral rates, the conveyance shares and the treatment-time means are",
        "calibration parameters chosen so that the rows above land near the Dutch figures",
        "(see `acutesim/config/defaults.py` and `docs/assumptions.md`).",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
