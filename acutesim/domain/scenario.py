"""Scenarios and experiments as plain data: the knobs a run varies and the batch it belongs to.

A scenario is a named set of knobs (staff vacancies, demand, beds, HAP triage, funding
and behaviour parameters, closed sites) applied to one region; an experiment runs every
scenario for a number of replications with common random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from acutesim.domain.specs import BehaviourSpec, FundingSpec, TomlTable

if TYPE_CHECKING:
    from acutesim.domain.region import SEHParameters


@dataclass(frozen=True)
class Scenario:
    """The knobs of one scenario; None means "the region pack's value"."""

    name: str
    description: str = ""
    demand_multiplier: float = 1.0
    demand_growth_per_year: float | None = None
    staff_vacancy_share: float | None = None
    locum_fill_share: float | None = None
    absence_scale: float = 1.0
    unlimited_staff: bool = False
    beds_multiplier: float = 1.0
    ambulance_vehicles_multiplier: float = 1.0
    hap_takes_self_referral_share: float | None = None
    hap_referral_share: float | None = None
    volmelding_on_share: float | None = None
    volmelding_off_share: float | None = None
    closed_sites: tuple[str, ...] = ()
    dispatch_minutes: float | None = None  # the norm's fixed minutes; None: the pack's
    on_scene_minutes: float | None = None
    record_patients: bool = False
    call_log: str | None = None  # CSV of ambulance calls to replay (absolute path)
    funding: FundingSpec | None = None  # None: no funding table (today's regime)
    behaviour: BehaviourSpec | None = None  # None: no behaviour table (the defaults)

    def volmelding_shares(self, seh: SEHParameters) -> tuple[float, float]:
        """Return the base volmelding thresholds ``(on, off)`` [share of capacity].

        The scenario's ``volmelding_on_share``/``volmelding_off_share`` where set, else
        the region's ``[seh]`` values; ``behaviour.volmelding.base_*_share`` (applied by
        the funding setup) overrides both.
        """
        on = self.volmelding_on_share
        off = self.volmelding_off_share
        return (
            on if on is not None else seh.volmelding_on_share,
            off if off is not None else seh.volmelding_off_share,
        )


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: region, horizon, replications, root seed and scenarios."""

    name: str
    description: str
    region_path: str
    horizon_days: float
    warmup_days: float
    replications: int
    seed: int
    scenarios: tuple[Scenario, ...]
    source_path: str = ""
    config: TomlTable = field(default_factory=dict)  # the file as read, for the manifest

    @property
    def scenario_names(self) -> tuple[str, ...]:
        """Scenario names in run order (the first is the baseline)."""
        return tuple(s.name for s in self.scenarios)

    @property
    def baseline(self) -> str:
        """Name of the baseline scenario (``baseline`` if present, else the first)."""
        names = self.scenario_names
        return "baseline" if "baseline" in names else names[0]
