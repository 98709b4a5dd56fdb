"""Named, independent random streams for one replication.

Every random draw in a run comes from a stream keyed by a *name*
(``<layer>.<process>[.<entity id>]``), seeded from the root seed, the replication index
and a stable hash of the name. Adding a stream never shifts another's draws, and two
scenarios with the same root seed see the same patients (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    """Return the stable 32-bit key of a stream name (``hash()`` is salted per process)."""
    return zlib.crc32(name.encode("utf-8"))


class RandomStreams:
    """Independent numpy Generators for one replication, keyed by stream name.

    Parameters
    ----------
    root_seed : int
        The experiment's root seed.
    replication : int
        Replication index (0-based); the same index gives the same streams in every
        scenario.
    """

    def __init__(self, root_seed: int, replication: int) -> None:
        self.root_seed = int(root_seed)
        self.replication = int(replication)
        self._entropy = (self.root_seed, self.replication)
        self._cache: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        """Return the Generator of stream ``name``, creating it on first use."""
        gen = self._cache.get(name)
        if gen is None:
            seq = np.random.SeedSequence([*self._entropy, stream_key(name)])
            gen = np.random.default_rng(seq)
            self._cache[name] = gen
        return gen

    @property
    def names(self) -> list[str]:
        """Names of the streams used so far, sorted."""
        return sorted(self._cache)
