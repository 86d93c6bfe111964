"""The gateway's routing, in-process: the real app on a fake Redis (fakeredis) and a stub Rasa.

What goes to Rasa (and with which verdict), what the gateway answers itself, what it keeps in
Redis between turns, and what it refuses. See conftest.py for how the fakes are put in.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator

import pytest

from bot.content import CRISIS_NUMBER, GENERIC_ERROR, TOO_FAST, TOO_LONG, UNAVAILABLE
from bot.crisis_line import TEL
from bot.redis_keys import RATE_LIMITS, TRACKER
from gateway.replies import Replies
from gateway.risk_states import RiskStates
from gateway.sessions import is_valid, new_session

from .conftest import ORIGIN, OTHER_ORIGIN, OTHER_SITE, RASA_TOKEN, SECRET, SITE, closed_port

HELLO = "hello"
CRISIS = "i'm going to kill myself tonight"
CONCERN = "i'm at breaking point"
MORE_CONCERN = "i feel hopeless"
HANDOFF = Replies().handoff()
UNAVAILABLE_REPLY = Replies().unavailable()
NO_RISK = {"distress": False, "asked": False, "awaiting_answer": False, "answered_no": False,
           "handed_off": False, "someone_else": False}


async def say(client, message, session=None, site=SITE, origin=ORIGIN):
    headers = {"Origin": origin} if origin else {}
    return await client.post("/api/chat", json={"site": site, "session": session, "message": message},
                             headers=headers)


async def risk_state(redis, session) -> dict | None:
    stored = await redis.get(RiskStates.key(session))
    return json.loads(stored) if stored else None


def texts(body) -> str:
    return " ".join(m.get("text") or "" for m in body["messages"])


# --- Rasa's part ----------------------------------------------------------------------------------


async def test_an_ordinary_message_goes_to_rasa_with_its_verdict_and_comes_back_for_the_widget(gateway, rasa):
    rasa.reply = lambda body: [
        {"recipient_id": body["sender"], "text": "Hi, I'm Backup.",
         "buttons": [{"title": "The number", "payload": "/ask_number", "type": "postback"}]},
        {"recipient_id": body["sender"], "custom": {"type": "call", "tel": TEL}},
        {"recipient_id": body["sender"], "custom": {"type": "carousel"}},  # not the widget's: dropped
        {"recipient_id": body["sender"], "image": "https://example.org/x.png"},  # dropped
    ]
    async with gateway() as client:
        response = await say(client, HELLO)
        assert response.status_code == 200
        body = response.json()
        session = body["session"]
        assert is_valid(session, SECRET)
        assert body["messages"] == [
            {"type": "text", "text": "Hi, I'm Backup.", "buttons": [{"title": "The number", "payload": "/ask_number"}]},
            {"type": "call", "tel": TEL},
        ]
        [sent] = rasa.requests
        assert (sent.method, sent.path) == ("POST", "/webhooks/rest/webhook")
        assert sent.authorization == f"Bearer {RASA_TOKEN}"  # the channel refuses a message without it
        assert sent.body["sender"] == session and sent.body["message"] == HELLO
        assert sent.risk == {"level": "none", "rules": [], "hand_off": False, "ask": False,
                             "someone_else": False, "state": NO_RISK}

        again = (await say(client, "what's the number", session)).json()
        assert again["session"] == session
        assert rasa.messages[-1].body["sender"] == session


async def test_a_crisis_message_is_handed_off_by_the_gateway_and_rasa_only_told(gateway, rasa, fake_redis):
    async with gateway() as client:
        body = (await say(client, CRISIS)).json()
        # The gateway's own handoff, not Rasa's reply (the stub's greeting is not shown).
        assert body["messages"] == HANDOFF
        assert CRISIS_NUMBER in HANDOFF[0]["text"] and HANDOFF[1]["type"] == "handoff"
        assert HANDOFF[1]["tel"] == TEL
        # Rasa hears of it afterwards (a background task; done by the time the client returns).
        [told] = rasa.messages
        assert told.body["sender"] == body["session"] and told.body["message"] == CRISIS
        assert told.risk["level"] == "crisis" and told.risk["hand_off"] is True
        assert "crisis.kill_myself" in told.risk["rules"]
        assert (await risk_state(fake_redis, body["session"]))["handed_off"] is True

        # Later turns are answered by Rasa again, told the call stays pinned, not handed off again.
        later = (await say(client, "thanks", body["session"])).json()
        assert later["messages"][0]["text"] == "Hi, I'm Backup (stub)."
        assert rasa.messages[-1].risk["level"] == "crisis" and rasa.messages[-1].risk["hand_off"] is False


async def test_the_handoff_does_not_wait_for_a_slow_rasa(gateway, rasa):
    rasa.mode, rasa.delay = "slow", 5.0
    async with gateway(rasa_timeout_seconds=1.0) as client:
        started = time.monotonic()
        response = await say(client, CRISIS)
        done = time.monotonic()
        assert response.json()["messages"] == HANDOFF
        assert len(rasa.messages) == 1
        # The background tell waited for Rasa until the timeout; the reply had gone long before.
        assert 0.9 < done - started < 2.5
        assert client.stopwatch.sent_at - started < 0.5


async def test_a_concern_message_asks_and_a_yes_to_the_question_is_handed_off(gateway, rasa, fake_redis):
    async with gateway() as client:
        first = (await say(client, CONCERN)).json()
        session = first["session"]
        asked = rasa.messages[-1].risk
        assert asked["level"] == "concern" and asked["ask"] is True and asked["hand_off"] is False
        assert asked["state"]["asked"] is True and asked["state"]["awaiting_answer"] is True
        assert first["messages"][0]["type"] == "text"  # Rasa's answer (it asks the question)

        stored = await fake_redis.get(RiskStates.key(session))
        assert "breaking" not in stored  # flags only, never words
        assert json.loads(stored)["awaiting_answer"] is True
        assert 1790 < await fake_redis.ttl(RiskStates.key(session)) <= 1800

        yes = (await say(client, "yes", session)).json()
        assert yes["messages"] == HANDOFF
        told = rasa.messages[-1]
        assert told.body["message"] == "yes" and told.risk["hand_off"] is True
        assert "conversation.yes_to_question" in told.risk["rules"]
        assert len(rasa.messages) == 2

        # The same yes in another conversation is just a yes.
        elsewhere = (await say(client, "yes")).json()
        assert elsewhere["messages"] != HANDOFF and rasa.messages[-1].risk["level"] == "none"


async def test_the_risk_state_lives_as_long_as_the_conversation(gateway, rasa, fake_redis, redis_clock):
    async with gateway(conversation_ttl_seconds=60) as client:
        session = (await say(client, CONCERN)).json()["session"]
        redis_clock.advance(50)
        await say(client, MORE_CONCERN, session)  # a turn keeps the state (and the question open)
        redis_clock.advance(50)  # 100 s after the question, 50 s after the last turn
        assert await risk_state(fake_redis, session) is not None
        assert (await say(client, "yes", session)).json()["messages"] == HANDOFF

        quiet = (await say(client, CONCERN)).json()["session"]
        redis_clock.advance(61)  # idle past the conversation's TTL
        assert await risk_state(fake_redis, quiet) is None
        after = (await say(client, "yes", quiet)).json()
        assert after["messages"] != HANDOFF
        assert rasa.messages[-1].risk["level"] == "none"


async def test_a_question_rasa_never_asked_is_not_counted_as_asked(gateway, rasa):
    async with gateway(rasa_timeout_seconds=0.3) as client:
        rasa.mode = "error"
        first = (await say(client, CONCERN)).json()
        assert first["messages"] == UNAVAILABLE_REPLY
        rasa.mode = "ok"
        await say(client, MORE_CONCERN, first["session"])
        assert rasa.messages[-1].risk["ask"] is True


@pytest.mark.parametrize("failure", ["down", "error", "slow", "garbage", "empty"])
async def test_rasa_failing_gives_the_kind_reply_with_the_number_in_time(gateway, rasa, failure, caplog):
    timeout = 0.5
    overrides = {"rasa_timeout_seconds": timeout}
    if failure == "down":
        overrides["rasa_port"] = closed_port()
    elif failure == "empty":
        rasa.reply = lambda body: []
    else:
        rasa.mode = failure
    async with gateway(**overrides) as client:
        started = time.monotonic()
        response = await say(client, HELLO)
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["messages"] == UNAVAILABLE_REPLY
    assert CRISIS_NUMBER in UNAVAILABLE and UNAVAILABLE_REPLY[1]["type"] == "call"
    assert elapsed < timeout + 0.5
    if failure != "empty":
        assert "Rasa did not answer" in caplog.text


async def test_a_malformed_rasa_answer_gets_the_unavailable_reply(gateway, rasa):
    rasa.reply = lambda body: {"error": "not what the REST channel sends"}
    async with gateway(raise_app_exceptions=False) as client:
        response = await say(client, HELLO)
    assert response.status_code == 200 and response.json()["messages"] == UNAVAILABLE_REPLY


async def test_a_crisis_is_handed_off_with_rasa_down_and_past_the_rate_limit(gateway, rasa, fake_redis):
    async with gateway(messages_per_minute_per_session=1) as client:
        session = (await say(client, HELLO)).json()["session"]
        assert (await say(client, HELLO, session)).status_code == 429
        crisis = await say(client, CRISIS, session)
        assert crisis.status_code == 200 and crisis.json()["messages"] == HANDOFF
        assert len(rasa.messages) == 1  # Rasa is not told past the limit ...
        assert (await risk_state(fake_redis, session))["handed_off"] is True  # ... the state still moves on

        await rasa.stop()
        down = await say(client, CRISIS)
        assert down.status_code == 200 and down.json()["messages"] == HANDOFF


# --- what is refused ------------------------------------------------------------------------------


async def test_a_session_the_gateway_did_not_sign_is_replaced_not_trusted(gateway, rasa, fake_redis):
    forged = new_session("someone else's secret")
    # Even if that id had a conversation at risk, a forged id must not reach it.
    await fake_redis.set(RiskStates.key(forged), json.dumps({**NO_RISK, "distress": True, "asked": True,
                                                              "awaiting_answer": True}))
    async with gateway() as client:
        for bad in (forged, "not-a-session", "../../etc/passwd"):
            body = (await say(client, "yes", bad)).json()
            assert body["session"] != bad and is_valid(body["session"], SECRET)
            assert body["messages"] != HANDOFF
            assert rasa.messages[-1].body["sender"] == body["session"]
        too_long = await say(client, HELLO, "x" * 65)
        assert too_long.status_code == 422 and CRISIS_NUMBER in texts(too_long.json())
    assert len(rasa.messages) == 3


async def test_unknown_sites_and_other_origins_are_refused_before_anything_is_read(gateway, rasa, fake_redis):
    async with gateway() as client:
        unknown = await say(client, CRISIS, site="no-such-site")
        assert unknown.status_code == 404 and unknown.json()["messages"][0]["text"] == GENERIC_ERROR
        malformed = await say(client, HELLO, site="Not A Site")
        assert malformed.status_code == 422 and CRISIS_NUMBER in texts(malformed.json())
        foreign = await say(client, HELLO, origin="https://evil.example")
        assert foreign.status_code == 403 and CRISIS_NUMBER in texts(foreign.json())
        # An origin registered for one site cannot use another's id.
        assert (await say(client, HELLO, site=SITE, origin=OTHER_ORIGIN)).status_code == 403
        assert rasa.requests == [] and await fake_redis.keys("*") == []

        assert (await say(client, HELLO, site=OTHER_SITE, origin=OTHER_ORIGIN)).status_code == 200
        assert (await say(client, HELLO, origin=None)).status_code == 200  # no Origin: not a browser
        assert (await say(client, HELLO, origin=ORIGIN.upper())).status_code == 200
    assert len(rasa.messages) == 3


async def test_too_long_a_message_is_refused_kindly_and_not_passed_on(gateway, rasa, fake_redis):
    async with gateway(max_message_chars=40) as client:
        refused = await say(client, "a" * 41)
        assert refused.status_code == 413
        assert refused.json()["messages"] == [{"type": "text", "text": TOO_LONG}]
        assert rasa.requests == [] and await fake_redis.keys("*") == []
        assert (await say(client, "a" * 40)).status_code == 200
        huge = await client.post("/api/chat", content=b"{" + b" " * 20_000 + b"}",
                                 headers={"Content-Type": "application/json"})
        assert huge.status_code == 413 and CRISIS_NUMBER in texts(huge.json())
    assert len(rasa.messages) == 1


async def test_too_many_messages_get_429_per_session_and_per_client(gateway, rasa, fake_redis):
    async with gateway(messages_per_minute_per_session=3, messages_per_minute_per_client=6) as client:
        session = (await say(client, HELLO)).json()["session"]
        replies = [await say(client, HELLO, session) for _ in range(3)]
        assert [r.status_code for r in replies] == [200, 200, 429]
        assert replies[-1].json()["messages"] == [{"type": "text", "text": TOO_FAST}]
        # New conversations from the same address still count against the address (4 so far).
        others = [(await say(client, HELLO)).status_code for _ in range(3)]
        assert others == [200, 200, 429]
        assert len(rasa.messages) == 5  # nothing refused reached Rasa
        keys = await fake_redis.keys(f"{RATE_LIMITS}:rate:*")
        assert keys and not any("203.0.113.7" in key for key in keys)  # the address is hashed
        ttls = [await fake_redis.ttl(key) for key in keys]
        assert all(0 < ttl <= 60 for ttl in ttls), ttls


# --- clearing, replicas, readiness, logs ----------------------------------------------------------


async def test_clearing_a_conversation_deletes_its_tracker_and_risk_state(gateway, rasa, fake_redis):
    async with gateway() as client:
        session = (await say(client, CONCERN)).json()["session"]
        other = (await say(client, CONCERN)).json()["session"]
        for s in (session, other):
            await fake_redis.set(TRACKER + s, '{"events": []}')  # what Rasa's tracker store keeps
        assert (await client.delete(f"/api/chat/{session}")).status_code == 204
        assert not await fake_redis.exists(TRACKER + session, RiskStates.key(session))
        assert await fake_redis.exists(TRACKER + other, RiskStates.key(other)) == 2
        # The cleared conversation starts afresh: a yes is no longer an answer to the question.
        assert (await say(client, "yes", session)).json()["messages"] != HANDOFF
        # Ids it did not make get the same answer, and nothing is deleted.
        for bad in (new_session("another secret"), "nonsense"):
            assert (await client.delete(f"/api/chat/{bad}")).status_code == 204
        assert await fake_redis.exists(TRACKER + other, RiskStates.key(other)) == 2


async def test_rasa_replicas_are_taken_in_turn(gateway, stub_rasa, fake_redis):
    first, second = await stub_rasa(), await stub_rasa()
    async with gateway(rasa_replicas=f"{first.url}/, {second.url}") as client:
        session = None
        for _ in range(4):
            session = (await say(client, HELLO, session)).json()["session"]
        assert fake_redis.made[0]["decode_responses"] is True
    assert len(first.messages) == len(second.messages) == 2
    assert {r.path for r in first.requests + second.requests} == {"/webhooks/rest/webhook"}
    assert [r.body["sender"] for r in first.messages + second.messages] == [session] * 4


async def test_a_replica_that_is_down_passes_its_messages_to_the_next(gateway, stub_rasa, fake_redis):
    first, second = await stub_rasa(), await stub_rasa()
    async with gateway(rasa_replicas=f"{first.url},{second.url}") as client:
        await second.stop()
        session = None
        for _ in range(4):
            body = (await say(client, HELLO, session)).json()
            assert body["messages"] != UNAVAILABLE_REPLY
            session = body["session"]
    assert len(first.messages) == 4


@pytest.fixture
def silent_host() -> Iterator[str]:
    """A Rasa address that neither takes a connection nor refuses one, like a host whose link went
    down: a listening socket whose accept queue is full, so the kernel drops every further SYN."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    queued = socket.create_connection(server.getsockname(), timeout=2)  # the queue's only place
    yield "http://{}:{}".format(*server.getsockname())
    queued.close()
    server.close()


