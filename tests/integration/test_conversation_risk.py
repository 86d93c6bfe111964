"""Risk in a conversation, through the real gateway, Rasa and Redis: what a person sees."""

import httpx
import pytest
import yaml

from bot.crisis_line import NUMBER
from bot.stack import ROOT
from gateway.risk_states import PREFIX as RISK_PREFIX

from .conftest import chat_with

pytestmark = pytest.mark.integration

RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
CHECK = RESPONSES["utter_check_suicidal_thoughts"][0]["text"].strip()
HANDOFF = RESPONSES["utter_handoff"][0]["text"].strip()


def text_of(name: str) -> str:
    return RESPONSES[name][0]["text"].strip()


def texts(body: dict) -> list[str]:
    return [m["text"] for m in body["messages"] if m["type"] == "text"]


def handed_off(body: dict) -> bool:
    return any(m["type"] == "handoff" and not m.get("pinned") for m in body["messages"])


@pytest.fixture
def say(stack):
    return chat_with(stack.settings.gateway_url)


def test_an_overdose_disclosed_plainly_is_handed_off(say):
    body = say("I took an overdose")
    assert handed_off(body) and texts(body) == [HANDOFF]


def test_a_hedge_after_distress_is_handed_off(say):
    first = say("work's on top of me and i feel hopeless")
    assert texts(first)[-1] == CHECK
    assert not handed_off(say("no"))
    assert handed_off(say("not going to do anything now but that could change"))


def test_the_same_hedge_after_small_talk_is_not_handed_off(say):
    say("what's the overtime rate on bank holidays")
    body = say("can't guarantee anything")
    assert not handed_off(body)


def test_a_yes_to_the_question_is_handed_off_by_the_gateway(say):
    say("i'm at breaking point")
    body = say("sometimes")
    assert handed_off(body) and texts(body) == [HANDOFF]


def test_grief_after_a_colleagues_suicide_names_the_bereavement_service_then_asks_once(say):
    body = say("one of my team took his own life last month and i'm struggling to cope")
    answer, question = texts(body)
    assert "specialist bereavement counselling service" in answer and question == CHECK
    again = say("i still can't cope with it")
    assert CHECK not in texts(again) and not handed_off(again)


def test_flashbacks_get_the_trauma_answer_and_one_question(say):
    body = say("i keep getting flashbacks to that job and i can't cope anymore")
    assert texts(body) == [text_of("utter_trauma_exposure"), CHECK]
    no = say("no")
    assert CHECK not in texts(no) and "Samaritans" in texts(no)[0]


def test_not_suicidal_is_believed_and_not_asked(say):
    body = say("i'm not suicidal, i just can't cope with the workload")
    assert CHECK not in texts(body) and not handed_off(body)


def test_a_colleague_who_wants_to_die_gets_how_to_help_not_the_handoff(say):
    body = say("my crewmate told me he wants to die, what do i do")
    assert texts(body) == [text_of("utter_colleague_concern")]
    assert not any(m["type"] == "handoff" for m in body["messages"])


def test_an_emergency_for_someone_else_gets_999_first(say):
    body = say("someone has collapsed in front of me and is bleeding badly")
    assert texts(body)[0].startswith("If anyone's life is in immediate danger, call 999 now")


def test_the_fallback_names_999_and_the_line(say):
    body = say("/nlu_fallback")
    assert "999" in texts(body)[0] and NUMBER in texts(body)[0]


def test_rasa_down_still_reads_the_conversation(rasa_down_gateway):
    say = chat_with(rasa_down_gateway)
    say("i feel hopeless, i can't cope")
    assert handed_off(say("thanks for everything, bye"))


def test_the_risk_state_holds_flags_only_and_is_cleared_with_the_conversation(say, stack, redis_client):
    say("i feel hopeless")
    key = RISK_PREFIX + say.session["id"]
    stored = redis_client.get(key)
    assert stored is not None and "hopeless" not in stored
    assert 0 < redis_client.ttl(key) <= stack.settings.conversation_ttl_seconds
    assert httpx.delete(f"{stack.settings.gateway_url}/api/chat/{say.session['id']}").status_code == 204
    assert not redis_client.exists(key)
