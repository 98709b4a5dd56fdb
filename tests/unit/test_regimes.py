"""Funding regimes, schoning, budget binding, regime schedule and the monthly books."""

from __future__ import annotations

import datetime as dt

import pytest

from acutesim.domain.region import SEHHours, Site
from acutesim.funding.books import CostRates, FinanceBooks
from acutesim.funding.regimes import (
    BESCHIKBAARHEIDBIJDRAGE,
    BUDGET,
    SCHONING_OTHER,
    BaselineVolume,
    DBCTariff,
    FeePerDBC,
    FixedBudget,
    RegimeSchedule,
    baseline_dbc_revenue_eur,
    baseline_revenue_by_org_eur,
    baseline_volumes,
    month_year_share,
    mts_shares_from_routes,
    periodic_forfeit_eur_per_year,
)

MIX = {"red": 0.02, "orange": 0.19, "yellow": 0.52, "green": 0.24, "blue": 0.03}
ADMIT = {"red": 0.8, "orange": 0.55, "yellow": 0.33, "green": 0.08, "blue": 0.04}
VISIT = {"red": 480.0, "orange": 360.0, "yellow": 270.0, "green": 180.0, "blue": 140.0}
TARIFF = DBCTariff(VISIT, {c: v + 120.0 for c, v in VISIT.items()}, 1_700.0)


def site(
    site_id: str, org: str, seh: SEHHours = "24/7", hours: tuple[float, float] = (0, 24)
) -> Site:
    open_hour, close_hour = hours
    return Site(
        site_id,
        org,
        site_id,
        0.0,
        0.0,
        seh,
        False,
        False,
        10,
        "r",
        open_hour=open_hour,
        close_hour=close_hour,
    )


SITES = (
    site("big", "large_org"),
    site("mid", "two_site_org"),
    site("day", "two_site_org", seh="day", hours=(8.0, 23.0)),
    site("small", "small_org"),
    site("clinic", "small_org", seh="none"),
)
VISITS = {"big": 13_500.0, "mid": 8_400.0, "day": 3_600.0, "small": 4_500.0}
BASELINE = baseline_volumes(VISITS, MIX, ADMIT)
OTHER = {"large_org": 420e6, "two_site_org": 260e6, "small_org": 110e6}


def fee(**kw: object) -> FeePerDBC:
    return FeePerDBC(SITES, TARIFF, BASELINE, **kw)  # type: ignore[arg-type]


def budget(**kw: object) -> FixedBudget:
    kw.setdefault("other_dbc_revenue_eur_per_year_by_org", OTHER)
    return FixedBudget(SITES, TARIFF, BASELINE, **kw)  # type: ignore[arg-type]


# --- tariffs and volumes --------------------------------------------------------------------
def test_tariff_needs_every_colour() -> None:
    with pytest.raises(ValueError, match="no tariff for MTS colour"):
        DBCTariff({"red": 1.0}, VISIT, 0.0)


def test_tariff_rejects_unknown_colour() -> None:
    with pytest.raises(ValueError, match="unknown MTS colour 'purple'"):
        TARIFF.visit_eur("purple", False)


def test_baseline_volume_checks_shares() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        BaselineVolume("x", 100.0, {"red": 0.5}, ADMIT)
    with pytest.raises(ValueError, match="admission share"):
        BaselineVolume("x", 100.0, {"red": 1.0}, {"red": 1.5})


def test_baseline_volume_counts() -> None:
    v = BASELINE["small"]
    kinds = v.visits_per_year_by_kind()
    assert sum(kinds.values()) == pytest.approx(4_500.0)
    assert v.admissions_per_year == pytest.approx(sum(n for (_, a), n in kinds.items() if a))
    assert 0.3 < v.admission_share < 0.4


def test_mts_shares_from_routes_mixes() -> None:
    shares = mts_shares_from_routes(
        {"a": 0.25, "b": 0.75},
        {"a": {"red": 1.0}, "b": {"green": 1.0}},
    )
    assert shares["red"] == pytest.approx(0.25)
    assert shares["green"] == pytest.approx(0.75)


