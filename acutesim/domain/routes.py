"""Arrival routes: how the patients of a demand stream reach care.

Every demand stream names a route. A route says which journey its patients make (the
journey itself lives in :data:`acutesim.sim.journeys.JOURNEYS`) and under which arrival
group their SEH visits are counted (the ``share_arrival_*`` KPIs). Adding a route takes
its entry here and its journey in ``sim/journeys.py``; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["ARRIVAL_GROUPS", "ARRIVAL_ROUTES", "ROUTES", "ArrivalGroup", "ArrivalRoute", "Route"]

Route = Literal["ambulance", "hap", "gp", "self", "other"]
ArrivalGroup = Literal["ambulance", "gp_hap", "self", "other"]
ROUTES: tuple[Route, ...] = get_args(Route)
ARRIVAL_GROUPS: tuple[ArrivalGroup, ...] = get_args(ArrivalGroup)


@dataclass(frozen=True)
class ArrivalRoute:
    """One arrival route.

    Parameters
    ----------
    name : str
        The route a demand stream names (``route = "gp"`` in ``region.toml``).
    arrival_group : str
        Under which group an SEH visit of this route is counted: GP and HAP referrals
        are one group, ``gp_hap``, as in the SEH census.
    description : str
        What the route is, in a few words.
    """

    name: Route
    arrival_group: ArrivalGroup
    description: str


ARRIVAL_ROUTES: dict[Route, ArrivalRoute] = {
    r.name: r
    for r in (
        ArrivalRoute("ambulance", "ambulance", "a 112 call: meldkamer, ambulance, SEH"),
        ArrivalRoute("hap", "gp_hap", "a call to the GP post: triage, maybe a consult or referral"),
        ArrivalRoute("gp", "gp_hap", "referred by the own GP in office hours"),
        ArrivalRoute("self", "self", "comes to the SEH unreferred (maybe redirected to the HAP)"),
        ArrivalRoute("other", "other", "referred by a specialist or another hospital"),
    )
}
