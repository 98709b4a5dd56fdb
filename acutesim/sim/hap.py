"""The HAP: opening hours, telephone triage, consult by rostered GPs, referral to the SEH.

A HAP is open on weekday evenings and nights and all weekend. A contact starts with
telephone triage (a delay, not a capacity); a share then needs a consult at the post or
a home visit, which waits for one of the GPs on the roster (first come, first served;
a consult in progress is not interrupted at a shift change, new ones start only while
fewer consults run than GPs are on duty). A share is referred to the SEH. A HAP on a
hospital site also sees a share of the SEH's self-referrals while it is open.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import simpy

from acutesim.sim.loop import Clock
from acutesim.sim.patient import Patient
from acutesim.sim.timers import call_at, new_event, process_now

if TYPE_CHECKING:
    from acutesim.sim.recorder import Recorder


class HAPPost:
    """One HAP with its GP pool.

    Parameters
    ----------
    env : Clock
        The environment.
    index : int
        Position in the model's HAP list.
    hap_id : str
        Id for records.
    site : int
        Index of the co-located SEH site, or -1.
    recorder : Recorder
        Receives HAP records.
    """

    def __init__(self, env: Clock, index: int, hap_id: str, site: int, recorder: Recorder) -> None:
        self.env = env
        self.index = index
        self.hap_id = hap_id
        self.site = site
        self.recorder = recorder
        self.is_open = False
        self.gps = 0
        self.busy = 0
        # waiting consults: their minutes, and the event to trigger or the function to
        # call when the consult ends
        self.queue: deque[tuple[float, simpy.Event | Callable[[], None]]] = deque()

    def set_gps(self, n: int) -> None:
        """Set the GPs on duty (shift boundary)."""
        self.gps = int(n)
        self._dispatch()

    def consult(self, p: Patient) -> simpy.Event:
        """Queue a consult; the event fires when it ends."""
        ev = new_event(self.env)
        self.queue.append((p.hap_consult_minutes, ev))
        self._dispatch()
        return ev

    def consult_then(self, minutes: float, then: Callable[[], None]) -> None:
        """Queue a consult of ``minutes``; call ``then()`` where its end would be processed.

        For a contact that runs as callbacks: the consult needs no event of its own.
        """
        self.queue.append((minutes, then))
        self._dispatch()

    def _dispatch(self) -> None:
        while self.queue and self.busy < self.gps:
            minutes, done = self.queue.popleft()
            self.busy += 1
            call_at(self.env, self.env._now + minutes, partial(self._done, done))

    def _done(self, done: simpy.Event | Callable[[], None], _t: object = None) -> None:
        self.busy -= 1
        self._dispatch()
        # after the next consult starts, as when this was an event of its own
        if isinstance(done, simpy.Event):
            process_now(done)
        else:
            done()
