"""Robustness of the demo's funding verdicts over the contested knobs.

Reads ``experiments/funding-robustness.toml``: a base scenario (the 2027 switch), the
knobs with their ranges, and a space-filling design (``scipy.stats.qmc``: Latin
hypercube or scrambled Sobol). Every design point runs ``replications`` times with the
same root seed, so the design shares common random numbers: replication r of every
point draws the same patients. At the switch review the board decides under the budget
and records what it would have decided under fee-per-DBC (the counterfactual review of
the same run, see ``acutesim.sim.board``).

Writes ``results/funding-robustness/runs.csv`` (one row per point and replication,
reused on a re-run) and ``docs/funding-results.md``: for each headline the share of the
design in which it holds and the knobs it depends on most.

    python scripts/funding_robustness.py [--workers 2] [--points 64]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import resource
import sys
import time
import tomllib
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXPERIMENT = ROOT / "experiments" / "funding-robustness.toml"
OUT = ROOT / "results" / "funding-robustness"
DOC = ROOT / "docs" / "funding-results.md"
CLOSING = ("closure", "night_closure")
SITE = "kust"

HEADLINES: dict[str, str] = {
    "fee_closes_kust": "fee-per-DBC closes `kust` for money at the 1 January 2027 review",
    "budget_keeps_kust_open": (
        "the budget keeps `kust` open (fee-per-DBC would close it at the switch, "
        "the budget does not)"
    ),
    "kust_closed_before_switch": "`kust` has already closed for money before the switch",
    "budget_changes_other_sehs": (
        "the budget changes the board's decision on another SEH at the switch"
    ),
}


# --- design -----------------------------------------------------------------------------------
def design(spec: Mapping[str, Any], knobs: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Return the design: one row per point, one column per knob (in file order)."""
    d = len(knobs)
    method = spec.get("method", "lhs")
    n = int(spec.get("points", 64))
    seed = int(spec.get("seed", 0))
    if method == "lhs":
        unit = qmc.LatinHypercube(d=d, seed=seed).random(n)
    elif method == "sobol":
        unit = qmc.Sobol(d=d, scramble=True, seed=seed).random_base2(int(math.log2(n)))
    else:
        raise SystemExit(f"[design] method must be 'lhs' or 'sobol', got {method!r}")
    columns: dict[str, list[Any]] = {}
    for k, (name, knob) in enumerate(knobs.items()):
        u = unit[:, k]
        if "values" in knob:
            levels = list(knob["values"])
            columns[name] = [levels[min(int(x * len(levels)), len(levels) - 1)] for x in u]
        else:
            lo, hi = knob["range"]
            if knob.get("integer"):
                columns[name] = [int(min(math.floor(lo + x * (hi - lo + 1)), hi)) for x in u]
            else:
                columns[name] = [float(lo + x * (hi - lo)) for x in u]
    return pd.DataFrame(columns)


def scenario_tables(base: Mapping[str, Any], point: Mapping[str, Any]) -> dict[str, Any]:
    """The ``funding`` and ``behaviour`` tables of a design point."""
    tables: dict[str, Any] = {
        "funding": dict(base.get("funding", {})),
        "behaviour": {k: dict(v) for k, v in base.get("behaviour", {}).items()},
    }
    for name, value in point.items():
        head, *rest = name.split(".")
        node = tables[head]
        for part in rest[:-1]:
            node = node.setdefault(part, {})
        node[rest[-1]] = value.item() if isinstance(value, np.generic) else value
    return tables


def _scenario(name: str, tables: Mapping[str, Any]) -> Any:
    """A scenario with the typed specs of its ``funding`` and ``behaviour`` tables."""
    from acutesim.config.funding import behaviour_spec, funding_spec
    from acutesim.domain.scenario import Scenario

    funding, behaviour = tables.get("funding"), tables.get("behaviour")
    return Scenario(
        name,
        funding=funding_spec(funding) if funding else None,
        behaviour=behaviour_spec(behaviour) if behaviour else None,
    )


