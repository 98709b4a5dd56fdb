"""The KPI catalogue (acutesim/kpi.py) against what a run emits, the docs and its readers."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acutesim.analysis import headline
from acutesim.analysis.closures import CLOSURES_KPI, closures_kpi_rows
from acutesim.analysis.intervals import is_count_kpi, kpi_range
from acutesim.domain.scenario import Scenario
from acutesim.experiment.context import worker_context
from acutesim.kpi import (
    HEADLINE_ORDER,
    KPIS,
    UNSERVED_REASONS,
    URGENCIES,
    UnknownKpiError,
    find_kpi,
    headline_wordings,
    kpi,
    kpi_names,
    unit_of,
)
from acutesim.report import content
from acutesim.sim import patient
from acutesim.sim.model import run_replication

PROJECT = Path(__file__).resolve().parents[2]
DEMO = str(PROJECT / "regions" / "demo")
SCRIPT = PROJECT / "scripts" / "kpi_docs.py"


@pytest.fixture(scope="module")
def demo_run():
    """KPI rows of one short demo replication, and the region's SEH and HAP ids."""
    region, travel, _ = worker_context(DEMO)
    result = run_replication(
        region,
        Scenario("catalogue", staff_vacancy_share=0.3),
        horizon_days=4.0,
        warmup_days=1.0,
        root_seed=11,
        replication=0,
        travel=travel,
    )
    rows = pd.DataFrame(result.kpis, columns=["kpi", "value", "site_id"])
    sehs = {s.site_id for s in region.seh_sites}
    haps = {h.hap_id for h in region.haps}
    return rows, sehs, haps


def test_a_run_emits_exactly_the_catalogues_replication_kpis(demo_run):
    rows, _, _ = demo_run
    emitted = set(rows["kpi"])
    listed = set(kpi_names("replication"))
    assert emitted - listed == set(), "emitted by sim/kpis.py but not in acutesim/kpi.py"
    assert listed - emitted == set(), "in acutesim/kpi.py but not emitted by sim/kpis.py"
    region_rows = rows[rows["site_id"].isna()]
    assert not region_rows["kpi"].duplicated().any()
    assert set(region_rows["kpi"]) == listed  # every KPI has its region-wide row


def test_the_closures_kpi_is_the_catalogues_closures_entry():
    assert kpi_names("closures") == (CLOSURES_KPI,)
    closures = pd.DataFrame(
        {
            "scenario": ["a"],
            "replication": [0],
            "t_minutes": [5.0],
            "site_id": ["kust"],
            "action": ["closure"],
            "reason": ["deficit"],
        }
    )
    pairs = pd.DataFrame({"scenario": ["a"], "replication": [0]})
    assert set(closures_kpi_rows(closures, pairs, 0.0)["kpi"]) == {CLOSURES_KPI}
    assert set(kpi_names()) == set(kpi_names("replication")) | {CLOSURES_KPI}


def test_per_site_rows_are_where_the_catalogue_says(demo_run):
    rows, sehs, haps = demo_run
    sited = rows[rows["site_id"].notna()]
    for k in KPIS:
        if k.source != "replication":
            continue
        ids = set(sited.loc[sited["kpi"] == k.name, "site_id"])
        expected = {"seh": sehs, "hap": haps, None: set()}[k.per_site]
        assert ids == expected, k.name
        assert (k.per_site is None) == (k.region_rule == "region"), k.name


def test_summed_kpis_are_the_sum_of_their_site_rows(demo_run):
    rows, _, _ = demo_run
    summed = [k for k in KPIS if k.region_rule == "sum"]
    assert {"volmelding_hours", "diversions", "hap_contacts"} <= {k.name for k in summed}
    for k in summed:
        mine = rows[rows["kpi"] == k.name]
        region = float(mine.loc[mine["site_id"].isna(), "value"].iloc[0])
        sites = mine.loc[mine["site_id"].notna(), "value"].to_numpy(dtype=float)
        assert region == pytest.approx(float(np.nansum(sites)), rel=1e-12, abs=1e-9), k.name


