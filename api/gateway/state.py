"""What the gateway holds while it runs, made once in its lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from redis.asyncio import Redis

from api.gateway.limits import RateLimiter
from api.gateway.replies import Replies
from bot.risk import RiskScreen
from bot.settings import Settings
from bot.sites import Registry


@dataclass
class GatewayState:
    settings: Settings
    sites: Registry
    redis: Redis
    rasa: httpx.AsyncClient
    screen: RiskScreen
    replies: Replies
    limiter: RateLimiter
