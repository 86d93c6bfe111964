"""The risk screen inside the real Rasa: handoff, the check question, and the pinned call option."""

import httpx
import pytest
import yaml

from bot.crisis_line import TEL
from bot.risk import Level, get_screen
from bot.risk.conversation import RiskState, judge
from bot.risk.rules import RISK_INTENTS, read_jsonl
from bot.stack import ROOT

pytestmark = pytest.mark.integration

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
HANDOFF_TEXT = DOMAIN["utter_handoff"][0]["text"].strip()
CHECK_TEXT = DOMAIN["utter_check_suicidal_thoughts"][0]["text"].strip()


def handoff(replies: list[dict]) -> dict | None:
    return next((r["custom"] for r in replies if r.get("custom", {}).get("type") == "handoff"), None)


def assert_handoff(replies: list[dict]) -> None:
    texts = [r["text"] for r in replies if "text" in r]
    assert texts == [HANDOFF_TEXT]  # nothing from the message is echoed back
    payload = handoff(replies)
    assert payload["tel"] == TEL and payload["emergency_tel"] == "tel:999"


def test_crisis_as_the_first_message(say):
    assert_handoff(say("ive got the pills ready, tonight's the night"))


def test_crisis_in_the_middle_of_another_topic(say):
    assert handoff(say("drowning in debt, payday loans everywhere")) is None
    assert_handoff(say("honestly gonna kms"))


def test_every_reply_after_a_handoff_keeps_the_call_pinned(say):
    say("I want to end my life")
    for text in ("thanks", "what happens when i call", "/out_of_scope"):
        pinned = handoff(say(text))
        assert pinned is not None and pinned["pinned"] is True


def test_crisis_after_a_handoff_hands_off_again(say):
    say("i'm going to jump off the bridge")
    say("no")
    assert_handoff(say("i dont want to be alive anymore"))


def test_declining_the_call_is_accepted_without_argument(say):
    say("I'm not safe tonight")
    replies = say("no")
    assert "That's OK" in replies[0]["text"]
    assert handoff(replies)["pinned"] is True


def test_concern_then_yes_hands_off(say):
    replies = say("i'm at breaking point")
    assert [r["text"] for r in replies if "text" in r][-1] == CHECK_TEXT
    assert_handoff(say("yes"))


def test_concern_then_no_goes_back_to_support(say):
    say("everything is falling apart")
    replies = say("no, nothing like that")
    assert "Samaritans" in replies[0]["text"] and handoff(replies) is None


@pytest.mark.parametrize("text", [
    "attended a hanging on nights, can't stop thinking about it",
    "this shift is killing me",
    "my crewmate took his own life last month",
])
def test_hard_negatives_get_no_handoff(say, text):
    replies = say(text)
    assert handoff(replies) is None
    assert all(r.get("text") not in (HANDOFF_TEXT, CHECK_TEXT) for r in replies)


def test_rasa_routes_every_labelled_message_as_the_screen_judged_it(stack):
    """Nothing between the screen and the policies (the fallback classifier, say) may undo it:
    crisis is the handoff intent, concern the question (alone, or with the topic's answer)."""
    screen = get_screen()
    wrong = []
    with httpx.Client(base_url=stack.settings.rasa_url, params={"token": stack.settings.rasa_token}) as rasa:
        for _, row in read_jsonl(ROOT / "tests/data/risk_eval.jsonl"):
            verdict = judge(screen.assess(row["text"]), RiskState())
            parse = rasa.post("/model/parse", json={"text": row["text"]}, timeout=30).json()
            intent = parse["intent"]["name"]
            asks = intent == "risk_concern" or "risk_check" in {e["entity"] for e in parse["entities"]}
            if verdict.hand_off:
                ok = intent == "risk_crisis"
            elif verdict.level is Level.CONCERN:
                ok = intent != "risk_crisis" and asks == verdict.ask
            else:
                ok = intent not in RISK_INTENTS and not asks
            if not ok:
                wrong.append((verdict.level.value, intent))
    assert wrong == []