def test_missing_baseline_is_an_error() -> None:
    with pytest.raises(ValueError, match="no baseline volume"):
        FeePerDBC(SITES, TARIFF, {"big": BASELINE["big"]})


# --- fee per DBC ------------------------------------------------------------------------------
def test_fee_visit_and_admission_revenue() -> None:
    regime = fee()
    assert regime.visit_revenue_eur("big", "yellow", False) == 270.0
    assert regime.visit_revenue_eur("big", "yellow", True) == 390.0
    assert regime.admission_revenue_eur("big") == 1_700.0


def test_marginal_revenue_is_mix_weighted_and_includes_admissions() -> None:
    expected = sum(
        MIX[c] * ((1 - ADMIT[c]) * VISIT[c] + ADMIT[c] * (VISIT[c] + 120.0 + 1_700.0)) for c in MIX
    )
    assert fee().marginal_revenue_eur("small") == pytest.approx(expected)


def test_beschikbaarheidbijdrage_only_for_sensitive_sehs_pro_rata() -> None:
    regime = fee(sensitive_site_ids={"small"}, beschikbaarheidbijdrage_eur_per_year=2e6)
    assert regime.periodic_eur("small", year_share=0.5)[BESCHIKBAARHEIDBIJDRAGE] == 1e6
    assert regime.periodic_eur("big", year_share=0.5)[BESCHIKBAARHEIDBIJDRAGE] == 0.0
    # the bijdrage pays for round-the-clock availability: an SEH open part of the day
    # (a night closure) gets nothing; one open 24/7 for half the period gets half
    half_open = regime.periodic_eur(
        "small", year_share=1.0, open_hours_share_by_site={"small": 0.5}
    )
    assert half_open[BESCHIKBAARHEIDBIJDRAGE] == 0.0
    half_period = regime.periodic_eur(
        "small",
        year_share=1.0,
        open_hours_share_by_site={"small": 0.5},
        round_the_clock_share_by_site={"small": 0.5},
    )
    assert half_period[BESCHIKBAARHEIDBIJDRAGE] == 1e6
    pro_rata = fee(
        sensitive_site_ids={"small"},
        beschikbaarheidbijdrage_eur_per_year=2e6,
        beschikbaarheidbijdrage_requires_24_7=False,
    ).periodic_eur("small", year_share=1.0, open_hours_share_by_site={"small": 0.5})
    assert pro_rata[BESCHIKBAARHEIDBIJDRAGE] == 1e6
    assert regime.periodic_eur("small", year_share=1.0)[BUDGET] == 0.0


def test_sensitive_site_without_seh_is_an_error() -> None:
    with pytest.raises(ValueError, match="have no SEH"):
        fee(sensitive_site_ids={"clinic"})


def test_unknown_site_is_an_error() -> None:
    with pytest.raises(ValueError, match="'nowhere' is not an SEH site"):
        fee().visit_revenue_eur("nowhere", "red", False)


# --- fixed budget: pro rata and schoning ------------------------------------------------------
def test_budget_pro_rata_for_fewer_opening_hours() -> None:
    regime = budget()
    assert regime.budget_eur_per_year_by_site["big"] == 4_600_000.0
    assert regime.budget_eur_per_year_by_site["day"] == pytest.approx(4_600_000.0 * 105 / 168)


def test_schoning_hospital_keeps_every_organisation_whole_at_baseline() -> None:
    before = baseline_revenue_by_org_eur(fee())
    after = baseline_revenue_by_org_eur(budget(schoning="hospital"))
    for org, value in before.items():
        assert after[org] == pytest.approx(value, abs=1.0)


