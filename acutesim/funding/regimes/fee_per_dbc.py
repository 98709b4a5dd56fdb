"""Today's regime: DBC tariffs per visit and admission, plus a beschikbaarheidbijdrage."""

from __future__ import annotations

from collections.abc import Mapping

from acutesim.domain.specs import (
    FeePerDBCSpec,
    RegimeSpec,
)
from acutesim.funding.regimes.base import FundingRegime, RegimeContext
from acutesim.funding.regimes.registry import register


# --- fee per DBC (today) -----------------------------------------------------------------
class FeePerDBC(FundingRegime):
    """Today's regime: DBC tariffs per visit and admission, plus a beschikbaarheidbijdrage.

    The beschikbaarheidbijdrage goes only to SEHs that RIVM finds sensitive to the
    45-minutennorm; it is paid pro rata to the hours the SEH is in operation.

    Parameters
    ----------
    sites, tariff, baseline, sensitive_site_ids, beschikbaarheidbijdrage_eur_per_year
        See :class:`FundingRegime`.

    References
    ----------
    NZa, news 31-01-2020 and "Kostenonderzoek beschikbaarheidbijdrage spoedeisende hulp
    t.b.v. marktverstoringstoets 2021" (PUC_642143): scope of the beschikbaarheidbijdrage.
    """

    name = "fee-per-dbc"

    def _budget_share_eur_per_year(self, site_id: str, shares: Mapping[str, float]) -> float:
        return 0.0  # no budget: availability is paid through the DBC tariffs


@register(FeePerDBCSpec)
def build_fee_per_dbc(spec: RegimeSpec, context: RegimeContext) -> FundingRegime:
    """Build :class:`FeePerDBC` from its spec."""
    assert isinstance(spec, FeePerDBCSpec)
    return FeePerDBC(
        context.sites,
        context.tariff,
        context.baseline,
        sensitive_site_ids=context.sensitive_site_ids,
        beschikbaarheidbijdrage_eur_per_year=spec.beschikbaarheidbijdrage_eur_per_year,
        beschikbaarheidbijdrage_requires_24_7=spec.beschikbaarheidbijdrage_requires_24_7,
    )
