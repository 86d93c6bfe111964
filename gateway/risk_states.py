"""Each conversation's risk state (bot.risk.conversation.RiskState), kept in Redis beside it.

Flags only, never words; the key expires with the conversation and is deleted with it. If Redis
is down the message is judged with a fresh state (alone), never refused.
"""

from __future__ import annotations

import json
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.redis_keys import RISK_STATE
from bot.risk.conversation import RiskState

logger = logging.getLogger(__name__)
PREFIX = RISK_STATE


class RiskStates:
    def __init__(self, redis: Redis, ttl_seconds: int):
        self.redis = redis
        self.ttl = ttl_seconds

    @staticmethod
    def key(session: str) -> str:
        return PREFIX + session

    async def get(self, session: str) -> RiskState:
        try:
            stored = await self.redis.get(self.key(session))
        except RedisError as error:
            logger.warning("Risk state unavailable, judging the message alone: %s", type(error).__name__)
            return RiskState()
        return RiskState.from_dict(json.loads(stored)) if stored else RiskState()

    async def put(self, session: str, state: RiskState) -> None:
        try:
            await self.redis.set(self.key(session), json.dumps(state.as_dict()), ex=self.ttl)
        except RedisError as error:
            logger.warning("Risk state not kept: %s", type(error).__name__)