def test_schoning_hospital_with_seh_base_only() -> None:
    before = baseline_revenue_by_org_eur(fee())
    regime = budget(schoning="hospital", schoning_base="seh", budget_eur_per_year=1e6)
    after = baseline_revenue_by_org_eur(regime)
    for org, value in before.items():
        assert after[org] == pytest.approx(value, abs=1.0)
    assert regime.organisation_periodic_eur("small_org", year_share=1.0)[SCHONING_OTHER] == 0.0


def test_schoning_hospital_exempts_beschikbaarheidbijdrage() -> None:
    bb = 2e6
    today = fee(sensitive_site_ids={"small"}, beschikbaarheidbijdrage_eur_per_year=bb)
    regime = budget(schoning="hospital", schoning_exempt_eur_per_year_by_org={"small_org": bb})
    before = baseline_revenue_by_org_eur(today)
    after = baseline_revenue_by_org_eur(regime)
    for org, value in before.items():
        assert after[org] == pytest.approx(value, abs=1.0)


def test_schoning_total_is_budget_neutral_and_small_organisation_gains() -> None:
    before = baseline_revenue_by_org_eur(fee())
    regime = budget(schoning="total")
    after = baseline_revenue_by_org_eur(regime)
    assert sum(after.values()) == pytest.approx(sum(before.values()), abs=1.0)
    shares = set(regime.schoning_share_by_org.values())
    assert len(shares) == 1  # one common price cut
    smallest = min(
        regime.site_ids_by_organisation,
        key=lambda o: sum(VISITS[s] for s in regime.site_ids_by_organisation[o]),
    )
    assert smallest == "small_org"
    assert after[smallest] > before[smallest] + 1.0
    assert after["large_org"] < before["large_org"] - 1.0


def test_schoning_none_splits_own_prices_and_a_macro_cut_on_other_care() -> None:
    before = baseline_revenue_by_org_eur(fee())
    none0 = budget(schoning="none", schoning_none_share=0.0)
    none1 = baseline_revenue_by_org_eur(budget(schoning="none", schoning_none_share=1.0))
    hospital = baseline_revenue_by_org_eur(budget(schoning="hospital"))
    # share 0: no own price cut; all of every budget comes out of other care, pro rata
    # to other DBC revenue, so the small organisation gains and the large one pays
    assert none0.schoning_share_by_org["small_org"] == 0.0
    macro = none0.macro_cut_eur_per_year_by_org
    budgets = 3 * 4_600_000.0 + 4_600_000.0 * 105 / 168
    assert sum(macro.values()) == pytest.approx(budgets)
    assert macro["large_org"] / macro["small_org"] == pytest.approx(420 / 110)
    after0 = baseline_revenue_by_org_eur(none0)
    assert after0["small_org"] > before["small_org"] + 1.0
    assert after0["large_org"] < before["large_org"] - 1.0
    assert sum(after0.values()) == pytest.approx(sum(before.values()), abs=1.0)
    # share 1: the same as schoning per hospital
    assert none1["small_org"] == pytest.approx(hospital["small_org"])
    half = budget(schoning="none", schoning_none_share=0.5).schoning_share_by_org
    full = budget(schoning="hospital").schoning_share_by_org
    assert half["large_org"] == pytest.approx(0.5 * full["large_org"])


def test_bargaining_weight_moves_the_macro_cut_between_organisations() -> None:
    even = budget(schoning="none", schoning_none_share=0.0).macro_cut_eur_per_year_by_org
    weighted = budget(
        schoning="none", schoning_none_share=0.0, bargaining_weight_by_org={"large_org": 0.5}
    ).macro_cut_eur_per_year_by_org
    assert weighted["large_org"] < even["large_org"]
    assert weighted["small_org"] > even["small_org"]
    assert sum(weighted.values()) == pytest.approx(sum(even.values()))


