"""Redis Sentinel failover under a live conversation (issue 17): real redis-server processes, a
master, two replicas and three sentinels on loopback, and a whole stack finding its Redis through
them. The master is killed (SIGKILL) mid-conversation while messages keep coming every
PACE_SECONDS; Sentinel promotes a replica, and the conversation carries on from it.

With two replicas and REDIS_REPLICAS_TO_ACK=1 the promoted master still has a replica to confirm
each save. The timeline (kill, promotion, first answer after, the replies meanwhile) is printed
and written to reports/sentinel_failover.json; its figures are reported, never asserted.
"""

from __future__ import annotations

import collections
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from bot import crisis_line
from bot.content import UNAVAILABLE, domain_response
from bot.redis_group import DOWN_AFTER_MS, FAILOVER_TIMEOUT_MS, MASTER_NAME, RedisGroup, redis_group
from bot.redis_keys import RATE_LIMITS, RISK_STATE, TRACKER
from bot.stack import ROOT, Stack, free_port
from gateway.replies import Replies

pytestmark = pytest.mark.integration

PACE_SECONDS = 0.15
# Intents given directly (Rasa's "/intent" form), so each has one known answer and Rasa's fallback
# can only mean it failed; and a message the risk screen hands off, every fifth.
ORDINARY = ("/crisis_line_number", "/confidentiality", "/crisis_line_provider", "/follow_up")
CRISIS = "I want to end my life"
TURNS_BEFORE_KILL = 6
KILL_AFTER_SENDING_SECONDS = 0.02
ANSWERS_AFTER_PROMOTION = 10
REPORT = ROOT / "reports" / "sentinel_failover.json"
FALLBACK = " ".join(domain_response("utter_default")["text"].split())
HANDOFF = " ".join(Replies().handoff_text.split())


@pytest.fixture(scope="module")
def group(tmp_path_factory) -> Iterator[RedisGroup]:
    with redis_group(tmp_path_factory.mktemp("sentinel"), replicas=2, sentinels=3) as running:
        yield running


@pytest.fixture(scope="module")
def sentinel_stack(group, settings, tmp_path_factory) -> Iterator[Stack]:
    """A whole stack whose every Redis client goes through the sentinels (redis_url names a port
    nobody listens on: a client that ignored them would fail)."""
    own = settings.but(
        redis_url=f"redis://127.0.0.1:{free_port()}/0", redis_sentinels=group.sentinel_setting,
        redis_master_name=MASTER_NAME, redis_replicas_to_ack=1, rasa_port=free_port(), action_server_port=free_port(),
        gateway_port=free_port(), metrics_port=free_port(),
        messages_per_minute_per_session=10_000, messages_per_minute_per_client=10_000,
    )
    running = Stack(own, log_dir=tmp_path_factory.mktemp("sentinel-stack-logs"))
    running.start()
    yield running
    running.stop()


class PromotionWatcher(threading.Thread):
    """When the sentinels first name another master than the one given."""

    def __init__(self, group: RedisGroup, old_port: int):
        super().__init__(daemon=True)
        self.group, self.old_port = group, old_port
        self.promoted_at: float | None = None
        self.new_port: int | None = None
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                port = self.group.master_port()
            except RuntimeError:
                port = self.old_port
            if port != self.old_port:
                self.promoted_at, self.new_port = time.monotonic(), port
                return
            time.sleep(0.02)


@dataclass
class Turn:
    sent_at: float
    answered_at: float
    text: str
    status: int
    messages: list[dict] = field(default_factory=list)

    @property
    def crisis(self) -> bool:
        return self.text == CRISIS

    @property
    def kind(self) -> str:
        """handoff (the gateway's own), unavailable (the gateway's kind message), fallback (Rasa's,
        when handling failed: these intents have their own answers), answer, or nothing. (After a
        handoff every answer carries the call too, pinned.)"""
        first = " ".join((self.messages[0].get("text") or "").split()) if self.messages else ""
        return {"": "nothing", HANDOFF: "handoff", UNAVAILABLE: "unavailable", FALLBACK: "fallback"}.get(first, "answer")

    def says_the_number(self) -> bool:
        return any(crisis_line.NUMBER in (message.get("text") or "") for message in self.messages)


class Conversation:
    def __init__(self, gateway_url: str):
        self.url, self.session, self.turns = gateway_url, None, []
        self.client = httpx.Client(timeout=30)

    def say(self, text: str) -> Turn:
        sent_at = time.monotonic()
        response = self.client.post(f"{self.url}/api/chat",
                                    json={"site": "test-host", "session": self.session, "message": text})
        body = response.json()
        self.session = body.get("session", self.session)
        turn = Turn(sent_at, time.monotonic(), text, response.status_code, body.get("messages", []))
        self.turns.append(turn)
        return turn

    def next_text(self) -> str:
        count = len(self.turns)
        return CRISIS if count % 5 == 4 else ORDINARY[count % len(ORDINARY)]


