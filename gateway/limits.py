"""Message rates per session and per client, counted in Redis for one minute at a time.

A client is known only by a salted hash of its address; the salt changes every day and is
kept only in Redis, so no address is stored and no two days can be linked. If Redis is down,
messages are let through: help must not depend on the limiter.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.redis_keys import RATE_LIMITS

logger = logging.getLogger(__name__)
PREFIX = RATE_LIMITS


class RateLimiter:
    def __init__(self, redis: Redis, per_session: int, per_client: int):
        self.redis = redis
        self.per_session = per_session
        self.per_client = per_client
        self.salts: dict[str, str] = {}

    async def _salt(self) -> str:
        """The day's salt, shared by every gateway replica through Redis, cached for the day."""
        day = time.strftime("%Y-%m-%d", time.gmtime())
        if day not in self.salts:
            key = f"{PREFIX}:salt:{day}"
            await self.redis.set(key, secrets.token_hex(16), nx=True, ex=2 * 86400)
            self.salts = {day: str(await self.redis.get(key))}
        return self.salts[day]

    async def allow(self, session: str | None, client: str) -> bool:
        minute = int(time.time() // 60)
        try:
            salt = await self._salt()
            client_key = hashlib.sha256(f"{salt}:{client}".encode()).hexdigest()[:32]
            counters = [(f"{PREFIX}:rate:client:{client_key}:{minute}", self.per_client)]
            if session is not None:
                counters.append((f"{PREFIX}:rate:session:{session}:{minute}", self.per_session))
            # One transaction: a counter never exists without its expiry, one round trip in all.
            async with self.redis.pipeline(transaction=True) as pipe:
                for key, _ in counters:
                    pipe.set(key, 0, ex=60, nx=True)
                    pipe.incr(key)
                replies = await pipe.execute()
        except RedisError as error:
            logger.warning("Rate limiter unavailable, letting the message through: %s", type(error).__name__)
            return True
        counts = replies[1::2]
        return all(count <= limit for count, (_, limit) in zip(counts, counters))