@pytest.mark.parametrize("schoning", ["hospital", "total", "none"])
@pytest.mark.parametrize("sensitive", [frozenset(), frozenset({"small"})])
def test_every_schoning_variant_is_macro_neutral_at_baseline_volume(
    schoning: str, sensitive: frozenset[str]
) -> None:
    bb = 2e6
    before = baseline_revenue_by_org_eur(
        fee(sensitive_site_ids=sensitive, beschikbaarheidbijdrage_eur_per_year=bb)
    )
    exempt = {"small_org": bb} if sensitive else {}
    after = baseline_revenue_by_org_eur(
        budget(schoning=schoning, schoning_exempt_eur_per_year_by_org=exempt)
    )
    assert abs(sum(after.values()) - sum(before.values())) < 1.0


def test_extra_money_share_is_the_only_new_money() -> None:
    before = sum(baseline_revenue_by_org_eur(fee()).values())
    budgets = 3 * 4_600_000.0 + 4_600_000.0 * 105 / 168
    for schoning in ("hospital", "total", "none"):
        after = sum(
            baseline_revenue_by_org_eur(budget(schoning=schoning, extra_money_share=0.25)).values()
        )
        assert after - before == pytest.approx(0.25 * budgets)


def test_a_persisting_cut_stays_and_a_reverting_cut_follows_the_budget() -> None:
    closed = {"small": 0.0}
    persist = budget(schoning="hospital")
    revert = budget(schoning="hospital", schoning_persists_on_closure=False)
    assert persist.price_factor("small", closed) == persist.price_factor("small") < 1.0
    assert revert.price_factor("small") == persist.price_factor("small")
    assert revert.price_factor("small", closed) == 1.0
    assert revert.organisation_periodic_eur(
        "small_org", year_share=1.0, open_hours_share_by_site=closed
    )[SCHONING_OTHER] == pytest.approx(0.0)
    # closing then forfeits only the cut on the SEH's own revenue under a reverting cut,
    # i.e. exactly the SEH's DBC revenue at today's prices less what the books show
    seh_dbc = sum(baseline_dbc_revenue_eur(TARIFF, BASELINE["small"]))
    cut_dbc = seh_dbc * revert.price_factor("small")
    assert cut_dbc + periodic_forfeit_eur_per_year(revert, "small") == pytest.approx(seh_dbc)
    assert periodic_forfeit_eur_per_year(persist, "small") == pytest.approx(4_600_000.0)


def test_price_cut_beyond_the_base_is_clamped_and_reported() -> None:
    regime = budget(schoning="hospital", schoning_base="seh")  # 4.6 M > DBC revenue of small
    assert regime.schoning_share_by_org["small_org"] == 1.0
    assert regime.price_factor("small") == 0.0
    assert regime.schoning_shortfall_eur_per_year_by_org["small_org"] > 0.0
    assert regime.schoning_shortfall_eur_per_year_by_org["large_org"] == 0.0


def test_schoning_lowers_prices_and_books_the_cut_on_other_care() -> None:
    regime = budget(schoning="hospital")
    factor = regime.price_factor("small")
    assert 0.0 < factor < 1.0
    assert regime.visit_revenue_eur("small", "red", False) == pytest.approx(480.0 * factor)
    cut = regime.organisation_periodic_eur("small_org", year_share=1.0)[SCHONING_OTHER]
    assert cut == pytest.approx(-(1 - factor) * OTHER["small_org"])


@pytest.mark.parametrize("schoning", ["hospital", "total", "none"])
def test_marginal_revenue_lower_under_budget_than_fee(schoning: str) -> None:
    today = fee()
    regime = budget(schoning=schoning)
    for s in VISITS:
        assert regime.marginal_revenue_eur(s) < today.marginal_revenue_eur(s)


def test_invalid_budget_options() -> None:
    with pytest.raises(ValueError, match="schoning must be"):
        budget(schoning="partial")
    with pytest.raises(ValueError, match="binding must be"):
        budget(binding="region")
    with pytest.raises(ValueError, match="unknown organisation"):
        budget(other_dbc_revenue_eur_per_year_by_org={"nobody": 1.0})


