"""Contested hospital behaviour: when an SEH declares itself full, and when a board closes it.

These are the model's contested assumptions, kept explicit, named and easy to vary in an
experiment. Nothing here asks which regime is in force; behaviour is a function of what
the regime does to the hospital's numbers:

* **volmelding**: the NZa warns that a fixed budget can make a unit declare itself full
  (volmelding) sooner, because an extra patient no longer brings money; the ministry
  answers that for the SEH the effect is smaller than in acute obstetrics, because the
  SEH feeds a large part of the hospital's admissions and thus its revenue. Here the
  thresholds of the SEH status (switch on, switch off, with hysteresis) move with the
  marginal revenue of one more patient, which includes the admission revenue it brings;
  a ``neutral`` setting ignores money altogether.
* **board**: each quarter a board reviews each SEH's margin, the organisation's reserves,
  what closing would save and forfeit, and how often the roster could not be staffed,
  and may close the SEH at night, close it, or reopen it, for a ``financial``, ``staff``
  or ``policy`` reason.

See ``docs/assumptions.md`` ("Contested behaviour") for the positions and the defaults.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from acutesim.domain.region import SEHParameters
from acutesim.domain.specs import BoardSpec, SubstitutionSpec, VolmeldingSpec

Status = Literal["open", "night_closed", "closed"]
Action = Literal["night_closure", "closure", "reopen"]
Reason = Literal["financial", "staff", "policy"]

_STATUS_AFTER: dict[str, Status] = {
    "night_closure": "night_closed",
    "closure": "closed",
    "reopen": "open",
}

EUR_PER_THOUSAND = 1000.0


# --- volmelding --------------------------------------------------------------------------
@dataclass(frozen=True)
class VolmeldingBehaviour(VolmeldingSpec):
    """When an SEH declares itself full (volmelding) and when it lifts it.

    Thresholds are occupancy shares: patients present per physical bay (waiting
    patients included, so shares above 1 are possible). The SEH switches to
    volgemeld when occupancy reaches ``on_share`` and back when it falls to
    ``off_share``; ``off_share < on_share`` always (hysteresis).

    Parameters
    ----------
    base_on_share : float
        Switch-on threshold at the reference marginal revenue [share of capacity].
    base_off_share : float
        Switch-off threshold at the reference marginal revenue [share of capacity].
    sensitivity_per_1000_eur : float
        Change of both thresholds per EUR 1,000 of marginal revenue above the
        reference [share of capacity per EUR 1,000]. Positive: less money per patient,
        earlier volmelding (the NZa's warning). Assumption.
    reference_marginal_revenue_eur : float or None
        Marginal revenue at which the thresholds equal the base ones [EUR]; the
        builder sets it to the site's marginal revenue under today's DBC tariffs. None
        keeps the base thresholds.
    neutral : bool
        Ignore the marginal revenue: thresholds equal the base ones under any regime.
    min_on_share, max_on_share : float
        Clamps of the switch-on threshold [share of capacity].
    min_off_share : float
        Lowest switch-off threshold [share of capacity].
    min_gap_share : float
        Smallest distance between the two thresholds [share of capacity], > 0.
    """

    base_on_share: float = SEHParameters.volmelding_on_share
    base_off_share: float = SEHParameters.volmelding_off_share


def volmelding_thresholds(
    marginal_revenue_eur: float, params: VolmeldingBehaviour
) -> tuple[float, float]:
    """Return the volmelding thresholds ``(on_share, off_share)`` for a marginal revenue.

    Both thresholds move by ``sensitivity_per_1000_eur`` per EUR 1,000 that the marginal
    revenue lies above the reference, so the gap between them is kept; then the on
    threshold is clamped to ``[min_on_share, max_on_share]`` and the off threshold to
    ``[min_off_share, on_share - min_gap_share]``. Hence ``off_share < on_share`` for
    every input.

    Parameters
    ----------
    marginal_revenue_eur : float
        Revenue of one more average patient at this SEH under the regime in force [EUR]
        (:meth:`FundingRegime.marginal_revenue_eur`).
    params : VolmeldingBehaviour
        The behaviour parameters.

    Returns
    -------
    (float, float)
        Switch-on and switch-off thresholds [patients present per bay].
    """
    shift = 0.0
    if not params.neutral and params.reference_marginal_revenue_eur is not None:
        delta = marginal_revenue_eur - params.reference_marginal_revenue_eur
        shift = params.sensitivity_per_1000_eur * delta / EUR_PER_THOUSAND
        if not math.isfinite(shift):
            raise ValueError(f"marginal revenue must be finite, got {marginal_revenue_eur}")
    # The clamps bound the money effect; a base set outside them (e.g. 2.0 to switch
    # volmelding off) stays as it is.
    lo_on = min(params.min_on_share, params.base_on_share)
    hi_on = max(params.max_on_share, params.base_on_share)
    on = min(max(params.base_on_share + shift, lo_on), hi_on)
    lo_off = min(params.min_off_share, params.base_off_share)
    off = min(max(params.base_off_share + shift, lo_off), on - params.min_gap_share)
    return on, off


# --- board decisions ---------------------------------------------------------------------
@dataclass(frozen=True)
class SubstitutionBehaviour:
    """Substitution at a spoedplein: an SEH steers low-urgency self-referrals to the HAP.

    Under a fixed budget an SEH gains nothing from a self-referral of low urgency, so at
    a spoedplein (an SEH with a HAP on its site) it steers a share of them to the HAP
    while the HAP is open. The behaviour acts only while a budget regime is in force;
    ``rate = 0`` is the neutral setting that makes the regime irrelevant.

    Parameters
    ----------
    rate : float
        Share of the eligible self-referrals steered to the HAP [0-1].
    mts : tuple of str
        MTS colours counted as low urgency (default green and blue).
    """

    rate: float = SubstitutionSpec.rate
    mts: tuple[str, ...] = SubstitutionSpec.mts

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"substitution rate must be in [0, 1], got {self.rate}")
        known = ("red", "orange", "yellow", "green", "blue")
        bad = [c for c in self.mts if c not in known]
        if bad:
            raise ValueError(f"substitution mts: unknown colour(s) {bad} (known: {known})")


@dataclass(frozen=True)
class BoardBehaviour(BoardSpec):
    """How a hospital board decides about an SEH at its quarterly review.

    Parameters
    ----------
    enabled : bool
        False switches board decisions off (SEHs only close by scenario).
    loss_quarters : int
        Consecutive loss quarters before a financial closure is considered.
    loss_basis : {"seh", "organisation"}
        Whose losses count: the margin attributable to the SEH, or the whole
        organisation's margin (which carries the schoning on other care).
    reserve_threshold_eur : float
        A financial closure is considered only while the organisation's reserves are
        below this amount [EUR].
    night_closure_first : bool
        Close a 24/7 SEH at night before closing it altogether.
    staff_closed_shift_share_threshold : float
        Share of the quarter's shifts closed for lack of staff at which the board
        closes (at night first) for a ``staff`` reason [0-1].
    reopen_staff_closed_shift_share : float
        An SEH closed for lack of staff reopens when the share of shifts that would be
        unstaffed falls to this level [0-1].
    reopen_after_quarters_in_surplus : int
        An SEH closed for money reopens after this many consecutive quarters in which
        reopening would have made a surplus.
    protect_sensitive : bool
        Never close an SEH sensitive to the 45-minutennorm for financial reasons, and
        reopen one that was (reason ``policy``).
    protect_all : bool
        The same protection for every SEH (the rule announced for all SEHs in 2025).
    min_quarters_between_changes : int
        Quarters an SEH stays in a status before the board changes it again.
    retained_patient_share : float
        Share of a closed SEH's patients that go to another SEH of the same
        organisation, used when valuing a closure [0-1]. Assumption.
    concentrate : bool
        Close (at night first, when that pays) an unprotected SEH whenever closing it
        pays for the organisation as a whole, without waiting for losses or low
        reserves: the concentration incentive (an institution-bound budget keeps the
        money of a closed location, a location-bound one does not). False (the
        default) is the neutral setting: only loss-making SEHs of short-of-cash
        organisations close. Assumption.

    Notes
    -----
    Protection covers financial reasons only: staff shortages can still close a
    protected SEH, because quality of care stays leading.
    """


@dataclass(frozen=True)
class SEHBoardState:
    """What the board knows about one SEH at a quarterly review.

    Parameters
    ----------
    site_id : str
        The SEH site.
    status : {"open", "night_closed", "closed"}
        Current status by decision.
    is_24_7 : bool
        The SEH is planned 24/7 (only then can it close at night).
    margin_history_eur : tuple of float
        Margin attributable to the SEH per complete quarter, oldest first [EUR]
        (:meth:`FinanceBooks.quarterly_margins_eur`).
    reserves_eur : float
        The organisation's reserves [EUR].
    closure_saves_eur_per_year, closure_forfeits_eur_per_year : float
        Avoidable cost and lost revenue (DBC revenue of patients who leave the
        organisation plus periodic payments lost) of closing the SEH [EUR/yr]
        (:func:`closure_effect`).
    night_closure_saves_eur_per_year, night_closure_forfeits_eur_per_year : float
        The same for closing the SEH at night [EUR/yr].
    closed_shift_share : float
        Share of the quarter's shifts that were (or, for a closed part, would have
        been) below minimum staff [0-1].
    is_sensitive : bool
        Closing the SEH puts extra inhabitants beyond the 45-minutennorm.
    closure_reason : {"financial", "staff", "policy"} or None
        Reason of the current night closure or closure; None while open.
    quarters_since_change : int
        Complete quarters since the last status change.
    reopen_margin_history_eur : tuple of float
        While (partly) closed: projected margin of reopening per quarter
        (forfeits minus saves of the closed part, per quarter), oldest first [EUR].
    organisation_margin_history_eur : tuple of float
        The organisation's margin per complete quarter, oldest first [EUR]
        (:meth:`FinanceBooks.organisation_quarterly_margins_eur`); used with
        ``loss_basis = "organisation"``.
    """

    site_id: str
    status: Status
    is_24_7: bool
    margin_history_eur: tuple[float, ...]
    reserves_eur: float
    closure_saves_eur_per_year: float = 0.0
    closure_forfeits_eur_per_year: float = 0.0
    night_closure_saves_eur_per_year: float = 0.0
    night_closure_forfeits_eur_per_year: float = 0.0
    closed_shift_share: float = 0.0
    is_sensitive: bool = False
    closure_reason: Reason | None = None
    quarters_since_change: int = 1_000_000
    reopen_margin_history_eur: tuple[float, ...] = ()
    organisation_margin_history_eur: tuple[float, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A board decision about one SEH: the action, its reason and a one-line explanation."""

    site_id: str
    action: Action
    reason: Reason
    detail: str

    @property
    def new_status(self) -> Status:
        """Status of the SEH after the decision."""
        return _STATUS_AFTER[self.action]


