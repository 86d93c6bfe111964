"""Turns Rasa's REST replies into the widget's typed messages, and makes the gateway's own."""

from __future__ import annotations

from typing import Any

from bot.content import UNAVAILABLE, domain_response

CUSTOM_TYPES = {"handoff", "call"}


def from_rasa(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    messages = []
    for reply in replies:
        if reply.get("text"):
            message = {"type": "text", "text": reply["text"]}
            if reply.get("buttons"):
                message["buttons"] = [
                    {"title": b["title"], "payload": b["payload"]} for b in reply["buttons"]
                ]
            messages.append(message)
        custom = reply.get("custom")
        if isinstance(custom, dict) and custom.get("type") in CUSTOM_TYPES:
            messages.append(dict(custom))
    return messages


class Replies:
    """The gateway's own answers, worded in domain.yml where Rasa's are."""

    def __init__(self) -> None:
        handoff = domain_response("utter_handoff")
        self.handoff_text = handoff["text"].strip()
        self.handoff_payload = dict(handoff["custom"])

    def handoff(self) -> list[dict[str, Any]]:
        return [{"type": "text", "text": self.handoff_text}, dict(self.handoff_payload)]

    def unavailable(self) -> list[dict[str, Any]]:
        return [{"type": "text", "text": UNAVAILABLE}, {**self.handoff_payload, "type": "call"}]