# --- fixed budget: binding --------------------------------------------------------------------
def _org_budget(regime: FixedBudget, org: str, shares: dict[str, float]) -> float:
    return sum(
        regime.periodic_eur(s, year_share=1.0, open_hours_share_by_site=shares)[BUDGET]
        for s in regime.site_ids_by_organisation[org]
    )


def test_location_bound_budget_is_lost_with_the_location() -> None:
    regime = budget(binding="location")
    full = _org_budget(regime, "two_site_org", {})
    closed = _org_budget(regime, "two_site_org", {"day": 0.0})
    assert full - closed == pytest.approx(regime.budget_eur_per_year_by_site["day"])
    assert periodic_forfeit_eur_per_year(regime, "day") == pytest.approx(
        regime.budget_eur_per_year_by_site["day"]
    )


def test_institution_bound_budget_survives_concentration() -> None:
    regime = budget(binding="institution")
    full = _org_budget(regime, "two_site_org", {})
    assert _org_budget(regime, "two_site_org", {"day": 0.0}) == pytest.approx(full)
    # the money moves to the location that stays open
    moved = regime.periodic_eur("mid", year_share=1.0, open_hours_share_by_site={"day": 0.0})
    assert moved[BUDGET] == pytest.approx(full)
    assert periodic_forfeit_eur_per_year(regime, "day") == pytest.approx(0.0)


def test_institution_bound_budget_is_lost_when_the_last_seh_closes() -> None:
    regime = budget(binding="institution")
    assert _org_budget(regime, "small_org", {"small": 0.0}) == 0.0
    assert _org_budget(regime, "two_site_org", {"mid": 0.0, "day": 0.0}) == 0.0


def test_institution_bound_budget_pro_rata_when_no_location_stays_24_7() -> None:
    regime = budget(binding="institution")
    full = _org_budget(regime, "two_site_org", {})
    night_closed = _org_budget(regime, "two_site_org", {"mid": 105 / 168})
    assert night_closed == pytest.approx(full * 105 / 168)


def test_open_share_must_be_a_share() -> None:
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        budget().periodic_eur("big", year_share=1.0, open_hours_share_by_site={"big": 1.5})


# --- schedule and months ----------------------------------------------------------------------
def test_schedule_switches_at_the_date() -> None:
    today, reform = fee(), budget()
    schedule = RegimeSchedule(today, ((dt.date(2027, 1, 1), reform),))
    assert schedule.regime_at(dt.date(2026, 12, 31)) is today
    assert schedule.regime_at(dt.date(2027, 1, 1)) is reform
    assert schedule.regimes == (today, reform)


def test_schedule_dates_must_increase() -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        RegimeSchedule(fee(), ((dt.date(2027, 1, 1), budget()), (dt.date(2026, 1, 1), fee())))


