"""Funding regimes: what a hospital earns for an SEH patient and for keeping an SEH open.

Today a Dutch hospital is paid per DBC (zorgproduct) for every SEH visit and for the
admissions the SEH feeds, and a few SEHs that are sensitive to the 45-minutennorm get a
beschikbaarheidbijdrage on top. From 2027 every SEH location gets a fixed budget of
about EUR 4.6 million a year (pro rata for fewer opening hours), introduced budget-neutral
by lowering ("schoning") DBC prices. A regime here answers four questions: the revenue of
an event (a visit, an admission), the periodic payments of a period (budget,
beschikbaarheidbijdrage), organisation-wide price effects of the schoning, and the
marginal revenue of one more average patient, which drives the contested behaviour in
:mod:`acutesim.funding.behaviour`.

This module holds the common part: tariffs, baseline volumes, the regime interface and
helpers over any regime; each regime has its own module and its builder in
:mod:`acutesim.funding.regimes.registry`.

Sources are listed in ``docs/sources.md``; every number without a source is a named
parameter documented in ``docs/assumptions.md``.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from acutesim.domain.region import MTS_COLOURS, Site

#: Component names of :meth:`FundingRegime.periodic_eur` (per SEH site).
BUDGET = "budget"
BESCHIKBAARHEIDBIJDRAGE = "beschikbaarheidbijdrage"
#: Component name of :meth:`FundingRegime.organisation_periodic_eur` (per organisation):
#: the price cut on the organisation's DBC revenue outside the modelled SEH tariffs.
SCHONING_OTHER = "schoning_other"

_SHARE_TOLERANCE = 1e-6


# --- tariffs and baseline volumes --------------------------------------------------------
@dataclass(frozen=True)
class DBCTariff:
    """DBC revenue per SEH visit by MTS colour and per admission the SEH feeds.

    Parameters
    ----------
    visit_eur_by_mts : mapping of str to float
        Revenue of a visit that ends in discharge, by MTS colour [EUR].
    admitted_visit_eur_by_mts : mapping of str to float
        Revenue of the SEH part of a visit that ends in admission, by MTS colour [EUR].
    admission_eur : float
        Revenue of an admission attributed to the SEH that fed it [EUR]: the part of the
        clinical DBC that the hospital books against the SEH (an assumption; no published
        figure exists, see docs/assumptions.md).
    """

    visit_eur_by_mts: Mapping[str, float]
    admitted_visit_eur_by_mts: Mapping[str, float]
    admission_eur: float

    def __post_init__(self) -> None:
        for name, table in (
            ("visit_eur_by_mts", self.visit_eur_by_mts),
            ("admitted_visit_eur_by_mts", self.admitted_visit_eur_by_mts),
        ):
            missing = [c for c in MTS_COLOURS if c not in table]
            if missing:
                raise ValueError(f"DBCTariff.{name}: no tariff for MTS colour(s) {missing}")
            negative = {c: v for c, v in table.items() if not v >= 0}
            if negative:
                raise ValueError(f"DBCTariff.{name}: tariffs must be >= 0 EUR, got {negative}")
        if not self.admission_eur >= 0:
            raise ValueError(f"DBCTariff.admission_eur must be >= 0 EUR, got {self.admission_eur}")

    def visit_eur(self, mts_colour: str, admitted: bool) -> float:
        """Return the DBC revenue of one visit [EUR].

        Parameters
        ----------
        mts_colour : str
            MTS colour of the patient (``red`` ... ``blue``).
        admitted : bool
            Whether the visit ends in an admission.
        """
        table = self.admitted_visit_eur_by_mts if admitted else self.visit_eur_by_mts
        try:
            return float(table[mts_colour])
        except KeyError:
            raise ValueError(
                f"unknown MTS colour {mts_colour!r} (known: {', '.join(MTS_COLOURS)})"
            ) from None


@dataclass(frozen=True)
class BaselineVolume:
    """Expected patients of one SEH in a year at baseline, with their MTS and admission mix.

    The schoning is computed once, on these volumes: it makes the budget neutral at the
    volume the hospital had when the budget was introduced, not at the volume it has later.
    The mix also weights :meth:`FundingRegime.marginal_revenue_eur`.

    Parameters
    ----------
    site_id : str
        The SEH site.
    visits_per_year : float
        Expected SEH visits per year [visits/yr].
    mts_shares : mapping of str to float
        Share of visits per MTS colour [0-1], summing to 1.
    admission_share_by_mts : mapping of str to float
        Share of visits of each colour that end in an admission [0-1].
    """

    site_id: str
    visits_per_year: float
    mts_shares: Mapping[str, float]
    admission_share_by_mts: Mapping[str, float]

    def __post_init__(self) -> None:
        if not (self.visits_per_year >= 0 and math.isfinite(self.visits_per_year)):
            raise ValueError(
                f"BaselineVolume {self.site_id}: visits_per_year must be a finite number >= 0, "
                f"got {self.visits_per_year}"
            )
        unknown = sorted(set(self.mts_shares) - set(MTS_COLOURS))
        if unknown:
            raise ValueError(f"BaselineVolume {self.site_id}: unknown MTS colour(s) {unknown}")
        total = sum(self.mts_shares.values())
        if abs(total - 1.0) > _SHARE_TOLERANCE or any(v < 0 for v in self.mts_shares.values()):
            raise ValueError(
                f"BaselineVolume {self.site_id}: mts_shares must be >= 0 and sum to 1, "
                f"got sum {total:.6f}"
            )
        for colour in self.mts_shares:
            a = self.admission_share_by_mts.get(colour)
            if a is None or not 0.0 <= a <= 1.0:
                raise ValueError(
                    f"BaselineVolume {self.site_id}: admission share of {colour!r} must be in "
                    f"[0, 1], got {a}"
                )

    @property
    def admission_share(self) -> float:
        """Share of all visits that end in an admission [0-1]."""
        return float(sum(s * self.admission_share_by_mts[c] for c, s in self.mts_shares.items()))

    @property
    def admissions_per_year(self) -> float:
        """Expected admissions per year [admissions/yr]."""
        return self.visits_per_year * self.admission_share

    def visits_per_year_by_kind(self) -> dict[tuple[str, bool], float]:
        """Expected visits per (MTS colour, admitted) per year [visits/yr]."""
        out: dict[tuple[str, bool], float] = {}
        for colour, share in self.mts_shares.items():
            a = self.admission_share_by_mts[colour]
            out[(colour, True)] = self.visits_per_year * share * a
            out[(colour, False)] = self.visits_per_year * share * (1.0 - a)
        return out


def mts_shares_from_routes(
    route_shares: Mapping[str, float], mts_shares_by_route: Mapping[str, Mapping[str, float]]
) -> dict[str, float]:
    """Mix per-route MTS shares into one MTS mix.

    Parameters
    ----------
    route_shares : mapping of str to float
        Share of SEH visits per arrival route [0-1], summing to 1.
    mts_shares_by_route : mapping of str to mapping of str to float
        MTS shares per route [0-1] (``SEHParameters.mts_shares_by_route``).

    Returns
    -------
    dict of str to float
        Share of visits per MTS colour [0-1].
    """
    total = sum(route_shares.values())
    if total <= 0:
        raise ValueError("route_shares must have a positive sum")
    out = dict.fromkeys(MTS_COLOURS, 0.0)
    for route, share in route_shares.items():
        for colour, s in mts_shares_by_route[route].items():
            out[colour] += share / total * s
    return out


def baseline_volumes(
    visits_per_year_by_site: Mapping[str, float],
    mts_shares: Mapping[str, float],
    admission_share_by_mts: Mapping[str, float],
    *,
    mts_shares_by_site: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, BaselineVolume]:
    """Build baseline volumes from expected visits per site per year.

    Parameters
    ----------
    visits_per_year_by_site : mapping of str to float
        Expected SEH visits per site per year at baseline [visits/yr].
    mts_shares : mapping of str to float
        MTS mix of every site without an entry in ``mts_shares_by_site`` [0-1].
    admission_share_by_mts : mapping of str to float
        Admission share per MTS colour [0-1].
    mts_shares_by_site : mapping, optional
        Site-specific MTS mixes [0-1].

    Returns
    -------
    dict of str to BaselineVolume
        Keyed by site id.
    """
    by_site = mts_shares_by_site or {}
    return {
        site_id: BaselineVolume(
            site_id=site_id,
            visits_per_year=float(visits),
            mts_shares=dict(by_site.get(site_id, mts_shares)),
            admission_share_by_mts=dict(admission_share_by_mts),
        )
        for site_id, visits in visits_per_year_by_site.items()
    }


def baseline_dbc_revenue_eur(
    tariff: DBCTariff, volume: BaselineVolume, *, price_factor: float = 1.0
) -> tuple[float, float]:
    """Return the DBC revenue of a baseline year: ``(visits, admissions)`` [EUR/yr].

    Parameters
    ----------
    tariff : DBCTariff
        Tariffs before schoning.
    volume : BaselineVolume
        Expected visits and mix [visits/yr].
    price_factor : float
        Multiplies every tariff (``1 - schoning share``) [-].
    """
    visits = sum(
        n * tariff.visit_eur(colour, admitted)
        for (colour, admitted), n in volume.visits_per_year_by_kind().items()
    )
    admissions = volume.admissions_per_year * tariff.admission_eur
    return price_factor * visits, price_factor * admissions


# --- the regime interface ----------------------------------------------------------------
class FundingRegime(abc.ABC):
    """The small interface every funding regime offers the simulation.

    A regime is built once per scenario from the SEH sites, the tariffs and the baseline
    volumes, and is then queried: revenue per event, periodic payments per period and the
    marginal revenue of one more patient. Regimes are immutable.

    Parameters
    ----------
    sites : sequence of Site
        Hospital sites; only those with an SEH take part.
    tariff : DBCTariff
        DBC tariffs before any schoning.
    baseline : mapping of str to BaselineVolume
        Baseline volume and mix of every SEH site (keyed by site id).
    sensitive_site_ids : iterable of str
        SEHs that receive the beschikbaarheidbijdrage under this regime.
    beschikbaarheidbijdrage_eur_per_year : float
        Beschikbaarheidbijdrage per sensitive SEH [EUR/yr].
    beschikbaarheidbijdrage_requires_24_7 : bool
        The beschikbaarheidbijdrage is paid only for the time a sensitive SEH is open
        around the clock: a day SEH, a night-closed SEH or a closed one gets nothing
        (False: pro rata to the hours in operation, as before).
    """

    name: str = "regime"

    def __init__(
        self,
        sites: Sequence[Site],
        tariff: DBCTariff,
        baseline: Mapping[str, BaselineVolume],
        *,
        sensitive_site_ids: Iterable[str] = (),
        beschikbaarheidbijdrage_eur_per_year: float = 0.0,
        beschikbaarheidbijdrage_requires_24_7: bool = True,
    ) -> None:
        seh_sites = tuple(s for s in sites if s.has_seh)
        self._sites = {s.site_id: s for s in seh_sites}
        missing = sorted(set(self._sites) - set(baseline))
        if missing:
            raise ValueError(f"{self.name}: no baseline volume for SEH site(s) {missing}")
        self._tariff = tariff
        self._baseline = dict(baseline)
        sensitive = frozenset(sensitive_site_ids)
        unknown = sorted(sensitive - set(self._sites))
        if unknown:
            raise ValueError(f"{self.name}: sensitive site(s) {unknown} have no SEH")
        self._sensitive = sensitive
        if not beschikbaarheidbijdrage_eur_per_year >= 0:
            raise ValueError("beschikbaarheidbijdrage_eur_per_year must be >= 0")
        self._bb_eur_per_year = float(beschikbaarheidbijdrage_eur_per_year)
        self.beschikbaarheidbijdrage_requires_24_7 = bool(beschikbaarheidbijdrage_requires_24_7)
        self._org_by_site = {s.site_id: s.organisation for s in seh_sites}
        sites_by_org: dict[str, list[str]] = {}
        for s in seh_sites:
            sites_by_org.setdefault(s.organisation, []).append(s.site_id)
        self._sites_by_org = {o: tuple(ids) for o, ids in sites_by_org.items()}

    # -- look-ups ---------------------------------------------------------------------
    @property
    def organisation_by_site(self) -> Mapping[str, str]:
        """Organisation of every SEH site."""
        return dict(self._org_by_site)

    @property
    def site_ids_by_organisation(self) -> Mapping[str, tuple[str, ...]]:
        """SEH sites of every organisation, in pack order."""
        return dict(self._sites_by_org)

    @property
    def sensitive_site_ids(self) -> frozenset[str]:
        """SEHs that receive the beschikbaarheidbijdrage under this regime."""
        return self._sensitive

    @property
    def tariff(self) -> DBCTariff:
        """DBC tariffs before schoning."""
        return self._tariff

    @property
    def baseline(self) -> Mapping[str, BaselineVolume]:
        """Baseline volumes keyed by site id."""
        return dict(self._baseline)

    def _site(self, site_id: str) -> Site:
        try:
            return self._sites[site_id]
        except KeyError:
            raise ValueError(
                f"{self.name}: {site_id!r} is not an SEH site (known: {', '.join(self._sites)})"
            ) from None

    # -- the interface ----------------------------------------------------------------
    def price_factor(
        self, site_id: str, open_hours_share_by_site: Mapping[str, float] | None = None
    ) -> float:
        """Return the factor on the site's DBC tariffs after schoning [-] (1.0: no schoning).

        Parameters
        ----------
        site_id : str
            The SEH site.
        open_hours_share_by_site : mapping of str to float, optional
            Share of planned hours each SEH is in operation [0-1] (all when omitted);
            matters only when a schoning reverts as locations close.
        """
        self._site(site_id)
        return 1.0

    def visit_revenue_eur(
        self,
        site_id: str,
        mts_colour: str,
        admitted: bool,
        *,
        open_hours_share_by_site: Mapping[str, float] | None = None,
    ) -> float:
        """Return the DBC revenue of one SEH visit [EUR].

        Parameters
        ----------
        site_id : str
            The SEH that treated the patient.
        mts_colour : str
            MTS colour (``red`` ... ``blue``).
        admitted : bool
            Whether the visit ends in an admission (the admission itself is paid by
            :meth:`admission_revenue_eur`).
        open_hours_share_by_site : mapping of str to float, optional
            See :meth:`price_factor`.
        """
        factor = self.price_factor(site_id, open_hours_share_by_site)
        return factor * self._tariff.visit_eur(mts_colour, admitted)

    def admission_revenue_eur(
        self, site_id: str, *, open_hours_share_by_site: Mapping[str, float] | None = None
    ) -> float:
        """Return the revenue of one admission fed by the SEH [EUR]."""
        return self.price_factor(site_id, open_hours_share_by_site) * self._tariff.admission_eur

    def marginal_revenue_eur(self, site_id: str) -> float:
        """Return the revenue of one more average patient at the SEH [EUR].

        The average is over the site's baseline MTS mix and includes the admission
        revenue, weighted by the admission share of each colour: the SEH feeds the
        hospital's admissions, so a patient is worth more than the visit tariff.
        Periodic payments do not depend on the patient and are not included.
        """
        volume = self._baseline[self._site(site_id).site_id]
        total = 0.0
        for colour, share in volume.mts_shares.items():
            a = volume.admission_share_by_mts[colour]
            total += share * (
                (1.0 - a) * self.visit_revenue_eur(site_id, colour, False)
                + a
                * (
                    self.visit_revenue_eur(site_id, colour, True)
                    + self.admission_revenue_eur(site_id)
                )
            )
        return total

    def periodic_eur(
        self,
        site_id: str,
        *,
        year_share: float,
        open_hours_share_by_site: Mapping[str, float] | None = None,
        round_the_clock_share_by_site: Mapping[str, float] | None = None,
    ) -> dict[str, float]:
        """Return the periodic payments to one SEH for a period, by component [EUR].

        Parameters
        ----------
        site_id : str
            The SEH site.
        year_share : float
            Length of the period as a share of a year [0-1]; a month is its days
            divided by the days of its year.
        open_hours_share_by_site : mapping of str to float, optional
            For every SEH site, the share of its planned opening hours in the period
            during which it was in operation (not closed or night-closed by decision)
            [0-1]. Shift closures for lack of staff count as in operation. Sites not
            given count as fully in operation.
        round_the_clock_share_by_site : mapping of str to float, optional
            Share of the period each SEH was open around the clock [0-1]; used for the
            beschikbaarheidbijdrage when it requires 24/7 opening. Sites not given count
            as open around the clock when their open share is 1 and not at all otherwise.

        Returns
        -------
        dict of str to float
            ``{"budget": ..., "beschikbaarheidbijdrage": ...}`` [EUR].
        """
        site = self._site(site_id)
        shares = _shares(open_hours_share_by_site)
        open_share = shares.get(site_id, 1.0)
        if not self.beschikbaarheidbijdrage_requires_24_7:
            bb_share = open_share
        elif not site.is_24_7:
            bb_share = 0.0
        elif round_the_clock_share_by_site is not None and site_id in round_the_clock_share_by_site:
            bb_share = float(round_the_clock_share_by_site[site_id])
        else:
            bb_share = 1.0 if open_share >= 1.0 else 0.0
        return {
            BUDGET: year_share * self._budget_share_eur_per_year(site_id, shares),
            BESCHIKBAARHEIDBIJDRAGE: year_share
            * self._bb_eur_per_year
            * (site_id in self._sensitive)
            * bb_share,
        }

    def organisation_periodic_eur(
        self,
        organisation: str,
        *,
        year_share: float,
        open_hours_share_by_site: Mapping[str, float] | None = None,
    ) -> dict[str, float]:
        """Return organisation-wide periodic components for a period [EUR].

        Under a budget with schoning over the organisation's whole DBC revenue, the price
        cut on care outside the modelled SEH tariffs is booked here (negative revenue).

        Parameters
        ----------
        organisation : str
            The organisation id.
        year_share : float
            Length of the period as a share of a year [0-1].
        open_hours_share_by_site : mapping of str to float, optional
            See :meth:`price_factor`.
        """
        return {SCHONING_OTHER: 0.0}

    def periodic_by_site_eur(
        self,
        *,
        year_share: float,
        open_hours_share_by_site: Mapping[str, float] | None = None,
        round_the_clock_share_by_site: Mapping[str, float] | None = None,
    ) -> dict[str, dict[str, float]]:
        """Return :meth:`periodic_eur` for every SEH site [EUR]."""
        return {
            s: self.periodic_eur(
                s,
                year_share=year_share,
                open_hours_share_by_site=open_hours_share_by_site,
                round_the_clock_share_by_site=round_the_clock_share_by_site,
            )
            for s in self._sites
        }

    @abc.abstractmethod
    def _budget_share_eur_per_year(self, site_id: str, shares: Mapping[str, float]) -> float:
        """Budget paid to one site per year given the open shares [EUR/yr]."""


def _shares(open_hours_share_by_site: Mapping[str, float] | None) -> dict[str, float]:
    shares = dict(open_hours_share_by_site or {})
    bad = {k: v for k, v in shares.items() if not 0.0 <= v <= 1.0}
    if bad:
        raise ValueError(f"open hours shares must be in [0, 1], got {bad}")
    return shares


# --- helpers over any regime ---------------------------------------------------------------
def baseline_revenue_by_org_eur(
    regime: FundingRegime, baseline: Mapping[str, BaselineVolume] | None = None
) -> dict[str, float]:
    """Return every organisation's revenue in a baseline year under a regime [EUR/yr].

    DBC revenue of the baseline visits and admissions at the regime's prices, plus the
    periodic payments with every SEH in operation all year, plus the organisation-wide
    components (the schoning on other care).

    Parameters
    ----------
    regime : FundingRegime
        The regime.
    baseline : mapping of str to BaselineVolume, optional
        Volumes to value; the regime's own baseline when omitted.
    """
    volumes = regime.baseline if baseline is None else baseline
    out: dict[str, float] = {}
    for org, site_ids in regime.site_ids_by_organisation.items():
        total = sum(regime.organisation_periodic_eur(org, year_share=1.0).values())
        for s in site_ids:
            visits, admissions = baseline_dbc_revenue_eur(
                regime.tariff, volumes[s], price_factor=regime.price_factor(s)
            )
            total += visits + admissions + sum(regime.periodic_eur(s, year_share=1.0).values())
        out[org] = total
    return out


def periodic_forfeit_eur_per_year(
    regime: FundingRegime,
    site_id: str,
    *,
    new_open_hours_share: float = 0.0,
    open_hours_share_by_site: Mapping[str, float] | None = None,
) -> float:
    """Return what the organisation loses, beyond the SEH's own patients, if one SEH cuts its hours.

    The periodic payments lost (budget, beschikbaarheidbijdrage), less the prices that
    come back when a schoning reverts with the budget (on the organisation's other care
    and on the baseline DBC revenue of its other SEH locations) [EUR/yr]. With a cut
    that persists the price term is zero.

    Parameters
    ----------
    regime : FundingRegime
        The regime in force.
    site_id : str
        The SEH that closes (``new_open_hours_share = 0``) or closes at night (the share
        of its planned hours it keeps, e.g. 15/24).
    new_open_hours_share : float
        Share of planned opening hours the SEH keeps [0-1].
    open_hours_share_by_site : mapping of str to float, optional
        Current shares of every SEH (default: all in operation) [0-1].

    Returns
    -------
    float
        Net amount lost by the whole organisation [EUR/yr]; zero for an institution-bound
        budget while another location stays 24/7.
    """
    org = regime.organisation_by_site[site_id]
    before = dict(open_hours_share_by_site or {})
    after = {**before, site_id: new_open_hours_share}
    others = [s for s in regime.site_ids_by_organisation[org] if s != site_id]
    dbc_others = {
        s: sum(baseline_dbc_revenue_eur(regime.tariff, regime.baseline[s])) for s in others
    }

    def paid(shares: Mapping[str, float]) -> float:
        periodic = sum(
            sum(regime.periodic_eur(s, year_share=1.0, open_hours_share_by_site=shares).values())
            for s in regime.site_ids_by_organisation[org]
        )
        other_care = sum(
            regime.organisation_periodic_eur(
                org, year_share=1.0, open_hours_share_by_site=shares
            ).values()
        )
        prices = sum(
            dbc_others[s] * shares.get(s, 1.0) * regime.price_factor(s, shares) for s in others
        )
        return periodic + other_care + prices

    return paid(before) - paid(after)


# --- what every regime is built from ---------------------------------------------------------
@dataclass(frozen=True)
class RegimeContext:
    """What every regime is built from besides its own spec (one per scenario and task).

    Parameters
    ----------
    sites : tuple of Site
        Hospital sites; only those with an SEH take part.
    tariff : DBCTariff
        DBC tariffs before any schoning.
    baseline : mapping of str to BaselineVolume
        Baseline volume and mix of every SEH site.
    sensitive_site_ids : frozenset of str
        SEHs sensitive to the 45-minutennorm.
    other_dbc_revenue_eur_per_year_by_org, bargaining_weight_by_org : mapping
        ``finance.toml [organisations.<id>]`` values (organisations without an SEH are
        left out by the builders).
    """

    sites: tuple[Site, ...]
    tariff: DBCTariff
    baseline: Mapping[str, BaselineVolume]
    sensitive_site_ids: frozenset[str] = frozenset()
    other_dbc_revenue_eur_per_year_by_org: Mapping[str, float] = field(default_factory=dict)
    bargaining_weight_by_org: Mapping[str, float] = field(default_factory=dict)

    @property
    def organisation_by_site(self) -> dict[str, str]:
        """Organisation of every SEH site."""
        return {s.site_id: s.organisation for s in self.sites if s.has_seh}