def test_count_kpis_are_whole_numbers_and_shares_lie_in_0_1(demo_run):
    rows, _, _ = demo_run
    for k in KPIS:
        values = rows.loc[rows["kpi"] == k.name, "value"].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if k.count:
            assert np.all(values == np.round(values)), k.name
            assert np.all(values >= 0), k.name
        if k.unit == "share":
            assert np.all((values >= 0) & (values <= 1)), k.name
        low, high = k.bounds
        assert np.all((values >= low) & (values <= high)), k.name


def test_every_entry_has_a_unit_label_and_description():
    assert len(KPIS) == len({k.name for k in KPIS})
    for k in KPIS:
        assert k.unit.strip(), k.name
        assert k.label.strip(), k.name
        assert k.description.strip(), k.name
        assert k.bounds[0] <= k.bounds[1], k.name
        if k.name.endswith("_minutes"):
            assert k.unit == "min", k.name
        if k.name.endswith("_hours") or k.name.endswith("_hours_lost"):
            assert k.unit == "h", k.name
        if k.name.endswith("_share"):
            assert k.unit == "share", k.name
        if k.unit == "share":  # every share's interval stays within 0..1
            assert k.bounds == (0.0, 1.0), k.name
        # no KPI can be negative: every interval is clipped at zero
        assert k.bounds[0] == 0.0, k.name
        if k.unit in ("patients", "visits", "contacts", "closures"):
            assert k.count, k.name  # whole events: the Poisson interval, never below 0


def test_the_family_names_follow_the_simulation():
    assert tuple(u.lower() for u in patient.URGENCY_BY_INDEX) == URGENCIES
    assert UNSERVED_REASONS == patient.UNSERVED_REASONS


def test_an_unknown_name_is_a_clear_error():
    with pytest.raises(
        UnknownKpiError, match=r"unknown KPI 'volmelding_hour'.*did you mean 'volmelding_hours'"
    ):
        kpi("volmelding_hour")
    with pytest.raises(KeyError, match=r"not in the catalogue acutesim/kpi\.py"):
        kpi("")
    assert find_kpi("margin_eur") is None
    assert unit_of("margin_eur") == ""
    assert kpi("seh_los_mean_minutes").unit == "min"


def test_headline_wordings_come_from_the_catalogue():
    wordings = headline_wordings()
    assert tuple(wordings) == HEADLINE_ORDER
    assert HEADLINE_ORDER[0] == CLOSURES_KPI
    assert wordings == headline.WORDINGS
    assert wordings == content.HEADLINES
    assert {headline.POPULATION_KPI, headline.VOLMELDING_KPI} <= set(HEADLINE_ORDER)
    assert {k.name for k in KPIS if k.headline is not None} == set(HEADLINE_ORDER)


def test_report_units_come_from_the_catalogue():
    from acutesim.report.exports import _kpi_header

    for k in KPIS:
        assert content._unit(k.name) == k.unit, k.name
        assert _kpi_header(k.name) == f"{k.name} [{k.unit}]", k.name
    assert content._unit("margin_eur") == ""
    assert _kpi_header("margin_eur") == "margin_eur"


def test_intervals_read_count_and_range_from_the_catalogue():
    for k in KPIS:
        assert is_count_kpi(k.name) == k.count, k.name
        assert kpi_range(k.name) == k.bounds, k.name
    assert kpi_range("margin_eur") == (-math.inf, math.inf)
    assert not is_count_kpi("margin_eur")


def test_docs_table_is_the_catalogue():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr + "  (run: python scripts/kpi_docs.py)"
    text = (PROJECT / "docs" / "formats.md").read_text(encoding="utf-8")
    table = text.split("<!-- kpi table:")[1].split("<!-- end of the kpi table -->")[0]
    listed = [line.split("|")[1].strip().strip("`") for line in table.splitlines()[3:]]
    assert listed == list(kpi_names())


def test_a_stale_docs_table_fails_the_check(tmp_path):
    page = tmp_path / "formats.md"
    text = (PROJECT / "docs" / "formats.md").read_text(encoding="utf-8")
    page.write_text(text.replace("| `journeys` |", "| `journey` |"), encoding="utf-8")
    stale = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--page", str(page)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert stale.returncode == 1
    assert "stale" in stale.stderr
    subprocess.run([sys.executable, str(SCRIPT), "--page", str(page)], check=True)
    assert page.read_text(encoding="utf-8") == text
