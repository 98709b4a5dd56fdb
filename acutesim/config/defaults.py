"""Default parameters of a region pack, each with its source or marked as an assumption.

A region pack may override every value here in its ``region.toml``. Sources are listed
once in ``docs/sources.md``; the short keys in comments (``[VZinfo-amb]`` ...) point there.
Numbers without a published source are assumptions, named as such, and documented in
``docs/assumptions.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from acutesim.units import days

if TYPE_CHECKING:
    from acutesim.config.schema import DurationSpec, ProfileSpec, StreamSpec

# --- demand rates [per 1,000 inhabitants per year] ------------------------------------
# source: [VZinfo-amb] VZinfo/AZN Sectorkompas, ambulance deployments 2022 and 2024:
# 80.6 per 1,000 residents.
AMBULANCE_RATE = 80.6
# source: [VZinfo-hap] VZinfo, 4.4 million HAP contacts in 2022 on 17.6 million residents
# (derived: 250 per 1,000).
HAP_CONTACT_RATE = 250.0
# SEH visits ~105-124 per 1,000 ([Gaakeer-2016], [VZinfo-seh]); route shares GP/HAP 50-58%,
# self 10-30%, second line ~14% ([SAZ-2019]). GP referrals during office hours are the
# GP/HAP share less the HAP's referrals: calibration, see docs/calibration.md.
GP_REFERRAL_RATE = 42.0
# Self-referral incidence before a co-located HAP takes its share: calibration so that
# ~12% of SEH arrivals are self-referred (docs/calibration.md).
SELF_REFERRAL_RATE = 23.0
# source: [SAZ-2019] second-line referrals ~14% of SEH arrivals (specialists, other hospitals).
OTHER_REFERRAL_RATE = 15.0

# --- ambulance --------------------------------------------------------------------------
# source: [RAV-GM] RAV Gelderland-Midden rides: A1 49%, A2 33%, B 18% (derived shares).
URGENCY_SHARES = {"A1": 0.49, "A2": 0.33, "B": 0.18}
# Share of rides that convey the patient (the rest free the vehicle at the scene). About
# 25% of Dutch deployments are not conveyed [Non-conveyance-2025]; B rides are planned
# transports and always convey. The split between A1 and A2 is an assumption that keeps
# the total at 75%: 0.49 * 0.72 + 0.33 * 0.65 + 0.18 * 1.0 = 0.75. Which conveyed
# patients enter the SEH is pathways.seh_share_of_conveyed (domain/pathways.py).
CONVEYANCE_SHARE = {"A1": 0.72, "A2": 0.65, "B": 1.0}

# --- SEH --------------------------------------------------------------------------------
# source: [NEED-2025] Raven et al., BMC Emerg Med 2025: red 2.3, orange 18.8, yellow 52.4,
# green+blue 26.7 (excluding missing). The split by route (ambulance patients more
# urgent, self-referrers less) and green vs blue are assumptions that keep the mix.
MTS_SHARES: dict[str, dict[str, float]] = {
    "ambulance": {"red": 0.08, "orange": 0.34, "yellow": 0.46, "green": 0.11, "blue": 0.01},
    "hap": {"red": 0.01, "orange": 0.18, "yellow": 0.56, "green": 0.23, "blue": 0.02},
    "gp": {"red": 0.01, "orange": 0.17, "yellow": 0.57, "green": 0.23, "blue": 0.02},
    "self": {"red": 0.005, "orange": 0.08, "yellow": 0.45, "green": 0.42, "blue": 0.045},
    "other": {"red": 0.02, "orange": 0.18, "yellow": 0.55, "green": 0.22, "blue": 0.03},
}
# Assumption (shape): admission rises with urgency ([vanWegen-2025] reports rising odds, no
# percentages); levels set so that the total is ~35% ([SAZ-2019] 32-38%).
ADMISSION_SHARE = {"red": 0.85, "orange": 0.60, "yellow": 0.36, "green": 0.09, "blue": 0.04}
# source: [BMC-HSR-2016] admitted patients stay ~41 min longer on the SEH.
ADMISSION_EXTRA_MINUTES = 40.0
# Treatment time (from start of treatment to leaving the SEH, before boarding) by MTS
# colour: assumption, scaled so that the mean length of stay is ~155 min ([SAZ-2019]).
TREATMENT_MEAN_MINUTES = {
    "red": 185.0,
    "orange": 160.0,
    "yellow": 138.0,
    "green": 85.0,
    "blue": 55.0,
}
TREATMENT_CV = 0.6
# source: [HenW-ECAP] at a co-located HAP, 80% of self-referrers are treated by the HAP;
# [Rutten-2017] 20% of those are referred on to the SEH.
HAP_TAKES_SELF_SHARE = 0.8
HAP_SELF_ONWARD_SHARE = 0.2

# Physical bays per staffed treatment slot at full planned staffing: assumption (Gaakeer et
# al. 2018 report 16 bays per ED on average, range 4-36, without a staffing ratio).
BAY_FACTOR = 1.5
# An admitted patient who has boarded this long is transferred to another hospital with
# a free ward bed, if any: assumption (the 4-hour length-of-stay mark).
BOARDING_TRANSFER_MINUTES = 240.0

# --- HAP --------------------------------------------------------------------------------
# source: [Fam-Pract-2015] 50% consultation at the post, 10% home visit (both need a GP).
HAP_CONSULT_SHARE = 0.6
# source: derived upper bound (<= 8%) from [Moll-2007]; no national figure exists.
HAP_REFERRAL_SHARE = 0.08


def default_streams() -> dict[str, StreamSpec]:
    """Return the default demand streams (rates cited above)."""
    from acutesim.config.schema import StreamSpec

    return {
        "ambulance": StreamSpec(
            route="ambulance",
            rate_per_1000_per_year=AMBULANCE_RATE,
            profile="ambulance",
            source="VZinfo/AZN Sectorkompas 2022",
        ),
        "hap_contact": StreamSpec(
            route="hap",
            rate_per_1000_per_year=HAP_CONTACT_RATE,
            profile="hap",
            source="VZinfo acute zorg HAP 2022",
        ),
        "gp_referral": StreamSpec(
            route="gp",
            rate_per_1000_per_year=GP_REFERRAL_RATE,
            profile="gp_need",
            source="calibration to SAZ 2019 route shares",
        ),
        "self_referral": StreamSpec(
            route="self",
            rate_per_1000_per_year=SELF_REFERRAL_RATE,
            profile="seh_walk_in",
            source="calibration to SAZ 2019 route shares",
        ),
        "other_referral": StreamSpec(
            route="other",
            rate_per_1000_per_year=OTHER_REFERRAL_RATE,
            profile="second_line",
            source="SAZ 2019 (second line ~14%)",
        ),
    }


# Hour-of-day weights (00..23). The SEH shape is an assumption consistent with the SAZ 2019
# census (trough ~06:00, peak ~16:00) and the midday arrival surge [ter-Avest-2018]; GP
# referrals fall in office hours; the HAP shape follows [VZinfo-hap] (weekday 18-20 h
# peak, weekend 10-12 h peak, 04-06 h ~1%).
_WALK_IN_WEEKDAY = (3, 2.2, 1.8, 1.4, 1.2, 1.2, 1.6, 3, 5.5, 7.5, 8, 7.8,
                    7.2, 7, 6.8, 6.5, 6.2, 6, 5.8, 5.5, 5, 4.5, 4, 3.5)  # fmt: skip
_WALK_IN_WEEKEND = (3.5, 2.8, 2.2, 1.8, 1.5, 1.5, 1.8, 2.5, 4, 6, 7, 7,
                    6.6, 6.4, 6.2, 6, 5.8, 5.6, 5.4, 5.2, 5, 4.6, 4.2, 3.8)  # fmt: skip
_GP_OFFICE_WEEKDAY = (0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 10, 10,
                      8, 8, 9, 9, 8, 3, 0, 0, 0, 0, 0, 0)  # fmt: skip
_GP_OFFICE_WEEKEND = tuple([0.0] * 24)
# Calibration to the SAZ 2019 census (weekend SEH arrivals ~0.87 of weekday ones): the
# need for a GP referral arises at weekends too, at this share of a weekday's, and is met
# by the HAP (pathways.gp_referrals_via_hap_when_open); second-line referrals (other
# hospitals, wards, outpatient follow-up) continue at weekends at a lower level. Both
# are assumptions; profiles are normalised, so each stream's weekly total is kept.
GP_NEED_WEEKEND_DAY_FACTOR = 0.57
SECOND_LINE_WEEKEND_DAY_FACTOR = 0.5
_GP_NEED_WEEKEND = tuple(w * GP_NEED_WEEKEND_DAY_FACTOR for w in _GP_OFFICE_WEEKDAY)
_SECOND_LINE_WEEKEND = tuple(w * SECOND_LINE_WEEKEND_DAY_FACTOR for w in _GP_OFFICE_WEEKDAY)
_HAP_WEEKDAY = (2.2, 1.4, 1, 0.8, 0.7, 0.7, 0.8, 1.2, 0.5, 0, 0, 0,
                0, 0, 0, 0, 0, 5, 9, 9, 7, 5.5, 4, 3)  # fmt: skip
_HAP_WEEKEND = (3, 2, 1.4, 1.1, 0.9, 0.9, 1.2, 2.5, 5, 7.5, 8.5, 8.5,
                7.5, 6.5, 6, 6, 6, 6.5, 7, 6.5, 5.5, 4.5, 4, 3.5)  # fmt: skip
_AMBULANCE_WEEKDAY = (3.2, 2.8, 2.5, 2.3, 2.2, 2.3, 2.8, 3.8, 4.8, 5.4, 5.6, 5.6,
                      5.4, 5.3, 5.2, 5.1, 5, 4.9, 4.8, 4.6, 4.4, 4.1, 3.8, 3.5)  # fmt: skip
_AMBULANCE_WEEKEND = _AMBULANCE_WEEKDAY


def default_profiles() -> dict[str, ProfileSpec]:
    """Return the default hour-of-week profiles (see the comment above for sources)."""
    from acutesim.config.schema import ProfileSpec

    return {
        "seh_walk_in": ProfileSpec(weekday=_WALK_IN_WEEKDAY, weekend=_WALK_IN_WEEKEND),
        "gp_office": ProfileSpec(weekday=_GP_OFFICE_WEEKDAY, weekend=_GP_OFFICE_WEEKEND),
        "gp_need": ProfileSpec(weekday=_GP_OFFICE_WEEKDAY, weekend=_GP_NEED_WEEKEND),
        "second_line": ProfileSpec(weekday=_GP_OFFICE_WEEKDAY, weekend=_SECOND_LINE_WEEKEND),
        "hap": ProfileSpec(weekday=_HAP_WEEKDAY, weekend=_HAP_WEEKEND),
        "ambulance": ProfileSpec(weekday=_AMBULANCE_WEEKDAY, weekend=_AMBULANCE_WEEKEND),
    }


def default_age_weights() -> dict[str, float]:
    """Relative demand per inhabitant by age-band column.

    Assumption: older people use more acute care; no Dutch source gives the ratios.
    """
    return {"pop_age_0_64": 0.8, "pop_age_65_74": 1.3, "pop_age_75_plus": 2.2}


def default_mts_shares() -> dict[str, dict[str, Any]]:
    """Return the MTS colour mix by arrival route."""
    return {k: dict(v) for k, v in MTS_SHARES.items()}


def default_treatment() -> dict[str, DurationSpec]:
    """Return treatment-time distributions by MTS colour (lognormal, CV 0.6)."""
    from acutesim.config.schema import DurationSpec

    return {
        c: DurationSpec(family="lognormal", mean_minutes=m, sd_minutes=m * TREATMENT_CV)
        for c, m in TREATMENT_MEAN_MINUTES.items()
    }


def default_admission_share() -> dict[str, float]:
    """Return the admission share by MTS colour."""
    return dict(ADMISSION_SHARE)


def default_ward_stay() -> DurationSpec:
    """Acute ward stay after admission: assumption, mean 3 days, sd 3 days [minutes]."""
    from acutesim.config.schema import DurationSpec

    return DurationSpec(family="lognormal", mean_minutes=days(3.0), sd_minutes=days(3.0))


def default_dispatch_delay() -> DurationSpec:
    """Call handling plus turnout: mean 3 min ([RUG-2017]: 15 min response = 3 + 12 driving)."""
    from acutesim.config.schema import DurationSpec

    return DurationSpec(family="lognormal", mean_minutes=3.0, sd_minutes=1.5)


def default_on_scene() -> DurationSpec:
    """Time on scene: mean 20 min ([RIVM-2010] urgent rides 2009); sd is an assumption."""
    from acutesim.config.schema import DurationSpec

    return DurationSpec(family="lognormal", mean_minutes=20.0, sd_minutes=8.0)


def default_handover() -> DurationSpec:
    """Crew time at the SEH after acceptance: assumption (no national figure found)."""
    from acutesim.config.schema import DurationSpec

    return DurationSpec(family="lognormal", mean_minutes=15.0, sd_minutes=6.0)
