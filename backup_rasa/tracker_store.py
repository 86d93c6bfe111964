"""Rasa's Redis tracker store, saving without replaying the conversation (endpoints.yml names it).

Rasa's own save reads the stored conversation back, rebuilds it as events and replays it to check
that nothing is lost (~10% of Rasa's time a message; profiles: BENCHMARKS.md). The stored
conversation is almost always exactly the start of the one being saved (the processor read it
under the conversation's lock and added this turn), which comparing the JSON shows far more
cheaply; anything else still goes through Rasa's merge. The events saved are kept, by message, for
the REST channel, which looks in them for a handoff instead of reading the conversation back.

It connects through bot.redis_connection: to one Redis, or to the master Redis Sentinel names
(`sentinels`, `sentinel_master` in endpoints.yml), which Rasa's own store cannot. With
`replicas_to_ack` a save returns only once that many replicas have it (Redis WAIT), and fails
otherwise, so no answer the person saw rests on a write a failover could lose. Rasa wraps every
tracker store in a fail-safe one that logs a failed save and keeps the conversation in memory, so
the failure is also kept for the message: the channel's take_saved_events raises it, and the
person gets the gateway's kind message instead of an answer nothing kept.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

import redis
from rasa.core.tracker_store import RedisTrackerStore as RasaRedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_connection import RedisAddress, wait_for_replicas

# Saved conversations kept for the channel, at most (it takes each at once; more means none took them).
SAVED_LIMIT = 256


def starts(stored: str | bytes, dialogue: dict[str, Any]) -> bool:
    """Whether the stored conversation is the same conversation's first events, unchanged."""
    prior = json.loads(stored)
    events = prior.get("events", [])
    return prior.get("name") == dialogue["name"] and dialogue["events"][: len(events)] == events


class RedisTrackerStore(RasaRedisTrackerStore):
    def __init__(self, *args: Any, sentinels: str = "", sentinel_master: str = "", replicas_to_ack: int | str = 0,
                 **kwargs: Any) -> None:
        # Rasa builds a store named by its module path with the arguments it gives its own "redis"
        # type (host from the url, domain, event broker, the endpoint's other keys), so all pass on;
        # its client is then replaced by one that can go through Sentinel, before anything is sent.
        super().__init__(*args, **kwargs)
        self.red = RedisAddress.of_client(self.red, sentinels, sentinel_master).client(decode_responses=True)
        self.replicas_to_ack = int(replicas_to_ack)
        self.saved_events: OrderedDict[str, list[dict[str, Any]] | redis.RedisError] = OrderedDict()

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        try:
            await self.save_and_wait(tracker, timeout)
        except redis.RedisError as error:
            self.remember(tracker, error)
            raise

    async def save_and_wait(self, tracker: DialogueStateTracker, timeout: float | None) -> None:
        key = self.key_prefix + tracker.sender_id
        dialogue = tracker.as_dialogue().as_dict()
        stored = self.red.get(key)
        if stored is not None and not starts(stored, dialogue):
            await super().save(tracker, timeout)
        else:
            await self.stream_events(tracker)
            self.red.set(key, json.dumps(dialogue), ex=timeout or self.record_exp or None)
            self.remember(tracker, dialogue["events"])
        # WAIT counts this connection's writes: the SET's, as these blocking calls run one after
        # another in Rasa's one thread and the pool hands back the connection last returned.
        wait_for_replicas(self.red, self.replicas_to_ack)

    def remember(self, tracker: DialogueStateTracker, saved: list[dict[str, Any]] | redis.RedisError) -> None:
        """Reading them back from Redis would cost the channel a round trip and a JSON parse as long
        as the conversation. The channel takes them (or the save's error); the oldest go past SAVED_LIMIT."""
        message = tracker.latest_message
        if message is None or not message.message_id:
            return
        self.saved_events[message.message_id] = saved
        while len(self.saved_events) > SAVED_LIMIT:
            self.saved_events.popitem(last=False)

    def take_saved_events(self, message_id: str) -> list[dict[str, Any]] | None:
        """The events saved with this message, taken so that they do not pile up; raises the error
        if the save failed."""
        saved = self.saved_events.pop(message_id, None)
        if isinstance(saved, redis.RedisError):
            raise saved
        return saved
