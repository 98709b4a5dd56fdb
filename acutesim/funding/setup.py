"""Build a scenario's funding objects once, from the typed specs of the region and scenario.

``config`` parses ``finance.toml`` into a :class:`~acutesim.domain.specs.FinanceSpec` and
the scenario's ``funding`` and ``behaviour`` tables into a
:class:`~acutesim.domain.specs.FundingSpec` and a
:class:`~acutesim.domain.specs.BehaviourSpec`; :func:`build_funding` turns them, with the
SEHs sensitive to the 45-minutennorm and the baseline volumes, into one
:class:`~acutesim.funding.books.FundingSetup` per task. Every regime phase is built by
its entry in :data:`acutesim.funding.regimes.REGIME_BUILDERS`; a regime spec that occurs
twice (and today's tariffs, the reference of the volmelding thresholds) is built once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from acutesim.domain.region import Region
from acutesim.domain.scenario import Scenario
from acutesim.domain.specs import (
    BehaviourSpec,
    FeePerDBCSpec,
    FinanceSpec,
    FundingSpec,
    RegimeSpec,
    SiteFinanceSpec,
)
from acutesim.errors import ConfigError, did_you_mean
from acutesim.funding.behaviour import (
    BoardBehaviour,
    SubstitutionBehaviour,
    VolmeldingBehaviour,
)
from acutesim.funding.books import CostRates, FundingSetup
from acutesim.funding.regimes import (
    REGIME_BUILDERS,
    BaselineVolume,
    DBCTariff,
    FundingRegime,
    RegimeContext,
    RegimeSchedule,
)
from acutesim.units import HOURS_PER_WEEK


def _subject(region: Region) -> str:
    return f"region pack '{region.pack_path or region.name}'"


def region_finance(region: Region) -> FinanceSpec:
    """Return the region's finance spec.

    Raises
    ------
    ConfigError
        When the pack has no ``finance.toml``.
    """
    if region.finance is None:
        raise ConfigError(
            _subject(region),
            ["has no finance.toml (region.toml [files] finance): funding needs one"],
        )
    return region.finance


def tariff_of(finance: FinanceSpec) -> DBCTariff:
    """Return the finance file's tariffs as a :class:`DBCTariff`."""
    t = finance.tariffs
    return DBCTariff(dict(t.visit_eur), dict(t.admitted_visit_eur), t.admission_eur)


def build_cost_rates(region: Region, finance: FinanceSpec | None = None) -> CostRates:
    """Return the SEHs' cost rates from the region's finance spec.

    Fixed cost per SEH: the site's own value in ``[sites.<id>]``, else the default,
    pro rata to opening hours (``opening_hours_per_week / 168``) unless
    ``fixed_cost_pro_rata_opening_hours = false``.
    """
    spec = finance or region_finance(region)
    fixed: dict[str, float] = {}
    for s in region.seh_sites:
        own = spec.sites.get(s.site_id, SiteFinanceSpec()).fixed_eur_per_year
        if own is not None:
            fixed[s.site_id] = own
            continue
        scale = (
            s.opening_hours_per_week / HOURS_PER_WEEK
            if spec.costs.fixed_cost_pro_rata_opening_hours
            else 1.0
        )
        fixed[s.site_id] = spec.costs.fixed_eur_per_seh_per_year * scale
    return CostRates(
        staff_eur_per_hour_by_role={r: v.eur_per_hour for r, v in spec.staff.items()},
        fixed_eur_per_year_by_site=fixed,
        variable_eur_per_patient=spec.costs.variable_eur_per_patient,
        locum_premium_share=spec.costs.locum_premium_share,
    )


def initial_reserves(region: Region, finance: FinanceSpec | None = None) -> dict[str, float]:
    """Return every organisation's starting reserves [EUR].

    ``finance.toml [organisations.<id>] reserves_eur`` wins over ``region.toml``.
    """
    spec = finance or region_finance(region)
    out: dict[str, float] = {}
    for o in region.organisations:
        own = spec.organisations.get(o.organisation_id)
        reserves = own.reserves_eur if own is not None else None
        out[o.organisation_id] = float(reserves if reserves is not None else o.reserves_eur)
    return out


def sensitive_sites(
    region: Region, funding: FundingSpec, sensitive_site_ids: Iterable[str], scenario: str
) -> frozenset[str]:
    """The SEHs that get the beschikbaarheidbijdrage: ``funding.sensitive_sites`` or the analysis.

    Raises
    ------
    ConfigError
        When ``funding.sensitive_sites`` names a site without an SEH.
    """
    seh_ids = {s.site_id for s in region.seh_sites}
    if funding.sensitive_sites is None:
        return frozenset(s for s in sensitive_site_ids if s in seh_ids)
    problems = [
        f"funding.sensitive_sites: {s!r} is not an SEH site{did_you_mean(s, seh_ids)} "
        f"(known: {', '.join(sorted(seh_ids))})"
        for s in funding.sensitive_sites
        if s not in seh_ids
    ]
    if problems:
        raise ConfigError(f"scenario {scenario!r}", problems)
    return frozenset(funding.sensitive_sites)


