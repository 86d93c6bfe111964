"""The Rasa component on its own: how the risk verdict rewrites a message's intent and entities."""

import pytest
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.message import Message

from backup_rasa.risk_classifier import NOT_TOPICS, RiskScreenClassifier
from bot.risk import Level
from bot.risk.conversation import RiskState, Verdict


@pytest.fixture
def component() -> RiskScreenClassifier:
    return RiskScreenClassifier(RiskScreenClassifier.get_default_config())


def classified(text: str, *ranking: tuple[str, float], verdict: Verdict | None = None) -> Message:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    metadata = {"risk": verdict.as_dict()} if verdict else None
    return Message(data={"text": text, "intent": intents[0], "intent_ranking": intents, "metadata": metadata})


def entities(message: Message) -> list[str]:
    return [entity["entity"] for entity in message.get("entities") or []]


def test_crisis_overrides_any_intent(component):
    message = classified("honestly gonna kms", ("greet", 0.9), ("thank", 0.1))
    component.process([message])
    assert message.get("intent") == {"name": "risk_crisis", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == ["risk_crisis", "greet", "thank"]
    assert [r["confidence"] for r in message.get("intent_ranking")] == [1.0, 0.0, 0.0]
    assert message.get("risk")["level"] == "crisis" and message.get("risk")["hand_off"]


def test_the_gateways_verdict_is_used_without_screening_again(component):
    # Words that alone are nothing; the gateway read them after distress, so they hand off.
    verdict = Verdict(Level.CRISIS, ("after.could_change",), hand_off=True)
    message = classified("that could change", ("out_of_scope", 0.6), verdict=verdict)
    component.process([message])
    assert message.get("intent")["name"] == "risk_crisis"
    assert message.get("risk")["rules"] == ["after.could_change"]


def test_concern_with_a_topic_keeps_the_topic_and_asks(component):
    message = classified("flashbacks to that job and i cant cope anymore", ("trauma_exposure", 0.8), ("feeling_low", 0.1))
    component.process([message])
    assert message.get("intent") == {"name": "trauma_exposure", "confidence": 0.8}
    assert entities(message) == ["risk_check"]


def test_concern_without_a_topic_asks_the_question(component):
    message = classified("i feel hopeless", ("greet", 0.5))
    component.process([message])
    assert message.get("intent")["name"] == "risk_concern"
    assert entities(message) == []


def test_concern_after_the_question_was_asked_gives_support_not_the_question_again(component):
    verdict = Verdict(Level.CONCERN, ("concern.hopeless",), ask=False, state=RiskState(asked=True, answered_no=True))
    message = classified("still feel hopeless", ("out_of_scope", 0.4), verdict=verdict)
    component.process([message])
    assert message.get("intent")["name"] == "risk_concern"
    assert entities(message) == ["risk_asked"]


def test_concern_with_a_topic_after_the_question_just_answers_the_topic(component):
    verdict = Verdict(Level.CONCERN, ("concern.cannot_cope",), ask=False)
    message = classified("can't cope with the money side", ("money_worries", 0.7), verdict=verdict)
    component.process([message])
    assert message.get("intent") == {"name": "money_worries", "confidence": 0.7}
    assert entities(message) == []


def test_someone_else_at_risk_without_a_topic_is_how_to_help_them(component):
    message = classified("my crewmate said he wants to die, what do i do", ("out_of_scope", 0.5), ("colleague_concern", 0.3))
    component.process([message])
    assert message.get("intent") == {"name": "colleague_concern", "confidence": 1.0}


def test_a_classifier_guess_of_crisis_is_overruled_by_the_screen(component):
    message = classified("what's the number for the line", ("risk_crisis", 0.7), ("crisis_line_number", 0.2))
    component.process([message])
    assert message.get("intent") == {"name": "crisis_line_number", "confidence": 0.2}
    assert [r["name"] for r in message.get("intent_ranking")] == ["crisis_line_number"]


def test_none_leaves_the_classifier_alone(component):
    message = classified("what's the number", ("crisis_line_number", 0.95))
    component.process([message])
    assert message.get("intent") == {"name": "crisis_line_number", "confidence": 0.95}
    assert message.get("risk")["level"] == "none"
    assert entities(message) == []


def test_after_a_handoff_the_topic_is_answered_not_handed_off_again(component):
    verdict = Verdict(Level.CRISIS, (), hand_off=False, state=RiskState(handed_off=True, distress=True))
    message = classified("what happens when i ring", ("crisis_line_call_process", 0.9), verdict=verdict)
    component.process([message])
    assert message.get("intent")["name"] == "crisis_line_call_process"


def test_messages_without_text_are_skipped(component):
    message = Message(data={})
    component.process([message])
    assert message.get("risk") is None


def test_chat_intents_are_not_topics():
    assert {"greet", "affirm", "deny", "out_of_scope"} <= NOT_TOPICS


@pytest.mark.parametrize("text, level", [("i want to kill myself", "crisis"), ("i can't cope anymore", "concern")])
def test_a_risk_intent_survives_the_fallback_classifier_however_sure_the_classifier_was(component, text, level):
    # The bug this guards: the screen's 1.0 next to a classifier's 0.93 looked ambiguous to
    # FallbackClassifier, which replaced a crisis with nlu_fallback (37 of 197 crisis messages).
    message = classified(text, ("greet", 0.93), ("thank", 0.05))
    component.process([message])
    FallbackClassifier({**FallbackClassifier.get_default_config(), "threshold": 0.25}).process([message])
    assert message.get("intent") == {"name": f"risk_{level}", "confidence": 1.0}
    assert [row["confidence"] for row in message.get("intent_ranking")] == [1.0, 0.0, 0.0]


def test_every_topic_has_a_rule_that_answers_it_then_asks():
    import yaml

    from bot.risk.rules import RISK_INTENTS
    from bot.stack import ROOT

    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"]) - NOT_TOPICS - set(RISK_INTENTS)
    rules = yaml.safe_load((ROOT / "data" / "rules" / "risk.yml").read_text())["rules"]
    asking = {
        rule["steps"][0]["intent"] for rule in rules
        if rule["steps"][0].get("entities") == [{"risk_check": "yes"}]
        and rule["steps"][-1] == {"action": "utter_check_suicidal_thoughts"}
    }
    assert intents == asking
