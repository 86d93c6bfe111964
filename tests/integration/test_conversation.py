"""A real conversation through Rasa's REST channel, with Redis and the action server."""

import pytest

from bot.content import SELF_HELP_TIPS
from bot.crisis_line import NUMBER as CRISIS_NUMBER
from bot.crisis_line import TEL
from bot.redis_keys import TRACKER

pytestmark = pytest.mark.integration


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def test_multi_turn_confidentiality_then_the_call_then_the_number(say):
    assert "Backup" in texts(say("hiya"))
    assert "not shared" in texts(say("if i ring it will my sergeant find out"))
    assert "assessment" in texts(say("what happens when i call them"))
    number = say("whats the number")
    assert CRISIS_NUMBER in texts(number)
    call = next(reply["custom"] for reply in number if "custom" in reply)
    assert call["tel"] == TEL


def test_tracker_is_kept_in_redis_with_the_idle_expiry(say, redis_client, settings):
    say("hello")
    key = f"{TRACKER}{say.sender}"
    assert redis_client.exists(key)
    ttl = redis_client.ttl(key)
    assert 0 < ttl <= settings.conversation_ttl_seconds


def test_custom_action_keeps_its_place_across_turns(say):
    first = texts(say("/self_help"))
    second = texts(say("/self_help"))
    assert first.startswith(SELF_HELP_TIPS[0])
    assert second.startswith(SELF_HELP_TIPS[1])


def test_buttons_come_through_the_rest_channel(say):
    replies = say("/greet")
    payloads = [button["payload"] for reply in replies for button in reply.get("buttons", [])]
    assert "/confidentiality" in payloads


def test_low_confidence_gets_the_fallback_with_the_number(say):
    assert CRISIS_NUMBER in texts(say("zxqv blorp wibble"))
