"""SEH closures as outcomes: how many were decided, which SEHs, when and how often.

A funding regime matters most when it changes what exists: an SEH that closes under
one regime and stays open under another. ``closures.parquet`` holds every closing and
reopening decision of every replication; this module counts them (the KPI
``n_closures``) and says, per scenario and SEH, in how many replications it closed and
on which dates, so that a summary can lead with "kust closes on 1 January 2027 in 5 of
5 replications".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from acutesim.units import MINUTES_PER_DAY

CLOSING_ACTIONS = frozenset({"closure", "night_closure"})
CLOSURES_KPI = "n_closures"


def decided_closures(closures: pd.DataFrame, warmup_minutes: float = 0.0) -> pd.DataFrame:
    """Closing decisions taken during the measured window (imposed closures left out).

    Closures a scenario imposes from t = 0 (``closed_sites``, reason ``policy``) are
    inputs, not outcomes; night closures count as closures.

    Parameters
    ----------
    closures : DataFrame
        ``closures.parquet`` rows.
    warmup_minutes : float
        Start of the measured window [min].

    Returns
    -------
    DataFrame
        The matching rows of ``closures``.
    """
    if closures.empty:
        return closures
    imposed = (closures["reason"] == "policy") & (closures["t_minutes"] <= 0.0)
    return closures[
        closures["action"].isin(CLOSING_ACTIONS)
        & ~imposed
        & (closures["t_minutes"] >= warmup_minutes)
    ]


def closures_kpi_rows(
    closures: pd.DataFrame, pairs: pd.DataFrame, warmup_minutes: float
) -> pd.DataFrame:
    """Count SEH closures decided during the measured window per (scenario, replication).

    Parameters
    ----------
    closures : DataFrame
        ``closures.parquet`` rows.
    pairs : DataFrame
        Every (``scenario``, ``replication``) that ran (zero closures included).
    warmup_minutes : float
        Start of the measured window [min].

    Returns
    -------
    DataFrame
        ``kpis.parquet``-shaped rows of the KPI ``n_closures`` [closures], one per pair;
        zero where no SEH closed (a run without closures says so with 0, not silence).
    """
    decided = decided_closures(closures, warmup_minutes)
    if pairs.empty:
        return pd.DataFrame()
    if decided.empty:
        counts = pd.DataFrame(
            {
                "scenario": pd.Series(dtype=object),
                "replication": pd.Series(dtype=pairs["replication"].dtype),
                "value": pd.Series(dtype=float),
            }
        )
    else:
        counts = decided.groupby(["scenario", "replication"]).size().rename("value").reset_index()
    out = pairs.merge(counts, on=["scenario", "replication"], how="left")
    out["value"] = out["value"].fillna(0.0).astype(float)
    out["kpi"] = CLOSURES_KPI
    out["site_id"] = None
    return out[["scenario", "replication", "kpi", "value", "site_id"]]


@dataclass(frozen=True)
class SiteClosure:
    """How one SEH closed in one scenario across its replications.

    Attributes
    ----------
    site_id : str
        The SEH.
    action : str
        ``closure`` or ``night_closure`` (the first decided in most replications).
    reason : str
        ``financial``, ``staff`` or ``policy`` (the most frequent).
    n_replications : int
        Replications in which it closed at least once [replications].
    n_total : int
        Replications of the scenario [replications].
    first_date : str
        Earliest closing date over the replications (ISO ``YYYY-MM-DD``).
    last_date : str
        Latest first-closing date over the replications (ISO).
    first_day : float
        Earliest closing time [days since the start of the horizon].
    """

    site_id: str
    action: str
    reason: str
    n_replications: int
    n_total: int
    first_date: str
    last_date: str
    first_day: float


def site_closures(
    closures: pd.DataFrame,
    replications_by_scenario: dict[str, int],
    warmup_minutes: float = 0.0,
) -> dict[str, list[SiteClosure]]:
    """Per scenario, the SEHs that closed during the run, with dates and frequency.

    Parameters
    ----------
    closures : DataFrame
        ``closures.parquet`` rows.
    replications_by_scenario : dict
        Scenario -> number of replications that ran.
    warmup_minutes : float
        Start of the measured window [min].

    Returns
    -------
    dict
        Scenario -> closures, the most frequent first (ties: earliest, then site id);
        scenarios without a closure map to an empty list.
    """
    out: dict[str, list[SiteClosure]] = {s: [] for s in replications_by_scenario}
    decided = decided_closures(closures, warmup_minutes)
    if decided.empty:
        return out
    for (scenario, site_id), g in decided.groupby(["scenario", "site_id"], sort=False):
        if scenario not in out:
            continue
        first = g.sort_values("t_minutes").groupby("replication").first()
        dates = sorted(str(d) for d in first["date"])
        out[str(scenario)].append(
            SiteClosure(
                site_id=str(site_id),
                action=str(first["action"].mode().iloc[0]),
                reason=str(first["reason"].mode().iloc[0]),
                n_replications=len(first),
                n_total=int(replications_by_scenario[str(scenario)]),
                first_date=dates[0],
                last_date=dates[-1],
                first_day=float(first["t_minutes"].min()) / MINUTES_PER_DAY,
            )
        )
    for items in out.values():
        items.sort(key=lambda c: (-c.n_replications, c.first_day, c.site_id))
    return out