def timeline(turns: list[Turn], killed_at: float, watcher: PromotionWatcher) -> dict:
    """The failover in seconds from the kill; kinds and times only, never what was said."""
    promoted_at = watcher.promoted_at or float("nan")
    after_kill = [t for t in turns if t.answered_at >= killed_at]
    # A message Rasa had already saved when the master died is answered after the kill too; the
    # failover is over at the first answer to a message sent after it.
    answered = [t.answered_at for t in after_kill if t.kind == "answer" and t.sent_at >= killed_at]
    recovered_at = answered[0] if answered else float("nan")
    during = [t for t in after_kill if t.answered_at < recovered_at]
    kinds = collections.Counter(t.kind for t in during)
    return {
        "sentinel": {"down_after_ms": DOWN_AFTER_MS, "failover_timeout_ms": FAILOVER_TIMEOUT_MS,
                     "replicas": len(watcher.group.replicas), "sentinels": len(watcher.group.sentinels),
                     "replicas_to_ack": 1},
        "message_every_s": PACE_SECONDS,
        "master_killed_s": 0.0,
        "sentinel_promoted_s": round(promoted_at - killed_at, 3),
        "first_answer_s": round(recovered_at - killed_at, 3),
        "during_failover": {"messages": len(during), "unavailable_replies": kinds["unavailable"],
                            "fallback_replies": kinds["fallback"],
                            "crisis_messages": sum(t.crisis for t in during),
                            "crisis_handoffs": sum(t.crisis and t.kind == "handoff" for t in during)},
        "after_kill": dict(collections.Counter(t.kind for t in after_kill)),
        "turns": [{"sent_s": round(t.sent_at - killed_at, 3), "reply_ms": round(1000 * (t.answered_at - t.sent_at)),
                   "crisis": t.crisis, "kind": t.kind} for t in turns],
    }


def user_texts(stored: str) -> collections.Counter:
    return collections.Counter(event.get("text") for event in json.loads(stored)["events"]
                               if event.get("event") == "user")


def test_the_conversation_outlives_its_redis_master(group, sentinel_stack):
    gateway = sentinel_stack.settings.gateway_url
    talk = Conversation(gateway)
    for _ in range(TURNS_BEFORE_KILL):
        talk.say(talk.next_text())
        time.sleep(PACE_SECONDS)
    assert [t.kind for t in talk.turns] == ["handoff" if t.crisis else "answer" for t in talk.turns]

    watcher = PromotionWatcher(group, group.master.port)
    watcher.start()
    # Killed while Rasa handles the next message (it holds the conversation's lock, mid-save).
    killer = threading.Timer(KILL_AFTER_SENDING_SECONDS, group.master.kill)
    killer.start()
    talk.say(talk.next_text())
    killer.join()
    killed_at = talk.turns[-1].sent_at + KILL_AFTER_SENDING_SECONDS
    deadline = killed_at + 60
    while time.monotonic() < deadline:
        talk.say(talk.next_text())
        recent = [t for t in talk.turns if watcher.promoted_at and t.sent_at > watcher.promoted_at and not t.crisis]
        if len(recent) >= ANSWERS_AFTER_PROMOTION and all(t.kind == "answer" for t in recent[-ANSWERS_AFTER_PROMOTION:]):
            break
        time.sleep(PACE_SECONDS)
    watcher.done.set()

    figures = timeline(talk.turns, killed_at, watcher)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps({key: value for key, value in figures.items() if key != "turns"}, indent=1))

    # Sentinel promoted one of the replicas.
    assert watcher.new_port in [replica.port for replica in group.replicas]
    # Every message got a reply; every crisis message the handoff, throughout.
    assert {t.status for t in talk.turns} == {200}
    assert all(t.kind == "handoff" for t in talk.turns if t.crisis)
    # Anything but an answer is a kind message with the crisis number.
    ordinary = [t for t in talk.turns if not t.crisis]
    assert {t.kind for t in ordinary} <= {"answer", "unavailable", "fallback"}
    assert all(t.says_the_number() for t in ordinary if t.kind != "answer")
    # The conversation carries on after the promotion.
    after = [t for t in ordinary if t.sent_at > watcher.promoted_at]
    assert [t.kind for t in after[-ANSWERS_AFTER_PROMOTION:]] == ["answer"] * ANSWERS_AFTER_PROMOTION

    # Nothing acknowledged lost: the new master's copy of the conversation has every message that
    # got a real answer (it may have more: a message whose answer did not reach the person).
    new_master = group.node(watcher.new_port).client
    session = talk.session
    acknowledged = collections.Counter(t.text for t in ordinary if t.kind == "answer")
    stored = user_texts(new_master.get(TRACKER + session))
    assert not acknowledged - stored
    # The gateway found the new master too: its rate counters and the conversation's risk state
    # (handed off) are there, and clearing the conversation deletes it there.
    assert list(new_master.scan_iter(f"{RATE_LIMITS}:rate:session:{session}:*"))
    assert json.loads(new_master.get(RISK_STATE + session))["handed_off"] is True
    assert httpx.delete(f"{gateway}/api/chat/{session}").status_code == 204
    assert not new_master.exists(TRACKER + session, RISK_STATE + session)
