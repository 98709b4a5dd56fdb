"""The patient: one journey from incident or arrival until leaving the modelled system.

All random attributes (area, urgency, MTS colour, durations, admission need, choices at
the HAP) are drawn at birth from the stream of the patient's demand stream, so that
scenarios which change capacity, routing or funding see the same patients (common
random numbers). Timestamps are sim minutes; NaN means "did not happen".
"""

from __future__ import annotations

import math
from typing import Final

NAN: Final = math.nan

# Terminal states of a journey. A patient is in exactly one of these, or still in the
# system at the horizon.
DISCHARGED: Final = "discharged"  # left the SEH home (or to other follow-up)
ADMITTED: Final = "admitted"  # left the SEH to an acute ward bed
HAP_DONE: Final = "hap_done"  # handled by the HAP (telephone advice or consult), no referral
NOT_CONVEYED: Final = "not_conveyed"  # ambulance ride without transport (freed at the scene)
CONVEYED_DIRECT: Final = "conveyed_direct"  # conveyed past the SEH (cath lab, ward, planned ride)
LEFT_UNSEEN: Final = "left_unseen"  # left the waiting room before treatment (own choice)
UNSERVED: Final = "unserved"  # no SEH could take the patient; ``reason`` says why
TERMINAL_STATES: Final = (
    DISCHARGED,
    ADMITTED,
    HAP_DONE,
    NOT_CONVEYED,
    CONVEYED_DIRECT,
    LEFT_UNSEEN,
    UNSERVED,
)

# Reasons of an UNSERVED journey.
NO_OPEN_SEH: Final = "no_open_seh"  # every SEH reachable from where the patient is was closed
NO_ROAD_ACCESS: Final = "no_road_access"  # no ambulance can reach the area by road or ferry
MAX_WAIT: Final = "max_wait"  # sent home after the named maximum wait for treatment
UNSERVED_REASONS: Final = (NO_OPEN_SEH, NO_ROAD_ACCESS, MAX_WAIT)

# MTS colour -> priority (lower is more urgent).
MTS_PRIORITY: Final = {"red": 0, "orange": 1, "yellow": 2, "green": 3, "blue": 4}
MTS_BY_INDEX: Final = ("red", "orange", "yellow", "green", "blue")
URGENCY_BY_INDEX: Final = ("A1", "A2", "B")


class Patient:
    """State of one patient journey (slots keep it small; millions are created per run)."""

    __slots__ = (
        "admitted",
        "area",
        "arrival_route",
        "conveyed",
        "dispatch_minutes",
        "done",
        "handover_minutes",
        "hap_consult",
        "hap_consult_minutes",
        "hap_referral",
        "hap_take",
        "hap_triage_minutes",
        "has_bay",
        "leg_scene_minutes",
        "leg_transport_minutes",
        "mts",
        "n_site_transfers",
        "on_scene_minutes",
        "patience_minutes",
        "patient_id",
        "priority",
        "reason",
        "remaining_minutes",
        "route",
        "seq",
        "site",
        "specialised",
        "state",
        "stream",
        "t_accept",
        "t_arrival",
        "t_assigned",
        "t_call",
        "t_departure",
        "t_door",
        "t_first_arrival",
        "t_on_scene",
        "t_release",
        "t_treatment_end",
        "t_treatment_start",
        "t_triage",
        "t_ward",
        "to_seh",
        "token",
        "transferred",
        "treatment_minutes",
        "triage_minutes",
        "urgency",
        "vehicle",
        "ward_minutes",
    )

    def __init__(
        self,
        patient_id: int = -1,
        stream: str = "",
        route: str = "",
        area: int = -1,
        t_call: float = NAN,
    ) -> None:
        # (defaults: compiled by mypyc, ``Patient.__new__`` runs this; journeys._patient)
        self.patient_id = patient_id
        self.stream = stream
        self.route = route
        self.arrival_route = route
        self.area = area
        self.t_call = t_call
        self.t_arrival = NAN
        self.t_door = NAN
        self.t_accept = NAN
        self.t_on_scene = NAN
        self.t_assigned = NAN
        self.t_first_arrival = NAN
        self.t_release = NAN
        self.t_triage = NAN
        self.t_treatment_start = NAN
        self.t_treatment_end = NAN
        self.t_ward = NAN
        self.t_departure = NAN
        self.state = ""
        self.reason = ""
        self.vehicle = -1
        self.leg_scene_minutes = NAN
        self.leg_transport_minutes = NAN
        self.n_site_transfers = 0
        self.patience_minutes = math.inf
        self.site = -1
        self.mts = 2
        self.priority = 2
        self.urgency = -1
        self.admitted = False
        self.conveyed = False
        self.to_seh = True
        self.specialised = False
        self.hap_consult = False
        self.hap_referral = False
        self.hap_take = False
        self.treatment_minutes = 0.0
        self.triage_minutes = 0.0
        self.ward_minutes = 0.0
        self.dispatch_minutes = 0.0
        self.on_scene_minutes = 0.0
        self.handover_minutes = 0.0
        self.hap_triage_minutes = 0.0
        self.hap_consult_minutes = 0.0
        self.remaining_minutes = 0.0
        self.seq = patient_id
        self.token: object | None = None
        self.done: object | None = None  # the event of the current SEH visit
        self.has_bay = False
        self.transferred = False
