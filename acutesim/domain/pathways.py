"""Pathway rules of a region: closing time, waiting limits and leaving without being seen.

These are the contested parts of the patient pathways, each a named parameter that a
region pack may set in its ``[pathways]`` section and that the run echoes in its
manifest. Values without a Dutch source are assumptions, documented in
``docs/assumptions.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from acutesim.domain.distributions import Duration

# Assumption: no Dutch norm bounds the wait for treatment; after six hours without a
# physician a waiting patient is sent home (unserved, reason ``max_wait``).
MAX_WAIT_FOR_TREATMENT_MINUTES = 360.0
# Assumption: patience of a walk-in before leaving without being seen. No Dutch LWBS
# rate was found; international ED rates are a few per cent. Lognormal, mean 4 h,
# sd 4 h, so that almost nobody leaves within the first hour.
LWBS_PATIENCE_MEAN_MINUTES = 240.0
LWBS_PATIENCE_SD_MINUTES = 240.0
# Assumption: only the less urgent MTS colours leave of their own accord.
LWBS_COLOURS: tuple[str, ...] = ("yellow", "green", "blue")
CLOSING_RULES: tuple[str, ...] = ("finish",)
# Assumption: one SEH nurse at a time takes over ambulance patients at the door (no
# Dutch figure on handover capacity or times was found); ``inf`` removes the limit.
HANDOFF_NURSES_PER_SEH = 1.0

# --- ambulance classes ---------------------------------------------------------------------
# Assumption: driving without siren (A2, B) takes this factor times the siren time; no
# Dutch measurement was found (international studies report a few minutes saved).
NO_SIREN_TRAVEL_FACTOR = 1.2
# Assumption (calibration): share of conveyed patients taken into the SEH; the rest go
# straight to a cath lab, stroke unit, ward or a planned destination at the nearest
# hospital, so that ambulance arrivals stay ~20% of SEH visits [SAZ-2019] while ~75% of
# deployments convey [Non-conveyance-2025].
SEH_SHARE_OF_CONVEYED: dict[str, float] = {"A1": 0.55, "A2": 0.55, "B": 0.0}
# Rule for B rides (planned transport): ``own_vehicles`` (planned ahead on B vehicles that
# the emergency fleet never waits for) or ``shared`` (they queue behind A1 and A2 calls
# for the emergency vehicles).
B_RIDE_RULES: tuple[str, ...] = ("own_vehicles", "shared", "quiet_hours")
# Assumption: under ``quiet_hours`` a B ride takes an emergency vehicle only while this
# many other vehicles stay available (idle or returning) for A1 and A2 calls.
B_RESERVE_VEHICLES = 3
# Assumption: share of conveyed A1 SEH patients (suspected STEMI or stroke) who are taken
# past the nearest SEH to the nearest specialised (PCI / stroke) centre.
A1_SPECIALISED_SHARE = 0.10
# Assumption: MTS colour by urgency class of ambulance patients, so that A1 patients are
# mostly red/orange and B mostly green; the conveyed mix keeps the ambulance route's
# [NEED-2025]-based mix (red 8%, orange 34%, yellow 46%, green 11%, blue 1%).
MTS_SHARES_BY_URGENCY: dict[str, dict[str, float]] = {
    "A1": {"red": 0.12, "orange": 0.45, "yellow": 0.37, "green": 0.055, "blue": 0.005},
    "A2": {"red": 0.02, "orange": 0.18, "yellow": 0.59, "green": 0.19, "blue": 0.02},
    "B": {"red": 0.0, "orange": 0.05, "yellow": 0.45, "green": 0.40, "blue": 0.10},
}


@dataclass(frozen=True)
class PathwayParameters:
    """Named pathway rules of a region.

    Parameters
    ----------
    max_wait_for_treatment_minutes : float
        Longest wait from first arrival at an SEH to the start of treatment; a patient
        still waiting then is sent home [min].
    lwbs_patience : Duration
        Patience of a walk-in patient of an ``lwbs_colours`` colour; one who has waited
        this long leaves without being seen [min].
    lwbs_colours : tuple of str
        MTS colours that may leave without being seen (ambulance patients never do).
    closing_rule : str
        What happens to patients in treatment when an SEH closes: ``finish`` (the
        closing crew finishes them; everyone waiting is transferred).
    handoff_nurses_per_seh : float
        Ambulance handoffs an SEH takes at once: acceptance at the door needs a free bay
        and one of these nurses for the crew's handover time (``inf``: bays only).
    no_siren_travel_factor : float
        A2 and B rides drive this factor times the siren (A1) travel time [-].
    seh_share_of_conveyed : mapping of str to float
        Per urgency class, the share of conveyed patients taken into the SEH; the others
        are handed over elsewhere in the nearest hospital (``conveyed_direct``) [0-1].
    b_ride_rule : str
        ``own_vehicles``, ``shared`` or ``quiet_hours`` (see :data:`B_RIDE_RULES`).
    b_reserve_vehicles : int
        Under ``quiet_hours``, vehicles that must stay available for emergencies when a
        B ride takes one; the ride waits (is planned later) otherwise.
    a1_specialised_share : float
        Share of conveyed A1 SEH patients taken to the nearest ``specialised_sites``
        SEH instead of the nearest one [0-1].
    specialised_sites : tuple of str
        Site ids of PCI / stroke centres (none: the rule is off).
    mts_shares_by_urgency : mapping
        MTS colour mix per urgency class of ambulance patients (drawn jointly with the
        urgency); empty: the ambulance route's mix for every class.
    gp_referrals_via_hap_when_open : bool
        A GP-referral need that arises while the patient's HAP is open (evenings,
        nights, weekends) is met by the HAP: consult there, then referral to the SEH.
    """

    max_wait_for_treatment_minutes: float = MAX_WAIT_FOR_TREATMENT_MINUTES
    lwbs_patience: Duration = field(
        default_factory=lambda: Duration.lognormal(
            LWBS_PATIENCE_MEAN_MINUTES, LWBS_PATIENCE_SD_MINUTES
        )
    )
    lwbs_colours: tuple[str, ...] = LWBS_COLOURS
    closing_rule: str = "finish"
    handoff_nurses_per_seh: float = HANDOFF_NURSES_PER_SEH
    no_siren_travel_factor: float = NO_SIREN_TRAVEL_FACTOR
    seh_share_of_conveyed: Mapping[str, float] = field(
        default_factory=lambda: dict(SEH_SHARE_OF_CONVEYED)
    )
    b_ride_rule: str = "own_vehicles"
    b_reserve_vehicles: int = B_RESERVE_VEHICLES
    a1_specialised_share: float = A1_SPECIALISED_SHARE
    specialised_sites: tuple[str, ...] = ()
    mts_shares_by_urgency: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: {k: dict(v) for k, v in MTS_SHARES_BY_URGENCY.items()}
    )
    gp_referrals_via_hap_when_open: bool = True

    def describe(self) -> dict[str, object]:
        """The rules as plain values, for manifests and reports."""
        p = self.lwbs_patience
        return {
            "max_wait_for_treatment_minutes": self.max_wait_for_treatment_minutes,
            "lwbs_patience": f"{p.family} mean {p.mean_minutes:g} min, sd {p.sd_minutes:g} min",
            "lwbs_colours": list(self.lwbs_colours),
            "closing_rule": self.closing_rule,
            "handoff_nurses_per_seh": self.handoff_nurses_per_seh,
            "no_siren_travel_factor": self.no_siren_travel_factor,
            "seh_share_of_conveyed": dict(self.seh_share_of_conveyed),
            "b_ride_rule": self.b_ride_rule,
            "b_reserve_vehicles": self.b_reserve_vehicles,
            "a1_specialised_share": self.a1_specialised_share,
            "specialised_sites": list(self.specialised_sites),
            "gp_referrals_via_hap_when_open": self.gp_referrals_via_hap_when_open,
        }
