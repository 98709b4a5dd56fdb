"""The HTML report: files, no network, the same numbers as report.md and `acutesim summary`."""

from __future__ import annotations

import math
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from acutesim.analysis.closures import closures_kpi_rows
from acutesim.analysis.stats import fmt, summarise
from acutesim.cli import app
from acutesim.experiment.snapshot import SNAPSHOT_KEY, write_region_snapshot
from acutesim.experiment.store import ResultsStore
from acutesim.report import content as rc
from acutesim.report import data as rd
from acutesim.report.html import companion_paths, write_report
from acutesim.units import MINUTES_PER_DAY

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "regions" / "demo"
QUICKSTART = PROJECT / "experiments" / "quickstart.toml"
DAY = MINUTES_PER_DAY
SITES = ["noord_hoofd", "noord_dag", "centraal", "kust"]
ORG = {"noord_hoofd": "noordzorg", "noord_dag": "noordzorg", "centraal": "centraal", "kust": "kust"}
NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")


# -- a synthetic results directory ---------------------------------------------------------
def _synthetic_results(d: Path, *, region: str | None) -> Path:
    """Two funding regimes x 3 replications over 90 days, with finance, closures, patients."""
    scenarios = ["fee_per_dbc", "fixed_budget"]
    d.mkdir(parents=True, exist_ok=True)
    kpis, status, closures, finance, ts = [], [], [], [], []
    region_kpis = {
        "volmelding_hours": ([100.0, 110.0, 120.0], [150.0, 158.0, 171.0]),
        "diversions": ([10.0, 12.0, 11.0], [10.0, 13.0, 10.0]),
        "closed_shift_hours": ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0]),
        "population_beyond_norm_mean": ([11000.0, 12000.0, 13000.0], [20000.0, 26000.0, 13500.0]),
        "ambulance_call_to_door_over_45_share": ([0.20, 0.21, 0.22], [0.17, 0.18, 0.18]),
        "seh_los_mean_minutes": ([170.0, 180.0, 175.0], [160.0, 171.0, 165.0]),
        "seh_visits": ([4000.0, 4100.0, 4050.0], [4000.0, 4100.0, 4050.0]),
    }
    for i, s in enumerate(scenarios):
        for r in range(3):
            for kpi, values in region_kpis.items():
                kpis.append((s, r, kpi, values[i][r], None))
            for j, site in enumerate(SITES):
                kpis += [
                    (s, r, "volmelding_hours", 20.0 + 10 * i + j + r, site),
                    (s, r, "ambulance_call_to_door_p95_minutes", 50.0 + i + j + r, site),
                    (s, r, "ambulance_call_to_door_over_45_share", 0.2 + 0.01 * (i + j), site),
                ]
                closed = s == "fixed_budget" and site == "kust" and r < 2
                end = 60 * DAY if closed else 90 * DAY
                status += [
                    (s, r, site, 0.0, 30 * DAY, "open"),
                    (s, r, site, 30 * DAY, 31 * DAY, "volgemeld"),
                    (s, r, site, 31 * DAY, end, "open"),
                ]
                if closed:
                    status.append((s, r, site, 60 * DAY, 90 * DAY, "closed"))
                    closures.append((s, r, site, "2026-03-06", 60 * DAY, "closure", "financial"))
                for m, month in enumerate(["2026-01", "2026-02", "2026-03"]):
                    revenue = 1.0e6 * (1 + 0.1 * j) * (0.9 if i else 1.0)
                    cost = 0.95e6 * (1 + 0.1 * j) + 1e4 * m
                    finance.append(
                        (s, r, ORG[site], site, month, revenue, cost, revenue - cost, revenue)
                    )
            for t in range(90):
                ts.append((s, r, float(t), "population_beyond_norm", 11586.0 + 100 * i * t))
    frames = {
        "kpis": pd.DataFrame(kpis, columns=["scenario", "replication", "kpi", "value", "site_id"]),
        "status": pd.DataFrame(
            status, columns=["scenario", "replication", "site_id", "t_start", "t_end", "status"]
        ),
        "closures": pd.DataFrame(
            closures,
            columns=["scenario", "replication", "site_id", "date", "t_minutes", "action", "reason"],
        ),
        "finance": pd.DataFrame(
            finance,
            columns=[
                "scenario",
                "replication",
                "organisation",
                "site_id",
                "month",
                "revenue_eur",
                "cost_eur",
                "margin_eur",
                "revenue_dbc_visits_eur",
            ],
        ),
        "timeseries": pd.DataFrame(
            ts, columns=["scenario", "replication", "t_days", "kpi", "value"]
        ),
    }
    for name, frame in frames.items():
        frame.to_parquet(d / f"{name}.parquet", index=False)
    part = d / "parts" / "s001_r000"
    part.mkdir(parents=True)
    pd.DataFrame(
        {
            "scenario": ["fixed_budget"] * 3 + ["fee_per_dbc"] * 3,
            "replication": [0] * 6,
            "route": ["ambulance"] * 6,
            "t_call": [0.0] * 6,
            "t_arrival": [30.0, 44.0, 60.0, 20.0, 25.0, 50.0],
        }
    ).to_parquet(part / "patients.parquet", index=False)
    manifest = {
        "experiment": "funding-test",
        "description": "Fee per DBC against a fixed SEH budget.",
        "experiment_file": "experiments/funding-test.toml",
        "config": {
            "name": "funding-test",
            "scenarios": [
                {"name": "fee_per_dbc", "description": "DBC tariffs per visit."},
                {
                    "name": "fixed_budget",
                    "description": "A fixed SEH budget.",
                    "funding": {
                        "regime": "fixed_budget",
                        "budget_eur_per_year": 4_600_000,
                        "source": "NZa, Advies bekostiging acute zorg, 2024",
                    },
                    "behaviour": {"volmelding": {"sensitivity_per_1000_eur": 0.05}},
                },
            ],
        },
        "config_hash": "abc123",
        "region": region,
        "region_hash": "def456",
        "horizon_days": 90.0,
        "warmup_days": 0.0,
        "root_seed": 7,
        "replications": 3,
        "scenarios": scenarios,
        "baseline": "fee_per_dbc",
        "seeds": [{"replication": r, "entropy": [7, r]} for r in range(3)],
        "stream_keying": "numpy SeedSequence([root_seed, replication, crc32(stream name)])",
        "versions": {"acutesim": "0.1.0", "python": "3.11"},
        "start_time": "2026-01-01T00:00:00+00:00",
        "end_time": "2026-01-01T00:01:00+00:00",
    }
    if region is not None and (Path(region) / "region.toml").exists():
        manifest[SNAPSHOT_KEY], _ = write_region_snapshot(d, region)
    ResultsStore(d).seal(manifest)
    return d


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    region = str(DEMO) if (DEMO / "region.toml").exists() else None
    d = _synthetic_results(tmp_path_factory.mktemp("synthetic") / "results", region=region)
    return d, write_report(d)


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    """A short real run of the quickstart experiment (14 days, 2 replications)."""
    from acutesim.experiment.runner import run_experiment

    out = tmp_path_factory.mktemp("qs") / "results"
    run_experiment(QUICKSTART, out=out, horizon_days=14, replications=2, workers=1)
    return out


