"""Pathway rules of a region: closing time, waiting limits and leaving without being seen.

These are the contested parts of the patient pathways, each a named parameter that a
region pack may set in its ``[pathways]`` section and that the run echoes in its
manifest. Values without a Dutch source are assumptions, documented in
``docs/assumptions.md``.
"""

from __future__ import annotations

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

    def describe(self) -> dict[str, object]:
        """The rules as plain values, for manifests and reports."""
        p = self.lwbs_patience
        return {
            "max_wait_for_treatment_minutes": self.max_wait_for_treatment_minutes,
            "lwbs_patience": f"{p.family} mean {p.mean_minutes:g} min, sd {p.sd_minutes:g} min",
            "lwbs_colours": list(self.lwbs_colours),
            "closing_rule": self.closing_rule,
            "handoff_nurses_per_seh": self.handoff_nurses_per_seh,
        }
