"""Monthly books of every hospital organisation and SEH: revenue, cost and margin.

The simulation tells the books what happened (a visit of a given MTS colour, admitted
or not; staffed roster hours per role) and closes each month. Closing values the month
through the funding regime in force on its first day, adds the periodic payments
(budget, beschikbaarheidbijdrage) and the costs (staff hours at a rate per role, fixed
cost per SEH, variable cost per patient), and returns tidy rows, one per SEH site and one
per organisation for organisation-wide components. The books also carry each
organisation's reserves and the quarterly margins the board reviews.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from acutesim.domain.region import MTS_COLOURS, Site
from acutesim.funding.behaviour import (
    BoardBehaviour,
    SEHYearFigures,
    SubstitutionBehaviour,
    VolmeldingBehaviour,
)
from acutesim.funding.regimes import (
    BESCHIKBAARHEIDBIJDRAGE,
    BUDGET,
    SCHONING_OTHER,
    FixedBudget,
    RegimeSchedule,
    month_year_share,
    parse_month_key,
)

MONTHS_PER_QUARTER = 3


@dataclass(frozen=True)
class CostRates:
    """What an SEH costs: staff per staffed hour, fixed cost per year, cost per patient.

    Parameters
    ----------
    staff_eur_per_hour_by_role : mapping of str to float
        Cost of one staffed hour per roster role (``seh_physician``, ``seh_nurse``,
        ``hap_gp``) [EUR/h].
    fixed_eur_per_year_by_site : mapping of str to float
        Fixed cost of each SEH (material, capital, back-up specialists, support) while
        it is in operation [EUR/yr].
    variable_eur_per_patient : float
        Consumables, laboratory and imaging per SEH visit [EUR/visit].
    locum_premium_share : float
        Extra cost of a staffed hour worked by a locum (filling a vacancy), as a share
        of the role's normal cost per staffed hour [-]; 0 prices a locum like staff.
    """

    staff_eur_per_hour_by_role: Mapping[str, float]
    fixed_eur_per_year_by_site: Mapping[str, float]
    variable_eur_per_patient: float
    locum_premium_share: float = 0.0

    def __post_init__(self) -> None:
        bad = {r: v for r, v in self.staff_eur_per_hour_by_role.items() if not v >= 0}
        if bad:
            raise ValueError(f"staff cost per hour must be >= 0 EUR/h, got {bad}")
        bad = {s: v for s, v in self.fixed_eur_per_year_by_site.items() if not v >= 0}
        if bad:
            raise ValueError(f"fixed cost must be >= 0 EUR/yr, got {bad}")
        if not self.variable_eur_per_patient >= 0:
            raise ValueError("variable_eur_per_patient must be >= 0 EUR")
        if not (self.locum_premium_share >= 0 and math.isfinite(self.locum_premium_share)):
            raise ValueError(
                f"locum_premium_share must be finite and >= 0, got {self.locum_premium_share}"
            )


@dataclass(frozen=True)
class MonthlyBook:
    """One row of the finance table: an SEH site (or an organisation) in one month.

    ``site_id`` is None for the organisation row, which carries the organisation-wide
    components (the schoning on care outside the modelled SEH tariffs). The sum of the
    rows of an organisation is its result for the month. Money in EUR, not rounded.
    ``month_share`` is the part of the month that was simulated (d/D for d of its D
    days); every fixed line of the row is that share of a full month's.
    """

    organisation: str
    site_id: str | None
    month: str
    regime: str
    revenue_eur: float
    cost_eur: float
    margin_eur: float
    revenue_dbc_visits_eur: float = 0.0
    revenue_dbc_admissions_eur: float = 0.0
    revenue_budget_eur: float = 0.0
    revenue_beschikbaarheidbijdrage_eur: float = 0.0
    revenue_schoning_other_eur: float = 0.0
    cost_staff_eur: float = 0.0
    cost_fixed_eur: float = 0.0
    cost_variable_eur: float = 0.0
    n_visits: int = 0
    n_admissions: int = 0
    staff_hours: float = 0.0
    month_share: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        """Return the row as a plain dict (column name -> value)."""
        return asdict(self)


@dataclass
class _SiteMonth:
    visits: dict[tuple[str, bool], int] = field(default_factory=dict)
    staff_hours_by_role: dict[str, float] = field(default_factory=dict)
    locum_hours_by_role: dict[str, float] = field(default_factory=dict)


class FinanceBooks:
    """Accumulates events per SEH site and closes them into monthly books.

    Parameters
    ----------
    schedule : RegimeSchedule
        Funding regimes over time; a month is valued with the regime in force on its
        first day (the 2027 reform starts on 1 January).
    sites : sequence of Site
        Hospital sites; only sites with an SEH are booked.
    costs : CostRates
        Cost rates.
    reserves_eur_by_org : mapping of str to float
        Reserves of every organisation at the start [EUR]; margins are added each month.

    Examples
    --------
    >>> books.add_visit("kust", "yellow", admitted=True)  # doctest: +SKIP
    >>> books.add_staff_hours("kust", "seh_physician", 8.0)  # doctest: +SKIP
    >>> rows = books.close_month("2027-01")  # doctest: +SKIP
    """

    def __init__(
        self,
        schedule: RegimeSchedule,
        sites: Sequence[Site],
        costs: CostRates,
        reserves_eur_by_org: Mapping[str, float] | None = None,
    ) -> None:
        self._schedule = schedule
        seh_sites = [s for s in sites if s.has_seh]
        self._org_by_site = {s.site_id: s.organisation for s in seh_sites}
        self._orgs = tuple(dict.fromkeys(s.organisation for s in seh_sites))
        self._costs = costs
        missing = sorted(set(self._org_by_site) - set(costs.fixed_eur_per_year_by_site))
        if missing:
            raise ValueError(f"CostRates: no fixed cost for SEH site(s) {missing}")
        reserves = dict(reserves_eur_by_org or {})
        self._reserves = {o: float(reserves.get(o, 0.0)) for o in self._orgs}
        self._open = {s: _SiteMonth() for s in self._org_by_site}
        self._closed_months: list[str] = []
        self._rows: list[MonthlyBook] = []
        self._margin_by_site_month: dict[str, dict[str, float]] = {s: {} for s in self._org_by_site}
        self._margin_by_org_month: dict[str, dict[str, float]] = {o: {} for o in self._orgs}

    # -- feeding events ---------------------------------------------------------------
    def _month(self, site_id: str) -> _SiteMonth:
        try:
            return self._open[site_id]
        except KeyError:
            raise ValueError(
                f"books: {site_id!r} is not an SEH site (known: {', '.join(self._open)})"
            ) from None

    def add_visit(self, site_id: str, mts: str, admitted: bool) -> None:
        """Book one SEH visit, and its admission when ``admitted`` is True.

        Parameters
        ----------
        site_id : str
            The SEH that treated the patient.
        mts : str
            MTS colour of the patient.
        admitted : bool
            Whether the visit ends in an admission; books the admission revenue too.
        """
        if mts not in MTS_COLOURS:
            raise ValueError(f"books: unknown MTS colour {mts!r} (known: {', '.join(MTS_COLOURS)})")
        month = self._month(site_id)
        key = (mts, bool(admitted))
        month.visits[key] = month.visits.get(key, 0) + 1

    def add_staff_hours(
        self, site_id: str, role: str, hours: float, *, locum_share: float = 0.0
    ) -> None:
        """Book staffed roster hours of one role at an SEH [h].

        Parameters
        ----------
        site_id : str
            The SEH site.
        role : str
            Roster role with a rate in :class:`CostRates` (``seh_physician`` ...).
        hours : float
            Staffed hours [h] (staff present, after vacancies and absence).
        locum_share : float
            Share of these hours worked by locums filling vacancies [0-1]; they cost
            ``1 + CostRates.locum_premium_share`` times the normal rate.
        """
        if role not in self._costs.staff_eur_per_hour_by_role:
            known = ", ".join(sorted(self._costs.staff_eur_per_hour_by_role))
            raise ValueError(f"books: no cost per staffed hour for role {role!r} (known: {known})")
        if not (hours >= 0 and math.isfinite(hours)):
            raise ValueError(f"books: staff hours must be finite and >= 0, got {hours}")
        if not 0.0 <= locum_share <= 1.0:
            raise ValueError(f"books: locum_share must be in [0, 1], got {locum_share}")
        month = self._month(site_id)
        month.staff_hours_by_role[role] = month.staff_hours_by_role.get(role, 0.0) + hours
        if locum_share > 0.0:
            locum = hours * locum_share
            month.locum_hours_by_role[role] = month.locum_hours_by_role.get(role, 0.0) + locum

    # -- closing a month --------------------------------------------------------------
    def close_month(
        self,
        month_key: str,
        *,
        open_hours_share_by_site: Mapping[str, float] | None = None,
        month_share: float = 1.0,
        round_the_clock_share_by_site: Mapping[str, float] | None = None,
    ) -> list[MonthlyBook]:
        """Value the month's events and periodic payments, and start a new month.

        Parameters
        ----------
        month_key : str
            ``YYYY-MM`` of the month being closed (``Calendar.month_key``).
        open_hours_share_by_site : mapping of str to float, optional
            Share of each SEH's planned opening hours in the simulated part of the
            month during which it was in operation [0-1]; sites not given count as
            fully in operation. A site with share 0 incurs no fixed cost and gets no
            periodic payments.
        month_share : float
            Part of the month that was simulated (d/D for d of its D days) [0-1]: the
            fixed cost, the periodic payments and the schoning on other care are that
            share of a full month's (the first and last month of a run are partial).
        round_the_clock_share_by_site : mapping of str to float, optional
            Share of the simulated part of the month each SEH was open around the clock
            [0-1] (the beschikbaarheidbijdrage may require it).

        Returns
        -------
        list of MonthlyBook
            One row per SEH site, then one row per organisation (``site_id`` None), in
            pack order.
        """
        year, month = parse_month_key(month_key)
        if month_key in self._closed_months:
            raise ValueError(f"books: month {month_key} is already closed")
        if not 0.0 <= month_share <= 1.0:
            raise ValueError(f"books: month_share must be in [0, 1], got {month_share}")
        regime = self._schedule.regime_at(dt.date(year, month, 1))
        year_share = month_year_share(month_key) * month_share
        shares = dict(open_hours_share_by_site or {})
        periodic = regime.periodic_by_site_eur(
            year_share=year_share,
            open_hours_share_by_site=shares,
            round_the_clock_share_by_site=round_the_clock_share_by_site,
        )
        rows: list[MonthlyBook] = []
        for site_id, org in self._org_by_site.items():
            acc = self._open[site_id]
            visits_eur = 0.0
            admissions_eur = 0.0
            n_visits = 0
            n_admissions = 0
            for (mts, admitted), n in acc.visits.items():
                n_visits += n
                visits_eur += n * regime.visit_revenue_eur(
                    site_id, mts, admitted, open_hours_share_by_site=shares
                )
                if admitted:
                    n_admissions += n
            admissions_eur = n_admissions * regime.admission_revenue_eur(
                site_id, open_hours_share_by_site=shares
            )
            staff_eur = sum(
                h * self._costs.staff_eur_per_hour_by_role[r]
                for r, h in acc.staff_hours_by_role.items()
            )
            if acc.locum_hours_by_role:
                staff_eur += self._costs.locum_premium_share * sum(
                    h * self._costs.staff_eur_per_hour_by_role[r]
                    for r, h in acc.locum_hours_by_role.items()
                )
            in_operation = shares.get(site_id, 1.0) > 0.0
            fixed_eur = (
                self._costs.fixed_eur_per_year_by_site[site_id] * year_share
                if in_operation
                else 0.0
            )
            variable_eur = n_visits * self._costs.variable_eur_per_patient
            budget = periodic[site_id].get(BUDGET, 0.0)
            bb = periodic[site_id].get(BESCHIKBAARHEIDBIJDRAGE, 0.0)
            revenue = visits_eur + admissions_eur + budget + bb
            cost = staff_eur + fixed_eur + variable_eur
            rows.append(
                MonthlyBook(
                    organisation=org,
                    site_id=site_id,
                    month=month_key,
                    regime=regime.name,
                    revenue_eur=revenue,
                    cost_eur=cost,
                    margin_eur=revenue - cost,
                    revenue_dbc_visits_eur=visits_eur,
                    revenue_dbc_admissions_eur=admissions_eur,
                    revenue_budget_eur=budget,
                    revenue_beschikbaarheidbijdrage_eur=bb,
                    cost_staff_eur=staff_eur,
                    cost_fixed_eur=fixed_eur,
                    cost_variable_eur=variable_eur,
                    n_visits=n_visits,
                    n_admissions=n_admissions,
                    staff_hours=sum(acc.staff_hours_by_role.values()),
                    month_share=month_share,
                )
            )
        for org in self._orgs:
            other = regime.organisation_periodic_eur(
                org, year_share=year_share, open_hours_share_by_site=shares
            )
            schoning_other = other.get(SCHONING_OTHER, 0.0)
            rows.append(
                MonthlyBook(
                    organisation=org,
                    site_id=None,
                    month=month_key,
                    regime=regime.name,
                    revenue_eur=schoning_other,
                    cost_eur=0.0,
                    margin_eur=schoning_other,
                    revenue_schoning_other_eur=schoning_other,
                    month_share=month_share,
                )
            )
        for row in rows:
            self._reserves[row.organisation] += row.margin_eur
            org_months = self._margin_by_org_month[row.organisation]
            org_months[month_key] = org_months.get(month_key, 0.0) + row.margin_eur
            if row.site_id is not None:
                self._margin_by_site_month[row.site_id][month_key] = row.margin_eur
        self._open = {s: _SiteMonth() for s in self._org_by_site}
        self._closed_months.append(month_key)
        self._rows.extend(rows)
        return rows

    # -- what the board reads ---------------------------------------------------------
    @property
    def rows(self) -> tuple[MonthlyBook, ...]:
        """Every row closed so far, in closing order."""
        return tuple(self._rows)

    def reserves_eur(self, organisation: str) -> float:
        """Return an organisation's reserves after the months closed so far [EUR]."""
        return self._reserves[organisation]

    def quarterly_margins_eur(self, site_id: str) -> tuple[float, ...]:
        """Return the SEH's margin per complete calendar quarter, oldest first [EUR].

        A quarter counts once its three months are closed; the organisation row (the
        schoning on other care) is not attributed to the SEH.
        """
        return _quarters(self._margin_by_site_month[site_id])

    def organisation_quarterly_margins_eur(self, organisation: str) -> tuple[float, ...]:
        """Return the organisation's margin per complete calendar quarter, oldest first [EUR]."""
        return _quarters(self._margin_by_org_month[organisation])

    def last_months(self, site_id: str, n_months: int = MONTHS_PER_QUARTER) -> list[MonthlyBook]:
        """Return the SEH's rows of the last ``n_months`` closed months, oldest first."""
        months = set(self._closed_months[-n_months:])
        return [r for r in self._rows if r.site_id == site_id and r.month in months]

    def year_figures(self, site_id: str, n_months: int = MONTHS_PER_QUARTER) -> SEHYearFigures:
        """Return the SEH's last ``n_months`` closed months scaled to a year [EUR/yr].

        The input of :func:`acutesim.funding.behaviour.closure_effect`. The scale is
        days of a year over days of the months, so a short February counts fully.
        """
        rows = self.last_months(site_id, n_months)
        covered = sum(month_year_share(r.month) * r.month_share for r in rows)
        scale = 1.0 / covered if covered > 0 else 0.0
        return SEHYearFigures(
            revenue_dbc_eur_per_year=scale
            * sum(r.revenue_dbc_visits_eur + r.revenue_dbc_admissions_eur for r in rows),
            cost_staff_eur_per_year=scale * sum(r.cost_staff_eur for r in rows),
            cost_variable_eur_per_year=scale * sum(r.cost_variable_eur for r in rows),
            cost_fixed_eur_per_year=scale * sum(r.cost_fixed_eur for r in rows),
        )


