"""Durations given by family and parameters in minutes, sampled with an explicit Generator."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from pydantic import ValidationError

from acutesim.config.schema import DurationSpec
from acutesim.domain.distributions import Duration

N = 200_000


def rng(seed: int = 2026) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_fixed_is_constant_and_deterministic():
    d = Duration.fixed(12.5)
    x = d.sample(rng(), 1000)
    assert (x == 12.5).all()
    assert d.is_deterministic
    assert d.mean() == 12.5
    assert d.sample_one(rng()) == 12.5
    assert isinstance(d.sample_one(rng()), float)


@pytest.mark.parametrize(("mean", "sd"), [(95.0, 57.0), (20.0, 8.0), (4320.0, 3600.0)])
def test_lognormal_matches_its_mean_and_sd_in_minutes(mean, sd):
    x = Duration.lognormal(mean, sd).sample(rng(), N)
    assert (x > 0).all()
    assert x.mean() == pytest.approx(mean, rel=0.01)
    assert x.std() == pytest.approx(sd, rel=0.04)


def test_lognormal_parameters_come_from_mean_and_sd():
    d = Duration.lognormal(100.0, 50.0)
    mu, sigma = d._lognormal
    assert math.exp(mu + sigma**2 / 2) == pytest.approx(100.0)
    assert math.sqrt((math.exp(sigma**2) - 1) * math.exp(2 * mu + sigma**2)) == pytest.approx(50.0)


def test_lognormal_with_zero_sd_is_deterministic():
    d = Duration.lognormal(30.0, 0.0)
    assert d.is_deterministic
    assert (d.sample(rng(), 10) == 30.0).all()


def test_exponential_mean():
    x = Duration.exponential(20.0).sample(rng(), N)
    assert x.mean() == pytest.approx(20.0, rel=0.01)
    assert x.std() == pytest.approx(20.0, rel=0.02)
    assert not Duration.exponential(20.0).is_deterministic


def test_gamma_mean_and_sd():
    x = Duration(family="gamma", mean_minutes=60.0, sd_minutes=30.0).sample(rng(), N)
    assert x.mean() == pytest.approx(60.0, rel=0.01)
    assert x.std() == pytest.approx(30.0, rel=0.02)


def test_uniform_midpoint_and_half_width():
    x = Duration(family="uniform", mean_minutes=10.0, sd_minutes=4.0).sample(rng(), N)
    assert x.min() >= 6.0
    assert x.max() <= 14.0
    assert x.mean() == pytest.approx(10.0, rel=0.01)


def test_empirical_draws_only_its_values_with_their_weights():
    d = Duration(family="empirical", values_minutes=(5.0, 10.0, 30.0), weights=(2.0, 1.0, 1.0))
    x = d.sample(rng(), N)
    assert set(np.unique(x)) == {5.0, 10.0, 30.0}
    assert (x == 5.0).mean() == pytest.approx(0.5, abs=0.01)
    assert d.mean() == pytest.approx((2 * 5 + 10 + 30) / 4)
    assert x.mean() == pytest.approx(d.mean(), rel=0.01)


def test_shift_is_added_before_clipping():
    d = Duration(family="fixed", mean_minutes=10.0, shift_minutes=5.0, max_minutes=12.0)
    assert (d.sample(rng(), 5) == 12.0).all()
    assert d.mean() == 15.0  # the mean before truncation


def test_clipping_bounds_every_draw():
    d = Duration.lognormal(30.0, 30.0, min_minutes=10.0, max_minutes=60.0)
    x = d.sample(rng(), N)
    assert x.min() == 10.0
    assert x.max() == 60.0
    assert 10.0 < x.mean() < 60.0


def test_non_positive_mean_gives_zero_minutes():
    for family in ("exponential", "lognormal", "gamma", "fixed"):
        assert (Duration(family=family, mean_minutes=0.0).sample(rng(), 10) == 0.0).all()


def test_same_generator_state_same_draws():
    d = Duration.lognormal(50.0, 20.0)
    np.testing.assert_array_equal(d.sample(rng(5), 100), d.sample(rng(5), 100))


def test_duration_spec_converts_to_domain():
    spec = DurationSpec(family="lognormal", mean_minutes=95, sd_minutes=57, min_minutes=1)
    d = spec.to_domain()
    assert d == Duration.lognormal(95.0, 57.0, min_minutes=1.0)


def test_duration_spec_rejects_bad_empirical_and_bounds():
    with pytest.raises(ValidationError, match="empirical needs values_minutes and weights"):
        DurationSpec(family="empirical", values_minutes=(1.0, 2.0), weights=(1.0,))
    with pytest.raises(ValidationError, match="max_minutes must be >= min_minutes"):
        DurationSpec(family="fixed", mean_minutes=5, min_minutes=10, max_minutes=5)
    with pytest.raises(ValidationError, match="mu"):
        DurationSpec(family="lognormal", mu=1.0, sigma=0.5)


def test_redraw_truncation_keeps_the_shape_inside_the_range():
    """Exponential(mean 60) kept to [10, 100]: redraw gives the conditional distribution
    (no mass on the bounds, mean E[X | 10 < X < 100]); clip piles mass on the bounds."""
    rng = np.random.default_rng(5)
    redraw = Duration(
        family="exponential",
        mean_minutes=60.0,
        min_minutes=10.0,
        max_minutes=100.0,
        truncation="redraw",
    )
    x = redraw.sample(rng, 200_000)
    assert ((x > 10.0) & (x < 100.0)).all()
    a, b, m = 10.0, 100.0, 60.0
    expected = m + (a * np.exp(-a / m) - b * np.exp(-b / m)) / (np.exp(-a / m) - np.exp(-b / m))
    assert x.mean() == pytest.approx(expected, rel=5e-3)
    clipped = dataclasses.replace(redraw, truncation="clip").sample(rng, 200_000)
    assert (clipped == 100.0).mean() == pytest.approx(np.exp(-100.0 / 60.0), abs=5e-3)
    assert (clipped == 10.0).mean() == pytest.approx(1 - np.exp(-10.0 / 60.0), abs=5e-3)


def test_redraw_gives_up_after_the_cap_and_clips():
    """A range with almost no mass: after MAX_REDRAWS rounds the rest is clipped."""
    d = Duration.fixed(5.0)
    d = dataclasses.replace(d, min_minutes=10.0, max_minutes=20.0, truncation="redraw")
    assert d.sample(np.random.default_rng(1), 3).tolist() == [10.0, 10.0, 10.0]


def test_redraw_is_reproducible_with_the_same_generator():
    d = Duration(family="lognormal", mean_minutes=30.0, sd_minutes=30.0, max_minutes=40.0,
                 truncation="redraw")  # fmt: skip
    a = d.sample(np.random.default_rng(9), 1000)
    b = d.sample(np.random.default_rng(9), 1000)
    assert np.array_equal(a, b)
    assert a.max() <= 40.0


def test_the_pack_chooses_clip_or_redraw_per_duration():
    spec = DurationSpec(
        family="exponential", mean_minutes=20.0, max_minutes=60.0, truncation="redraw"
    )
    assert spec.to_domain().truncation == "redraw"
    assert DurationSpec(family="exponential", mean_minutes=20.0).to_domain().truncation == "clip"
    with pytest.raises(ValidationError, match="truncation"):
        DurationSpec(family="exponential", mean_minutes=20.0, truncation="reject")
