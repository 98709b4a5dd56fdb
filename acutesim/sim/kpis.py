"""KPIs of one replication from the recorder's accumulators.

Journey KPIs count journeys that started after the warm-up; time KPIs (volmelding,
closed-shift and boarding hours, population beyond the norm) cover the measured window
from the end of the warm-up to the horizon. Each KPI has a region-wide row (``site_id``
None) and, where it makes sense, one row per SEH site (or HAP). This module says only
how each KPI is computed: names, units, labels, per-site rows and how rows combine are
in the catalogue ``acutesim/kpi.py``, and a test keeps the two in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from acutesim.domain.routes import ARRIVAL_GROUPS
from acutesim.geo.norm import NORM_MINUTES
from acutesim.sim.patient import UNSERVED_REASONS, URGENCY_BY_INDEX
from acutesim.units import MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_YEAR, PER_THOUSAND

if TYPE_CHECKING:
    from acutesim.sim.model import Model, ReplicationResult

FOUR_HOURS_MINUTES: Final = 4 * MINUTES_PER_HOUR


def _q(values: np.ndarray, q: float, *, reorder: bool = False) -> float:
    # reorder: partition ``values`` in place (an array of our own) rather than a copy
    return float(np.quantile(values, q, overwrite_input=reorder)) if len(values) else float("nan")


def _stats(values: np.ndarray) -> dict[str, float]:
    """Mean, p50, p90 and p95 of ``values`` (NaN when empty)."""
    mean = float(values.mean()) if len(values) else float("nan")
    return {"mean": mean, "p50": _q(values, 0.5), "p90": _q(values, 0.9), "p95": _q(values, 0.95)}


def _max(values: np.ndarray) -> float:
    return float(values.max()) if len(values) else float("nan")


def _share(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def _hours_in(status: list[tuple[float, float, str]], name: str, t0: float, t1: float) -> float:
    total = 0.0
    for a, b, s in status:
        if s == name:
            total += max(0.0, min(b, t1) - max(a, t0))
    return total / MINUTES_PER_HOUR


def _integral(samples: list[tuple[float, float]], x: np.ndarray) -> np.ndarray:
    """Integral from 0 to ``x`` of a step function given as ``(t, value)`` change points."""
    times = np.array([s[0] for s in samples])
    values = np.array([s[1] for s in samples])
    cum = np.concatenate([[0.0], np.cumsum(values[:-1] * np.diff(times))])
    k = np.clip(np.searchsorted(times, x, side="right") - 1, 0, None)
    integral: np.ndarray = cum[k] + values[k] * (np.maximum(x, times[0]) - times[k])
    return integral


def time_weighted_mean(samples: list[tuple[float, float]], t0: float, t1: float) -> float:
    """Mean of a step function given as ``(t, value)`` change points over ``[t0, t1]``."""
    if not samples or t1 <= t0:
        return float("nan")
    a, b = _integral(samples, np.array([t0, t1]))
    return float((b - a) / (t1 - t0))


def compute_kpis(model: Model, *, vehicles: bool = True) -> ReplicationResult:
    """Turn a finished model's records into KPI rows and tables.

    With ``vehicles=False`` the result's vehicle table is left out (None), for a caller
    that builds it from ``model.vehicle_log`` once the rest of the model is freed.
    """
    from acutesim.sim.model import ReplicationResult

    rec = model.recorder
    t0, t1 = model.warmup, model.horizon
    years = (t1 - t0) / MINUTES_PER_YEAR
    rows: list[tuple[str, float, str | None]] = []

    def add(kpi: str, value: float, site: str | None = None) -> None:
        rows.append((kpi, float(value), site))

    per_site = []
    for sid, sr in zip(rec.site_ids, rec.sites, strict=True):
        visits = sum(sr.visits_by_route.values())
        los = np.frombuffer(sr.los_minutes, dtype=float)
        d2d = np.frombuffer(sr.door_to_doctor_minutes, dtype=float)
        hand = np.frombuffer(sr.handoff_delay_minutes, dtype=float)
        c2d = np.frombuffer(sr.call_to_door_minutes, dtype=float)
        wait = sr.wait_for_treatment_minutes
        per_site.append((sid, sr, visits, los, d2d, hand, c2d))  # views; wait is a copy
        add("seh_visits", visits, sid)
        for route in ARRIVAL_GROUPS:
            add(f"share_arrival_{route}", _share(sr.visits_by_route[route], visits), sid)
        add("admission_share", _share(sr.admitted, visits), sid)
        add("seh_los_mean_minutes", float(los.mean()) if len(los) else float("nan"), sid)
        add("seh_los_over_4h_share", _share(float((los > FOUR_HOURS_MINUTES).sum()), len(los)), sid)
        add("door_to_doctor_p50_minutes", _q(d2d, 0.5), sid)
        add("ambulance_call_to_door_p95_minutes", _q(c2d, 0.95), sid)
        add(
            "ambulance_call_to_door_over_45_share",
            _share(float((c2d > NORM_MINUTES).sum()), len(c2d)),
            sid,
        )
        add("handoff_delay_p50_minutes", _q(hand, 0.5), sid)
        add("handoff_delay_p90_minutes", _q(hand, 0.9), sid)
        add("handoff_hours_lost", float(hand.sum()) / MINUTES_PER_HOUR, sid)
        add("wait_for_treatment_max_minutes", _max(wait), sid)
        add("wait_for_treatment_p95_minutes", _q(wait, 0.95), sid)
        add("left_without_being_seen", sr.left_unseen, sid)
        add(
            "left_without_being_seen_share",
            _share(sr.left_unseen, visits + sr.left_unseen + sr.max_wait),
            sid,
        )
        add("closing_transfers", sr.closing_transfers, sid)
        add("volmelding_hours", _hours_in(sr.status, "volgemeld", t0, t1), sid)
        add("closed_shift_hours", _hours_in(sr.status, "closed_shift", t0, t1), sid)
        add("diversions", sr.diversions, sid)
        add("boarding_hours", sr.boarding_minutes / MINUTES_PER_HOUR, sid)
        add("bed_transfers", sr.transfers, sid)

    visits_all = sum(v for _, _, v, *_ in per_site)

    def national(k: int) -> np.ndarray:  # one accumulator of every site, in site order
        return np.concatenate([x[k] for x in per_site]) if per_site else np.zeros(0)

    # One national array at a time (a year's are tens of MB each), its quantiles taken in
    # place (sums first: they depend on the order); added in catalogue order below.
    los = national(3)
    los_mean = float(los.mean()) if len(los) else float("nan")
    los_over_4h = _share(float((los > FOUR_HOURS_MINUTES).sum()), len(los))
    del los
    d2d_p50 = _q(national(4), 0.5, reorder=True)
    c2d = national(6)
    c2d_over_45 = _share(float((c2d > NORM_MINUTES).sum()), len(c2d))
    c2d_p95 = _q(c2d, 0.95, reorder=True)
    del c2d
    hand = national(5)
    hand_lost = float(hand.sum()) / MINUTES_PER_HOUR
    hand_p50, hand_p90 = _q(hand, 0.5, reorder=True), _q(hand, 0.9, reorder=True)
    del hand
    wait = rec.wait_for_treatment_minutes()
    wait_max, wait_p95 = _max(wait), _q(wait, 0.95, reorder=True)
    del wait
    pop = model.region.population
    add("seh_visits", visits_all)
    add("seh_visits_per_1000_per_year", _share(visits_all, pop / PER_THOUSAND * years))
    for route in ARRIVAL_GROUPS:
        n = sum(sr.visits_by_route[route] for _, sr, *_ in per_site)
        add(f"share_arrival_{route}", _share(n, visits_all))
    add("admission_share", _share(sum(sr.admitted for _, sr, *_ in per_site), visits_all))
    add("seh_los_mean_minutes", los_mean)
    add("seh_los_over_4h_share", los_over_4h)
    add("door_to_doctor_p50_minutes", d2d_p50)
    add("ambulance_call_to_door_p95_minutes", c2d_p95)
    add("ambulance_call_to_door_over_45_share", c2d_over_45)
    a1 = np.frombuffer(rec.a1_response_minutes, dtype=float)
    add("a1_response_within_15_share", _share(float((a1 <= 15.0).sum()), len(a1)))
    add("handoff_delay_p50_minutes", hand_p50)
    add("handoff_delay_p90_minutes", hand_p90)
    add("handoff_hours_lost", hand_lost)
    add("wait_for_treatment_max_minutes", wait_max)
    add("wait_for_treatment_p95_minutes", wait_p95)
    n_left = sum(sr.left_unseen for _, sr, *_ in per_site)
    n_max_wait = sum(sr.max_wait for _, sr, *_ in per_site)
    add("left_without_being_seen", n_left)
    add("left_without_being_seen_share", _share(n_left, visits_all + n_left + n_max_wait))
    add("closing_transfers", sum(sr.closing_transfers for _, sr, *_ in per_site))
    add("unserved", sum(rec.unserved_by_reason.values()))
    for reason in UNSERVED_REASONS:
        add(f"unserved_{reason}", rec.unserved_by_reason.get(reason, 0))
    for k, u in enumerate(URGENCY_BY_INDEX):
        resp = np.frombuffer(rec.response_by_urgency[k], dtype=float)
        for stat, value in _stats(resp).items():
            add(f"response_{u.lower()}_{stat}_minutes", value)
        door = np.frombuffer(rec.call_to_door_by_urgency[k], dtype=float)
        for stat, value in _stats(door).items():
            add(f"call_to_door_{u.lower()}_{stat}_minutes", value)
    for kpi in (
        "volmelding_hours",
        "closed_shift_hours",
        "diversions",
        "boarding_hours",
        "bed_transfers",
    ):
        add(kpi, sum(v for k, v, s in rows if k == kpi and s is not None))
    for hid, n, r in zip(rec.hap_ids, rec.hap_contacts, rec.hap_referrals, strict=True):
        add("hap_contacts", n, hid)
        add("hap_referral_share", _share(r, n), hid)
    add("hap_contacts", sum(rec.hap_contacts))
    add("hap_referral_share", _share(sum(rec.hap_referrals), sum(rec.hap_contacts)))
    add(
        "ambulance_deployments_per_1000_per_year",
        _share(rec.ambulance_calls, pop / PER_THOUSAND * years),
    )
    vlog = model.vehicle_log.minutes
    add("ambulance_utilisation_share", _share(vlog[:, :, :-1].sum(), vlog[:, :, -1].sum()))
    add("population_beyond_norm_mean", time_weighted_mean(rec.norm_samples, t0, t1))
    add("population_beyond_norm_rivm_mean", time_weighted_mean(rec.norm_rivm_samples, t0, t1))
    add("journeys", rec.n_created)

    status = [
        (sid, a, b, s)
        for sid, sr in zip(rec.site_ids, rec.sites, strict=True)
        for a, b, s in sr.status
    ]
    timeseries = _daily_norm(rec.norm_samples, t1)
    n_full_days = int(t1 // MINUTES_PER_DAY)
    for d in range(n_full_days):
        n = rec.daily_departures[d]
        if n:
            timeseries.append((float(d), "seh_los_mean_minutes", float(rec.daily_los_sum[d] / n)))
    n_terminal = dict(rec.n_terminal)
    return ReplicationResult(
        scenario="",
        replication=-1,
        kpis=rows,
        status=status,
        closures=list(rec.closures),
        timeseries=timeseries,
        finance=list(rec.finance_rows),
        vehicles=model.vehicle_log.rows(rec.vehicle_ids, rec.vehicle_posts) if vehicles else None,
        n_created=rec.n_created,
        n_terminal=n_terminal,
        n_in_system=rec.n_created - sum(n_terminal.values()),
    )


def _daily_norm(
    samples: list[tuple[float, float]], horizon: float
) -> list[tuple[float, str, float]]:
    """Daily time-weighted population beyond the norm, as ``(t_days, kpi, value)``."""
    if not samples:
        return []
    edges = np.minimum(np.arange(0.0, horizon + MINUTES_PER_DAY, MINUTES_PER_DAY), horizon)
    edges = np.unique(edges)
    integral = _integral(samples, edges)
    means = np.diff(integral) / np.diff(edges)
    return [(float(d), "population_beyond_norm", float(v)) for d, v in enumerate(means)]
