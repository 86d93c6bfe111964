"""Rasa's REST channel as Backup needs it (credentials.yml points Rasa here).

Differences from Rasa's own: a failure is logged without the message text; replies after a
handoff keep the call option (the handoff's payload from the domain, marked pinned); when a
deployment turns the review queue on, a message the NLU did not understand is offered to it
(bot.review: redacted, unlinked, never from a conversation that touched on risk); and what only
Rasa knows is counted for service owners' insight (bot.insight: the topic, a fallback reply, a
review item kept; by the site in the message's metadata, never the text or the session).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from backup_rasa import speedups
from backup_rasa.tracker_store import RedisTrackerStore
from bot import risk
from bot.insight.counter import Counter
from bot.insight.measures import REPLY_FALLBACK, REVIEW_KEPT, topic
from bot.redis_connection import RedisAddress
from bot.review.queue import Item, ReviewQueue, touches_risk, worth_review
from bot.risk.rules import RISK_INTENTS
from bot.settings import get_settings
from bot.sites import SITE_ID

logger = logging.getLogger(__name__)

HANDOFF = "utter_handoff"
FALLBACK = "utter_default"
FALLBACK_ACTIONS = {FALLBACK, "action_default_fallback"}  # the NLU's fallback rule; the policies' own


def response_messages(agent: Agent, name: str, recipient: str) -> list[dict[str, Any]]:
    """A domain response as the REST channel would send it: text first, then its payload."""
    variation = agent.domain.responses[name][0]
    messages = [{"recipient_id": recipient, "text": variation["text"].strip()}]
    if "custom" in variation:
        messages.append({"recipient_id": recipient, "custom": variation["custom"]})
    return messages


def pinned_call(agent: Agent, recipient: str) -> dict[str, Any]:
    payload = agent.domain.responses[HANDOFF][0]["custom"]
    return {"recipient_id": recipient, "custom": {**payload, "pinned": True}}


def handed_off(events: list[dict[str, Any]]) -> bool:
    return any(event.get("event") == "action" and event.get("name") == HANDOFF for event in events)


def redis_store(store: TrackerStore | None) -> RedisTrackerStore | None:
    """Backup's Redis store inside Rasa's wrappers, when endpoints.yml names it."""
    while store is not None and not isinstance(store, RedisTrackerStore):
        store = getattr(store, "_tracker_store", None)
    return store


def this_session(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    starts = [index for index, event in enumerate(events) if event.get("event") == "session_started"]
    return events[starts[-1]:] if starts else events


async def session_events(agent: Agent, sender_id: str, message_id: str) -> list[dict[str, Any]]:
    """The conversation's current session as stored, once the message is handled. The Redis
    store's save keeps the events it just saved (backup_rasa.tracker_store); failing those, they are
    read as JSON: rebuilding a tracker, only to look for one action, cost ~7% of Rasa's time a message."""
    store = redis_store(agent.tracker_store)
    if store is not None:
        saved = store.take_saved_events(message_id)
        if saved is not None:
            return this_session(saved)
        stored = store.red.get(store.key_prefix + sender_id)
        return this_session(json.loads(stored)["events"] if stored else [])
    tracker = await agent.tracker_store.retrieve(sender_id)
    return this_session(tracker.as_dialogue().as_dict()["events"] if tracker else [])


def review_item(tracker: DialogueStateTracker | None, message_id: str, confidence_below: float) -> Item | None:
    """The message as the NLU read it, if worth review and its conversation never touched on risk."""
    if tracker is None:
        return None
    turns = [event for event in tracker.events if isinstance(event, UserUttered)]
    if any(turn.intent_name in RISK_INTENTS or touches_risk(turn.parse_data) for turn in turns):
        return None
    turn = next((turn for turn in reversed(turns) if turn.message_id == message_id), None)
    return worth_review(turn.parse_data, confidence_below) if turn else None


def authorised(header: str | None, token: str) -> bool:
    """Rasa's `--auth-token` guards its HTTP API but not the channels' webhooks; only the gateway,
    which holds the token, may send a message."""
    return hmac.compare_digest((header or "").encode(), f"Bearer {token}".encode())


