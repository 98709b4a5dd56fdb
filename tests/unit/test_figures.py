"""Report figures: titles, axis labels with units, legend entries and colours (no pixels)."""

from __future__ import annotations

import subprocess
import sys

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from acutesim.report import figures as fg
from acutesim.units import MINUTES_PER_DAY

SCENARIOS = ["fee_per_dbc", "fixed_budget", "mixed"]
SITES = ["noord", "kust"]
DAY = MINUTES_PER_DAY


def _legend(ax):
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


@pytest.fixture
def kpis():
    rows = []
    for i, s in enumerate(SCENARIOS):
        for r in range(3):
            for j, site in enumerate(SITES):
                rows += [
                    (s, r, "volmelding_hours", 10.0 * (i + 1) + r + j, site),
                    (s, r, "ambulance_call_to_door_p95_minutes", 40.0 + 5 * i + r, site),
                    (s, r, "ambulance_call_to_door_over_45_share", 0.1 + 0.05 * i, site),
                ]
            rows.append((s, r, "volmelding_hours", 50.0 + i, None))
    return pd.DataFrame(rows, columns=["scenario", "replication", "kpi", "value", "site_id"])


@pytest.fixture
def status():
    rows = []
    for s in SCENARIOS:
        for r in range(2):
            rows += [
                (s, r, "noord", 0.0, 10 * DAY, "open"),
                (s, r, "noord", 10 * DAY, 11 * DAY, "volgemeld"),
                (s, r, "noord", 11 * DAY, 20 * DAY, "closed_shift"),
                (s, r, "kust", 0.0, 5 * DAY, "outside_hours"),
                (s, r, "kust", 5 * DAY, 15 * DAY, "open"),
                (s, r, "kust", 15 * DAY, 20 * DAY, "closed"),
            ]
    return pd.DataFrame(
        rows, columns=["scenario", "replication", "site_id", "t_start", "t_end", "status"]
    )


def test_scenario_colours_are_fixed_by_order():
    colours = fg.scenario_colours(SCENARIOS)
    assert list(colours) == SCENARIOS
    assert colours["fee_per_dbc"] == fg.PALETTE[0]
    assert colours == fg.scenario_colours([*SCENARIOS, "fee_per_dbc"])
    many = fg.scenario_colours([f"s{i}" for i in range(12)])
    assert many["s10"] == many["s0"]


