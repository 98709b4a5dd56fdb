"""Confidence intervals that respect a KPI's range: counts, hours and shares.

A KPI such as ``bed_transfers`` counts events per replication; its mean over five
replications cannot be negative, yet a Student-t interval around a small, skewed mean
happily reaches below zero (``12.7 [-7.41, 32.7]``). Counts therefore get an exact
(Garwood) Poisson interval for the mean count per replication, widened by the
observed overdispersion (quasi-Poisson), and every other KPI gets the t-interval
clipped to the KPI's range: ``[0, inf)`` for hours, minutes and persons, ``[0, 1]``
for shares. Paired differences keep the plain t-interval: a difference may take
either sign. Which KPIs are counts, and the range of each, is in the KPI catalogue
(``acutesim/kpi.py``).

References
----------
Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28,
437-442. McCullagh, P. and Nelder, J. A. (1989). Generalized Linear Models, 2nd ed.,
section 6.2 (quasi-Poisson dispersion).
"""

from __future__ import annotations

import math

import numpy as np

from acutesim.kpi import find_kpi

CONFIDENCE = 0.95


def kpi_range(kpi: str) -> tuple[float, float]:
    """The range a KPI's t-interval is clipped to -> ``(low, high)``.

    From the KPI catalogue (:attr:`acutesim.kpi.Kpi.bounds`): shares in [0, 1]; hours,
    minutes, rates and persons in [0, inf). A name the catalogue does not know (a KPI of
    another version) is unbounded.
    """
    k = find_kpi(kpi)
    return k.bounds if k is not None else (-math.inf, math.inf)


def is_count_kpi(kpi: str) -> bool:
    """True for KPIs that count events per replication (:attr:`acutesim.kpi.Kpi.count`)."""
    k = find_kpi(kpi)
    return k is not None and k.count


# Quantiles straight from scipy.special, the functions scipy.stats' t, chi2 and beta
# distributions call for their ppf (the same values, bit for bit; a test compares them),
# without importing scipy.stats (0.7 s here) into every report and summary.
def t_quantile(q: float, df: float) -> float:
    """Quantile ``q`` of Student's t with ``df`` degrees of freedom (``stats.t.ppf``)."""
    from scipy.special import stdtrit

    return float(stdtrit(df, q))


def chi2_quantile(q: float, df: float) -> float:
    """Quantile ``q`` of the chi-squared distribution with ``df`` degrees of freedom."""
    from scipy.special import gammaincinv

    return float(2 * gammaincinv(df / 2, q))


def beta_quantile(q: float, a: float, b: float) -> float:
    """Quantile ``q`` of the beta distribution with shapes ``a`` and ``b``."""
    from scipy.special import betaincinv

    return float(betaincinv(a, b, q))


def _finite(values: np.ndarray) -> np.ndarray:
    """The finite values as floats (NaN and infinities dropped)."""
    x = np.asarray(values, dtype=float)
    out: np.ndarray = x[np.isfinite(x)]
    return out


def t_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Return ``(mean, low, high)`` of a Student-t interval; NaN bounds for n < 2."""
    x = _finite(values)
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = float(t_quantile(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half


def poisson_mean_interval(
    values: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Mean count per replication with an exact, overdispersion-widened Poisson interval.

    The total ``T`` over ``n`` replications gets the Garwood interval
    ``chi2(a/2; 2T)/2 .. chi2(1-a/2; 2T+2)/2``. Where the replications vary more than a
    Poisson count would (sample variance ``s2`` above the mean), the interval is
    computed on ``T / phi`` effective events with ``phi = s2 / mean`` and scaled back,
    so that it is never narrower than the data justify. Bounds are never negative, and
    a count that is zero in every replication still gets an upper bound.

    Parameters
    ----------
    values : ndarray
        Counts per replication [events]; non-finite values are ignored.
    confidence : float
        Coverage [0-1].

    Returns
    -------
    tuple of float
        ``(mean, low, high)`` [events per replication]; NaN for no values.
    """
    x = _finite(values)
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    phi = 1.0
    if n >= 2 and mean > 0:
        phi = max(1.0, float(x.var(ddof=1)) / mean)
    total = float(x.sum()) / phi
    alpha = 1.0 - confidence
    low = 0.0 if total <= 0 else chi2_quantile(alpha / 2, 2 * total) / 2
    high = chi2_quantile(1 - alpha / 2, 2 * total + 2) / 2
    return mean, low * phi / n, high * phi / n


def kpi_interval(
    kpi: str, values: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Mean and confidence interval of one KPI over replications, within the KPI's range.

    Whole-number counts (:func:`is_count_kpi`) get :func:`poisson_mean_interval`;
    other KPIs the t-interval clipped to :func:`kpi_range`.

    Parameters
    ----------
    kpi : str
        KPI name (decides the kind of interval).
    values : ndarray
        One value per replication [the KPI's unit].
    confidence : float
        Coverage [0-1].

    Returns
    -------
    tuple of float
        ``(mean, low, high)`` [the KPI's unit]; NaN bounds where no interval exists.
    """
    x = np.asarray(values, dtype=float)
    finite = x[np.isfinite(x)]
    if (
        is_count_kpi(kpi)
        and len(finite)
        and bool(np.all(finite >= 0))
        and bool(np.all(finite == np.round(finite)))
    ):
        return poisson_mean_interval(finite, confidence)
    mean, low, high = t_interval(finite, confidence)
    lo_bound, hi_bound = kpi_range(kpi)
    if math.isfinite(low):
        low = min(max(low, lo_bound), mean)
    if math.isfinite(high):
        high = max(min(high, hi_bound), mean)
    return mean, low, high
