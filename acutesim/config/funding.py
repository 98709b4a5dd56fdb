"""Validate a scenario's ``funding`` and ``behaviour`` tables and parse them into typed specs.

A scenario chooses its funding in a ``funding`` table, either flat (``regime``, and
``switch_date`` for fee-per-DBC until a date and the budget from it) or as a sequence of
``[[funding.phases]]``, each a ``regime`` with its own knobs and the date it takes effect
(``from``); its contested behaviour is a ``behaviour`` table. This module checks them with
pydantic (unknown keys and knobs of another regime are refused, with a did-you-mean
hint) and returns a :class:`~acutesim.domain.specs.FundingSpec` and a
:class:`~acutesim.domain.specs.BehaviourSpec`, once per scenario;
:mod:`acutesim.funding.setup` builds the funding objects from them. The finance file is
:mod:`acutesim.config.finance` (its names are re-exported here).

Every default cites its source or is marked as an assumption; ``docs/assumptions.md``
lists them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, Field, create_model, model_validator

from acutesim.config import checks
from acutesim.config.finance import (
    FinanceToml,
    parse_finance,
    validate_finance,
)
from acutesim.config.located import StrictModel, parse_model
from acutesim.domain import specs
from acutesim.domain.region import Region, SEHParameters
from acutesim.domain.scenario import Scenario
from acutesim.domain.specs import (
    DEFAULT_BESCHIKBAARHEIDBIJDRAGE_EUR_PER_YEAR,
    DEFAULT_BESCHIKBAARHEIDBIJDRAGE_REQUIRES_24_7,
    DEFAULT_BUDGET_EUR_PER_YEAR,
    DEFAULT_EXTRA_MONEY_SHARE,
    DEFAULT_SCHONING_NONE_SHARE,
    DEFAULT_SCHONING_PERSISTS_ON_CLOSURE,
    DEFAULT_SWITCH_DATE,
    REGIME_SPECS,
    BehaviourSpec,
    BoardSpec,
    FeePerDBCSpec,
    FixedBudgetSpec,
    FundingSpec,
    RegimePhase,
    RegimeSpec,
    SubstitutionSpec,
    VolmeldingSpec,
)
from acutesim.errors import ConfigError, did_you_mean

__all__ = [
    "DEFAULT_BESCHIKBAARHEIDBIJDRAGE_EUR_PER_YEAR",
    "DEFAULT_BESCHIKBAARHEIDBIJDRAGE_REQUIRES_24_7",
    "DEFAULT_BUDGET_EUR_PER_YEAR",
    "DEFAULT_EXTRA_MONEY_SHARE",
    "DEFAULT_SCHONING_NONE_SHARE",
    "DEFAULT_SCHONING_PERSISTS_ON_CLOSURE",
    "DEFAULT_SWITCH_DATE",
    "BehaviourKnobs",
    "FinanceToml",
    "FundingKnobs",
    "behaviour_spec",
    "funding_spec",
    "parse_finance",
    "parse_scenario_tables",
    "resolved_knobs",
    "validate_finance",
    "validate_funding_knobs",
    "validate_funding_pack",
]


# --- the scenario's funding and behaviour tables --------------------------------------------
class FundingKnobs(StrictModel):
    """The scenario ``funding`` table: the regime and its parameters."""

    regime: Literal["fee-per-dbc", "fixed-budget"] = "fee-per-dbc"
    switch_date: dt.date | None = None
    budget_eur_per_year: float = Field(default=DEFAULT_BUDGET_EUR_PER_YEAR, ge=0)
    schoning: Literal["hospital", "total", "none"] = "hospital"
    schoning_none_share: float = Field(default=DEFAULT_SCHONING_NONE_SHARE, ge=0, le=1)
    schoning_base: Literal["organisation", "seh"] = "organisation"
    schoning_exempts_beschikbaarheidbijdrage: bool = True
    extra_money_share: float = Field(default=DEFAULT_EXTRA_MONEY_SHARE, ge=0, le=1)
    schoning_persists_on_closure: bool = DEFAULT_SCHONING_PERSISTS_ON_CLOSURE
    beschikbaarheidbijdrage_requires_24_7: bool = DEFAULT_BESCHIKBAARHEIDBIJDRAGE_REQUIRES_24_7
    binding: Literal["location", "institution"] = "location"
    beschikbaarheidbijdrage_eur_per_year: float = Field(
        default=DEFAULT_BESCHIKBAARHEIDBIJDRAGE_EUR_PER_YEAR, ge=0
    )
    budget_beschikbaarheidbijdrage_eur_per_year: float = Field(default=0.0, ge=0)
    sensitive_sites: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _check(self) -> FundingKnobs:
        if self.switch_date is not None and self.regime == "fee-per-dbc":
            raise ValueError(
                "switch_date needs regime = 'fixed-budget' (fee-per-dbc applies before the date)"
            )
        return self


def _knob_model(cls: type, name: str, **extra: Any) -> type[BaseModel]:
    """A strict pydantic model of a spec dataclass: its fields, types, defaults and bounds.

    Bounds (``ge``, ``gt``, ``le``) come from the fields' metadata, so a knob is declared
    once, in :mod:`acutesim.domain.specs`; ``extra`` adds fields (``regime``, ``from``).
    """
    hints = get_type_hints(cls, vars(specs))
    fields: dict[str, Any] = dict(extra)
    for f in dataclasses.fields(cls):
        fields[f.name] = (hints[f.name], Field(default=f.default, **dict(f.metadata)))
    model: type[BaseModel] = create_model(name, __base__=StrictModel, __doc__=cls.__doc__, **fields)
    return model


#: ``behaviour.volmelding``, ``behaviour.board`` and ``behaviour.substitution``.
VolmeldingKnobs = _knob_model(VolmeldingSpec, "VolmeldingKnobs")
BoardKnobs = _knob_model(BoardSpec, "BoardKnobs")
SubstitutionKnobs = _knob_model(SubstitutionSpec, "SubstitutionKnobs")
#: The scenario ``behaviour`` table.
BehaviourKnobs: type[BaseModel] = create_model(
    "BehaviourKnobs",
    __base__=StrictModel,
    volmelding=(VolmeldingKnobs, Field(default_factory=VolmeldingKnobs)),
    board=(BoardKnobs, Field(default_factory=BoardKnobs)),
    substitution=(SubstitutionKnobs, Field(default_factory=SubstitutionKnobs)),
)


def _parse_behaviour(table: Any, problems: list[str]) -> BehaviourSpec | None:
    """Parse a ``behaviour`` table; the specs check the rules between knobs."""
    knobs = parse_model(BehaviourKnobs, table, "behaviour", problems)
    if knobs is None:
        return None
    values = knobs.model_dump()
    vol = values["volmelding"]
    try:
        # An unset base share is checked against the default of the other one.
        VolmeldingSpec(
            **{
                **vol,
                "base_on_share": vol["base_on_share"] or SEHParameters.volmelding_on_share,
                "base_off_share": vol["base_off_share"] or SEHParameters.volmelding_off_share,
            }
        )
        volmelding = VolmeldingSpec(**vol)
    except ValueError as exc:
        problems.append(f"behaviour.volmelding: {exc}")
        return None
    try:
        board = BoardSpec(**values["board"])
    except ValueError as exc:
        problems.append(f"behaviour.board: {exc}")
        return None
    sub = values["substitution"]
    substitution = SubstitutionSpec(sub["rate"], tuple(sub["mts"]))
    return BehaviourSpec(volmelding, board, substitution, written=dict(table))


def validate_funding_knobs(funding: Mapping[str, Any], behaviour: Mapping[str, Any]) -> list[str]:
    """Return located one-line problems of a scenario's ``funding`` and ``behaviour`` tables.

    Parameters
    ----------
    funding : mapping
        The scenario's ``funding`` table (flat or with ``phases``).
    behaviour : mapping
        The scenario's ``behaviour`` table.

    Returns
    -------
    list of str
        One problem per line, e.g. ``funding: unknown key 'budget_eur_per_yr'; did you
        mean 'budget_eur_per_year'?``; empty when both tables are valid.
    """
    problems: list[str] = []
    if "phases" in funding:
        _parse_phases(funding, problems)
    else:
        parse_model(FundingKnobs, funding, "funding", problems)
    _parse_behaviour(behaviour, problems)
    return problems


# --- typed specs ----------------------------------------------------------------------------
def _subject(region: Region) -> str:
    return f"region pack '{region.pack_path or region.name}'"


# --- funding phases ---------------------------------------------------------------------------
def _phase_model(cls: type[RegimeSpec]) -> type[BaseModel]:
    """A strict model of one regime phase: ``regime``, ``from`` and the regime's own knobs."""
    return _knob_model(
        cls,
        f"{cls.__name__}Phase",
        regime=(Literal[cls.regime], ...),
        start=(dt.date | None, Field(default=None, alias="from")),
    )


