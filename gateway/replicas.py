"""Which Rasa replica a message goes to: each in turn, but not one that has just failed.

A host that vanishes refuses nothing, it just stays silent; a Rasa cut off from Redis hangs. A
replica that gave no answer rests for a while (passive health: no probes, the messages themselves
are the check) and the others take its turn; it is tried again once its rest is over, or before
then only when none of the others can be reached.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable


class Replicas:
    def __init__(self, urls: list[str], rest_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.urls = urls
        self.rest_seconds = rest_seconds
        self.clock = clock
        self.turn = itertools.count()
        self.resting_until: dict[str, float] = {}

    def in_order(self) -> list[str]:
        """Every replica, starting with the next in turn; those resting after a failure come last."""
        start = next(self.turn) % len(self.urls)
        order = self.urls[start:] + self.urls[:start]
        now = self.clock()
        return sorted(order, key=lambda url: self.resting_until.get(url, 0.0) > now)

    def failed(self, url: str) -> None:
        self.resting_until[url] = self.clock() + self.rest_seconds

    def answered(self, url: str) -> None:
        self.resting_until.pop(url, None)