def is_protected(state: SEHBoardState, params: BoardBehaviour) -> bool:
    """Return True when the rule in force forbids closing the SEH for financial reasons."""
    return params.protect_all or (params.protect_sensitive and state.is_sensitive)


def board_decision(state: SEHBoardState, params: BoardBehaviour) -> Decision | None:
    """Return the board's decision about one SEH at a quarterly review, or None.

    Rules, in order (the first that applies wins):

    1. Board decisions off, a closure imposed by the scenario (reason ``policy``) or a
       status changed less than ``min_quarters_between_changes`` quarters ago: None.
    2. A sensitive SEH closed for money while the protection is in force reopens
       (``policy``).
    3. Staff: an SEH in operation whose closed-shift share reaches the threshold
       closes at night first (24/7 SEH, ``night_closure_first``), else closes.
    4. Money: an unprotected SEH in operation with ``loss_quarters`` consecutive
       loss quarters (of the SEH or the organisation, ``loss_basis``) while the
       organisation's reserves are below the threshold closes at night first (when
       that saves more than it forfeits), else closes, but only when closing saves
       more than it forfeits.
    5. Concentration (``concentrate``): an unprotected SEH in operation closes when
       closing saves more than it forfeits for the organisation (at night first, when
       only that pays), whatever its margin and the reserves.
    6. Reopening: an SEH closed for staff reopens once the closed-shift share is at or
       below ``reopen_staff_closed_shift_share``; one closed for money once reopening
       would have made a surplus in ``reopen_after_quarters_in_surplus`` consecutive
       quarters.

    Parameters
    ----------
    state : SEHBoardState
        Quarterly figures of the SEH.
    params : BoardBehaviour
        The board's parameters.

    Returns
    -------
    Decision or None
        The action with its reason, or None to leave the SEH as it is.
    """
    if not params.enabled:
        return None
    if state.status != "open" and state.closure_reason == "policy":
        return None
    if state.quarters_since_change < params.min_quarters_between_changes:
        return None
    protected = is_protected(state, params)
    site = state.site_id

    if state.status != "open" and state.closure_reason == "financial" and protected:
        return Decision(site, "reopen", "policy", "protected SEH closed for money reopens")

    # Staff shortage: quality stays leading, even for a protected SEH.
    if state.closed_shift_share >= params.staff_closed_shift_share_threshold:
        detail = (
            f"{state.closed_shift_share:.0%} of shifts below minimum staff "
            f"(threshold {params.staff_closed_shift_share_threshold:.0%})"
        )
        if state.status == "open" and state.is_24_7 and params.night_closure_first:
            return Decision(site, "night_closure", "staff", detail)
        if state.status != "closed":
            return Decision(site, "closure", "staff", detail)

    # Money.
    if state.status != "closed" and not protected:
        history = (
            state.margin_history_eur
            if params.loss_basis == "seh"
            else state.organisation_margin_history_eur
        )
        recent = history[-params.loss_quarters :]
        losing = len(recent) == params.loss_quarters and all(m < 0 for m in recent)
        if losing and state.reserves_eur < params.reserve_threshold_eur:
            detail = (
                f"{params.loss_quarters} loss quarters, reserves EUR {state.reserves_eur:,.0f} "
                f"below EUR {params.reserve_threshold_eur:,.0f}"
            )
            night_pays = (
                state.night_closure_saves_eur_per_year > state.night_closure_forfeits_eur_per_year
            )
            if (
                state.status == "open"
                and state.is_24_7
                and params.night_closure_first
                and night_pays
            ):
                return Decision(site, "night_closure", "financial", detail)
            if state.closure_saves_eur_per_year > state.closure_forfeits_eur_per_year:
                return Decision(site, "closure", "financial", detail)

    # Concentration: closing pays for the organisation as a whole.
    if (
        params.concentrate
        and state.status != "closed"
        and not protected
        and state.margin_history_eur
        and (state.closure_saves_eur_per_year or state.closure_forfeits_eur_per_year)
    ):
        gain = state.closure_saves_eur_per_year - state.closure_forfeits_eur_per_year
        if gain > 0:
            detail = f"concentration: closing pays EUR {gain:,.0f} a year for the organisation"
            return Decision(site, "closure", "financial", detail)
        night_gain = (
            state.night_closure_saves_eur_per_year - state.night_closure_forfeits_eur_per_year
        )
        if state.status == "open" and state.is_24_7 and night_gain > 0:
            detail = (
                f"concentration: closing at night pays EUR {night_gain:,.0f} a year for the "
                "organisation"
            )
            return Decision(site, "night_closure", "financial", detail)

    # Reopening.
    if state.status != "open":
        if (
            state.closure_reason == "staff"
            and state.closed_shift_share <= params.reopen_staff_closed_shift_share
        ):
            return Decision(
                site,
                "reopen",
                "staff",
                f"only {state.closed_shift_share:.0%} of shifts would lack minimum staff",
            )
        if state.closure_reason == "financial":
            n = params.reopen_after_quarters_in_surplus
            recent = state.reopen_margin_history_eur[-n:]
            if len(recent) == n and all(m > 0 for m in recent):
                return Decision(
                    site, "reopen", "financial", f"reopening pays in {n} consecutive quarters"
                )
    return None


