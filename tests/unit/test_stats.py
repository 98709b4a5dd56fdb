"""Replication statistics: t-intervals, MSER-5 warm-up, paired comparison, summaries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from acutesim.analysis.stats import compare, fmt, mser5, summarise, t_interval
from acutesim.errors import ResultsError
from acutesim.experiment.store import ResultsStore

T_975_4 = 2.7764451051977987  # Student t, 97.5% quantile, 4 degrees of freedom


def test_t_interval_by_hand():
    mean, lo, hi = t_interval(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    half = T_975_4 * math.sqrt(2.5) / math.sqrt(5)
    assert mean == 3.0
    assert (lo, hi) == (pytest.approx(3.0 - half), pytest.approx(3.0 + half))


def test_t_interval_small_and_degenerate_samples():
    assert all(math.isnan(x) for x in t_interval(np.array([])))
    mean, lo, hi = t_interval(np.array([4.0]))
    assert mean == 4.0
    assert math.isnan(lo)
    assert math.isnan(hi)
    assert t_interval(np.array([2.0, 2.0, 2.0])) == (2.0, 2.0, 2.0)
    mean, lo, hi = t_interval(np.array([1.0, np.nan, 3.0]))  # NaN replications are dropped
    assert mean == 2.0
    assert lo < 2.0 < hi


def test_t_interval_covers_the_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(12)
    hits = sum(
        lo <= 10.0 <= hi
        for lo, hi in (t_interval(rng.normal(10.0, 3.0, 8))[1:] for _ in range(2000))
    )
    assert 0.93 <= hits / 2000 <= 0.97


def test_mser5_finds_an_initial_transient():
    rng = np.random.default_rng(1)
    series = np.concatenate([np.linspace(0.0, 10.0, 50), 10.0 + rng.normal(0, 0.5, 450)])
    d = mser5(series)
    assert d % 5 == 0
    assert 30 <= d <= 80
    assert mser5(10.0 + rng.normal(0, 0.5, 500)) <= 25
    assert mser5(np.arange(15.0)) == 0  # too short to judge


def test_compare_gives_paired_differences_against_the_baseline():
    rows = []
    for r, base in enumerate([10.0, 12.0, 14.0]):
        rows += [
            ("baseline", r, "waits", base, None),
            ("more", r, "waits", base + 1.0 + 0.1 * r, None),
            ("baseline", r, "waits", 99.0, "site_a"),  # per-site rows are left out
        ]
    kpis = pd.DataFrame(rows, columns=["scenario", "replication", "kpi", "value", "site_id"])
    table = compare(kpis, ["baseline", "more"], "baseline").set_index("scenario")
    assert table.loc["baseline", "mean"] == 12.0
    assert table.loc["baseline", "n"] == 3
    assert math.isnan(table.loc["baseline", "diff_mean"])
    assert table.loc["more", "diff_mean"] == pytest.approx(1.1)
    # common random numbers: the paired interval is far narrower than the separate ones
    paired = table.loc["more", "diff_ci_high"] - table.loc["more", "diff_ci_low"]
    separate = table.loc["more", "ci_high"] - table.loc["more", "ci_low"]
    assert paired < separate / 10


def write_results(d, rows, scenarios):
    d.mkdir()
    df = pd.DataFrame(rows, columns=["scenario", "replication", "kpi", "value", "site_id"])
    df.to_parquet(d / "kpis.parquet")
    ResultsStore(d).seal({"scenarios": scenarios, "baseline": scenarios[0]})


def test_summarise_and_its_text_table(tmp_path):
    rows = [
        (s, r, k, v + r, None)
        for s, shift in (("base", 0.0), ("alt", 2.0))
        for r in range(3)
        for k, v in (("seh_visits", 1000.0 + shift), ("diversions", 0.0))
    ]
    write_results(tmp_path / "res", rows, ["base", "alt", "never_ran"])
    summary = summarise(tmp_path / "res")
    assert summary.scenarios == ["base", "alt"]
    assert summary.baseline == "base"
    assert list(summary.table["kpi"]) == ["seh_visits", "seh_visits", "diversions", "diversions"]
    text = summary.to_text_table()
    lines = text.splitlines()
    assert lines[0].split() == ["kpi", "base", "alt"]
    assert lines[2].startswith("seh_visits")
    assert "1,001 [" in lines[2]
    assert "(d +2.00)" in lines[2]
    assert "paired difference to 'base'" in text


def test_summarise_errors_name_the_path(tmp_path):
    with pytest.raises(ResultsError, match=r"no_dir: no manifest\.json"):
        summarise(tmp_path / "no_dir")
    d = tmp_path / "half"
    d.mkdir()
    (d / "manifest.json").write_text("{}")
    with pytest.raises(ResultsError, match=r"half: written by an acutesim without table checks"):
        summarise(d)
    ResultsStore(d).seal({})
    with pytest.raises(ResultsError, match=r"half/kpis\.parquet: not found"):
        summarise(d)


@pytest.mark.parametrize(
    ("value", "signed", "text"),
    [
        (12345.6, False, "12,346"),
        (123.4, False, "123"),
        (12.34, False, "12.3"),
        (1.234, False, "1.23"),
        (0.01234, False, "0.012"),
        (0.0, False, "0.00"),
        (2.0, True, "+2.00"),
        (-2.0, True, "-2.00"),
        (float("nan"), False, "n/a"),
    ],
)
def test_fmt(value, signed, text):
    assert fmt(value, signed=signed) == text


def test_quantiles_equal_scipy_stats_bit_for_bit():
    # intervals.py takes its quantiles from scipy.special to spare reports the import of
    # scipy.stats; the values must be those of scipy.stats' ppf, to the last bit
    from scipy import stats

    from acutesim.analysis.intervals import beta_quantile, chi2_quantile, t_quantile

    for df in [*range(1, 60), 0.5, 2.5, 117.25, 1e4]:
        for q in (0.005, 0.025, 0.5, 0.975, 0.995):
            assert t_quantile(q, df) == float(stats.t.ppf(q, df)), (q, df)
    for df in [*np.linspace(0.02, 400.0, 301), 2.0, 4000.0]:
        for q in (0.025, 0.975):
            assert chi2_quantile(q, float(df)) == float(stats.chi2.ppf(q, df)), (q, df)
    for n in range(1, 41):
        for k in range(n + 1):
            for q in (0.025, 0.975):
                if k > 0:
                    assert beta_quantile(q, k, n - k + 1) == float(stats.beta.ppf(q, k, n - k + 1))
                if k < n:
                    assert beta_quantile(q, k + 1, n - k) == float(stats.beta.ppf(q, k + 1, n - k))


def test_a_report_summary_does_not_import_scipy_stats():
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from acutesim.analysis.intervals import kpi_interval\n"
        "from acutesim.analysis.headline import share_interval\n"
        "kpi_interval('unserved', np.array([3.0, 5.0, 4.0]))\n"
        "kpi_interval('handoff_hours_lost', np.array([3.5, 5.0, 4.0]))\n"
        "share_interval(2, 5)\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
