"""The review queue's store: one Redis key per message, with a random name and its own expiry.

Nothing ties two items together: no session id, no time, no order (Redis SCAN walks keys in hash
order), so nobody can rebuild a conversation from the queue. A message with any sign of risk is
never kept, whatever the caller decided: the risk screen is asked again here.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import redis

from bot import risk
from bot.redis_connection import RedisAddress
from bot.redis_keys import REVIEW
from bot.review.redact import redact
from bot.risk import Level
from bot.risk.rules import RISK_INTENTS
from bot.settings import Settings

PREFIX = REVIEW
NOT_A_GUESS = {*RISK_INTENTS, "nlu_fallback"}
SECONDS_A_DAY = 86_400


@dataclass(frozen=True)
class Item:
    text: str
    guess: str
    confidence: float


def touches_risk(parse: dict[str, Any]) -> bool:
    """The risk verdict the message was read with (concern keeps its topic intent) was not none."""
    return (parse.get("risk") or {}).get("level", "none") != Level.NONE.value


def worth_review(parse: dict[str, Any], confidence_below: float) -> Item | None:
    """An item (text not yet redacted) when the NLU fell back or was unsure, else None.

    The guess is the best real intent in the ranking, for the trainer to confirm or correct.
    """
    intent = parse.get("intent") or {}
    if intent.get("name") in RISK_INTENTS or touches_risk(parse):
        return None
    if intent.get("name") != "nlu_fallback" and intent.get("confidence", 0.0) >= confidence_below:
        return None
    ranking = [row for row in parse.get("intent_ranking") or [] if row.get("name") not in NOT_A_GUESS]
    best: dict[str, Any] = ranking[0] if ranking else {"name": "out_of_scope", "confidence": 0.0}
    return Item(parse.get("text") or "", str(best["name"]), round(float(best["confidence"]), 3))


class ReviewQueue:
    def __init__(self, client: redis.Redis, days: int) -> None:
        self.client = client
        self.ttl = days * SECONDS_A_DAY

    @classmethod
    def from_settings(cls, settings: Settings) -> ReviewQueue:
        """On the deployment's Redis (through Sentinel when it has one), keeping items the days it says."""
        return cls(RedisAddress.from_settings(settings).client(), settings.review_queue_days)

    def add(self, item: Item) -> bool:
        """Keeps a redacted copy; False (nothing kept) for a risk message or an empty one."""
        # The screen loads on the first item (in Rasa's process, only when the queue is on).
        if risk.get_screen().assess(item.text).level is not Level.NONE:
            return False
        text = " ".join(redact(item.text).split())
        if not text:
            return False
        value = json.dumps({"text": text, "guess": item.guess, "confidence": item.confidence})
        self.client.set(PREFIX + secrets.token_hex(16), value, ex=self.ttl)
        return True

    def items(self) -> dict[str, Item]:
        """Every waiting item by its key (what `delete` takes)."""
        keys = list(self.client.scan_iter(match=PREFIX + "*", count=500))
        values = self.client.mget(keys) if keys else []
        return {
            key.decode(): Item(**json.loads(value))
            for key, value in zip(keys, values)
            if value is not None  # expired between SCAN and MGET
        }

    def delete(self, keys: list[str]) -> None:
        if keys:
            self.client.delete(*keys)