def test_figures_module_does_not_import_matplotlib():
    code = (
        "import sys, acutesim.report.figures, acutesim.report.html, acutesim.cli; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_status_timeline_labels_legend_and_reasons(status):
    closures = pd.DataFrame(
        {
            "scenario": ["fee_per_dbc"],
            "replication": [0],
            "site_id": ["kust"],
            "date": ["2026-01-20"],
            "t_minutes": [15 * DAY],
            "action": ["closure"],
            "reason": ["financial"],
        }
    )
    ax = fg.plot_status_timeline(
        status, closures=closures, site_names={"kust": "Kustziekenhuis"}, warmup_days=2.0
    )
    assert ax.get_title() == "fee_per_dbc: SEH status per site (replication 0)"
    assert ax.get_xlabel() == "time [days]"
    legend = _legend(ax)
    assert "open" in legend
    assert "volgemeld (full, ambulances diverted)" in legend
    assert "closed for a shift (staff)" in legend
    assert "closed (financial)" in legend
    assert "outside opening hours" in legend
    assert "end of warm-up" in legend
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["noord", "Kustziekenhuis (kust)"]
    assert ax.get_xlim() == (0.0, 20.0)


def test_status_timeline_figure_has_one_panel_per_scenario(status):
    fig = fg.status_timeline_figure(status, SCENARIOS, replication=1)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [f"{s}: SEH status per site (replication 1)" for s in SCENARIOS]
    assert fig.axes[-1].get_xlabel() == "time [days]"


def test_volmelding_by_site_bars_whiskers_and_colours(kpis):
    colours = fg.scenario_colours(SCENARIOS)
    ax = fg.plot_volmelding_by_site(kpis, colours=colours)
    assert ax.get_ylabel() == "volmelding [h]"
    assert "Hours volgemeld per SEH" in ax.get_title()
    assert _legend(ax) == SCENARIOS
    # one bar per site and scenario, coloured by scenario (a collection per scenario)
    bars = [c for c in ax.collections if isinstance(c, mpl.collections.PolyCollection)]
    for collection, scenario in zip(bars, SCENARIOS, strict=True):
        assert len(collection.get_paths()) == len(SITES)
        assert collection.get_label() == scenario
        assert mpl.colors.to_hex(collection.get_facecolor()[0]) == colours[scenario]
        tops = [p.vertices[:, 1].max() for p in collection.get_paths()]
        assert min(p.vertices[:, 1].min() for p in collection.get_paths()) == 0.0
        assert max(tops) > 0.0
    assert ax.get_ylim()[0] == 0.0  # bars stand on the axis, as ax.bar's do
    # whiskers: the CI over 3 replications is wider than zero
    segments = [c for c in ax.collections if isinstance(c, mpl.collections.LineCollection)]
    assert segments
    # region-wide rows are not per site
    assert [t.get_text() for t in ax.get_xticklabels()] == SITES


def test_call_to_door_p95_has_norm_line(kpis):
    ax = fg.plot_call_to_door_p95_by_site(kpis)
    assert ax.get_ylabel() == "call to door, 95th percentile [min]"
    assert "45-minute norm" in _legend(ax)
    ax2 = fg.plot_call_to_door_over_45_by_site(kpis)
    assert ax2.get_ylabel() == "share over 45 min [0-1]"


def test_call_to_door_ecdf_from_patients():
    patients = pd.DataFrame(
        {
            "scenario": ["a"] * 4 + ["b"] * 4 + ["a"],
            "replication": [0] * 9,
            "route": ["ambulance"] * 8 + ["self"],
            "t_call": [0.0] * 9,
            "t_arrival": [30.0, 40.0, 50.0, 60.0, 20.0, 30.0, 40.0, np.nan, 500.0],
        }
    )
    ax = fg.plot_call_to_door_ecdf(patients, colours=fg.scenario_colours(["a", "b"]))
    assert ax.get_xlabel() == "call to door [min]"
    assert ax.get_ylabel() == "share of ambulance patients [0-1]"
    # a: 2 of 4 over 45 min; b: 0 of 3 (the NaN arrival and the self-referral are left out)
    assert _legend(ax) == ["a (50.0% over)", "b (0.0% over)", "45-minute norm"]


def test_population_beyond_norm_lines_per_scenario():
    ts = pd.DataFrame(
        {
            "scenario": ["a", "a", "a", "a", "b", "b"],
            "replication": [0, 1, 0, 1, 0, 0],
            "t_days": [0.0, 0.0, 1.0, 1.0, 0.0, 1.0],
            "kpi": ["population_beyond_norm"] * 6,
            "value": [10.0, 20.0, 30.0, 50.0, 5.0, 6.0],
        }
    )
    colours = {"a": "#111111", "b": "#222222"}
    ax = fg.plot_population_beyond_norm(ts, colours=colours, warmup_days=0.5)
    assert ax.get_xlabel() == "time [days]"
    assert ax.get_ylabel() == "population beyond the norm [persons]"
    assert _legend(ax) == ["a", "b", "warm-up (not measured)"]
    line_a = ax.get_lines()[0]
    assert list(line_a.get_ydata()) == [15.0, 40.0]  # mean over replications
    assert line_a.get_color() == "#111111"


def test_long_series_are_averaged_weekly_then_monthly():
    assert fg.time_bin(56) == (1.0, "daily")
    assert fg.time_bin(400) == (7.0, "weekly")
    assert fg.time_bin(1826) == (30.0, "30-day")
    ts = pd.DataFrame(
        {
            "scenario": ["a"] * 400,
            "replication": [0] * 400,
            "t_days": np.arange(400, dtype=float),
            "kpi": ["population_beyond_norm"] * 400,
            "value": np.arange(400, dtype=float),
        }
    )
    ax = fg.plot_population_beyond_norm(ts)
    assert "weekly mean" in ax.get_title()
    y = ax.get_lines()[0].get_ydata()
    assert len(y) == 58  # ceil(400 / 7)
    assert y[0] == 3.0  # mean of days 0..6


def test_finance_per_organisation_sums_rows_and_scales_units():
    rows = []
    for s in ("a", "b"):
        for r in range(2):
            for month in ("2027-01", "2027-02"):
                rows.append((s, r, "org1", "site1", month, 2.0e6, 1.5e6, 0.5e6))
                rows.append((s, r, "org1", None, month, 0.1e6, 0.0, 0.1e6))
                rows.append((s, r, "org2", "site2", month, 1.0e6, 1.2e6, -0.2e6))
    finance = pd.DataFrame(
        rows,
        columns=[
            "scenario",
            "replication",
            "organisation",
            "site_id",
            "month",
            "revenue_eur",
            "cost_eur",
            "margin_eur",
        ],
    )
    monthly = fg.organisation_months(finance)
    org1 = monthly[(monthly["organisation"] == "org1") & (monthly["scenario"] == "a")]
    assert org1["revenue_eur"].tolist() == [2.1e6, 2.1e6]
    ax = fg.plot_finance(finance, organisation="org1", column="revenue_eur")
    assert ax.get_ylabel() == "revenue [EUR million per month]"
    assert ax.get_xlabel() == "month"
    assert ax.get_title() == "org1: revenue"
    assert _legend(ax) == ["a", "b"]
    fig = fg.finance_figure(finance, colours=fg.scenario_colours(["a", "b"]))
    titles = [a.get_title() for a in fig.axes]
    assert titles == [
        "org1: revenue",
        "org1: cost",
        "org1: margin",
        "org2: revenue",
        "org2: cost",
        "org2: margin",
    ]
    assert fig.axes[5].get_ylabel() == "margin [EUR thousand per month]"


def test_money_scale():
    assert fg.money_scale([5.0e6, -1.0]) == (1e6, "EUR million")
    assert fg.money_scale([-2500.0]) == (1e3, "EUR thousand")
    assert fg.money_scale([12.0]) == (1.0, "EUR")
    assert fg.money_scale([]) == (1.0, "EUR")


def test_paired_difference_plot():
    table = pd.DataFrame(
        {
            "scenario": ["a", "b", "c"],
            "kpi": ["diversions"] * 3,
            "diff_mean": [np.nan, 2.0, -1.0],
            "diff_ci_low": [np.nan, 1.0, -3.0],
            "diff_ci_high": [np.nan, 3.0, 1.0],
        }
    )
    ax = fg.plot_paired_difference(
        table, kpi="diversions", xlabel="difference [patients]", title="ambulance patients diverted"
    )
    assert ax.get_xlabel() == "difference [patients]"
    assert ax.get_title() == "ambulance patients diverted"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "c"]