def _quarters(margin_by_month: Mapping[str, float]) -> tuple[float, ...]:
    by_quarter: dict[tuple[int, int], list[float]] = {}
    for key, margin in margin_by_month.items():
        year, month = parse_month_key(key)
        by_quarter.setdefault((year, (month - 1) // MONTHS_PER_QUARTER), []).append(margin)
    return tuple(sum(v) for _, v in sorted(by_quarter.items()) if len(v) == MONTHS_PER_QUARTER)


@dataclass(frozen=True)
class FundingSetup:
    """Everything the simulation needs for funding and behaviour in one scenario.

    Built by :func:`acutesim.config.funding.build_funding`; plain funding objects, no
    config objects.

    Parameters
    ----------
    schedule : RegimeSchedule
        Funding regimes over time.
    costs : CostRates
        Cost rates of the SEHs.
    reserves_eur_by_org : mapping of str to float
        Reserves of every organisation at the start [EUR].
    volmelding_by_site : mapping of str to VolmeldingBehaviour
        Volmelding parameters per SEH, with the site's reference marginal revenue.
    board : BoardBehaviour
        The boards' decision parameters.
    sensitive_site_ids : frozenset of str
        SEHs sensitive to the 45-minutennorm.
    sites : tuple of Site
        The hospital sites the books cover.
    substitution : SubstitutionBehaviour
        Steering of low-urgency self-referrals to the HAP under a budget (neutral: 0).
    """

    schedule: RegimeSchedule
    costs: CostRates
    reserves_eur_by_org: Mapping[str, float]
    volmelding_by_site: Mapping[str, VolmeldingBehaviour]
    board: BoardBehaviour
    sensitive_site_ids: frozenset[str]
    sites: tuple[Site, ...]
    substitution: SubstitutionBehaviour = field(default_factory=SubstitutionBehaviour)

    def budget_in_force(self, day: dt.date) -> bool:
        """Return whether a fixed-budget regime is in force on a date."""
        return bool(self.schedule.regime_at(day).name == FixedBudget.name)

    def new_books(self) -> FinanceBooks:
        """Return empty books for one replication."""
        return FinanceBooks(self.schedule, self.sites, self.costs, self.reserves_eur_by_org)
