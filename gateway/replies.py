"""Turns Rasa's REST replies into the widget's typed messages, and makes the gateway's own."""

from __future__ import annotations

from typing import Any

from bot.content import UNAVAILABLE, domain_response
from bot.sites import TOPICS, Site

CUSTOM_TYPES = {"handoff", "call"}
CONTACTS = "contacts"


def contacts_card(custom: dict[str, Any], site: Site | None) -> dict[str, Any] | None:
    """A `contacts` payload as the widget's message, or None: every contact in it must be, field for
    field, one of this site's own (so no other site's contact, and nothing from what the person
    typed, can reach the widget); only the fields the widget renders are kept."""
    if site is None or custom.get("topic") not in TOPICS or not isinstance(custom.get("contacts"), list):
        return None
    own = [contact.card() for contact in site.contacts]
    contacts = [contact for contact in custom["contacts"] if contact in own]
    if not contacts or len(contacts) != len(custom["contacts"]):
        return None
    return {"type": CONTACTS, "topic": custom["topic"], "heading": site.contacts_heading,
            "contacts": [dict(contact) for contact in contacts]}


def from_rasa(replies: Any, site: Site | None = None) -> list[dict[str, Any]]:
    """Rasa's REST replies as the widget's messages; anything else in them is left out. Local
    contacts pass only when they are the `site`'s own (the site the message came from)."""
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
        elif isinstance(custom, dict) and custom.get("type") == CONTACTS:
            card = contacts_card(custom, site)
            if card:
                messages.append(card)
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
