"""Funding regimes by name: the builder of each implementation from its typed spec.

The spec classes are :data:`acutesim.domain.specs.REGIME_SPECS`; the scenario's
``[[funding.phases]]`` parser in :mod:`acutesim.config.funding` is derived from them. A
regime module of this package registers its builder with :func:`register`, and
:func:`discover` (run when the package is imported) imports every module of the
package, so a new regime is its spec class in ``domain/specs.py`` and one new module
here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from acutesim.domain.specs import REGIME_SPECS, RegimeSpec
from acutesim.funding.regimes.base import FundingRegime, RegimeContext

Builder = Callable[[RegimeSpec, RegimeContext], FundingRegime]

#: Funding regimes by name (:data:`acutesim.domain.specs.REGIME_SPECS`): the builder of
#: the implementation from its spec.
REGIME_BUILDERS: dict[str, Builder] = {}


def register(spec: type[RegimeSpec]) -> Callable[[Builder], Builder]:
    """Register the decorated function as the builder of the regime ``spec`` names.

    Raises
    ------
    ValueError
        When the spec class is not in ``REGIME_SPECS`` or the name is taken.
    """

    def add(builder: Builder) -> Builder:
        if REGIME_SPECS.get(spec.regime) is not spec:
            raise ValueError(f"regime {spec.regime!r}: {spec.__name__} is not in REGIME_SPECS")
        if REGIME_BUILDERS.get(spec.regime, builder) is not builder:
            raise ValueError(f"regime {spec.regime!r} has a builder already")
        REGIME_BUILDERS[spec.regime] = builder
        return builder

    return add


def discover() -> None:
    """Import every module of the regimes package (each registers its builder)."""
    package = __name__.rpartition(".")[0]
    path = importlib.import_module(package).__path__
    for info in pkgutil.iter_modules(path):
        importlib.import_module(f"{package}.{info.name}")