_PHASE_MODELS: dict[str, type[BaseModel]] = {n: _phase_model(c) for n, c in REGIME_SPECS.items()}


class _PhasedFunding(StrictModel):
    phases: list[dict[str, Any]] = Field(min_length=1)
    sensitive_sites: tuple[str, ...] | None = None


def _parse_phases(table: Mapping[str, Any], problems: list[str]) -> FundingSpec | None:
    n_before = len(problems)
    flat = [k for k in table if k not in _PhasedFunding.model_fields]
    for k in flat:
        problems.append(
            f"funding.{k}: not allowed next to [[funding.phases]] (give each phase its "
            "'regime', 'from' and knobs; only sensitive_sites is shared)"
        )
    top = parse_model(
        _PhasedFunding, {k: v for k, v in table.items() if k not in flat}, "funding", problems
    )
    if top is None:
        return None
    phases: list[RegimePhase] = []
    for i, raw in enumerate(top.phases):
        where = f"funding.phases[{i}]"
        name = raw.get("regime")
        if name not in REGIME_SPECS:
            problems.append(
                f"{where}.regime: {name!r} is not one of {', '.join(REGIME_SPECS)}"
                f"{did_you_mean(str(name), REGIME_SPECS)}"
            )
            continue
        model = _PHASE_MODELS[name]
        own = {k: v for k, v in raw.items() if k in model.model_fields or k == "from"}
        for k in raw:
            if k in own:
                continue
            other = [n for n, m in _PHASE_MODELS.items() if n != name and k in m.model_fields]
            if other:
                problems.append(
                    f"{where}.{k}: a knob of regime {other[0]!r}, but this phase's regime is "
                    f"{name!r}, which ignores it"
                )
            else:
                known = [f for f in model.model_fields if f != "start"] + ["from"]
                problems.append(f"{where}: unknown key {k!r}{did_you_mean(k, known)}")
        parsed = parse_model(model, own, where, problems)
        if parsed is None:
            continue
        cls = REGIME_SPECS[name]
        values = parsed.model_dump()
        start = values.pop("start")
        del values["regime"]
        phases.append(RegimePhase(cls(**values), start))
    if len(problems) > n_before:
        return None
    try:
        return FundingSpec(tuple(phases), top.sensitive_sites, phased=True, written=dict(table))
    except ValueError as exc:
        problems.append(f"funding.phases: {exc}")
        return None