# --- valuing a closure ---------------------------------------------------------------------
@dataclass(frozen=True)
class SEHYearFigures:
    """An SEH's recent figures, annualised (e.g. the last quarter times four) [EUR/yr].

    Parameters
    ----------
    revenue_dbc_eur_per_year : float
        DBC revenue of visits and admissions [EUR/yr].
    cost_staff_eur_per_year : float
        Staff cost [EUR/yr].
    cost_variable_eur_per_year : float
        Variable cost of the patients [EUR/yr].
    cost_fixed_eur_per_year : float
        Fixed cost while in operation [EUR/yr].
    """

    revenue_dbc_eur_per_year: float
    cost_staff_eur_per_year: float
    cost_variable_eur_per_year: float
    cost_fixed_eur_per_year: float


@dataclass(frozen=True)
class ClosureEffect:
    """What closing (part of) an SEH saves and forfeits for its organisation [EUR/yr]."""

    saves_eur_per_year: float
    forfeits_eur_per_year: float

    @property
    def net_eur_per_year(self) -> float:
        """Savings minus forfeits [EUR/yr]; positive when closing pays."""
        return self.saves_eur_per_year - self.forfeits_eur_per_year


def closure_effect(
    figures: SEHYearFigures,
    *,
    periodic_forfeit_eur_per_year: float,
    patient_share: float = 1.0,
    staff_share: float = 1.0,
    fixed_share: float = 1.0,
    retained_patient_share: float = 0.0,
) -> ClosureEffect:
    """Value closing an SEH, or the night part of it, for its organisation.

    Patients who stay with the organisation (treated at its other SEH) keep their DBC
    revenue and their variable cost; the others take both with them.

    Parameters
    ----------
    figures : SEHYearFigures
        The SEH's annualised figures [EUR/yr].
    periodic_forfeit_eur_per_year : float
        Budget and beschikbaarheidbijdrage lost [EUR/yr]
        (:func:`acutesim.funding.regimes.periodic_forfeit_eur_per_year`).
    patient_share : float
        Share of the SEH's patients affected (1 for a closure; the night share of
        visits for a night closure) [0-1].
    staff_share : float
        Share of the staff cost avoided (1 for a closure; the night share of roster
        hours for a night closure) [0-1].
    fixed_share : float
        Share of the fixed cost avoided (1 for a closure, 0 for a night closure) [0-1].
    retained_patient_share : float
        Share of affected patients treated at another SEH of the organisation [0-1]
        (0 when the organisation has no other SEH in operation).

    Returns
    -------
    ClosureEffect
        Savings and forfeits [EUR/yr].
    """
    leave = patient_share * (1.0 - retained_patient_share)
    saves = (
        staff_share * figures.cost_staff_eur_per_year
        + fixed_share * figures.cost_fixed_eur_per_year
        + leave * figures.cost_variable_eur_per_year
    )
    forfeits = leave * figures.revenue_dbc_eur_per_year + periodic_forfeit_eur_per_year
    return ClosureEffect(saves, forfeits)
