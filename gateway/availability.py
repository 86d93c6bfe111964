"""Whether each Rasa replica and Redis answer now: /readyz asks, and so does each scrape of /metrics."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError

CHECK_TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class Availability:
    rasa: dict[str, bool]  # replica URL -> answered
    redis: bool


async def rasa_answers(rasa: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with rasa.get(f"{url}/", timeout=aiohttp.ClientTimeout(total=CHECK_TIMEOUT_SECONDS)) as response:
            return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


async def redis_answers(redis: Redis) -> bool:
    try:
        return bool(await redis.ping())
    except RedisError:
        return False


async def check(rasa: aiohttp.ClientSession, urls: list[str], redis: Redis) -> Availability:
    """Every replica and Redis at once, so the slowest sets the time (at most CHECK_TIMEOUT_SECONDS
    for Rasa; Redis has its client's own socket timeouts)."""
    *replicas, redis_up = await asyncio.gather(*(rasa_answers(rasa, url) for url in urls), redis_answers(redis))
    return Availability(rasa=dict(zip(urls, replicas)), redis=redis_up)