def _from_flat(k: FundingKnobs) -> FundingSpec:
    """The phases of the flat form: fee-per-DBC, the budget, or the first then the second."""
    fee = FeePerDBCSpec(
        beschikbaarheidbijdrage_eur_per_year=k.beschikbaarheidbijdrage_eur_per_year,
        beschikbaarheidbijdrage_requires_24_7=k.beschikbaarheidbijdrage_requires_24_7,
    )
    if k.regime == "fee-per-dbc":
        return FundingSpec((RegimePhase(fee),), k.sensitive_sites)
    budget = FixedBudgetSpec(
        budget_eur_per_year=k.budget_eur_per_year,
        schoning=k.schoning,
        schoning_none_share=k.schoning_none_share,
        schoning_base=k.schoning_base,
        schoning_exempts_beschikbaarheidbijdrage=k.schoning_exempts_beschikbaarheidbijdrage,
        schoning_exempt_eur_per_sensitive_seh=k.beschikbaarheidbijdrage_eur_per_year,
        extra_money_share=k.extra_money_share,
        schoning_persists_on_closure=k.schoning_persists_on_closure,
        binding=k.binding,
        beschikbaarheidbijdrage_eur_per_year=k.budget_beschikbaarheidbijdrage_eur_per_year,
        beschikbaarheidbijdrage_requires_24_7=k.beschikbaarheidbijdrage_requires_24_7,
    )
    if k.switch_date is None:
        return FundingSpec((RegimePhase(budget),), k.sensitive_sites)
    return FundingSpec((RegimePhase(fee), RegimePhase(budget, k.switch_date)), k.sensitive_sites)


