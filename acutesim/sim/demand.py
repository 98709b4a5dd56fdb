"""Demand: incidents per stream, non-homogeneous Poisson by hour of week, placed by population.

Each stream (ambulance calls, HAP contacts, GP referrals, self-referrals, other
referrals) has a rate per 1,000 inhabitants per year, an hour-of-week profile and a
yearly growth. The rate is constant within each clock hour, so incidents are generated
exactly hour by hour (a Poisson count per hour, uniform times within it) rather than by
thinning. Generation runs a week at a time from the stream's own generator, and every
patient attribute is drawn at birth in a fixed order, so the incident stream never
depends on capacity, routing or funding (common random numbers).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, fields
from itertools import repeat
from typing import Any, Final

import numpy as np

from acutesim.domain.calls import CallLog
from acutesim.domain.region import MTS_COLOURS, URGENCIES, DemandStream, Region
from acutesim.domain.scenario import Scenario
from acutesim.units import (
    HOURS_PER_WEEK,
    MINUTES_PER_HOUR,
    MINUTES_PER_WEEK,
    MINUTES_PER_YEAR,
    PER_THOUSAND,
)


@dataclass
class IncidentBatch:
    """Incidents of one stream in one week, sorted by time, with attributes drawn at birth."""

    t_minutes: np.ndarray
    area: np.ndarray
    mts: np.ndarray
    admitted: np.ndarray
    treatment_minutes: np.ndarray
    triage_minutes: np.ndarray
    ward_minutes: np.ndarray
    urgency: np.ndarray
    dispatch_minutes: np.ndarray
    on_scene_minutes: np.ndarray
    conveyed: np.ndarray
    handover_minutes: np.ndarray
    hap_consult: np.ndarray
    hap_referral: np.ndarray
    hap_triage_minutes: np.ndarray
    hap_consult_minutes: np.ndarray
    hap_take: np.ndarray
    patience_minutes: np.ndarray
    to_seh: np.ndarray
    specialised: np.ndarray


LIST_CHUNK: Final = 1024  # incidents per chunk turned into Python lists at a time
_LIST_DTYPE: Final = {
    f.name: np.int64 if f.name in ("area", "mts", "urgency") else
    np.float64 if f.name.endswith("minutes") else np.bool_
    for f in fields(IncidentBatch)
}  # fmt: skip


ROW_FIELDS: Final = tuple(f.name for f in fields(IncidentBatch))  # the order of an incident's row

# The attributes only an ambulance patient reads (a patient of another route gets
# Patient's defaults for them, journeys._patient).
AMBULANCE_ONLY_FIELDS: Final = frozenset(
    ("urgency", "dispatch_minutes", "on_scene_minutes", "conveyed", "handover_minutes",
     "to_seh", "specialised")
)  # fmt: skip


def _column_chunks(batch: IncidentBatch, unused: Collection[str] = ()) -> Iterator[list[Any]]:
    """Per chunk of ``LIST_CHUNK`` incidents, the columns in ``ROW_FIELDS`` order.

    Each column as a list of the Python type the patient holds (so the model copies
    values as is); a field named in ``unused`` as None repeated (no Python object per
    incident for a column nobody reads). Chunked so that a national week of incidents
    is never held as Python objects whole.
    """
    n = len(batch.t_minutes)
    cols: list[np.ndarray | None] = [
        None if name in unused else np.asarray(getattr(batch, name), dtype=_LIST_DTYPE[name])
        for name in ROW_FIELDS
    ]
    for lo in range(0, n, LIST_CHUNK):
        k = min(LIST_CHUNK, n - lo)
        yield [
            repeat(None, k) if col is None else col[lo : lo + LIST_CHUNK].tolist() for col in cols
        ]


def as_lists(batch: IncidentBatch) -> Iterator[IncidentBatch]:
    """The batch in chunks whose columns are Python lists (fast scalar access, no numpy)."""
    for columns in _column_chunks(batch):
        yield IncidentBatch(**dict(zip(ROW_FIELDS, columns, strict=True)))


def as_rows(batch: IncidentBatch, unused: Collection[str] = ()) -> Iterator[list[tuple[Any, ...]]]:
    """The batch's incidents as tuples of Python scalars (in ``ROW_FIELDS`` order), chunked.

    A row unpacks into locals in one step, where a column per attribute costs an
    attribute look-up and an index each; the chunks are those of :func:`as_lists`.
    The fields named in ``unused`` hold None instead.
    """
    for columns in _column_chunks(batch, unused):
        yield list(zip(*columns, strict=True))


def rows_of(
    batches: Iterable[IncidentBatch], unused: Collection[str] = ()
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of batch after batch, chunk by chunk (:func:`as_rows`), made as they are read.

    A generator function rather than a generator expression: mypyc
    (``scripts/compile_engine.py``) would turn the expression into a list of every chunk.
    """
    for batch in batches:
        yield from as_rows(batch, unused)