def test_empty_status_frame_still_labels_axes():
    empty = pd.DataFrame(
        columns=["scenario", "replication", "site_id", "t_start", "t_end", "status"]
    )
    ax = fg.plot_status_timeline(empty)
    assert ax.get_xlabel() == "time [days]"
    assert "no status rows" in ax.get_title()


def test_time_axes_read_in_dates_with_the_regime_switch_marked():
    import datetime as dt

    days = np.arange(0.0, 1826.0, 1.0)
    ts = pd.DataFrame(
        {
            "scenario": "switch",
            "replication": 0,
            "t_days": days,
            "kpi": "population_beyond_norm",
            "value": 100.0,
        }
    )
    start = dt.date(2026, 1, 5)
    switch_day = float((dt.date(2027, 1, 1) - start).days)
    events = [(switch_day, "switch: fixed budget from 1 January 2027")]
    ax = fg.plot_population_beyond_norm(ts, start_date=start, events=events)
    ax.figure.canvas.draw()
    assert ax.get_xlabel() == "date (day 0 = 05 Jan 2026)"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2027", "2028", "2029", "2030", "2031"]
    assert "switch: fixed budget from 1 January 2027" in _legend(ax)
    marked = [line for line in ax.get_lines() if line.get_label().startswith("switch:")]
    assert list(marked[0].get_xdata()) == [switch_day, switch_day]


