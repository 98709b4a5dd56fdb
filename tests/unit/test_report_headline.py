"""Headline sentences, closure facts and range-respecting intervals (no simulation)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from acutesim.analysis import headline as hl
from acutesim.analysis.closures import closures_kpi_rows, site_closures
from acutesim.analysis.intervals import kpi_interval, kpi_range, poisson_mean_interval
from acutesim.analysis.stats import summarise
from acutesim.experiment.store import ResultsStore
from acutesim.units import MINUTES_PER_DAY


# -- intervals ----------------------------------------------------------------------------
def test_count_interval_never_below_zero_where_t_goes_negative():
    # bed_transfers 12.7 [-7.41, 32.7] under a t-interval
    values = np.array([0.0, 0.0, 1.0, 2.0, 60.0])
    mean, low, high = kpi_interval("bed_transfers", values)
    assert mean == pytest.approx(12.6)
    assert 0.0 <= low < mean < high
    t_low = mean - 2.776 * values.std(ddof=1) / math.sqrt(5)
    assert t_low < 0  # the interval it replaces did cross zero


def test_count_interval_zero_counts_has_an_upper_bound():
    mean, low, high = poisson_mean_interval(np.zeros(5))
    assert (mean, low) == (0.0, 0.0)
    # Garwood: upper 3.689 events over 5 replications
    assert high == pytest.approx(3.6889 / 5, rel=1e-3)


def test_poisson_interval_matches_garwood_without_overdispersion():
    # 5 replications of exactly one closure: variance 0 <= mean, so phi = 1
    mean, low, high = poisson_mean_interval(np.ones(5))
    assert mean == 1.0
    assert low == pytest.approx(1.6235 / 5, rel=1e-3)
    assert high == pytest.approx(11.668 / 5, rel=1e-3)


def test_overdispersed_counts_get_a_wider_interval():
    calm = poisson_mean_interval(np.array([10.0, 10.0, 10.0, 10.0]))
    wild = poisson_mean_interval(np.array([0.0, 0.0, 20.0, 20.0]))
    assert calm[0] == wild[0] == 10.0
    assert wild[2] - wild[1] > 2 * (calm[2] - calm[1])


def test_shares_and_hours_are_clipped_to_their_range():
    assert kpi_range("admission_share") == (0.0, 1.0)
    assert kpi_range("volmelding_hours") == (0.0, math.inf)
    assert kpi_range("margin_eur") == (-math.inf, math.inf)
    _, low, high = kpi_interval("seh_los_over_4h_share", np.array([0.0, 0.0, 0.01, 0.97]))
    assert low >= 0.0
    assert high <= 1.0
    _, low, _ = kpi_interval("volmelding_hours", np.array([0.0, 0.0, 0.5, 30.0]))
    assert low == 0.0
    _, low, _ = kpi_interval("margin_eur", np.array([0.0, 0.0, 0.5, 30.0]))
    assert low < 0.0


def test_non_integer_counts_fall_back_to_the_clipped_t_interval():
    mean, low, high = kpi_interval("diversions", np.array([1.5, 2.5, 3.5]))
    assert mean == pytest.approx(2.5)
    assert low == pytest.approx(2.5 - 4.3027 * 1.0 / math.sqrt(3), abs=1e-3)
    assert high > mean


# -- closures -----------------------------------------------------------------------------
def _closures(rows):
    return pd.DataFrame(
        rows,
        columns=["scenario", "replication", "site_id", "date", "t_minutes", "action", "reason"],
    )


CLOSURES = _closures(
    [
        ("fee", 0, "kust", "2027-01-01", 361 * MINUTES_PER_DAY, "closure", "financial"),
        ("fee", 1, "kust", "2027-01-01", 361 * MINUTES_PER_DAY, "closure", "financial"),
        ("fee", 2, "kust", "2027-02-01", 392 * MINUTES_PER_DAY, "closure", "financial"),
        ("fee", 2, "kust", "2027-03-01", 420 * MINUTES_PER_DAY, "reopen", "financial"),
        ("imposed", 0, "noord", "2026-01-05", 0.0, "closure", "policy"),
        ("budget", 1, "centraal", "2028-06-01", 878 * MINUTES_PER_DAY, "night_closure", "staff"),
    ]
)


def test_site_closures_say_which_when_and_how_often():
    reps = {"fee": 3, "budget": 3, "imposed": 3}
    out = site_closures(CLOSURES, reps)
    assert out["imposed"] == []  # imposed from day 0: an input, not an outcome
    (kust,) = out["fee"]
    assert (kust.site_id, kust.n_replications, kust.n_total) == ("kust", 3, 3)
    assert (kust.first_date, kust.last_date) == ("2027-01-01", "2027-02-01")
    assert kust.first_day == pytest.approx(361.0)
    (night,) = out["budget"]
    assert night.action == "night_closure"
    assert hl.closure_phrase(kust, {"kust": "Kustziekenhuis"}) == (
        "kust (Kustziekenhuis) closes (financial) between 1 January 2027 and 1 February 2027 "
        "in 3 of 3 replications (95% CI 29% to 100% of runs)"
    )
    assert hl.closure_phrase(night, {}) == (
        "centraal closes at night (staff) on 1 June 2028 in 1 of 3 replications "
        "(95% CI 1% to 91% of runs)"
    )


def test_closures_kpi_counts_zero_replications():
    pairs = pd.DataFrame({"scenario": ["fee"] * 3 + ["budget"] * 3, "replication": [0, 1, 2] * 2})
    rows = closures_kpi_rows(CLOSURES, pairs, 0.0)
    values = rows.set_index(["scenario", "replication"])["value"]
    assert values["fee"].tolist() == [1.0, 1.0, 1.0]
    assert values["budget"].tolist() == [0.0, 1.0, 0.0]


# -- headline -----------------------------------------------------------------------------
def _table():
    rows = []
    for kpi, base, diff in [
        ("n_closures", (1.0, 0.32, 2.3), (-1.0, -1.0, -1.0)),
        ("population_beyond_norm_mean", (21000.0, 20000.0, 22000.0), (-9000.0, -9500.0, -8500.0)),
        ("volmelding_hours", (300.0, 250.0, 350.0), (40.0, -10.0, 90.0)),
        ("diversions", (20.0, 15.0, 25.0), (-5.0, -8.0, -2.0)),
    ]:
        rows.append(
            {"scenario": "fee", "kpi": kpi, "mean": base[0], "ci_low": base[1],
             "ci_high": base[2], "diff_mean": math.nan, "diff_ci_low": math.nan,
             "diff_ci_high": math.nan}
        )  # fmt: skip
        rows.append(
            {"scenario": "budget", "kpi": kpi, "mean": base[0] + diff[0], "ci_low": 0.0,
             "ci_high": 0.0, "diff_mean": diff[0], "diff_ci_low": diff[1],
             "diff_ci_high": diff[2]}
        )  # fmt: skip
    return pd.DataFrame(rows)


def test_headline_leads_with_the_closure_then_population_and_volmelding():
    reps = {"fee": 5, "budget": 5}
    closures = _closures(
        [
            ("fee", r, "kust", "2027-01-01", 362 * MINUTES_PER_DAY, "closure", "financial")
            for r in range(5)
        ]
    )
    heads = hl.scenario_headlines(
        _table(),
        ["fee", "budget"],
        "fee",
        site_closures(closures, reps),
        reps,
        site_names={"kust": "Kustziekenhuis"},
        horizon_days=1826,
    )
    base, budget = heads
    assert base.lead.startswith(
        "fee (baseline): kust (Kustziekenhuis) closes (financial) on 1 January 2027 in 5 of 5 "
        "replications (95% CI 48% to 100% of runs). On average 21,000 inhabitants beyond the "
        "45-minute norm (95% CI 20,000 to 22,000)"
    )
    assert budget.lead == (
        "budget: no SEH closes in any of the 5 replications, whereas under fee kust "
        "(Kustziekenhuis) closes (financial) on 1 January 2027 in 5 of 5 replications (95% CI "
        "48% to 100% of runs). Against the baseline: 9,000 fewer inhabitants beyond the "
        "45-minute norm on time-weighted average (95% CI 8,500 to 9,500); no clear difference "
        "in hours of volmelding over the 5.0 measured years (+40.0; 95% CI -10.0 to +90.0)."
    )
    assert budget.details[0] == (
        "budget versus fee: 1.00 fewer SEH closures over the 5.0 measured years "
        "(the same in every replication)"
    )
    assert "diverted ambulance patients" in budget.details[1]


def test_robustness_counts_grid_scenarios_by_direction():
    t = _table()
    grid = t[t["scenario"] == "budget"].assign(scenario="g1")
    grid2 = grid.assign(scenario="g2", diff_ci_low=-1.0, diff_ci_high=1.0)
    table = pd.concat([t, grid, grid2], ignore_index=True)
    lines = hl.robustness_sentences(table, "fee", ["g1", "g2"], {"behaviour.x": [0.1, 0.2]})
    assert lines[0] == (
        "Across the 2 grid scenarios (behaviour.x in 0.1, 0.2): SEH closures clearly more than "
        "in fee in 0, clearly fewer in 1, no clear difference in 1."
    )


def test_about_region_says_synthetic_or_real_and_the_dates():
    text = hl.about_region(
        "demo", "A coastal demo. Not a real place.", ["synthetic: generated"],
        dt.date(2026, 1, 5), 1826,
    )  # fmt: skip
    assert text == (
        "Region 'demo': a SYNTHETIC region, not a real place (A coastal demo. Not a real "
        "place). Simulated from 5 January 2026 to 5 January 2031."
    )
    real = hl.about_region("nl", "The Netherlands, April 2025.", ["CBS"], None, 0)
    assert real == "Region 'nl': built from real, public data (The Netherlands, April 2025)."


def test_warmup_suggestion_ignores_the_step_a_closure_makes(tmp_path):
    """A closure on day 200 shifts length of stay for good; MSER-5 must not call it warm-up."""
    days = np.arange(400.0)
    los = np.where(days < 200, 150.0, 200.0) + np.sin(days)  # level shift at the closure
    ts = pd.DataFrame(
        {"scenario": "base", "replication": 0, "t_days": days, "kpi": "seh_los_mean_minutes",
         "value": los}
    )  # fmt: skip
    ts.to_parquet(tmp_path / "timeseries.parquet", index=False)
    kpis = pd.DataFrame(
        {"scenario": ["base"], "replication": [0], "kpi": ["seh_visits"], "value": [1.0],
         "site_id": [None]}
    )  # fmt: skip
    kpis.to_parquet(tmp_path / "kpis.parquet", index=False)
    _closures(
        [("base", 0, "kust", "2026-07-24", 200 * MINUTES_PER_DAY, "closure", "financial")]
    ).to_parquet(tmp_path / "closures.parquet", index=False)
    manifest = {"scenarios": ["base"], "baseline": "base", "warmup_days": 0, "horizon_days": 400}
    ResultsStore(tmp_path).seal(manifest)
    summary = summarise(tmp_path)
    assert summary.warmup_until_days == pytest.approx(200.0)
    assert summary.warmup_suggestion_days is not None
    assert summary.warmup_suggestion_days < 50
    assert "before the baseline's first SEH closure on day 200" in summary.to_text_table()
    assert "n_closures" in set(summary.table["kpi"])


def test_share_interval_is_clopper_pearson():
    assert hl.share_interval(5, 5) == (pytest.approx(0.4782, abs=1e-4), 1.0)
    assert hl.share_interval(0, 5) == (0.0, pytest.approx(0.5218, abs=1e-4))
    low, high = hl.share_interval(1, 2)
    assert low == pytest.approx(0.0126, abs=1e-4)
    assert high == pytest.approx(0.9874, abs=1e-4)
