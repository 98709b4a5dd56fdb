"""Duration distributions given in named units (minutes), sampled with an explicit Generator.

A pack or experiment gives a duration by family and parameters in minutes: most often a
lognormal by ``mean_minutes`` and ``sd_minutes``; also exponential, gamma, fixed and
empirical, with an optional shift and truncation. The raw ``mu``/``sigma`` of a
lognormal never appear in a file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Family = Literal["fixed", "exponential", "lognormal", "gamma", "uniform", "empirical"]
FAMILIES: tuple[str, ...] = ("fixed", "exponential", "lognormal", "gamma", "uniform", "empirical")
Truncation = Literal["clip", "redraw"]
TRUNCATIONS: tuple[str, ...] = ("clip", "redraw")
# Redraw rounds before the remaining out-of-range draws are clipped after all (a range
# with almost no probability mass must not loop for ever).
MAX_REDRAWS = 100


@dataclass(frozen=True)
class Duration:
    """A non-negative random duration [minutes].

    Parameters
    ----------
    family : str
        One of ``fixed``, ``exponential``, ``lognormal``, ``gamma``, ``uniform``,
        ``empirical``.
    mean_minutes : float
        Mean before shift and truncation [minutes] (for ``uniform``: the midpoint).
    sd_minutes : float
        Standard deviation [minutes] (lognormal, gamma; for ``uniform`` the half width).
    shift_minutes : float
        Added to every draw [minutes].
    min_minutes, max_minutes : float
        The allowed range after the shift [minutes].
    truncation : str
        ``clip`` (a draw outside the range becomes the nearest bound) or ``redraw`` (it
        is drawn again, up to :data:`MAX_REDRAWS` rounds, then clipped).
    values_minutes, weights : tuple of float
        The support and weights of an ``empirical`` distribution.
    """

    family: Family = "fixed"
    mean_minutes: float = 0.0
    sd_minutes: float = 0.0
    shift_minutes: float = 0.0
    min_minutes: float = 0.0
    max_minutes: float = math.inf
    values_minutes: tuple[float, ...] = ()
    weights: tuple[float, ...] = ()
    truncation: Truncation = "clip"
    _lognormal: tuple[float, float] = field(default=(0.0, 0.0), init=False, repr=False)

    def __post_init__(self) -> None:
        if self.family == "lognormal" and self.mean_minutes > 0:
            var = self.sd_minutes**2
            sigma2 = math.log1p(var / self.mean_minutes**2)
            mu = math.log(self.mean_minutes) - sigma2 / 2
            object.__setattr__(self, "_lognormal", (mu, math.sqrt(sigma2)))

    @classmethod
    def fixed(cls, minutes: float) -> Duration:
        """Return a constant duration [minutes]."""
        return cls(family="fixed", mean_minutes=float(minutes))

    @classmethod
    def exponential(cls, mean_minutes: float) -> Duration:
        """Return an exponential duration with the given mean [minutes]."""
        return cls(family="exponential", mean_minutes=float(mean_minutes))

    @classmethod
    def lognormal(cls, mean_minutes: float, sd_minutes: float, **kw: float) -> Duration:
        """Return a lognormal duration by its mean and sd [minutes]."""
        return cls(
            family="lognormal",
            mean_minutes=float(mean_minutes),
            sd_minutes=float(sd_minutes),
            **kw,  # type: ignore[arg-type]
        )

    @property
    def is_deterministic(self) -> bool:
        """True when every draw is the same value."""
        return self.family == "fixed" or (
            self.family in ("lognormal", "gamma", "uniform") and self.sd_minutes == 0
        )

    def _raw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        m, s = self.mean_minutes, self.sd_minutes
        if self.family == "fixed" or (m <= 0 and self.family != "empirical"):
            return np.full(n, max(m, 0.0))
        if self.family == "exponential":
            return rng.exponential(m, n)
        if self.family == "lognormal":
            if s == 0:
                return np.full(n, m)
            mu, sigma = self._lognormal
            return rng.lognormal(mu, sigma, n)
        if self.family == "gamma":
            if s == 0:
                return np.full(n, m)
            shape = (m / s) ** 2
            return rng.gamma(shape, m / shape, n)
        if self.family == "uniform":
            return rng.uniform(m - s, m + s, n)
        # empirical
        p = np.asarray(self.weights, dtype=float)
        return rng.choice(np.asarray(self.values_minutes, dtype=float), size=n, p=p / p.sum())

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` durations [minutes] as a float array."""
        out = self._raw(rng, n) + self.shift_minutes
        lo, hi = self.min_minutes, self.max_minutes
        if self.truncation == "redraw":
            bad = np.flatnonzero((out < lo) | (out > hi))
            for _ in range(MAX_REDRAWS):
                if not len(bad):
                    break
                out[bad] = self._raw(rng, len(bad)) + self.shift_minutes
                bad = bad[(out[bad] < lo) | (out[bad] > hi)]
        return np.clip(out, lo, hi)

    def sample_one(self, rng: np.random.Generator) -> float:
        """Draw one duration [minutes]."""
        return float(self.sample(rng, 1)[0])

    def mean(self) -> float:
        """Return the mean before truncation, including the shift [minutes]."""
        if self.family == "empirical":
            p = np.asarray(self.weights, dtype=float)
            return float(np.dot(self.values_minutes, p / p.sum())) + self.shift_minutes
        return self.mean_minutes + self.shift_minutes