# --- one run ------------------------------------------------------------------------------------
def run_point(task: tuple[int, int, dict[str, Any], float, int, str]) -> dict[str, Any]:
    """Run one design point and replication; return its verdicts."""
    from acutesim.experiment.runner import _context, funding_setup
    from acutesim.rng import RandomStreams
    from acutesim.sim.model import Model
    from acutesim.units import MINUTES_PER_DAY

    point, rep, tables, horizon_days, seed, region_path = task
    region, travel, sensitive = _context(region_path)
    scenario = _scenario(f"p{point:02d}", tables)
    t0 = time.perf_counter()
    model = Model(
        region,
        scenario,
        RandomStreams(seed, rep),
        horizon_minutes=horizon_days * MINUTES_PER_DAY,
        warmup_minutes=0.0,
        travel=travel,
        funding=funding_setup(region, travel, sensitive, scenario),
    )
    model.run()
    rec = model.recorder
    shadow = rec.shadow_decisions
    switch_t = max((t for t, *_ in shadow), default=math.inf)
    before = [c for c in rec.closures if c[0] < switch_t]
    at_switch = {c[1]: c[2] for c in rec.closures if c[0] == switch_t}
    fee_at_switch = {site: action for _, site, _, action, _ in shadow}
    kust_before = any(s == SITE and a in CLOSING and r == "financial" for _, s, a, r in before)
    fee_closes = fee_at_switch.get(SITE) in CLOSING
    budget_closes = at_switch.get(SITE) in CLOSING
    others = {s for s in fee_at_switch if s != SITE}
    changed = any(
        (fee_at_switch.get(s, "none") in CLOSING) != (at_switch.get(s, "none") in CLOSING)
        for s in others
    )
    return {
        "point": point,
        "replication": rep,
        "fee_closes_kust": bool(fee_closes),
        "budget_closes_kust": bool(budget_closes),
        "budget_keeps_kust_open": bool(fee_closes and not budget_closes),
        "kust_closed_before_switch": bool(kust_before),
        "budget_changes_other_sehs": bool(changed),
        "fee_decisions": ";".join(f"{s}:{a}" for s, a in sorted(fee_at_switch.items())),
        "budget_decisions": ";".join(f"{s}:{a}" for s, a in sorted(at_switch.items())),
        "wall_seconds": time.perf_counter() - t0,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def replay_replication(
    task: tuple[int, list[dict[str, Any]], dict[str, Any], float, int, str],
) -> list[dict[str, Any]]:
    """Evaluate every design point's board at every review of ONE shared run.

    Before the first board decision all design points share the same trajectory (the
    regime in force is fee-per-DBC and the replication's random numbers are common), so
    one run with decisions switched off, observed at every quarterly review, gives each
    point's decisions exactly until its first one. A point whose first decision falls
    before the switch is marked ``diverged``; at the switch review every other point gets
    its decision under fee-per-DBC and under its budget. Points that diverge through
    another SEH than `kust` are left for a full run (``needs_full_run``).
    """
    from acutesim.experiment.runner import _context, funding_setup
    from acutesim.funding.behaviour import board_decision
    from acutesim.rng import RandomStreams
    from acutesim.sim.model import Model
    from acutesim.units import MINUTES_PER_DAY

    rep, point_tables, base, horizon_days, seed, region_path = task
    region, travel, sensitive = _context(region_path)
    setups = []
    for p, tables in enumerate(point_tables):
        scenario = _scenario(f"p{p:02d}", tables)
        setups.append(funding_setup(region, travel, sensitive, scenario))
    observe = _scenario(
        "observe",
        {"funding": dict(base.get("funding", {})), "behaviour": {"board": {"enabled": False}}},
    )
    state: dict[int, dict[str, Any]] = {p: {"diverged": None} for p in range(len(setups))}

    def evaluate(board: Any, regime: Any, params: Any, shares: Any, quarter: Any) -> dict:
        out = {}
        for i, site in enumerate(board.sites):
            full, night = board._effects(i, regime, shares, quarter, params)
            st = board._state(i, full, night, quarter, board.quarters_since_change[i] + 1, [])
            decision = board_decision(st, params)
            out[site.site_id] = (decision.action, decision.reason) if decision else ("none", "")
        return out

    def observer(board: Any, date: dt.date, shares: Any, quarter: Any) -> None:
        for p, setup in enumerate(setups):
            rec = state[p]
            if rec["diverged"] is not None:
                continue
            schedule = setup.schedule
            regime = schedule.regime_at(date)
            previous = schedule.regime_at(date - dt.timedelta(days=1))
            decided = evaluate(board, regime, setup.board, shares, quarter)
            if regime is not previous:  # the switch review
                rec["fee"] = evaluate(board, previous, setup.board, shares, quarter)
                rec["budget"] = decided
                rec["diverged"] = "at_switch"
            elif any(a != "none" for a, _ in decided.values()):
                rec["diverged"] = str(date)
                rec["before"] = decided

    t0 = time.perf_counter()
    model = Model(
        region,
        observe,
        RandomStreams(seed, rep),
        horizon_minutes=horizon_days * MINUTES_PER_DAY,
        warmup_minutes=0.0,
        travel=travel,
        funding=funding_setup(region, travel, sensitive, observe),
    )
    model.board.observer = observer
    model.run()
    wall = time.perf_counter() - t0
    rows = []
    for p in range(len(setups)):
        rec = state[p]
        before = rec.get("before", {})
        fee = rec.get("fee", {})
        budget = rec.get("budget", {})
        kust_before = before.get(SITE, ("none", ""))
        kust_closed_before = kust_before[0] in CLOSING and kust_before[1] == "financial"
        other_first = bool(before) and not kust_closed_before
        fee_closes = fee.get(SITE, ("none", ""))[0] in CLOSING
        budget_closes = budget.get(SITE, ("none", ""))[0] in CLOSING
        changed = any(
            (fee.get(s, ("none", ""))[0] in CLOSING) != (budget.get(s, ("none", ""))[0] in CLOSING)
            for s in fee
            if s != SITE
        )
        rows.append(
            {
                "point": p,
                "replication": rep,
                "fee_closes_kust": bool(fee_closes),
                "budget_closes_kust": bool(budget_closes),
                "budget_keeps_kust_open": bool(fee_closes and not budget_closes),
                "kust_closed_before_switch": bool(kust_closed_before),
                "budget_changes_other_sehs": bool(changed),
                "fee_decisions": ";".join(f"{s}:{a}" for s, (a, _) in sorted(fee.items())),
                "budget_decisions": ";".join(f"{s}:{a}" for s, (a, _) in sorted(budget.items())),
                "first_decision": rec["diverged"] or "none",
                "needs_full_run": other_first,
                "wall_seconds": wall,
                "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            }
        )
    return rows


# --- summary --------------------------------------------------------------------------------------
def knob_influence(
    points: pd.DataFrame, holds: pd.Series, knobs: list[str]
) -> list[tuple[str, float]]:
    """Main-effect spread of each knob on a headline, largest first.

    For a knob with levels: the largest minus the smallest share of points in which the
    headline holds, over its levels. For a range: the same over the lower and upper half
    of the range. 0 means the knob does not move the headline; 1 means it decides it.
    """
    out = []
    for k in knobs:
        col = points[k]
        if col.dtype == object or col.dtype == bool or col.nunique() <= 3:
            groups = col.astype(str)
        else:
            groups = (col > col.median()).map({True: "upper half", False: "lower half"})
        shares = holds.groupby(groups).mean()
        out.append((k, float(shares.max() - shares.min()) if len(shares) > 1 else 0.0))
    return sorted(out, key=lambda kv: -kv[1])


def level_shares(points: pd.DataFrame, holds: pd.Series, knob: str) -> str:
    """Share in which the headline holds per level (or half) of a knob, as text."""
    col = points[knob]
    if col.dtype == object or col.dtype == bool or col.nunique() <= 3:
        groups = col.astype(str)
    else:
        med = col.median()
        groups = (col > med).map({True: f"> {med:,.3g}", False: f"<= {med:,.3g}"})
    shares = holds.groupby(groups).mean()
    return ", ".join(f"{lvl}: {v:.0%}" for lvl, v in shares.items())


def write_doc(
    spec: Mapping[str, Any],
    points: pd.DataFrame,
    runs: pd.DataFrame,
    wall_seconds: float,
    workers: int,
    note: str = "",
) -> str:
    """Return the text of docs/funding-results.md."""
    knobs = list(points.columns)
    n_points, n_reps = len(points), int(runs["replication"].nunique())
    by_point = runs.groupby("point")[list(HEADLINES)].mean()
    lines = [
        "# Funding verdicts on the demo region, and how robust they are",
        "",
        "Made by `python scripts/funding_robustness.py` from "
        "`experiments/funding-robustness.toml`; do not edit by hand.",
        "",
        f"Design: {n_points} points x {n_reps} replications "
        f"({spec['design'].get('method', 'lhs')} design of `scipy.stats.qmc`, seed "
        f"{spec['design'].get('seed', 0)}), root seed {spec['seed']}, common random numbers "
        "across the design (replication r of every point draws the same patients). Every "
        "point runs the 2027 switch on the demo region for "
        f"{spec['horizon_days']:g} days from 5 January 2026, through the board's review of "
        "1 January 2027. At that review the board decides under the budget and records what "
        "it would have decided under fee-per-DBC; up to the switch both regimes saw the same "
        "patients, so the two decisions are a paired comparison within one run.",
        "",
        note,
        "",
        f"Measured: {len(runs)} point-replications in {wall_seconds / 60:.1f} minutes wall "
        f"time on {workers} worker processes (a 2-core machine shared with other jobs); "
        f"peak memory per worker {runs['max_rss_mb'].max():.0f} MB.",
        "",
        "Knobs and ranges:",
        "",
        "| knob | levels or range |",
        "| --- | --- |",
    ]
    for k, knob in spec["knobs"].items():
        rng = knob.get("values", knob.get("range"))
        lines.append(
            f"| `{k}` | {', '.join(str(v) for v in rng)}"
            f"{' (whole numbers)' if knob.get('integer') else ''} |"
        )
    lines += [
        "",
        "## Headlines",
        "",
        "A headline holds at a design point when it holds in the majority of its "
        "replications. Top knobs: main-effect spread, the largest difference between the "
        "levels (or the lower and upper half of the range) of a knob in the share of points "
        "where the headline holds (0: no effect; 1: the knob alone decides).",
        "",
        "| headline | holds in share of design points | share of runs | top knobs (spread) | "
        "by level of the top knob |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for key, text in HEADLINES.items():
        holds = by_point[key] > 0.5
        influence = knob_influence(points, holds, knobs)
        top = "; ".join(f"`{k}` {v:.2f}" for k, v in influence[:3])
        lines.append(
            f"| {text} | {holds.mean():.0%} | {runs[key].mean():.0%} | {top} | "
            f"{level_shares(points, holds, influence[0][0])} |"
        )
    keep = by_point["budget_keeps_kust_open"] > 0.5
    persist = points["funding.schoning_persists_on_closure"].astype(bool)
    hospital = points["funding.schoning"] == "hospital"
    eligible = ~(by_point["kust_closed_before_switch"] > 0.5)

    def share(mask: pd.Series) -> str:
        return f"{keep[mask].mean():.0%} of {int(mask.sum())}" if mask.any() else "no"

    lines += [
        "",
        "## Reading",
        "",
        "- Where `kust` is still open at the switch, the budget keeps it open in "
        f"{share(eligible & persist)} points with a persisting price cut and in "
        f"{share(eligible & ~persist)} with a cut that reverts on closure. With schoning "
        "per hospital and a reverting cut, closing `kust` is worth exactly what it is worth "
        "under fee-per-DBC (`tests/unit/test_funding_verdicts.py`): there the budget keeps "
        f"it open in {share(eligible & ~persist & hospital)} points. Under `total` and "
        "`none` the budget also redistributes money towards the small organisation, so it "
        "can keep `kust` open even when the cut reverts.",
        "- `kust` closes for money before the switch in "
        f"{(~eligible).mean():.0%} of the points: whenever the board acts after fewer loss "
        "quarters than 2026 provides, or closes whatever pays (`concentrate`). The budget "
        "then comes too late for it, and the location- or institution-bound question "
        "never arises in this horizon.",
        "- Volmelding sensitivity and the substitution rate are not in this design: up to "
        "the first review under the budget they cannot act (volmelding thresholds follow "
        "the regime in force, fee-per-DBC). Effects after the switch (volmelding hours, "
        "the population beyond the norm in 2027) need runs beyond that review, which this "
        "sweep could not afford on a shared 2-core machine.",
        "",
        "## Per design point",
        "",
        "Share of replications in which each headline holds.",
        "",
        "| point | "
        + " | ".join(f"`{k.split('.')[-1]}`" for k in knobs)
        + " | "
        + " | ".join(HEADLINES)
        + " |",
        "| " + " | ".join(["---"] * (1 + len(knobs) + len(HEADLINES))) + " |",
    ]
    for p, row in points.iterrows():
        vals = [f"{v:,.3g}" if isinstance(v, float) else str(v) for v in row.tolist()]
        shares = [f"{by_point.loc[p, k]:.2f}" for k in HEADLINES]
        lines.append(f"| {p} | " + " | ".join(vals + shares) + " |")
    return "\n".join(lines) + "\n"


def replay_main(
    spec: Mapping[str, Any], points: pd.DataFrame, region_path: str, workers: int
) -> None:
    """One observed run per replication, every point evaluated on it; full runs where needed."""
    reps = int(spec["replications"])
    horizon, seed = float(spec["horizon_days"]), int(spec["seed"])
    base = spec.get("base", {})
    tables = [scenario_tables(base, row.to_dict()) for _, row in points.iterrows()]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        tasks = [(r, tables, base, horizon, seed, region_path) for r in range(reps)]
        rows = [row for result in pool.map(replay_replication, tasks) for row in result]
        runs = pd.DataFrame(rows)
        full = runs[runs["needs_full_run"]]
        sys.stderr.write(f"replay done; {len(full)} point-replications need a full run\n")
        full_tasks = [
            (int(p), int(r), tables[int(p)], horizon, seed, region_path)
            for p, r in zip(full["point"], full["replication"], strict=True)
        ]
        for result in pool.map(run_point, full_tasks):
            mask = (runs["point"] == result["point"]) & (
                runs["replication"] == result["replication"]
            )
            for k, v in result.items():
                runs.loc[mask, k] = v
    wall = time.perf_counter() - start
    runs = runs.sort_values(["point", "replication"])
    runs.to_csv(OUT / "runs_replay.csv", index=False)
    note = (
        f"Method: one observed run per replication ({reps} runs of {horizon:g} days) with "
        "the board's decisions switched off; at every review each design point's board is "
        "evaluated on the same books, exactly as it would decide until its first decision "
        "(before that, all points share the trajectory: fee-per-DBC is in force and the "
        "random numbers are common). "
        f"{int(runs['needs_full_run'].sum())} point-replications whose first decision "
        "before the switch concerned another SEH than `kust` were simulated on their own."
    )
    full_path = OUT / "runs.csv"
    if full_path.exists():
        check = pd.read_csv(full_path).merge(
            runs, on=["point", "replication"], suffixes=("_full", "_replay")
        )
        if len(check):
            agree = all(
                (check[f"{k}_full"].astype(bool) == check[f"{k}_replay"].astype(bool)).all()
                for k in HEADLINES
            )
            n_agree = sum(
                bool(all(bool(row[f"{k}_full"]) == bool(row[f"{k}_replay"]) for k in HEADLINES))
                for _, row in check.iterrows()
            )
            note += (
                f" Check against {len(check)} point-replications simulated on their own "
                f"(`--full`): every headline agrees in {n_agree} of {len(check)}"
                f"{'' if agree else ' (see results/funding-robustness/)'}."
            )
    text = write_doc(spec, points, runs, wall, workers, note=note)
    DOC.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {DOC} ({wall:.0f} s)\n")


def report_only(spec: Mapping[str, Any], points: pd.DataFrame, done: pd.DataFrame) -> None:
    """Write the page from the runs finished so far: points with every replication."""
    reps = int(spec["replications"])
    counts = done.groupby("point")["replication"].nunique()
    complete = sorted(int(p) for p in counts[counts == reps].index)
    runs = done[done["point"].isin(complete)].sort_values(["point", "replication"])
    wall = (
        float((OUT / "started.txt").read_text().split()[0])
        if (OUT / "started.txt").exists()
        else 0.0
    )
    elapsed = time.time() - wall if wall else float("nan")
    text = write_doc(spec, points.loc[complete], runs, elapsed, 2)
    if len(complete) < len(points):
        text = text.replace(
            "## Headlines",
            f"**Partial design:** {len(complete)} of {len(points)} points finished all "
            f"{reps} replications before the run was stopped; the shares below are over "
            "those points only.\n\n## Headlines",
            1,
        )
    DOC.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {DOC} from {len(complete)} complete points\n")


def main() -> None:
    """Run the design (reusing finished runs) and write docs/funding-results.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--points", type=int, default=None, help="override [design] points")
    parser.add_argument(
        "--full",
        action="store_true",
        help="simulate every point and replication on its own (slow) instead of the replay",
    )
    parser.add_argument(
        "--max-points",
        type=int,
        default=None,
        help="with --full: simulate only the first N points (a check of the replay)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write the page from the finished runs (complete points only), run nothing",
    )
    args = parser.parse_args()
    spec = tomllib.loads(EXPERIMENT.read_text(encoding="utf-8"))
    if args.points:
        spec["design"]["points"] = args.points
    points = design(spec["design"], spec["knobs"])
    region_path = str((EXPERIMENT.parent / spec["region"]).resolve())
    OUT.mkdir(parents=True, exist_ok=True)
    points.to_csv(OUT / "design.csv", index_label="point")
    runs_path = OUT / "runs.csv"
    done = pd.read_csv(runs_path) if runs_path.exists() else pd.DataFrame()
    finished = set(zip(done.get("point", []), done.get("replication", []), strict=True))
    if args.report_only:
        report_only(spec, points, done)
        return
    if not args.full:
        replay_main(spec, points, region_path, args.workers)
        return
    tasks = [
        (
            p,
            r,
            scenario_tables(spec.get("base", {}), row.to_dict()),
            float(spec["horizon_days"]),
            int(spec["seed"]),
            region_path,
        )
        for p, row in points.iterrows()
        for r in range(int(spec["replications"]))
        if (p, r) not in finished and (args.max_points is None or p < args.max_points)
    ]
    start = time.perf_counter()
    if not (OUT / "started.txt").exists():
        (OUT / "started.txt").write_text(f"{time.time()}\n", encoding="utf-8")
    rows = done.to_dict("records") if len(done) else []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for i, result in enumerate(pool.map(run_point, tasks), start=1):
            rows.append(result)
            pd.DataFrame(rows).to_csv(runs_path, index=False)
            sys.stderr.write(
                f"\r{i}/{len(tasks)} runs, {time.perf_counter() - start:,.0f} s "
                f"({dt.datetime.now(dt.UTC):%H:%M:%S} UTC)"
            )
    sys.stderr.write("\n")
    runs = pd.DataFrame(rows).sort_values(["point", "replication"])
    wall = time.perf_counter() - start if tasks else float("nan")
    meta_path = OUT / "wall.txt"
    if tasks:
        meta_path.write_text(f"{wall}\n{args.workers}\n{os.cpu_count()}\n", encoding="utf-8")
    elif meta_path.exists():
        wall, workers = (float(x) for x in meta_path.read_text().split()[:2])
        args.workers = int(workers)
    if args.max_points is not None:  # a check of the replay, not the page
        return
    DOC.write_text(write_doc(spec, points, runs, wall, args.workers), encoding="utf-8")
    sys.stderr.write(f"wrote {DOC}\n")


if __name__ == "__main__":
    main()
