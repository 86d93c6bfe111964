"""The Rasa component on its own: how it rewrites a message's intent."""

import pytest
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.risk_screen import RiskScreenClassifier
from bot.risk import get_screen


@pytest.fixture
def component() -> RiskScreenClassifier:
    return RiskScreenClassifier(get_screen())


def classified(text: str, *ranking: tuple[str, float]) -> Message:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={"text": text, "intent": intents[0], "intent_ranking": intents})


def test_crisis_overrides_any_intent(component):
    message = classified("honestly gonna kms", ("greet", 0.9), ("thank", 0.1))
    component.process([message])
    assert message.get("intent") == {"name": "risk_crisis", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == ["risk_crisis", "greet", "thank"]
    assert [r["confidence"] for r in message.get("intent_ranking")] == [1.0, 0.0, 0.0]
    assert message.get("risk") == {"level": "crisis", "rules": ["crisis.kill_myself"]}


def test_concern_becomes_the_check_intent(component):
    message = classified("i feel hopeless", ("feeling_low", 0.8))
    component.process([message])
    assert message.get("intent")["name"] == "risk_concern"


def test_a_classifier_guess_of_crisis_is_overruled_by_the_screen(component):
    message = classified("my mate wants to kill himself", ("risk_crisis", 0.7), ("colleague_concern", 0.2))
    component.process([message])
    assert message.get("intent") == {"name": "colleague_concern", "confidence": 0.2}
    assert [r["name"] for r in message.get("intent_ranking")] == ["colleague_concern"]


def test_none_leaves_the_classifier_alone(component):
    message = classified("what's the number", ("crisis_line_number", 0.95))
    component.process([message])
    assert message.get("intent") == {"name": "crisis_line_number", "confidence": 0.95}
    assert message.get("risk") == {"level": "none", "rules": []}


def test_messages_without_text_are_skipped(component):
    message = Message(data={})
    component.process([message])
    assert message.get("risk") is None


@pytest.mark.parametrize("text, level", [("i want to kill myself", "crisis"), ("i can't cope anymore", "concern")])
def test_a_risk_intent_survives_the_fallback_classifier_however_sure_the_classifier_was(component, text, level):
    # The bug this guards: the screen's 1.0 next to a classifier's 0.93 looked ambiguous to
    # FallbackClassifier, which replaced a crisis with nlu_fallback (37 of 197 crisis messages).
    message = classified(text, ("help_stigma", 0.93), ("self_help", 0.05))
    component.process([message])
    FallbackClassifier({**FallbackClassifier.get_default_config(), "threshold": 0.25}).process([message])
    assert message.get("intent") == {"name": f"risk_{level}", "confidence": 1.0}
    assert [row["confidence"] for row in message.get("intent_ranking")] == [1.0, 0.0, 0.0]
