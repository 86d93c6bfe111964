"""Runs the risk screen inside Rasa's NLU pipeline, after the intent classifier.

On `crisis` or `concern` the message's intent becomes `risk_crisis` or `risk_concern` with
confidence 1.0, so the rules hand off (or ask the check question) ahead of any other intent
and the fallback classifier after it never fires. On `none` the screen is authoritative too:
a classifier guess of a risk intent is replaced by its best other intent.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.risk import Assessment, Level, RiskScreen, get_screen

RISK_INTENTS = {Level.CRISIS: "risk_crisis", Level.CONCERN: "risk_concern"}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskScreenClassifier(GraphComponent, IntentClassifier):
    def __init__(self, screen: RiskScreen) -> None:
        self.screen = screen

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskScreenClassifier:
        return cls(get_screen())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text:
                self._apply(message, self.screen.assess(text))
        return messages

    def _apply(self, message: Message, assessment: Assessment) -> None:
        message.set("risk", assessment.as_dict(), add_to_output=True)
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] not in RISK_INTENTS.values()]
        if assessment.level in RISK_INTENTS:
            intent = {"name": RISK_INTENTS[assessment.level], "confidence": 1.0}
            # The screen is certain, so no other intent keeps any confidence: a competitor left
            # near 1.0 would make FallbackClassifier call the message ambiguous and fall back.
            ranking = [intent, *({**row, "confidence": 0.0} for row in ranking)]
        elif (message.get(INTENT) or {}).get("name") in RISK_INTENTS.values():
            intent = ranking[0] if ranking else {"name": None, "confidence": 0.0}
        else:
            return
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