# -- HTML parsing helpers --------------------------------------------------------------------
class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.text: list[str] = []
        self.links: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.links.append((tag, a))
        if tag in {"style", "caption"}:
            self._skip += 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in {"style", "caption"}:
            self._skip -= 1
        if tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if not self._skip:
            self.text.append(data)


def _parse_html(path: Path) -> _Collector:
    p = _Collector()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _md_tables(md: str) -> list[list[list[str]]]:
    tables, current = [], None
    for line in md.splitlines():
        if line.startswith("| "):
            cells = [c.strip().replace("\\|", "|") for c in line.strip()[2:-2].split(" | ")]
            if all(set(c) <= set("-:") for c in cells):
                continue
            if current is None:
                current = []
                tables.append(current)
            current.append(cells)
        else:
            current = None
    return tables


def _summary_cells(text: str, scenarios: list[str]) -> dict[tuple[str, str], str]:
    """Parse `acutesim summary` into {(kpi, scenario): cell text}."""
    out = {}
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("kpi "))
    for line in lines[start + 2 :]:
        if not line.strip() or line.startswith("mean [95% CI]") or line.startswith("MSER"):
            continue
        if not re.match(r"^[a-z0-9_]+ ", line):
            continue
        kpi = line.split()[0]
        cells = re.findall(r"\S+ \[\S+, \S+\]|\S+ \(d \S+\)|n/a \[n/a, n/a\]", line[len(kpi) :])
        assert len(cells) == len(scenarios), line
        for s, c in zip(scenarios, cells, strict=True):
            out[kpi, s] = c
    return out