def _to_flat(spec: FundingSpec) -> FundingKnobs:
    """The flat form of a spec made by :func:`_from_flat` (for the manifest's echo)."""
    first = spec.phases[0].regime
    last = spec.phases[-1].regime
    values: dict[str, Any] = {"sensitive_sites": spec.sensitive_sites}
    if isinstance(first, FeePerDBCSpec):
        values["beschikbaarheidbijdrage_eur_per_year"] = first.beschikbaarheidbijdrage_eur_per_year
    if isinstance(last, FixedBudgetSpec):
        values.update(
            regime="fixed-budget",
            switch_date=spec.phases[-1].start,
            budget_eur_per_year=last.budget_eur_per_year,
            schoning=last.schoning,
            schoning_none_share=last.schoning_none_share,
            schoning_base=last.schoning_base,
            schoning_exempts_beschikbaarheidbijdrage=last.schoning_exempts_beschikbaarheidbijdrage,
            extra_money_share=last.extra_money_share,
            schoning_persists_on_closure=last.schoning_persists_on_closure,
            binding=last.binding,
            budget_beschikbaarheidbijdrage_eur_per_year=last.beschikbaarheidbijdrage_eur_per_year,
        )
        values.setdefault(
            "beschikbaarheidbijdrage_eur_per_year", last.schoning_exempt_eur_per_sensitive_seh
        )
    values["beschikbaarheidbijdrage_requires_24_7"] = last.beschikbaarheidbijdrage_requires_24_7
    return FundingKnobs(**values)


def _phased_echo(spec: FundingSpec) -> dict[str, Any]:
    phases = [
        {
            "regime": type(p.regime).regime,
            "from": p.start.isoformat() if p.start is not None else None,
            **dataclasses.asdict(p.regime),
        }
        for p in spec.phases
    ]
    sensitive = list(spec.sensitive_sites) if spec.sensitive_sites is not None else None
    return {"phases": phases, "sensitive_sites": sensitive}


def parse_scenario_tables(
    funding: Mapping[str, Any] | None, behaviour: Mapping[str, Any] | None
) -> tuple[FundingSpec | None, BehaviourSpec | None, list[str]]:
    """Parse a scenario's ``funding`` and ``behaviour`` tables into typed specs, once.

    Unknown keys (with a did-you-mean hint), values out of range and knobs of another
    regime are refused.

    Parameters
    ----------
    funding, behaviour : mapping or None
        The tables as written (after inheritance and the grid); empty or None: absent.

    Returns
    -------
    (FundingSpec or None, BehaviourSpec or None, list of str)
        The specs (None for an absent table, or when it has problems) and the located
        one-line problems.
    """
    problems: list[str] = []
    funding_out: FundingSpec | None = None
    behaviour_out: BehaviourSpec | None = None
    if funding and "phases" in funding:
        funding_out = _parse_phases(funding, problems)
        has_budget = funding_out is not None and any(
            isinstance(p.regime, FixedBudgetSpec) for p in funding_out.phases
        )
        if funding_out is not None and not has_budget:
            problems.extend(
                p for p in checks.check_regime_knobs({}, behaviour) if p.startswith("behaviour.")
            )
    elif funding:
        knobs = parse_model(FundingKnobs, funding, "funding", problems)
        if knobs is not None:
            funding_out = dataclasses.replace(_from_flat(knobs), written=dict(funding))
    if not (funding and "phases" in funding):
        problems.extend(checks.check_regime_knobs(funding or {}, behaviour))
    if behaviour:
        behaviour_out = _parse_behaviour(behaviour, problems)
    return funding_out, behaviour_out, problems