class StreamGenerator:
    """Generates the incidents of one demand stream week by week.

    Parameters
    ----------
    stream : DemandStream
        Rate [per 1,000 per year], route and hour-of-week profile.
    region : Region
        Areas (population, demand weight) and clinical parameters.
    scenario : Scenario
        Demand multiplier and growth; HAP knobs.
    rng : numpy.random.Generator
        The stream's own generator (``demand.<stream name>``).
    horizon_minutes : float
        Length of the run [min].
    pathway_rng : numpy.random.Generator, optional
        Generator of the pathway attributes (patience, SEH or direct, specialised
        centre), ``demand.<stream name>.pathway``, so that they never shift the
        stream's other draws; the stream's own generator when omitted.
    """

    def __init__(
        self,
        stream: DemandStream,
        region: Region,
        scenario: Scenario,
        rng: np.random.Generator,
        horizon_minutes: float,
        pathway_rng: np.random.Generator | None = None,
    ) -> None:
        self.stream = stream
        self.region = region
        self.rng = rng
        self.pathway_rng = pathway_rng if pathway_rng is not None else rng
        self.horizon_minutes = horizon_minutes
        weights = np.array([a.population * a.demand_weight for a in region.areas], dtype=float)
        self.cum_weights = np.cumsum(weights) / max(weights.sum(), 1e-12)
        growth = (
            scenario.demand_growth_per_year
            if scenario.demand_growth_per_year is not None
            else region.demand_growth_per_year
        )
        self.growth = growth
        # incidents per minute at profile weight 1.0 and t = 0
        self.base_per_minute = (
            stream.rate_per_1000_per_year
            / PER_THOUSAND
            * float(weights.sum())
            * scenario.demand_multiplier
            / MINUTES_PER_YEAR
        )
        self.profile = np.asarray(stream.profile, dtype=float)
        self.start_how = region.calendar.start_hour_of_week
        seh = region.seh
        shares = seh.mts_shares_by_route.get(stream.route, seh.mts_shares_by_route.get("gp", {}))
        self.mts_cum = np.cumsum([shares.get(c, 0.0) for c in MTS_COLOURS])
        self.admit_share = np.array([seh.admission_share_by_mts.get(c, 0.0) for c in MTS_COLOURS])
        amb = region.ambulance
        self.urg_cum = np.cumsum([amb.urgency_shares.get(u, 0.0) for u in URGENCIES])
        self.convey_share = np.array(
            [amb.conveyance_share_by_urgency.get(u, 0.0) for u in URGENCIES]
        )
        pw = region.pathways
        self.to_seh_share = np.array([pw.seh_share_of_conveyed.get(u, 1.0) for u in URGENCIES])
        self.specialised_share = pw.a1_specialised_share if pw.specialised_sites else 0.0
        # ambulance patients: MTS colour drawn given the urgency class (joint draw)
        self.mts_cum_by_urgency = (
            np.array(
                [
                    np.cumsum([pw.mts_shares_by_urgency[u].get(c, 0.0) for c in MTS_COLOURS])
                    for u in URGENCIES
                ]
            )
            if stream.route == "ambulance" and all(u in pw.mts_shares_by_urgency for u in URGENCIES)
            else None
        )
        hap = region.hap
        self.consult_share = hap.consult_share
        self.referral_share = (
            scenario.hap_referral_share
            if scenario.hap_referral_share is not None
            else hap.referral_share
        )
        self.take_share = (
            scenario.hap_takes_self_referral_share
            if scenario.hap_takes_self_referral_share is not None
            else seh.hap_takes_self_referral_share
        )
        self.onward_share = seh.hap_self_referral_onward_share
        self.patience = pw.lwbs_patience
        # who may leave without being seen: walk-ins of the named colours, never ambulance
        self.may_leave = np.array(
            [stream.route != "ambulance" and c in pw.lwbs_colours for c in MTS_COLOURS]
        )

    def hourly_rates(self, t0: float) -> np.ndarray:
        """Expected incidents in each of the 168 hours starting at ``t0`` [count per hour]."""
        hours = np.arange(HOURS_PER_WEEK)
        how = (self.start_how + int(t0 // MINUTES_PER_HOUR) + hours) % HOURS_PER_WEEK
        t_mid = t0 + (hours + 0.5) * MINUTES_PER_HOUR
        growth = (1.0 + self.growth) ** (t_mid / MINUTES_PER_YEAR)
        return self.base_per_minute * MINUTES_PER_HOUR * self.profile[how] * growth

    def weeks(self) -> Iterator[IncidentBatch]:
        """Yield one :class:`IncidentBatch` per week until the horizon."""
        t0 = 0.0
        while t0 < self.horizon_minutes:
            yield self._week(t0)
            t0 += MINUTES_PER_WEEK

    def replay(self, log: CallLog) -> Iterator[IncidentBatch]:
        """Yield the calls of ``log`` week by week (times, areas and urgency from the log).

        Every other attribute is drawn as for a random call, in the same order, and the
        log's time on scene and conveyance replace the draws where given.
        """
        t0 = 0.0
        while t0 < self.horizon_minutes:
            idx = log.between(t0, t0 + MINUTES_PER_WEEK)
            n = len(idx)
            batch = self._draw(log.t_minutes[idx], np.arange(n), log.area[idx], log.urgency[idx])
            scene = log.on_scene_minutes[idx]
            batch.on_scene_minutes = np.where(np.isnan(scene), batch.on_scene_minutes, scene)
            conv = log.conveyed[idx]
            batch.conveyed = np.where(conv < 0, batch.conveyed, conv == 1)
            yield self._clip(batch)
            t0 += MINUTES_PER_WEEK

    def _week(self, t0: float) -> IncidentBatch:
        rng = self.rng
        counts = rng.poisson(self.hourly_rates(t0))
        n = int(counts.sum())
        hour_start = t0 + np.repeat(np.arange(HOURS_PER_WEEK), counts) * MINUTES_PER_HOUR
        t = hour_start + rng.random(n) * MINUTES_PER_HOUR
        order = np.argsort(t, kind="stable")
        return self._clip(self._draw(t[order], order))

    def _clip(self, batch: IncidentBatch) -> IncidentBatch:
        keep = batch.t_minutes < self.horizon_minutes
        if not keep.all():
            for name in batch.__dataclass_fields__:
                setattr(batch, name, getattr(batch, name)[keep])
        return batch

    def _draw(
        self,
        t: np.ndarray,
        order: np.ndarray,
        fixed_area: np.ndarray | None = None,
        fixed_urgency: np.ndarray | None = None,
    ) -> IncidentBatch:
        """Attributes of ``len(t)`` incidents at sorted times ``t`` (drawn in ``order``)."""
        rng = self.rng
        n = len(t)
        # Attribute draws, always in this order and always for every incident.
        u = rng.random((n, 9))
        area = np.searchsorted(self.cum_weights, u[:, 0], side="right").clip(
            0, len(self.cum_weights) - 1
        )
        urgency = np.searchsorted(self.urg_cum, u[:, 3] * self.urg_cum[-1], side="right").clip(0, 2)
        if fixed_area is not None:
            area[order] = fixed_area
        if fixed_urgency is not None:
            urgency[order] = fixed_urgency
        if self.mts_cum_by_urgency is not None:
            cum = self.mts_cum_by_urgency[urgency]
            mts = (u[:, 1:2] * cum[:, -1:] >= cum).sum(axis=1).clip(0, 4)
        else:
            mts = np.searchsorted(self.mts_cum, u[:, 1] * self.mts_cum[-1], side="right")
            mts = mts.clip(0, 4)
        admitted = u[:, 2] < self.admit_share[mts]
        conveyed = u[:, 4] < self.convey_share[urgency]
        hap_consult = u[:, 5] < self.consult_share
        hap_referral = u[:, 6] < self.referral_share
        hap_take = u[:, 7] < self.take_share
        onward = u[:, 8] < self.onward_share
        del u  # n x 9 doubles: freed before the remaining columns are drawn
        seh = self.region.seh
        treatment = np.empty(n)
        for k, colour in enumerate(MTS_COLOURS):
            mask = mts == k
            treatment[mask] = seh.treatment_by_mts[colour].sample(rng, int(mask.sum()))
        treatment += admitted * seh.admission_extra_treatment_minutes
        amb, hap = self.region.ambulance, self.region.hap
        prng = self.pathway_rng  # pathway draws: always in this order, every incident
        v = prng.random((n, 2))
        patience = self.patience.sample(prng, n)
        batch = IncidentBatch(
            t_minutes=t,
            area=area[order],
            mts=mts[order],
            admitted=admitted[order],
            treatment_minutes=treatment[order],
            triage_minutes=seh.triage.sample(rng, n)[order],
            ward_minutes=seh.ward_stay.sample(rng, n)[order],
            urgency=urgency[order],
            dispatch_minutes=amb.dispatch_delay.sample(rng, n)[order],
            on_scene_minutes=amb.on_scene.sample(rng, n)[order],
            conveyed=conveyed[order],
            handover_minutes=amb.handover.sample(rng, n)[order],
            hap_consult=hap_consult[order],
            # a self-referral taken by a co-located HAP is referred on with `onward`
            hap_referral=np.where(self.stream.route == "self", onward, hap_referral)[order],
            hap_triage_minutes=hap.telephone_triage.sample(rng, n)[order],
            hap_consult_minutes=hap.consult.sample(rng, n)[order],
            hap_take=hap_take[order],
            patience_minutes=np.where(self.may_leave[mts], patience, np.inf)[order],
            to_seh=(v[:, 0] < self.to_seh_share[urgency])[order],
            specialised=((urgency == 0) & (v[:, 1] < self.specialised_share))[order],
        )
        return batch
