"""Counting, fire and forget: one Redis hash per UTC day and site. Works with redis.asyncio in
both runtimes (redis-py 4.6 in Rasa's, 5+ in the gateway's).

A count never slows or breaks a reply: `count` adds to a tally in memory and returns; about once
a second the tally goes to Redis in one round trip (HINCRBY for each day, site and measure,
EXPIREAT for each hash), so a message costs a dictionary update, not a Redis call. A failed
write is logged by its error type and its counts are lost; counting then pauses for a second, so
an outage does not pile up tallies. A process that stops loses at most its last second.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Any

from bot.insight.measures import KNOWN
from bot.redis_keys import INSIGHT

logger = logging.getLogger(__name__)
KEEP_DAYS = 400
FLUSH_SECONDS = 1.0
PAUSE_AFTER_FAILURE_SECONDS = 1.0


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def day_key(day: dt.date, site: str) -> str:
    return f"{INSIGHT}{day.isoformat()}:{site}"


def expires_at(day: dt.date) -> int:
    """The end of the day's keep: KEEP_DAYS after the day ends, the same for every write that day."""
    end = dt.datetime.combine(day + dt.timedelta(days=KEEP_DAYS + 1), dt.time(), dt.timezone.utc)
    return int(end.timestamp())


class Counter:
    def __init__(self, redis: Any, enabled: bool = True, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.redis = redis
        self.enabled = enabled
        self.flush_seconds = flush_seconds
        self.paused_until = 0.0
        self.tally: dict[str, dict[str, int]] = {}  # hash key -> measure -> count
        self.expiry: dict[str, int] = {}
        self.timer: asyncio.TimerHandle | None = None
        self.pending: set[asyncio.Task] = set()

    def count(self, site: str, *measures: str) -> None:
        """One more of each measure for the site today, written within about a second."""
        if not self.enabled or not measures or time.monotonic() < self.paused_until:
            return
        if not KNOWN.issuperset(measures):
            logger.error("Not counted: a measure outside the vocabulary")
            return
        day = today()
        key = day_key(day, site)
        fields = self.tally.setdefault(key, {})
        for measure in measures:
            fields[measure] = fields.get(measure, 0) + 1
        self.expiry[key] = expires_at(day)
        if self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(self.flush_seconds, self._flush_soon)

    def _flush_soon(self) -> None:
        self.timer = None
        task = asyncio.get_running_loop().create_task(self.flush())
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def flush(self) -> None:
        tally, expiry = self.tally, self.expiry
        self.tally, self.expiry = {}, {}
        if not tally:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key, fields in tally.items():
                    for measure, count in fields.items():
                        pipe.hincrby(key, measure, count)
                    pipe.expireat(key, expiry[key])
                await pipe.execute()
        except Exception as error:  # lost counts, never a lost reply
            self.paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
            logger.warning("Insight counts lost: %s", type(error).__name__)

    async def drain(self) -> None:
        """Writes the tally now and waits for every write under way (tests; a clean shutdown)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        await self.flush()
        while self.pending:
            await asyncio.gather(*list(self.pending), return_exceptions=True)