async def test_a_silent_replica_passes_the_message_to_the_next_and_then_rests(gateway, stub_rasa, silent_host,
                                                                              caplog):
    other = await stub_rasa()
    async with gateway(rasa_replicas=f"{silent_host},{other.url}", rasa_connect_timeout_seconds=0.2) as client:
        session = None
        for _ in range(4):
            body = (await say(client, HELLO, session)).json()
            assert body["messages"] != UNAVAILABLE_REPLY
            session = body["session"]
    assert len(other.messages) == 4
    # Only the first message waited for the silent host; the rest went straight to the other.
    assert caplog.text.count("a replica was not reached") == 1


async def test_the_reply_keeps_to_the_deadline_across_replicas(gateway, stub_rasa, silent_host):
    slow = await stub_rasa(mode="slow")
    async with gateway(rasa_replicas=f"{silent_host},{slow.url}", rasa_connect_timeout_seconds=0.3,
                       rasa_timeout_seconds=0.8) as client:
        started = time.monotonic()
        body = (await say(client, HELLO)).json()
        elapsed = time.monotonic() - started
    assert body["messages"] == UNAVAILABLE_REPLY
    assert len(slow.messages) == 1  # reached the second replica, which then used up the time left
    assert elapsed < 0.8 + 0.3


@pytest.mark.parametrize("failure", ["slow", "error", "garbage"])
async def test_a_replica_that_took_a_message_and_gave_no_answer_is_not_asked_again_and_rests(
        gateway, stub_rasa, failure):
    failing, other = await stub_rasa(mode=failure), await stub_rasa()
    async with gateway(rasa_replicas=f"{failing.url},{other.url}", rasa_timeout_seconds=0.5) as client:
        first = (await say(client, HELLO)).json()
        # It may have handled the message: another replica must not handle it again.
        assert first["messages"] == UNAVAILABLE_REPLY
        assert (len(failing.messages), len(other.messages)) == (1, 0)
        for _ in range(3):
            assert (await say(client, HELLO, first["session"])).json()["messages"] != UNAVAILABLE_REPLY
    assert (len(failing.messages), len(other.messages)) == (1, 3)


