"""Keeps the site a message came from: the gateway sends its id as message metadata ("site"), and
this component gives it to Rasa as the `site` entity, which fills the `site` slot (domain.yml).
Neither influences the dialogue; actions/local_contacts.py reads the slot to add that site's local
contacts. A message without a site (`make shell`) leaves the slot as it was: national answers only."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot.sites import SITE_ID

SITE_ENTITY = "site"


def site_of(message: Message) -> str | None:
    site = (message.get("metadata") or {}).get("site")
    return site if isinstance(site, str) and re.match(SITE_ID, site) else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class SiteFromMetadata(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SiteFromMetadata:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            site = site_of(message)
            if site:
                found = {"entity": SITE_ENTITY, "value": site, "start": 0, "end": 0, "extractor": type(self).__name__}
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), found], add_to_output=True)
        return messages
