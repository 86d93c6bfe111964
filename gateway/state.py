"""What the gateway holds while it runs, made once in its lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field

import aiohttp
from redis.asyncio import Redis

from bot.insight.counter import Counter
from bot.risk import RiskScreen
from bot.settings import Settings
from bot.sites import Registry
from gateway.limits import RateLimiter
from gateway.metrics import GatewayMetrics
from gateway.replicas import Replicas
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
    insight: Counter
    metrics: GatewayMetrics
    replicas: Replicas = field(init=False)

    def __post_init__(self) -> None:
        # They share the Redis stores, so any replica can take any conversation's next message.
        self.replicas = Replicas(self.settings.rasa_urls, self.settings.rasa_replica_rest_seconds)
