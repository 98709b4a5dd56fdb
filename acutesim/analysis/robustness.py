"""How robust a funding verdict is: the share of the assumption space in which it holds.

A robustness sweep (``experiment.robustness``) records, per design point and replication,
which verdicts held. Here a verdict *holds at a point* when it holds in the majority of the
point's replications; its robustness is the share of design points in which it holds, with
a Clopper-Pearson interval, and the knobs it depends on most.

Dependence is measured by the main-effect spread of each knob: the largest difference,
over the knob's levels (or the lower and upper half of its range), in the share of points
where the verdict holds. 0 means the knob does not move the verdict; 1 means it alone
decides it. With a Latin hypercube every level of every knob is equally represented, so
the spread is a first-order sensitivity measure in the sense of a one-at-a-time screen
averaged over the rest of the design (Saltelli et al. 2008, ch. 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from acutesim.analysis.headline import share_interval

# Verdict -> wording; ``{site}`` is the headline SEH, ``{switch}`` the switch date.
VERDICT_WORDS: dict[str, str] = {
    "fee_closes_site": "fee-per-DBC closes {site} for money at the switch review ({switch})",
    "budget_keeps_site_open": (
        "the budget keeps {site} open (fee-per-DBC would close it at the switch, "
        "the budget does not)"
    ),
    "site_closed_before_switch": "{site} has already closed for money before the switch",
    "budget_changes_other_sehs": (
        "the budget changes the board's decision on another SEH at the switch"
    ),
}
LEAD_VERDICT = "budget_keeps_site_open"


@dataclass(frozen=True)
class VerdictRobustness:
    """One verdict over the design."""

    key: str
    text: str
    points_holding: int
    n_points: int
    ci_low: float
    ci_high: float
    share_of_runs: float
    top_knobs: tuple[tuple[str, float], ...]
    by_level: str

    @property
    def share(self) -> float:
        """Share of design points in which the verdict holds."""
        return self.points_holding / self.n_points if self.n_points else float("nan")

    def sentence(self) -> str:
        """The verdict with its robustness, as one sentence."""
        knobs = ", ".join(f"{k} ({v:.2f})" for k, v in self.top_knobs[:2] if v > 0)
        depends = f"; it depends most on {knobs}" if knobs else "; no knob moves it"
        return (
            f"{self.text[0].upper()}{self.text[1:]}: holds in {self.points_holding} of "
            f"{self.n_points} design points ({self.share:.0%}, 95% CI {self.ci_low:.0%} to "
            f"{self.ci_high:.0%}){depends}."
        )


def _groups(col: pd.Series) -> pd.Series:
    """Levels of a knob column, or its lower and upper half for a continuous range."""
    continuous = pd.api.types.is_float_dtype(col) or (
        pd.api.types.is_integer_dtype(col) and col.nunique() > 6
    )
    if not continuous:
        return col.astype(str)
    med = float(col.median())
    return (col > med).map({True: f"above {number(med)}", False: f"up to {number(med)}"})


def number(v: float) -> str:
    """A knob value for a table: thousands separators from 1,000 up, else 3 digits."""
    if float(v).is_integer() or abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def knob_influence(points: pd.DataFrame, holds: pd.Series) -> list[tuple[str, float]]:
    """Main-effect spread of each knob on a verdict, largest first (ties in file order)."""
    out = []
    for k in points.columns:
        shares = holds.groupby(_groups(points[k])).mean()
        out.append((str(k), float(shares.max() - shares.min()) if len(shares) > 1 else 0.0))
    return sorted(out, key=lambda kv: -kv[1])


def level_shares(points: pd.DataFrame, holds: pd.Series, knob: str) -> str:
    """Share in which a verdict holds per level (or half) of a knob, as text."""
    shares = holds.groupby(_groups(points[knob])).mean()
    return ", ".join(f"{lvl}: {v:.0%}" for lvl, v in shares.items())


def holds_by_point(runs: pd.DataFrame) -> pd.DataFrame:
    """Share of replications in which each verdict holds, one row per design point."""
    cols = [k for k in VERDICT_WORDS if k in runs.columns]
    return runs.groupby("point")[cols].mean().astype(float)


def verdict_robustness(
    points: pd.DataFrame, runs: pd.DataFrame, words: Mapping[str, str]
) -> list[VerdictRobustness]:
    """Each verdict's share of the design, its interval and its top knobs.

    Parameters
    ----------
    points : DataFrame
        The design: one row per point (index ``point``), one column per knob.
    runs : DataFrame
        One row per point and replication with a boolean column per verdict.
    words : mapping
        Verdict key -> its wording (``VERDICT_WORDS`` with the site filled in).
    """
    by_point = holds_by_point(runs).reindex(points.index)
    out = []
    for key, text in words.items():
        if key not in by_point.columns:
            continue
        holds = by_point[key] > 0.5
        k, n = int(holds.sum()), len(holds)
        low, high = share_interval(k, n)
        influence = knob_influence(points, holds)
        out.append(
            VerdictRobustness(
                key=key,
                text=text,
                points_holding=k,
                n_points=n,
                ci_low=low,
                ci_high=high,
                share_of_runs=float(runs[key].astype(float).mean()),
                top_knobs=tuple(influence[:3]),
                by_level=level_shares(points, holds, influence[0][0]) if influence else "",
            )
        )
    return out


def verdict_words(site: str, switch: Any) -> dict[str, str]:
    """``VERDICT_WORDS`` with the site and the switch date filled in."""
    return {k: v.format(site=f"`{site}`", switch=switch) for k, v in VERDICT_WORDS.items()}


def robustness_text(name: str, verdicts: Sequence[VerdictRobustness], n_reps: int) -> str:
    """The plain-text summary of a sweep (what ``acutesim summary`` prints)."""
    n = verdicts[0].n_points if verdicts else 0
    lines = [f"{name}: {n} design points x {n_reps} replications (common random numbers)", ""]
    lines += [f"- {v.sentence()}".replace("`", "") for v in verdicts]
    return "\n".join(lines)


def robustness_frame(verdicts: Sequence[VerdictRobustness]) -> pd.DataFrame:
    """One row per verdict: share, interval, share of runs and the top knobs (summary.csv)."""
    rows = []
    for v in verdicts:
        row: dict[str, Any] = {
            "verdict": v.key,
            "text": v.text.replace("`", ""),
            "points_holding": v.points_holding,
            "n_points": v.n_points,
            "share_of_points": v.share,
            "ci_low": v.ci_low,
            "ci_high": v.ci_high,
            "share_of_runs": v.share_of_runs,
        }
        for i, (knob, spread) in enumerate(v.top_knobs, start=1):
            row[f"knob_{i}"] = knob
            row[f"knob_{i}_spread"] = spread
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = [
    "VERDICT_WORDS",
    "VerdictRobustness",
    "knob_influence",
    "level_shares",
    "number",
    "robustness_frame",
    "robustness_text",
    "verdict_robustness",
    "verdict_words",
]
