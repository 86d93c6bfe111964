"""The site's own contacts after a topic's national answer, as a `contacts` card payload.

The national answer (domain.yml) comes first and does not depend on this action: if the action
server is down, Rasa still sends it, without the cards. Contacts come only from the registry entry
of the site the message came from (the gateway's metadata, which Rasa keeps with each message of
the conversation), never from what the person typed; a site with no contacts for the topic adds
nothing. Read from the metadata, not a slot: an entity and a slot set on every message cost Rasa
CPU on every message, for the few that need the site.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import get_settings
from bot.sites import Registry, Site, load_registry

# Each national answer and the topic whose local contacts follow it.
TOPIC_OF_ANSWER = {
    "utter_other_support": "other_support",
    "utter_bereavement": "bereavement",
    "utter_bereavement_support": "bereavement_by_suicide",
    "utter_colleague_concern": "colleague",
    "utter_trauma_exposure": "trauma",
    "utter_money_worries": "money",
    "utter_relationship_problems": "relationships",
    "utter_sleep_problems": "sleep",
}


@lru_cache(maxsize=1)
def registry() -> Registry:
    return load_registry(Path(get_settings().sites_file))


def topic_of(tracker: Tracker) -> str | None:
    """The topic of the national answer just given: the last bot action before this one."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") in TOPIC_OF_ANSWER:
            return TOPIC_OF_ANSWER[event["name"]]
        if event.get("event") == "user":
            return None
    return None


def site_of(tracker: Tracker) -> str | None:
    """The site the latest message came from (metadata `site`, set by the gateway)."""
    metadata = tracker.latest_message.get("metadata") or {}
    return metadata.get("site") if isinstance(metadata, dict) else None


def contacts_message(site: Site, topic: str) -> dict[str, Any] | None:
    contacts = site.contacts_for(topic)
    if not contacts:
        return None
    return {"type": "contacts", "topic": topic, "heading": site.contacts_heading,
            "contacts": [contact.card() for contact in contacts]}


class ActionShowLocalContacts(Action):
    def name(self) -> str:
        return "action_show_local_contacts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        site_id, topic = site_of(tracker), topic_of(tracker)
        site = registry().get(site_id) if isinstance(site_id, str) else None
        message = contacts_message(site, topic) if site and topic else None
        if message:
            dispatcher.utter_message(json_message=message)
        return []