def test_month_year_shares_add_up_to_one_year() -> None:
    for year in (2026, 2028):
        assert sum(month_year_share(f"{year}-{m:02d}") for m in range(1, 13)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_year_share("2027/01")


# --- books ------------------------------------------------------------------------------------
COSTS = CostRates(
    staff_eur_per_hour_by_role={"seh_physician": 115.0, "seh_nurse": 55.0},
    fixed_eur_per_year_by_site={"big": 2.8e6, "mid": 2.8e6, "day": 1.75e6, "small": 2.8e6},
    variable_eur_per_patient=90.0,
)


def test_books_value_a_month() -> None:
    books = FinanceBooks(RegimeSchedule(fee()), SITES, COSTS, {"small_org": 1e6})
    books.add_visit("small", "yellow", admitted=False)
    books.add_visit("small", "red", admitted=True)
    books.add_staff_hours("small", "seh_physician", 10.0)
    rows = books.close_month("2026-01")
    small = next(r for r in rows if r.site_id == "small")
    share = 31 / 365
    assert small.revenue_dbc_visits_eur == pytest.approx(270.0 + 600.0)
    assert small.revenue_dbc_admissions_eur == pytest.approx(1_700.0)
    assert small.cost_staff_eur == pytest.approx(1_150.0)
    assert small.cost_fixed_eur == pytest.approx(2.8e6 * share)
    assert small.cost_variable_eur == pytest.approx(180.0)
    assert small.margin_eur == pytest.approx(small.revenue_eur - small.cost_eur)
    assert (small.n_visits, small.n_admissions) == (2, 1)
    org_rows = [r for r in rows if r.site_id is None]
    assert {r.organisation for r in org_rows} == {"large_org", "two_site_org", "small_org"}
    expected = 1e6 + sum(r.margin_eur for r in rows if r.organisation == "small_org")
    assert books.reserves_eur("small_org") == pytest.approx(expected)


def test_books_use_the_regime_in_force_at_month_start() -> None:
    schedule = RegimeSchedule(fee(), ((dt.date(2027, 1, 1), budget()),))
    books = FinanceBooks(schedule, SITES, COSTS)
    dec = books.close_month("2026-12")
    jan = books.close_month("2027-01")
    assert {r.regime for r in dec} == {"fee-per-dbc"}
    assert {r.regime for r in jan} == {"fixed-budget"}
    big = next(r for r in jan if r.site_id == "big")
    assert big.revenue_budget_eur == pytest.approx(4.6e6 * 31 / 365)
    cut = next(r for r in jan if r.organisation == "small_org" and r.site_id is None)
    assert cut.revenue_schoning_other_eur < 0.0


def test_closed_site_has_no_fixed_cost_or_budget() -> None:
    books = FinanceBooks(RegimeSchedule(budget()), SITES, COSTS)
    rows = books.close_month("2027-03", open_hours_share_by_site={"small": 0.0})
    small = next(r for r in rows if r.site_id == "small")
    assert small.cost_fixed_eur == 0.0
    assert small.revenue_budget_eur == 0.0


def test_books_quarters_and_year_figures() -> None:
    books = FinanceBooks(RegimeSchedule(fee()), SITES, COSTS)
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        books.add_visit("big", "green", admitted=False)
        books.close_month(month)
    quarters = books.quarterly_margins_eur("big")
    assert len(quarters) == 1  # the second quarter is not complete
    assert quarters[0] < 0.0
    assert len(books.organisation_quarterly_margins_eur("large_org")) == 1
    figures = books.year_figures("big")
    assert figures.cost_fixed_eur_per_year == pytest.approx(2.8e6)
    assert figures.revenue_dbc_eur_per_year > 0.0


def test_books_reject_bad_events() -> None:
    books = FinanceBooks(RegimeSchedule(fee()), SITES, COSTS)
    with pytest.raises(ValueError, match="no cost per staffed hour for role 'porter'"):
        books.add_staff_hours("big", "porter", 1.0)
    with pytest.raises(ValueError, match="'clinic' is not an SEH site"):
        books.add_visit("clinic", "red", admitted=False)
    with pytest.raises(ValueError, match="unknown MTS colour"):
        books.add_visit("big", "pink", admitted=False)
    books.close_month("2026-01")
    with pytest.raises(ValueError, match="already closed"):
        books.close_month("2026-01")


def test_books_need_fixed_cost_for_every_seh() -> None:
    costs = CostRates({"seh_nurse": 1.0}, {"big": 1.0}, 0.0)
    with pytest.raises(ValueError, match="no fixed cost"):
        FinanceBooks(RegimeSchedule(fee()), SITES, costs)


def test_baseline_dbc_revenue_with_price_factor() -> None:
    visits, admissions = baseline_dbc_revenue_eur(TARIFF, BASELINE["big"])
    cut_visits, cut_admissions = baseline_dbc_revenue_eur(TARIFF, BASELINE["big"], price_factor=0.5)
    assert cut_visits == pytest.approx(visits / 2)
    assert cut_admissions == pytest.approx(admissions / 2)
