"""Turns Rasa's REST replies into the widget's typed messages, and makes the gateway's own."""

from __future__ import annotations

from typing import Any

from bot.content import UNAVAILABLE, domain_response

CUSTOM_TYPES = {"handoff", "call"}


def from_rasa(replies: Any) -> list[dict[str, Any]]:
    """Rasa's REST replies as the widget's messages; anything else in them is left out."""
    messages: list[dict[str, Any]] = []
    for reply in replies if isinstance(replies, list) else []:
        if not isinstance(reply, dict):
            continue
        if isinstance(reply.get("text"), str) and reply["text"]:
            message: dict[str, Any] = {"type": "text", "text": reply["text"]}
            buttons = [{"title": b["title"], "payload": b["payload"]} for b in reply.get("buttons") or []
                       if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)]
            if buttons:
                message["buttons"] = buttons
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
