"""Counting, fire and forget: one Redis hash per UTC day and site, HINCRBY and EXPIREAT in one
round trip. Works with redis.asyncio in both runtimes (redis-py 4.6 in Rasa's, 5+ in the gateway's).

A count never slows or breaks a reply: `count` only schedules the write and returns; a failed
write is logged by its error type and the count is lost. After a failure, counting pauses for a
second, so an outage does not pile up waiting writes.
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
    def __init__(self, redis: Any, enabled: bool = True) -> None:
        self.redis = redis
        self.enabled = enabled
        self.paused_until = 0.0
        self.pending: set[asyncio.Task] = set()

    def count(self, site: str, *measures: str) -> None:
        """Schedules one count of each measure for the site today; returns at once."""
        if not self.enabled or not measures or time.monotonic() < self.paused_until:
            return
        unknown = [m for m in measures if m not in KNOWN]
        if unknown:
            logger.error("Not counted: %d measure(s) outside the vocabulary", len(unknown))
            return
        task = asyncio.get_running_loop().create_task(self.write(site, measures))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def write(self, site: str, measures: tuple[str, ...]) -> None:
        day = today()
        key = day_key(day, site)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for measure in measures:
                    pipe.hincrby(key, measure, 1)
                pipe.expireat(key, expires_at(day))
                await pipe.execute()
        except Exception as error:  # a lost count, never a lost reply
            self.paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
            logger.warning("Insight count lost: %s", type(error).__name__)

    async def drain(self) -> None:
        """Waits for the writes under way (tests; a clean shutdown)."""
        while self.pending:
            await asyncio.gather(*list(self.pending), return_exceptions=True)
