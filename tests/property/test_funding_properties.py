"""Invariants of the funding layer over generated regions, volumes and parameters."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from acutesim.domain.region import MTS_COLOURS, Site
from acutesim.funding.behaviour import VolmeldingBehaviour, volmelding_thresholds
from acutesim.funding.regimes import (
    BUDGET,
    DBCTariff,
    FeePerDBC,
    FixedBudget,
    baseline_revenue_by_org_eur,
    baseline_volumes,
)

MIX = {"red": 0.02, "orange": 0.19, "yellow": 0.52, "green": 0.24, "blue": 0.03}
ADMIT = {"red": 0.8, "orange": 0.55, "yellow": 0.33, "green": 0.08, "blue": 0.04}

money = st.floats(min_value=0.0, max_value=2_000.0, allow_nan=False)
shares = st.floats(min_value=0.05, max_value=2.0, allow_nan=False)


@st.composite
def regions(draw: st.DrawFn) -> tuple[tuple[Site, ...], dict[str, float], dict[str, float]]:
    """Two to five organisations with one to three SEHs each, volumes and other revenue."""
    n_orgs = draw(st.integers(min_value=2, max_value=5))
    sites: list[Site] = []
    visits: dict[str, float] = {}
    other: dict[str, float] = {}
    for o in range(n_orgs):
        org = f"org{o}"
        other[org] = draw(st.floats(min_value=0.0, max_value=5e8))
        for k in range(draw(st.integers(min_value=1, max_value=3))):
            site_id = f"s{o}_{k}"
            day = draw(st.booleans())
            sites.append(
                Site(
                    site_id, org, site_id, 0.0, 0.0, "day" if day else "24/7",
                    False, False, 10, "r", open_hour=8.0, close_hour=23.0,
                )
            )  # fmt: skip
            visits[site_id] = draw(st.floats(min_value=500.0, max_value=60_000.0))
    return tuple(sites), visits, other


def tariffs() -> st.SearchStrategy[DBCTariff]:
    table = st.fixed_dictionaries(
        {c: st.floats(min_value=50.0, max_value=1_000.0) for c in MTS_COLOURS}
    )
    return st.builds(DBCTariff, table, table, st.floats(min_value=0.0, max_value=5_000.0))


@given(region=regions(), tariff=tariffs(), budget=st.floats(min_value=0.0, max_value=6e6))
def test_schoning_total_is_budget_neutral(region, tariff, budget) -> None:
    sites, visits, other = region
    baseline = baseline_volumes(visits, MIX, ADMIT)
    fee = FeePerDBC(sites, tariff, baseline)
    regime = FixedBudget(
        sites,
        tariff,
        baseline,
        budget_eur_per_year=budget,
        schoning="total",
        other_dbc_revenue_eur_per_year_by_org=other,
    )
    assume(all(v < 1.0 for v in regime.schoning_share_by_org.values()))
    before = baseline_revenue_by_org_eur(fee)
    after = baseline_revenue_by_org_eur(regime)
    assert sum(after.values()) == pytest.approx(sum(before.values()), abs=1.0)


@given(region=regions(), tariff=tariffs(), budget=st.floats(min_value=0.0, max_value=6e6))
def test_schoning_hospital_keeps_every_organisation_whole(region, tariff, budget) -> None:
    sites, visits, other = region
    baseline = baseline_volumes(visits, MIX, ADMIT)
    regime = FixedBudget(
        sites,
        tariff,
        baseline,
        budget_eur_per_year=budget,
        schoning="hospital",
        other_dbc_revenue_eur_per_year_by_org=other,
    )
    assume(all(v < 1.0 for v in regime.schoning_share_by_org.values()))
    before = baseline_revenue_by_org_eur(FeePerDBC(sites, tariff, baseline))
    after = baseline_revenue_by_org_eur(regime)
    for org, value in before.items():
        assert after[org] == pytest.approx(value, abs=1.0)


@given(
    region=regions(),
    tariff=tariffs(),
    binding=st.sampled_from(["location", "institution"]),
    open_shares=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=15, max_size=15),
)
def test_budget_never_exceeds_the_entitlement(region, tariff, binding, open_shares) -> None:
    sites, visits, _ = region
    baseline = baseline_volumes(visits, MIX, ADMIT)
    regime = FixedBudget(sites, tariff, baseline, binding=binding)
    shares = {s.site_id: v for s, v in zip(sites, open_shares, strict=False)}
    for site_ids in regime.site_ids_by_organisation.values():
        paid = sum(
            regime.periodic_eur(s, year_share=1.0, open_hours_share_by_site=shares)[BUDGET]
            for s in site_ids
        )
        entitlement = sum(regime.budget_eur_per_year_by_site[s] for s in site_ids)
        assert -1e-6 <= paid <= entitlement + 1e-6
        if all(shares[s] == 0.0 for s in site_ids):
            assert paid == 0.0


@given(
    marginal=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    reference=st.one_of(st.none(), money),
    sensitivity=st.floats(min_value=-5.0, max_value=5.0, allow_nan=False),
    base_on=shares,
    base_gap=st.floats(min_value=0.001, max_value=1.0),
    min_on=st.floats(min_value=0.2, max_value=1.0),
    width=st.floats(min_value=0.0, max_value=1.0),
    min_gap=st.floats(min_value=0.001, max_value=0.15),
    neutral=st.booleans(),
)
def test_hysteresis_holds_for_all_inputs(
    marginal, reference, sensitivity, base_on, base_gap, min_on, width, min_gap, neutral
) -> None:
    params = VolmeldingBehaviour(
        base_on_share=base_on,
        base_off_share=base_on - base_gap,
        sensitivity_per_1000_eur=sensitivity,
        reference_marginal_revenue_eur=reference,
        neutral=neutral,
        min_on_share=min_on,
        max_on_share=min_on + width,
        min_off_share=min_on - min_gap - 0.05,
        min_gap_share=min_gap,
    )
    on, off = volmelding_thresholds(marginal, params)
    assert off < on
    # the clamps bound the money effect; a base outside them stays reachable
    lo_on, hi_on = min(params.min_on_share, base_on), max(params.max_on_share, base_on)
    assert lo_on <= on <= hi_on
    lo_off = min(params.min_off_share, params.base_off_share)
    assert min(lo_off, on - params.min_gap_share) <= off <= on - params.min_gap_share + 1e-12
    if neutral or reference is None:
        assert on == base_on


@given(low=money, high=money, sensitivity=st.floats(min_value=0.0, max_value=1.0))
def test_less_money_never_raises_the_threshold(low, high, sensitivity) -> None:
    low, high = sorted((low, high))
    params = VolmeldingBehaviour(
        sensitivity_per_1000_eur=sensitivity, reference_marginal_revenue_eur=800.0
    )
    assert volmelding_thresholds(low, params)[0] <= volmelding_thresholds(high, params)[0]
    neutral = dataclasses.replace(params, neutral=True)
    assert volmelding_thresholds(low, neutral) == volmelding_thresholds(high, neutral)