def test_status_timeline_dates_and_event_legend(status):
    import datetime as dt

    fig = fg.status_timeline_figure(
        status,
        SCENARIOS,
        start_date=dt.date(2026, 1, 5),
        events_by_scenario={"mixed": [(10.0, "mixed: fixed budget from 15 January 2026")]},
    )
    fig.canvas.draw()
    first, _, last = fig.axes[:3]
    assert last.get_xlabel() == "date (day 0 = 05 Jan 2026)"
    assert [t.get_text() for t in last.get_xticklabels()] == []  # no 1st of a month within
    assert "mixed: fixed budget from 15 January 2026" in _legend(last)
    assert not any("fixed budget" in t for t in _legend(first))


def test_site_count_whiskers_never_go_below_zero():
    rows = [("a", r, "diversions", v, "kust") for r, v in enumerate([0.0, 0.0, 1.0, 2.0, 60.0])]
    frame = pd.DataFrame(rows, columns=["scenario", "replication", "kpi", "value", "site_id"])
    stats = fg.site_kpi_intervals(frame, "diversions")
    assert stats["ci_low"].iloc[0] >= 0.0
    assert stats["ci_high"].iloc[0] > stats["mean"].iloc[0] == pytest.approx(12.6)


def test_finance_figure_of_many_organisations_shows_totals_and_margins():
    n = fg.FINANCE_ROWS_MAX + 1
    rows = [
        (s, r, f"org{i:02d}", f"site{i}", month, 1.0e6, 1.0e6 + (i - 6) * 1e5 * (s == "b"), 0.0)
        for s in ("a", "b")
        for r in range(2)
        for i in range(n)
        for month in ("2027-01", "2027-02")
    ]
    cols = ["scenario", "replication", "organisation", "site_id", "month"]
    finance = pd.DataFrame(rows, columns=[*cols, "revenue_eur", "cost_eur", "margin_eur"])
    finance["margin_eur"] = finance["revenue_eur"] - finance["cost_eur"]
    fig = fg.finance_figure(finance, colours=fg.scenario_colours(["a", "b"]))
    titles = [a.get_title() for a in fig.axes]
    assert titles == [
        "all organisations: revenue",
        "all organisations: cost",
        "all organisations: margin",
        f"margin of each organisation ({n}) over the horizon",
    ]
    top_revenue = fig.axes[0].get_lines()[0].get_ydata()
    assert list(top_revenue) == [n * 1.0, n * 1.0]  # EUR million per month, summed
    margins = fig.axes[3].collections[1].get_offsets()[:, 1]  # scenario b, sorted by a
    # org i's margin in b over two months: -(i - 6) * 0.2 EUR million; a's are all 0, so
    # the stable sort keeps the organisations in order
    assert np.allclose(margins, [-(i - 6) * 0.2 for i in range(n)])


def test_per_site_bars_of_a_national_run_are_labelled_by_upright_site_ids():
    sites = [f"s{i:02d}" for i in range(fg.MANY_SITES + 1)]
    rows = [
        ("a", r, "volmelding_hours", float(i + r), s) for r in range(2) for i, s in enumerate(sites)
    ]
    kpis = pd.DataFrame(rows, columns=["scenario", "replication", "kpi", "value", "site_id"])
    names = {s: f"Ziekenhuis {s}" for s in sites}
    ax = fg.plot_volmelding_by_site(kpis, site_names=names)
    labels = ax.get_xticklabels()
    assert [t.get_text() for t in labels] == sites  # ids, not names: 31 names fill the page
    assert {t.get_rotation() for t in labels} == {90.0}
    few = fg.plot_volmelding_by_site(kpis[kpis["site_id"].isin(sites[:2])], site_names=names)
    assert few.get_xticklabels()[0].get_text().startswith("Ziekenhuis s00")