# -- tests -------------------------------------------------------------------------------------
def test_report_files_written_beside_the_html(synthetic):
    d, html_path = synthetic
    assert html_path == d / "report.html"
    assert (d / "report.md").exists()
    assert (d / "summary.csv").exists()
    csv = pd.read_csv(d / "summary.csv")
    assert {"scenario", "kpi", "unit", "mean", "ci_low", "ci_high", "diff_mean"} <= set(csv)
    assert "n_closures" in set(csv["kpi"])


def test_html_loads_nothing_from_the_network(synthetic):
    _, html_path = synthetic
    parsed = _parse_html(html_path)
    for tag, attrs in parsed.links:
        src = attrs.get("src") or ""
        assert not src.startswith(("http://", "https://", "//")), (tag, src)
        if tag == "link":
            assert not (attrs.get("href") or "").startswith(("http://", "https://", "//"))
        assert tag not in {"script", "iframe"}
    text = html_path.read_text(encoding="utf-8")
    assert not re.search(r"""src\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text
    assert "url(http" not in text
    assert 'src="data:image/png;base64,' in text


def test_synthetic_report_has_every_figure_and_finance(synthetic):
    _, html_path = synthetic
    text = html_path.read_text(encoding="utf-8")
    for title in (
        "SEH status over time",
        "Volmelding hours per SEH",
        "Ambulance call to SEH door against the 45-minute norm",
        "Distribution of call-to-door minutes",
        "Population beyond the 45-minute norm over time",
        "Finance per organisation",
    ):
        assert f'alt="{title}"' in text, title
    if (DEMO / "region.toml").exists():
        assert 'alt="fixed_budget: call-to-door minutes at the end of the horizon"' in text
        assert 'alt="fixed_budget versus fee_per_dbc: change in call-to-door minutes"' in text


def test_headline_sentences(synthetic):
    d, _ = synthetic
    md = (d / "report.md").read_text(encoding="utf-8")
    # volmelding: diffs 50, 48, 51 -> clearly more
    assert re.search(
        r"49\.7 more hours of volmelding \(all SEHs\) over "
        r"the 90 measured days \(95% CI \d+\.\d to \d+\.\d\)",
        md,
    )
    # the first screen: what the region is, then the change in kind
    head = md[: md.index("## KPIs")]
    assert "Region 'demo': a SYNTHETIC region, not a real place" in head
    assert "Simulated from 5 January 2026 to 5 April 2026." in head
    assert re.search(
        r"- fixed_budget: kust \(Kustziekenhuis Strandhoorn\) closes \(financial\) on "
        r"6 March 2026 in 2 of 3 replications \(95% CI 9% to 99% of runs\)\. Against the "
        r"baseline: no clear difference in "
        r"inhabitants beyond the 45-minute norm",
        head,
    )
    assert "- fee_per_dbc (baseline): no SEH closes in any of the 3 replications." in head
    assert "Assumed: travel times from straight-line distances" in head
    # call to door over 45: lower in every replication
    assert "fixed_budget versus fee_per_dbc: 0.033 lower share of ambulance patients" in md
    # closures 1, 1, 0 against 0, 0, 0: the CI includes 0
    assert "fixed_budget versus fee_per_dbc: no clear difference in SEH closures" in md
    assert "no difference in hours of SEHs closed for a shift (equal in every replication)" in md
    assert "Fee per DBC against a fixed SEH budget." in md


def test_method_section_lists_knobs_sources_seeds(synthetic):
    d, _ = synthetic
    md = (d / "report.md").read_text(encoding="utf-8")
    assert (
        "| fixed_budget | funding.budget_eur_per_year | 4,600,000 | "
        "NZa, Advies bekostiging acute zorg, 2024 |" in md
    )
    assert re.search(
        r"\| fixed_budget \| behaviour\.volmelding\.sensitivity_per_1000_eur \| 0\.05 \| "
        r"assumption[^|]* \|",
        md,
    )
    assert "root seed: 7" in md
    assert "| acutesim | 0.1.0 |" in md


def test_markdown_numbers_equal_html(synthetic):
    d, html_path = synthetic
    md = (d / "report.md").read_text(encoding="utf-8")
    parsed = _parse_html(html_path)
    assert _md_tables(md) == parsed.tables
    html_text = " ".join(" ".join(parsed.text).split())
    md_numbers = set(NUMBER.findall(md))
    html_numbers = set(NUMBER.findall(html_text))
    assert md_numbers
    assert md_numbers <= html_numbers, md_numbers - html_numbers
    for line in md.splitlines():
        if line.startswith("- "):
            assert " ".join(line[2:].split()) in html_text


def test_report_of_a_real_run_matches_summary(quickstart):
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(quickstart)])
    assert result.exit_code == 0, result.output
    md = (quickstart / "report.md").read_text(encoding="utf-8")
    summary_run = runner.invoke(app, ["summary", str(quickstart)])
    assert summary_run.exit_code == 0
    summary = summarise(quickstart)
    cells = _summary_cells(summary_run.stdout, summary.scenarios)
    tables = _md_tables(md)
    means = next(t for t in tables if t[0][:2] == ["kpi", "unit"] and summary.baseline in t[0])
    diffs = next(t for t in tables if t[0][:2] == ["kpi", "unit"] and summary.baseline not in t[0])
    header = means[0]
    checked = 0
    for row in means[1:]:
        kpi = row[0]
        for s, cell in zip(header[2:], row[2:], strict=True):
            expected = cells[kpi, s]
            if s == summary.baseline:
                assert cell == expected
            else:
                assert cell.split(" [")[0] == expected.split(" (d ")[0]
            checked += 1
    for row in diffs[1:]:
        kpi = row[0]
        for s, cell in zip(diffs[0][2:], row[2:], strict=True):
            d = cells[kpi, s].split(" (d ")[1].rstrip(")")
            assert cell.split(" [")[0] == d
            checked += 1
    assert checked >= len(summary.table)
    # and every number in report.md is in the HTML
    html_text = " ".join(_parse_html(quickstart / "report.html").text)
    assert set(NUMBER.findall(md)) <= set(NUMBER.findall(" ".join(html_text.split())))


def test_report_cli_custom_out(quickstart, tmp_path):
    out = tmp_path / "sub" / "funding.html"
    result = CliRunner().invoke(app, ["report", str(quickstart), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
    md, csv = companion_paths(out)
    assert md == tmp_path / "sub" / "funding.md"
    assert md.exists()
    assert csv == tmp_path / "sub" / "funding-summary.csv"
    assert csv.exists()


def test_missing_results_dir_is_bad_input(tmp_path, monkeypatch):
    from acutesim.cli import main
    from acutesim.errors import ResultsError

    with pytest.raises(ResultsError, match=r"no manifest\.json"):
        write_report(tmp_path / "nothing")
    monkeypatch.setattr(sys, "argv", ["acutesim", "report", str(tmp_path / "nothing")])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2


def test_missing_region_and_tables_degrade_to_notes(tmp_path):
    d = _synthetic_results(tmp_path / "results", region="no/such/region")
    (d / "finance.parquet").unlink()
    store = ResultsStore(d)
    store.seal(store.read_manifest() or {})  # a folder of results without books
    write_report(d)
    md = (d / "report.md").read_text(encoding="utf-8")
    assert "finance.parquet is empty or absent" in md
    assert "These results predate region snapshots" in md
    assert "no copy of the region pack 'no/such/region'" in md
    assert f"'acutesim run experiments/funding-test.toml --out {d}'" in md
    html_text = (d / "report.html").read_text(encoding="utf-8")
    assert "These results predate region snapshots" in html_text


def test_missing_map_and_geo_modules_degrade_to_notes(tmp_path, monkeypatch):
    if not (DEMO / "region.toml").exists():
        pytest.skip("regions/demo is not present")
    d = _synthetic_results(tmp_path / "results", region=str(DEMO))
    monkeypatch.setitem(sys.modules, "acutesim.report.maps", None)
    write_report(d)
    md = (d / "report.md").read_text(encoding="utf-8")
    assert "This figure needs a module that is not available here" in md
    monkeypatch.setitem(sys.modules, "acutesim.geo.reachability", None)
    write_report(d)
    md = (d / "report.md").read_text(encoding="utf-8")
    assert "The reachability module is not available" in md


# -- pure functions ---------------------------------------------------------------------------
HEAD = rc.HEADLINES[rc.CLOSURES_KPI]


def _row(d, lo, hi):
    return {"scenario": "fixed", "diff_mean": d, "diff_ci_low": lo, "diff_ci_high": hi}


def test_headline_sentence_clear_decrease_reads_as_magnitudes():
    text = rc.headline_sentence(_row(-1.4, -2.0, -0.8), "dbc", HEAD, "over the 4.9 measured years")
    assert (
        text == "fixed versus dbc: 1.40 fewer SEH closures over the 4.9 measured years "
        "(95% CI 0.800 to 2.00)"
    )


def test_headline_sentence_increase_and_unclear_and_missing():
    share = rc.HEADLINES["ambulance_call_to_door_over_45_share"]
    assert rc.headline_sentence(_row(0.05, 0.01, 0.09), "b", share).startswith(
        "fixed versus b: 0.050 higher share of ambulance patients"
    )
    unclear = rc.headline_sentence(_row(0.5, -0.2, 1.2), "b", HEAD, "over the 10 measured days")
    assert unclear == (
        "fixed versus b: no clear difference in SEH closures over the 10 measured days "
        "(+0.500; 95% CI -0.200 to +1.20)"
    )
    single = rc.headline_sentence(_row(2.0, math.nan, math.nan), "b", HEAD)
    assert "fewer than 2 replications" in single
    assert "no estimate" in rc.headline_sentence(_row(math.nan, math.nan, math.nan), "b", HEAD)
    assert "equal in every replication" in rc.headline_sentence(_row(0.0, 0.0, 0.0), "b", HEAD)


def test_numbers_use_the_summary_formatter():
    assert fmt(60247.3) == "60,247"
    assert fmt(-0.0074, signed=True) == "-0.007"


def test_closures_kpi_ignores_imposed_closures_and_counts_zeros():
    closures = pd.DataFrame(
        {
            "scenario": ["a", "b", "b", "b"],
            "replication": [0, 0, 1, 1],
            "site_id": ["kust"] * 4,
            "date": [""] * 4,
            "t_minutes": [0.0, 5000.0, 6000.0, 7000.0],
            "action": ["closure", "night_closure", "closure", "reopen"],
            "reason": ["policy", "financial", "staff", "policy"],
        }
    )
    pairs = pd.DataFrame({"scenario": ["a", "a", "b", "b"], "replication": [0, 1, 0, 1]})
    rows = closures_kpi_rows(closures, pairs, warmup_minutes=0.0)
    assert rows["value"].tolist() == [0.0, 0.0, 1.0, 1.0]
    assert set(rows["kpi"]) == {"n_closures"}
    # no decided closure: zero closures in every replication, said, not left out
    assert closures_kpi_rows(closures.iloc[:1], pairs, 0.0)["value"].tolist() == [0.0] * 4
    late = closures_kpi_rows(closures, pairs, warmup_minutes=10_000.0)
    assert late["value"].tolist() == [0.0] * 4


def test_sites_closed_at_end_majority_and_reopening():
    status = pd.DataFrame(
        {
            "scenario": ["a"] * 4,
            "replication": [0, 0, 1, 2],
            "site_id": ["x", "x", "x", "x"],
            "t_start": [0.0, 10.0, 0.0, 0.0],
            "t_end": [10.0, 20.0, 20.0, 20.0],
            "status": ["open", "closed", "open", "open"],
        }
    )
    closures = pd.DataFrame(
        {
            "scenario": ["a", "a", "a"],
            "replication": [1, 2, 2],
            "site_id": ["x", "x", "x"],
            "date": [""] * 3,
            "t_minutes": [5.0, 5.0, 8.0],
            "action": ["night_closure", "closure", "reopen"],
            "reason": ["financial"] * 3,
        }
    )
    assert rd.sites_closed_at_end(status, closures, ["a"]) == {"a": ("x",)}  # 2 of 3
    assert rd.sites_closed_at_end(status[status["replication"] > 0], closures.iloc[2:], ["a"]) == {
        "a": ()
    }


def test_flatten_parameters_sources():
    docs = {"funding.inner.c": {"default": "false", "unit": "-", "source": "[NZa-2021]"}}
    rows = rd.flatten_parameters(
        {"a": 1.5, "source": "X 2024", "inner": {"b": [1, 2], "c": True}}, "funding", docs
    )
    assert rows == [
        ("funding.a", "1.5", "X 2024"),
        ("funding.inner.b", "1, 2", "assumption"),
        ("funding.inner.c", "true", "[NZa-2021]"),
    ]


def test_read_knob_docs(tmp_path):
    page = tmp_path / "assumptions.md"
    page.write_text(
        "## 1\n\n| knob | default | unit | meaning | source |\n| --- | --- | --- | --- | --- |\n"
        "| `budget_eur_per_year` | 4,600,000 | EUR/yr | budget | [VWS-nota-2026] |\n\n"
        "| key | default | unit | meaning | source |\n| --- | --- | --- | --- | --- |\n"
        "| `[costs] x` | 1 | EUR | not a knob | **assumption** |\n\n"
        "| knob (`behaviour.volmelding`) | default | unit | meaning | source |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| `min_on_share`, `max_on_share` | 0.6, 1.5 | share | clamps | **assumption** |\n",
        encoding="utf-8",
    )
    docs = rd.read_knob_docs(page)
    assert docs == {
        "funding.budget_eur_per_year": {
            "default": "4,600,000",
            "unit": "EUR/yr",
            "source": "[VWS-nota-2026]",
        },
        "behaviour.volmelding.min_on_share": {
            "default": "0.6",
            "unit": "share",
            "source": "assumption",
        },
        "behaviour.volmelding.max_on_share": {
            "default": "1.5",
            "unit": "share",
            "source": "assumption",
        },
    }
    assert rd.read_knob_docs(tmp_path / "missing.md") == {}


def test_unknown_kpi_has_empty_unit():
    assert rc._unit("something_new") == ""
    assert rc._unit("volmelding_hours") == "h"


# -- exports -----------------------------------------------------------------------------------
def test_summary_xlsx_holds_every_table_of_summary_csv(synthetic):
    from acutesim.report.exports import XLSX_SHEETS

    d, _ = synthetic
    sheets = pd.read_excel(d / "summary.xlsx", sheet_name=None)
    assert tuple(sheets) == XLSX_SHEETS
    csv = pd.read_csv(d / "summary.csv")
    xlsx = sheets["summary"]
    assert list(xlsx.columns) == list(csv.columns)
    assert xlsx[["scenario", "kpi", "unit"]].equals(csv[["scenario", "kpi", "unit"]])
    for column in ("mean", "ci_low", "ci_high", "diff_mean", "diff_ci_low", "diff_ci_high"):
        pd.testing.assert_series_equal(xlsx[column], csv[column], rtol=1e-5, check_dtype=False)
    means = sheets["means"].set_index("kpi [unit]")
    assert "volmelding_hours [h]" in means.index
    assert "population_beyond_norm_mean [persons]" in means.index
    assert means.loc["volmelding_hours [h]", "fee_per_dbc: mean"] == pytest.approx(110.0)
    diffs = sheets["differences"].set_index("kpi [unit]")
    assert diffs.loc["volmelding_hours [h]", "fixed_budget: difference mean"] == pytest.approx(
        49.6667, rel=1e-4
    )
    closures = sheets["closures"]
    assert closures.to_dict("records")[0] | {} == {
        "scenario": "fixed_budget",
        "site_id": "kust",
        "name": closures["name"].iloc[0],
        "action": "closure",
        "reason": "financial",
        "closed in [replications]": 2,
        "of [replications]": 3,
        "first closing date [YYYY-MM-DD]": "2026-03-06",
        "last first-closing date [YYYY-MM-DD]": "2026-03-06",
    }


def test_dutch_csv_uses_semicolons_and_decimal_commas(synthetic, tmp_path):
    d, _ = synthetic
    out = tmp_path / "nl" / "report.html"
    write_report(d, out, csv_locale="nl")
    text = (out.parent / "summary.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert header.startswith("scenario;kpi;unit;baseline;n;mean;ci_low;ci_high")
    assert "110;85,2" in text.replace("85,15", "85,2") or ";110;" in text
    assert re.search(r";\d+,\d+;", text)
    assert not re.search(r"\d\.\d", text)
    dutch = pd.read_csv(out.parent / "summary.csv", sep=";", decimal=",")
    english = pd.read_csv(d / "summary.csv")
    pd.testing.assert_frame_equal(dutch, english)


def test_unknown_csv_locale_is_bad_input(synthetic):
    d, _ = synthetic
    result = CliRunner().invoke(app, ["report", str(d), "--csv-locale", "de"])
    assert result.exit_code != 0
    from acutesim.errors import ConfigError

    with pytest.raises(ConfigError, match=r"'de' is not one of 'en', 'nl'"):
        write_report(d, d / "x.html", csv_locale="de")


@pytest.mark.skipif(not (DEMO / "region.toml").exists(), reason="regions/demo is not present")
def test_reach_gpkg_per_scenario_for_qgis(synthetic):
    import pyogrio

    d, _ = synthetic
    for scenario in ("fee_per_dbc", "fixed_budget"):
        path = d / "reach" / f"{scenario}.gpkg"
        assert path.exists()
        assert [name for name, _ in pyogrio.list_layers(path)] == ["areas", "sites", "posts"]
    areas = pyogrio.read_dataframe(d / "reach" / "fixed_budget.gpkg", layer="areas")
    assert {"area_id", "population", "call_to_door_minutes", "beyond_norm"} <= set(areas.columns)
    sites = pyogrio.read_dataframe(d / "reach" / "fixed_budget.gpkg", layer="sites")
    status = dict(zip(sites["site_id"], sites["status"], strict=True))
    assert status["kust"] == "closed"  # closed at the end in 2 of 3 replications
    base = pyogrio.read_dataframe(d / "reach" / "fee_per_dbc.gpkg", layer="sites")
    assert dict(zip(base["site_id"], base["status"], strict=True))["kust"] == "open"


@pytest.mark.skipif(not (DEMO / "region.toml").exists(), reason="regions/demo is not present")
def test_scenarios_sharing_a_reach_result_get_the_same_gpkg(tmp_path):
    import types

    import pyogrio

    from acutesim.config.load import load_region_with_areas
    from acutesim.geo.reachability import reachability
    from acutesim.report.exports import write_reach_gpkgs

    region, areas = load_region_with_areas(DEMO)
    shared = reachability(region, areas=areas)
    other = reachability(region, areas=areas, closed=(region.sites[0].site_id,))
    data = types.SimpleNamespace(
        reach={"a": shared, "b": other, "c": shared},
        region=region,
        scenarios=["a", "b", "c"],
        reach_names={},  # none kept in the user cache
    )
    paths = write_reach_gpkgs(data, tmp_path)  # type: ignore[arg-type]
    assert [p.name for p in paths] == ["a.gpkg", "b.gpkg", "c.gpkg"]
    for layer in ("areas", "sites", "posts"):
        a, c = (pyogrio.read_dataframe(tmp_path / f"{s}.gpkg", layer=layer) for s in "ac")
        pd.testing.assert_frame_equal(a, c)
    sites_a, sites_b = (pyogrio.read_dataframe(tmp_path / f"{s}.gpkg", layer="sites") for s in "ab")
    assert not sites_a["status"].equals(sites_b["status"])  # b closed a site: its own file
    assert not list(tmp_path.glob(".*"))  # no partial file left


def test_version_and_help_show_units_and_defaults():
    runner = CliRunner()
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0
    assert version.stdout.strip() == "acutesim 0.1.0"

    def flat(args):
        text = runner.invoke(app, args, env={"COLUMNS": "200"}).stdout
        return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())

    run_help = flat(["run", "--help"])
    assert "Results directory [default: results/<name>]" in run_help
    assert "Override horizon [days]" in run_help
    reach_help = flat(["reach", "--help"])
    assert "The norm [min]" in reach_help
    assert "[default: 45.0]" in reach_help


@pytest.mark.skipif(not (DEMO / "region.toml").exists(), reason="regions/demo is not present")
def test_report_links_the_explorer_with_each_scenarios_closures(synthetic):
    d, html_path = synthetic
    page = (d / "explorer.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page
    assert 'id="explorer-data"' in page
    md = (d / "report.md").read_text(encoding="utf-8")
    assert "- fixed_budget: explorer.html#closed=kust" in md
    assert "- fee_per_dbc: explorer.html#closed=" in md
    text = html_path.read_text(encoding="utf-8")
    assert '<a href="explorer.html#closed=kust">' in text


def test_explorer_payload_matches_the_norm_matrices():
    import base64

    import numpy as np

    if not (DEMO / "region.toml").exists():
        pytest.skip("regions/demo is not present")
    from acutesim.config.load import load_region_with_areas
    from acutesim.geo.norm import NormInputs
    from acutesim.report.explorer import explorer_payload, render_explorer

    region, areas = load_region_with_areas(DEMO)
    payload = explorer_payload(region, areas)
    inputs = NormInputs.from_region(region)
    matrix = np.frombuffer(base64.b64decode(payload["area_to_site_b64"]), dtype="<f8")
    assert np.array_equal(matrix.reshape(inputs.area_to_site_minutes.shape),
                          inputs.area_to_site_minutes)  # fmt: skip
    post = np.frombuffer(base64.b64decode(payload["post_drive_b64"]), dtype="<f8")
    assert np.array_equal(post, inputs.post_to_area_minutes.min(axis=0))
    counted = [s["id"] for s in payload["sites"] if s["column"] >= 0]
    assert counted == list(inputs.site_ids)
    assert all(a["d"].startswith("M") for a in payload["areas"])
    page = render_explorer(payload | {"region": "</script><b>x"})
    assert "</script><b>" not in page.split('id="explorer-data">')[1].split("</script>")[0]
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page


def test_shipped_knob_docs_match_docs_assumptions():
    """The package's knobs.json is docs/assumptions.md's knob tables (scripts/knob_docs.py)."""
    page = Path(__file__).resolve().parents[2] / "docs" / "assumptions.md"
    shipped = rd.knob_docs()
    assert shipped == rd.read_knob_docs(page), "run: python scripts/knob_docs.py"
    assert shipped["funding.schoning_persists_on_closure"]["default"] == "true"


def test_switch_dates_read_flat_and_phased_funding_from_the_manifest():
    import datetime as dt

    manifest = {
        "funding_knobs": {
            "phased": {
                "funding": {
                    "phases": [
                        {"regime": "fee-per-dbc", "from": None},
                        {"regime": "fixed-budget", "from": "2027-01-01"},
                        {"regime": "fee-per-dbc", "from": "2028-01-01"},
                    ]
                }
            },
            "flat": {"funding": {"regime": "fixed-budget", "switch_date": "2026-07-01"}},
            "none": {"funding": {"regime": "fee-per-dbc", "switch_date": None}},
        }
    }
    assert rd.switch_dates(manifest) == {
        "phased": dt.date(2027, 1, 1),
        "flat": dt.date(2026, 7, 1),
    }