def funding_spec(table: Mapping[str, Any]) -> FundingSpec:
    """Return the spec of one ``funding`` table.

    Raises
    ------
    ConfigError
        With the table's problems.
    """
    spec, _, problems = parse_scenario_tables(table, None)
    if problems or spec is None:
        raise ConfigError("funding", problems or ["empty table"])
    return spec


def behaviour_spec(table: Mapping[str, Any]) -> BehaviourSpec:
    """Return the spec of one ``behaviour`` table (see :func:`funding_spec`)."""
    problems: list[str] = []
    spec = _parse_behaviour(table, problems)
    if spec is None:
        raise ConfigError("behaviour", problems)
    return spec


def resolved_knobs(scenario: Scenario) -> dict[str, Any]:
    """Return every funding and behaviour knob of a scenario, defaults filled in (JSON-ready).

    Written into the results (``manifest.json``, ``funding_knobs``) so that every output
    names the accounting choices and behaviour it was made with. The flat form echoes as
    it always did; ``[[funding.phases]]`` echo as a list of phases.
    """
    funding = scenario.funding
    if funding is None:
        funding_echo = FundingKnobs().model_dump(mode="json")
    elif funding.phased:
        funding_echo = _phased_echo(funding)
    else:
        funding_echo = _to_flat(funding).model_dump(mode="json")
    behaviour = dataclasses.asdict(scenario.behaviour or BehaviourSpec())
    del behaviour["written"]
    return {
        "funding": funding_echo,
        "behaviour": BehaviourKnobs.model_validate(behaviour).model_dump(mode="json"),
    }


def validate_funding_pack(
    region: Region, scenarios: Iterable[Scenario]
) -> tuple[list[str], list[str]]:
    """Check that a pack carries the data its funding scenarios need.

    Parameters
    ----------
    region : Region
        The experiment's region pack.
    scenarios : iterable of Scenario
        The experiment's scenarios; those with a ``funding`` or ``behaviour`` table are
        funding scenarios.

    Returns
    -------
    (list of str, list of str)
        Problems (a funding scenario on a pack without ``finance.toml``) and warnings (no
        gevoelig list: no ``sensitive`` column in ``sites.csv`` and no scenario names the
        sensitive sites, so no SEH gets the beschikbaarheidbijdrage or protection).
    """
    funded = [s for s in scenarios if s.funding is not None or s.behaviour is not None]
    if not funded:
        return [], []
    names = ", ".join(repr(s.name) for s in funded)
    problems: list[str] = []
    warns: list[str] = []
    subject = _subject(region)
    if region.finance is None:
        problems.append(
            f"{subject} has no finance.toml (region.toml [files] finance), but scenario(s) "
            f"{names} set funding or behaviour: add per-organisation finance data "
            "(other DBC revenue, reserves, tariffs); see docs/formats.md"
        )
    has_list = any(s.sensitive is not None for s in region.seh_sites)
    named = all(s.funding is not None and s.funding.sensitive_sites is not None for s in funded)
    if not has_list and not named:
        warns.append(
            f"{subject} has no gevoelig list (sites.csv column 'sensitive'): no SEH gets the "
            "beschikbaarheidbijdrage or protect_sensitive; add the column from RIVM's analysis "
            "(scripts/derive_sensitive.py) or set funding.sensitive_sites"
        )
    return problems, warns