def build_regime_schedule(
    region: Region,
    funding: FundingSpec,
    context: RegimeContext,
    *,
    scenario: str = "",
    built: dict[RegimeSpec, FundingRegime] | None = None,
) -> RegimeSchedule:
    """Return the regime phases of a funding spec as a :class:`RegimeSchedule`.

    Parameters
    ----------
    region : Region
        The region (only for messages).
    funding : FundingSpec
        The phases: the first from the start, each later one from its date.
    context : RegimeContext
        Sites, tariffs, baseline volumes, sensitive SEHs and organisation data.
    scenario : str
        Scenario name for messages.
    built : dict, optional
        Regimes already built, keyed by their spec; new ones are added (one object per
        distinct spec).
    """
    cache = built if built is not None else {}
    try:
        regimes = []
        for phase in funding.phases:
            regime = cache.get(phase.regime)
            if regime is None:
                regime = REGIME_BUILDERS[type(phase.regime).regime](phase.regime, context)
                cache[phase.regime] = regime
            regimes.append(regime)
        switches = tuple(
            (phase.start, regime)
            for phase, regime in zip(funding.phases[1:], regimes[1:], strict=True)
            if phase.start is not None
        )
        return RegimeSchedule(regimes[0], switches)
    except ValueError as exc:
        raise ConfigError(f"scenario {scenario!r}", [f"funding: {exc}"]) from None


def build_volmelding_by_site(
    region: Region,
    scenario: Scenario,
    today: FundingRegime,
    behaviour: BehaviourSpec | None = None,
) -> dict[str, VolmeldingBehaviour]:
    """Return the volmelding parameters of every SEH.

    Base thresholds come from ``behaviour.volmelding``, else
    :meth:`Scenario.volmelding_shares` (the scenario's, else the region's). The
    reference marginal revenue of each site is its marginal revenue under today's DBC
    tariffs (``today``, no schoning), unless the knob sets one for all sites.
    """
    spec = (behaviour or scenario.behaviour or BehaviourSpec()).volmelding
    on, off = scenario.volmelding_shares(region.seh)
    try:
        return {
            s.site_id: VolmeldingBehaviour(
                base_on_share=spec.base_on_share if spec.base_on_share is not None else on,
                base_off_share=spec.base_off_share if spec.base_off_share is not None else off,
                sensitivity_per_1000_eur=spec.sensitivity_per_1000_eur,
                reference_marginal_revenue_eur=(
                    spec.reference_marginal_revenue_eur
                    if spec.reference_marginal_revenue_eur is not None
                    else today.marginal_revenue_eur(s.site_id)
                ),
                neutral=spec.neutral,
                min_on_share=spec.min_on_share,
                max_on_share=spec.max_on_share,
                min_off_share=spec.min_off_share,
                min_gap_share=spec.min_gap_share,
            )
            for s in region.seh_sites
        }
    except ValueError as exc:
        raise ConfigError(f"scenario {scenario.name!r}", [f"behaviour.volmelding: {exc}"]) from None


def build_funding(
    region: Region,
    scenario: Scenario,
    sensitive_site_ids: Iterable[str],
    baseline: Mapping[str, BaselineVolume],
) -> FundingSetup:
    """Return everything the simulation needs for funding and behaviour in one scenario.

    Parameters
    ----------
    region : Region
        The region with its finance spec.
    scenario : Scenario
        The scenario with its funding and behaviour specs (None: the defaults).
    sensitive_site_ids : iterable of str
        SEHs sensitive to the 45-minutennorm (``funding.sensitive_sites`` overrides them).
    baseline : mapping of str to BaselineVolume
        Expected baseline volumes per SEH site [visits/yr].

    Raises
    ------
    ConfigError
        When the pack has no finance spec or a regime refuses its parameters.
    """
    finance = region_finance(region)
    funding = scenario.funding or FundingSpec()
    behaviour = scenario.behaviour or BehaviourSpec()
    sensitive = sensitive_sites(region, funding, sensitive_site_ids, scenario.name)
    context = RegimeContext(
        sites=tuple(region.sites),
        tariff=tariff_of(finance),
        baseline=baseline,
        sensitive_site_ids=sensitive,
        other_dbc_revenue_eur_per_year_by_org={
            o: v.other_dbc_revenue_eur_per_year for o, v in finance.organisations.items()
        },
        bargaining_weight_by_org={o: v.bargaining_weight for o, v in finance.organisations.items()},
    )
    built: dict[RegimeSpec, FundingRegime] = {}
    schedule = build_regime_schedule(region, funding, context, scenario=scenario.name, built=built)
    # Today's tariffs without schoning: the reference of the volmelding thresholds. A
    # fee-per-DBC regime earns the same per patient whatever its periodic knobs, so the
    # schedule's own one serves when it has one.
    today = next(
        (r for s, r in built.items() if isinstance(s, FeePerDBCSpec)),
        None,
    ) or REGIME_BUILDERS[FeePerDBCSpec.regime](FeePerDBCSpec(), context)
    return FundingSetup(
        schedule=schedule,
        costs=build_cost_rates(region, finance),
        reserves_eur_by_org=initial_reserves(region, finance),
        volmelding_by_site=build_volmelding_by_site(region, scenario, today, behaviour),
        board=BoardBehaviour(**vars(behaviour.board)),
        sensitive_site_ids=sensitive,
        sites=tuple(region.sites),
        substitution=SubstitutionBehaviour(
            rate=behaviour.substitution.rate, mts=tuple(behaviour.substitution.mts)
        ),
    )
