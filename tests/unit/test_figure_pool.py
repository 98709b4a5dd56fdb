"""Charts drawn in a worker process give the same report as charts drawn in this one."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from acutesim.report import figure_pool as fp
from acutesim.report.content import build_content
from acutesim.report.data import load_results
from acutesim.report.html import write_report

PROJECT = Path(__file__).resolve().parents[2]
QUICKSTART = PROJECT / "experiments" / "quickstart.toml"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if not (PROJECT / "regions" / "demo" / "region.toml").exists():
        pytest.skip("regions/demo is not present")
    from acutesim.experiment.runner import run_experiment

    out = tmp_path_factory.mktemp("pool") / "results"
    run_experiment(QUICKSTART, out=out, horizon_days=14, replications=2, workers=1)
    return out


def test_pooled_charts_give_the_same_report_bytes(results, tmp_path):
    serial = write_report(results, tmp_path / "serial.html", figure_processes=0)
    pooled = write_report(results, tmp_path / "pooled.html", figure_processes=1)
    assert serial.read_bytes() == pooled.read_bytes()
    assert serial.with_suffix(".md").read_bytes() == pooled.with_suffix(".md").read_bytes()
    # the workbook, written by the chart worker in the pooled run, holds the same tables
    import pandas as pd

    sheets = [
        pd.read_excel(p.with_name(p.stem + "-summary.xlsx"), sheet_name=None)
        for p in (serial, pooled)
    ]
    assert list(sheets[0]) == list(sheets[1])
    assert len(sheets[0]) == 5
    for name, frame in sheets[0].items():
        pd.testing.assert_frame_equal(frame, sheets[1][name])
    # every chart of the pool was drawn: one embedded PNG per drawn slot
    content = build_content(load_results(results))
    pool_slots = [s for s in content.figures() if s.key in fp.POOL_KEYS and s.note is None]
    assert len(pool_slots) >= 4
    assert serial.read_text(encoding="utf-8").count("data:image/png;base64,") >= len(pool_slots)


def test_chart_data_pickles_and_draws_like_the_results(results):
    data = load_results(results)
    chart = pickle.loads(pickle.dumps(fp.ChartData.of(data)))
    assert chart.events_by_scenario() == data.events_by_scenario()
    assert chart.site_names == data.site_names
    slots = [s for s in build_content(data).figures() if s.key in fp.POOL_KEYS]
    for slot in slots:
        assert fp.draw_slot(slot, chart) == fp.draw_slot(slot, data), slot.key


def test_serial_pool_draws_every_slot_and_runs_meanwhile(results):
    data = load_results(results)
    slots = [s for s in build_content(data).figures() if s.note is None]
    calls = []
    with fp.FigurePool(0) as pool:
        pool.draw(slots, data, lambda: calls.append(len([s for s in slots if s.png])))
    assert calls == [len(slots) - sum(s.note is not None for s in slots)]
    assert all(s.png or s.note for s in slots)


def test_figure_workers_explicit_and_default():
    assert fp.figure_workers(0) == 0
    assert fp.figure_workers(3) == 3
    assert fp.figure_workers(-2) == 0
    assert fp.figure_workers() == 0  # library calls start no process unasked


def test_the_command_starts_one_chart_worker_on_two_cores(monkeypatch):
    monkeypatch.setattr(fp.os, "cpu_count", lambda: 2)
    assert fp.command_figure_workers() == 1
    monkeypatch.setattr(fp.os, "cpu_count", lambda: 1)
    assert fp.command_figure_workers() == 0
    monkeypatch.setattr(fp.os, "cpu_count", lambda: None)
    assert fp.command_figure_workers() == 0


def test_a_worker_still_starting_gets_no_chart_and_is_ended(results, monkeypatch):
    data = load_results(results)
    slots = [s for s in build_content(data).figures() if s.note is None]
    monkeypatch.setattr(fp.FigurePool, "_ready", lambda self: False)
    with fp.FigurePool(1) as pool:
        procs = list(pool._pool._processes.values())
        pool.draw(slots, data, lambda: None)
    assert all(s.png or s.note for s in slots)
    assert procs
    assert not any(p.is_alive() for p in procs)


def test_workers_ended_while_starting_are_reaped_every_time(monkeypatch):
    # Ending a pool whose worker is still importing used to race the executor's own
    # thread for the worker's exit status: about one exit in six left it looking alive.
    monkeypatch.setattr(fp.FigurePool, "_ready", lambda self: False)
    for _ in range(30):
        with fp.FigurePool(1) as pool:
            procs = list(pool._pool._processes.values())
        assert procs
        assert not any(p.is_alive() for p in procs)


def test_charts_started_before_the_content_land_in_their_slots(results):
    serial = load_results(results)
    expected = {
        s.key: fp.draw_slot(s, serial)[0]
        for s in build_content(serial).figures()
        if s.note is None and s.key in fp.POOL_KEYS
    }
    with fp.FigurePool(1) as pool:
        for started in pool._started:
            started.result()  # the worker has imported: it can take a chart at once
        data = load_results(results, on_region=pool.start_charts)
        early = [s.key for s, _ in pool._taken]
        # the largest chart first, while the maps are computed (and the next ones as the
        # worker finishes, until draw() queues the content's own slots)
        assert early[0] == fp.POOL_ORDER[0]
        assert early == list(fp.POOL_ORDER[: len(early)])
        slots = [s for s in build_content(data).figures() if s.note is None]
        pool.draw(slots, data, lambda: None)
    drawn = {s.key: s.png for s in slots if s.key in fp.POOL_KEYS}
    assert drawn == expected


def test_an_early_chart_without_a_slot_is_dropped(results):
    data = load_results(results)
    slots = [s for s in build_content(data).figures() if s.note is None]
    kept = [s for s in slots if s.key != fp.POOL_ORDER[0]]
    with fp.FigurePool(1) as pool:
        for started in pool._started:
            started.result()
        pool.start_charts(data)
        pool.draw(kept, data, lambda: None)
    assert all(s.png or s.note for s in kept)
    assert fp.POOL_ORDER[0] not in {s.key for s in kept}


def test_a_worker_that_finishes_a_chart_takes_the_next_without_being_asked(results):
    """While this process is busy (``meanwhile`` never ticks), the worker keeps drawing."""
    import threading

    data = load_results(results)
    slots = [s for s in build_content(data).figures() if s.note is None]
    assert sum(s.key in fp.POOL_KEYS for s in slots) >= 3
    handed_on = threading.Event()
    handed: list[int] = []  # charts handed over by each finished chart's callback
    with fp.FigurePool(1) as pool:
        for started in pool._started:
            started.result()
        next_chart = pool._next

        def watched(future):  # the executor's thread, when the worker is done with a chart
            before = len(pool._taken)
            next_chart(future)
            handed.append(len(pool._taken) - before)
            handed_on.set()

        pool._next = watched

        def busy() -> None:  # a companion file that ticks never, however long it takes
            assert handed_on.wait(timeout=300), "the worker's first chart never came back"
            for _, future in list(pool._taken):
                future.result()

        pool.draw(slots, data, busy)
    assert handed[0] == 1  # the first chart's end handed the worker the next one at once
    assert all(s.png or s.note for s in slots)
