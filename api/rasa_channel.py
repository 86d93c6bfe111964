"""Rasa's REST channel as Backup needs it (credentials.yml points Rasa here).

Two differences from Rasa's own: a failure is logged without the message text, and replies
after a handoff keep the call option: the handoff's payload from the domain, marked pinned.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import ActionExecuted
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_speedups

logger = logging.getLogger(__name__)

HANDOFF = "utter_handoff"
FALLBACK = "utter_default"


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


async def handed_off(agent: Agent, sender_id: str) -> bool:
    tracker = await agent.tracker_store.retrieve(sender_id)
    return tracker is not None and any(
        isinstance(event, ActionExecuted) and event.action_name == HANDOFF for event in tracker.events
    )


def carries_call(messages: list[dict[str, Any]]) -> bool:
    return any(message.get("custom", {}).get("type") == "handoff" for message in messages)


class BackupRestInput(RestInput):
    def __init__(self) -> None:
        super().__init__()
        rasa_speedups.apply()

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("backup_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            agent: Agent = request.app.ctx.agent
            collector = CollectingOutputChannel()
            message = UserMessage(
                self._extract_message(request), collector, sender_id,
                input_channel=self.name(), metadata=self.get_metadata(request),
            )
            try:
                await on_new_message(message)
            except Exception as error:  # noqa: BLE001 (the person must still get an answer)
                logger.error("Handling a message failed: %s", type(error).__name__)
                collector.messages = response_messages(agent, FALLBACK, sender_id)
            if not carries_call(collector.messages) and await handed_off(agent, sender_id):
                collector.messages.append(pinned_call(agent, sender_id))
            return response.json(collector.messages)

        return webhook
