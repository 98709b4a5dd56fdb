"""Budget funding per SEH location (from 2027), made budget-neutral by schoning."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from acutesim.domain.region import Site
from acutesim.domain.specs import (
    DEFAULT_BUDGET_EUR_PER_YEAR,
    Binding,
    FixedBudgetSpec,
    RegimeSpec,
    Schoning,
    SchoningBase,
)
from acutesim.funding.regimes.base import (
    SCHONING_OTHER,
    BaselineVolume,
    DBCTariff,
    FundingRegime,
    RegimeContext,
    _shares,
    baseline_dbc_revenue_eur,
)
from acutesim.funding.regimes.registry import register
from acutesim.units import HOURS_PER_WEEK


# --- fixed budget (from 2027) ------------------------------------------------------------
class FixedBudget(FundingRegime):
    """Budget funding: a fixed budget per SEH location, made budget-neutral by schoning.

    Every SEH location gets ``budget_eur_per_year``, pro rata for fewer opening hours
    (``opening_hours_per_week / 168``). To keep the reform budget-neutral on the macro
    level, DBC prices are lowered ("schoning") once, on baseline volumes, by the amount
    to clean: the budget less its new-money part (``extra_money_share``, 0 by default)
    less what is exempt (the beschikbaarheidbijdrage the organisation already had):

    * ``hospital``: each organisation lowers its own DBC prices by the share that takes
      its own budget out of its own DBC revenue; at baseline volume every organisation's
      revenue is unchanged (low-volume hospitals lower their prices more);
    * ``total``: all DBC prices are lowered by one common share so that the sum over
      organisations is unchanged; organisations with much DBC revenue pay more and small
      ones gain (a redistribution);
    * ``none``: no national rule; the share ``schoning_none_share`` of each
      organisation's amount is taken out of its own prices in local contracting, and the
      rest comes out of the macro budget as a cut on other care ("Minder budget voor
      overige zorg", NVZ 22 May 2025), spread over every organisation in proportion to
      its other DBC revenue times its bargaining weight. The sum is unchanged.

    The own-price cut is spread over ``schoning_base``: ``organisation`` lowers all DBC
    prices of the organisation, including care outside the modelled SEH tariffs (its
    revenue is ``other_dbc_revenue_eur_per_year_by_org``; the price cut on it is the
    organisation component ``schoning_other``); ``seh`` lowers only the SEH visit and
    admission tariffs (an upper bound of the NZa's concern; prices never go below zero,
    and what cannot be taken out then stays with the hospital as ``schoning_shortfall``).

    ``schoning_persists_on_closure`` says what happens to the cut when a location's
    budget stops (closure, or fewer hours): True keeps the one-off cut (the hospital has
    in effect pre-paid the budget it forfeits); False lets it follow the budget paid, so
    a closure restores the prices by the amount that was cleaned for that location.

    ``binding`` says what happens to the budget when a location closes: ``location``
    (motie Claassen) pays each location its own budget only while it is in operation;
    ``institution`` pays the organisation the sum of its locations' budgets as long as it
    keeps an SEH, so concentrating onto fewer locations keeps the money. Reducing hours
    still costs money: the institution budget is scaled by the opening hours of the
    organisation's best-served location relative to baseline.

    Parameters
    ----------
    sites, tariff, baseline
        See :class:`FundingRegime`.
    budget_eur_per_year : float
        Budget per 24/7 SEH location [EUR/yr].
    schoning : {"hospital", "total", "none"}
        How the budget is made budget-neutral.
    binding : {"location", "institution"}
        Whether the budget belongs to the location or the organisation.
    schoning_none_share : float
        Under ``schoning = "none"``, share of the amount to clean taken out of the
        organisation's own DBC prices; the rest is a cut on other care [0-1].
    schoning_base : {"organisation", "seh"}
        Which DBC revenue the own-price cut is spread over.
    other_dbc_revenue_eur_per_year_by_org : mapping of str to float
        DBC revenue of each organisation outside the modelled SEH tariffs [EUR/yr].
    schoning_exempt_eur_per_year_by_org : mapping of str to float
        Part of each organisation's budget that is not cleaned [EUR/yr].
    extra_money_share : float
        Share of the budget that is new money, not cleaned anywhere [0-1].
    schoning_persists_on_closure : bool
        Whether the price cut stays when a location's budget stops.
    bargaining_weight_by_org : mapping of str to float
        Weight of each organisation in the macro cut on other care under ``none``
        (default 1: in proportion to other DBC revenue) [-].
    sensitive_site_ids, beschikbaarheidbijdrage_eur_per_year,
    beschikbaarheidbijdrage_requires_24_7
        A beschikbaarheidbijdrage paid on top of the budget (a combination regime;
        0 by default, as the budget replaces it).

    References
    ----------
    VWS, nota budgetbekostiging SEH (20 May 2026), EUR 4.6 million per SEH from 2027.
    NVZ, Bijeenkomst Bekostiging en Zorgverkoop (22 May 2025): schoning per hospital or
    in total, with or without a national agreement; no schoning of the part already
    covered by a beschikbaarheidbijdrage; no extra money in the macro budget. Motie
    Claassen c.s. (Kamerstuk 31 765, nr. 927): location-bound rather than
    institution-bound budgets.
    """

    name = "fixed-budget"

    def __init__(
        self,
        sites: Sequence[Site],
        tariff: DBCTariff,
        baseline: Mapping[str, BaselineVolume],
        *,
        budget_eur_per_year: float = DEFAULT_BUDGET_EUR_PER_YEAR,
        schoning: Schoning = "hospital",
        binding: Binding = "location",
        schoning_none_share: float = 0.5,
        schoning_base: SchoningBase = "organisation",
        other_dbc_revenue_eur_per_year_by_org: Mapping[str, float] | None = None,
        schoning_exempt_eur_per_year_by_org: Mapping[str, float] | None = None,
        extra_money_share: float = 0.0,
        schoning_persists_on_closure: bool = True,
        bargaining_weight_by_org: Mapping[str, float] | None = None,
        sensitive_site_ids: Iterable[str] = (),
        beschikbaarheidbijdrage_eur_per_year: float = 0.0,
        beschikbaarheidbijdrage_requires_24_7: bool = True,
    ) -> None:
        super().__init__(
            sites,
            tariff,
            baseline,
            sensitive_site_ids=sensitive_site_ids,
            beschikbaarheidbijdrage_eur_per_year=beschikbaarheidbijdrage_eur_per_year,
            beschikbaarheidbijdrage_requires_24_7=beschikbaarheidbijdrage_requires_24_7,
        )
        if schoning not in ("hospital", "total", "none"):
            raise ValueError(f"schoning must be 'hospital', 'total' or 'none', got {schoning!r}")
        if binding not in ("location", "institution"):
            raise ValueError(f"binding must be 'location' or 'institution', got {binding!r}")
        if schoning_base not in ("organisation", "seh"):
            raise ValueError(
                f"schoning_base must be 'organisation' or 'seh', got {schoning_base!r}"
            )
        if not 0.0 <= schoning_none_share <= 1.0:
            raise ValueError(f"schoning_none_share must be in [0, 1], got {schoning_none_share}")
        if not 0.0 <= extra_money_share <= 1.0:
            raise ValueError(f"extra_money_share must be in [0, 1], got {extra_money_share}")
        if not budget_eur_per_year >= 0:
            raise ValueError(f"budget_eur_per_year must be >= 0, got {budget_eur_per_year}")
        self.budget_eur_per_year = float(budget_eur_per_year)
        self.schoning: Schoning = schoning
        self.binding: Binding = binding
        self.schoning_none_share = float(schoning_none_share)
        self.schoning_base: SchoningBase = schoning_base
        self.extra_money_share = float(extra_money_share)
        self.schoning_persists_on_closure = bool(schoning_persists_on_closure)
        other = dict(other_dbc_revenue_eur_per_year_by_org or {})
        exempt = dict(schoning_exempt_eur_per_year_by_org or {})
        weights = dict(bargaining_weight_by_org or {})
        for label, table in (
            ("other DBC revenue", other),
            ("schoning exemption", exempt),
            ("bargaining weight", weights),
        ):
            unknown = sorted(set(table) - set(self._sites_by_org))
            if unknown:
                raise ValueError(f"{label}: unknown organisation(s) {unknown}")
            if any(not v >= 0 for v in table.values()):
                raise ValueError(f"{label}: values must be >= 0, got {table}")
        self._other = {o: other.get(o, 0.0) for o in self._sites_by_org}
        self._exempt = {o: exempt.get(o, 0.0) for o in self._sites_by_org}
        self._weight = {o: weights.get(o, 1.0) for o in self._sites_by_org}
        self._budget_by_site = {
            s.site_id: self.budget_eur_per_year * s.opening_hours_per_week / HOURS_PER_WEEK
            for s in self._sites.values()
        }
        self._price_base = {
            org: sum(
                sum(baseline_dbc_revenue_eur(self._tariff, self._baseline[s])) for s in site_ids
            )
            + (self._other[org] if self.schoning_base == "organisation" else 0.0)
            for org, site_ids in self._sites_by_org.items()
        }
        full = {
            o: sum(self._budget_by_site[s] for s in ids) for o, ids in self._sites_by_org.items()
        }
        self._full_cuts = self._cuts(full)
        self._share_by_org, self._macro_by_org, self._shortfall_by_org = self._full_cuts

    # -- schoning ---------------------------------------------------------------------
    def _cuts(
        self, paid_by_org: Mapping[str, float]
    ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """Own price cut per organisation [0-1], macro cut on other care and shortfall [EUR/yr].

        Parameters
        ----------
        paid_by_org : mapping of str to float
            Budget paid to each organisation per year [EUR/yr] (all locations in
            operation when the schoning is set; the budget still paid when it reverts).
        """
        base = self._price_base
        to_clean = {
            o: max(0.0, paid_by_org[o] * (1.0 - self.extra_money_share) - self._exempt[o])
            for o in base
        }
        macro = dict.fromkeys(base, 0.0)
        shortfall = dict.fromkeys(base, 0.0)
        if self.schoning == "total":
            total_base = sum(base.values())
            if total_base > 0:
                share = dict.fromkeys(base, sum(to_clean.values()) / total_base)
            else:
                share, shortfall = dict.fromkeys(base, 0.0), dict(to_clean)
        else:
            own = self.schoning_none_share if self.schoning == "none" else 1.0
            own_eur = {o: own * v for o, v in to_clean.items()}
            share = {o: own_eur[o] / base[o] if base[o] > 0 else 0.0 for o in base}
            shortfall = {o: 0.0 if base[o] > 0 else own_eur[o] for o in base}
            if self.schoning == "none":
                rest = sum(to_clean.values()) - sum(own_eur.values())
                weighted = {o: self._other[o] * self._weight[o] for o in base}
                total_weighted = sum(weighted.values())
                if total_weighted > 0:
                    macro = {o: rest * w / total_weighted for o, w in weighted.items()}
                else:  # no other care to cut: the rest stays with the hospitals
                    shortfall = {o: shortfall[o] + to_clean[o] - own_eur[o] for o in base}
        clamped = {o: min(1.0, s) for o, s in share.items()}
        for o in base:
            shortfall[o] += (share[o] - clamped[o]) * base[o]
        return clamped, macro, shortfall

    def _cuts_at(
        self, open_hours_share_by_site: Mapping[str, float] | None
    ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """The cuts in force: fixed when the cut persists, else following the budget paid."""
        if self.schoning_persists_on_closure or not open_hours_share_by_site:
            return self._full_cuts
        shares = _shares(open_hours_share_by_site)
        if all(v >= 1.0 for v in shares.values()):
            return self._full_cuts
        paid = {
            o: sum(self._budget_share_eur_per_year(s, shares) for s in ids)
            for o, ids in self._sites_by_org.items()
        }
        return self._cuts(paid)

    @property
    def budget_eur_per_year_by_site(self) -> Mapping[str, float]:
        """Budget of every SEH location at its planned opening hours [EUR/yr]."""
        return dict(self._budget_by_site)

    @property
    def schoning_share_by_org(self) -> Mapping[str, float]:
        """Share by which every DBC price of each organisation is lowered [0-1]."""
        return dict(self._share_by_org)

    @property
    def macro_cut_eur_per_year_by_org(self) -> Mapping[str, float]:
        """Cut on each organisation's other care from the macro part of ``none`` [EUR/yr]."""
        return dict(self._macro_by_org)

    @property
    def schoning_shortfall_eur_per_year_by_org(self) -> Mapping[str, float]:
        """Amount that should have been cleaned but could not be [EUR/yr].

        Non-zero only when a price cut would exceed 100% (possible with
        ``schoning_base = "seh"``) or when ``none`` finds no other care to cut; budget
        neutrality then fails by this amount.
        """
        return dict(self._shortfall_by_org)

    def price_factor(
        self, site_id: str, open_hours_share_by_site: Mapping[str, float] | None = None
    ) -> float:
        """Return ``1 - schoning share`` of the site's organisation [-]."""
        org = self._site(site_id).organisation
        return 1.0 - self._cuts_at(open_hours_share_by_site)[0][org]

    def organisation_periodic_eur(
        self,
        organisation: str,
        *,
        year_share: float,
        open_hours_share_by_site: Mapping[str, float] | None = None,
    ) -> dict[str, float]:
        """Return the price cut on the organisation's other DBC revenue [EUR] (negative).

        It holds the own-price cut on care outside the modelled SEH tariffs (schoning
        base ``organisation``) and, under ``none``, the organisation's part of the macro
        cut on other care.
        """
        if organisation not in self._sites_by_org:
            return {SCHONING_OTHER: 0.0}
        share, macro, _ = self._cuts_at(open_hours_share_by_site)
        own = share[organisation] * self._other[organisation]
        if self.schoning_base != "organisation":
            own = 0.0
        return {SCHONING_OTHER: -year_share * (own + macro[organisation])}

    # -- budget -----------------------------------------------------------------------
    def _budget_share_eur_per_year(self, site_id: str, shares: Mapping[str, float]) -> float:
        if self.binding == "location":
            return self._budget_by_site[site_id] * shares.get(site_id, 1.0)
        org = self._org_by_site[site_id]
        site_ids = self._sites_by_org[org]
        # Coverage: opening hours of the organisation's best-served location relative to
        # a 24/7 SEH, against the same at baseline. Keeping one location 24/7 keeps the
        # whole institution budget; reducing every location's hours reduces it pro rata.
        coverage = max(shares.get(s, 1.0) * self._sites[s].opening_hours_per_week for s in site_ids)
        planned = max(self._sites[s].opening_hours_per_week for s in site_ids)
        paid = sum(self._budget_by_site[s] for s in site_ids) * min(1.0, coverage / planned)
        # Allocate over the locations in operation, in proportion to their own budgets.
        weights = {s: self._budget_by_site[s] * shares.get(s, 1.0) for s in site_ids}
        total = sum(weights.values())
        return paid * weights[site_id] / total if total > 0 else 0.0


@register(FixedBudgetSpec)
def build_fixed_budget(spec: RegimeSpec, context: RegimeContext) -> FundingRegime:
    """Build :class:`FixedBudget` from its spec.

    The schoning leaves out the beschikbaarheidbijdrage a sensitive SEH already had
    (``schoning_exempt_eur_per_sensitive_seh``, per sensitive SEH of the organisation)
    when ``schoning_exempts_beschikbaarheidbijdrage`` is set.
    """
    assert isinstance(spec, FixedBudgetSpec)
    org_by_site = context.organisation_by_site
    with_seh = set(org_by_site.values())
    exempt: dict[str, float] = {}
    if spec.schoning_exempts_beschikbaarheidbijdrage:
        for s in context.sensitive_site_ids:
            org = org_by_site[s]
            exempt[org] = exempt.get(org, 0.0) + spec.schoning_exempt_eur_per_sensitive_seh
    on_top = spec.beschikbaarheidbijdrage_eur_per_year
    return FixedBudget(
        context.sites,
        context.tariff,
        context.baseline,
        budget_eur_per_year=spec.budget_eur_per_year,
        schoning=spec.schoning,
        binding=spec.binding,
        schoning_none_share=spec.schoning_none_share,
        schoning_base=spec.schoning_base,
        other_dbc_revenue_eur_per_year_by_org={
            o: v for o, v in context.other_dbc_revenue_eur_per_year_by_org.items() if o in with_seh
        },
        schoning_exempt_eur_per_year_by_org=exempt,
        extra_money_share=spec.extra_money_share,
        schoning_persists_on_closure=spec.schoning_persists_on_closure,
        bargaining_weight_by_org={
            o: v for o, v in context.bargaining_weight_by_org.items() if o in with_seh
        },
        sensitive_site_ids=context.sensitive_site_ids if on_top else (),
        beschikbaarheidbijdrage_eur_per_year=on_top,
        beschikbaarheidbijdrage_requires_24_7=spec.beschikbaarheidbijdrage_requires_24_7,
    )
