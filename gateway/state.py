"""What the gateway holds while it runs, made once in its lifespan."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import aiohttp
from redis.asyncio import Redis

from bot.risk import RiskScreen
from bot.settings import Settings
from bot.sites import Registry
from gateway.limits import RateLimiter
from gateway.replies import Replies
from gateway.risk_states import RiskStates


@dataclass
class GatewayState:
    settings: Settings
    sites: Registry
    redis: Redis
    rasa: aiohttp.ClientSession
    screen: RiskScreen
    replies: Replies
    limiter: RateLimiter
    risk_states: RiskStates
    replicas: itertools.cycle = field(init=False)

    def __post_init__(self) -> None:
        self.replicas = itertools.cycle(self.settings.rasa_urls)

    def next_rasa(self) -> str:
        """The Rasa replica for this message: each in turn (they share the Redis stores)."""
        return next(self.replicas)