def insight_site(metadata: Any) -> str | None:
    """The site the gateway named in the message's metadata, if it is a site id at all."""
    site = metadata.get("site") if isinstance(metadata, dict) else None
    return site if isinstance(site, str) and re.match(SITE_ID, site) else None


def turn_measures(events: list[dict[str, Any]], failed: bool) -> tuple[str, ...]:
    """The topic of the message just handled (its intent, if in the catalogue) and whether the
    reply to it was the fallback."""
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return (REPLY_FALLBACK,) if failed else ()
    intent = ((events[users[-1]].get("parse_data") or {}).get("intent") or {}).get("name")
    fallback = failed or any(event.get("event") == "action" and event.get("name") in FALLBACK_ACTIONS
                             for event in events[users[-1] + 1:])
    return tuple(measure for measure in (topic(intent), REPLY_FALLBACK if fallback else None) if measure)


def carries_call(messages: list[dict[str, Any]]) -> bool:
    return any(message.get("custom", {}).get("type") == "handoff" for message in messages)


class BackupRestInput(RestInput):
    def __init__(self) -> None:
        super().__init__()
        speedups.apply()
        settings = get_settings()
        self.token = settings.rasa_token
        self.review_below = settings.review_confidence_below
        self.review_delay = settings.review_delay_seconds
        self.pending: set[asyncio.Task] = set()
        self.review: ReviewQueue | None = None
        self.insight = Counter(RedisAddress.from_settings(settings).async_client(), settings.insight_counting)
        if settings.review_queue_enabled:
            self.review = ReviewQueue.from_settings(settings)
            # The queue screens each item again: the screen loads (or first fits its model in this
            # environment, ~1 minute) now, before Rasa answers anyone, not on the first item.
            risk.get_screen()
            logger.info("Review queue on: redacted messages the NLU did not understand are kept %d days.",
                        settings.review_queue_days)

    def offer_for_review(self, agent: Agent, sender_id: str, message_id: str, site: str | None) -> None:
        """Decides later, so a crisis that follows within the delay (or that the gateway passes on
        after its reply) still keeps the whole conversation out; a cleared one is gone by then."""
        task = asyncio.create_task(self._review_later(agent, sender_id, message_id, site))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _review_later(self, agent: Agent, sender_id: str, message_id: str, site: str | None) -> None:
        try:
            await asyncio.sleep(self.review_delay)
            tracker = await agent.tracker_store.retrieve(sender_id)
            item = review_item(tracker, message_id, self.review_below)
            if item is not None and self.review is not None and await asyncio.to_thread(self.review.add, item) and site:
                self.insight.count(site, REVIEW_KEPT)
        except Exception as error:  # the queue is for trainers: never at a person's cost
            logger.warning("Could not keep a message for review: %s", type(error).__name__)

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("backup_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            """Kubernetes' readiness probe (no token: Rasa's /status needs one): 200 only once the
            agent has its model loaded, and nothing about the model said."""
            agent: Agent | None = getattr(request.app.ctx, "agent", None)
            loaded = agent is not None and agent.is_ready()
            return response.json({"ready": loaded}, status=200 if loaded else 503)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not authorised(request.headers.get("Authorization"), self.token):
                return response.json({"error": "unauthorised"}, status=401)
            sender_id = await self._extract_sender(request)
            agent: Agent = request.app.ctx.agent
            collector = CollectingOutputChannel()
            message = UserMessage(
                self._extract_message(request), collector, sender_id,
                input_channel=self.name(), metadata=self.get_metadata(request),
            )
            failed = False
            try:
                await on_new_message(message)
            except Exception as error:  # the person must still get an answer
                logger.error("Handling a message failed: %s", type(error).__name__)
                collector.messages = response_messages(agent, FALLBACK, sender_id)
                failed = True
            events = await session_events(agent, sender_id, message.message_id)
            site = insight_site(message.metadata)
            if site:
                self.insight.count(site, *turn_measures(events, failed))
            if not carries_call(collector.messages) and handed_off(events):
                collector.messages.append(pinned_call(agent, sender_id))
            if self.review is not None:
                self.offer_for_review(agent, sender_id, message.message_id, site)
            return response.json(collector.messages)

        return webhook
