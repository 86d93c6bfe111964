"""Turns the risk verdict into what Rasa's rules act on, after the intent classifier.

The gateway screens every message in its conversation (bot.risk.conversation) and sends the
verdict as message metadata ("risk"); a message that comes without one (`make shell`, a direct
call to Rasa) is screened here, alone. Then:

- hand off: the intent becomes `risk_crisis` (confidence 1.0), so the handoff wins over anything;
- ask: a message with a topic keeps it and gains the `risk_check` entity, so the rules answer the
  topic and then ask the suicide question; without a topic the intent becomes `risk_concern`;
- concern already asked about, or "I'm not suicidal": the topic is answered; without one the
  intent becomes `risk_concern` with the `risk_asked` entity (support, not the question again);
- someone else at risk and no clear topic: `colleague_concern`, how to help them;
- otherwise the classifier's intent stands, but never a risk intent it guessed.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.risk import Level
from bot.risk.conversation import RiskState, Verdict, judge
from bot.risk.rules import RISK_INTENTS

CRISIS_INTENT, CONCERN_INTENT, COLLEAGUE_INTENT = "risk_crisis", "risk_concern", "colleague_concern"
ASK_ENTITY, ASKED_ENTITY = "risk_check", "risk_asked"
# Intents that are not a topic to answer before the question: chat, and the unclear.
NOT_TOPICS = {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "out_of_scope"}


def verdict_of(message: Message) -> Verdict | None:
    data = (message.get("metadata") or {}).get("risk")
    try:
        return Verdict.from_dict(data) if isinstance(data, dict) else None
    except (KeyError, ValueError):
        return None


def entity(name: str) -> dict[str, Any]:
    return {"entity": name, "value": "yes", "start": 0, "end": 0, "extractor": RiskScreenClassifier.__name__}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskScreenClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The least confidence at which the classifier's topic is answered (the fallback's threshold).
        return {"topic_confidence": 0.25}

    def __init__(self, config: dict[str, Any]) -> None:
        self.topic_confidence = config["topic_confidence"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskScreenClassifier:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text:
                verdict = verdict_of(message) or self._screen_alone(text)
                self._apply(message, verdict)
        return messages

    @staticmethod
    def _screen_alone(text: str) -> Verdict:
        # Imported here: with the gateway's verdict, Rasa never loads the screen and its model.
        from bot.risk import get_screen

        return judge(get_screen().assess(text), RiskState())

    def _topic(self, ranking: list[dict[str, Any]]) -> dict[str, Any] | None:
        best = ranking[0] if ranking else None
        if best and best["name"] not in NOT_TOPICS and best["confidence"] >= self.topic_confidence:
            return best
        return None

    def _apply(self, message: Message, verdict: Verdict) -> None:
        message.set("risk", verdict.as_dict(), add_to_output=True)
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] not in RISK_INTENTS]
        guessed_risk = (message.get(INTENT) or {}).get("name") in RISK_INTENTS
        topic = self._topic(ranking)
        extra: list[dict[str, Any]] = []
        if verdict.hand_off:
            intent = {"name": CRISIS_INTENT, "confidence": 1.0}
        elif verdict.level is Level.CONCERN and topic is None:
            intent = {"name": CONCERN_INTENT, "confidence": 1.0}
            extra = [] if verdict.ask else [entity(ASKED_ENTITY)]
        elif verdict.someone_else and topic is None:
            intent = {"name": COLLEAGUE_INTENT, "confidence": 1.0}
        else:
            if verdict.ask:
                extra = [entity(ASK_ENTITY)]
            if not (guessed_risk or extra):
                return
            intent = ranking[0] if ranking else {"name": None, "confidence": 0.0}
        if intent["name"] != (ranking[0]["name"] if ranking else None):
            # The screen is certain, so no other intent keeps any confidence: a competitor left
            # near 1.0 would make FallbackClassifier call the message ambiguous and fall back.
            ranking = [intent, *({**row, "confidence": 0.0} for row in ranking if row["name"] != intent["name"])]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        if extra:
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), *extra], add_to_output=True)
