"""Funding regimes by name: the builder of each implementation from its typed spec.

The spec classes are :data:`acutesim.domain.specs.REGIME_SPECS`; the scenario's
``[[funding.phases]]`` parser in :mod:`acutesim.config.funding` is derived from them. A
new regime adds its spec class to ``domain/specs.py``, its module here with a class and
a builder, and one line below.
"""

from __future__ import annotations

from collections.abc import Callable

from acutesim.domain.specs import FeePerDBCSpec, FixedBudgetSpec, RegimeSpec
from acutesim.funding.regimes.base import FundingRegime, RegimeContext
from acutesim.funding.regimes.fee_per_dbc import build_fee_per_dbc
from acutesim.funding.regimes.fixed_budget import build_fixed_budget

#: Funding regimes by name (:data:`acutesim.domain.specs.REGIME_SPECS`): the builder of
#: the implementation from its spec. A new regime adds its spec class in
#: ``domain/specs.py`` and its class and builder here.
REGIME_BUILDERS: dict[str, Callable[[RegimeSpec, RegimeContext], FundingRegime]] = {
    FeePerDBCSpec.regime: build_fee_per_dbc,
    FixedBudgetSpec.regime: build_fixed_budget,
}
