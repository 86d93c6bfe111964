"""What the review queue keeps, and what it never keeps (a small fake Redis stands in here)."""

from __future__ import annotations

import fnmatch
import json

import pytest

from bot.review.queue import PREFIX, SECONDS_A_DAY, Item, ReviewQueue, worth_review


class FakeRedis:
    def __init__(self) -> None:
        self.values: dict[bytes, bytes] = {}
        self.expiry: dict[bytes, int] = {}

    def set(self, key: str, value: str, ex: int) -> None:
        self.values[key.encode()] = value.encode()
        self.expiry[key.encode()] = ex

    def scan_iter(self, match: str, count: int):
        return [key for key in self.values if fnmatch.fnmatch(key.decode(), match)]

    def mget(self, keys):
        return [self.values.get(key if isinstance(key, bytes) else key.encode()) for key in keys]

    def delete(self, *keys: str) -> None:
        for key in keys:
            self.values.pop(key.encode(), None)


def parse(name: str, confidence: float, ranking: list[tuple[str, float]], text: str = "something") -> dict:
    return {
        "text": text,
        "intent": {"name": name, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
    }


@pytest.fixture
def queue() -> ReviewQueue:
    return ReviewQueue(FakeRedis(), days=3)


def test_a_fallback_is_worth_review_with_the_best_real_intent_as_the_guess():
    item = worth_review(parse("nlu_fallback", 0.75, [("nlu_fallback", 0.75), ("self_help", 0.2)]), 0.5)
    assert item == Item("something", "self_help", 0.2)


def test_a_low_confidence_intent_is_worth_review():
    item = worth_review(parse("sleep_problems", 0.41, [("sleep_problems", 0.41), ("feeling_low", 0.3)]), 0.5)
    assert item is not None and item.guess == "sleep_problems"


def test_a_confident_intent_is_not_worth_review():
    assert worth_review(parse("greet", 0.93, [("greet", 0.93)]), 0.5) is None


@pytest.mark.parametrize("intent", ["risk_crisis", "risk_concern"])
def test_a_message_the_risk_screen_took_is_never_worth_review(intent):
    assert worth_review(parse(intent, 0.1, [(intent, 1.0), ("nlu_fallback", 0.3)]), 0.5) is None


def test_a_guess_is_never_a_risk_intent_or_the_fallback():
    item = worth_review(parse("nlu_fallback", 0.3, [("risk_concern", 0.9), ("nlu_fallback", 0.3), ("deny", 0.1)]), 0.5)
    assert item is not None and item.guess == "deny"


def test_kept_messages_are_redacted_and_expire_after_the_configured_days(queue):
    assert queue.add(Item("ring me on 07700 900123 about the rota swap", "out_of_scope", 0.3))
    (key, value), = queue.client.values.items()
    assert key.decode().startswith(PREFIX)
    assert "07700" not in value.decode() and "<phone>" in value.decode()
    assert queue.client.expiry[key] == 3 * SECONDS_A_DAY


def test_an_item_holds_nothing_but_the_text_the_guess_and_its_confidence(queue):
    queue.add(Item("what time does the canteen shut", "out_of_scope", 0.31))
    value = json.loads(next(iter(queue.client.values.values())))
    assert value == {"text": "what time does the canteen shut", "guess": "out_of_scope", "confidence": 0.31}


def test_keys_are_random_so_two_items_cannot_be_linked(queue):
    queue.add(Item("first message about parking", "out_of_scope", 0.2))
    queue.add(Item("second message about parking", "out_of_scope", 0.2))
    first, second = sorted(key.decode().removeprefix(PREFIX) for key in queue.client.values)
    assert len(first) == len(second) == 32 and first[:8] != second[:8]


@pytest.mark.parametrize("text", [
    "i want to kill myself",
    "everyone would be better off without me",
    "i can't cope anymore",
])
def test_a_risk_message_is_never_kept_whatever_the_caller_decided(queue, text):
    assert not queue.add(Item(text, "out_of_scope", 0.1))
    assert queue.client.values == {}


def test_a_message_that_is_nothing_once_redacted_is_not_kept(queue):
    assert not queue.add(Item("   ", "out_of_scope", 0.1))


def test_items_and_delete_round_trip(queue):
    queue.add(Item("parking at the nick", "out_of_scope", 0.2))
    queue.add(Item("canteen hours", "out_of_scope", 0.2))
    waiting = queue.items()
    assert sorted(item.text for item in waiting.values()) == ["canteen hours", "parking at the nick"]
    queue.delete(list(waiting)[:1])
    assert len(queue.items()) == 1