async def test_readiness_needs_a_rasa_replica_and_redis(gateway, stub_rasa):
    first, second = await stub_rasa(), await stub_rasa()
    async with gateway(rasa_replicas=f"{first.url},{second.url}") as client:
        assert (await client.get("/readyz")).json() == {"status": "ready", "rasa": True, "redis": True}
        await second.stop()
        assert (await client.get("/readyz")).json() == {"status": "ready", "rasa": True, "redis": True}
        await first.stop()
        not_ready = await client.get("/readyz")
        assert not_ready.status_code == 503 and not_ready.json()["rasa"] is False


async def test_no_message_text_is_logged(gateway, rasa, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "my sergeant Quixotebottom said hello"
    crisis = f"{CRISIS}, Quixotebottom"
    async with gateway(rasa_timeout_seconds=0.3, messages_per_minute_per_session=2, max_message_chars=60) as client:
        session = (await say(client, secret)).json()["session"]
        await say(client, crisis, session)
        rasa.mode = "error"
        await say(client, secret, session)
        await say(client, secret, session)  # 429
        await say(client, secret + "x" * 60)  # 413
        await rasa.stop()
        await say(client, CONCERN + " Quixotebottom")
    assert caplog.records
    for record in caplog.records:
        assert "Quixotebottom" not in record.getMessage(), record.name


async def test_the_site_goes_to_rasa_and_only_its_own_contacts_come_back(gateway, rasa):
    from .conftest import OTHER_CONTACT, SITE_CONTACT

    def card(contact, tel):
        return {**{k: v for k, v in contact.items() if k != "topics"}, "tel": tel}

    own, other = card(SITE_CONTACT, "tel:+441632960001"), card(OTHER_CONTACT, "tel:+442079460002")
    rasa.reply = lambda body: [
        {"recipient_id": body["sender"], "text": "National money answer."},
        {"recipient_id": body["sender"], "custom": {"type": "contacts", "topic": "money", "contacts": [own]}},
        {"recipient_id": body["sender"], "custom": {"type": "contacts", "topic": "money", "contacts": [other]}},
    ]
    async with gateway() as client:
        body = (await say(client, "money worries")).json()
        assert rasa.messages[-1].metadata["site"] == SITE
        assert body["messages"] == [
            {"type": "text", "text": "National money answer."},
            {"type": "contacts", "topic": "money", "heading": "Local support from Test host", "contacts": [own]},
        ]
        response = await client.post("/api/chat", json={"site": OTHER_SITE, "message": "money worries"},
                                     headers={"Origin": OTHER_ORIGIN})
        assert rasa.messages[-1].metadata["site"] == OTHER_SITE
        assert [m.get("contacts") for m in response.json()["messages"]] == [None, [other]]
