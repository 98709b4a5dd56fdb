"""The population-beyond-the-norm KPIs: what an A1 ambulance can reach, and RIVM's count."""

from __future__ import annotations

from pathlib import Path

from acutesim.domain.scenario import Scenario
from acutesim.experiment.context import worker_context
from acutesim.rng import RandomStreams
from acutesim.sim.model import Model
from acutesim.sim.seh import SEHStatus
from acutesim.units import MINUTES_PER_DAY

DEMO = str(Path(__file__).resolve().parents[2] / "regions" / "demo")


def _model() -> Model:
    region, travel, _ = worker_context(DEMO)
    return Model(
        region,
        Scenario("norm"),
        RandomStreams(1, 0),
        horizon_minutes=MINUTES_PER_DAY,
        warmup_minutes=0.0,
        travel=travel,
    )


def _latest(samples: list[tuple[float, float]]) -> float:
    return samples[-1][1]


def test_a_volgemeld_seh_stays_reachable_for_a1() -> None:
    model = _model()
    kust = next(i for i, s in enumerate(model.sites) if s.site_id == "kust")
    seh = model.sehs[kust]
    all_open = _latest(model.recorder.norm_samples)
    rivm_open = _latest(model.recorder.norm_rivm_samples)

    seh.is_full = True  # volmelding: A1 still goes there (LPZ rule)
    seh.refresh_status()
    assert seh.status is SEHStatus.VOLGEMELD
    assert _latest(model.recorder.norm_samples) == all_open
    assert _latest(model.recorder.norm_rivm_samples) == rivm_open

    seh.is_full = False
    seh.set_closed_shift(True)  # no minimum staff: out of reach now, still 24/7 for RIVM
    assert _latest(model.recorder.norm_samples) > all_open
    assert _latest(model.recorder.norm_rivm_samples) == rivm_open

    seh.set_closed_shift(False)
    assert _latest(model.recorder.norm_samples) == all_open
    seh.set_closed_permanent(True)  # a closure counts in both
    assert _latest(model.recorder.norm_samples) > all_open
    assert _latest(model.recorder.norm_rivm_samples) > rivm_open


def test_a_night_closure_takes_the_seh_out_of_rivms_count_all_day() -> None:
    model = _model()
    kust = next(i for i, s in enumerate(model.sites) if s.site_id == "kust")
    rivm_open = _latest(model.recorder.norm_rivm_samples)
    model.night_closure_changed(kust, True)
    closed = _latest(model.recorder.norm_rivm_samples)
    assert closed > rivm_open
    model.night_closure_changed(kust, False)
    assert _latest(model.recorder.norm_rivm_samples) == rivm_open
